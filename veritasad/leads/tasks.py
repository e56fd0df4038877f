"""Saler jobs: open a session, call the automation, done. Registered by name so other contexts can send
them without importing this module (the analysis service sends "leads.ingest_analysis")."""

from __future__ import annotations

from typing import Any

from veritasad.core.db import session_scope
from veritasad.core.queue import QUEUE_DEFAULT, add_periodic, celery_app, run_async
from veritasad.core.settings import get_settings
from veritasad.leads import automation
from veritasad.leads.reminders import OwnerNotifier


@celery_app.task(name="leads.ingest_analysis", queue=QUEUE_DEFAULT)
def ingest_analysis(analysis_id: str) -> list[dict[str, Any]]:
    """Each advertiser the finished analysis found becomes a lead or updates one (idempotent)."""

    async def go() -> list[dict[str, Any]]:
        async with session_scope() as session:
            return await automation.ingest_analysis(session, analysis_id)

    return run_async(go())


@celery_app.task(name="leads.recompute_scores", queue=QUEUE_DEFAULT)
def recompute_scores() -> int:
    async def go() -> int:
        async with session_scope() as session:
            return await automation.recompute_scores(session)

    return run_async(go())


@celery_app.task(name="leads.send_reminders", queue=QUEUE_DEFAULT)
def send_reminders() -> int:
    async def go() -> int:
        settings = get_settings()
        async with session_scope() as session:
            return await automation.send_due_reminders(session, OwnerNotifier(settings), settings.base_url)

    return run_async(go())


_settings = get_settings()
add_periodic("leads.send_reminders", "leads.send_reminders", _settings.lead_reminder_interval_seconds)
add_periodic("leads.recompute_scores", "leads.recompute_scores", _settings.lead_score_interval_seconds)
