"""Deduplication: a newcomer with the e-mail or a domain of an open lead is merged into it, and two leads
can be merged by hand. Merging carries evidence and activities over and soft-deletes the merged-away lead,
which keeps a pointer (merged_into_id) to the survivor."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.core.db import utcnow
from veritasad.core.errors import AppError, ErrorCode
from veritasad.leads import repository
from veritasad.leads.changes import add_activity, closed_stages, fill_blanks, refresh_score
from veritasad.leads.metrics import LEADS_MERGED
from veritasad.models.enums import ActivityKind, LeadSource
from veritasad.models.lead import Lead
from veritasad.models.lead_activity import LeadActivity
from veritasad.models.lead_analysis import LeadAnalysis


async def find_open_duplicate(
    session: AsyncSession, values: dict[str, Any], *, exclude_id: int | None = None, by_name: bool = False
) -> Lead | None:
    """The open lead this data describes, matched on normalised e-mail or domain (and, for advertisers
    seen in videos that carry no domain, on the brand name)."""
    return await repository.find_duplicate(
        session,
        closed_stages(),
        email=values.get("email"),
        domains=values.get("domains") or [],
        company_key=values.get("company_key") if by_name else None,
        exclude_id=exclude_id,
    )


def absorb(session: AsyncSession, lead: Lead, values: dict[str, Any], source: LeadSource, actor_id: int | None) -> None:
    """Fold a would-be new lead into an existing one and say so on its timeline."""
    changed = fill_blanks(lead, values)
    what = f"; filled {', '.join(changed)}" if changed else ""
    add_activity(session, lead, ActivityKind.system, f"Duplicate from source '{source.value}' merged{what}", actor_id)
    LEADS_MERGED.labels(source.value).inc()


async def merge_leads(session: AsyncSession, target: Lead, source: Lead, actor_id: int | None) -> Lead:
    """Merge `source` into `target`: fields, tags, domains, inbound interest, evidence and activities."""
    if target.id == source.id:
        raise AppError(ErrorCode.VALIDATION_ERROR, "A lead cannot be merged into itself")
    if source.merged_into_id is not None or source.deleted_at is not None:
        raise AppError(ErrorCode.CONFLICT, f"Lead {source.id} was already merged or deleted")
    values = {f: getattr(source, f) for f in ("company", "contact_name", "email", "phone", "telegram",
                                              "website", "notes", "next_follow_up_at", "owner_id")}
    values |= {"tags": source.tags, "domains": source.domains}
    changed = fill_blanks(target, values)
    target.inbound_count += source.inbound_count

    have = set((await session.execute(
        select(LeadAnalysis.analysis_id).where(LeadAnalysis.lead_id == target.id)
    )).scalars())
    for row in await repository.evidence(session, source.id):
        if row.analysis_id in have:
            await session.delete(row)  # the same video is evidence once
        else:
            row.lead_id = target.id
    await session.execute(
        update(LeadActivity).where(LeadActivity.lead_id == source.id).values(lead_id=target.id)
    )
    source.merged_into_id = target.id
    source.deleted_at = utcnow()
    await session.flush()
    what = f"; filled {', '.join(changed)}" if changed else ""
    add_activity(session, target, ActivityKind.system, f"Lead #{source.id} ({source.company}) merged in{what}", actor_id)
    LEADS_MERGED.labels("manual").inc()
    await refresh_score(session, target)
    return target
