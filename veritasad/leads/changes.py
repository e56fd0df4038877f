"""Small building blocks every Saler write uses: set fields, domains, stage (recorded), activities, score."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.core.db import utcnow
from veritasad.core.errors import AppError, ErrorCode
from veritasad.core.settings import get_settings
from veritasad.leads import repository
from veritasad.leads.metrics import STAGE_TRANSITIONS
from veritasad.leads.normalize import name_key, normalize_domain, search_text
from veritasad.leads.scoring import ScoreInputs, compute_score
from veritasad.models.enums import ActivityKind
from veritasad.models.lead import Lead
from veritasad.models.lead_activity import LeadActivity
from veritasad.models.lead_domain import LeadDomain
from veritasad.models.lead_stage_change import LeadStageChange

# Columns that hold text and are never NULL: clearing them stores "".
TEXT_FIELDS = ("company", "contact_name", "notes")
SCALAR_FIELDS = (
    "company", "contact_name", "email", "phone", "telegram", "website", "notes",
    "next_follow_up_at", "lost_reason", "owner_id",
)


# Any number fixed for Saler: the PostgreSQL advisory lock that serialises "find a duplicate, else insert".
LEAD_WRITE_LOCK = 0x5A1E5


async def lock_lead_writes(session: AsyncSession) -> None:
    """Two workers (or requests) creating the same brand at once would both miss each other's row and
    insert twice. This makes them take turns until commit: on PostgreSQL a transaction-scoped advisory
    lock; on SQLite a write statement that matches nothing, which takes the database's write lock
    before the duplicate lookup reads anything."""
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LEAD_WRITE_LOCK})
    else:
        await session.execute(text("UPDATE leads SET id = id WHERE 1 = 0"))


def stages() -> list[str]:
    return list(get_settings().lead_stages)


def closed_stages() -> list[str]:
    return list(get_settings().lead_closed_stages)


def check_stage(stage: str) -> str:
    if stage not in stages():
        raise AppError(
            ErrorCode.INVALID_STAGE, f"Unknown stage {stage!r}", details={"stage": stage, "allowed": stages()}
        )
    return stage


def with_site_domain(values: dict[str, Any], current: list[str] | None = None) -> dict[str, Any]:
    """The website's host counts as one of the lead's domains (for dedupe and search). `current`: the
    domains a lead already has, kept when an update sends a website but no domain list."""
    website = values.get("website")
    if not website:
        return values
    base = values["domains"] if values.get("domains") is not None else (current or [])
    return {**values, "domains": list(dict.fromkeys([*base, normalize_domain(website)]))}


def apply_values(lead: Lead, values: dict[str, Any]) -> None:
    """Set the given (already normalised) fields; stage and owner checks are the caller's job."""
    for field in SCALAR_FIELDS:
        if field in values:
            value = values[field]
            setattr(lead, field, "" if value is None and field in TEXT_FIELDS else value)
    if "tags" in values:
        lead.tags = list(values["tags"] or [])
    if "domains" in values:
        set_domains(lead, values["domains"] or [])
    refresh_search(lead)


def set_domains(lead: Lead, domains: Iterable[str]) -> None:
    """Replace the domain rows, keeping the ones that stay (a delete+insert of one domain would break the
    unique constraint inside one flush)."""
    wanted = list(dict.fromkeys(domains))
    keep = [row for row in lead.domain_rows if row.domain in wanted]
    have = {row.domain for row in keep}
    lead.domain_rows = keep + [LeadDomain(domain=d) for d in wanted if d not in have]


def add_domains(lead: Lead, domains: Iterable[str]) -> None:
    set_domains(lead, lead.domains + [d for d in domains if d not in lead.domains])


def refresh_search(lead: Lead) -> None:
    lead.company_key = name_key(lead.company or "")[:200]
    lead.search_text = search_text(lead.company, lead.contact_name, lead.email, *lead.domains)


def fill_blanks(lead: Lead, values: dict[str, Any]) -> list[str]:
    """Merge what a duplicate brings: empty fields are filled, lists are united, notes appended.
    Returns the names of the fields that changed."""
    changed = []
    for field in SCALAR_FIELDS:
        value = values.get(field)
        if value not in (None, "") and getattr(lead, field) in (None, "") and field != "notes":
            setattr(lead, field, value)
            changed.append(field)
    note = (values.get("notes") or "").strip()
    if note and note not in lead.notes:
        lead.notes = f"{lead.notes}\n\n{note}".strip()
        changed.append("notes")
    new_tags = [t for t in values.get("tags") or [] if t not in lead.tags]
    if new_tags:
        lead.tags = lead.tags + new_tags
        changed.append("tags")
    new_domains = [d for d in values.get("domains") or [] if d not in lead.domains]
    if new_domains:
        add_domains(lead, new_domains)
        changed.append("domains")
    refresh_search(lead)
    return changed


def move_stage(session: AsyncSession, lead: Lead, to_stage: str, actor_id: int | None) -> bool:
    """Change the stage and record who/when/from/to; False if it was already there."""
    check_stage(to_stage)
    if lead.stage == to_stage:
        return False
    session.add(LeadStageChange(lead_id=lead.id, from_stage=lead.stage, to_stage=to_stage, changed_by_id=actor_id))
    STAGE_TRANSITIONS.labels(lead.stage, to_stage).inc()
    lead.stage = to_stage
    return True


def record_entry(session: AsyncSession, lead: Lead, actor_id: int | None) -> None:
    """The first history row of a new (flushed) lead: it entered the pipeline at its stage."""
    session.add(LeadStageChange(lead_id=lead.id, from_stage=None, to_stage=lead.stage, changed_by_id=actor_id))
    STAGE_TRANSITIONS.labels("", lead.stage).inc()


def add_activity(
    session: AsyncSession, lead: Lead, kind: ActivityKind, body: str, author_id: int | None = None,
    occurred_at: datetime | None = None,
) -> LeadActivity:
    activity = LeadActivity(
        lead_id=lead.id, kind=kind, body=body, author_id=author_id, occurred_at=occurred_at or utcnow()
    )
    session.add(activity)
    return activity


async def refresh_score(session: AsyncSession, lead: Lead, now: datetime | None = None) -> None:
    """Recount the evidence and recompute the score (see scoring.py for the rules)."""
    seen, undisclosed, last_seen = await repository.evidence_totals(session, lead.id)
    lead.seen_count, lead.undisclosed_count, lead.last_seen_at = seen, undisclosed, last_seen
    lead.score = compute_score(
        ScoreInputs(seen, last_seen, undisclosed, lead.inbound_count), now or utcnow()
    )
