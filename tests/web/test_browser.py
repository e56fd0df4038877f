"""The web app in Debian's headless Chromium (Playwright), against uvicorn on 127.0.0.1 and a real worker:
register, upload a generated video, watch the progress reach 100 %, use the ad timeline, export, dark mode,
language. Every page is photographed light and dark under tests/artifacts/ for a person to look at."""

from __future__ import annotations

import base64
import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from support_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, served_app

from veritasad.testing.media import Line, Overlay, Script, make_media

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

# Speech first, then a sponsor read with its promo code on screen: the ad starts well after 0 s,
# so seeking to its marker is a visible move.
AD_VIDEO = Script(
    duration=14.0,
    lines=[
        Line(0.3, "Hello and welcome back to the channel. Today we test three cameras."),
        Line(6.0, "This video is sponsored by Skyline VPN. Use promo code SKY20 at skyline vpn dot com."),
    ],
    overlays=[Overlay(6.0, 14.0, text="skylinevpn.com  promo SKY20")],
    width=480,
    height=270,
    fps=12,
)
# Records every percent the page shows (upload, then analysis), across page loads, for the test to read.
RECORD_PERCENTS = """
new MutationObserver(() => {
  for (const [key, selector] of [['upload', '#upload-percent'], ['percents', '[data-percent]']]) {
    const el = document.querySelector(selector);
    if (!el) continue;
    const seen = JSON.parse(sessionStorage.getItem(key) || '[]');
    if (seen[seen.length - 1] !== el.textContent) seen.push(el.textContent);
    sessionStorage.setItem(key, JSON.stringify(seen));
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
# Drops a file on the drop zone as a browser does: a DataTransfer through dragenter, dragover, drop.
DROP_FILE = """([name, b64]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], name, {type: 'video/mp4'}));
  const zone = document.getElementById('dropzone');
  for (const type of ['dragenter', 'dragover', 'drop']) {
    zone.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
  }
}"""

playwright_api = pytest.importorskip("playwright.async_api")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)


@pytest.fixture(scope="module")
def server(migrated, tmp_path_factory):
    with served_app(tmp_path_factory.mktemp("uvicorn") / "server.log") as base:
        yield base


@pytest.fixture(scope="module")
def ad_video(tmp_path_factory) -> Path:
    return make_media(AD_VIDEO, tmp_path_factory.mktemp("media") / "sponsored-review.mp4")


@pytest.fixture(scope="module")
def file_server(ad_video):
    """A plain HTTP server on 127.0.0.1 holding the video, for the "paste a link" path (loopback links
    are allowed in tests)."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(ad_video.parent))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
async def browser():
    async with playwright_api.async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        await chromium.close()


async def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def register(page, base: str, email: str) -> None:
    await page.goto(f"{base}/register")
    await page.get_by_label("Name").fill("Browser Tester")
    await page.get_by_label("E-mail").fill(email)
    await page.get_by_label("Password").fill("a long enough password")
    async with page.expect_navigation(url=f"{base}/dashboard"):
        await page.get_by_role("button", name="Create account").click()


