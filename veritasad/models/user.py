"""A person or bot user: e-mail + password, or a Telegram id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from veritasad.core.db import Base, TimestampMixin
from veritasad.models.enums import Role, UserPlan, UserStatus
from veritasad.models.types import enum_column

if TYPE_CHECKING:
    from veritasad.models.api_key import ApiKey


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.user, index=True)
    plan: Mapped[UserPlan] = mapped_column(enum_column(UserPlan), default=UserPlan.free)
    status: Mapped[UserStatus] = mapped_column(enum_column(UserStatus), default=UserStatus.active)

    api_keys: Mapped[list[ApiKey]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email or self.telegram_id} {self.role}>"
