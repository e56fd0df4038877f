"""Queries over the Saler tables. No business rules here: who may see what is passed in as a clause."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Select,
    Text,
    and_,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.core.errors import AppError, ErrorCode
from veritasad.leads.schemas import LeadFilters
from veritasad.models.enums import Role, UserStatus
from veritasad.models.lead import Lead
from veritasad.models.lead_activity import LeadActivity
from veritasad.models.lead_analysis import LeadAnalysis
from veritasad.models.lead_assignee import LeadAssignee
from veritasad.models.lead_domain import LeadDomain
from veritasad.models.lead_stage_change import LeadStageChange
from veritasad.models.user import User

# Leads without a follow-up sort after every dated one (keyset pagination cannot compare NULLs).
_NEVER = datetime(9999, 12, 31, tzinfo=UTC)


def visible_to(user: User) -> ColumnElement[bool]:
    """Admins see every lead; sales see their own and unowned ones; anyone else sees none."""
    if user.role == Role.admin:
        return true()
    if user.role == Role.sales:
        return or_(Lead.owner_id == user.id, Lead.owner_id.is_(None))
    return false()


def live() -> ColumnElement[bool]:
    return Lead.deleted_at.is_(None)


def open_leads(closed_stages: Sequence[str]) -> ColumnElement[bool]:
    return and_(live(), Lead.stage.not_in(list(closed_stages)))


async def get(session: AsyncSession, lead_id: int, *, for_update: bool = False) -> Lead | None:
    stmt = select(Lead).where(Lead.id == lead_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def find_duplicate(
    session: AsyncSession,
    closed_stages: Sequence[str],
    *,
    email: str | None = None,
    domains: Sequence[str] = (),
    company_key: str | None = None,
    exclude_id: int | None = None,
) -> Lead | None:
    """The oldest open lead with this e-mail, one of these domains or (when given) this brand name."""
    matches = []
    if email:
        matches.append(Lead.email == email)
    if domains:
        matches.append(Lead.id.in_(select(LeadDomain.lead_id).where(LeadDomain.domain.in_(list(domains)))))
    if company_key:
        matches.append(Lead.company_key == company_key)
    if not matches:
        return None
    stmt = select(Lead).where(open_leads(closed_stages), or_(*matches)).order_by(Lead.id).limit(1)
    if exclude_id is not None:
        stmt = stmt.where(Lead.id != exclude_id)
    return (await session.execute(stmt)).scalar_one_or_none()


# --- lists -----------------------------------------------------------------------------------------

def _sort_column(sort: str) -> ColumnElement[Any]:
    if sort == "next_follow_up_at":
        return func.coalesce(Lead.next_follow_up_at, literal(_NEVER, DateTime(timezone=True)))
    if sort == "company":
        return Lead.company_key
    return getattr(Lead, sort)


def encode_cursor(lead: Lead, sort: str) -> str:
    value: Any = getattr(lead, "company_key" if sort == "company" else sort)
    if sort == "next_follow_up_at" and value is None:
        value = _NEVER
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    raw = json.dumps({"v": value, "id": lead.id, "s": sort}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> tuple[Any, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        value, last_id = data["v"], int(data["id"])
        if data["s"] != sort:
            raise ValueError("sort changed")
        if sort in ("created_at", "updated_at", "next_follow_up_at"):
            value = datetime.fromisoformat(value)
        return value, last_id
    except (ValueError, KeyError, TypeError) as exc:
        raise AppError(
            ErrorCode.VALIDATION_ERROR, "The cursor is not valid for this list; start again without it",
            details={"cursor": str(exc)},
        ) from None


def filtered(filters: LeadFilters, visible: ColumnElement[bool], me: int, now: datetime) -> Select[tuple[Lead]]:
    stmt = select(Lead).where(live(), visible)
    if filters.stage:
        stmt = stmt.where(Lead.stage.in_(filters.stage))
    if filters.owner == "me":
        stmt = stmt.where(Lead.owner_id == me)
    elif filters.owner == "none":
        stmt = stmt.where(Lead.owner_id.is_(None))
    elif filters.owner:
        stmt = stmt.where(Lead.owner_id == int(filters.owner))
    if filters.source:
        stmt = stmt.where(Lead.source.in_(filters.source))
    if filters.tag:
        # tags are normalised (no quotes), so their JSON spelling is a safe exact-match needle
        needle = json.dumps(filters.tag.strip().lower())
        stmt = stmt.where(cast(Lead.tags, Text).contains(needle, autoescape=True))
    if filters.score_min is not None:
        stmt = stmt.where(Lead.score >= filters.score_min)
    if filters.score_max is not None:
        stmt = stmt.where(Lead.score <= filters.score_max)
    if filters.follow_up_due is True:
        stmt = stmt.where(Lead.next_follow_up_at <= now)
    elif filters.follow_up_due is False:
        stmt = stmt.where(or_(Lead.next_follow_up_at.is_(None), Lead.next_follow_up_at > now))
    if filters.q and filters.q.strip():
        stmt = stmt.where(Lead.search_text.contains(filters.q.strip().casefold(), autoescape=True))
    return stmt


def ordered(stmt: Select[tuple[Lead]], sort: str, order: str, cursor: str | None) -> Select[tuple[Lead]]:
    col = _sort_column(sort)
    desc = order == "desc"
    if cursor:
        value, last_id = _decode_cursor(cursor, sort)
        if sort == "next_follow_up_at":
            value = literal(value, DateTime(timezone=True))
        after = or_(col < value, and_(col == value, Lead.id < last_id)) if desc else or_(
            col > value, and_(col == value, Lead.id > last_id)
        )
        stmt = stmt.where(after)
    return stmt.order_by(col.desc() if desc else col.asc(), Lead.id.desc() if desc else Lead.id.asc())


# --- timeline, evidence ----------------------------------------------------------------------------

async def activities(session: AsyncSession, lead_id: int) -> list[LeadActivity]:
    stmt = select(LeadActivity).where(LeadActivity.lead_id == lead_id)
    stmt = stmt.order_by(LeadActivity.occurred_at.desc(), LeadActivity.id.desc())
    return list((await session.execute(stmt)).scalars())


async def stage_changes(session: AsyncSession, lead_id: int) -> list[LeadStageChange]:
    stmt = select(LeadStageChange).where(LeadStageChange.lead_id == lead_id)
    stmt = stmt.order_by(LeadStageChange.changed_at.desc(), LeadStageChange.id.desc())
    return list((await session.execute(stmt)).scalars())


async def evidence(session: AsyncSession, lead_id: int) -> list[LeadAnalysis]:
    stmt = select(LeadAnalysis).where(LeadAnalysis.lead_id == lead_id)
    stmt = stmt.order_by(LeadAnalysis.seen_at.desc(), LeadAnalysis.id.desc())
    return list((await session.execute(stmt)).scalars())


async def evidence_totals(session: AsyncSession, lead_id: int) -> tuple[int, int, datetime | None]:
    """(videos seen in, undisclosed segments, last seen) over a lead's evidence rows."""
    stmt = select(
        func.count(LeadAnalysis.id), func.coalesce(func.sum(LeadAnalysis.undisclosed_count), 0),
        func.max(LeadAnalysis.seen_at),
    ).where(LeadAnalysis.lead_id == lead_id)
    count, undisclosed, last = (await session.execute(stmt)).one()
    return int(count), int(undisclosed), last


