"""Saler test helpers: staff users and a lead factory through the real API."""

from __future__ import annotations

import pytest

from veritasad.models.enums import Role


@pytest.fixture
async def staff(make_user):
    """(sales A, sales B, admin, ordinary user), each as (user, headers)."""
    alice = await make_user(role=Role.sales, name="Alice Sales", email="alice@sales.test")
    bob = await make_user(role=Role.sales, name="Bob Sales", email="bob@sales.test")
    admin = await make_user(role=Role.admin, name="Ada Admin", email="ada@admin.test")
    user = await make_user(role=Role.user, name="Una User")
    return alice, bob, admin, user


@pytest.fixture
def new_lead(client):
    async def create(headers: dict[str, str], **fields) -> dict:
        fields.setdefault("company", "Acme")
        r = await client.post("/api/v1/leads", json=fields, headers=headers)
        assert r.status_code in (200, 201), r.text
        return r.json()["lead"]

    return create
