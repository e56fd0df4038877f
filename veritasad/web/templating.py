"""Jinja2 environment and `render`, which gives every page the context base.html expects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from veritasad import __version__
from veritasad.core.errors import AppError
from veritasad.web import csrf
from veritasad.web.i18n import LANG_COOKIE, choose_language, translate

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
THEME_COOKIE = "theme"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def request_language(request: Request) -> str:
    return choose_language(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))


def request_theme(request: Request) -> str | None:
    theme = request.cookies.get(THEME_COOKIE)
    return theme if theme in ("light", "dark") else None


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    user: Any = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Renders a page extending base.html. `user` is the signed-in user or None."""
    lang = request_language(request)
    csrf_token, new_token = csrf.token_for(request, signed_in=user is not None)

    def t(key: str, **values: Any) -> str:
        return translate(lang, key, **values)

    page = {
        "t": t,
        "lang": lang,
        "theme": request_theme(request),
        "user": user,
        "csrf_token": csrf_token,
        "path": request.url.path,
        "asset_version": __version__,
        "flashes": [],
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, page, status_code=status_code)
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Cache-Control"] = "no-store"  # pages carry a CSRF token and personal data
    if new_token:
        csrf.remember(request, response, csrf_token)
    return response


def refused(request: Request, error: AppError, user: Any = None) -> HTMLResponse:
    """A refused page form in plain words (an expired form, mostly) instead of the API's JSON error."""
    lang = request_language(request)
    context = {
        "heading": translate(lang, "refused.title"),
        "text": translate(lang, f"error.{error.code}"),
        "error_code": error.code.value,
        "back": {"/pricing/contact": "/pricing"}.get(request.url.path, request.url.path),  # a fresh form
    }
    return render(request, "message.html", context, user=user, status_code=error.status)
