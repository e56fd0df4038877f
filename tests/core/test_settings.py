"""Settings: wrong values stop start-up with a message naming the setting."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest
import structlog

from veritasad.core.logging import configure_logging
from veritasad.core.settings import DEFAULT_SECRET, Settings, SettingsError, load_settings


def test_wrong_values_name_the_setting(monkeypatch):
    monkeypatch.setenv("PORT", "99999")
    monkeypatch.setenv("DATABASE_URL", "mysql://x")
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert "PORT" in message and "DATABASE_URL" in message and "LOG_LEVEL" in message


def test_production_refuses_the_default_secret(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", DEFAULT_SECRET)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert "SECRET_KEY" in str(err.value)
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(SettingsError):
        load_settings()


def test_postgres_and_sqlite_urls_get_async_drivers():
    s = Settings(_env_file=None, database_url="postgresql://u@h/db")
    assert s.database_url == "postgresql+asyncpg://u@h/db" and not s.is_sqlite
    assert Settings(_env_file=None, database_url="sqlite:///x.db").database_url == "sqlite+aiosqlite:///x.db"


def test_cli_stops_with_the_message(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "VERITASAD_ENV_FILE": "", "WORKER_CONCURRENCY": "0"}
    r = subprocess.run(
        [sys.executable, "-m", "veritasad.cli", "db", "upgrade"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert r.returncode != 0
    assert "WORKER_CONCURRENCY" in r.stderr and "Traceback" not in r.stderr


def test_json_logs_in_production_carry_context(capsys):
    settings = Settings(_env_file=None, environment="test", log_json=True)
    configure_logging(settings)
    try:
        structlog.contextvars.bind_contextvars(request_id="rid-json")
        logging.getLogger("plain.stdlib").warning("from the standard library")
        structlog.stdlib.get_logger("x").info("from structlog", n=1)
    finally:
        structlog.contextvars.clear_contextvars()
        configure_logging(Settings(_env_file=None, environment="test"))
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    assert {line["event"] for line in lines} >= {"from the standard library", "from structlog"}
    assert all(line["request_id"] == "rid-json" for line in lines)


def test_env_example_documents_every_setting_and_loads(monkeypatch):
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]+)=", text, flags=re.M))
    missing = {name.upper() for name in Settings.model_fields} - documented
    assert not missing, f"add these to .env.example with a comment: {sorted(missing)}"
    for name in ("REDIS_URL", "BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    s = Settings(_env_file=str(Path(__file__).resolve().parents[2] / ".env.example"))
    assert s.broker_url == "filesystem://" and s.redis_url is None


def test_blank_optional_setting_means_unset(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "")
    monkeypatch.setenv("SENTRY_DSN", "")
    s = load_settings()
    assert s.redis_url is None and s.sentry_dsn is None
