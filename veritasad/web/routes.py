"""Public pages (home, pricing, API guide), the language switch, and the router with every page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from veritasad.accounts.deps import OptionalUser
from veritasad.web import account_pages, analysis_pages, auth_pages, contact
from veritasad.web.auth_pages import safe_next
from veritasad.web.contact import plan_cards
from veritasad.web.i18n import LANG_COOKIE, SUPPORTED
from veritasad.web.templating import render

pages = APIRouter(include_in_schema=False)


@pages.get("/")
async def home(request: Request, user: OptionalUser) -> Response:
    return render(request, "index.html", user=user)


@pages.get("/pricing")
async def pricing(request: Request, user: OptionalUser, sent: bool = False, plan: str = "pro") -> Response:
    values = {"name": user.name, "email": user.email} if user else {}
    values["plan"] = plan  # the plan whose "contact sales" button was pressed
    context = {"plans": plan_cards(request, user), "sent": sent, "values": values, "errors": {}}
    return render(request, "pricing.html", context, user=user)


@pages.get("/docs")
async def api_guide(request: Request, user: OptionalUser) -> Response:
    return render(request, "docs.html", {"base_url": str(request.base_url).rstrip("/")}, user=user)


@pages.get("/lang/{code}")
async def switch_language(code: str, next: str | None = None) -> Response:
    """Remembers the chosen interface language for a year and goes back to the page."""
    response = RedirectResponse(safe_next(next, "/"), status_code=303)
    if code in SUPPORTED:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax")
    return response


router = APIRouter(include_in_schema=False)
for part in (pages, auth_pages.router, account_pages.router, analysis_pages.router, contact.router):
    router.include_router(part)
