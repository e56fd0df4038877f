"""Evidence: an analysis in which a lead's brand was found advertising, with the segments that showed it.

One row per (lead, analysis), so ingesting the same analysis twice changes nothing and "seen in N videos"
is a count of rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from veritasad.core.db import Base, utcnow


class LeadAnalysis(Base):
    __tablename__ = "lead_analyses"
    __table_args__ = (UniqueConstraint("lead_id", "analysis_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    analysis_id: Mapped[str] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"), index=True)
    # [{"start", "end", "kind", "verdict"}] of the segments that named this advertiser
    segments: Mapped[list[dict]] = mapped_column(JSON, default=list)
    undisclosed_count: Mapped[int] = mapped_column(default=0)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    title: Mapped[str] = mapped_column(String(500), default="")  # the video's name or link, for the timeline
