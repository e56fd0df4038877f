"""Finishing an analysis: storing its report, recording events, and telling whoever should know
(the SSE streams, the webhook, the e-mail, Saler). Shared by the API (cache hits) and the worker."""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.analysis import repository as repo
from veritasad.analysis.engine.report import Report
from veritasad.analysis.progress import Event, Publisher
from veritasad.core.db import utcnow
from veritasad.core.settings import Settings
from veritasad.models.ad_segment import AdSegmentRow
from veritasad.models.analysis import Analysis
from veritasad.models.enums import AnalysisStatus

log = structlog.get_logger(__name__)

SALER_TASK = "leads.ingest_analysis"
VERDICT_RANK = {"disclosed": 0, "partially_disclosed": 1, "undisclosed": 2}

_publishers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Publisher] = weakref.WeakKeyDictionary()


def publisher(settings: Settings) -> Publisher:
    loop = asyncio.get_running_loop()
    pub = _publishers.get(loop)
    if pub is None or pub.redis_url != settings.redis_url:
        pub = _publishers[loop] = Publisher(settings.redis_url)
    return pub


async def event(
    session: AsyncSession, settings: Settings, analysis_id: str, name: str, data: dict[str, Any]
) -> Event:
    return await publisher(settings).publish(session, analysis_id, name, data)


def worst_verdict(report: Report) -> str | None:
    verdicts = [s.disclosure.verdict for s in report.segments if s.disclosure is not None]
    return max(verdicts, key=VERDICT_RANK.__getitem__) if verdicts else None


def segment_rows(analysis_id: str, report: Report) -> list[AdSegmentRow]:
    return [
        AdSegmentRow(
            analysis_id=analysis_id,
            segment_id=s.id,
            start=s.start,
            end=s.end,
            kind=s.kind,
            confidence=s.confidence,
            advertiser=(s.advertiser.name or None) and s.advertiser.name[:255],
            verdict=s.disclosure.verdict if s.disclosure else None,
            data=s.model_dump(mode="json"),
        )
        for s in report.segments
    ]


async def store_report(session: AsyncSession, analysis: Analysis, report: Report) -> None:
    """Status done, with the report as JSON, its segments as rows and the summary columns for lists."""
    await repo.replace_segments(session, analysis.id, segment_rows(analysis.id, report))
    analysis.report = report.model_dump(mode="json")
    analysis.duration = report.media.duration if report.media else None
    analysis.language = report.language
    analysis.verdict = worst_verdict(report)
    analysis.ad_count = len(report.segments)
    analysis.status = AnalysisStatus.done
    analysis.stage, analysis.progress = "done", 100.0
    analysis.error_code = analysis.error_message = None
    analysis.finished_at = utcnow()


async def reuse(session: AsyncSession, analysis: Analysis, source: Analysis) -> None:
    """Same content, same options: the stored report answers at once."""
    assert source.report is not None
    await store_report(session, analysis, Report.model_validate(source.report))
    analysis.cached_from = source.id
    analysis.started_at = analysis.finished_at


def fail(analysis: Analysis, code: str, message: str) -> None:
    analysis.status = AnalysisStatus.failed
    analysis.error_code, analysis.error_message = code, message[:2000]
    analysis.finished_at = utcnow()


def advertisers(analysis: Analysis) -> list[str]:
    segments = (analysis.report or {}).get("segments", [])
    return sorted({(s.get("advertiser") or {}).get("name") for s in segments} - {None, ""})


async def announce(session: AsyncSession, analysis: Analysis, settings: Settings) -> None:
    """The terminal event for streams, then the follow-up jobs. A follow-up that cannot be queued is
    logged, never turned into a failure of the analysis itself."""
    if analysis.status == AnalysisStatus.done:
        data = {"status": "done", "verdict": analysis.verdict, "ad_count": analysis.ad_count,
                "cached": analysis.cached_from is not None, "report_url": f"/api/v1/analyses/{analysis.id}"}  # fmt: skip
        await event(session, settings, analysis.id, "done", data)
    else:
        data = {"status": "failed", "error_code": analysis.error_code, "message": analysis.error_message}
        await event(session, settings, analysis.id, "failed", data)
    follow_ups: list[tuple[str, str]] = []
    if analysis.callback_url:
        follow_ups.append(("notify.webhook", "default"))
    if analysis.notify_email:
        follow_ups.append(("notify.email", "default"))
    if analysis.status == AnalysisStatus.done and advertisers(analysis) and task_registered(SALER_TASK):
        follow_ups.append((SALER_TASK, "default"))
    for name, queue in follow_ups:
        await asyncio.to_thread(_send, name, analysis.id, queue)


def task_registered(name: str) -> bool:
    from veritasad.core.queue import celery_app

    if name not in celery_app.tasks:
        celery_app.loader.import_default_modules()  # the API process has not imported task modules yet
    return name in celery_app.tasks


def _send(name: str, analysis_id: str, queue: str) -> None:
    from veritasad.core.queue import enqueue

    try:
        enqueue(name, analysis_id, queue=queue)
    except Exception as exc:  # noqa: BLE001  the broker is down; the analysis itself is fine
        log.error("analysis.follow_up_failed", task=name, analysis_id=analysis_id, error=str(exc))
