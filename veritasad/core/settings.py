"""All settings, read from the environment (and `.env`); every one is documented in `.env.example`."""

from __future__ import annotations

import os
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-in-production-this-default-is-public"


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # process
    environment: Environment = Environment.development
    secret_key: str = DEFAULT_SECRET
    base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    data_dir: Path = Path("var")

    # database
    database_url: str = "sqlite+aiosqlite:///var/veritasad.db"
    db_pool_size: int = Field(10, ge=1)
    db_max_overflow: int = Field(20, ge=0)
    db_echo: bool = False

    # jobs
    broker_url: str = "filesystem://"
    worker_concurrency: int = Field(1, ge=1)
    broker_visibility_timeout: int = Field(7200, ge=1)  # seconds before an unacked job is redelivered
    task_max_retries: int = Field(3, ge=0)
    job_timeout_seconds: int = Field(3600, ge=10)

    # cache / progress / rate limits (optional)
    redis_url: str | None = None
    redis_prefix: str = Field("veritasad", pattern=r"^[A-Za-z0-9_.\-]{1,40}$")  # keys (and broker keys)

    # storage
    storage_backend: str = Field("local", pattern="^(local|s3)$")
    media_dir: Path = Path("var/media")
    s3_endpoint_url: str | None = None
    s3_bucket: str = "veritasad"
    s3_region: str = "us-east-1"
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    media_retention_days: int = Field(30, ge=1)

    # http
    cors_origins: list[str] = []
    allowed_hosts: list[str] = ["127.0.0.1", "localhost", "testserver"]
    max_body_bytes: int = Field(1_048_576, ge=1024)  # JSON/form bodies; uploads have plan limits
    https_only: bool = False

    # auth
    access_token_minutes: int = Field(15, ge=1)
    refresh_token_days: int = Field(30, ge=1)
    auth_rpm: int = Field(20, ge=1)  # anonymous sign-in attempts per client address per minute

    # plans: daily analyses, max video seconds, max upload bytes, requests per minute
    plan_free_daily: int = Field(5, ge=0)
    plan_free_max_seconds: int = Field(600, ge=1)
    plan_free_max_bytes: int = Field(200 * 1024**2, ge=1)
    plan_free_rpm: int = Field(60, ge=1)
    plan_pro_daily: int = Field(100, ge=0)
    plan_pro_max_seconds: int = Field(3 * 3600, ge=1)
    plan_pro_max_bytes: int = Field(4 * 1024**3, ge=1)
    plan_pro_rpm: int = Field(300, ge=1)
    plan_business_daily: int = Field(1000, ge=0)
    plan_business_max_seconds: int = Field(6 * 3600, ge=1)
    plan_business_max_bytes: int = Field(16 * 1024**3, ge=1)
    plan_business_rpm: int = Field(1200, ge=1)

    # downloads
    download_max_bytes: int = Field(2 * 1024**3, ge=1)
    download_timeout_seconds: int = Field(600, ge=1)
    allow_loopback_urls: bool = False  # tests only

    # analysis engine
    asr_model: str = "base"
    asr_device: str = Field("cpu", pattern="^(cpu|cuda|auto)$")
    asr_compute_type: str = "int8"
    asr_cpu_threads: int = Field(2, ge=1)
    model_cache_dir: Path = Path("var/models")
    ocr_languages: str = "rus+eng"
    frame_interval_seconds: float = Field(2.0, gt=0)

    # observability
    log_level: str = "INFO"
    log_json: bool | None = None  # default: JSON in production, console otherwise
    otel_exporter: str = Field("none", pattern="^(none|console|otlp)$")
    otel_endpoint: str | None = None
    sentry_dsn: str | None = None

    # notifications
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "VeritasAd <noreply@veritasad.local>"
    telegram_bot_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"  # the Bot API; tests point it at a local server

    # Saler (leads)
    lead_stages: list[str] = ["new", "contacted", "qualified", "proposal", "won", "lost"]
    lead_closed_stages: list[str] = ["won", "lost"]  # a lead here is no longer "open" for deduplication
    lead_phone_region: str = Field("RU", pattern="^[A-Z]{2}$")  # for numbers written without +country code
    lead_auto_assign: bool = True  # round-robin new unowned leads among active sales users
    lead_import_max_rows: int = Field(10_000, ge=1)
    lead_import_max_bytes: int = Field(5 * 1024**2, ge=1024)
    lead_reminder_interval_seconds: int = Field(300, ge=10)
    lead_score_interval_seconds: int = Field(6 * 3600, ge=60)

    @model_validator(mode="after")
    def _lead_pipeline(self) -> "Settings":
        stages = self.lead_stages
        if len(stages) < 2 or len(set(stages)) != len(stages) or any(not s or len(s) > 32 for s in stages):
            raise ValueError("LEAD_STAGES must list at least two distinct stage names of 1-32 characters")
        if unknown := set(self.lead_closed_stages) - set(stages):
            raise ValueError(f"LEAD_CLOSED_STAGES names stages not in LEAD_STAGES: {sorted(unknown)}")
        return self

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, data: Any) -> Any:
        """`REDIS_URL=` in a .env file means "not configured", not an empty URL."""
        if isinstance(data, dict):
            return {
                k: (None if v == "" and k in cls.model_fields and cls.model_fields[k].default is None else v)
                for k, v in data.items()
            }
        return data

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, v: str) -> str:
        v = v.upper()
        if v not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return v

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, v: str) -> str:
        if v.startswith("postgresql://") or v.startswith("postgres://"):
            v = "postgresql+asyncpg://" + v.split("://", 1)[1]
        if v.startswith("sqlite:///"):
            v = "sqlite+aiosqlite:///" + v.split(":///", 1)[1]
        if not (v.startswith("sqlite+aiosqlite://") or v.startswith("postgresql+asyncpg://")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return v

    @model_validator(mode="after")
    def _safe_production(self) -> "Settings":
        if self.environment == Environment.production and self.secret_key == DEFAULT_SECRET:
            raise ValueError("SECRET_KEY must be set to a real secret in production")
        if len(self.secret_key) < 32:
            raise ValueError("SECRET_KEY must be at least 32 characters (it signs HS256 tokens)")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def json_logs(self) -> bool:
        return self.log_json if self.log_json is not None else self.environment == Environment.production


class SettingsError(SystemExit):
    """Start-up stops with a message naming each wrong setting."""


def load_settings() -> Settings:
    try:
        # VERITASAD_ENV_FILE="" reads no .env at all (the tests must not pick up a developer's file)
        return Settings(_env_file=os.environ.get("VERITASAD_ENV_FILE", ".env") or None)  # type: ignore[call-arg]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"]).upper() or "SETTINGS"
            lines.append(f"  {name}: {err['msg']}")
        raise SettingsError("Invalid settings:\n" + "\n".join(lines)) from None


@lru_cache
def get_settings() -> Settings:
    return load_settings()
