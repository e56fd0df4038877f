"""A progress event of an analysis (stage, percent, message, or the final done/failed).

The table is the replay log behind `Last-Event-ID` and the live channel of the embedded default
(DB polling); with Redis configured the same events are also published on pub/sub for low latency.
The autoincrement id is the SSE event id: it only grows, so "everything after id N" is one query."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from veritasad.core.db import Base, utcnow

# 64-bit on PostgreSQL (events are many); SQLite autoincrements only an INTEGER primary key (64-bit anyway).
BIG_ID = BigInteger().with_variant(Integer(), "sqlite")


class ProgressEvent(Base):
    __tablename__ = "progress_events"
    __table_args__ = (Index("ix_progress_events_analysis_id_id", "analysis_id", "id"),)

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    analysis_id: Mapped[str] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(16))  # progress | done | failed
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
