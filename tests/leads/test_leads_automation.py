"""Automations: analysis -> leads through a real Celery worker, round-robin assignment, score rules and
follow-up reminders through a local SMTP server (aiosmtpd) and a local stand-in for the Telegram Bot API."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from veritasad.core.queue import enqueue
from veritasad.leads import automation
from veritasad.leads.reminders import OwnerNotifier
from veritasad.leads.scoring import ScoreInputs, compute_score, score_breakdown
from veritasad.models.analysis import Analysis
from veritasad.models.enums import AnalysisStatus, LeadSource, Role, SourceType
from veritasad.models.lead import Lead
from veritasad.models.lead_activity import LeadActivity
from veritasad.models.lead_analysis import LeadAnalysis


def segment(start, end, name=None, domains=(), urls=(), verdict="undisclosed"):
    return {
        "id": f"s{start}", "start": start, "end": end, "kind": "sponsor", "confidence": 0.9,
        "advertiser": {"name": name, "domains": list(domains), "promo_codes": [], "urls": list(urls)},
        "evidence": [], "decided_by": "rules",
        "disclosure": {"verdict": verdict, "rules": [], "deciding_rule": "", "evidence": []},
    }


async def add_analysis(session, user_id: int, segments: list[dict], name: str = "video.mp4") -> str:
    analysis = Analysis(
        user_id=user_id, source_type=SourceType.upload, filename=name, options={}, options_hash="x" * 64,
        status=AnalysisStatus.done, finished_at=datetime.now(UTC), ad_count=len(segments),
        report={"schema_version": "1.0", "source": name, "segments": segments},
    )
    session.add(analysis)
    await session.commit()
    return analysis.id


async def wait_for(predicate, timeout=30.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if result := await predicate():
            return result
        await asyncio.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")


async def test_analysis_becomes_leads_through_the_worker(worker, session, make_user):
    owner, _ = await make_user()
    s1, _ = await make_user(role=Role.sales, name="S One")
    s2, _ = await make_user(role=Role.sales, name="S Two")
    first = await add_analysis(session, owner.id, [
        segment(12.4, 40, "Skillbox", ["skillbox.ru"], ["https://skillbox.ru/promo?x=1"]),
        segment(300, 330, "SKILLBOX", [], ["https://www.skillbox.ru/"], verdict="disclosed"),
        segment(500, 520, "NordVPN", [], ["nordvpn.com/blog"]),
        segment(600, 610, None, [], []),  # nothing names the advertiser: skipped
    ], name="review.mp4")
    enqueue("leads.ingest_analysis", first)

    def fresh(stmt):
        return session.execute(stmt.execution_options(populate_existing=True))

    async def two_leads():
        rows = (await fresh(select(Lead).order_by(Lead.id))).scalars().all()
        return rows if len(rows) == 2 else None

    skillbox, nord = await wait_for(two_leads)
    assert skillbox.company == "Skillbox" and skillbox.domains == ["skillbox.ru"]
    assert skillbox.source == LeadSource.analysis and skillbox.seen_count == 1 and skillbox.undisclosed_count == 1
    assert nord.domains == ["nordvpn.com"] and nord.website == "https://nordvpn.com"
    assert {skillbox.owner_id, nord.owner_id} == {s1.id, s2.id}  # round robin
    evidence = (await session.execute(select(LeadAnalysis).where(LeadAnalysis.lead_id == skillbox.id))).scalar_one()
    assert [s["start"] for s in evidence.segments] == [12.4, 300.0] and evidence.title == "review.mp4"

    # a second video with the same brand (by name only) raises the seen count; a re-run changes nothing
    second = await add_analysis(session, owner.id, [segment(5, 25, "skillbox")], name="vlog.mp4")
    enqueue("leads.ingest_analysis", second)
    enqueue("leads.ingest_analysis", second)

    async def seen_twice():
        lead = (await fresh(select(Lead).where(Lead.id == skillbox.id))).scalar_one()
        return lead if lead.seen_count == 2 else None

    lead = await wait_for(seen_twice)
    await asyncio.sleep(1.0)  # let the duplicate job finish too
    links = (await session.execute(select(LeadAnalysis).where(LeadAnalysis.lead_id == lead.id))).scalars().all()
    assert len(links) == 2
    assert lead.score == compute_score(ScoreInputs(2, lead.last_seen_at, 2, 0), datetime.now(UTC))
    assert len((await session.execute(select(Lead))).scalars().all()) == 2


async def test_ingest_ignores_unfinished_and_names_missing(session, make_user):
    owner, _ = await make_user()
    analysis_id = await add_analysis(session, owner.id, [segment(1, 2, "Brand", ["brand.com"])])
    row = await session.get(Analysis, analysis_id)
    row.status = AnalysisStatus.processing
    await session.commit()
    assert await automation.ingest_analysis(session, analysis_id) == []
    with pytest.raises(Exception, match="Analysis not found"):
        await automation.ingest_analysis(session, "0" * 32)


def test_score_rules():
    now = datetime(2026, 1, 31, tzinfo=UTC)
    fresh = ScoreInputs(seen_count=3, last_seen_at=now - timedelta(days=2), undisclosed_count=1, inbound_count=0)
    assert score_breakdown(fresh, now) == {"frequency": 12, "recency": 20, "compliance": 5, "inbound": 0}
    stale = ScoreInputs(3, now - timedelta(days=60), 1, 0)
    assert compute_score(stale, now) == 12 + 5 + 5
    maxed = ScoreInputs(50, now, 50, 9)
    assert compute_score(maxed, now) == 100
    assert compute_score(ScoreInputs(0, None, 0, 0), now) == 0


async def test_scores_decay_when_recomputed(session, make_user):
    lead = Lead(company="Old", company_key="old", source=LeadSource.analysis, stage="new", seen_count=1,
                last_seen_at=datetime.now(UTC) - timedelta(days=100), score=24, tags=[], domain_rows=[])
    session.add(lead)
    await session.commit()
    assert await automation.recompute_scores(session) == 1
    assert lead.score == 4


class Smtp:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


class FakeBotApi(BaseHTTPRequestHandler):
    sent: ClassVar[list[tuple[str, dict]]] = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeBotApi.sent.append((self.path, body))
        payload = b'{"ok":true}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


async def test_due_follow_up_reminds_owner_by_email_and_telegram(session, make_user, settings):
    handler = Smtp()
    with socket.socket() as probe:  # aiosmtpd needs a concrete port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(handler, hostname="127.0.0.1", port=port)
    smtp.start()
    bot = ThreadingHTTPServer(("127.0.0.1", 0), FakeBotApi)
    threading.Thread(target=bot.serve_forever, daemon=True).start()
    try:
        owner, _ = await make_user(role=Role.sales, name="Olga", email="olga@sales.test")
        owner_row = await session.get(type(owner), owner.id)
        owner_row.telegram_id = 424242
        due = Lead(company="Due Co", company_key="due co", source=LeadSource.manual, stage="contacted",
                   owner_id=owner.id, tags=[], domain_rows=[], next_follow_up_at=datetime.now(UTC) - timedelta(minutes=5))
        later = Lead(company="Later Co", company_key="later co", source=LeadSource.manual, stage="new",
                     owner_id=owner.id, tags=[], domain_rows=[], next_follow_up_at=datetime.now(UTC) + timedelta(days=1))
        session.add_all([due, later])
        await session.commit()

        configured = settings.model_copy(update={
            "smtp_host": "127.0.0.1", "smtp_port": smtp.port, "telegram_bot_token": "123:abc",
            "telegram_api_url": f"http://127.0.0.1:{bot.server_port}",
        })
        notifier = OwnerNotifier(configured)
        assert await automation.send_due_reminders(session, notifier, "http://app.test") == 1
        await session.commit()
        assert len(handler.messages) == 1
        message = handler.messages[0]
        assert message.rcpt_tos == ["olga@sales.test"]
        text = message.content.decode()
        assert "Follow up: Due Co" in text and "http://app.test/leads/" in text
        assert FakeBotApi.sent[0][0] == "/bot123:abc/sendMessage" and FakeBotApi.sent[0][1]["chat_id"] == 424242
        # once per follow-up time: no second reminder until the follow-up is moved
        assert await automation.send_due_reminders(session, notifier, "http://app.test") == 0
        due.next_follow_up_at = datetime.now(UTC) - timedelta(seconds=1)
        await session.commit()
        assert await automation.send_due_reminders(session, notifier, "http://app.test") == 1
        assert len(handler.messages) == 2
        notes = (await session.execute(select(LeadActivity.body).where(LeadActivity.lead_id == due.id))).scalars().all()
        assert any("by e-mail and Telegram" in n for n in notes)
    finally:
        smtp.stop()
        bot.shutdown()


async def test_admin_configures_round_robin(client, staff, session):
    (alice, ah), (bob, _), (_, dh), _ = staff
    assert (await client.get("/api/v1/leads/assignment", headers=ah)).status_code == 403
    rotation = (await client.get("/api/v1/leads/assignment", headers=dh)).json()
    assert {r["user_id"] for r in rotation} == {alice.id, bob.id} and all(r["in_rotation"] for r in rotation)
    r = await client.put("/api/v1/leads/assignment", headers=dh, json=[{"user_id": bob.id, "in_rotation": False}])
    assert r.status_code == 200
    r = await client.put("/api/v1/leads/assignment", headers=dh, json=[{"user_id": 999999, "in_rotation": True}])
    assert r.status_code == 422
    from veritasad.leads.service import create_inbound_lead

    owners = []
    for i in range(3):
        lead = await create_inbound_lead(session, email=f"buyer{i}@shop{i}.com", company=f"Shop {i}")
        owners.append(lead.owner_id)
    await session.commit()
    assert owners == [alice.id] * 3  # Bob is out of the rotation
    await client.put("/api/v1/leads/assignment", headers=dh, json=[{"user_id": bob.id, "in_rotation": True}])
    more = [(await create_inbound_lead(session, email=f"x{i}@more{i}.com")).owner_id for i in range(4)]
    assert sorted(more) == sorted([alice.id, bob.id] * 2)  # now they alternate
