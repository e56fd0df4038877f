"""What each plan allows; the numbers come from settings."""

from __future__ import annotations

from dataclasses import dataclass

from veritasad.core.settings import Settings, get_settings
from veritasad.models.enums import UserPlan
from veritasad.models.user import User


@dataclass(frozen=True)
class PlanLimits:
    daily: int  # analyses per UTC day
    max_seconds: int  # longest video
    max_bytes: int  # largest upload or download
    rpm: int  # API requests per minute


def limits_for(plan: UserPlan, settings: Settings | None = None) -> PlanLimits:
    s = settings or get_settings()
    name = UserPlan(plan).value
    return PlanLimits(
        daily=getattr(s, f"plan_{name}_daily"),
        max_seconds=getattr(s, f"plan_{name}_max_seconds"),
        max_bytes=getattr(s, f"plan_{name}_max_bytes"),
        rpm=getattr(s, f"plan_{name}_rpm"),
    )


def plan_limits(user: User, settings: Settings | None = None) -> PlanLimits:
    return limits_for(user.plan, settings)
