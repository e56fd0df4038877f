"""Fixtures for page tests: a signed-in client, and analyses stored to show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from web_support import sign_in


@pytest.fixture
async def signed_in(client, make_user):
    """A client signed in through the login form, and its user."""
    user, _ = await make_user(name="Ada Lovelace")
    response = await sign_in(client, user.email)
    assert response.status_code == 303
    return client, user


@pytest.fixture
def store_analysis(session):
    """store_analysis(user, **fields) -> Analysis, written straight to the database."""
    from veritasad.models.analysis import Analysis
    from veritasad.models.enums import AnalysisStatus, SourceType

    async def store(user, minutes_ago: int = 0, **fields):
        values = {
            "user_id": user.id, "source_type": SourceType.upload, "filename": "promo.mp4", "options": {},
            "options_hash": "x" * 64, "status": AnalysisStatus.done,
            "created_at": datetime.now(UTC) - timedelta(minutes=minutes_ago),
        }  # fmt: skip
        values.update(fields)
        analysis = Analysis(**values)
        session.add(analysis)
        await session.commit()
        return analysis

    return store
