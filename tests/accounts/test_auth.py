"""Register, login, refresh rotation, logout, /me; cookie sessions with CSRF."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from veritasad.core.security import create_access_token
from veritasad.models.enums import Role, UserPlan, UserStatus
from veritasad.models.user import User

PASSWORD = "correct horse battery"


async def register_and_login(client, email="ann@example.com"):
    r = await client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": "Ann"})
    assert r.status_code == 201, r.text
    r = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()


async def test_register_login_me(client, session):
    tokens = await register_and_login(client)
    r = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert r.status_code == 200
    me = r.json()
    assert me["email"] == "ann@example.com" and me["role"] == "user" and me["plan"] == "free"
    assert me["usage"]["analyses_today"] == 0 and me["usage"]["daily_limit"] == 5
    user = await session.scalar(select(User).where(User.email == "ann@example.com"))
    assert user.password_hash.startswith("$argon2")


async def test_duplicate_email_is_a_conflict(client):
    await register_and_login(client)
    r = await client.post("/api/v1/auth/register", json={"email": "ANN@example.com", "password": PASSWORD})
    assert r.status_code == 409 and r.json()["error_code"] == "EMAIL_TAKEN"


async def test_wrong_password_and_unknown_email_look_the_same(client):
    await register_and_login(client)
    a = await client.post("/api/v1/auth/login", json={"email": "ann@example.com", "password": "wrong-password"})
    b = await client.post("/api/v1/auth/login", json={"email": "bob@example.com", "password": "wrong-password"})
    assert a.status_code == b.status_code == 401
    assert a.json()["error_code"] == b.json()["error_code"] == "INVALID_CREDENTIALS"
    assert a.json()["message"] == b.json()["message"]


async def test_refresh_rotates_and_reuse_revokes_the_family(client):
    tokens = await register_and_login(client)
    first = tokens["refresh_token"]
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert r.status_code == 200
    second = r.json()["refresh_token"]
    assert second != first
    # the old token again: rejected, and it takes the new one down with it
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert r.status_code == 401 and r.json()["error_code"] == "TOKEN_INVALID"
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": second})
    assert r.status_code == 401 and r.json()["error_code"] == "TOKEN_INVALID"


async def test_logout_revokes_the_refresh_token(client):
    tokens = await register_and_login(client)
    r = await client.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 204
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401


async def test_cookie_session_needs_csrf_for_unsafe_methods(client):
    tokens = await register_and_login(client)  # the client now holds the cookies
    assert client.cookies.get("access_token") and client.cookies.get("csrf_token")
    r = await client.get("/api/v1/auth/me")
    assert r.status_code == 200
    r = await client.post("/api/v1/api-keys", json={"name": "x"})
    assert r.status_code == 403 and r.json()["error_code"] == "CSRF_FAILED"
    r = await client.post("/api/v1/api-keys", json={"name": "x"}, headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403 and r.json()["error_code"] == "CSRF_FAILED"
    r = await client.post("/api/v1/api-keys", json={"name": "x"}, headers={"X-CSRF-Token": tokens["csrf_token"]})
    assert r.status_code == 201


async def test_cookie_refresh_needs_csrf(client):
    tokens = await register_and_login(client)
    client.cookies.set("refresh_token", tokens["refresh_token"], path="/api/v1/auth")
    r = await client.post("/api/v1/auth/refresh")
    assert r.status_code == 403 and r.json()["error_code"] == "CSRF_FAILED"
    r = await client.post("/api/v1/auth/refresh", headers={"X-CSRF-Token": client.cookies.get("csrf_token")})
    assert r.status_code == 200, r.text


async def test_expired_and_forged_jwt(client, make_user, settings):
    user, _ = await make_user()
    past = datetime.now(UTC) - timedelta(hours=2)
    expired = create_access_token(user.id, settings.secret_key, 15, now=past)
    r = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401 and r.json()["error_code"] == "TOKEN_EXPIRED"
    forged = create_access_token(user.id, "another-secret-of-enough-length-for-hs256", 15)
    r = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401 and r.json()["error_code"] == "TOKEN_INVALID"
    r = await client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not.a.jwt"})
    assert r.status_code == 401 and r.json()["error_code"] == "TOKEN_INVALID"
    r = await client.get("/api/v1/auth/me")
    assert r.status_code == 401 and r.json()["error_code"] == "NOT_AUTHENTICATED"


async def test_banned_and_inactive_users_are_refused(client, make_user):
    _, banned = await make_user(status=UserStatus.banned, email="banned@example.com")
    _, inactive = await make_user(status=UserStatus.inactive)
    r = await client.get("/api/v1/auth/me", headers=banned)
    assert r.status_code == 403 and r.json()["error_code"] == "USER_BANNED"
    r = await client.get("/api/v1/auth/me", headers=inactive)
    assert r.status_code == 403 and r.json()["error_code"] == "USER_INACTIVE"
    r = await client.post("/api/v1/auth/login", json={"email": "banned@example.com", "password": PASSWORD})
    assert r.status_code == 403 and r.json()["error_code"] == "USER_BANNED"


async def test_roles(app, client, make_user):
    from fastapi import Depends

    from veritasad.accounts.deps import require_roles

    @app.get("/test-only/sales", dependencies=[Depends(require_roles(Role.sales))])
    async def sales_only():
        return {"ok": True}

    _, user = await make_user()
    _, sales = await make_user(role=Role.sales)
    _, admin = await make_user(role=Role.admin, plan=UserPlan.business)
    assert (await client.get("/test-only/sales", headers=user)).json()["error_code"] == "FORBIDDEN"
    assert (await client.get("/test-only/sales", headers=sales)).status_code == 200
    assert (await client.get("/test-only/sales", headers=admin)).status_code == 200


async def test_bad_register_input_writes_nothing(client, session):
    bodies = [
        {"email": "not-an-email", "password": PASSWORD},
        {"email": "a@example.com", "password": "short"},
        {"email": "a@example.com", "password": 12345678},
        {"email": ["a@example.com"], "password": PASSWORD},
        {"email": "a@example.com", "password": PASSWORD, "role": "admin"},
    ]
    for body in bodies:
        r = await client.post("/api/v1/auth/register", json=body)
        assert r.status_code == 422, (body, r.text)
        payload = r.json()
        assert payload["error_code"] == "VALIDATION_ERROR" and payload["details"]["fields"]
        assert PASSWORD not in r.text
    assert await session.scalar(select(func.count()).select_from(User)) == 0
