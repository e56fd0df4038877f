"""Round-robin assignment: which sales users take new leads, and when each last got one.

Active `sales` users without a row are in the rotation; an admin takes someone out with in_rotation=False.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from veritasad.core.db import Base


class LeadAssignee(Base):
    __tablename__ = "lead_assignees"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    in_rotation: Mapped[bool] = mapped_column(default=True)
    last_assigned_at: Mapped[datetime | None]
