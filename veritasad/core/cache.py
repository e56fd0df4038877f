"""Optional Redis: an async client on a connection pool, JSON helpers and a clean shutdown."""

from __future__ import annotations

import json
from typing import Any

from redis.asyncio import ConnectionPool, Redis


def create_redis(url: str, max_connections: int = 50, client_name: str = "veritasad") -> Redis:
    pool = ConnectionPool.from_url(
        url,
        max_connections=max_connections,
        decode_responses=True,
        health_check_interval=30,
        client_name=client_name,  # visible in CLIENT LIST: which process holds connections
    )
    return Redis(connection_pool=pool)


async def get_json(redis: Redis, key: str) -> Any | None:
    raw = await redis.get(key)
    return None if raw is None else json.loads(raw)


async def set_json(redis: Redis, key: str, value: Any, ttl_seconds: int | None = None) -> None:
    await redis.set(key, json.dumps(value, separators=(",", ":"), default=str), ex=ttl_seconds)


async def close_redis(redis: Redis | None) -> None:
    if redis is not None:
        await redis.aclose()
        await redis.connection_pool.disconnect()
