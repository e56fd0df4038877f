"""The FastAPI application: `uvicorn veritasad.app:create_app --factory`."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from veritasad.core import handlers
from veritasad.core.cache import close_redis, create_redis
from veritasad.core.db import dispose_engine
from veritasad.core.logging import configure_logging, get_logger
from veritasad.core.metrics import connect_celery_signals
from veritasad.core.middleware import BodyLimitMiddleware, RequestContextMiddleware, SecurityHeadersMiddleware
from veritasad.core.ratelimit import RateLimiter
from veritasad.core.settings import Settings, get_settings
from veritasad.core.tracing import instrument_app, setup_sentry

# Every context's router, in one place: "module:attribute". A module not written yet is skipped.
ROUTERS = [
    "veritasad.core.health:router",
    "veritasad.accounts.routes:router",
    "veritasad.analysis.routes:router",
    "veritasad.notify.routes:router",
    "veritasad.leads.routes:router",
    "veritasad.web.routes:router",
]
STATIC_DIR = Path(__file__).parent / "web" / "static"
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; "
    "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

log = get_logger("veritasad.app")


def load_routers(specs: list[str]) -> list[APIRouter]:
    routers = []
    for spec in specs:
        module_name, attr = spec.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # not written yet; a broken import inside it still fails loudly
                continue
            raise
        routers.append(getattr(module, attr))
    return routers


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    log.info("starting", environment=settings.environment.value, database=settings.database_url.split(":")[0])
    try:
        yield
    finally:
        await close_redis(app.state.redis)
        await dispose_engine()
        log.info("stopped")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings)
    setup_sentry(settings)
    connect_celery_signals()

    app = FastAPI(
        title="VeritasAd",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.redis = create_redis(settings.redis_url) if settings.redis_url else None
    app.state.limiter = RateLimiter(app.state.redis, prefix=settings.redis_prefix)

    handlers.install(app)
    for router in load_routers(ROUTERS):
        app.include_router(router)
    if STATIC_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # Added innermost first: the request-id middleware is outermost so every line carries the id.
    upload_limit = max(settings.plan_free_max_bytes, settings.plan_pro_max_bytes, settings.plan_business_max_bytes)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes, upload_limit=upload_limit + 1_048_576)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(SecurityHeadersMiddleware, csp=CSP, hsts=settings.https_only)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key", "X-CSRF-Token", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(RequestContextMiddleware)
    instrument_app(app, settings)
    return app
