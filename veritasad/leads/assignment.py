"""Round-robin assignment of unowned leads among active sales users, and its admin configuration.

The user who waited longest since their last assignment gets the next lead. Two workers assigning at the
same instant may pick the same person once; the rotation evens out on the next lead, which is acceptable
for a small team and needs no lock."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.core.db import utcnow
from veritasad.core.errors import AppError, ErrorCode
from veritasad.core.settings import get_settings
from veritasad.leads import repository
from veritasad.leads.changes import add_activity
from veritasad.leads.schemas import AssigneeChange, AssigneeOut
from veritasad.models.enums import ActivityKind
from veritasad.models.lead import Lead
from veritasad.models.lead_assignee import LeadAssignee
from veritasad.models.user import User


async def next_assignee(session: AsyncSession) -> User | None:
    for user, row in await repository.rotation(session):
        if row is None:
            row = LeadAssignee(user_id=user.id, in_rotation=True)
            session.add(row)
        if row.in_rotation:
            row.last_assigned_at = utcnow()
            return user
    return None


async def auto_assign(session: AsyncSession, lead: Lead) -> User | None:
    """Give an unowned lead to the next sales user in the rotation (when auto-assignment is on)."""
    if lead.owner_id is not None or not get_settings().lead_auto_assign:
        return None
    user = await next_assignee(session)
    if user is not None:
        lead.owner_id = user.id
        add_activity(session, lead, ActivityKind.system, f"Assigned to {user.name or user.email} (round robin)")
    return user


async def assign_many(session: AsyncSession, leads: list[Lead]) -> None:
    """Round robin over many new leads at once (an import): the rotation is read once, not per lead."""
    unowned = [lead for lead in leads if lead.owner_id is None]
    if not unowned or not get_settings().lead_auto_assign:
        return
    people = []
    for user, row in await repository.rotation(session):
        if row is None:
            row = LeadAssignee(user_id=user.id, in_rotation=True)
            session.add(row)
        if row.in_rotation:
            people.append((user, row))
    if not people:
        return
    start = utcnow()
    for i, lead in enumerate(unowned):
        user, row = people[i % len(people)]
        lead.owner_id = user.id
        row.last_assigned_at = start + timedelta(microseconds=i)  # keeps the order for the next lead
        add_activity(session, lead, ActivityKind.system, f"Assigned to {user.name or user.email} (round robin)")


async def list_rotation(session: AsyncSession) -> list[AssigneeOut]:
    return [
        AssigneeOut(
            user_id=user.id, name=user.name, email=user.email,
            in_rotation=row.in_rotation if row else True,
            last_assigned_at=row.last_assigned_at if row else None,
        )
        for user, row in await repository.rotation(session)
    ]


async def set_rotation(session: AsyncSession, changes: list[AssigneeChange]) -> list[AssigneeOut]:
    current = {user.id: row for user, row in await repository.rotation(session)}
    unknown = [c.user_id for c in changes if c.user_id not in current]
    if unknown:
        raise AppError(
            ErrorCode.VALIDATION_ERROR, "Only active sales users take part in the rotation",
            details={"user_ids": unknown},
        )
    for change in changes:
        row = current[change.user_id]
        if row is None:
            row = LeadAssignee(user_id=change.user_id)
            session.add(row)
        row.in_rotation = change.in_rotation
    await session.flush()
    return await list_rotation(session)
