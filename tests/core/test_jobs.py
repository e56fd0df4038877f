"""Jobs on a real worker subprocess: request id and trace carried into the job, retries with backoff,
and redelivery after a worker is killed with SIGKILL (against Redis)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import platform_jobs
import pytest

from veritasad.core.context import request_id_var
from veritasad.core.queue import QUEUE_MEDIA, enqueue


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


async def test_job_carries_request_id_and_trace_context(worker, tmp_path):
    from opentelemetry.sdk.trace import TracerProvider

    tracer = TracerProvider().get_tracer("test")
    token = request_id_var.set("req-carried-123")
    try:
        with tracer.start_as_current_span("request") as span:
            trace_id = format(span.get_span_context().trace_id, "032x")
            enqueue(platform_jobs.echo_context, str(tmp_path))
    finally:
        request_id_var.reset(token)
    assert wait_for(lambda: (tmp_path / "context").exists()), worker.log()[-2000:]
    rid, traceparent = lines(tmp_path / "context")[0].split("|")
    assert rid == "req-carried-123"
    assert trace_id in traceparent
    log_lines = [line for line in worker.log().splitlines() if "echo job ran" in line]
    assert log_lines and "req-carried-123" in log_lines[-1]


async def test_transient_errors_retry_with_backoff(worker, tmp_path):
    enqueue(platform_jobs.flaky, str(tmp_path), 2)
    assert wait_for(lambda: (tmp_path / "result").exists()), worker.log()[-2000:]
    assert lines(tmp_path / "attempts") == ["0", "1", "2"]


def _redis_url() -> str | None:
    url = os.environ.get("REDIS_TEST_URL") or "redis://127.0.0.1:6379/15"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return None
    return url


@pytest.mark.slow
def test_killed_worker_job_is_redelivered_and_done_once(worker_factory, migrated, tmp_path):
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis reachable for the redelivery test")
    # A short visibility timeout so the test need not wait the production default.
    env = {"BROKER_URL": url, "BROKER_VISIBILITY_TIMEOUT": "4"}
    first = worker_factory(env=env, queues=QUEUE_MEDIA)

    from veritasad.core.queue import create_celery

    producer = create_celery(migrated.model_copy(update={"broker_url": url, "broker_visibility_timeout": 4}))
    producer.send_task("tests.slow_effect", args=[str(tmp_path), 3.0], queue=QUEUE_MEDIA)

    assert wait_for(lambda: len(lines(tmp_path / "attempts")) == 1, 30), first.log()[-2000:]
    first.kill()  # mid-job: the message was never acknowledged
    assert not (tmp_path / "result").exists()

    second = worker_factory(env=env, queues=QUEUE_MEDIA)
    assert wait_for(lambda: (tmp_path / "result").exists(), 60), second.log()[-3000:]
    time.sleep(1.0)  # would a duplicate delivery still run?
    attempts = lines(tmp_path / "attempts")
    assert len(attempts) == 2, attempts
    assert attempts[0].split()[1] == attempts[1].split()[1]  # the same job id, delivered again
    assert len(lines(tmp_path / "result")) == 1
    second.stop()
    producer.close()


def test_queues_are_separate():
    from veritasad.core.queue import celery_app

    queues = {q.name: q for q in celery_app.conf.task_queues}
    assert set(queues) == {"default", "media"}
    assert queues["media"].routing_key == "media" and queues["media"].exchange.name == "media"
    assert celery_app.conf.task_acks_late and celery_app.conf.task_reject_on_worker_lost
    assert celery_app.conf.worker_prefetch_multiplier == 1
