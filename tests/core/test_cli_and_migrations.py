"""The CLI against the test database, and the migrations against the models."""

from __future__ import annotations

import os
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from veritasad.models.enums import Role
from veritasad.models.user import User


def veritasad(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "veritasad.cli", *args],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        input=input,
        timeout=120,
    )


def test_every_command_has_help():
    for args in (["serve"], ["worker"], ["beat"], ["db", "upgrade"], ["user", "create"], ["apikey", "create"]):
        r = veritasad(*args, "--help")
        assert r.returncode == 0 and "Usage" in r.stdout, (args, r.stderr)


async def test_db_upgrade_user_create_apikey_create(db, client, session):
    r = veritasad("db", "upgrade")
    assert r.returncode == 0, r.stderr
    r = veritasad("user", "create", "--email", "root@example.com", "--password", "a-long-password", "--admin")
    assert r.returncode == 0, r.stderr
    user = await session.scalar(select(User).where(User.email == "root@example.com"))
    assert user is not None and user.role == Role.admin
    r = veritasad("user", "create", "--email", "root@example.com", "--password", "a-long-password")
    assert r.returncode == 1 and "already registered" in r.stderr
    r = veritasad("apikey", "create", "--email", "root@example.com")
    assert r.returncode == 0, r.stderr
    key = r.stdout.strip()
    me = await client.get("/api/v1/auth/me", headers={"X-API-Key": key})
    assert me.status_code == 200 and me.json()["role"] == "admin"
    r = veritasad("apikey", "create", "--email", "nobody@example.com")
    assert r.returncode == 1 and "no user" in r.stderr


async def test_migrations_match_the_models(migrated):
    """Every table and column in veritasad.models must come from an Alembic revision."""
    import veritasad.models  # noqa: F401
    from veritasad.core.db import Base, get_engine

    def diff(conn):
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        return compare_metadata(ctx, Base.metadata)

    async with get_engine().connect() as conn:
        changes = await conn.run_sync(diff)
    assert changes == [], f"models and migrations differ; add a revision: {changes}"
