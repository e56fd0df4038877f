"""Platform commands: serve, worker, beat, db upgrade, user create, apikey create."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from veritasad.cli.main import app
from veritasad.core.settings import get_settings

db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
user_app = typer.Typer(help="Users.", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(apikey_app, name="apikey")

ROOT = Path(__file__).resolve().parents[2]


def _metrics_dir() -> Path:
    """One folder for the API's and the embedded worker's metrics, emptied at start."""
    folder = (get_settings().data_dir / "prometheus").resolve()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _exit_quietly(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default: HOST setting).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: PORT setting).")] = None,
    worker: Annotated[bool, typer.Option(help="Also run an embedded Celery worker with beat.")] = True,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development).")] = False,
) -> None:
    """Serve the API and web app, with a Celery worker (and beat) in a child process."""
    import uvicorn

    settings = get_settings()
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_metrics_dir()))
    child = None
    if worker:
        cmd = [sys.executable, "-m", "veritasad.cli", "worker", "--beat"]
        # Its own session: a Ctrl+C at the terminal reaches only the server, which then stops the
        # worker with one SIGTERM (warm shutdown) instead of the worker seeing two signals.
        child = subprocess.Popen(cmd, env=os.environ.copy(), start_new_session=True)
        typer.echo(f"embedded worker pid={child.pid}", err=True)
    # uvicorn re-raises the signal that stopped it once it has shut down; turn that into a normal exit
    # so the worker is stopped below rather than orphaned.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _exit_quietly)
    try:
        uvicorn.run(
            "veritasad.app:create_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            reload=reload,
            proxy_headers=True,
            log_config=None,
            timeout_graceful_shutdown=10,
        )
    finally:
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)  # warm shutdown: the current job finishes or is requeued
            try:
                child.wait(30)
            except subprocess.TimeoutExpired:
                child.kill()


@app.command("worker")
def worker_cmd(
    queues: Annotated[str, typer.Option(help="Comma-separated queues to consume.")] = "media,default",
    concurrency: Annotated[int | None, typer.Option(help="Parallel jobs (default: WORKER_CONCURRENCY).")] = None,
    pool: Annotated[str | None, typer.Option(help="solo, prefork or threads (default: solo for 1 job).")] = None,
    beat: Annotated[bool, typer.Option(help="Also run the periodic scheduler in this worker.")] = False,
    include: Annotated[list[str] | None, typer.Option(help="Extra task modules to import.")] = None,
    hostname: Annotated[str | None, typer.Option(help="Worker name (default: celery@host).")] = None,
) -> None:
    """Run a Celery worker; start as many as you like, on any machine that reaches the broker."""
    from veritasad.core.queue import celery_app
    from veritasad.core.worker import wire_worker

    settings = get_settings()
    wire_worker()
    n = concurrency or settings.worker_concurrency
    argv = ["worker", f"--queues={queues}", f"--concurrency={n}", f"--pool={pool or ('solo' if n == 1 else 'prefork')}"]
    argv.append(f"--loglevel={settings.log_level}")
    if beat:
        argv.append("--beat")
        argv.append(f"--schedule={celery_app.conf.beat_schedule_filename}")
    if include:
        argv.append(f"--include={','.join(include)}")
    if hostname:
        argv.append(f"--hostname={hostname}")
    celery_app.worker_main(argv)


@app.command()
def beat() -> None:
    """Run the periodic scheduler alone (one per deployment)."""
    from veritasad.core.queue import celery_app
    from veritasad.core.worker import wire_worker

    wire_worker()
    celery_app.start(["beat", f"--loglevel={get_settings().log_level}", f"--schedule={celery_app.conf.beat_schedule_filename}"])


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    from alembic import command
    from alembic.config import Config

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(Config(str(ROOT / "alembic.ini")), revision)
    typer.echo(f"database at {revision}")


async def _create_user(email: str, password: str, name: str, role: str, plan: str) -> int:
    from veritasad.accounts import service
    from veritasad.core.db import dispose_engine, session_scope
    from veritasad.models.enums import Role, UserPlan

    try:
        async with session_scope() as session:
            user = await service.create_user(
                session, email=email, password=password, name=name, role=Role(role), plan=UserPlan(plan)
            )
            return user.id
    finally:
        await dispose_engine()


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="E-mail (the login).")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    name: Annotated[str, typer.Option()] = "",
    admin: Annotated[bool, typer.Option("--admin", help="Make the user an administrator.")] = False,
    role: Annotated[str, typer.Option(help="user, sales or admin.")] = "user",
    plan: Annotated[str, typer.Option(help="free, pro or business.")] = "free",
) -> None:
    """Create a user."""
    from pydantic import EmailStr, TypeAdapter, ValidationError

    from veritasad.core.errors import AppError

    try:
        TypeAdapter(EmailStr).validate_python(email)
    except ValidationError:
        raise typer.BadParameter("not a valid e-mail address", param_hint="--email") from None
    if len(password) < 8:
        raise typer.BadParameter("at least 8 characters", param_hint="--password")
    if role not in ("user", "sales", "admin") or plan not in ("free", "pro", "business"):
        raise typer.BadParameter("role must be user/sales/admin and plan free/pro/business")
    try:
        user_id = asyncio.run(_create_user(email, password, name, "admin" if admin else role, plan))
    except AppError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"created user {user_id} <{email}> role={'admin' if admin else role} plan={plan}")


async def _create_key(email: str, name: str) -> str | None:
    from veritasad.accounts import repository, service
    from veritasad.core.db import dispose_engine, session_scope

    try:
        async with session_scope() as session:
            user = await repository.user_by_email(session, email.strip().lower())
            if user is None:
                return None
            _, key = await service.create_api_key(session, user, name)
            return key
    finally:
        await dispose_engine()


@apikey_app.command("create")
def apikey_create(
    email: Annotated[str, typer.Option(help="The owner's e-mail.")],
    name: Annotated[str, typer.Option(help="A label for the key.")] = "cli",
) -> None:
    """Create an API key for a user and print it (it is shown only this once)."""
    key = asyncio.run(_create_key(email, name))
    if key is None:
        typer.echo(f"error: no user with e-mail {email}", err=True)
        raise typer.Exit(1)
    typer.echo(key)
