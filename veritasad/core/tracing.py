"""OpenTelemetry traces (FastAPI, SQLAlchemy, Celery, httpx) and Sentry, each switched on by a setting."""

from __future__ import annotations

from typing import Any

from veritasad.core.settings import Settings

_provider_set = False


def setup_tracing(settings: Settings, service: str) -> bool:
    """Install the tracer provider and the library instrumentations once per process."""
    global _provider_set
    if settings.otel_exporter == "none" or _provider_set:
        return _provider_set
    from opentelemetry import trace
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

    exporter: Any
    if settings.otel_exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=settings.otel_endpoint) if settings.otel_endpoint else OTLPSpanExporter()
    else:
        exporter = ConsoleSpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    SQLAlchemyInstrumentor().instrument(enable_commenter=False)
    HTTPXClientInstrumentor().instrument()
    _provider_set = True
    return True


def instrument_app(app: Any, settings: Settings) -> None:
    if setup_tracing(settings, "veritasad-api"):
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(app, excluded_urls="health,ready,metrics")


def instrument_worker(settings: Settings) -> None:
    if setup_tracing(settings, "veritasad-worker"):
        from opentelemetry.instrumentation.celery import CeleryInstrumentor

        CeleryInstrumentor().instrument()


def setup_sentry(settings: Settings) -> bool:
    if not settings.sentry_dsn:
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.environment.value,
        traces_sample_rate=0.0,
        send_default_pii=False,
    )
    return True
