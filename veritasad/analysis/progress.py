"""Live progress of analyses, the recording side: events, the replay log, publishing, throttling.

Every event is a row in `progress_events` (the replay log behind SSE's Last-Event-ID, and what the
embedded default's streams poll); with REDIS_URL it is also PUBLISHed for low latency. hub.py is the
side that streams them to clients."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import structlog
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.models.progress_event import ProgressEvent

log = structlog.get_logger(__name__)

CHANNEL_PREFIX = "veritasad:progress:"
TERMINAL = ("done", "failed")


@dataclass(frozen=True)
class Event:
    id: int
    event: str  # progress | done | failed
    data: dict[str, Any]

    @property
    def terminal(self) -> bool:
        return self.event in TERMINAL

    def to_json(self) -> str:
        return json.dumps({"id": self.id, "event": self.event, "data": self.data}, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Event:
        d = json.loads(raw)
        return cls(int(d["id"]), str(d["event"]), dict(d["data"]))

    @classmethod
    def from_row(cls, row: ProgressEvent) -> Event:
        return cls(row.id, row.event, dict(row.data or {}))


# ---------------------------------------------------------------- recording (worker side)


async def record(session: AsyncSession, analysis_id: str, event: str, data: dict[str, Any]) -> Event:
    """Adds the event row and commits it, so that pollers and replays can see it."""
    row = ProgressEvent(analysis_id=analysis_id, event=event, data=data)
    session.add(row)
    await session.commit()
    return Event.from_row(row)


async def events_after(session: AsyncSession, analysis_ids: list[str], after_id: int) -> list[Event]:
    rows = await session.scalars(
        select(ProgressEvent)
        .where(ProgressEvent.analysis_id.in_(analysis_ids), ProgressEvent.id > after_id)
        .order_by(ProgressEvent.id)
    )
    return [Event.from_row(r) for r in rows]


async def final_event(session: AsyncSession, analysis_id: str) -> list[Event]:
    """The done/failed event of a finished analysis (empty while it runs)."""
    row = await session.scalar(
        select(ProgressEvent)
        .where(ProgressEvent.analysis_id == analysis_id, ProgressEvent.event.in_(TERMINAL))
        .order_by(ProgressEvent.id.desc())
        .limit(1)
    )
    return [Event.from_row(row)] if row is not None else []


class Publisher:
    """Records events, and publishes them on Redis when it is configured."""

    def __init__(self, redis_url: str | None) -> None:
        self.redis_url = redis_url
        self._redis: Any = None

    async def publish(
        self, session: AsyncSession, analysis_id: str, event: str, data: dict[str, Any]
    ) -> Event:
        ev = await record(session, analysis_id, event, data)
        if self.redis_url:
            try:
                if self._redis is None:
                    from veritasad.core.cache import create_redis

                    self._redis = create_redis(self.redis_url, max_connections=4)
                await self._redis.publish(CHANNEL_PREFIX + analysis_id, ev.to_json())
            except (RedisError, OSError) as exc:  # the row is stored; streams still catch up on reconnect
                log.warning("progress.publish_failed", error=str(exc))
        return ev

    async def close(self) -> None:
        if self._redis is not None:
            from veritasad.core.cache import close_redis

            await close_redis(self._redis)
            self._redis = None


class Throttle:
    """Progress callbacks can come hundreds of times a second (and the engine's parallel stages take
    turns), while clients need a few updates a second. Passes an update when the percent moved by `step`,
    `interval` seconds went by, or the stage changed and `min_gap` seconds went by."""

    def __init__(
        self,
        step: float = 1.0,
        interval: float = 1.0,
        min_gap: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.step, self.interval, self.min_gap, self.clock = step, interval, min_gap, clock
        self._last: tuple[str, float, float] | None = None

    def passes(self, stage: str, percent: float) -> bool:
        now = self.clock()
        last = self._last
        if (
            last is None
            or percent - last[1] >= self.step
            or now - last[2] >= self.interval
            or (stage != last[0] and now - last[2] >= self.min_gap)
        ):
            self._last = (stage, percent, now)
            return True
        return False
