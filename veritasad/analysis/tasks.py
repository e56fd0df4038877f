"""Celery tasks of the analysis context: open a session, call the runner. No business logic here."""

from __future__ import annotations

from veritasad.analysis import runner
from veritasad.core.db import get_sessionmaker, session_scope
from veritasad.core.queue import QUEUE_DEFAULT, QUEUE_MEDIA, add_periodic, celery_app, run_async
from veritasad.core.settings import get_settings
from veritasad.core.storage import get_storage

REAPER_EVERY_SECONDS = 60.0
RETENTION_EVERY_SECONDS = 3600.0


@celery_app.task(
    name="analysis.run", bind=True, queue=QUEUE_MEDIA, acks_late=True, reject_on_worker_lost=True
)
def run_analysis(self, analysis_id: str) -> None:
    """Runs one analysis. Transient failures raise TransientError, which the base task retries with backoff."""
    settings = get_settings()
    retries_left = max(0, (self.max_retries or 0) - self.request.retries)

    storage = get_storage(settings)
    run_async(runner.run(get_sessionmaker(), settings, storage, analysis_id, retries_left=retries_left))


@celery_app.task(name="analysis.reap", queue=QUEUE_DEFAULT)
def reap_stuck() -> int:
    """Fails jobs stuck past the time limit with TIMEOUT."""

    async def go() -> int:
        async with session_scope() as session:
            return await runner.reap(session, get_settings())

    return run_async(go())


@celery_app.task(name="analysis.purge_media", queue=QUEUE_DEFAULT)
def purge_media() -> int:
    """Deletes media older than MEDIA_RETENTION_DAYS; the reports stay."""

    async def go() -> int:
        settings = get_settings()
        async with session_scope() as session:
            return await runner.purge_media(session, settings, get_storage(settings))

    return run_async(go())


add_periodic("analysis-reaper", "analysis.reap", REAPER_EVERY_SECONDS)
add_periodic("analysis-media-retention", "analysis.purge_media", RETENTION_EVERY_SECONDS)
