"""Prometheus metrics: HTTP requests, jobs (through Celery signals) and the DB pool.

When PROMETHEUS_MULTIPROC_DIR is set (`veritasad serve` sets it), the API and its embedded worker write
to one folder and /metrics reports both; otherwise each process reports its own."""

from __future__ import annotations

import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

HTTP_REQUESTS = Counter(
    "veritasad_http_requests_total", "HTTP requests", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "veritasad_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
JOBS_QUEUED = Counter("veritasad_jobs_queued_total", "Jobs sent to the broker", ["task"])
JOBS_RUNNING = Gauge(
    "veritasad_jobs_running", "Jobs running now", ["task"], multiprocess_mode="livesum"
)
JOBS_FINISHED = Counter("veritasad_jobs_finished_total", "Jobs finished", ["task", "outcome"])
JOB_DURATION = Histogram(
    "veritasad_job_duration_seconds",
    "Job run time",
    ["task"],
    buckets=(0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600),
)
DB_POOL = Gauge(
    "veritasad_db_pool_connections", "DB pool connections", ["state"], multiprocess_mode="livemax"
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route).observe(seconds)


def update_pool_gauge() -> None:
    from veritasad.core import db

    engine = db._engine
    if engine is None:
        return
    pool = engine.sync_engine.pool
    for state in ("checkedout", "checkedin", "overflow", "size"):
        fn = getattr(pool, state, None)
        if callable(fn):
            DB_POOL.labels(state).set(fn())


def render() -> tuple[bytes, str]:
    update_pool_gauge()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


_started: dict[str, float] = {}


def connect_celery_signals() -> None:
    """Count jobs queued (producer side) and running/finished/duration (worker side)."""
    from celery import signals

    @signals.after_task_publish.connect(weak=False)
    def _published(sender=None, **_):
        JOBS_QUEUED.labels(sender or "unknown").inc()

    @signals.task_prerun.connect(weak=False)
    def _prerun(task_id=None, task=None, **_):
        _started[task_id] = time.perf_counter()
        JOBS_RUNNING.labels(task.name).inc()

    @signals.task_postrun.connect(weak=False)
    def _postrun(task_id=None, task=None, state=None, **_):
        JOBS_RUNNING.labels(task.name).dec()
        began = _started.pop(task_id, None)
        if began is not None:
            JOB_DURATION.labels(task.name).observe(time.perf_counter() - began)
        outcome = {"SUCCESS": "succeeded", "RETRY": "retried"}.get(state or "", "failed")
        JOBS_FINISHED.labels(task.name, outcome).inc()
