"""A Saler lead: a company or brand that a sales team works through the pipeline.

E-mail, phone and domains arrive here already normalised (veritasad.leads.normalize). `search_text` is a
case-folded copy of the searchable fields, so text search is one LIKE that behaves the same on SQLite and
PostgreSQL, Cyrillic included.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from veritasad.core.db import Base, TimestampMixin
from veritasad.models.enums import LeadSource
from veritasad.models.types import enum_column

if TYPE_CHECKING:
    from veritasad.models.lead_domain import LeadDomain
    from veritasad.models.user import User


class Lead(TimestampMixin, Base):
    __tablename__ = "leads"
    __table_args__ = (
        Index("ix_leads_stage_created", "stage", "created_at"),
        Index("ix_leads_owner_stage", "owner_id", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company: Mapped[str] = mapped_column(String(200), default="")
    company_key: Mapped[str] = mapped_column(String(200), default="", index=True)  # normalize.name_key
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    telegram: Mapped[str | None] = mapped_column(String(64))
    website: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[LeadSource] = mapped_column(enum_column(LeadSource), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    score: Mapped[int] = mapped_column(default=0, index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    next_follow_up_at: Mapped[datetime | None] = mapped_column(index=True)
    # The follow-up time a reminder was last sent for: a new follow-up time earns a new reminder.
    reminded_for: Mapped[datetime | None]
    lost_reason: Mapped[str | None] = mapped_column(String(500))
    # Scoring inputs kept on the row so lists and the score job need no joins.
    seen_count: Mapped[int] = mapped_column(default=0)
    last_seen_at: Mapped[datetime | None]
    undisclosed_count: Mapped[int] = mapped_column(default=0)
    inbound_count: Mapped[int] = mapped_column(default=0)
    search_text: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"))
    deleted_at: Mapped[datetime | None] = mapped_column(index=True)

    owner: Mapped[User | None] = relationship(lazy="raise")
    domain_rows: Mapped[list[LeadDomain]] = relationship(
        back_populates="lead", cascade="all, delete-orphan", lazy="selectin", order_by="LeadDomain.id"
    )

    @property
    def domains(self) -> list[str]:
        return [d.domain for d in self.domain_rows]

    def __repr__(self) -> str:
        return f"<Lead {self.id} {self.company or self.email} {self.stage}>"
