"""CSRF for page forms. Signed-in users: the token bound into the access token (checked by the accounts
dependency). Anonymous forms (login, register, contact): a double-submit cookie set when the form is shown."""

from __future__ import annotations

from fastapi import Request, Response

from veritasad.accounts.deps import ACCESS_COOKIE, CSRF_COOKIE, CSRF_FIELD, app_settings
from veritasad.core.errors import AppError, ErrorCode
from veritasad.core.security import decode_access_token, new_csrf_token, same_token


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
