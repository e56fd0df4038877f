"""What the analysis API accepts and answers."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from veritasad.models.enums import AnalysisStatus, SourceType

Regime = Literal["38-FZ", "FTC"]


def _utc(value: datetime) -> datetime:
    """SQLite gives naive datetimes back; every time stored is UTC, so say so."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


class OptionsIn(BaseModel):
    """The options a client may choose; the rest (ASR model, device, limits) are the server's settings."""

    model_config = ConfigDict(extra="forbid")

    language: Literal["auto", "ru", "en"] = "auto"
    ocr: bool = True
    qr: bool = True
    regimes: list[Regime] = Field(default_factory=lambda: ["38-FZ", "FTC"], min_length=1)


class SubmitUrl(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=4, max_length=2048)
    options: OptionsIn = OptionsIn()
    callback_url: str | None = Field(None, max_length=2048)
    notify_email: bool = False


class Links(BaseModel):
    self: str
    status: str
    stream: str
    report: str
    media: str


class Created(BaseModel):
    id: str
    status: AnalysisStatus
    cached: bool = Field(description="true when a stored report of the same content and options was reused")
    links: Links


class StatusOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    status: AnalysisStatus
    stage: str | None
    progress: float
    error_code: str | None
    error_message: str | None
    created_at: UtcDatetime
    started_at: UtcDatetime | None
    finished_at: UtcDatetime | None


class Summary(StatusOut):
    source_type: SourceType
    source_url: str | None
    filename: str | None
    size_bytes: int | None
    duration: float | None
    language: str | None
    verdict: str | None
    ad_count: int
    cached_from: str | None


class AnalysisOut(Summary):
    options: dict[str, Any]
    callback_url: str | None
    notify_email: bool
    has_media: bool
    report: dict[str, Any] | None = Field(
        description="the engine's Report; each segment's disclosure also carries `explanation`, its reasons in "
        "words in the language asked (?lang= or Accept-Language)"
    )
    links: Links


class Page(BaseModel):
    items: list[Summary]
    total: int
    page: int
    page_size: int


class VerdictFilter(StrEnum):
    disclosed = "disclosed"
    partially_disclosed = "partially_disclosed"
    undisclosed = "undisclosed"
    none = "none"  # finished with no ads found


class Sort(StrEnum):
    newest = "-created_at"
    oldest = "created_at"
    longest = "-duration"
    shortest = "duration"
    most_ads = "-ad_count"
    fewest_ads = "ad_count"


class ListQuery(BaseModel):
    status: AnalysisStatus | None = None
    verdict: VerdictFilter | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    q: str | None = Field(None, max_length=200, description="part of the file name or link")
    sort: Sort = Sort.newest
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)
    all_users: bool = Field(False, description="admins only: everyone's analyses")
