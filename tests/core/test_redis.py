"""Redis: the async client, JSON helpers, shutdown, shared rate limits, and /ready naming a dead Redis."""

from __future__ import annotations

import asyncio
import os

import httpx
import pytest

from veritasad.app import create_app
from veritasad.core.cache import close_redis, create_redis, get_json, set_json
from veritasad.core.ratelimit import RateLimiter

REDIS_URL = os.environ.get("REDIS_TEST_URL") or "redis://127.0.0.1:6379/15"
PREFIX = os.environ["REDIS_PREFIX"]  # this run's keys only: other runs may share the test Redis


@pytest.fixture
async def redis():
    client = create_redis(REDIS_URL)
    try:
        await client.ping()
    except Exception:  # noqa: BLE001
        await close_redis(client)
        pytest.skip("no Redis reachable")
    yield client
    keys = [k async for k in client.scan_iter(match=PREFIX + ":*")]
    if keys:
        await client.delete(*keys)
    await close_redis(client)


async def test_json_helpers_round_trip_and_expire(redis):
    key = f"{PREFIX}:k"
    await set_json(redis, key, {"a": [1, 2], "b": "é"}, ttl_seconds=30)
    assert await get_json(redis, key) == {"a": [1, 2], "b": "é"}
    assert 0 < await redis.ttl(key) <= 30
    assert await get_json(redis, f"{PREFIX}:missing") is None


async def test_close_releases_the_pool(redis):
    other = create_redis(REDIS_URL, client_name="veritasad-close-test")
    await other.ping()

    async def holders() -> int:
        return sum(1 for c in await redis.client_list() if c.get("name") == "veritasad-close-test")

    assert await holders() == 1
    await close_redis(other)
    for _ in range(50):
        if await holders() == 0:
            break
        await asyncio.sleep(0.05)
    assert await holders() == 0


async def test_rate_limits_are_shared_through_redis(redis):
    a, b = RateLimiter(redis, prefix=PREFIX), RateLimiter(redis, prefix=PREFIX)  # two API processes
    assert (await a.hit("user:1", 2, now=600.0)).allowed
    assert (await b.hit("user:1", 2, now=601.0)).allowed
    third = await a.hit("user:1", 2, now=602.0)
    assert not third.allowed and third.retry_after == 58


async def test_ready_names_redis_when_it_is_down(db, settings):
    app = create_app(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        r = await c.get("/ready")
    await close_redis(app.state.redis)
    assert r.status_code == 503
    assert r.json()["checks"]["redis"] == "failed" and "redis" in r.json()["failed"]
    assert r.json()["checks"]["database"] == "ok"
