"""`python -m bench api_throughput [--db sqlite|postgres] [--seconds 8] [--concurrency 32]`

Throughput and latency of GET /api/v1/analyses/{id}/status and GET /api/v1/analyses (a page of 20),
side by side with a bare FastAPI endpoint served the same way (uvicorn, one process) in the same run.
The ratio to the bare endpoint is the figure: the load generator shares this machine's cores, so the
absolute numbers say as much about the machine as about the service. Two rows in between split the cost:
the app's middleware alone (/health), and API-key authentication with a DB session (/auth/me)."""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import timedelta
from urllib.parse import urlsplit

from bench._api_server import BARE_APP, Server, bench_env, percentile, prepare_database, run_in_env, table

PG_ADMIN = os.environ.get("PG_TEST_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


async def seed(rows: int) -> str:
    """`rows` finished analyses with small reports for the bench user; returns one id."""
    from sqlalchemy import select

    from veritasad.analysis.engine.report import AdSegment, Advertiser, Disclosure, Report
    from veritasad.core.db import dispose_engine, session_scope, utcnow
    from veritasad.models import Analysis, User
    from veritasad.models.enums import AnalysisStatus, SourceType

    segment = AdSegment(id="s1", start=30.0, end=75.0, kind="sponsor", confidence=0.93, decided_by="classifier",
                        advertiser=Advertiser(name="Skyline VPN", domains=["skylinevpn.com"], promo_codes=["SKY20"]),
                        disclosure=Disclosure(verdict="undisclosed", deciding_rule="no label"))  # fmt: skip
    report = Report(source="bench.mp4", language="en", segments=[segment]).model_dump(mode="json")
    async with session_scope() as s:
        user = await s.scalar(select(User))
        now = utcnow()
        items = [
            Analysis(
                user_id=user.id,
                source_type=SourceType.upload,
                filename=f"video-{i}.mp4",
                options={},
                options_hash="h",
                status=AnalysisStatus.done,
                verdict="undisclosed",
                ad_count=1,
                duration=600.0,
                report=report,
                created_at=now - timedelta(minutes=i),
                finished_at=now,
            )
            for i in range(rows)
        ]
        s.add_all(items)
    await dispose_engine()
    return items[0].id


async def _connection(host: str, port: int, request: bytes, stop: float, latencies: list[float]) -> int:
    """One keep-alive HTTP/1.1 connection sending the same GET until `stop`. A bare asyncio client:
    httpx costs more CPU per request than the endpoints it would measure on two shared cores."""
    reader, writer = await asyncio.open_connection(host, port)
    errors = 0
    try:
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - t0)
            errors += head[9:12] != b"200"
    finally:
        writer.close()
    return errors


async def load(
    url: str, headers: dict[str, str], seconds: float, concurrency: int
) -> tuple[float, list[float], int]:
    parts = urlsplit(url)
    lines = [f"GET {parts.path}{'?' + parts.query if parts.query else ''} HTTP/1.1", f"Host: {parts.netloc}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    latencies: list[float] = []
    began = time.monotonic()
    errors = await asyncio.gather(
        *(
            _connection(parts.hostname, parts.port, request, began + seconds, latencies)
            for _ in range(concurrency)
        )
    )
    return len(latencies) / (time.monotonic() - began), latencies, sum(errors)


def pg_database() -> tuple[str, callable]:
    import secrets

    import psycopg

    name = f"veritasad_bench_{secrets.token_hex(4)}"
    admin = PG_ADMIN.replace("postgresql+asyncpg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return PG_ADMIN.rpartition("/")[0] + "/" + name, drop


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench api_throughput")
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--rows", type=int, default=200)
    args = ap.parse_args(argv)

    drop = None
    database_url = None
    if args.db == "postgres":
        database_url, drop = pg_database()
    env = bench_env(database_url)
    key = prepare_database(env)
    aid = run_in_env(env, lambda: seed(args.rows))
    api, bare = Server(env), Server(env, app=BARE_APP, factory=False)
    try:
        api.start()
        bare.start()
        auth = {"X-API-Key": key}
        targets = [
            ("bare FastAPI GET /bare", bare.url + "/bare", {}),
            ("GET /health (the app's middleware, no DB)", api.url + "/health", {}),
            ("GET /api/v1/auth/me (+ API key auth, DB session)", api.url + "/api/v1/auth/me", auth),
            ("GET /api/v1/analyses/{id}/status", f"{api.url}/api/v1/analyses/{aid}/status", auth),
            ("GET /api/v1/analyses (page of 20)", f"{api.url}/api/v1/analyses?page_size=20", auth),
        ]
        # Interleaved one-second slices, so that the other load on this shared machine falls on every
        # endpoint alike and the ratios stay meaningful.
        totals = {name: [0.0, [], 0] for name, _, _ in targets}
        for _ in range(max(1, round(args.seconds))):
            for name, url, headers in targets:
                rps, lat, errors = asyncio.run(load(url, headers, 1.0, args.concurrency))
                totals[name][0] += len(lat) / rps if rps else 0.0
                totals[name][1] += lat
                totals[name][2] += errors
        results = [(name, len(lat) / secs, lat, errors) for name, (secs, lat, errors) in totals.items()]
        base_rps, base_lat = results[0][1], percentile(results[0][2], 99)
        rows = []
        for name, rps, lat, errors in results:
            p99 = percentile(lat, 99)
            rows.append([name, f"{rps:,.0f}", f"{percentile(lat, 50) * 1000:.1f}", f"{p99 * 1000:.1f}",
                         f"{rps / base_rps:.2f}", f"{p99 / base_lat:.1f}", errors])  # fmt: skip
        print(f"\nAPI throughput: {args.db}, {args.concurrency} concurrent clients, {args.seconds:g} s per endpoint (1 s slices, interleaved), "
              f"{os.cpu_count()} CPU cores shared by server and load generator, {args.rows} analyses in the table\n")  # fmt: skip
        print(
            table(["endpoint", "req/s", "p50 ms", "p99 ms", "req/s vs bare", "p99 vs bare", "errors"], rows)
        )
    finally:
        api.stop()
        bare.stop()
        if drop is not None:
            drop()


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
