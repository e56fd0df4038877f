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


class LeadSource(StrEnum):
    analysis = "analysis"
    pricing_form = "pricing_form"
    bot = "bot"
    import_ = "import"
    api = "api"
    manual = "manual"


class ActivityKind(StrEnum):
    note = "note"
    call = "call"
    email = "email"
    meeting = "meeting"
    system = "system"  # written by Saler itself: merges, assignment, evidence, reminders
