"""The API side of live progress: one Hub per process fans events out to its SSE streams.

With REDIS_URL the hub keeps ONE pub/sub connection for all streams; in the embedded default it runs ONE
poller that asks the database every 0.25 s for new rows of every analysis its streams watch, in a single
query. Either way connections and queries do not grow with the number of open streams. Events come in as
rows of progress_events (see progress.py), whose ids resume a stream after Last-Event-ID."""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import structlog
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from veritasad.analysis.progress import CHANNEL_PREFIX, Event
from veritasad.models.progress_event import ProgressEvent

log = structlog.get_logger(__name__)

POLL_INTERVAL = 0.25


@dataclass(eq=False)
class Subscription:
    analysis_id: str
    cursor: int
    queue: asyncio.Queue[Event] = field(default_factory=asyncio.Queue)


class Hub:
    """Fans events out to the streams of one process (one per event loop)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], redis_url: str | None) -> None:
        self.sessionmaker = sessionmaker
        self.redis_url = redis_url
        self.subs: dict[str, set[Subscription]] = {}
        self._task: asyncio.Task[None] | None = None
        self._pubsub: Any = None
        self._redis: Any = None
        self._ready = asyncio.Event()

    async def subscribe(self, analysis_id: str, after_id: int) -> Subscription:
        sub = Subscription(analysis_id, after_id)
        new_channel = analysis_id not in self.subs
        self.subs.setdefault(analysis_id, set()).add(sub)
        self._ensure_running()
        if self.redis_url:
            await asyncio.wait_for(self._ready.wait(), timeout=10)
            if new_channel and self._pubsub is not None:
                await self._pubsub.subscribe(CHANNEL_PREFIX + analysis_id)
        return sub

    async def unsubscribe(self, sub: Subscription) -> None:
        subs = self.subs.get(sub.analysis_id)
        if subs is None:
            return
        subs.discard(sub)
        if not subs:
            del self.subs[sub.analysis_id]
            if self._pubsub is not None:
                with contextlib.suppress(Exception):
                    await self._pubsub.unsubscribe(CHANNEL_PREFIX + sub.analysis_id)

    def dispatch(self, ev: Event, analysis_id: str) -> None:
        for sub in list(self.subs.get(analysis_id, ())):
            if ev.id > sub.cursor:
                sub.cursor = ev.id
                sub.queue.put_nowait(ev)

    def _ensure_running(self) -> None:
        if self._task is None or self._task.done():
            self._ready.clear()
            runner = self._listen_redis if self.redis_url else self._poll_db
            self._task = asyncio.create_task(runner(), name="progress-hub")

    async def _poll_db(self) -> None:
        while self.subs:
            try:
                watched = {aid: min(s.cursor for s in subs) for aid, subs in self.subs.items() if subs}
                if watched:
                    async with self.sessionmaker() as session:
                        events = await self._new_rows(session, watched)
                    for aid, ev in events:
                        self.dispatch(ev, aid)
            except (SQLAlchemyError, OSError) as exc:  # a locked or restarting database: next tick
                log.warning("progress.poll_failed", error=str(exc))
            await asyncio.sleep(POLL_INTERVAL)

    @staticmethod
    async def _new_rows(session: AsyncSession, watched: dict[str, int]) -> list[tuple[str, Event]]:
        rows = await session.scalars(
            select(ProgressEvent)
            .where(ProgressEvent.analysis_id.in_(list(watched)), ProgressEvent.id > min(watched.values()))
            .order_by(ProgressEvent.id)
        )
        return [(r.analysis_id, Event.from_row(r)) for r in rows if r.id > watched[r.analysis_id]]

    async def _listen_redis(self) -> None:
        while True:
            try:
                await self._listen_redis_once()
            except (RedisError, OSError) as exc:  # Redis restarted: reconnect, resubscribe, catch up
                log.warning("progress.redis_lost", error=str(exc))
                self._ready.clear()
                await asyncio.sleep(1.0)
                await self._catch_up()

    async def _listen_redis_once(self) -> None:
        from veritasad.core.cache import create_redis

        self._redis = create_redis(self.redis_url or "", max_connections=2)
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        try:
            # a placeholder channel: redis-py refuses get_message() on a pub/sub with no channels
            channels = [CHANNEL_PREFIX + "_hub", *(CHANNEL_PREFIX + aid for aid in self.subs)]
            await self._pubsub.subscribe(*channels)
            self._ready.set()
            while True:
                msg = await self._pubsub.get_message(timeout=1.0)
                if msg and msg.get("type") == "message":
                    aid = str(msg["channel"]).removeprefix(CHANNEL_PREFIX)
                    self.dispatch(Event.from_json(msg["data"]), aid)
        finally:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.aclose()
                await self._redis.aclose()
            self._pubsub = self._redis = None

    async def _catch_up(self) -> None:
        """Events published while Redis was away are still in the database."""
        watched = {aid: min(s.cursor for s in subs) for aid, subs in self.subs.items() if subs}
        if not watched:
            return
        with contextlib.suppress(SQLAlchemyError, OSError):
            async with self.sessionmaker() as session:
                for aid, ev in await self._new_rows(session, watched):
                    self.dispatch(ev, aid)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def get_hub(sessionmaker: async_sessionmaker[AsyncSession], redis_url: str | None) -> Hub:
    """The hub of the running event loop (an async DB engine or Redis client cannot cross loops)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None or hub.redis_url != redis_url or hub.sessionmaker is not sessionmaker:
        hub = _hubs[loop] = Hub(sessionmaker, redis_url)
    return hub


async def follow(
    hub: Hub,
    analysis_id: str,
    after_id: int,
    *,
    replay: Callable[[int], Any],
    deadline: float,
) -> AsyncIterator[Event]:
    """Events of one analysis after `after_id`: first those already stored (`replay(after_id)` returns
    them), then live ones, until a terminal event or the deadline (monotonic seconds)."""
    sub = await hub.subscribe(analysis_id, after_id)  # before the replay, so nothing falls in between
    try:
        last = after_id
        for ev in await replay(after_id):
            last = max(last, ev.id)
            yield ev
            if ev.terminal:
                return
        while (left := deadline - time.monotonic()) > 0:
            try:
                ev = await asyncio.wait_for(sub.queue.get(), timeout=left)
            except TimeoutError:
                return
            if ev.id <= last:
                continue
            last = ev.id
            yield ev
            if ev.terminal:
                return
    finally:
        await hub.unsubscribe(sub)
