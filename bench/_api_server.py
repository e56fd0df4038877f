"""Shared by the API benchmarks: a real uvicorn process on a fresh database, a user with an API key,
and memory readings of the server process from /proc."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BARE_APP = "bench._bare_app:app"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_kib(pid: int, field_name: str) -> int:
    """VmRSS (resident now) or VmHWM (peak resident) of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    raise KeyError(field_name)


@dataclass
class Server:
    env: dict[str, str]
    app: str = "veritasad.app:create_app"
    factory: bool = True
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        cmd = [sys.executable, "-m", "uvicorn", self.app, "--host", "127.0.0.1", "--port", str(self.port),
               "--no-access-log", "--log-level", "warning"]  # fmt: skip
        if self.factory:
            cmd.append("--factory")
        self.log = Path(self.env["DATA_DIR"]) / f"uvicorn-{self.port}.log"
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env={**os.environ, **self.env}, stdout=out, stderr=out
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code < 500:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("server did not start:\n" + self.log.read_text()[-3000:])

    def rss_mib(self) -> float:
        assert self.proc is not None
        return proc_kib(self.proc.pid, "VmRSS") / 1024

    def peak_mib(self) -> float:
        assert self.proc is not None
        return proc_kib(self.proc.pid, "VmHWM") / 1024

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def bench_env(database_url: str | None = None, redis_url: str | None = None, **extra: str) -> dict[str, str]:
    """Settings for a benchmark server: its own data folder and database; limits out of the way."""
    tmp = Path(tempfile.mkdtemp(prefix="veritasad-bench-"))
    env = {
        "VERITASAD_ENV_FILE": "",
        "ENVIRONMENT": "development",
        "SECRET_KEY": secrets.token_hex(16),
        "DATA_DIR": str(tmp / "var"),
        "MEDIA_DIR": str(tmp / "var" / "media"),
        "DATABASE_URL": database_url or f"sqlite+aiosqlite:///{tmp / 'bench.db'}",
        "BROKER_URL": "filesystem://",
        "LOG_LEVEL": "WARNING",
        "PLAN_FREE_RPM": "100000000",
        "PLAN_FREE_DAILY": "100000000",
        **extra,
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    (tmp / "var").mkdir(parents=True, exist_ok=True)
    return env


def prepare_database(env: dict[str, str]) -> str:
    """Runs the migrations and creates a user; returns the user's API key."""
    subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=ROOT, env={**os.environ, **env},
                   check=True, capture_output=True)  # fmt: skip
    code = (
        "import asyncio\n"
        "from veritasad.accounts import service\n"
        "from veritasad.core.db import session_scope\n"
        "async def main():\n"
        "    async with session_scope() as s:\n"
        "        u = await service.create_user(s, email='bench@example.com', password='bench password 1', name='b')\n"
        "        _, key = await service.create_api_key(s, u, 'bench')\n"
        "    print(key)\n"
        "asyncio.run(main())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env}, check=True,
                         capture_output=True, text=True)  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def run_in_env(env: dict[str, str], coro_factory):
    """Runs an async function with the process settings pointing at the benchmark's database."""
    os.environ.update(env)
    from veritasad.core.settings import get_settings

    get_settings.cache_clear()
    return asyncio.run(coro_factory())


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)
