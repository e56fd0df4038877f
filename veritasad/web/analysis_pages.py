"""The upload page and the page of one analysis (live progress, then the report)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from veritasad.accounts.deps import OptionalUser, Session, app_settings
from veritasad.accounts.plans import plan_limits
from veritasad.analysis import service as analyses
from veritasad.analysis.engine import reasons
from veritasad.core.errors import AppError, ErrorCode
from veritasad.models.enums import SourceType
from veritasad.web.account_pages import login_redirect
from veritasad.web.contact import human_bytes
from veritasad.web.i18n import catalogue, translate
from veritasad.web.templating import render, request_language

router = APIRouter(include_in_schema=False)

# the stages the worker and the engine report, in order; the page shows them as a row of steps
STAGES = ("queued", "download", "probe", "speech", "screen", "segments", "disclosure", "report")
OTHER_STAGES = ("starting", "downloaded", "retrying", "done")
KINDS = ("sponsor", "selfpromo", "interaction", "intro", "outro", "preview", "filler")
# API error codes the upload page may meet, shown in the page's language
UPLOAD_ERRORS = (
    "QUOTA_EXCEEDED", "MEDIA_TOO_LARGE", "MEDIA_TOO_LONG", "UNSUPPORTED_MEDIA", "CORRUPT_MEDIA", "EMPTY_MEDIA",
    "NO_STREAMS", "URL_NOT_ALLOWED", "DOWNLOAD_FAILED", "VALIDATION_ERROR", "RATE_LIMITED", "BODY_TOO_LARGE",
    "NOT_AUTHENTICATED", "CSRF_FAILED", "NETWORK",
)  # fmt: skip


def failure_text(lang: str, code: str | None) -> str:
    """A failed analysis's reason in plain words; unknown codes get the general sentence."""
    key = f"failure.{code}"
    return translate(lang, key) if code and key in catalogue("en") else translate(lang, "failure.generic")


def explanations(report: dict[str, Any] | None, lang: str) -> dict[str, reasons.Explanation]:
    """Each judged segment's why in the page's language, by segment id."""
    segments = (report or {}).get("segments") or []
    return {s["id"]: reasons.explain_stored(s["disclosure"], lang) for s in segments
            if isinstance(s, dict) and isinstance(s.get("disclosure"), dict) and "id" in s}


@router.get("/analyze")
async def analyze_page(request: Request, user: OptionalUser) -> Response:
    if user is None:
        return login_redirect(request)
    limits = plan_limits(user, app_settings(request))
    lang = request_language(request)
    context = {
        "max_upload": human_bytes(limits.max_bytes),
        "max_bytes": limits.max_bytes,
        "max_minutes": limits.max_seconds // 60,
        "upload_errors": {code: translate(lang, f"error.{code}") for code in UPLOAD_ERRORS},
    }
    return render(request, "analyze.html", context, user=user)


@router.get("/analysis/{analysis_id}")
async def analysis_page(analysis_id: str, request: Request, user: OptionalUser, session: Session) -> Response:
    if user is None:
        return login_redirect(request)
    try:
        analysis = await analyses.get_visible(session, user, analysis_id)
    except AppError as exc:
        if exc.code != ErrorCode.NOT_FOUND:
            raise
        return render(request, "not_found.html", user=user, status_code=404)
    links = analyses.links(analysis.id)
    base = links.self
    lang = request_language(request)
    context = {
        "a": analysis,
        "why": explanations(analysis.report, lang),
        # an upload has nothing to download
        "stages": [s for s in STAGES if s != "download" or analysis.source_type != SourceType.upload],
        "stage_names": STAGES + OTHER_STAGES,
        "kinds": KINDS[:3],
        "failure": failure_text(lang, analysis.error_code),
        "media_url": links.media if analysis.media_key else None,
        "exports": [
            (f"{base}/report.json", "JSON"),
            (f"{base}/report.csv?lang={lang}", "CSV"),
            (f"{base}/report.vtt?lang={lang}", "WebVTT"),
            (f"{base}/sponsorblock", "SponsorBlock"),
        ],
    }
    return render(request, "analysis.html", context, user=user)
