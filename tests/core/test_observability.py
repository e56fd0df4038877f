"""Tracing, Sentry and job metrics, each in its own process (they install process-wide hooks)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

APP_SCRIPT = """
import asyncio, httpx
from veritasad.app import create_app

async def main():
    app = create_app()
{routes}
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
{requests}
    {after}

asyncio.run(main())
"""


def run_app_script(routes: str, requests: str, after: str = "pass", **env: str) -> subprocess.CompletedProcess[str]:
    code = APP_SCRIPT.format(
        routes=textwrap.indent(textwrap.dedent(routes), "    "),
        requests=textwrap.indent(textwrap.dedent(requests), "        "),
        after=after,
    )
    return subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True, timeout=120
    )


def test_otel_console_exporter_traces_fastapi_sqlalchemy_httpx(migrated):
    r = run_app_script(
        "",
        """
        resp = await c.get("/api/v1/auth/me", headers={"X-API-Key": "va_unknown"})
        print("STATUS", resp.status_code)
        import threading
        from http.server import ThreadingHTTPServer, SimpleHTTPRequestHandler
        srv = ThreadingHTTPServer(("127.0.0.1", 0), SimpleHTTPRequestHandler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        async with httpx.AsyncClient() as h:
            await h.head(f"http://127.0.0.1:{srv.server_port}/")
        srv.shutdown()
        """,
        after="from opentelemetry import trace; trace.get_tracer_provider().force_flush()",
        OTEL_EXPORTER="console",
        LOG_LEVEL="WARNING",
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert "STATUS 401" in r.stdout
    spans = []
    decoder = json.JSONDecoder()
    text, i = r.stdout, r.stdout.find("{")
    while i != -1:
        obj, end = decoder.raw_decode(text, i)
        spans.append(obj)
        i = text.find("{", end)
    names = [s["name"] for s in spans]
    assert any(n.startswith("GET /api/v1/auth/me") for n in names), names
    assert any(s["attributes"].get("db.system") in ("sqlite", "postgresql") for s in spans), names
    assert any(s["kind"] == "SpanKind.CLIENT" and s["name"] == "HEAD" for s in spans), names  # httpx
    trace_ids = {s["context"]["trace_id"] for s in spans if s["attributes"].get("db.system")}
    server = [s for s in spans if s["name"].startswith("GET /api/v1/auth/me")]
    assert trace_ids <= {s["context"]["trace_id"] for s in server}  # DB work belongs to the request's trace


class _Sink(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        _Sink.bodies.append(body)
        self.send_response(200)
        self.end_headers()


def test_sentry_receives_unhandled_errors(migrated):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_port}/1"
        r = run_app_script(
            """
            @app.get("/boom")
            async def boom():
                raise RuntimeError("sentry-should-see-this")
            """,
            """
            resp = await c.get("/boom")
            print("STATUS", resp.status_code)
            """,
            after="import sentry_sdk; sentry_sdk.flush(5)",
            SENTRY_DSN=dsn,
            LOG_LEVEL="CRITICAL",
        )
    finally:
        server.shutdown()
    assert r.returncode == 0, r.stderr[-3000:]
    assert "STATUS 500" in r.stdout
    assert any(b"sentry-should-see-this" in body for body in _Sink.bodies)


@pytest.mark.slow
def test_job_metrics_from_a_worker(worker_factory, migrated, tmp_path):
    import time

    from prometheus_client import CollectorRegistry, generate_latest, multiprocess

    from veritasad.core.queue import create_celery

    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    # A broker folder of its own, so the session's shared worker cannot take this job.
    data_dir = tmp_path / "var"
    env = {"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "DATA_DIR": str(data_dir)}
    w = worker_factory(env=env, queues="default")
    producer = create_celery(migrated.model_copy(update={"data_dir": data_dir}))
    producer.send_task("tests.flaky", args=[str(out), 1], queue="default")
    deadline = time.monotonic() + 30
    while not (out / "result").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    w.stop()
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(metrics_dir))
    text = generate_latest(registry).decode()
    assert 'veritasad_jobs_finished_total{outcome="retried",task="tests.flaky"} 1.0' in text, text
    assert 'veritasad_jobs_finished_total{outcome="succeeded",task="tests.flaky"} 1.0' in text
    assert 'veritasad_job_duration_seconds_count{task="tests.flaky"} 2.0' in text
