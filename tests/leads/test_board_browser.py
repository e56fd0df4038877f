"""The Saler board in Debian's headless Chromium (Playwright) against uvicorn on 127.0.0.1: sign in as a
salesperson, drag a card to another stage, move one with the keyboard-friendly menu, and see a refused
move put back. A screenshot of the board lands in tests/artifacts/ for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from support_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, served_app

from veritasad.models.enums import Role

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(180)]
PASSWORD = "correct horse battery"

playwright_api = pytest.importorskip("playwright.async_api")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)


@pytest.fixture(scope="module")
def app_url(migrated, tmp_path_factory):
    with served_app(tmp_path_factory.mktemp("uvicorn-leads") / "server.log") as base:
        yield base


async def test_drag_a_card_to_another_stage(app_url, make_user):
    sales, headers = await make_user(role=Role.sales, name="Sasha Sales", email="sasha@example.com")
    other, other_headers = await make_user(role=Role.sales, name="Other", email="other@example.com")
    async with httpx.AsyncClient(base_url=app_url, headers=headers) as api:
        ids = {}
        for company, stage in [("Drag Me Ltd", "new"), ("Menu Move", "new"), ("Stays Put", "contacted")]:
            r = await api.post("/api/v1/leads", json={"company": company, "stage": stage})
            ids[company] = r.json()["lead"]["id"]

        async with playwright_api.async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = await (await browser.new_context(locale="en-US", viewport={"width": 1400, "height": 900})).new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.goto(f"{app_url}/login")
            await page.get_by_label("E-mail").fill("sasha@example.com")
            await page.get_by_label("Password").fill(PASSWORD)
            await page.locator("main form button[type=submit]").click()
            await page.wait_for_url(lambda url: "/login" not in url)
            await page.goto(f"{app_url}/leads")

            card = f'.lead-card[data-lead-id="{ids["Drag Me Ltd"]}"]'
            target = '.board-column[data-stage="qualified"] [data-dropzone]'
            await page.drag_and_drop(card, target)
            await page.wait_for_selector(f'.board-column[data-stage="qualified"] {card}')
            await playwright_api.expect(page.locator(card)).to_have_attribute("data-stage", "qualified")
            assert (await api.get(f"/api/v1/leads/{ids['Drag Me Ltd']}")).json()["stage"] == "qualified"
            history = (await api.get(f"/api/v1/leads/{ids['Drag Me Ltd']}/history")).json()
            assert (history[0]["from_stage"], history[0]["to_stage"], history[0]["changed_by_id"]) == (
                "new", "qualified", sales.id)
            count = await page.text_content('.board-column[data-stage="qualified"] [data-count]')
            assert count.strip() == "1"

            menu_card = f'.lead-card[data-lead-id="{ids["Menu Move"]}"]'
            await page.select_option(f"{menu_card} [data-move]", "proposal")
            await page.wait_for_selector(f'.board-column[data-stage="proposal"] {menu_card}')
            await playwright_api.expect(page.locator(menu_card)).to_have_attribute("data-stage", "proposal")
            assert (await api.get(f"/api/v1/leads/{ids['Menu Move']}")).json()["stage"] == "proposal"

            # Someone else takes the lead meanwhile: the move is refused and the card goes back.
            stays = f'.lead-card[data-lead-id="{ids["Stays Put"]}"]'
            r = await api.patch(f"/api/v1/leads/{ids['Stays Put']}", json={"owner_id": other.id})
            assert r.status_code == 200
            await page.drag_and_drop(stays, '.board-column[data-stage="won"] [data-dropzone]')
            await page.wait_for_selector("#board-error:not([hidden])")
            assert "another owner" in (await page.text_content("#board-error"))
            assert await page.query_selector(f'.board-column[data-stage="contacted"] {stays}') is not None
            r = await httpx.AsyncClient(base_url=app_url, headers=other_headers).get(f"/api/v1/leads/{ids['Stays Put']}")
            assert r.json()["stage"] == "contacted"

            # CSV import page: preview shows the problem row; once fixed, the import goes through.
            await page.goto(f"{app_url}/leads/import")
            await page.set_input_files("#i-file", files=[{
                "name": "leads.csv", "mimeType": "text/csv",
                "buffer": b"company,email\nImported One,one@imported.io\nBad Row,not-an-email\n",
            }])
            await page.click('[data-action="preview"]')
            await page.wait_for_selector("#import-errors:not([hidden])")
            assert "not a valid e-mail" in await page.text_content("#import-errors")
            assert await page.is_disabled('[data-action="import"]')
            await page.set_input_files("#i-file", files=[{
                "name": "leads.csv", "mimeType": "text/csv",
                "buffer": b"company,email\nImported One,one@imported.io\n",
            }])
            await page.click('[data-action="preview"]')
            await playwright_api.expect(page.locator('[data-action="import"]')).to_be_enabled()
            await page.click('[data-action="import"]')
            await playwright_api.expect(page.locator("#import-summary")).to_contain_text("1 new")
            imported = (await api.get("/api/v1/leads", params={"q": "imported one"})).json()["items"]
            assert [x["email"] for x in imported] == ["one@imported.io"]

            # A new lead from the list page: a bad e-mail is refused with its field named, then it is saved.
            await page.goto(f"{app_url}/leads/list")
            await page.click(".new-lead summary")
            await page.fill("#n-company", "Typed In")
            await page.fill("#n-email", "bad@")
            await page.click("[data-new-lead] button[type=submit]")
            await playwright_api.expect(page.locator("#new-lead-error")).to_contain_text("email")
            await page.fill("#n-email", "Hello@Typed.IN")
            await page.click("[data-new-lead] button[type=submit]")
            await page.wait_for_url(re.compile(r"/leads/\d+$"))
            assert "hello@typed.in" in await page.text_content(".lead-facts")

            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / "leads-board.png"), full_page=True)
            await page.goto(f"{app_url}/leads/{ids['Drag Me Ltd']}")
            await page.screenshot(path=str(ARTIFACTS / "leads-lead.png"), full_page=True)
            await page.goto(f"{app_url}/leads/list")
            await page.screenshot(path=str(ARTIFACTS / "leads-list.png"), full_page=True)
            await page.emulate_media(color_scheme="dark")
            await page.goto(f"{app_url}/leads")
            await page.screenshot(path=str(ARTIFACTS / "leads-board-dark.png"), full_page=True)
            await browser.close()
            assert errors == []
