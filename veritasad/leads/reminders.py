"""How follow-up reminders reach an owner: e-mail through the notify context's SMTP sender, and a
Telegram message through the Bot API when the owner linked Telegram and a bot token is configured."""

from __future__ import annotations

from email.message import EmailMessage

import httpx

from veritasad.core.errors import TransientError
from veritasad.core.settings import Settings
from veritasad.notify import email as mail


class OwnerNotifier:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def email(self, to: str, subject: str, body: str) -> bool:
        if not self.settings.smtp_host:
            return False  # no mail server configured
        msg = EmailMessage()
        msg["From"] = self.settings.smtp_from
        msg["To"] = to
        msg["Subject"] = subject
        msg.set_content(body)
        await mail.send(self.settings, msg)
        return True

    async def telegram(self, chat_id: int, text: str) -> bool:
        token = self.settings.telegram_bot_token
        if not token:
            return False
        url = f"{self.settings.telegram_api_url.rstrip('/')}/bot{token}/sendMessage"
        async with httpx.AsyncClient(timeout=15) as client:
            response = await client.post(url, json={"chat_id": chat_id, "text": text})
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientError(f"Telegram answered {response.status_code}")
        response.raise_for_status()
        return True
