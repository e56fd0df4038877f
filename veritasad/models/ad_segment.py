"""One ad segment of a finished analysis, as a row so that segments can be queried across analyses
(e.g. every undisclosed ad of one advertiser). The analysis's report JSON holds the full detail too."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from veritasad.core.db import Base


class AdSegmentRow(Base):
    __tablename__ = "ad_segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[str] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[str] = mapped_column(String(64))  # the id inside the report
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(32))
    confidence: Mapped[float] = mapped_column(Float)
    advertiser: Mapped[str | None] = mapped_column(String(255), index=True)
    verdict: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
