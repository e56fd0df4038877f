"""`python -m bench api_upload [--gib 1]`

Uploads a file of about 1 GiB (a real 3-second MP4 followed by zero padding, which the probe accepts, so
the request goes all the way to 202) through POST /api/v1/analyses, and reads the API process's peak
resident memory (VmHWM) before and after. Streaming keeps the peak flat: the body goes to storage chunk
by chunk, hashed on the way, never held whole in memory nor spooled to a temporary file first."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import tempfile
import time
from pathlib import Path

import httpx

from bench._api_server import Server, bench_env, prepare_database, table

CHUNK = 1024 * 1024
BOUNDARY = "benchboundary7d1f"


def small_video() -> bytes:
    from veritasad.testing.media import Script, make_media

    out = Path(tempfile.mkdtemp()) / "head.mp4"
    return make_media(Script(duration=3, width=160, height=90, fps=5), out).read_bytes()


async def upload(server: Server, key: str, head: bytes, padding: int) -> tuple[httpx.Response, float, str]:
    digest = hashlib.sha256(head)
    zeros = bytes(CHUNK)

    async def body():
        yield (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n'
               "Content-Type: video/mp4\r\n\r\n").encode() + head  # fmt: skip
        left = padding
        while left > 0:
            piece = zeros if left >= CHUNK else bytes(left)
            digest.update(piece)
            left -= len(piece)
            yield piece
        yield f"\r\n--{BOUNDARY}--\r\n".encode()

    headers = {"X-API-Key": key, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    async with httpx.AsyncClient(timeout=600) as client:
        t0 = time.perf_counter()
        r = await client.post(server.url + "/api/v1/analyses", headers=headers, content=body())
        return r, time.perf_counter() - t0, digest.hexdigest()


async def check(server: Server, key: str, aid: str) -> dict:
    async with httpx.AsyncClient(timeout=30) as client:
        return (await client.get(f"{server.url}/api/v1/analyses/{aid}", headers={"X-API-Key": key})).json()


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench api_upload")
    ap.add_argument("--gib", type=float, default=1.0)
    args = ap.parse_args(argv)
    total = int(args.gib * 1024**3)
    env = bench_env(PLAN_FREE_MAX_BYTES=str(total + 1024**2))
    key = prepare_database(env)
    head = small_video()
    server = Server(env)
    server.start()
    try:
        asyncio.run(upload(server, key, head, 1024))  # warm up: first request imports and connects
        before_rss, before_peak = server.rss_mib(), server.peak_mib()
        r, seconds, sha = asyncio.run(upload(server, key, head, total - len(head)))
        after_rss, after_peak = server.rss_mib(), server.peak_mib()
        assert r.status_code == 202, r.text
        stored = asyncio.run(check(server, key, r.json()["id"]))
        assert stored["size_bytes"] == total and stored["status"] == "queued", stored
        print(f"\nUpload of {total / 1024**3:.2f} GiB through POST /api/v1/analyses (local storage); "
              f"SHA-256 computed while streaming {'matches' if sha == stored_sha(env, stored) else 'DIFFERS'}\n")  # fmt: skip
        print(table(
            ["size", "answer", "seconds", "MiB/s", "API RSS before MiB", "API peak before MiB", "API peak after MiB",
             "API RSS after MiB", "peak growth MiB"],
            [[f"{total / 1024**2:,.0f} MiB", r.status_code, f"{seconds:.1f}", f"{total / 1024**2 / seconds:.0f}",
              f"{before_rss:.0f}", f"{before_peak:.0f}", f"{after_peak:.0f}", f"{after_rss:.0f}",
              f"{after_peak - before_peak:.1f}"]],
        ))  # fmt: skip
    finally:
        server.stop()


def stored_sha(env: dict[str, str], stored: dict) -> str:
    """The digest the service recorded (read from its database, as the API does not expose it)."""
    import sqlite3

    db = env["DATABASE_URL"].split(":///", 1)[1]
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT sha256 FROM analyses WHERE id = ?", (stored["id"],)).fetchone()[0]


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
