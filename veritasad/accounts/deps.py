"""Authentication dependencies: X-API-Key, `Authorization: Bearer <jwt>`, or the access-token cookie
(pages; unsafe methods then need the CSRF token). Also roles and the per-plan rate limit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import structlog
from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.accounts import service
from veritasad.accounts.plans import PlanLimits, plan_limits
from veritasad.core.db import get_session
from veritasad.core.errors import AppError, ErrorCode, Forbidden
from veritasad.core.security import decode_access_token, same_token
from veritasad.core.settings import Settings, get_settings
from veritasad.models.enums import Role
from veritasad.models.user import User

ACCESS_COOKIE = "access_token"
REFRESH_COOKIE = "refresh_token"
CSRF_COOKIE = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# scope="function": commit before the response goes out, so a client acting on it at once sees the write.
Session = Annotated[AsyncSession, Depends(get_session, scope="function")]

__all__ = [
    "CurrentUser",
    "OptionalUser",
    "PlanLimits",
    "Session",
    "current_user",
    "optional_user",
    "plan_limits",
    "require_roles",
]


def app_settings(request: Request) -> Settings:
    return getattr(request.app.state, "settings", None) or get_settings()


async def check_csrf(request: Request, expected: str | None) -> None:
    """Double-submit check for cookie sessions: the header (or form field) must match the token bound
    into the signed access token (or the CSRF cookie for the refresh endpoint)."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # Starlette caches it, so the endpoint can still read it
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not same_token(sent, expected):
        raise AppError(ErrorCode.CSRF_FAILED, "The CSRF token is missing or wrong")


async def _authenticate(request: Request, session: AsyncSession) -> User | None:
    settings = app_settings(request)
    api_key = request.headers.get("x-api-key")
    if api_key:
        return await service.user_for_api_key(session, api_key)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    from_cookie = False
    if scheme.lower() != "bearer" or not token:
        token = request.cookies.get(ACCESS_COOKIE, "")
        from_cookie = True
    if not token:
        return None
    claims = decode_access_token(token.strip(), settings.secret_key)
    if from_cookie:
        await check_csrf(request, claims.get("csrf"))
    user = await session.get(User, int(claims["sub"]))
    if user is None:
        raise AppError(ErrorCode.TOKEN_INVALID, "The access token is not valid")
    return service.ensure_active(user)


async def _rate_limit(request: Request, user: User) -> None:
    limiter = getattr(request.app.state, "limiter", None)
    if limiter is not None:
        await limiter.check(f"user:{user.id}", plan_limits(user, app_settings(request)).rpm)


async def current_user(request: Request, session: Session) -> User:
    user = await _authenticate(request, session)
    if user is None:
        raise AppError(
            ErrorCode.NOT_AUTHENTICATED,
            "Sign in, or send an API key in X-API-Key or a token in Authorization: Bearer",
        )
    request.state.user = user
    structlog.contextvars.bind_contextvars(user_id=user.id)
    await _rate_limit(request, user)
    return user


async def optional_user(request: Request, session: Session) -> User | None:
    """For pages: the signed-in user, or None when anonymous or the session is no longer valid."""
    try:
        user = await _authenticate(request, session)
    except AppError as exc:
        if exc.code in (ErrorCode.USER_BANNED, ErrorCode.USER_INACTIVE, ErrorCode.CSRF_FAILED):
            raise
        return None
    if user is not None:
        request.state.user = user
        structlog.contextvars.bind_contextvars(user_id=user.id)
    return user


CurrentUser = Annotated[User, Depends(current_user)]
OptionalUser = Annotated[User | None, Depends(optional_user)]


def require_roles(*roles: Role) -> Callable[..., Awaitable[User]]:
    """Dependency: the current user, who must have one of `roles` (admins always pass)."""
    allowed = set(roles) | {Role.admin}

    async def dependency(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise Forbidden(f"This needs the role {' or '.join(sorted(r.value for r in roles))}")
        return user

    return dependency
