"""Saler pages for sales and admin staff: the board, the filterable list, a lead, and CSV import.
Changes go through /api/v1/leads from static/leads.js; these handlers only read and render."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select

from veritasad.accounts.deps import OptionalUser, Session
from veritasad.core.db import utcnow
from veritasad.core.errors import AppError, ErrorCode
from veritasad.leads import repository, service, stats
from veritasad.leads.access import is_staff
from veritasad.leads.changes import stages
from veritasad.leads.csv_io import ENCODINGS, FIELDS
from veritasad.leads.messages import MESSAGES
from veritasad.leads.schemas import LeadFilters
from veritasad.leads.scoring import ScoreInputs, as_utc, score_breakdown
from veritasad.models.enums import ActivityKind, LeadSource, Role, UserStatus
from veritasad.models.lead import Lead
from veritasad.models.user import User
from veritasad.web.account_pages import login_redirect
from veritasad.web.i18n import add_messages
from veritasad.web.templating import render

add_messages(MESSAGES)
router = APIRouter(include_in_schema=False)
BOARD_COLUMN_LIMIT = 100
LIST_PAGE = 50


def _gate(request: Request, user: User | None) -> Response | None:
    """Anonymous visitors sign in first; people without a staff role are shown "not found"."""
    if user is None:
        return login_redirect(request)
    if not is_staff(user):
        return render(request, "not_found.html", user=user, status_code=404)
    return None


async def _staff(session) -> dict[int, User]:
    rows = await session.execute(select(User).where(
        User.role.in_([Role.sales, Role.admin]), User.status == UserStatus.active).order_by(User.name, User.id))
    return {u.id: u for u in rows.scalars()}


def _card(lead: Lead, now: datetime) -> dict:
    due = lead.next_follow_up_at is not None and as_utc(lead.next_follow_up_at) <= now
    return {"lead": lead, "due": due}


@router.get("/leads")
async def board(request: Request, user: OptionalUser, session: Session) -> Response:
    if (gate := _gate(request, user)) is not None:
        return gate
    now = utcnow()
    visible = repository.visible_to(user)
    columns = []
    for stage in stages():
        stmt = repository.filtered(LeadFilters(stage=[stage]), visible, user.id, now)
        stmt = stmt.order_by(Lead.score.desc(), Lead.id.desc()).limit(BOARD_COLUMN_LIMIT)
        columns.append({"stage": stage, "cards": [_card(x, now) for x in (await session.execute(stmt)).scalars()]})
    conversion = await stats.conversion(session, visible)
    context = {"columns": columns, "conversion": conversion, "staff": await _staff(session), "stages": stages()}
    return render(request, "leads/board.html", context, user=user)


@router.get("/leads/list")
async def lead_list(request: Request, user: OptionalUser, session: Session) -> Response:
    if (gate := _gate(request, user)) is not None:
        return gate
    params = request.query_params
    raw = {k: v for k, v in params.items() if v and k not in ("cursor", "stage", "source")}
    raw["stage"] = [s for s in params.getlist("stage") if s]
    raw["source"] = [s for s in params.getlist("source") if s]
    error = None
    try:
        filters = LeadFilters(**raw)
        rows, next_cursor = await service.list_leads(
            session, user, filters, cursor=params.get("cursor") or None, limit=LIST_PAGE
        )
    except (ValidationError, AppError) as exc:
        error = exc.message if isinstance(exc, AppError) else "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        filters, rows, next_cursor = LeadFilters(), [], None
    query = [(k, v) for k, v in params.multi_items() if v and k != "cursor"]
    now = utcnow()
    context = {
        "filters": filters, "rows": [_card(x, now) for x in rows], "error": error,
        "next_url": f"/leads/list?{urlencode(query + [('cursor', next_cursor)])}" if next_cursor else None,
        "export_url": f"/api/v1/leads/export.csv?{urlencode(query)}", "filtered": bool(query),
        "staff": await _staff(session), "stages": stages(), "sources": list(LeadSource),
    }
    return render(request, "leads/list.html", context, user=user)


@router.get("/leads/import")
async def import_page(request: Request, user: OptionalUser) -> Response:
    if (gate := _gate(request, user)) is not None:
        return gate
    return render(request, "leads/import.html", {"encodings": ENCODINGS, "fields": FIELDS}, user=user)


@router.get("/leads/{lead_id}")
async def lead_page(lead_id: int, request: Request, user: OptionalUser, session: Session) -> Response:
    if (gate := _gate(request, user)) is not None:
        return gate
    try:
        lead = await service.get_lead(session, user, lead_id)
    except AppError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            return render(request, "not_found.html", user=user, status_code=404)
        return render(request, "leads/forbidden.html", {"message": exc.message}, user=user, status_code=403)
    staff = await _staff(session)
    timeline = [
        {"at": a.occurred_at, "kind": a.kind.value, "body": a.body, "who": staff.get(a.author_id)}
        for a in await repository.activities(session, lead.id)
    ] + [
        {"at": c.changed_at, "kind": "stage", "from_": c.from_stage, "to": c.to_stage, "who": staff.get(c.changed_by_id)}
        for c in await repository.stage_changes(session, lead.id)
    ]
    timeline.sort(key=lambda item: as_utc(item["at"]), reverse=True)
    context = {
        "lead": lead, "timeline": timeline, "evidence": await repository.evidence(session, lead.id),
        "staff": staff, "stages": stages(), "kinds": [k.value for k in ActivityKind if k != ActivityKind.system],
        "due": _card(lead, utcnow())["due"],
        "score_parts": score_breakdown(
            ScoreInputs(lead.seen_count, lead.last_seen_at, lead.undisclosed_count, lead.inbound_count), utcnow()
        ),
    }
    return render(request, "leads/lead.html", context, user=user)
