"""Notifications: signed webhooks against a real local HTTP server, e-mail against a real local SMTP
server (aiosmtpd)."""

from __future__ import annotations

import json
import socket
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from veritasad.core.db import utcnow
from veritasad.core.errors import TransientError
from veritasad.models.analysis import Analysis
from veritasad.models.enums import AnalysisStatus, SourceType
from veritasad.notify import service, webhook


async def finished(session, user, **kw) -> Analysis:
    a = Analysis(
        user_id=user.id, source_type=SourceType.upload, filename="clip.mp4", options={}, options_hash="h",
        status=AnalysisStatus.done, verdict="undisclosed", ad_count=2, finished_at=utcnow(), **kw,
    )  # fmt: skip
    session.add(a)
    await session.commit()
    return a


def test_signature_roundtrip():
    secret = webhook.signing_secret("k" * 32, 7)
    assert secret != webhook.signing_secret("k" * 32, 8) and secret.startswith("whsec_")
    body = b'{"a":1}'
    header = webhook.sign(secret, body)
    assert webhook.verify(secret, header, body)
    assert not webhook.verify(secret, header, b'{"a":2}')  # tampered body
    assert not webhook.verify("whsec_other", header, body)  # wrong secret
    t = int(header.split(",")[0][2:])
    assert not webhook.verify(secret, header, body, now=t + 3600)  # replayed later
    assert not webhook.verify(secret, "garbage", body)


async def test_webhook_delivered_signed(session, make_user, settings, media_server, client):
    user, headers = await make_user()
    url = media_server.add("/hook", status=204)
    a = await finished(session, user, callback_url=url)
    assert await service.send_webhook(session, settings, a.id) == 204
    path, got_headers, body = media_server.posts[-1]
    assert path == "/hook" and got_headers["content-type"] == "application/json"
    secret = (await client.get("/api/v1/webhooks/secret", headers=headers)).json()["secret"]
    assert webhook.verify(secret, got_headers["x-veritasad-signature"], body)
    payload = json.loads(body)
    assert payload["event"] == "analysis.done" and payload["analysis_id"] == a.id
    assert payload["verdict"] == "undisclosed" and payload["report_url"].endswith(f"/api/v1/analyses/{a.id}")


async def test_webhook_retry_rules(session, make_user, settings, media_server):
    user, _ = await make_user()
    a = await finished(session, user, callback_url=media_server.add("/down", status=503))
    with pytest.raises(TransientError):
        await service.send_webhook(session, settings, a.id)
    b = await finished(session, user, callback_url=media_server.add("/gone", status=410))
    assert await service.send_webhook(session, settings, b.id) == 410  # given up, not retried
    c = await finished(session, user, callback_url="http://127.0.0.1:9/closed")
    with pytest.raises(TransientError):  # connection refused: worth another try
        await service.send_webhook(session, settings, c.id)
    d = await finished(session, user, callback_url="http://10.0.0.1/internal")
    assert await service.send_webhook(session, settings, d.id) is None  # never sent inside
    e = await finished(
        session, user, callback_url=media_server.add("/redirect", status=307, headers={"Location": "/hook"})
    )
    assert await service.send_webhook(session, settings, e.id) == 307  # redirects are not followed
    assert "/hook" not in media_server.hits


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default_policy)))
        return "250 OK"


@pytest.fixture
def smtp():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


async def test_completion_email(session, make_user, settings, smtp):
    inbox, port = smtp
    user, _ = await make_user(email="creator@example.com")
    smtp_settings = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
    a = await finished(session, user, notify_email=True)
    assert await service.send_email(session, smtp_settings, a.id) is True
    (rcpt, msg) = inbox.messages[-1]
    assert rcpt == ["creator@example.com"] and "undisclosed advertising found" in msg["Subject"]
    text = msg.get_content()
    assert "найдена непромаркированная реклама" in text and f"/analysis/{a.id}" in text

    quiet = await finished(session, user, notify_email=False)
    assert await service.send_email(session, smtp_settings, quiet.id) is False
    assert await service.send_email(session, settings.model_copy(update={"smtp_host": None}), a.id) is False
    assert len(inbox.messages) == 1

    down = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": 9})
    with pytest.raises(TransientError):
        await service.send_email(session, down, a.id)
