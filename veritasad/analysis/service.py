"""Analysis use cases for the API: submit (upload or link), read, list, export, delete.

The worker's side (running a job, the reaper, media retention) is in runner.py."""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.accounts import service as accounts
from veritasad.accounts.plans import plan_limits
from veritasad.analysis import repository as repo
from veritasad.analysis import results
from veritasad.analysis.download import DownloadError, resolve_checked
from veritasad.analysis.engine.report import ENGINE_VERSION, AnalysisOptions
from veritasad.analysis.schemas import AnalysisOut, Links, ListQuery, OptionsIn, Page, SubmitUrl, Summary
from veritasad.core.errors import AppError, ErrorCode, NotFound
from veritasad.core.settings import Settings
from veritasad.core.storage import LocalStorage, Storage, StoredObject
from veritasad.models.analysis import Analysis, new_analysis_id
from veritasad.models.enums import AnalysisStatus, Role, SourceType
from veritasad.models.user import User

log = structlog.get_logger(__name__)

API_PREFIX = "/api/v1/analyses"
RUN_TASK = "analysis.run"
MEDIA_TYPES = {"mp4": "video/mp4", "webm": "video/webm", "matroska": "video/x-matroska", "mov": "video/quicktime",
               "ogg": "video/ogg", "mp3": "audio/mpeg", "wav": "audio/wav", "flac": "audio/flac", "avi": "video/x-msvideo"}  # fmt: skip


# ---------------------------------------------------------------- options


def effective_options(options: dict[str, Any], settings: Settings, max_seconds: float) -> AnalysisOptions:
    """The client's choices plus the server's settings: what the engine actually runs with."""
    chosen = OptionsIn.model_validate(options)
    return AnalysisOptions(
        **chosen.model_dump(),
        asr_model=settings.asr_model,
        asr_device=settings.asr_device,
        asr_compute_type=settings.asr_compute_type,
        asr_cpu_threads=settings.asr_cpu_threads,
        frame_interval=settings.frame_interval_seconds,
        max_duration=float(max_seconds),
    )


