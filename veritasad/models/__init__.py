"""Every SQLAlchemy table, one module per table. Import this package to register them all on Base."""

from veritasad.core.db import Base
from veritasad.models.enums import AnalysisStatus, Role, SourceType, UserPlan

__all__ = ["Base", "AnalysisStatus", "Role", "SourceType", "UserPlan"]
