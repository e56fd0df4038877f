"""Sign-up, sign-in and sign-out pages. Form posts go through the same account service as the API and
end with the same cookie session (access token + CSRF token bound into it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from veritasad.accounts import service
from veritasad.accounts.deps import (
    ACCESS_COOKIE,
    CSRF_COOKIE,
    REFRESH_COOKIE,
    OptionalUser,
    Session,
    app_settings,
    optional_user,
)
from veritasad.accounts.routes import REFRESH_PATH, _limit_by_ip, _set_cookies
from veritasad.accounts.schemas import LoginIn, RegisterIn
from veritasad.core.errors import AppError, ErrorCode
from veritasad.web.csrf import check_anonymous_form
from veritasad.web.i18n import translate
from veritasad.web.templating import refused, render, request_language

router = APIRouter(include_in_schema=False)
AFTER_LOGIN = "/dashboard"


def safe_next(target: str | None, default: str = AFTER_LOGIN) -> str:
    """Only same-site paths: never //host or a scheme, so the redirect cannot leave the site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def _field(form, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) and name != "password" else (value or "")


async def _signed_in_redirect(request: Request, session, user, target: str) -> Response:
    tokens = await service.issue_tokens(session, user, app_settings(request))
    # Commit before answering: the browser follows the redirect at once, and the session dependency
    # would only commit after the response has gone.
    await session.commit()
    response = RedirectResponse(target, status_code=303)
    _set_cookies(request, response, tokens)
    return response


@router.get("/login")
async def login_page(request: Request, user: OptionalUser, next: str | None = None) -> Response:
    if user:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next, "")})


@router.post("/login")
async def login_submit(request: Request, session: Session) -> Response:
    try:
        await check_anonymous_form(request)
    except AppError as exc:
        return refused(request, exc)
    await _limit_by_ip(request)
    form = await request.form()
    email, target = _field(form, "email"), safe_next(_field(form, "next"))
    lang = request_language(request)
    try:
        body = LoginIn(email=email, password=_field(form, "password"))
        user = await service.authenticate(session, str(body.email), body.password)
    except (ValidationError, AppError) as exc:
        code = exc.code if isinstance(exc, AppError) else ErrorCode.INVALID_CREDENTIALS
        context = {"error": translate(lang, f"error.{code}"), "email": email, "next": target}
        return render(
            request, "login.html", context, status_code=400 if code != ErrorCode.USER_BANNED else 403
        )
    return await _signed_in_redirect(request, session, user, target)


@router.get("/register")
async def register_page(request: Request, user: OptionalUser) -> Response:
    if user:
        return RedirectResponse(AFTER_LOGIN, status_code=303)
    return render(request, "register.html", {"values": {}, "errors": {}})


@router.post("/register")
async def register_submit(request: Request, session: Session) -> Response:
    try:
        await check_anonymous_form(request)
    except AppError as exc:
        return refused(request, exc)
    await _limit_by_ip(request)
    form = await request.form()
    values = {"name": _field(form, "name"), "email": _field(form, "email")}
    lang = request_language(request)
    errors: dict[str, str] = {}
    try:
        body = RegisterIn(**values, password=_field(form, "password"))
        user = await service.create_user(
            session, email=str(body.email), password=body.password, name=body.name
        )
    except ValidationError as exc:
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "email"
            errors.setdefault(name, translate(lang, f"form.invalid.{name}"))
    except AppError as exc:
        errors["email"] = translate(lang, f"error.{exc.code}")
    if errors:
        return render(request, "register.html", {"values": values, "errors": errors}, status_code=400)
    return await _signed_in_redirect(request, session, user, AFTER_LOGIN)


@router.get("/logout")
async def logout_page(request: Request, user: OptionalUser) -> Response:
    return render(request, "logout.html", user=user)


@router.post("/logout")
async def logout_submit(request: Request, session: Session) -> Response:
    """Clears the session cookies. The page script first calls /api/v1/auth/logout, which can see the
    path-scoped refresh cookie and revokes it; so this POST often finds no session left, and then
    there is nothing to protect: it only clears cookies."""
    try:
        await optional_user(request, session)  # with a live session: its CSRF check
    except AppError as exc:
        return refused(request, exc)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(ACCESS_COOKIE)
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_PATH)
    response.delete_cookie(CSRF_COOKIE)
    return response
