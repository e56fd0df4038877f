"""Live progress: the hub (database polling, and Redis pub/sub when a server is reachable), latency,
resuming with Last-Event-ID, and the SSE endpoint."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from analysis_support import parse_sse

from veritasad.analysis import progress
from veritasad.analysis.hub import Hub, follow
from veritasad.analysis.progress import Publisher, Throttle
from veritasad.core.db import get_sessionmaker
from veritasad.models.analysis import Analysis
from veritasad.models.enums import SourceType

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["db", "redis"])
def redis_url(request):
    if request.param == "redis" and not redis_reachable():
        pytest.skip("no Redis server")
    return REDIS_URL if request.param == "redis" else None


async def new_analysis(session, user) -> Analysis:
    a = Analysis(user_id=user.id, source_type=SourceType.upload, options={}, options_hash="h")
    session.add(a)
    await session.commit()
    return a


async def test_live_events_arrive_within_a_second(session, make_user, redis_url):
    user, _ = await make_user()
    a = await new_analysis(session, user)
    hub, pub = Hub(get_sessionmaker(), redis_url), Publisher(redis_url)
    got: list[tuple[progress.Event, float]] = []

    async def reader():
        async for ev in follow(hub, a.id, 0, replay=lambda _after: _empty(), deadline=time.monotonic() + 20):
            got.append((ev, time.monotonic()))

    task = asyncio.create_task(reader())
    await asyncio.sleep(0.3)  # subscribed
    sent_at = []
    for pct in (10.0, 50.0):
        sent_at.append(time.monotonic())
        await pub.publish(session, a.id, "progress", {"stage": "speech", "percent": pct})
        await asyncio.sleep(0.4)
    sent_at.append(time.monotonic())
    await pub.publish(session, a.id, "done", {"status": "done"})
    await asyncio.wait_for(task, 10)
    await hub.close()
    await pub.close()
    assert [e.event for e, _ in got] == ["progress", "progress", "done"]
    latencies = [t - s for (_, t), s in zip(got, sent_at, strict=True)]
    assert max(latencies) < 1.0, latencies


async def _empty():
    return []


async def test_resume_after_last_event_id_and_final_event(client, make_user, session):
    user, headers = await make_user()
    a = await new_analysis(session, user)
    pub = Publisher(None)
    ids = []
    for pct in (0.0, 30.0, 60.0):
        ids.append((await pub.publish(session, a.id, "progress", {"stage": "speech", "percent": pct})).id)
    ids.append((await pub.publish(session, a.id, "done", {"status": "done"})).id)

    r = await client.get(f"/api/v1/analyses/{a.id}/stream", headers={**headers, "Last-Event-ID": str(ids[1])})
    events = parse_sse(r.text)
    assert [int(e.id) for e in events] == ids[2:] and events[-1].event == "done"
    assert r.headers["cache-control"] == "no-store"
    r = await client.get(f"/api/v1/analyses/{a.id}/stream?after={ids[0]}", headers=headers)
    assert [int(e.id) for e in parse_sse(r.text)] == ids[1:]
    # reconnecting after the end gets the final event again, so a client knows to stop
    r = await client.get(
        f"/api/v1/analyses/{a.id}/stream", headers={**headers, "Last-Event-ID": str(ids[-1])}
    )
    assert [(e.event, int(e.id)) for e in parse_sse(r.text)] == [("done", ids[-1])]


async def test_stream_closes_at_its_deadline(make_user, session):
    user, _ = await make_user()
    a = await new_analysis(session, user)
    hub = Hub(get_sessionmaker(), None)
    began = time.monotonic()
    events = [e async for e in follow(hub, a.id, 0, replay=lambda _after: _empty(), deadline=began + 0.6)]
    assert events == [] and 0.5 < time.monotonic() - began < 2.0
    assert hub.subs == {}  # the subscription is gone


def test_throttle():
    now = [0.0]
    t = Throttle(step=2.0, interval=1.0, min_gap=0.25, clock=lambda: now[0])
    assert t.passes("speech", 0.0)
    assert not t.passes("speech", 1.0)  # small step, no time passed
    assert t.passes("speech", 2.5)  # moved by a step
    assert not t.passes("screen", 2.6)  # the parallel stage took its turn, but too soon
    now[0] = 0.3
    assert t.passes("screen", 2.6)
    now[0] = 1.5
    assert t.passes("screen", 2.6)  # a heartbeat of progress once a second


async def test_stream_heartbeats_and_closes(client, make_user, session, monkeypatch):
    user, headers = await make_user()
    a = await new_analysis(session, user)  # queued, nothing happens: only heartbeats come
    monkeypatch.setattr("veritasad.analysis.routes.HEARTBEAT_SECONDS", 1)
    monkeypatch.setattr("veritasad.analysis.routes.STREAM_SECONDS", 2.5)
    began = time.monotonic()
    r = await client.get(f"/api/v1/analyses/{a.id}/stream", headers=headers)
    assert r.status_code == 200 and 2.0 < time.monotonic() - began < 6.0
    assert r.text.count(": ping") >= 2 and parse_sse(r.text) == []


async def test_open_streams_hold_no_database_connection(client, make_user, session, settings):
    """More streams than the connection pool holds: each must give its connection back once it has
    checked access, or the later ones would wait for the pool and time out."""
    user, headers = await make_user()
    n = settings.db_pool_size + settings.db_max_overflow + 5
    analyses = [await new_analysis(session, user) for _ in range(n)]
    streams = [
        asyncio.create_task(client.get(f"/api/v1/analyses/{a.id}/stream", headers=headers)) for a in analyses
    ]
    await asyncio.sleep(2.0)  # all open and waiting
    pub = Publisher(settings.redis_url)  # the way the API's hub listens in this run
    for a in analyses:
        await pub.publish(session, a.id, "done", {"status": "done"})
    responses = await asyncio.wait_for(asyncio.gather(*streams), 30)
    await pub.close()
    assert all(r.status_code == 200 and parse_sse(r.text)[-1].event == "done" for r in responses)