# --- people ----------------------------------------------------------------------------------------

async def staff_user(session: AsyncSession, user_id: int) -> User | None:
    """An active sales or admin user: the only people a lead may be owned by."""
    stmt = select(User).where(
        User.id == user_id, User.role.in_([Role.sales, Role.admin]), User.status == UserStatus.active
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def rotation(session: AsyncSession) -> list[tuple[User, LeadAssignee | None]]:
    """Active sales users with their assignment row, the one waiting longest first."""
    stmt = (
        select(User, LeadAssignee)
        .outerjoin(LeadAssignee, LeadAssignee.user_id == User.id)
        .where(User.role == Role.sales, User.status == UserStatus.active)
        .order_by(LeadAssignee.last_assigned_at.is_not(None), LeadAssignee.last_assigned_at, User.id)
    )
    return [(u, a) for u, a in (await session.execute(stmt)).all()]


async def emails_of(session: AsyncSession, user_ids: set[int]) -> dict[int, str | None]:
    if not user_ids:
        return {}
    rows = await session.execute(select(User.id, User.email).where(User.id.in_(user_ids)))
    return dict(rows.all())


async def open_by_keys(
    session: AsyncSession, closed_stages: Sequence[str], emails: Sequence[str], domains: Sequence[str],
    chunk: int = 1000,
) -> list[Lead]:
    """Open leads having any of these e-mails or domains, oldest first; looked up in chunks so that a
    large import stays under the drivers' parameter limits."""
    found: dict[int, Lead] = {}
    for column_values, make in (
        (list(emails), lambda part: Lead.email.in_(part)),
        (list(domains), lambda part: Lead.id.in_(select(LeadDomain.lead_id).where(LeadDomain.domain.in_(part)))),
    ):
        for i in range(0, len(column_values), chunk):
            stmt = select(Lead).where(open_leads(closed_stages), make(column_values[i : i + chunk]))
            found.update((lead.id, lead) for lead in (await session.execute(stmt)).scalars())
    return [found[k] for k in sorted(found)]
