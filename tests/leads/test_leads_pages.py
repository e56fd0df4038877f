"""Saler pages rendered on the server: who may see them, and what they show."""

from __future__ import annotations

from datetime import UTC, datetime

from veritasad.models.analysis import Analysis
from veritasad.models.enums import AnalysisStatus, SourceType
from veritasad.models.lead_analysis import LeadAnalysis


async def test_pages_are_for_staff_only(client, staff):
    (_, ah), _, (_, dh), (_, uh) = staff
    for path in ("/leads", "/leads/list", "/leads/import"):
        assert (await client.get(path, headers=ah)).status_code == 200, path
        assert (await client.get(path, headers=dh)).status_code == 200, path
        assert (await client.get(path, headers=uh)).status_code == 404, path
        r = await client.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


async def test_board_has_a_column_per_stage_and_conversion(client, staff, new_lead, settings):
    (_, ah), *_ = staff
    lead = await new_lead(ah, company="Board Co")
    await client.patch(f"/api/v1/leads/{lead['id']}", headers=ah, json={"stage": "qualified"})
    html = (await client.get("/leads", headers=ah)).text
    for stage in settings.lead_stages:
        assert f'data-stage="{stage}"' in html
    assert f'data-lead-id="{lead["id"]}"' in html and "Board Co" in html
    conversion = (await client.get("/api/v1/leads/stages", headers=ah)).json()
    by_stage = {row["stage"]: row for row in conversion}
    # it skipped "contacted" on the way, which still counts as having passed it
    assert by_stage["new"]["reached"] == 1 and by_stage["contacted"]["reached"] == 1
    assert by_stage["qualified"]["current"] == 1 and by_stage["qualified"]["conversion"] == 1.0
    assert by_stage["proposal"]["reached"] == 0 and by_stage["lost"]["conversion"] is None


async def test_list_filters_and_export_link(client, staff, new_lead):
    (_, ah), *_ = staff
    await new_lead(ah, company="Findable", tags=["vip"])
    await new_lead(ah, company="Hidden")
    html = (await client.get("/leads/list", headers=ah, params={"q": "findable", "tag": "vip"})).text
    assert "Findable" in html and "Hidden" not in html
    assert "/api/v1/leads/export.csv?q=findable&amp;tag=vip" in html
    bad = await client.get("/leads/list", headers=ah, params={"stage": "bogus"})
    assert bad.status_code == 200 and "Unknown stage" in bad.text


async def test_lead_page_shows_timeline_and_evidence_links(client, staff, new_lead, session):
    (alice, ah), (_, bh), *_ = staff
    lead = await new_lead(ah, company="Evidence Co")
    analysis = Analysis(user_id=alice.id, source_type=SourceType.upload, filename="clip.mp4", options={},
                        options_hash="x", status=AnalysisStatus.done, finished_at=datetime.now(UTC))
    session.add(analysis)
    await session.flush()
    session.add(LeadAnalysis(lead_id=lead["id"], analysis_id=analysis.id, title="clip.mp4", undisclosed_count=1,
                             segments=[{"start": 83.6, "end": 95, "kind": "sponsor", "verdict": "undisclosed"}]))
    await session.commit()
    await client.post(f"/api/v1/leads/{lead['id']}/activities", headers=ah, json={"kind": "call", "body": "Rang them"})
    html = (await client.get(f"/leads/{lead['id']}", headers=ah)).text
    assert f'href="/analysis/{analysis.id}#t=83"' in html and "1:23" in html
    assert "Rang them" in html and "clip.mp4" in html
    assert "0 = videos 0 + recency 0 + undisclosed ads 0 + inbound interest 0" in html  # the score explained
    r = await client.get(f"/leads/{lead['id']}", headers=bh)
    assert r.status_code == 403 and "another owner" in r.text
    assert (await client.get("/leads/987654", headers=ah)).status_code == 404


async def test_russian_interface(client, staff):
    (_, ah), *_ = staff
    html = (await client.get("/leads", headers={**ah, "Accept-Language": "ru"})).text
    assert "Воронка" in html and "Конверсия по этапам" in html
