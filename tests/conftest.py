"""Test set-up shared by every suite.

VERITASAD_TEST_DB=sqlite (default): a temporary SQLite file, memory rate limits, filesystem broker.
VERITASAD_TEST_DB=postgres: a fresh database on PG_TEST_URL for this run (dropped at the end), and Redis
on REDIS_TEST_URL. Either way Alembic `upgrade head` builds the schema once (so migrations are tested) and
tables are emptied between tests that touch the database."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from pathlib import Path

# The environment must be in place before anything imports veritasad (settings are read once).
TMP = Path(tempfile.mkdtemp(prefix="veritasad-test-"))
TEST_DB = os.environ.get("VERITASAD_TEST_DB", "sqlite")
PG_TEST_URL = os.environ.get("PG_TEST_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL")
PG_DB_NAME = f"veritasad_test_{secrets.token_hex(4)}"


def _pg_url(database: str) -> str:
    base, _, _ = PG_TEST_URL.rpartition("/")
    return f"{base}/{database}"


os.environ.update(
    VERITASAD_ENV_FILE="",
    ENVIRONMENT="test",
    SECRET_KEY="test-secret-key-not-for-production",
    DATA_DIR=str(TMP / "var"),
    MEDIA_DIR=str(TMP / "var" / "media"),
    MODEL_CACHE_DIR=os.environ.get("MODEL_CACHE_DIR", str(Path("var/models").resolve())),
    BROKER_URL="filesystem://",
    LOG_LEVEL="INFO",
    ALLOW_LOOPBACK_URLS="true",
    # Tests poll fast; the rate-limit tests build their own app with small limits.
    PLAN_FREE_RPM="100000",
    PLAN_PRO_RPM="100000",
    PLAN_BUSINESS_RPM="100000",
    AUTH_RPM="100000",
    # Concurrent test runs may share the test Redis: each keeps to its own keys.
    REDIS_PREFIX=f"vt-{secrets.token_hex(4)}",
)
os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
if TEST_DB == "postgres":
    os.environ["DATABASE_URL"] = _pg_url(PG_DB_NAME)
    if REDIS_TEST_URL:
        os.environ["REDIS_URL"] = REDIS_TEST_URL
    else:
        os.environ.pop("REDIS_URL", None)
elif TEST_DB == "sqlite":
    os.environ["DATABASE_URL"] = f"sqlite+aiosqlite:///{TMP / 'test.db'}"
    os.environ.pop("REDIS_URL", None)
else:
    raise RuntimeError(f"VERITASAD_TEST_DB must be sqlite or postgres, not {TEST_DB!r}")

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncSession
from support_worker import WorkerProcess

from veritasad.core.settings import Settings, get_settings

DB_FIXTURES = {"session", "app", "client", "make_user", "worker", "db"}
ENGINE_DIR = os.path.join("tests", "analysis", "engine")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if ENGINE_DIR in str(item.path):
            item.add_marker(pytest.mark.engine_only)
            if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
                raise pytest.UsageError(f"{item.nodeid}: engine tests are pure and may not use database fixtures")


def _create_pg_database() -> None:
    import psycopg

    admin = PG_TEST_URL.replace("postgresql+asyncpg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{PG_DB_NAME}"')


def _drop_pg_database() -> None:
    import psycopg

    admin = PG_TEST_URL.replace("postgresql+asyncpg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB_NAME}" WITH (FORCE)')


@pytest.fixture(scope="session")
def settings() -> Settings:
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture(scope="session")
def migrated(settings: Settings) -> Iterator[Settings]:
    """The schema, built once by the real migrations."""
    from alembic import command
    from alembic.config import Config

    if TEST_DB == "postgres":
        _create_pg_database()
    cfg = Config(str(Path(__file__).resolve().parents[1] / "alembic.ini"))
    cfg.attributes["configure_logging"] = False
    command.upgrade(cfg, "head")
    yield settings
    if TEST_DB == "postgres":
        _drop_pg_database()
    shutil.rmtree(TMP, ignore_errors=True)


async def _empty_tables() -> None:
    import veritasad.models  # noqa: F401
    from veritasad.core.db import Base, get_engine

    async with get_engine().begin() as conn:
        existing = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        tables = [t for t in Base.metadata.sorted_tables if t.name in existing]
        if TEST_DB == "postgres":
            names = ", ".join(f'"{t.name}"' for t in tables)
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                await conn.execute(table.delete())


@pytest.fixture
async def db(migrated: Settings) -> AsyncIterator[None]:
    """Empty tables (and the test Redis database) before the test."""
    await _empty_tables()
    if REDIS_TEST_URL and TEST_DB == "postgres":
        from redis.asyncio import Redis

        client = Redis.from_url(REDIS_TEST_URL)
        keys = [k async for k in client.scan_iter(match=os.environ["REDIS_PREFIX"] + ":*", count=1000)]
        if keys:
            await client.delete(*keys)
        await client.aclose()
    yield


@pytest.fixture
async def session(db: None) -> AsyncIterator[AsyncSession]:
    from veritasad.core.db import get_sessionmaker

    async with get_sessionmaker()() as s:
        yield s


@pytest.fixture
async def app(db: None, settings: Settings):
    from veritasad.app import create_app
    from veritasad.core.cache import close_redis

    application = create_app(settings)
    yield application
    await close_redis(application.state.redis)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


MakeUser = Callable[..., Awaitable[tuple["object", dict[str, str]]]]


@pytest.fixture
async def make_user(db: None) -> MakeUser:
    """make_user(role=..., plan=..., status=..., email=..., password=...) -> (user, {"X-API-Key": key})."""
    from veritasad.accounts import service
    from veritasad.core.db import session_scope
    from veritasad.models.enums import Role, UserPlan, UserStatus

    counter = 0

    async def factory(
        role: Role = Role.user,
        plan: UserPlan = UserPlan.free,
        status: UserStatus = UserStatus.active,
        email: str | None = None,
        password: str = "correct horse battery",
        name: str = "Test User",
    ):
        nonlocal counter
        counter += 1
        async with session_scope() as s:
            user = await service.create_user(
                s,
                email=email or f"user{counter}-{secrets.token_hex(3)}@example.com",
                password=password,
                name=name,
                role=Role(role),
                plan=UserPlan(plan),
                status=UserStatus(status),
            )
            _, key = await service.create_api_key(s, user, "test")
        return user, {"X-API-Key": key}

    return factory


@pytest.fixture(scope="session")
def worker_factory(migrated: Settings) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real `veritasad worker` processes (same DB and broker unless overridden); all are stopped
    at the end of the run."""
    started: list[WorkerProcess] = []

    def start(**kwargs) -> WorkerProcess:
        proc = WorkerProcess(log_dir=TMP / "logs", **kwargs)
        proc.start()
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()


@pytest.fixture(scope="session")
def _session_worker(worker_factory) -> WorkerProcess:
    return worker_factory()


@pytest.fixture
def worker(db: None, _session_worker: WorkerProcess) -> WorkerProcess:
    """A real Celery worker subprocess on the test DB and broker, started once on first use."""
    if not _session_worker.alive():
        _session_worker.start()
    return _session_worker
