"""E-mail through SMTP (aiosmtplib): the message that an analysis finished."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from veritasad.core.settings import Settings
from veritasad.models.analysis import Analysis
from veritasad.models.enums import AnalysisStatus

VERDICT_WORDS = {
    "disclosed": ("all ads are disclosed", "вся реклама промаркирована"),
    "partially_disclosed": (
        "some ads are only partly disclosed",
        "часть рекламы промаркирована не полностью",
    ),
    "undisclosed": ("undisclosed advertising found", "найдена непромаркированная реклама"),
    None: ("no advertising found", "реклама не найдена"),
}


def completion_message(settings: Settings, analysis: Analysis, to: str) -> EmailMessage:
    name = analysis.filename or analysis.source_url or analysis.id
    link = f"{settings.base_url.rstrip('/')}/analysis/{analysis.id}"
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["To"] = to
    if analysis.status == AnalysisStatus.done:
        en, ru = VERDICT_WORDS.get(analysis.verdict, VERDICT_WORDS[None])
        msg["Subject"] = f"VeritasAd: {name} — {en}"
        body = (
            f"The analysis of {name} is done: {en} ({analysis.ad_count} ad segment(s)).\n"
            f"Анализ «{name}» готов: {ru} (рекламных фрагментов: {analysis.ad_count}).\n\n{link}\n"
        )
    else:
        msg["Subject"] = f"VeritasAd: {name} — analysis failed"
        body = (
            f"The analysis of {name} failed: {analysis.error_message} ({analysis.error_code}).\n"
            f"Анализ «{name}» не удался: {analysis.error_message} ({analysis.error_code}).\n\n{link}\n"
        )
    msg.set_content(body)
    return msg


async def send(settings: Settings, message: EmailMessage) -> None:
    await aiosmtplib.send(
        message,
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_user,
        password=settings.smtp_password,
        timeout=30,
    )
