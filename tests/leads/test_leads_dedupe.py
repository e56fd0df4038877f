"""Deduplication on normalised e-mail and domain, manual merge, and inbound (pricing form) leads."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from veritasad.core.errors import AppError
from veritasad.leads.service import create_inbound_lead
from veritasad.models.enums import LeadSource, Role
from veritasad.models.lead import Lead


async def test_same_email_or_domain_merges_into_open_lead(client, staff, new_lead, session):
    (_, ah), *_ = staff
    first = await new_lead(ah, company="Acme", email="Boss@Acme.COM", domains=["acme.com"])
    r = await client.post("/api/v1/leads", headers=ah, json={
        "company": "ACME Inc", "email": "boss@acme.com", "phone": "+7 916 123 45 67", "tags": ["hot"],
    })
    assert r.status_code == 200 and r.json()["merged"] is True
    merged = r.json()["lead"]
    assert merged["id"] == first["id"]
    assert merged["company"] == "Acme"  # filled only where blank
    assert merged["phone"] == "+79161234567" and merged["tags"] == ["hot"]

    r = await client.post("/api/v1/leads", headers=ah, json={"company": "Other", "website": "https://www.ACME.com/x",
                                                             "domains": ["http://acme.com"]})
    assert r.json()["merged"] is True and r.json()["lead"]["id"] == first["id"]
    assert await session.scalar(select(func.count(Lead.id))) == 1
    timeline = (await client.get(f"/api/v1/leads/{first['id']}/activities", headers=ah)).json()
    assert sum("Duplicate from source" in a["body"] for a in timeline) == 2


async def test_duplicate_of_another_owners_lead_is_a_conflict(client, staff, new_lead, session):
    (_, ah), (_, bh), *_ = staff
    bobs = await new_lead(bh, company="Bob's client", email="client@bob.io")
    r = await client.post("/api/v1/leads", headers=ah, json={"company": "Mine?", "email": "CLIENT@bob.io"})
    assert r.status_code == 409 and r.json()["details"] == {"duplicate_of": bobs["id"]}
    assert "Bob's client" not in r.text  # nothing of the other owner's lead is shown
    assert await session.scalar(select(func.count(Lead.id))) == 1


async def test_closed_leads_do_not_swallow_newcomers(client, staff, new_lead):
    (_, ah), *_ = staff
    old = await new_lead(ah, company="Acme", email="a@acme.com", stage="lost")
    r = await client.post("/api/v1/leads", headers=ah, json={"company": "Acme again", "email": "a@acme.com"})
    assert r.status_code == 201 and r.json()["lead"]["id"] != old["id"]


async def test_update_into_a_duplicate_is_a_conflict(client, staff, new_lead):
    (_, ah), *_ = staff
    a = await new_lead(ah, company="A", email="x@a.com")
    b = await new_lead(ah, company="B", email="y@b.com")
    r = await client.patch(f"/api/v1/leads/{b['id']}", headers=ah, json={"email": "X@A.com"})
    assert r.status_code == 409 and r.json()["details"]["duplicate_of"] == a["id"]


async def test_manual_merge_carries_evidence_and_activities(client, staff, new_lead, session):
    (_, ah), (_, bh), *_ = staff
    target = await new_lead(ah, company="Target", email="t@target.com")
    source = await new_lead(ah, company="Source", contact_name="Sam", domains=["source.io"], tags=["a"])
    await client.post(f"/api/v1/leads/{source['id']}/activities", headers=ah, json={"kind": "call", "body": "hello"})
    r = await client.post(f"/api/v1/leads/{target['id']}/merge", headers=ah, json={"source_id": source["id"]})
    assert r.status_code == 200, r.text
    lead = r.json()
    assert lead["contact_name"] == "Sam" and lead["domains"] == ["source.io"] and lead["tags"] == ["a"]
    bodies = [a["body"] for a in (await client.get(f"/api/v1/leads/{target['id']}/activities", headers=ah)).json()]
    assert "hello" in bodies and any("merged in" in b for b in bodies)
    assert (await client.get(f"/api/v1/leads/{source['id']}", headers=ah)).status_code == 404
    gone = await session.get(Lead, source["id"])
    assert gone.merged_into_id == target["id"] and gone.deleted_at is not None
    # a merge cannot repeat, cannot target itself, and cannot take someone else's lead
    r = await client.post(f"/api/v1/leads/{target['id']}/merge", headers=ah, json={"source_id": source["id"]})
    assert r.status_code == 404
    r = await client.post(f"/api/v1/leads/{target['id']}/merge", headers=ah, json={"source_id": target["id"]})
    assert r.status_code == 422
    bobs = await new_lead(bh, company="Bob's")
    r = await client.post(f"/api/v1/leads/{target['id']}/merge", headers=ah, json={"source_id": bobs["id"]})
    assert r.status_code == 403


async def test_inbound_lead_from_pricing_form(session, make_user):
    sales, _ = await make_user(role=Role.sales)
    lead = await create_inbound_lead(
        session, email="CEO@Brand.io", company="Brand", contact_name="Kate", message="We need 500 videos/month",
    )
    await session.commit()
    assert lead.source == LeadSource.pricing_form and lead.inbound_count == 1
    assert lead.owner_id == sales.id  # round robin among active sales users
    assert lead.score == 20  # inbound interest rule
    again = await create_inbound_lead(session, email="ceo@brand.io", message="Any news?")
    await session.commit()
    assert again.id == lead.id and again.inbound_count == 2 and again.score == 25
    with pytest.raises(AppError) as bad:
        await create_inbound_lead(session, email="nope", company="X")
    assert bad.value.details and "email" in bad.value.details
    with pytest.raises(AppError):
        await create_inbound_lead(session, company="No contact at all")


async def test_simultaneous_requests_make_one_lead(session):
    from veritasad.core.db import session_scope

    async def submit(i: int) -> int:
        async with session_scope() as s:
            lead = await create_inbound_lead(s, email="rush@brand.io", company="Rush", message=f"try {i}")
            return lead.id

    ids = await asyncio.gather(*(submit(i) for i in range(5)))
    assert len(set(ids)) == 1
    assert await session.scalar(select(func.count(Lead.id))) == 1
    assert (await session.get(Lead, ids[0])).inbound_count == 5
