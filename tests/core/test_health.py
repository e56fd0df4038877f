"""Probes and metrics."""

from __future__ import annotations


async def test_health_touches_nothing(client):
    r = await client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}
    assert r.headers["x-request-id"]


async def test_ready_checks_every_configured_dependency(client, settings):
    r = await client.get("/ready")
    assert r.status_code == 200, r.text
    checks = r.json()["checks"]
    assert checks["database"] == "ok" and checks["broker"] == "ok" and checks["storage"] == "ok"
    assert ("redis" in checks) == bool(settings.redis_url)


async def test_ready_names_what_failed(client, app, monkeypatch):
    from veritasad.core import health

    async def broken(_settings):
        raise ConnectionError("broker down")

    monkeypatch.setattr(health, "check_broker", broken)
    r = await client.get("/ready")
    assert r.status_code == 503
    body = r.json()
    assert body["checks"]["broker"] == "failed"
    assert body["checks"]["database"] == "ok"
    assert "broker down" in body["failed"]["broker"]


async def test_metrics_count_requests_by_route_template(client, make_user):
    _, headers = await make_user()
    await client.get("/api/v1/api-keys", headers=headers)
    await client.delete("/api/v1/api-keys/987654", headers=headers)
    r = await client.get("/metrics")
    assert r.status_code == 200
    text = r.text
    assert 'veritasad_http_requests_total{method="DELETE",route="/api/v1/api-keys/{key_id}",status="404"}' in text
    assert 'veritasad_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/api-keys"}' in text
    assert "veritasad_db_pool_connections" in text
