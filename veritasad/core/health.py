"""Probes: /health (the process answers; touches nothing) and /ready (every configured dependency)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from veritasad.core import metrics
from veritasad.core.db import get_engine
from veritasad.core.settings import Settings, get_settings

router = APIRouter(tags=["health"])
CHECK_TIMEOUT = 3.0


async def check_database(_settings: Settings) -> None:
    async with get_engine().connect() as conn:
        await conn.execute(text("SELECT 1"))


async def check_broker(settings: Settings) -> None:
    from veritasad.core.queue import celery_app

    def connect() -> None:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT)
            if settings.broker_url.startswith("filesystem://"):
                folder = celery_app.conf.broker_transport_options["data_folder_in"]
                probe = f"{folder}/.ready-probe"
                with open(probe, "w") as f:  # the folder must be writable, not merely present
                    f.write("ok")

    await asyncio.to_thread(connect)


async def check_redis(request: Request) -> None:
    await request.app.state.redis.ping()


async def check_storage(settings: Settings) -> None:
    from veritasad.core.storage import get_storage

    await get_storage(settings).check()


async def _run(name: str, check: Callable[[], Awaitable[None]]) -> tuple[str, str | None]:
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT)
        return name, None
    except Exception as exc:  # noqa: BLE001  any failure makes the dependency not ready
        return name, f"{type(exc).__name__}: {exc}"[:300]


@router.get("/health", include_in_schema=False)
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready", include_in_schema=False)
async def ready(request: Request) -> JSONResponse:
    settings: Settings = getattr(request.app.state, "settings", None) or get_settings()
    checks: list[tuple[str, Callable[[], Awaitable[None]]]] = [
        ("database", lambda: check_database(settings)),
        ("broker", lambda: check_broker(settings)),
        ("storage", lambda: check_storage(settings)),
    ]
    if getattr(request.app.state, "redis", None) is not None:
        checks.append(("redis", lambda: check_redis(request)))
    results = await asyncio.gather(*(_run(name, fn) for name, fn in checks))
    failed = {name: error for name, error in results if error}
    body = {
        "status": "ok" if not failed else "unavailable",
        "checks": {name: ("ok" if not error else "failed") for name, error in results},
    }
    if failed:
        body["failed"] = failed
    return JSONResponse(body, status_code=503 if failed else 200)


@router.get("/metrics", include_in_schema=False)
async def prometheus() -> Response:
    payload, content_type = metrics.render()
    return Response(payload, media_type=content_type)
