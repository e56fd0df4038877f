"""A domain a lead owns (from its website, its advertised links or the e-mail of an import).

A row per domain, not a JSON list, because deduplication looks leads up by domain and needs an index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from veritasad.core.db import Base

if TYPE_CHECKING:
    from veritasad.models.lead import Lead


class LeadDomain(Base):
    __tablename__ = "lead_domains"
    __table_args__ = (UniqueConstraint("lead_id", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(253), index=True)

    lead: Mapped[Lead] = relationship(back_populates="domain_rows")