async def test_upload_watch_progress_seek_and_export(server, worker, browser, ad_video, tmp_path):
    context = await browser.new_context(
        accept_downloads=True, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    await context.add_init_script(RECORD_PERCENTS)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await register(page, server, "flow@example.com")

    await page.goto(f"{server}/analyze")
    await page.evaluate(DROP_FILE, [ad_video.name, base64.b64encode(ad_video.read_bytes()).decode()])
    assert "sponsored-review.mp4" in await page.text_content("#file-name")
    await page.get_by_label("Speech language").select_option("en")
    await page.get_by_role("button", name="Start analysis").click()
    await page.wait_for_url(f"{server}/analysis/*", timeout=30_000)
    analysis_id = page.url.rsplit("/", 1)[1]
    uploaded = json.loads(await page.evaluate("sessionStorage.getItem('upload') || '[]'"))
    assert uploaded and uploaded[-1] == "100 %", uploaded

    # live progress over SSE, then the page reloads itself into the report
    await page.wait_for_selector("#timeline", timeout=180_000)
    percents = json.loads(await page.evaluate("sessionStorage.getItem('percents') || '[]'"))
    numbers = [int(p) for p in percents]
    assert numbers and numbers[-1] == 100, percents
    assert numbers == sorted(numbers) and len(set(numbers)) >= 2, percents

    markers = page.locator("#timeline .marker")
    assert await markers.count() >= 1
    marker = markers.first
    start = float(await marker.get_attribute("data-start"))
    assert start > 2.0  # the sponsor read begins at 6 s
    assert await marker.get_attribute("data-kind") == "sponsor"
    await page.wait_for_function("document.getElementById('player').readyState >= 1")
    box = await marker.bounding_box()
    assert box and box["width"] > 0 and box["x"] > 0  # laid out along the timeline, not at its left edge
    await marker.click()
    await page.wait_for_function(
        f"Math.abs(document.getElementById('player').currentTime - {start}) < 0.3", timeout=10_000
    )
    assert "Skyline" in (await page.text_content(".segments")) or "SKY20" in (
        await page.text_content(".segments")
    )
    await shoot(page, "analysis-done-light")

    # the segment's own play button seeks too
    await page.evaluate("document.getElementById('player').currentTime = 0")
    await page.locator("[data-seek]").first.click()
    await page.wait_for_function(
        f"Math.abs(document.getElementById('player').currentTime - {start}) < 0.3", timeout=10_000
    )

    async with page.expect_download() as info:
        await page.locator('[data-export="JSON"]').click()
    download = await info.value
    saved = tmp_path / "report.json"
    await download.save_as(saved)
    report = json.loads(saved.read_text())
    assert len(report["segments"]) == await markers.count()
    async with page.expect_download() as info:
        await page.locator('[data-export="WebVTT"]').click()
    vtt = tmp_path / "report.vtt"
    await (await info.value).save_as(vtt)
    assert vtt.read_text().startswith("WEBVTT")

    # the history lists it
    await page.goto(f"{server}/history")
    assert await page.locator(f'a[href="/analysis/{analysis_id}"]').count() == 1
    assert not errors, errors
    await context.close()


async def test_dark_mode_toggle_and_language_switch_are_remembered(server, browser):
    context = await browser.new_context(
        color_scheme="light", locale="ru-RU", extra_http_headers={"Accept-Language": "ru-RU,ru;q=0.9"}
    )
    page = await context.new_page()
    await page.goto(f"{server}/")
    assert await page.get_attribute("html", "lang") == "ru"  # the browser asked for Russian
    background = "getComputedStyle(document.body).backgroundColor"
    light = await page.evaluate(background)

    await page.locator("[data-theme-toggle]").click()
    assert await page.get_attribute("html", "data-theme") == "dark"
    dark = await page.evaluate(background)
    assert dark != light and dark == "rgb(15, 18, 23)"
    await page.reload()
    assert await page.get_attribute("html", "data-theme") == "dark"  # remembered
    assert await page.evaluate(background) == dark

    await page.locator('.lang-switch a[data-lang="en"]').click()
    await page.wait_for_load_state()
    assert await page.get_attribute("html", "lang") == "en"
    assert await page.get_by_role("link", name="Analyze", exact=True).count() == 1
    await page.goto(f"{server}/pricing")
    assert await page.get_attribute("html", "lang") == "en"  # remembered over Accept-Language
    assert await page.get_by_role("heading", name="Plans and pricing").count() == 1
    await page.locator('.lang-switch a[data-lang="ru"]').click()
    await page.wait_for_url(f"{server}/pricing")
    assert await page.get_by_role("heading", name="Тарифы").count() == 1

    await page.locator("[data-theme-toggle]").click()
    assert await page.get_attribute("html", "data-theme") == "light"
    await context.close()


async def test_keyboard_api_key_and_failed_analysis(server, worker, browser, tmp_path):
    context = await browser.new_context(locale="en-US", permissions=["clipboard-read", "clipboard-write"])
    page = await context.new_page()
    await register(page, server, "keys@example.com")

    # keyboard only: name the key, press Enter, copy the one-time key
    await page.get_by_placeholder("Key name").focus()
    await page.keyboard.type("ci")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#new-key:not([hidden])")
    key = await page.text_content("#new-key-value")
    assert key.startswith("va_")
    assert await page.evaluate("document.activeElement.id") == "copy-key"
    await page.keyboard.press("Enter")
    assert await page.evaluate("navigator.clipboard.readText()") == key
    async with httpx.AsyncClient(base_url=server, headers={"X-API-Key": key}) as api:
        assert (await api.get("/api/v1/auth/me")).status_code == 200
    page.once("dialog", lambda dialog: dialog.accept())
    await page.get_by_role("button", name="Revoke ci").click()
    await page.wait_for_selector("#key-table .badge-revoked")
    async with httpx.AsyncClient(base_url=server, headers={"X-API-Key": key}) as api:
        assert (await api.get("/api/v1/auth/me")).status_code == 401

    # the 15-minute access token ran out: the login page renews the session and goes back
    await context.clear_cookies(name="access_token")
    landed = await page.goto(f"{server}/history")
    assert landed.url == f"{server}/login?next=%2Fhistory"  # the server no longer knew the visitor
    await page.wait_for_url(f"{server}/history", timeout=10_000)
    assert await page.get_by_role("heading", name="History").count() == 1

    # a file that is not media: the failure is explained in plain words
    junk = tmp_path / "notes.mp4"
    junk.write_bytes(b"this is not a video at all " * 200)
    await page.goto(f"{server}/analyze")
    await page.set_input_files("#file", str(junk))
    await page.get_by_role("button", name="Start analysis").click()
    alert = page.locator("#analyze-error")
    await alert.wait_for(state="visible", timeout=30_000)
    assert await alert.text_content() in (
        "This file is not a video or audio format we can read.",
        "The file is damaged and cannot be read.",
    )

    # logging out revokes the refresh token on the server, not only the browser's cookies
    refresh = next(c["value"] for c in await context.cookies() if c["name"] == "refresh_token")
    async with page.expect_navigation(url=f"{server}/"):
        await page.get_by_role("button", name="Log out").click()
    assert await page.get_by_role("link", name="Log in").count() == 1
    assert not [c for c in await context.cookies() if c["name"] in ("access_token", "refresh_token")]
    async with httpx.AsyncClient(base_url=server) as api:
        reused = await api.post("/api/v1/auth/refresh", json={"refresh_token": refresh})
    assert reused.status_code == 401
    await context.close()


async def test_screenshots_of_every_page_light_and_dark(server, worker, browser, ad_video, file_server):
    """Photographs for a person to look at; also checks each page loads without script errors. The light
    pass uploads the video; the dark pass pastes a link to it, choosing the tab with the keyboard."""
    for scheme in ("light", "dark"):
        context = await browser.new_context(
            color_scheme=scheme, locale="en-US", viewport={"width": 1280, "height": 900}
        )
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        for path in ["/", "/login", "/register", "/pricing", "/docs"]:
            await page.goto(f"{server}{path}")
            await shoot(page, f"{(path.strip('/') or 'home')}-{scheme}")
        await register(page, server, f"shots-{scheme}@example.com")
        await page.goto(f"{server}/history")
        await shoot(page, f"history-empty-{scheme}")
        await page.goto(f"{server}/analyze")
        if scheme == "light":
            await page.set_input_files("#file", str(ad_video))
        else:
            await page.locator("#tab-file").focus()
            await page.keyboard.press("ArrowRight")
            assert await page.evaluate("document.activeElement.id") == "tab-url"
            assert (
                await page.locator("#panel-url").is_visible()
                and not await page.locator("#panel-file").is_visible()
            )
            await page.get_by_label("Video link").fill(f"{file_server}/{ad_video.name}")
        await shoot(page, f"analyze-{scheme}")
        await page.get_by_role("button", name="Start analysis").click()
        await page.wait_for_url(f"{server}/analysis/*", timeout=30_000)
        if await page.locator("#live").count():
            await shoot(page, f"analysis-progress-{scheme}")
        await page.wait_for_selector("#timeline", timeout=180_000)
        analysis_url = page.url
        await page.wait_for_function("document.getElementById('player').readyState >= 2")
        await page.wait_for_timeout(500)  # evidence frames are cut from the video
        await shoot(page, f"analysis-{scheme}")
        for path in ["/dashboard", "/history", "/pricing", "/logout"]:
            await page.goto(f"{server}{path}")
            await shoot(page, f"{path.strip('/')}-signed-in-{scheme}")
        await page.set_viewport_size({"width": 390, "height": 844})
        for url, name in [
            (f"{server}/", "home"),
            (f"{server}/history", "history"),
            (analysis_url, "analysis"),
        ]:
            await page.goto(url)
            await shoot(page, f"phone-{name}-{scheme}")
            assert await page.evaluate(NO_SIDEWAYS_SCROLL), f"{name} scrolls sideways on a phone"
        # Russian words run longer: the same pages in Russian, desktop and phone
        await page.goto(f"{server}/lang/ru")
        for url, name in [(f"{server}/dashboard", "dashboard"), (analysis_url, "analysis")]:
            await page.goto(url)
            await shoot(page, f"ru-phone-{name}-{scheme}")
            assert await page.evaluate(NO_SIDEWAYS_SCROLL), f"{name} (ru) scrolls sideways on a phone"
        await page.set_viewport_size({"width": 1280, "height": 900})
        for url, name in [
            (f"{server}/", "home"),
            (f"{server}/dashboard", "dashboard"),
            (analysis_url, "analysis"),
        ]:
            await page.goto(url)
            await shoot(page, f"ru-{name}-{scheme}")
        assert not errors, errors
        await context.close()
