"""Tasks used only by the platform tests, loaded into test workers with --include.

Their effects go to files so a test can count them: every start appends to `attempts`, and the result
is written once with O_EXCL, so running a redelivered job again cannot produce a second effect."""

from __future__ import annotations

import os
import time
from pathlib import Path

import structlog

from veritasad.core.errors import TransientError
from veritasad.core.queue import celery_app
from veritasad.core.worker import job_request_id

log = structlog.stdlib.get_logger("tests.jobs")


def _append(path: Path, line: str) -> None:
    with open(path, "a") as f:
        f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())


@celery_app.task(name="tests.slow_effect", bind=True)
def slow_effect(self, folder: str, seconds: float) -> None:
    out = Path(folder)
    _append(out / "attempts", f"{os.getpid()} {self.request.id}")
    time.sleep(seconds)
    try:
        fd = os.open(out / "result", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return  # done already by an earlier delivery: the effect happens once
    with os.fdopen(fd, "w") as f:
        f.write(f"done by {os.getpid()}\n")


@celery_app.task(name="tests.echo_context", bind=True)
def echo_context(self, folder: str) -> None:
    """Records the request id the job sees and logs a line (which must carry it)."""
    rid = job_request_id(self)
    log.info("echo job ran", marker="echo-context")
    _append(Path(folder) / "context", f"{rid}|{self.request.get('traceparent') or ''}")


@celery_app.task(name="tests.flaky", bind=True, retry_backoff=0.1, retry_backoff_max=0.2, retry_jitter=False)
def flaky(self, folder: str, failures: int) -> None:
    """Fails with a transient error `failures` times, then succeeds: retries with backoff."""
    attempts = Path(folder) / "attempts"
    _append(attempts, str(self.request.retries))
    if self.request.retries < failures:
        raise TransientError("not yet")
    _append(Path(folder) / "result", "ok")


