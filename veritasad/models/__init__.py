"""Every SQLAlchemy table, one module per table. Importing this package registers them all on Base."""

from veritasad.core.db import Base
from veritasad.models.enums import AnalysisStatus, Role, SourceType, UserPlan, UserStatus
from veritasad.models.user import User
from veritasad.models.api_key import ApiKey
from veritasad.models.refresh_token import RefreshToken
from veritasad.models.usage import DailyUsage
from veritasad.models.ad_segment import AdSegmentRow
from veritasad.models.analysis import Analysis
from veritasad.models.progress_event import ProgressEvent
from veritasad.models.lead import Lead
from veritasad.models.lead_domain import LeadDomain
from veritasad.models.lead_activity import LeadActivity
from veritasad.models.lead_stage_change import LeadStageChange
from veritasad.models.lead_analysis import LeadAnalysis
from veritasad.models.lead_assignee import LeadAssignee

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
    "AdSegmentRow",
    "Analysis",
    "ProgressEvent",
    "Lead",
    "LeadDomain",
    "LeadActivity",
    "LeadStageChange",
    "LeadAnalysis",
    "LeadAssignee",
]
