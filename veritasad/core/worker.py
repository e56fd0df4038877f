"""Worker-process wiring: logging, tracing, metrics, a fresh event loop after fork, and the request id
of the HTTP request that queued each job bound to every log line the job writes."""

from __future__ import annotations

import structlog
from celery import signals

from veritasad.core import queue
from veritasad.core.logging import configure_logging
from veritasad.core.metrics import connect_celery_signals
from veritasad.core.settings import get_settings
from veritasad.core.tracing import instrument_worker, setup_sentry

log = structlog.stdlib.get_logger("veritasad.worker")
_wired = False


def job_request_id(task) -> str | None:
    request = task.request
    rid = getattr(request, queue.REQUEST_ID_HEADER, None)
    if rid is None and isinstance(getattr(request, "headers", None), dict):
        rid = request.headers.get(queue.REQUEST_ID_HEADER)
    return rid


def wire_worker() -> None:
    """Connect the worker's signal handlers once per process."""
    global _wired
    if _wired:
        return
    _wired = True
    settings = get_settings()
    connect_celery_signals()

    @signals.setup_logging.connect(weak=False)
    def _logging(**_):  # replaces Celery's own logging set-up
        configure_logging(settings)

    @signals.worker_init.connect(weak=False)
    def _init(**_):
        setup_sentry(settings)
        instrument_worker(settings)

    @signals.worker_process_init.connect(weak=False)
    def _after_fork(**_):
        queue.reset_loop()
        from veritasad.core.db import _forget_engine_after_fork

        _forget_engine_after_fork()
        instrument_worker(settings)

    @signals.worker_ready.connect(weak=False)
    def _ready(sender=None, **_):
        log.info("worker ready", hostname=getattr(sender, "hostname", None), broker=settings.broker_url.split("://")[0])

    @signals.task_prerun.connect(weak=False)
    def _bind(task_id=None, task=None, **_):
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(job_id=task_id, task=task.name, request_id=job_request_id(task))

    @signals.task_postrun.connect(weak=False)
    def _unbind(**_):
        structlog.contextvars.clear_contextvars()
