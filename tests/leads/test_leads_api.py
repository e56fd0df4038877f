"""Saler API: CRUD, normalisation, roles and ownership, filters, search, sort and cursor pagination."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from veritasad.models.lead import Lead
from veritasad.models.lead_stage_change import LeadStageChange


async def test_create_normalises_and_reads_back(client, staff):
    (alice, ah), *_ = staff
    r = await client.post("/api/v1/leads", headers=ah, json={
        "company": "Пример", "contact_name": "Иван", "email": " Ivan@Пример.РФ ", "phone": "8 (916) 123-45-67",
        "telegram": "https://t.me/Ivan_Petrov", "website": "https://www.Primer.ru/about",
        "domains": ["https://WWW.Shop.Primer.ru/x", "shop.primer.ru"], "tags": ["VIP", "vip"],
    })
    assert r.status_code == 201, r.text
    body = r.json()
    lead = body["lead"]
    assert body["merged"] is False
    assert lead["email"] == "ivan@xn--e1afmkfd.xn--p1ai"
    assert lead["phone"] == "+79161234567"
    assert lead["telegram"] == "ivan_petrov"
    assert lead["domains"] == ["shop.primer.ru", "primer.ru"]  # the website's host is a domain too
    assert lead["tags"] == ["vip"]
    assert lead["stage"] == "new" and lead["source"] == "api"
    assert lead["owner_id"] == alice.id  # a salesperson's own lead is theirs
    got = await client.get(f"/api/v1/leads/{lead['id']}", headers=ah)
    assert got.status_code == 200 and got.json()["email"] == lead["email"]


async def test_bad_input_is_refused_with_fields(client, staff, session):
    (_, ah), *_ = staff
    r = await client.post("/api/v1/leads", headers=ah, json={"company": "X", "email": "not-an-email", "phone": "12"})
    assert r.status_code == 422
    fields = {f["field"] for f in r.json()["details"]["fields"]}
    assert {"body.email", "body.phone"} <= fields
    r = await client.post("/api/v1/leads", headers=ah, json={"company": "X", "stage": "negotiating"})
    assert r.status_code == 422 and r.json()["error_code"] == "INVALID_STAGE"
    assert "won" in r.json()["details"]["allowed"]
    assert (await session.execute(select(Lead))).first() is None  # nothing partial written


async def test_ordinary_users_never_see_saler(client, staff, new_lead):
    (_, ah), _, _, (_, uh) = staff
    lead = await new_lead(ah)
    for method, path in [("GET", "/api/v1/leads"), ("GET", f"/api/v1/leads/{lead['id']}"),
                         ("PATCH", f"/api/v1/leads/{lead['id']}"), ("GET", "/api/v1/leads/export.csv"),
                         ("GET", "/api/v1/leads/stages")]:
        r = await client.request(method, path, headers=uh, json={} if method == "PATCH" else None)
        assert r.status_code == 403 and r.json()["error_code"] == "FORBIDDEN", (method, path)
    r = await client.post("/api/v1/leads", headers=uh, json={"company": "Sneaky"})
    assert r.status_code == 403
    assert (await client.get("/api/v1/leads")).status_code == 401


async def test_sales_see_own_and_unowned_admin_sees_all(client, staff, new_lead):
    (alice, ah), (bob, bh), (_, dh), _ = staff
    mine = await new_lead(ah, company="Alice Co")
    bobs = await new_lead(bh, company="Bob Co")
    unowned = await new_lead(dh, company="Nobody Co", owner_id=None)
    assert unowned["owner_id"] is None

    listed = {x["company"] for x in (await client.get("/api/v1/leads", headers=ah)).json()["items"]}
    assert listed == {"Alice Co", "Nobody Co"}
    r = await client.get(f"/api/v1/leads/{bobs['id']}", headers=ah)
    assert r.status_code == 403 and "another owner" in r.json()["message"]
    r = await client.patch(f"/api/v1/leads/{bobs['id']}", headers=ah, json={"stage": "won"})
    assert r.status_code == 403
    assert (await client.delete(f"/api/v1/leads/{bobs['id']}", headers=ah)).status_code == 403
    assert (await client.get("/api/v1/leads/999999", headers=ah)).status_code == 404

    # an unowned lead can be claimed, after which Bob no longer sees it
    r = await client.patch(f"/api/v1/leads/{unowned['id']}", headers=ah, json={"owner_id": alice.id})
    assert r.status_code == 200 and r.json()["owner_id"] == alice.id
    assert (await client.get(f"/api/v1/leads/{unowned['id']}", headers=bh)).status_code == 403

    everything = {x["company"] for x in (await client.get("/api/v1/leads", headers=dh)).json()["items"]}
    assert everything == {"Alice Co", "Bob Co", "Nobody Co"}
    assert mine["owner_id"] == alice.id and bobs["owner_id"] == bob.id


async def test_owner_must_be_staff(client, staff, new_lead):
    (_, ah), _, _, (user, _) = staff
    r = await client.post("/api/v1/leads", headers=ah, json={"company": "X", "owner_id": user.id})
    assert r.status_code == 422 and r.json()["details"] == {"owner_id": user.id}


async def test_stage_changes_are_recorded(client, staff, new_lead, session):
    (alice, ah), *_ = staff
    lead = await new_lead(ah)
    for stage in ("contacted", "qualified", "qualified"):
        r = await client.patch(f"/api/v1/leads/{lead['id']}", headers=ah, json={"stage": stage})
        assert r.status_code == 200
    history = (await client.get(f"/api/v1/leads/{lead['id']}/history", headers=ah)).json()
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [
        ("contacted", "qualified"), ("new", "contacted"), (None, "new")
    ]
    assert all(h["changed_by_id"] == alice.id for h in history)
    r = await client.patch(f"/api/v1/leads/{lead['id']}", headers=ah, json={"stage": "bogus"})
    assert r.status_code == 422 and r.json()["error_code"] == "INVALID_STAGE"
    rows = (await session.execute(select(LeadStageChange).where(LeadStageChange.lead_id == lead["id"]))).all()
    assert len(rows) == 3


async def test_activities_timeline(client, staff, new_lead):
    (alice, ah), *_ = staff
    lead = await new_lead(ah)
    for kind, body in [("call", "Called, interested"), ("meeting", "Demo on Friday")]:
        r = await client.post(f"/api/v1/leads/{lead['id']}/activities", headers=ah, json={"kind": kind, "body": body})
        assert r.status_code == 201 and r.json()["author_id"] == alice.id
    r = await client.post(f"/api/v1/leads/{lead['id']}/activities", headers=ah, json={"kind": "system", "body": "x"})
    assert r.status_code == 422  # people cannot forge system events
    items = (await client.get(f"/api/v1/leads/{lead['id']}/activities", headers=ah)).json()
    assert [a["kind"] for a in items][:2] == ["meeting", "call"]


async def test_soft_delete(client, staff, new_lead, session):
    (_, ah), *_ = staff
    lead = await new_lead(ah)
    assert (await client.delete(f"/api/v1/leads/{lead['id']}", headers=ah)).status_code == 204
    assert (await client.get(f"/api/v1/leads/{lead['id']}", headers=ah)).status_code == 404
    assert (await client.get("/api/v1/leads", headers=ah)).json()["items"] == []
    row = await session.get(Lead, lead["id"])
    assert row is not None and row.deleted_at is not None


async def test_filters_search_sort_and_cursor(client, staff, new_lead):
    (_, ah), _, (_, dh), _ = staff
    due = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    later = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    await new_lead(ah, company="Ёлка Маркет", email="sales@elka.ru", tags=["retail"], next_follow_up_at=due)
    await new_lead(ah, company="Beta Bank", domains=["betabank.com"], tags=["finance", "vip"], stage="contacted")
    await new_lead(ah, company="Gamma", contact_name="Greta", tags=["vip"], next_follow_up_at=later)
    for i in range(7):
        await new_lead(dh, company=f"Filler {i}", owner_id=None)

    async def names(**params):
        r = await client.get("/api/v1/leads", headers=ah, params=params)
        assert r.status_code == 200, r.text
        return [x["company"] for x in r.json()["items"]]

    assert await names(q="ЁЛКА") == ["Ёлка Маркет"]
    assert await names(q="betabank") == ["Beta Bank"]
    assert await names(q="greta") == ["Gamma"]
    assert sorted(await names(tag="vip")) == ["Beta Bank", "Gamma"]
    assert await names(stage="contacted") == ["Beta Bank"]
    assert await names(follow_up_due="true") == ["Ёлка Маркет"]
    assert len(await names(owner="none")) == 7
    assert len(await names(owner="me")) == 3
    assert await names(sort="next_follow_up_at", order="asc", owner="me") == ["Ёлка Маркет", "Gamma", "Beta Bank"]
    assert (await client.get("/api/v1/leads", headers=ah, params={"stage": "nope"})).json()["error_code"] == "INVALID_STAGE"

    for sort in ("created_at", "company", "next_follow_up_at", "score"):
        seen, cursor = [], None
        while True:
            params = {"limit": 3, "sort": sort, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/api/v1/leads", headers=ah, params=params)).json()
            seen += [x["id"] for x in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert len(seen) == 10 and len(set(seen)) == 10, sort
    r = await client.get("/api/v1/leads", headers=ah, params={"cursor": "garbage"})
    assert r.status_code == 422


async def test_bulk_change_is_all_or_nothing(client, staff, new_lead):
    (_, ah), (bob, bh), _, _ = staff
    a1 = await new_lead(ah, company="A1")
    a2 = await new_lead(ah, company="A2")
    b1 = await new_lead(bh, company="B1")
    r = await client.post("/api/v1/leads/bulk", headers=ah, json={"ids": [a1["id"], b1["id"]], "stage": "won"})
    assert r.status_code == 403 and r.json()["details"] == {"lead_ids": [b1["id"]]}
    assert (await client.get(f"/api/v1/leads/{a1['id']}", headers=ah)).json()["stage"] == "new"
    r = await client.post("/api/v1/leads/bulk", headers=ah, json={"ids": [a1["id"], a2["id"]], "stage": "proposal"})
    assert r.status_code == 200 and r.json() == {"updated": 2}
    r = await client.post("/api/v1/leads/bulk", headers=ah, json={"ids": [a1["id"]], "owner_id": bob.id})
    assert r.status_code == 200
    lead = (await client.get(f"/api/v1/leads/{a1['id']}", headers=bh)).json()
    assert lead["owner_id"] == bob.id and lead["stage"] == "proposal"


def _sample(text: str, line_start: str) -> float:
    for line in text.splitlines():
        if line.startswith(line_start + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_prometheus_counts_leads_by_source_and_transitions(client, staff, new_lead):
    (_, ah), *_ = staff
    created = 'veritasad_leads_created_total{source="manual"}'
    moved = 'veritasad_lead_stage_transitions_total{from_stage="new",to_stage="proposal"}'
    before = (await client.get("/metrics")).text
    lead = await new_lead(ah, source="manual")
    await client.patch(f"/api/v1/leads/{lead['id']}", headers=ah, json={"stage": "proposal"})
    after = (await client.get("/metrics")).text
    assert _sample(after, created) == _sample(before, created) + 1
    assert _sample(after, moved) == _sample(before, moved) + 1
