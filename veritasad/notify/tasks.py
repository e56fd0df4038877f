"""Notification jobs: load, call the service. Failures worth retrying raise TransientError (backoff)."""

from __future__ import annotations

from veritasad.core.db import session_scope
from veritasad.core.queue import QUEUE_DEFAULT, celery_app, run_async
from veritasad.core.settings import get_settings
from veritasad.notify import service

WEBHOOK_RETRIES = 6  # with exponential backoff: about ten minutes in all


@celery_app.task(name="notify.webhook", queue=QUEUE_DEFAULT, max_retries=WEBHOOK_RETRIES)
def send_webhook(analysis_id: str) -> int | None:
    async def go() -> int | None:
        async with session_scope() as session:
            return await service.send_webhook(session, get_settings(), analysis_id)

    return run_async(go())


@celery_app.task(name="notify.email", queue=QUEUE_DEFAULT)
def send_email(analysis_id: str) -> bool:
    async def go() -> bool:
        async with session_scope() as session:
            return await service.send_email(session, get_settings(), analysis_id)

    return run_async(go())
