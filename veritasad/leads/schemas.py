"""Pydantic shapes for Saler: what clients send (normalised on the way in) and what they get back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from veritasad.core.settings import get_settings
from veritasad.leads import normalize
from veritasad.models.enums import ActivityKind, LeadSource


def _phone(value: str) -> str:
    return normalize.normalize_phone(value, get_settings().lead_phone_region)


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


Email = Annotated[str, Field(max_length=320), AfterValidator(normalize.normalize_email)]
Phone = Annotated[str, Field(max_length=64), AfterValidator(_phone)]
Telegram = Annotated[str, Field(max_length=100), AfterValidator(normalize.normalize_telegram)]
Website = Annotated[str, Field(max_length=500)]
Text200 = Annotated[str, Field(max_length=200)]


class LeadFields(BaseModel):
    """Fields a person may set; all optional so updates can send only what changes."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    company: Text200 | None = None
    contact_name: Text200 | None = None
    email: Email | None = None
    phone: Phone | None = None
    telegram: Telegram | None = None
    website: Website | None = None
    domains: list[Annotated[str, Field(max_length=500)]] | None = Field(None, max_length=50)
    tags: list[str] | None = Field(None, max_length=30)
    notes: str | None = Field(None, max_length=20_000)
    next_follow_up_at: datetime | None = None
    lost_reason: str | None = Field(None, max_length=500)
    stage: str | None = Field(None, max_length=32)
    owner_id: int | None = None

    _blanks = field_validator("email", "phone", "telegram", "website", mode="before")(_blank_to_none)

    @field_validator("domains")
    @classmethod
    def _domains(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else normalize.normalize_domains(v)

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else normalize.normalize_tags(v)

    @field_validator("website")
    @classmethod
    def _website(cls, v: str | None) -> str | None:
        if v is not None:
            normalize.normalize_domain(v)  # a website must at least name a host
        return v


class LeadCreate(LeadFields):
    source: Literal[LeadSource.api, LeadSource.manual] = LeadSource.api


class LeadUpdate(LeadFields):
    pass


class OwnerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    email: str | None


class LeadOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    company: str
    contact_name: str
    email: str | None
    phone: str | None
    telegram: str | None
    website: str | None
    domains: list[str]
    source: LeadSource
    stage: str
    score: int
    owner_id: int | None
    tags: list[str]
    notes: str
    next_follow_up_at: datetime | None
    lost_reason: str | None
    seen_count: int
    last_seen_at: datetime | None
    undisclosed_count: int
    inbound_count: int
    merged_into_id: int | None
    created_at: datetime
    updated_at: datetime


class LeadSaved(BaseModel):
    """The answer to a create: the lead, and whether it was merged into an existing open one."""

    lead: LeadOut
    merged: bool


class LeadPage(BaseModel):
    items: list[LeadOut]
    next_cursor: str | None


SortField = Literal["created_at", "updated_at", "score", "next_follow_up_at", "company"]


class LeadFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: list[str] = []
    owner: str | None = Field(None, description='a user id, "me" or "none"', pattern=r"^(\d+|me|none)$")
    source: list[LeadSource] = []
    tag: str | None = None
    score_min: int | None = Field(None, ge=0, le=100)
    score_max: int | None = Field(None, ge=0, le=100)
    follow_up_due: bool | None = None
    q: str | None = Field(None, max_length=200)
    sort: SortField = "created_at"
    order: Literal["asc", "desc"] = "desc"


class BulkChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[int] = Field(min_length=1, max_length=500)
    stage: str | None = None
    owner_id: int | None = None
    unassign: bool = False


class BulkResult(BaseModel):
    updated: int


class MergeRequest(BaseModel):
    source_id: int = Field(description="the lead merged away (soft-deleted, pointing at the target)")


class ActivityIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    kind: Literal[ActivityKind.note, ActivityKind.call, ActivityKind.email, ActivityKind.meeting]
    body: str = Field(min_length=1, max_length=20_000)
    occurred_at: datetime | None = None


class ActivityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lead_id: int
    kind: ActivityKind
    body: str
    author_id: int | None
    occurred_at: datetime


class StageChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    from_stage: str | None
    to_stage: str
    changed_by_id: int | None
    changed_at: datetime


class EvidenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    analysis_id: str
    title: str
    seen_at: datetime
    undisclosed_count: int
    segments: list[dict]


class AssigneeOut(BaseModel):
    user_id: int
    name: str
    email: str | None
    in_rotation: bool
    last_assigned_at: datetime | None


class AssigneeChange(BaseModel):
    user_id: int
    in_rotation: bool


class StageConversion(BaseModel):
    stage: str
    current: int
    reached: int
    conversion: float | None = Field(description="reached this stage / reached the previous one")
