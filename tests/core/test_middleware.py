"""Request id, security headers, CORS whitelist, trusted hosts, gzip, and 500s without a trace."""

from __future__ import annotations

import logging

import httpx

from veritasad.app import create_app


async def test_request_id_is_honoured_or_made(client):
    r = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    r = await client.get("/health", headers={"X-Request-ID": "bad id\nwith newline"})
    assert r.headers["x-request-id"] != "bad id\nwith newline" and len(r.headers["x-request-id"]) == 32
    r = await client.get("/api/v1/nope", headers={"X-Request-ID": "trace-me"})
    assert r.json()["request_id"] == "trace-me"


async def test_security_headers(client):
    r = await client.get("/health")
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "strict-transport-security" not in r.headers  # plain HTTP here


async def test_hsts_behind_https_and_cors_whitelist(db, settings):
    app = create_app(settings.model_copy(update={"https_only": True, "cors_origins": ["https://good.example"]}))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        r = await c.get("/health", headers={"Origin": "https://good.example"})
        assert r.headers["access-control-allow-origin"] == "https://good.example"
        assert r.headers["strict-transport-security"].startswith("max-age=")
        r = await c.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers
        r = await c.options(
            "/api/v1/auth/login",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert r.status_code == 400


async def test_untrusted_host_is_refused(app):
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://evil.example") as c:
        r = await c.get("/health")
    assert r.status_code == 400


async def test_gzip_for_large_responses(client):
    r = await client.get("/api/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"


async def test_unhandled_error_is_500_without_trace_and_logged_with_one(app, client, caplog):
    @app.get("/test-only/boom")
    async def boom():
        raise RuntimeError("secret internals")

    with caplog.at_level(logging.ERROR):
        r = await client.get("/test-only/boom", headers={"X-Request-ID": "boom-1"})
    assert r.status_code == 500
    body = r.json()
    assert body == {"error_code": "INTERNAL_ERROR", "message": "Internal server error", "request_id": "boom-1",
                    "details": None}
    assert "secret internals" not in r.text and "Traceback" not in r.text
    logged = [rec for rec in caplog.records if rec.name == "veritasad.errors"]
    assert logged and isinstance(logged[0].msg["exc_info"], RuntimeError)  # structlog renders the trace
    assert logged[0].msg["request_id"] == "boom-1"
