"""`python -m bench api_sse [--streams 200] [--rounds 10] [--redis URL]`

200 concurrent Server-Sent-Event streams on one API process, each following its own analysis. Every
round this script records one progress event for every analysis (in one transaction, as many workers
would) and stamps it with the time; each stream notes when the event reached it. Printed: the API
process's memory idle and with the streams open, and the event latency (commit -> client), first
through the database poller (the embedded default), then through Redis pub/sub when --redis is given."""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from urllib.parse import urlsplit

from bench._api_server import Server, bench_env, percentile, prepare_database, run_in_env, table


async def make_analyses(n: int) -> list[str]:
    from sqlalchemy import select

    from veritasad.core.db import dispose_engine, session_scope
    from veritasad.models import Analysis, User
    from veritasad.models.enums import SourceType

    async with session_scope() as s:
        user = await s.scalar(select(User))
        items = [
            Analysis(user_id=user.id, source_type=SourceType.upload, options={}, options_hash="h")
            for _ in range(n)
        ]
        s.add_all(items)
    await dispose_engine()
    return [a.id for a in items]


async def publish_rounds(ids: list[str], rounds: int, redis_url: str | None, gap: float) -> None:
    from veritasad.analysis.progress import CHANNEL_PREFIX
    from veritasad.core.db import dispose_engine, get_sessionmaker
    from veritasad.models.progress_event import ProgressEvent

    redis = None
    if redis_url:
        from veritasad.core.cache import create_redis

        redis = create_redis(redis_url)
    async with get_sessionmaker()() as s:
        for i in range(rounds + 1):
            await asyncio.sleep(gap)
            event = "done" if i == rounds else "progress"
            data = {"stage": "speech", "percent": 100.0 * i / rounds, "sent_at": time.time()}
            rows = [ProgressEvent(analysis_id=a, event=event, data=data) for a in ids]
            s.add_all(rows)
            await s.commit()
            if redis is not None:
                pipe = redis.pipeline(transaction=False)
                for row in rows:
                    payload = {"id": row.id, "event": row.event, "data": row.data}
                    pipe.publish(CHANNEL_PREFIX + row.analysis_id, json.dumps(payload))
                await pipe.execute()
    if redis is not None:
        await redis.aclose()
    await dispose_engine()


async def follow(url: str, key: str, latencies: list[float], opened: asyncio.Event) -> int:
    """One SSE stream over a bare asyncio connection (chunked HTTP/1.1): a lighter client than httpx,
    so 200 streams in this process measure the server more than themselves."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nX-API-Key: {key}\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head[:100]
    opened.set()
    got, pending = 0, b""
    try:
        while size := int((await reader.readline()).strip() or b"0", 16):
            pending += (await reader.readexactly(size + 2))[:-2]
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if line.startswith(b"data:"):
                    data = json.loads(line[5:])
                    if "sent_at" in data:
                        latencies.append(time.time() - data["sent_at"])
                        got += 1
    finally:
        writer.close()
    return got


async def run_streams(
    server: Server, key: str, ids: list[str], rounds: int, env: dict[str, str], redis_url: str | None
):
    latencies: list[float] = []
    idle = server.rss_mib()
    flags = [asyncio.Event() for _ in ids]
    tasks = [
        asyncio.create_task(follow(f"{server.url}/api/v1/analyses/{a}/stream", key, latencies, f))
        for a, f in zip(ids, flags, strict=True)
    ]
    await asyncio.wait_for(asyncio.gather(*(f.wait() for f in flags)), 120)
    await asyncio.sleep(1.0)
    with_streams = server.rss_mib()
    await publish_rounds(ids, rounds, redis_url, gap=0.5)
    counts = await asyncio.wait_for(asyncio.gather(*tasks), 120)
    return idle, with_streams, server.peak_mib(), latencies, sum(counts)


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench api_sse")
    ap.add_argument("--streams", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--redis", default=None, help="e.g. redis://127.0.0.1:6379/14 (also measure pub/sub)")
    args = ap.parse_args(argv)
    rows = []
    for mode in ["database polling"] + (["Redis pub/sub"] if args.redis else []):
        redis_url = args.redis if mode == "Redis pub/sub" else None
        env = bench_env(redis_url=redis_url)
        key = prepare_database(env)
        ids = run_in_env(env, lambda: make_analyses(args.streams))
        server = Server(env)
        server.start()
        try:
            idle, busy, peak, lat, received = asyncio.run(
                run_streams(server, key, ids, args.rounds, env, redis_url)
            )
        finally:
            server.stop()
        expected = args.streams * (args.rounds + 1)
        rows.append([mode, args.streams, f"{idle:.0f}", f"{busy:.0f}", f"{(busy - idle) * 1024 / args.streams:.0f}",
                     f"{peak:.0f}", f"{received}/{expected}", f"{percentile(lat, 50) * 1000:.0f}",
                     f"{percentile(lat, 99) * 1000:.0f}", f"{max(lat) * 1000:.0f}"])  # fmt: skip
    print(
        f"\nSSE: {args.streams} concurrent streams, {args.rounds + 1} events each (one per stream every 0.5 s)\n"
    )
    print(table(["progress path", "streams", "API RSS idle MiB", "RSS with streams MiB", "KiB per stream",
                 "API peak MiB", "events received", "latency p50 ms", "p99 ms", "max ms"], rows))  # fmt: skip


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
