"""Notification use cases: tell the client's webhook and the user's inbox that an analysis finished."""

from __future__ import annotations

import aiosmtplib
import httpx
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.analysis.download import DownloadError
from veritasad.core.errors import TransientError
from veritasad.core.settings import Settings
from veritasad.models.analysis import Analysis
from veritasad.models.user import User
from veritasad.notify import email, webhook

log = structlog.get_logger(__name__)


def webhook_payload(analysis: Analysis, settings: Settings) -> dict:
    base = settings.base_url.rstrip("/") + f"/api/v1/analyses/{analysis.id}"
    return {
        "event": f"analysis.{analysis.status}",
        "analysis_id": analysis.id,
        "status": str(analysis.status),
        "verdict": analysis.verdict,
        "ad_count": analysis.ad_count,
        "error_code": analysis.error_code,
        "error_message": analysis.error_message,
        "finished_at": analysis.finished_at.isoformat() if analysis.finished_at else None,
        "report_url": base,
        "sponsorblock_url": base + "/sponsorblock",
    }


async def send_webhook(session: AsyncSession, settings: Settings, analysis_id: str) -> int | None:
    """One attempt. 2xx: done. 5xx, 429 or a network failure: TransientError (the task retries with
    backoff). Other answers, or an address that is not allowed: given up, logged."""
    analysis = await session.get(Analysis, analysis_id)
    if analysis is None or not analysis.callback_url or not analysis.finished:
        return None
    body = webhook.encode(webhook_payload(analysis, settings))
    secret = webhook.signing_secret(settings.secret_key, analysis.user_id)
    headers = {
        webhook.SIGNATURE_HEADER: webhook.sign(secret, body),
        webhook.EVENT_HEADER: f"analysis.{analysis.status}",
    }
    try:
        status = await webhook.post(
            analysis.callback_url, body, headers, allow_loopback=settings.allow_loopback_urls
        )
    except DownloadError as exc:
        log.warning("webhook.refused", analysis_id=analysis_id, error=exc.message)
        return None
    except httpx.HTTPError as exc:
        raise TransientError(f"webhook delivery failed: {type(exc).__name__}") from exc
    if status >= 500 or status == 429:
        raise TransientError(f"webhook answered {status}")
    if status >= 300:
        log.warning("webhook.rejected", analysis_id=analysis_id, status=status)
    else:
        log.info("webhook.delivered", analysis_id=analysis_id, status=status)
    return status


async def send_email(session: AsyncSession, settings: Settings, analysis_id: str) -> bool:
    analysis = await session.get(Analysis, analysis_id)
    if analysis is None or not analysis.notify_email or not analysis.finished:
        return False
    user = await session.get(User, analysis.user_id)
    if user is None or not user.email:
        return False
    if not settings.smtp_host:
        log.info("email.skipped", reason="SMTP_HOST is not set", analysis_id=analysis_id)
        return False
    try:
        await email.send(settings, email.completion_message(settings, analysis, user.email))
    except (OSError, aiosmtplib.SMTPException) as exc:  # server away or refusing: try again later
        raise TransientError(f"SMTP failed: {exc}") from exc
    log.info("email.sent", analysis_id=analysis_id)
    return True
