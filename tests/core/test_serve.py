"""`veritasad serve`: the API answers on its port with an embedded worker, and stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_serve_answers_probes_and_runs_a_worker(migrated, tmp_path):
    port = free_port()
    env = {**os.environ, "DATA_DIR": str(tmp_path / "var"), "MEDIA_DIR": str(tmp_path / "var" / "media")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "veritasad.cli", "serve", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        assert httpx.get(f"{base}/health").json() == {"status": "ok"}
        ready = httpx.get(f"{base}/ready", timeout=10)
        assert ready.status_code == 200, ready.text
        metrics = httpx.get(f"{base}/metrics").text
        assert 'veritasad_http_requests_total{method="GET",route="/ready",status="200"}' in metrics
        deadline = time.monotonic() + 60
        while "worker ready" not in (tmp_path / "serve.log").read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "worker ready" in (tmp_path / "serve.log").read_text()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
        log.close()
    assert proc.returncode == 0
    # the embedded worker (and its beat) went down with the server
    text = (tmp_path / "serve.log").read_text()
    worker_pid = int(text.split("embedded worker pid=")[1].split()[0])
    assert not os.path.exists(f"/proc/{worker_pid}")
    assert "Traceback" not in text
