"""Signed-in pages about the account: the dashboard (usage, recent analyses, API keys) and the history."""

from __future__ import annotations

from datetime import UTC, datetime, time
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from veritasad.accounts import service as accounts
from veritasad.accounts.deps import OptionalUser, Session, app_settings
from veritasad.accounts.plans import plan_limits
from veritasad.analysis import service as analyses
from veritasad.analysis.schemas import ListQuery
from veritasad.web.templating import render

router = APIRouter(include_in_schema=False)
FILTERS = ("q", "status", "verdict", "date_from", "date_to")


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)


@router.get("/dashboard")
async def dashboard(request: Request, user: OptionalUser, session: Session) -> Response:
    if user is None:
        return login_redirect(request)
    limits = plan_limits(user, app_settings(request))
    used = await accounts.usage_today(session, user)
    recent = await analyses.list_analyses(session, user, ListQuery(page_size=5))
    keys = await accounts.list_api_keys(session, user)
    context = {"limits": limits, "used": used, "recent": recent.items, "keys": keys}
    return render(request, "dashboard.html", context, user=user)


def _day(value: str, end: bool) -> datetime | None:
    """A yyyy-mm-dd from a date input as the start (or end) of that UTC day; anything else: no filter."""
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


def history_query(params: dict[str, str]) -> tuple[ListQuery, dict[str, str]]:
    """The list query from the page's filter form. Unknown values are dropped, not errors: a stale
    bookmark still shows a page."""
    filters = {k: params.get(k, "").strip() for k in FILTERS}
    fields = {
        "q": filters["q"] or None,
        "status": filters["status"] or None,
        "verdict": filters["verdict"] or None,
        "created_from": _day(filters["date_from"], end=False),
        "created_to": _day(filters["date_to"], end=True),
        "page": params.get("page", "1"),
        "page_size": 20,
    }
    try:
        return ListQuery(**fields), filters
    except ValidationError as exc:
        for err in exc.errors():
            bad = str(err["loc"][0])
            fields[bad] = 1 if bad == "page" else None
            filters.pop({"created_from": "date_from", "created_to": "date_to"}.get(bad, bad), None)
        return ListQuery(**fields), filters


@router.get("/history")
async def history(request: Request, user: OptionalUser, session: Session) -> Response:
    if user is None:
        return login_redirect(request)
    query, filters = history_query(dict(request.query_params))
    page = await analyses.list_analyses(session, user, query)
    pages = max(1, -(-page.total // page.page_size))
    active = {k: v for k, v in filters.items() if v}

    def page_url(number: int) -> str:
        return "/history?" + urlencode({**active, "page": number})

    context = {
        "page": page,
        "pages": pages,
        "filters": filters,
        "filtered": bool(active),
        "page_url": page_url,
    }
    return render(request, "history.html", context, user=user)
