"""Who may do what in Saler: staff only; sales work on their own and unowned leads; admins on all."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.core.errors import AppError, ErrorCode, Forbidden, NotFound
from veritasad.leads import repository
from veritasad.models.enums import Role
from veritasad.models.lead import Lead
from veritasad.models.user import User

STAFF = (Role.sales, Role.admin)


def is_staff(user: User | None) -> bool:
    return user is not None and user.role in STAFF


def can_edit(user: User, lead: Lead) -> bool:
    return user.role == Role.admin or (user.role == Role.sales and lead.owner_id in (None, user.id))


async def load_lead(session: AsyncSession, user: User, lead_id: int) -> Lead:
    """A live lead this user may work on, or a clear error: 404 if there is none, 403 if it is someone else's."""
    lead = await repository.get(session, lead_id)
    if lead is None or lead.deleted_at is not None:
        raise NotFound("Lead", details={"lead_id": lead_id})
    if not can_edit(user, lead):
        raise Forbidden("This lead belongs to another owner")
    return lead


async def check_owner(session: AsyncSession, owner_id: int | None) -> None:
    if owner_id is not None and await repository.staff_user(session, owner_id) is None:
        raise AppError(
            ErrorCode.VALIDATION_ERROR,
            "A lead's owner must be an active sales or admin user",
            details={"owner_id": owner_id},
        )
