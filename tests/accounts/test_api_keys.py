"""API keys: shown once, listed by prefix, revoked; unknown keys never create anyone."""

from __future__ import annotations

from sqlalchemy import func, select

from veritasad.models.api_key import ApiKey
from veritasad.models.user import User


async def test_create_list_revoke(client, make_user, session):
    _, headers = await make_user()
    r = await client.post("/api/v1/api-keys", json={"name": "ci"}, headers=headers)
    assert r.status_code == 201
    created = r.json()
    key = created["key"]
    assert key.startswith("va_") and created["prefix"] == key[:12]

    listed = (await client.get("/api/v1/api-keys", headers=headers)).json()
    assert [k["name"] for k in listed] == ["test", "ci"]
    assert all("key" not in k for k in listed)
    assert key not in str(listed)
    stored = await session.scalar(select(ApiKey).where(ApiKey.id == created["id"]))
    assert stored.key_hash != key and key not in stored.key_hash

    new_headers = {"X-API-Key": key}
    assert (await client.get("/api/v1/auth/me", headers=new_headers)).status_code == 200
    assert (await client.delete(f"/api/v1/api-keys/{created['id']}", headers=headers)).status_code == 204
    r = await client.get("/api/v1/auth/me", headers=new_headers)
    assert r.status_code == 401 and r.json()["error_code"] == "API_KEY_REVOKED"


async def test_cannot_revoke_someone_elses_key(client, make_user):
    _, alice = await make_user()
    _, bob = await make_user()
    bob_keys = (await client.get("/api/v1/api-keys", headers=bob)).json()
    r = await client.delete(f"/api/v1/api-keys/{bob_keys[0]['id']}", headers=alice)
    assert r.status_code == 404 and r.json()["error_code"] == "NOT_FOUND"
    assert (await client.get("/api/v1/auth/me", headers=bob)).status_code == 200


async def test_unknown_key_is_refused_and_creates_nobody(client, session):
    for key in ["va_" + "x" * 43, "", "' OR 1=1 --", "va_\u0000"]:
        r = await client.get("/api/v1/auth/me", headers={"X-API-Key": key} if key else {})
        assert r.status_code == 401
    assert await session.scalar(select(func.count()).select_from(User)) == 0
    assert await session.scalar(select(func.count()).select_from(ApiKey)) == 0


async def test_key_lookup_is_one_query_and_a_ban_applies_at_once(make_user, session):
    """Every API-key request runs this: the key and its owner come back in one statement, and a ban
    written to the database refuses the very next request (nothing is cached)."""
    from sqlalchemy import event, update

    from veritasad.accounts import service
    from veritasad.core.errors import AppError, ErrorCode
    from veritasad.models.enums import UserStatus

    user, headers = await make_user()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = session.bind.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        found = await service.user_for_api_key(session, headers["X-API-Key"])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert found.id == user.id
    assert len(statements) == 1 and statements[0].lstrip().upper().startswith("SELECT")
    await session.commit()  # the first use stamps last_used_at

    await session.execute(update(User).where(User.id == user.id).values(status=UserStatus.banned))
    await session.commit()
    session.expunge_all()
    try:
        await service.user_for_api_key(session, headers["X-API-Key"])
    except AppError as exc:
        assert exc.code == ErrorCode.USER_BANNED
    else:
        raise AssertionError("a banned user's key still worked")
    stamped = await session.scalar(select(ApiKey.last_used_at).where(ApiKey.user_id == user.id))
    assert stamped is not None
