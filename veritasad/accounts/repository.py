"""Queries for users, API keys, refresh tokens and daily usage."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.models.api_key import ApiKey
from veritasad.models.refresh_token import RefreshToken
from veritasad.models.usage import DailyUsage
from veritasad.models.user import User


async def user_by_id(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email))


async def user_by_telegram(session: AsyncSession, telegram_id: int) -> User | None:
    return await session.scalar(select(User).where(User.telegram_id == telegram_id))


async def api_key_with_user(session: AsyncSession, key_hash: str) -> tuple[ApiKey, User] | None:
    """The key and its owner in one round trip: this runs on every API-key request."""
    row = (
        await session.execute(
            select(ApiKey, User).join(User, User.id == ApiKey.user_id).where(ApiKey.key_hash == key_hash)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def api_keys_of(session: AsyncSession, user_id: int) -> list[ApiKey]:
    rows = await session.scalars(select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.id))
    return list(rows)


async def refresh_by_hash(session: AsyncSession, token_hash: str) -> RefreshToken | None:
    return await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))


async def revoke_family(session: AsyncSession, family: str, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family == family, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def usage_on(session: AsyncSession, user_id: int, day: date) -> int:
    count = await session.scalar(
        select(DailyUsage.analyses).where(DailyUsage.user_id == user_id, DailyUsage.day == day)
    )
    return count or 0


async def increment_usage_below(session: AsyncSession, user_id: int, day: date, limit: int) -> bool:
    """Atomically add one if still under the limit; False when no row exists or the limit is reached."""
    result = await session.execute(
        update(DailyUsage)
        .where(DailyUsage.user_id == user_id, DailyUsage.day == day, DailyUsage.analyses < limit)
        .values(analyses=DailyUsage.analyses + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def decrement_usage(session: AsyncSession, user_id: int, day: date) -> None:
    await session.execute(
        update(DailyUsage)
        .where(DailyUsage.user_id == user_id, DailyUsage.day == day, DailyUsage.analyses > 0)
        .values(analyses=DailyUsage.analyses - 1)
        .execution_options(synchronize_session=False)
    )
