"""Account use cases: users, sign-in tokens, API keys and daily quotas. Functions take a session and
never see the HTTP request."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from veritasad.accounts import repository as repo
from veritasad.accounts.plans import plan_limits
from veritasad.core.errors import AppError, ErrorCode, NotFound
from veritasad.core.security import (
    create_access_token,
    hash_password,
    new_api_key,
    new_csrf_token,
    new_refresh_token,
    sha256_hex,
    verify_password,
)
from veritasad.core.settings import Settings, get_settings
from veritasad.models.api_key import ApiKey
from veritasad.models.enums import Role, UserPlan, UserStatus
from veritasad.models.refresh_token import RefreshToken
from veritasad.models.usage import DailyUsage
from veritasad.models.user import User

# Verifying against a real hash when the e-mail is unknown keeps login time the same either way.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return utcnow().date()


def _aware(moment: datetime) -> datetime:  # SQLite returns naive datetimes
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def ensure_active(user: User) -> User:
    if user.status == UserStatus.banned:
        raise AppError(ErrorCode.USER_BANNED, "This account is banned")
    if user.status == UserStatus.inactive:
        raise AppError(ErrorCode.USER_INACTIVE, "This account is not active")
    return user


async def create_user(
    session: AsyncSession,
    *,
    email: str | None = None,
    password: str | None = None,
    name: str = "",
    role: Role = Role.user,
    plan: UserPlan = UserPlan.free,
    status: UserStatus = UserStatus.active,
    telegram_id: int | None = None,
) -> User:
    email = email.strip().lower() if email else None
    if email and await repo.user_by_email(session, email):
        raise AppError(ErrorCode.EMAIL_TAKEN, "This e-mail is already registered")
    user = User(
        email=email,
        password_hash=hash_password(password) if password else None,
        name=name,
        role=role,
        plan=plan,
        status=status,
        telegram_id=telegram_id,
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:  # a concurrent registration won the race
        await session.rollback()
        raise AppError(ErrorCode.EMAIL_TAKEN, "This e-mail is already registered") from None
    return user


async def telegram_user(session: AsyncSession, telegram_id: int, name: str = "") -> User:
    """The bot's user for a Telegram account, created on first contact."""
    user = await repo.user_by_telegram(session, telegram_id)
    if user is None:
        user = await create_user(session, telegram_id=telegram_id, name=name)
    return user


async def authenticate(session: AsyncSession, email: str, password: str) -> User:
    user = await repo.user_by_email(session, email.strip().lower())
    if not verify_password(user.password_hash if user else _DUMMY_HASH, password) or user is None:
        raise AppError(ErrorCode.INVALID_CREDENTIALS, "Wrong e-mail or password")
    return ensure_active(user)


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    csrf_token: str
    expires_in: int


async def issue_tokens(
    session: AsyncSession, user: User, settings: Settings | None = None, family: str | None = None
) -> Tokens:
    s = settings or get_settings()
    refresh, refresh_hash = new_refresh_token()
    session.add(
        RefreshToken(
            user_id=user.id,
            family=family or secrets.token_hex(16),
            token_hash=refresh_hash,
            expires_at=utcnow() + timedelta(days=s.refresh_token_days),
        )
    )
    await session.flush()
    csrf = new_csrf_token()
    access = create_access_token(user.id, s.secret_key, s.access_token_minutes, csrf=csrf)
    return Tokens(access, refresh, csrf, s.access_token_minutes * 60)


async def rotate_refresh(session: AsyncSession, token: str, settings: Settings | None = None) -> Tokens:
    """Trade a refresh token for new tokens. A token used twice means it leaked: its family is revoked."""
    row = await repo.refresh_by_hash(session, sha256_hex(token))
    now = utcnow()
    if row is None:
        raise AppError(ErrorCode.TOKEN_INVALID, "The refresh token is not valid")
    if row.revoked_at is not None:
        await repo.revoke_family(session, row.family, now)
        await session.commit()  # the revocation must stick although the request fails
        raise AppError(ErrorCode.TOKEN_INVALID, "The refresh token was already used or revoked")
    if _aware(row.expires_at) <= now:
        raise AppError(ErrorCode.TOKEN_EXPIRED, "The refresh token has expired")
    user = await repo.user_by_id(session, row.user_id)
    if user is None:
        raise AppError(ErrorCode.TOKEN_INVALID, "The refresh token is not valid")
    ensure_active(user)
    row.revoked_at = now
    return await issue_tokens(session, user, settings, family=row.family)


async def logout(session: AsyncSession, token: str | None) -> None:
    if not token:
        return
    row = await repo.refresh_by_hash(session, sha256_hex(token))
    if row is not None:
        await repo.revoke_family(session, row.family, utcnow())


async def create_api_key(session: AsyncSession, user: User, name: str = "") -> tuple[ApiKey, str]:
    key, prefix, key_hash = new_api_key()
    row = ApiKey(user_id=user.id, name=name, prefix=prefix, key_hash=key_hash)
    session.add(row)
    await session.flush()
    return row, key


async def list_api_keys(session: AsyncSession, user: User) -> list[ApiKey]:
    return await repo.api_keys_of(session, user.id)


async def revoke_api_key(session: AsyncSession, user: User, key_id: int) -> ApiKey:
    row = await session.get(ApiKey, key_id)
    if row is None or row.user_id != user.id:
        raise NotFound("API key", details={"id": key_id})
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    return row


async def user_for_api_key(session: AsyncSession, key: str) -> User:
    """The active user owning this key. An unknown key is an error; it never creates anybody."""
    found = await repo.api_key_with_user(session, sha256_hex(key))
    if found is None:
        raise AppError(ErrorCode.API_KEY_INVALID, "The API key is not valid")
    row, user = found
    if row.revoked_at is not None:
        raise AppError(ErrorCode.API_KEY_REVOKED, "The API key has been revoked")
    now = utcnow()
    if row.last_used_at is None or now - _aware(row.last_used_at) > timedelta(minutes=1):
        row.last_used_at = now  # at most one write a minute per key
    return ensure_active(user)


async def usage_today(session: AsyncSession, user: User) -> int:
    return await repo.usage_on(session, user.id, today())


async def consume_quota(session: AsyncSession, user: User) -> int:
    """Count one analysis against today's quota, atomically; QUOTA_EXCEEDED when it is spent.
    Returns the number used today including this one."""
    limit = plan_limits(user).daily
    day = today()
    if not await repo.increment_usage_below(session, user.id, day, limit):
        if await repo.usage_on(session, user.id, day) == 0 and limit > 0:
            try:
                async with session.begin_nested():
                    session.add(DailyUsage(user_id=user.id, day=day, analyses=1))
                return 1
            except IntegrityError:  # another request made today's row first
                if await repo.increment_usage_below(session, user.id, day, limit):
                    return await repo.usage_on(session, user.id, day)
        raise AppError(
            ErrorCode.QUOTA_EXCEEDED,
            f"The daily limit of {limit} analyses for the {user.plan} plan is used up",
            details={"limit": limit, "plan": str(user.plan), "resets": "00:00 UTC"},
        )
    return await repo.usage_on(session, user.id, day)


async def refund_quota(session: AsyncSession, user: User) -> None:
    """Give back one analysis (e.g. the job could not be queued, or a cached report was reused)."""
    await repo.decrement_usage(session, user.id, today())
