"""CSRF for page forms. Signed-in users: the token bound into the access token (checked by the accounts
dependency). Anonymous forms (login, register, contact): a double-submit cookie set when the form is shown."""

from __future__ import annotations

from fastapi import Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.accounts.deps import ACCESS_COOKIE, CSRF_COOKIE, CSRF_FIELD, app_settings, optional_user
from veritasad.core.errors import AppError, ErrorCode
from veritasad.core.security import decode_access_token, new_csrf_token, same_token
from veritasad.models.user import User


def token_for(request: Request, signed_in: bool) -> tuple[str, bool]:
    """The token a form on this page must echo, and whether it is new (and must be set as a cookie)."""
    if signed_in:
        try:
            claims = decode_access_token(
                request.cookies.get(ACCESS_COOKIE, ""), app_settings(request).secret_key
            )
            if claims.get("csrf"):
                return str(claims["csrf"]), False
        except AppError:
            pass  # signed in with a bearer token or API key: no cookie session, fall through
    cookie = request.cookies.get(CSRF_COOKIE)
    if cookie:
        return cookie, False
    return new_csrf_token(), True


def remember(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        CSRF_COOKIE, token, max_age=86400, secure=app_settings(request).https_only, samesite="lax"
    )


async def check_anonymous_form(request: Request) -> None:
    """For forms posted without a session: the form field must match the CSRF cookie."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    expected = request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not expected or not same_token(sent, expected):
        raise AppError(ErrorCode.CSRF_FAILED, "The CSRF token is missing or wrong")


async def form_user(request: Request, session: AsyncSession) -> User | None:
    """Who posted this page form, after the CSRF check that fits: the session's token for a signed-in
    user (checked inside optional_user), the cookie token for anyone else. Raises CSRF_FAILED."""
    user = await optional_user(request, session)
    if user is None:
        await check_anonymous_form(request)
    return user
