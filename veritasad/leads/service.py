"""Saler use cases: create (with dedupe and assignment), read, update, delete, list, bulk changes, merge,
activities and history. Async functions taking a session; they never see the HTTP request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.core.db import utcnow
from veritasad.core.errors import AppError, ErrorCode, NotFound
from veritasad.leads import repository
from veritasad.leads.access import can_edit, check_owner, load_lead
from veritasad.leads.assignment import auto_assign
from veritasad.leads.changes import (
    add_activity,
    apply_values,
    check_stage,
    lock_lead_writes,
    move_stage,
    record_entry,
    refresh_score,
    stages,
    with_site_domain,
)
from veritasad.leads.csv_io import EXPORT_COLUMNS
from veritasad.leads.dedupe import absorb, find_open_duplicate, merge_leads
from veritasad.leads.metrics import LEADS_CREATED
from veritasad.leads.schemas import ActivityIn, BulkChange, LeadFields, LeadFilters, LeadUpdate
from veritasad.models.enums import ActivityKind, LeadSource, Role
from veritasad.models.lead import Lead
from veritasad.models.lead_activity import LeadActivity
from veritasad.models.user import User

PAGE_MAX = 200


def new_lead(values: dict[str, Any], source: LeadSource) -> Lead:
    """A new, not yet added, lead from normalised values (stage checked by the caller)."""
    lead = Lead(source=source, stage=values.get("stage") or stages()[0], tags=[], notes="", company="",
                contact_name="", domain_rows=[])
    apply_values(lead, values)
    return lead


async def save_new(
    session: AsyncSession, values: dict[str, Any], source: LeadSource, actor_id: int | None = None,
    *, assign: bool = True,
) -> tuple[Lead, bool]:
    """Insert a lead from normalised values, or merge them into the open lead they duplicate; a new
    unowned lead goes to the round robin unless `assign` is False. Returns (lead, merged)."""
    check_stage(values.get("stage") or stages()[0])
    await check_owner(session, values.get("owner_id"))
    values = with_site_domain(values)
    await lock_lead_writes(session)
    duplicate = await find_open_duplicate(session, values, by_name="company_key" in values)
    if duplicate is not None:
        absorb(session, duplicate, values, source, actor_id)
        return duplicate, True
    lead = new_lead(values, source)
    session.add(lead)
    await session.flush()
    record_entry(session, lead, actor_id)
    if assign:
        await auto_assign(session, lead)
    LEADS_CREATED.labels(source.value).inc()
    return lead, False


async def create_lead(
    session: AsyncSession, actor: User, data: LeadFields, source: LeadSource
) -> tuple[Lead, bool]:
    values = data.model_dump(exclude_none=True)
    duplicate = await find_open_duplicate(session, with_site_domain(values))
    if duplicate is not None and not can_edit(actor, duplicate):
        raise AppError(
            ErrorCode.CONFLICT,
            f"Lead #{duplicate.id} already has this e-mail or domain and belongs to another owner",
            details={"duplicate_of": duplicate.id},
        )
    owner_given = "owner_id" in data.model_fields_set  # an explicit null means "leave it unowned"
    if actor.role == Role.sales and not owner_given:
        values["owner_id"] = actor.id  # a salesperson's own new lead is theirs, not the rotation's
    lead, merged = await save_new(session, values, source, actor.id, assign=not owner_given)
    await refresh_score(session, lead)
    await session.flush()
    return lead, merged


async def create_inbound_lead(
    session: AsyncSession,
    *,
    email: str | None = None,
    company: str = "",
    contact_name: str = "",
    phone: str | None = None,
    telegram: str | None = None,
    website: str | None = None,
    message: str = "",
    source: LeadSource = LeadSource.pricing_form,
) -> Lead:
    """A prospect asked us (the pricing page's "contact sales" form, the bot). Inbound interest raises the
    score; a repeat request from a known open lead is merged into it. Bad input raises VALIDATION_ERROR
    naming the fields."""
    try:
        data = LeadFields(
            email=email, company=company, contact_name=contact_name, phone=phone, telegram=telegram,
            website=website,
        )
    except ValidationError as exc:
        fields = {".".join(str(p) for p in e["loc"]): e["msg"] for e in exc.errors()}
        raise AppError(ErrorCode.VALIDATION_ERROR, "Some fields are not valid", details=fields) from None
    if not (data.email or data.phone or data.telegram):
        raise AppError(
            ErrorCode.VALIDATION_ERROR, "Give an e-mail, a phone or a Telegram username to be contacted at",
            details={"email": "required without phone or telegram"},
        )
    lead, _ = await save_new(session, data.model_dump(exclude_none=True), source)
    lead.inbound_count += 1
    text = message.strip()[:20_000]
    add_activity(session, lead, ActivityKind.note, f"Inbound request ({source.value})" + (f": {text}" if text else ""))
    await refresh_score(session, lead)
    await session.flush()
    return lead


async def get_lead(session: AsyncSession, actor: User, lead_id: int) -> Lead:
    return await load_lead(session, actor, lead_id)


async def update_lead(session: AsyncSession, actor: User, lead_id: int, data: LeadUpdate) -> Lead:
    lead = await load_lead(session, actor, lead_id)
    values = with_site_domain(data.model_dump(exclude_unset=True), lead.domains)
    if "owner_id" in values:
        await check_owner(session, values["owner_id"])
    if values.get("email") or values.get("domains"):
        other = await find_open_duplicate(
            session, {"email": values.get("email"), "domains": values.get("domains")}, exclude_id=lead.id
        )
        if other is not None:
            raise AppError(
                ErrorCode.CONFLICT,
                f"Lead #{other.id} already has this e-mail or domain; merge the two instead",
                details={"duplicate_of": other.id, "merge": f"/api/v1/leads/{other.id}/merge"},
            )
    stage = values.pop("stage", None)
    if stage is not None:
        move_stage(session, lead, stage, actor.id)
    apply_values(lead, values)
    await refresh_score(session, lead)
    await session.flush()
    return lead


async def delete_lead(session: AsyncSession, actor: User, lead_id: int) -> None:
    lead = await load_lead(session, actor, lead_id)
    lead.deleted_at = utcnow()
    add_activity(session, lead, ActivityKind.system, "Deleted", actor.id)


async def list_leads(
    session: AsyncSession, actor: User, filters: LeadFilters, *, cursor: str | None = None, limit: int = 50,
    now: datetime | None = None,
) -> tuple[list[Lead], str | None]:
    for stage in filters.stage:
        check_stage(stage)
    limit = max(1, min(limit, PAGE_MAX))
    stmt = repository.filtered(filters, repository.visible_to(actor), actor.id, now or utcnow())
    stmt = repository.ordered(stmt, filters.sort, filters.order, cursor).limit(limit + 1)
    rows = list((await session.execute(stmt)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, repository.encode_cursor(rows[-1], filters.sort) if more else None


async def bulk_change(session: AsyncSession, actor: User, change: BulkChange) -> int:
    """Change the stage and/or owner of many leads at once: all of them or, on any refusal, none."""
    if change.stage is None and change.owner_id is None and not change.unassign:
        raise AppError(ErrorCode.VALIDATION_ERROR, "Say what to change: stage, owner_id or unassign")
    if change.stage is not None:
        check_stage(change.stage)
    if change.owner_id is not None:
        await check_owner(session, change.owner_id)
    ids = list(dict.fromkeys(change.ids))
    rows = {
        lead.id: lead
        for lead in (await session.execute(select(Lead).where(Lead.id.in_(ids), repository.live()))).scalars()
    }
    if missing := [i for i in ids if i not in rows]:
        raise NotFound("Lead", details={"lead_ids": missing})
    if refused := [i for i in ids if not can_edit(actor, rows[i])]:
        raise AppError(ErrorCode.FORBIDDEN, "Some leads belong to another owner", details={"lead_ids": refused})
    for lead in rows.values():
        if change.stage is not None:
            move_stage(session, lead, change.stage, actor.id)
        if change.owner_id is not None or change.unassign:
            lead.owner_id = change.owner_id
    await session.flush()
    return len(rows)


async def merge(session: AsyncSession, actor: User, target_id: int, source_id: int) -> Lead:
    target = await load_lead(session, actor, target_id)
    source = await load_lead(session, actor, source_id)
    return await merge_leads(session, target, source, actor.id)


async def add_lead_activity(session: AsyncSession, actor: User, lead_id: int, data: ActivityIn) -> LeadActivity:
    lead = await load_lead(session, actor, lead_id)
    activity = add_activity(session, lead, data.kind, data.body, actor.id, data.occurred_at)
    lead.updated_at = utcnow()
    await session.flush()
    return activity



async def export_rows(
    session: AsyncSession, actor: User, filters: LeadFilters, batch: int = 500
) -> AsyncIterator[dict[str, Any]]:
    """Every lead the filters select, as flat dicts for CSV, read in keyset batches so memory stays flat."""
    for stage in filters.stage:
        check_stage(stage)
    base = repository.filtered(filters, repository.visible_to(actor), actor.id, utcnow())
    cursor = None
    while True:
        stmt = repository.ordered(base, filters.sort, filters.order, cursor).limit(batch)
        rows = list((await session.execute(stmt)).scalars())
        owners = await repository.emails_of(session, {r.owner_id for r in rows if r.owner_id})
        for lead in rows:
            record = {c: getattr(lead, c, None) for c in EXPORT_COLUMNS if hasattr(lead, c)}
            record["source"] = lead.source.value
            record["owner_email"] = owners.get(lead.owner_id) if lead.owner_id else None
            yield record
        if len(rows) < batch:
            return
        cursor = repository.encode_cursor(rows[-1], filters.sort)
