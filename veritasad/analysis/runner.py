"""The worker's use cases: run one analysis job, reap stuck jobs, purge old media.

A job is idempotent: a finished analysis is never run again, so a redelivered message (its worker died)
either finishes the work or does nothing."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from datetime import timedelta
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.exc import IntegrityError, OperationalError, PendingRollbackError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from veritasad.accounts.plans import plan_limits
from veritasad.analysis import repository as repo
from veritasad.analysis import results
from veritasad.analysis.download import DownloadError, Limits, download
from veritasad.analysis.engine.errors import EngineError
from veritasad.analysis.engine.report import AnalysisOptions, Report
from veritasad.analysis.progress import Throttle
from veritasad.analysis.service import effective_options, media_key, media_type_for
from veritasad.core.db import utcnow
from veritasad.core.errors import ErrorCode, TransientError
from veritasad.core.settings import Settings
from veritasad.core.storage import Storage, StorageError
from veritasad.models.analysis import Analysis
from veritasad.models.enums import AnalysisStatus
from veritasad.models.user import User

log = structlog.get_logger(__name__)


class JobTimeout(Exception):
    """The job ran past JOB_TIMEOUT_SECONDS."""


async def _timed(seconds: float, work: Coroutine[Any, Any, None]) -> None:
    # Not TimeoutError: that is an OSError, which the job treats as a transient failure to retry.
    try:
        async with asyncio.timeout(seconds) as deadline:
            await work
    except TimeoutError:
        if deadline.expired():
            raise JobTimeout from None
        raise


def run_engine(path: Path, options: AnalysisOptions, on_progress) -> Report:
    from veritasad.analysis.engine.pipeline import analyze

    return analyze(path, options, on_progress)


class ProgressSink:
    """The engine calls back from its own thread(s), often; this forwards a throttled few to the loop,
    where one task writes them (its own session: the job's session is busy elsewhere)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[tuple[str, float, str] | None] = asyncio.Queue()
        self.throttle = Throttle(step=2.0, interval=1.0)
        self.lock = threading.Lock()

    def __call__(self, stage: str, percent: float, message: str = "") -> None:
        with self.lock:
            if not self.throttle.passes(stage, percent):
                return
        self.loop.call_soon_threadsafe(self.queue.put_nowait, (stage, round(float(percent), 1), message))

    async def drain(
        self, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, analysis_id: str
    ) -> None:
        while (item := await self.queue.get()) is not None:
            stage, percent, message = item
            try:
                async with sessionmaker() as session:
                    await repo.set_progress(session, analysis_id, stage, percent)
                    await results.event(
                        session,
                        settings,
                        analysis_id,
                        "progress",
                        {"stage": stage, "percent": percent, "message": message},
                    )
            except OperationalError as exc:
                # a busy database must not stop the job; the next update catches up
                log.warning("analysis.progress_write_failed", error=str(exc))


async def run(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    storage: Storage,
    analysis_id: str,
    *,
    retries_left: int,
) -> None:
    try:
        await _run(sessionmaker, settings, storage, analysis_id, retries_left=retries_left)
    except (StaleDataError, IntegrityError, PendingRollbackError):
        async with sessionmaker() as session:
            if await repo.get(session, analysis_id) is not None:
                raise
        # deleted by its owner while it ran: drop whatever the job stored meanwhile
        await storage.delete(media_key(analysis_id))
        log.info("analysis.deleted_while_running", analysis_id=analysis_id)


async def _run(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    storage: Storage,
    analysis_id: str,
    *,
    retries_left: int,
) -> None:
    async with sessionmaker() as session:
        analysis = await repo.get_for_update(session, analysis_id)
        if analysis is None:
            log.warning("analysis.missing", analysis_id=analysis_id)
            return
        if analysis.finished:
            log.info("analysis.already_finished", analysis_id=analysis_id, status=str(analysis.status))
            return
        user = await session.get(User, analysis.user_id)
        assert user is not None  # the foreign key cascades
        analysis.status, analysis.started_at, analysis.stage = AnalysisStatus.processing, utcnow(), "starting"
        analysis.attempts += 1
        await session.commit()
        await results.event(session, settings, analysis.id, "progress", {"stage": "starting", "percent": 0.0})
        try:
            await _timed(
                settings.job_timeout_seconds, _work(session, sessionmaker, settings, storage, analysis, user)
            )
        except (DownloadError, StorageError, OSError, OperationalError, TransientError) as exc:
            transient = not isinstance(exc, DownloadError) or exc.transient
            code = exc.code.value if isinstance(exc, DownloadError) else ErrorCode.ANALYSIS_FAILED.value
            message = (
                exc.message if isinstance(exc, DownloadError) else "A temporary failure; retries exhausted"
            )
            if transient and retries_left > 0:
                await session.rollback()
                analysis.status, analysis.stage = AnalysisStatus.queued, "retrying"
                await session.commit()
                await results.event(session, settings, analysis.id, "progress", {"stage": "retrying", "percent": 0.0,
                                                                                  "message": message})  # fmt: skip
                log.warning("analysis.retrying", analysis_id=analysis.id, error=repr(exc))
                raise TransientError(message) from exc
            await _failed(session, analysis, code, message)
        except EngineError as exc:
            code = exc.code if exc.code in ErrorCode.__members__ else ErrorCode.ANALYSIS_FAILED.value
            await _failed(session, analysis, code, exc.message)
        except JobTimeout:
            await _failed(session, analysis, ErrorCode.TIMEOUT.value, "The analysis took longer than allowed")
        except Exception:
            log.exception("analysis.crashed", analysis_id=analysis.id)
            await _failed(
                session, analysis, ErrorCode.ANALYSIS_FAILED.value, "The analysis failed unexpectedly"
            )
        await results.announce(session, analysis, settings)


async def _failed(session: AsyncSession, analysis: Analysis, code: str, message: str) -> None:
    await session.rollback()
    results.fail(analysis, code, message)
    await session.commit()
    await session.refresh(analysis)  # the rollback expired it; async code must not lazy-load
    log.info("analysis.failed", analysis_id=analysis.id, error_code=code)


async def _work(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    storage: Storage,
    analysis: Analysis,
    user: User,
) -> None:
    limits = plan_limits(user, settings)
    if analysis.media_key is None and await _fetch(session, settings, storage, analysis, limits.max_bytes):
        return  # the same content was analysed before: its report was reused
    assert analysis.media_key is not None
    options = effective_options(analysis.options, settings, limits.max_seconds)
    sink = ProgressSink(asyncio.get_running_loop())
    writer = asyncio.create_task(sink.drain(sessionmaker, settings, analysis.id))
    try:
        async with storage.local_path(analysis.media_key) as path:
            report = await asyncio.to_thread(run_engine, path, options, sink)
    finally:
        sink.queue.put_nowait(None)
        await writer
    report.source = analysis.filename or analysis.source_url or report.source
    if report.media is not None:
        analysis.content_type = media_type_for(report.media.format_name, analysis.content_type)
    await results.store_report(session, analysis, report)
    await session.commit()
    log.info("analysis.done", analysis_id=analysis.id, ads=analysis.ad_count, verdict=analysis.verdict)


async def _fetch(
    session: AsyncSession, settings: Settings, storage: Storage, analysis: Analysis, max_bytes: int
) -> bool:
    """Downloads a link's media into storage. True when a stored report of the same content was reused."""
    await results.event(session, settings, analysis.id, "progress", {"stage": "download", "percent": 0.0})
    limits = Limits(
        max_bytes=min(max_bytes, settings.download_max_bytes),
        timeout=settings.download_timeout_seconds,
        allow_loopback=settings.allow_loopback_urls,
    )
    got = await download(analysis.source_url or "", storage, media_key(analysis.id), limits)
    analysis.media_key, analysis.sha256, analysis.size_bytes = (
        got.stored.key,
        got.stored.sha256,
        got.stored.size,
    )
    analysis.filename = got.filename
    analysis.content_type = got.content_type
    analysis.stage = "downloaded"
    cached = await repo.cached_report(session, got.stored.sha256, analysis.options_hash)
    if cached is not None and cached.id != analysis.id:
        await results.reuse(session, analysis, cached)
    await session.commit()
    return cached is not None and cached.id != analysis.id


async def reap(session: AsyncSession, settings: Settings) -> int:
    """Jobs stuck past the time limit (their worker vanished and no redelivery came) fail with TIMEOUT."""
    now = utcnow()
    started_before = now - timedelta(seconds=settings.job_timeout_seconds + 120)
    queued_before = now - timedelta(seconds=settings.job_timeout_seconds * 4)
    stuck = list(await repo.stuck(session, started_before, queued_before))
    for analysis in stuck:
        results.fail(analysis, ErrorCode.TIMEOUT.value, "The analysis did not finish in time")
    await session.commit()
    for analysis in stuck:
        log.warning("analysis.reaped", analysis_id=analysis.id)
        await results.announce(session, analysis, settings)
    return len(stuck)


PROGRESS_KEPT = timedelta(days=1)


async def purge_media(session: AsyncSession, settings: Settings, storage: Storage, batch: int = 200) -> int:
    """Media older than MEDIA_RETENTION_DAYS is deleted; the reports stay. Progress steps of analyses
    finished a day ago go too (their final event stays)."""
    await repo.prune_progress(session, utcnow() - PROGRESS_KEPT)
    await session.commit()
    before = utcnow() - timedelta(days=settings.media_retention_days)
    count = 0
    while rows := await repo.with_old_media(session, before, batch):
        for analysis in rows:
            await storage.delete(analysis.media_key or "")
            analysis.media_key, analysis.media_deleted_at = None, utcnow()
        await session.commit()
        count += len(rows)
    return count
