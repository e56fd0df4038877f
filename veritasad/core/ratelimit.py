"""Fixed-window rate limits: Redis when configured (shared by every API process), else process memory."""

from __future__ import annotations

import time
from dataclasses import dataclass

from redis.asyncio import Redis

from veritasad.core.errors import AppError, ErrorCode


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after: int


class RateLimiter:
    def __init__(self, redis: Redis | None = None, window_seconds: int = 60, prefix: str = "veritasad") -> None:
        self.redis = redis
        self.prefix = prefix
        self.window = window_seconds
        self._counts: dict[str, int] = {}
        self._window_id = -1

    async def hit(self, subject: str, limit: int, now: float | None = None) -> Decision:
        now = time.time() if now is None else now
        window_id = int(now // self.window)
        retry_after = max(1, int((window_id + 1) * self.window - now))
        key = f"{self.prefix}:rl:{subject}:{window_id}"
        if self.redis is not None:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, self.window + 1)
                count, _ = await pipe.execute()
        else:
            if window_id != self._window_id:  # a new window: forget the old counts
                self._counts.clear()
                self._window_id = window_id
            count = self._counts[key] = self._counts.get(key, 0) + 1
        return Decision(count <= limit, max(0, limit - count), retry_after)

    async def check(self, subject: str, limit: int) -> None:
        decision = await self.hit(subject, limit)
        if not decision.allowed:
            raise AppError(
                ErrorCode.RATE_LIMITED,
                f"Too many requests: the limit is {limit} per minute",
                details={"limit": limit, "retry_after": decision.retry_after},
                headers={"Retry-After": str(decision.retry_after)},
            )
