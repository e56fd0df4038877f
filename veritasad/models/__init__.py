"""Every SQLAlchemy table, one module per table. Importing this package registers them all on Base."""

from veritasad.core.db import Base
from veritasad.models.enums import AnalysisStatus, Role, SourceType, UserPlan, UserStatus
from veritasad.models.user import User
from veritasad.models.api_key import ApiKey
from veritasad.models.refresh_token import RefreshToken
from veritasad.models.usage import DailyUsage

__all__ = [
    "Base",
    "AnalysisStatus",
    "Role",
    "SourceType",
    "UserPlan",
    "UserStatus",
    "User",
    "ApiKey",
    "RefreshToken",
    "DailyUsage",
]