def options_hash(options: OptionsIn, settings: Settings) -> str:
    """Everything that can change a report: same hash + same content = the stored report can be reused."""
    key = {
        **options.model_dump(),
        "regimes": sorted(options.regimes),
        "asr_model": settings.asr_model,
        "asr_compute_type": settings.asr_compute_type,
        "frame_interval": settings.frame_interval_seconds,
        "engine": ENGINE_VERSION,
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def media_key(analysis_id: str) -> str:
    return f"media/{analysis_id[:2]}/{analysis_id}"


def links(analysis_id: str) -> Links:
    base = f"{API_PREFIX}/{analysis_id}"
    return Links(self=base, status=f"{base}/status", stream=f"{base}/stream", report=f"{base}/report.json",
                 media=f"{base}/media")  # fmt: skip


# ---------------------------------------------------------------- reading


async def get_visible(
    session: AsyncSession, user: User, analysis_id: str, *, with_report: bool = True
) -> Analysis:
    """The analysis if this user may see it. Others' ids answer 404 like missing ones: no existence leak."""
    analysis = (
        await repo.get(session, analysis_id, with_report=with_report) if len(analysis_id) <= 32 else None
    )
    if analysis is None or (analysis.user_id != user.id and user.role != Role.admin):
        raise NotFound("Analysis")
    return analysis


def to_out(analysis: Analysis) -> AnalysisOut:
    return AnalysisOut(
        **Summary.model_validate(analysis).model_dump(),
        options=analysis.options,
        callback_url=analysis.callback_url,
        notify_email=analysis.notify_email,
        has_media=analysis.media_key is not None,
        report=analysis.report,
        links=links(analysis.id),
    )


async def list_analyses(session: AsyncSession, user: User, query: ListQuery) -> Page:
    if query.all_users and user.role != Role.admin:
        raise AppError(ErrorCode.FORBIDDEN, "Only admins may list everyone's analyses")
    rows, total = await repo.page(session, query, None if query.all_users else user)
    return Page(items=[Summary.model_validate(r) for r in rows], total=total, page=query.page,
                page_size=query.page_size)  # fmt: skip


def require_report(analysis: Analysis) -> dict[str, Any]:
    if analysis.status != AnalysisStatus.done or analysis.report is None:
        raise AppError(
            ErrorCode.ANALYSIS_NOT_READY,
            f"The analysis is {analysis.status}; its report is not ready",
            details={"status": str(analysis.status), "error_code": analysis.error_code},
        )
    return analysis.report


# ---------------------------------------------------------------- submitting


async def ensure_quota_left(session: AsyncSession, user: User) -> None:
    """A cheap check before accepting upload bytes; the atomic count happens when the job is created."""
    limit = plan_limits(user).daily
    if await accounts.usage_today(session, user) >= limit:
        raise AppError(
            ErrorCode.QUOTA_EXCEEDED,
            f"The daily limit of {limit} analyses for the {user.plan} plan is used up",
            details={"limit": limit, "plan": str(user.plan), "resets": "00:00 UTC"},
        )


async def check_callback_url(url: str | None, settings: Settings) -> None:
    if url is not None:
        try:
            await resolve_checked(url, settings.allow_loopback_urls)
        except DownloadError as exc:
            raise AppError(
                ErrorCode.URL_NOT_ALLOWED, f"callback_url: {exc.message}", details={"field": "callback_url"}
            ) from None


def probe_local(storage: Storage, key: str, max_seconds: int) -> str | None:
    """Probes a stored upload (local storage only: S3 media is probed by the worker). Raises AppError for
    media the engine would refuse, so the client learns at once; returns the format name."""
    if not isinstance(storage, LocalStorage):
        return None
    from veritasad.analysis.engine.errors import MediaError
    from veritasad.analysis.engine.media import probe

    try:
        info = probe(storage.path(key), max_duration=float(max_seconds))
    except MediaError as exc:
        raise AppError(ErrorCode(exc.code), exc.message) from None
    return info.format_name


def media_type_for(format_name: str | None, declared: str | None) -> str:
    """The type the player gets: the declared one when it names audio or video, else one from the
    container that was probed (PyAV names e.g. "mov,mp4,m4a,3gp,3g2,mj2")."""
    if declared and declared.split("/")[0] in ("video", "audio"):
        return declared
    names = set((format_name or "").split(","))
    for name, media_type in MEDIA_TYPES.items():
        if name in names:
            return media_type
    return "application/octet-stream"


async def create_from_upload(
    session: AsyncSession,
    user: User,
    settings: Settings,
    storage: Storage,
    analysis_id: str,
    stored: StoredObject,
    *,
    filename: str | None,
    content_type: str | None,
    options: OptionsIn,
    callback_url: str | None = None,
    notify_email: bool = False,
    source_type: SourceType = SourceType.upload,
) -> tuple[Analysis, bool]:
    """An analysis for media already in storage under `stored.key`. Returns (analysis, served from cache).
    On any refusal the stored media is removed."""
    try:
        await check_callback_url(callback_url, settings)
        limits = plan_limits(user)
        format_name = await asyncio.to_thread(probe_local, storage, stored.key, limits.max_seconds)
        analysis = Analysis(
            id=analysis_id, user_id=user.id, source_type=source_type, filename=(filename or None) and filename[:255],
            media_key=stored.key, content_type=media_type_for(format_name, content_type), sha256=stored.sha256,
            size_bytes=stored.size, options=options.model_dump(), options_hash=options_hash(options, settings),
            callback_url=callback_url, notify_email=notify_email,
        )  # fmt: skip
        cached = await repo.cached_report(session, stored.sha256, analysis.options_hash)
        if cached is None:
            await accounts.consume_quota(session, user)
        session.add(analysis)
        await session.flush()
    except BaseException:
        await storage.delete(stored.key)
        raise
    if cached is not None:
        await results.reuse(session, analysis, cached)
        await session.commit()
        await results.announce(session, analysis, settings)
        return analysis, True
    await _queue(session, settings, user, analysis)
    return analysis, False


async def create_from_url(session: AsyncSession, user: User, settings: Settings, body: SubmitUrl) -> Analysis:
    """An analysis of a link; the worker downloads it. The host is checked now, and again on every hop."""
    await check_callback_url(body.callback_url, settings)
    await resolve_checked(body.url, settings.allow_loopback_urls)
    analysis = Analysis(
        id=new_analysis_id(), user_id=user.id, source_type=SourceType.url, source_url=body.url,
        options=body.options.model_dump(), options_hash=options_hash(body.options, settings),
        callback_url=body.callback_url, notify_email=body.notify_email,
    )  # fmt: skip
    await accounts.consume_quota(session, user)
    session.add(analysis)
    await _queue(session, settings, user, analysis)
    return analysis


async def _queue(session: AsyncSession, settings: Settings, user: User, analysis: Analysis) -> None:
    from veritasad.core.queue import QUEUE_MEDIA, enqueue

    await session.commit()  # first: the worker must find the row when it picks the job up
    await results.event(session, settings, analysis.id, "progress", {"stage": "queued", "percent": 0.0})
    try:
        await asyncio.to_thread(enqueue, RUN_TASK, analysis.id, queue=QUEUE_MEDIA)
    except Exception as exc:  # noqa: BLE001  the broker is down: say so, and give the quota back
        log.error("analysis.enqueue_failed", analysis_id=analysis.id, error=str(exc))
        analysis.status = AnalysisStatus.failed
        analysis.error_code = ErrorCode.SERVICE_UNAVAILABLE.value
        analysis.error_message = "The job queue is unavailable; try again shortly"
        await accounts.refund_quota(session, user)
        await session.commit()
        raise AppError(
            ErrorCode.SERVICE_UNAVAILABLE, "The job queue is unavailable; try again shortly"
        ) from None


# ---------------------------------------------------------------- media and deletion


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """A single `bytes=` range as (start, end) inclusive; None means "send it all" (no header, or one we
    may ignore, e.g. several ranges). RANGE_NOT_SATISFIABLE when it lies outside the file."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header[6:].strip().partition("-")
    try:
        if first == "":  # the last N bytes
            n = int(last)
            start, end = max(size - n, 0), size - 1
            if n <= 0:
                raise ValueError
        else:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
    except ValueError:
        return None
    if start >= size or start > end or start < 0:
        raise AppError(
            ErrorCode.RANGE_NOT_SATISFIABLE,
            f"The range lies outside the file ({size} bytes)",
            headers={"Content-Range": f"bytes */{size}"},
        )
    return start, end


async def delete_analysis(session: AsyncSession, analysis: Analysis, storage: Storage) -> None:
    """Removes the media first (a failure leaves the row to retry with), then the row and its rows."""
    if analysis.media_key:
        await storage.delete(analysis.media_key)
    await session.delete(analysis)
    await session.commit()
    log.info("analysis.deleted", analysis_id=analysis.id)
