"""Daily quota per plan (a row per user per day) and per-plan rate limits with Retry-After."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import select

from veritasad.accounts import service
from veritasad.accounts.plans import limits_for, plan_limits
from veritasad.app import create_app
from veritasad.core.db import session_scope
from veritasad.core.errors import AppError, ErrorCode
from veritasad.core.ratelimit import RateLimiter
from veritasad.models.enums import UserPlan
from veritasad.models.usage import DailyUsage


async def test_plan_limits_come_from_settings(settings, make_user):
    user, _ = await make_user(plan=UserPlan.pro)
    limits = plan_limits(user)
    assert limits.daily == settings.plan_pro_daily and limits.max_bytes == settings.plan_pro_max_bytes
    assert limits_for(UserPlan.free).daily < limits_for(UserPlan.business).daily


async def test_quota_is_consumed_until_spent(make_user, session, settings):
    user, _ = await make_user()
    for n in range(1, settings.plan_free_daily + 1):
        async with session_scope() as s:
            assert await service.consume_quota(s, user) == n
    async with session_scope() as s:
        with pytest.raises(AppError) as err:
            await service.consume_quota(s, user)
    assert err.value.code == ErrorCode.QUOTA_EXCEEDED and err.value.status == 429
    rows = list(await session.scalars(select(DailyUsage)))
    assert len(rows) == 1 and rows[0].analyses == settings.plan_free_daily
    async with session_scope() as s:
        await service.refund_quota(s, user)
        assert await service.consume_quota(s, user) == settings.plan_free_daily


async def test_concurrent_first_use_of_the_day_counts_both(make_user, settings):
    user, _ = await make_user()

    async def one() -> int:
        async with session_scope() as s:
            return await service.consume_quota(s, user)

    results = await asyncio.gather(one(), one())
    async with session_scope() as s:
        assert await service.usage_today(s, user) == 2
    assert sorted(results)[-1] == 2


async def test_memory_rate_limiter_windows():
    limiter = RateLimiter(None, window_seconds=60)
    assert (await limiter.hit("u", 2, now=120.0)).allowed
    assert (await limiter.hit("u", 2, now=121.0)).allowed
    blocked = await limiter.hit("u", 2, now=150.0)
    assert not blocked.allowed and blocked.retry_after == 30
    assert (await limiter.hit("u", 2, now=180.0)).allowed  # the next window


async def test_rate_limit_answers_429_with_retry_after(db, make_user, settings):
    limited = settings.model_copy(update={"plan_free_rpm": 5, "plan_pro_rpm": 8, "auth_rpm": 3})
    app = create_app(limited)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    _, free = await make_user()
    _, pro = await make_user(plan=UserPlan.pro)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        statuses = [(await c.get("/api/v1/api-keys", headers=free)).status_code for _ in range(5)]
        assert set(statuses) == {200}
        r = await c.get("/api/v1/api-keys", headers=free)
        assert r.status_code == 429 and r.json()["error_code"] == "RATE_LIMITED"
        assert 1 <= int(r.headers["Retry-After"]) <= 60
        # the pro plan has its own, larger budget
        statuses = [(await c.get("/api/v1/api-keys", headers=pro)).status_code for _ in range(8)]
        assert set(statuses) == {200}
        # anonymous sign-in attempts are limited per client address
        login = {"email": "x@example.com", "password": "whatever-password"}
        statuses = [(await c.post("/api/v1/auth/login", json=login)).status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
