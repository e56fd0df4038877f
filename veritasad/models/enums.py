"""Enumerations stored in the database."""

from enum import StrEnum


class UserPlan(StrEnum):
    free = "free"
    pro = "pro"
    business = "business"


class Role(StrEnum):
    user = "user"
    sales = "sales"
    admin = "admin"


class UserStatus(StrEnum):
    active = "active"
    inactive = "inactive"
    banned = "banned"


class AnalysisStatus(StrEnum):
    queued = "queued"
    processing = "processing"
    done = "done"
    failed = "failed"


class SourceType(StrEnum):
    upload = "upload"
    url = "url"
    telegram = "telegram"
