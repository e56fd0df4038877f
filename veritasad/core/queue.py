"""The one Celery app. Embedded default: kombu's filesystem broker under DATA_DIR (no server). With
BROKER_URL=redis://… or amqp://… the same code runs on Redis or RabbitMQ across many machines.

Delivery: acks_late + reject_on_worker_lost, prefetch 1, so a worker killed mid-job leaves the message
unacknowledged and another worker runs it again; tasks must therefore be idempotent."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
import redis.exceptions
import sqlalchemy.exc
from celery import Celery, Task
from celery.schedules import crontab  # noqa: F401  re-exported for contexts' beat entries
from kombu import Exchange, Queue

from veritasad.core.context import current_request_id
from veritasad.core.errors import TransientError
from veritasad.core.settings import Settings, get_settings

T = TypeVar("T")

QUEUE_MEDIA = "media"
QUEUE_DEFAULT = "default"
REQUEST_ID_HEADER = "veritasad_request_id"

# Task modules of the contexts; those not written yet are skipped so the worker always starts.
TASK_MODULES = ["veritasad.analysis.tasks", "veritasad.leads.tasks", "veritasad.notify.tasks"]


def existing_modules(names: list[str]) -> list[str]:
    found = []
    for name in names:
        try:
            if importlib.util.find_spec(name) is not None:
                found.append(name)
        except ModuleNotFoundError:
            pass
    return found


def broker_options(settings: Settings) -> dict[str, Any]:
    if settings.broker_url.startswith("filesystem://"):
        folder = broker_folder(settings)
        for sub in ("queue", "processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        return {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
            # Broadcast/pidbox tables, else kombu writes them to ./control in the working directory.
            "control_folder": str(folder / "control"),
        }
    if settings.broker_url.startswith(("redis://", "rediss://")):
        # An unacknowledged message (its worker died) is redelivered after the visibility timeout.
        sweep = max(1, min(10, settings.broker_visibility_timeout // 2))
        return {
            "visibility_timeout": settings.broker_visibility_timeout,
            # Deployments (and test runs) sharing one Redis keep their queues apart.
            "global_keyprefix": f"{settings.redis_prefix}:",
            "unacked_restore_interval": sweep,
            "unacked_restore_throttle": 1,
        }
    return {}


def broker_folder(settings: Settings) -> Path:
    return (settings.data_dir / "broker").resolve()


def configure(app: Celery, settings: Settings) -> None:
    app.conf.update(
        broker_url=settings.broker_url,
        broker_transport_options=broker_options(settings),
        broker_connection_retry_on_startup=True,
        result_backend=None,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_default_queue=QUEUE_DEFAULT,
        # Each queue on its own direct exchange and key, so `queue="media"` never lands in `default`.
        task_queues=[Queue(q, Exchange(q, type="direct"), routing_key=q) for q in (QUEUE_DEFAULT, QUEUE_MEDIA)],
        task_default_exchange=QUEUE_DEFAULT,
        task_default_routing_key=QUEUE_DEFAULT,
        task_time_limit=settings.job_timeout_seconds + 60,
        task_soft_time_limit=settings.job_timeout_seconds,
        task_serializer="json",
        accept_content=["json"],
        worker_hijack_root_logger=False,
        worker_send_task_events=True,
        task_send_sent_event=True,
        timezone="UTC",
        beat_schedule={},
        beat_schedule_filename=str((settings.data_dir / "celerybeat-schedule").resolve()),
    )


# Worth another try later: network trouble, a broker/Redis hiccup, a locked or restarting database.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    TransientError,
    ConnectionError,
    TimeoutError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    httpx.TransportError,
    sqlalchemy.exc.OperationalError,
)


class JobTask(Task):
    """Base task: transient failures (network, locked DB, TransientError) retry with exponential backoff."""

    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True


def create_celery(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    JobTask.max_retries = settings.task_max_retries
    app = Celery("veritasad", task_cls=JobTask, include=existing_modules(TASK_MODULES))
    configure(app, settings)
    return app


celery_app = create_celery()


def add_periodic(name: str, task: str, schedule: Any, *, queue: str = QUEUE_DEFAULT, **kwargs: Any) -> None:
    """Beat hook: a context registers its periodic work (schedule: seconds, timedelta or crontab)."""
    celery_app.conf.beat_schedule[name] = {
        "task": task,
        "schedule": schedule,
        "options": {"queue": queue},
        **({"kwargs": kwargs} if kwargs else {}),
    }


def job_headers() -> dict[str, str]:
    """The request id and the current OpenTelemetry trace context, carried in the message headers."""
    from opentelemetry import propagate

    headers: dict[str, str] = {}
    propagate.inject(headers)
    rid = current_request_id()
    if rid:
        headers[REQUEST_ID_HEADER] = rid
    return headers


def enqueue(task: Task | str, *args: Any, queue: str = QUEUE_DEFAULT, **kwargs: Any) -> str:
    """Send a job; returns its id. `task` is a task object or its registered name."""
    options = {"queue": queue, "headers": job_headers()}
    if isinstance(task, str):
        result = celery_app.send_task(task, args=args, kwargs=kwargs, **options)
    else:
        result = task.apply_async(args=args, kwargs=kwargs, **options)
    return result.id


# One event loop per worker process: async DB engines (asyncpg) are bound to the loop that made them.
_loop: asyncio.AbstractEventLoop | None = None


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from a (synchronous) Celery task."""
    global _loop
    if _loop is None or _loop.is_closed():
        _loop = asyncio.new_event_loop()
    return _loop.run_until_complete(coro)


def reset_loop() -> None:
    """After fork the parent's loop and engine must not be reused."""
    global _loop
    _loop = None
