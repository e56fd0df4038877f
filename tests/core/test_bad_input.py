"""Hostile and broken requests: each gets its documented status and error_code, writes nothing and
leaks nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from veritasad.models.api_key import ApiKey
from veritasad.models.user import User

SQL_LIKE = ["'; DROP TABLE users; --", "\" OR \"1\"=\"1", "1; SELECT pg_sleep(5)", "Robert'); DELETE FROM api_keys;--"]


async def count(session, model) -> int:
    return await session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    "body",
    [b"{", b'{"email": "a@example.com", "password": ', b"\xff\xfe", b"[1, 2", b"null"],
)
async def test_malformed_json(client, session, body):
    r = await client.post("/api/v1/auth/register", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422)
    payload = r.json()
    assert set(payload) == {"error_code", "message", "request_id", "details"}
    assert payload["error_code"] == ("MALFORMED_JSON" if r.status_code == 400 else "VALIDATION_ERROR")
    assert payload["request_id"] == r.headers["x-request-id"]
    assert await count(session, User) == 0


async def test_truly_broken_json_is_malformed(client):
    r = await client.post("/api/v1/auth/login", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error_code"] == "MALFORMED_JSON"


async def test_wrong_types_list_the_fields(client):
    r = await client.post("/api/v1/auth/login", json={"email": 42, "password": {"a": 1}})
    assert r.status_code == 422
    fields = {f["field"] for f in r.json()["details"]["fields"]}
    assert fields == {"body.email", "body.password"}


async def test_oversized_body_is_refused_before_reading(client, session, settings):
    big = b'{"email": "a@example.com", "password": "' + b"x" * settings.max_body_bytes + b'"}'
    r = await client.post("/api/v1/auth/register", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error_code"] == "BODY_TOO_LARGE"
    assert await count(session, User) == 0


async def test_oversized_chunked_body_is_refused_while_streaming(client, session, settings):
    async def chunks():
        for _ in range(settings.max_body_bytes // 65536 + 2):
            yield b"x" * 65536

    r = await client.post("/api/v1/auth/register", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error_code"] == "BODY_TOO_LARGE"
    assert await count(session, User) == 0


@pytest.mark.parametrize("text", SQL_LIKE)
async def test_sql_looking_strings_are_just_text(client, session, make_user, text):
    r = await client.post(
        "/api/v1/auth/register", json={"email": "sql@example.com", "password": text + "pad", "name": text}
    )
    assert r.status_code == 201, r.text
    assert r.json()["name"] == text
    r = await client.post("/api/v1/auth/login", json={"email": "sql@example.com", "password": text + "pad"})
    assert r.status_code == 200
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    r = await client.post("/api/v1/api-keys", json={"name": text[:100]}, headers=headers)
    assert r.status_code == 201 and r.json()["name"] == text[:100]
    r = await client.post("/api/v1/auth/login", json={"email": text, "password": text})
    assert r.status_code == 422  # not an e-mail: refused by validation, never reaches SQL
    r = await client.get("/api/v1/auth/me", headers={"X-API-Key": text})
    assert r.status_code == 401 and r.json()["error_code"] == "API_KEY_INVALID"
    assert await count(session, User) == 1
    assert await count(session, ApiKey) == 1


async def test_unknown_route_and_method(client):
    r = await client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error_code"] == "NOT_FOUND"
    r = await client.put("/api/v1/auth/login", json={})
    assert r.status_code == 405 and r.json()["error_code"] == "METHOD_NOT_ALLOWED"


async def test_path_parameter_of_the_wrong_type(client, make_user):
    _, headers = await make_user()
    r = await client.delete("/api/v1/api-keys/1%20OR%201=1", headers=headers)
    assert r.status_code == 422 and r.json()["details"]["fields"][0]["field"] == "path.key_id"
