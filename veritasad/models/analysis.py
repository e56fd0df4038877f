"""One analysis of one video: where the media came from, how far the work got, and the stored report.

The id is a random hex string, not a counter, so ids cannot be enumerated."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from veritasad.core.db import Base, utcnow
from veritasad.models.ad_segment import AdSegmentRow
from veritasad.models.enums import AnalysisStatus, SourceType
from veritasad.models.types import enum_column


def new_analysis_id() -> str:
    return uuid.uuid4().hex


class Analysis(Base):
    __tablename__ = "analyses"
    __table_args__ = (
        Index("ix_analyses_user_created", "user_id", "created_at"),
        Index("ix_analyses_sha_options", "sha256", "options_hash"),
        Index("ix_analyses_status", "status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_analysis_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))

    # where the media came from and where it is kept
    source_type: Mapped[SourceType] = mapped_column(enum_column(SourceType))
    source_url: Mapped[str | None] = mapped_column(Text)
    filename: Mapped[str | None] = mapped_column(String(255))
    media_key: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)

    # what was asked
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    options_hash: Mapped[str] = mapped_column(String(64))
    callback_url: Mapped[str | None] = mapped_column(Text)
    notify_email: Mapped[bool] = mapped_column(default=False)

    # how far it got
    status: Mapped[AnalysisStatus] = mapped_column(enum_column(AnalysisStatus), default=AnalysisStatus.queued)
    stage: Mapped[str | None] = mapped_column(String(32))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    attempts: Mapped[int] = mapped_column(default=0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    cached_from: Mapped[str | None] = mapped_column(String(32))

    # the answer (summary columns for lists and filters; the full report as JSON)
    duration: Mapped[float | None] = mapped_column(Float)
    language: Mapped[str | None] = mapped_column(String(16))
    verdict: Mapped[str | None] = mapped_column(String(32))
    ad_count: Mapped[int] = mapped_column(default=0)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    media_deleted_at: Mapped[datetime | None]

    segments: Mapped[list[AdSegmentRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="AdSegmentRow.start", lazy="raise"
    )

    @property
    def finished(self) -> bool:
        return self.status in (AnalysisStatus.done, AnalysisStatus.failed)

    def __repr__(self) -> str:
        return f"<Analysis {self.id} {self.status}>"
