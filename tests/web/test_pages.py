"""Server-side page tests: status codes, redirects, forms with CSRF, what the pages show."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from web_support import PASSWORD, REPORT, csrf_from, sign_in

PUBLIC = ["/", "/login", "/register", "/pricing", "/docs", "/logout"]
PRIVATE = ["/dashboard", "/analyze", "/history", "/analysis/0123456789abcdef0123456789abcdef"]


@pytest.mark.parametrize("path", PUBLIC)
async def test_public_pages_render(client, path):
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<main id="main"' in response.text
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", PRIVATE)
async def test_private_pages_send_anonymous_visitors_to_login(client, path):
    response = await client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=" + path.replace("/", "%2F"))


async def test_register_needs_the_csrf_token(client):
    await client.get("/register")  # sets the anonymous CSRF cookie
    response = await client.post("/register", data={"email": "a@example.com", "password": "long enough pw"})
    assert response.status_code == 403
    assert "The page has expired. Reload it and try again." in response.text  # a page, not JSON
    assert 'href="/register"' in response.text and "CSRF_FAILED" in response.text
    forged = await client.post(
        "/register", data={"email": "a@example.com", "password": "long enough pw", "csrf_token": "forged"}
    )
    assert forged.status_code == 403


async def test_register_signs_in_and_shows_the_dashboard(client):
    page = await client.get("/register")
    response = await client.post(
        "/register",
        data={"name": "Grace", "email": "Grace@Example.com", "password": "long enough pw",
              "csrf_token": csrf_from(page.text)},
    )  # fmt: skip
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"
    assert "access_token" in response.cookies
    dashboard = await client.get("/dashboard")
    assert dashboard.status_code == 200
    assert "Grace" in dashboard.text and "0 of 5 analyses used" in dashboard.text


async def test_register_form_errors_are_shown_on_the_fields(client, make_user):
    user, _ = await make_user()
    page = await client.get("/register")
    token = csrf_from(page.text)
    short = await client.post(
        "/register", data={"email": "b@example.com", "password": "short", "csrf_token": token}
    )
    assert short.status_code == 400
    assert 'id="password-error"' in short.text and "8 to 128 characters" in short.text
    assert 'value="b@example.com"' in short.text  # what was typed is kept
    taken = await client.post(
        "/register", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert taken.status_code == 400 and "already registered" in taken.text


async def test_login_rejects_a_wrong_password_and_keeps_next(client, make_user):
    user, _ = await make_user()
    page = await client.get("/login?next=/history")
    assert 'name="next" value="/history"' in page.text
    wrong = await client.post(
        "/login",
        data={
            "email": user.email,
            "password": "nope",
            "next": "/history",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert wrong.status_code == 400 and "Wrong e-mail or password" in wrong.text
    assert "access_token" not in wrong.cookies
    right = await client.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "next": "/history",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert right.status_code == 303 and right.headers["location"] == "/history"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
async def test_login_never_redirects_off_site(client, make_user, target):
    user, _ = await make_user()
    response = await sign_in(client, user.email)
    assert response.status_code == 303
    page = await client.get("/login")  # signed in: the page redirects at once
    assert page.status_code == 303
    again = await client.get("/login", params={"next": target})
    assert again.headers["location"] == "/dashboard"
    lang = await client.get("/lang/en", params={"next": target})
    assert lang.headers["location"] == "/"


async def test_logout_needs_the_session_csrf_token(signed_in):
    client, _ = signed_in
    page = await client.get("/dashboard")
    refused = await client.post("/logout", data={"csrf_token": "wrong"})
    assert refused.status_code == 403 and "The page has expired" in refused.text
    assert (await client.get("/dashboard")).status_code == 200  # still signed in
    response = await client.post("/logout", data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    assert (await client.get("/dashboard")).status_code == 303  # signed out


async def test_russian_by_default_when_the_browser_asks(client):
    ru = await client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"})
    assert '<html lang="ru"' in ru.text and "Проверить видео" in ru.text
    assert ru.headers["content-language"] == "ru"
    en = await client.get("/", headers={"Accept-Language": "de-DE,en;q=0.5"})
    assert '<html lang="en"' in en.text and "Analyze a video" in en.text


async def test_language_switch_is_remembered(client):
    switch = await client.get("/lang/en", params={"next": "/pricing"})
    assert switch.status_code == 303 and switch.headers["location"] == "/pricing"
    page = await client.get("/pricing", headers={"Accept-Language": "ru"})
    assert '<html lang="en"' in page.text and "Plans and pricing" in page.text
    await client.get("/lang/ru")
    page = await client.get("/pricing", headers={"Accept-Language": "en"})
    assert "Тарифы" in page.text


async def test_theme_cookie_is_rendered_without_a_flash(client):
    assert "data-theme" not in (await client.get("/")).text.split(">", 2)[1]
    client.cookies.set("theme", "dark")
    assert '<html lang="en" data-theme="dark">' in (await client.get("/")).text
    client.cookies.set("theme", "purple")  # only known values reach the page
    assert 'data-theme="purple"' not in (await client.get("/")).text


async def test_pricing_marks_the_current_plan_and_sends_a_lead(signed_in, session):
    from veritasad.models.lead import Lead

    client, _ = signed_in
    page = await client.get("/pricing")
    assert page.text.count("Your plan") == 1 and "5 analyses a day" in page.text
    sent = await client.post(
        "/pricing/contact",
        data={"name": "Ada", "email": "ada@bigbrand.example", "company": "Big Brand", "plan": "business",
              "message": "We audit 500 videos a month", "csrf_token": csrf_from(page.text)},
    )  # fmt: skip
    assert sent.status_code == 303 and sent.headers["location"].startswith("/pricing?sent=1")
    lead = (await session.scalars(select(Lead))).one()
    assert lead.company == "Big Brand"
    thanks = await client.get(sent.headers["location"])
    assert "Our sales team will contact you" in thanks.text


async def test_contact_form_refuses_a_bad_email_with_a_field_error(client):
    page = await client.get("/pricing")
    response = await client.post(
        "/pricing/contact", data={"name": "X", "email": "not-an-email", "csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == 400
    assert 'id="c-email-error"' in response.text and 'value="X"' in response.text


async def test_dashboard_lists_api_keys_and_recent_analyses(signed_in, store_analysis):
    client, user = signed_in
    await store_analysis(user, filename="weekly-vlog.mp4", verdict="undisclosed", ad_count=2)
    page = await client.get("/dashboard")
    assert "weekly-vlog.mp4" in page.text and "Undisclosed" in page.text
    assert 'id="key-form"' in page.text and "No keys yet." in page.text


async def test_history_empty_state_says_what_to_do(signed_in):
    client, _ = signed_in
    page = await client.get("/history")
    assert "No analyses yet" in page.text and 'href="/analyze"' in page.text


async def test_history_filters_and_pages(signed_in, store_analysis):
    from veritasad.models.enums import AnalysisStatus

    client, user = signed_in
    for i in range(23):
        await store_analysis(
            user, minutes_ago=i, filename=f"clip-{i:02d}.mp4", verdict="disclosed", ad_count=1
        )
    await store_analysis(
        user, filename="broken.avi", status=AnalysisStatus.failed, error_code="CORRUPT_MEDIA"
    )
    first = await client.get("/history")
    assert "Page 1 of 2" in first.text and "24 found" in first.text
    second = await client.get("/history", params={"page": 2})
    assert "clip-22.mp4" in second.text and "clip-00.mp4" not in second.text
    failed = await client.get("/history", params={"status": "failed"})
    assert "broken.avi" in failed.text and "clip-01.mp4" not in failed.text
    search = await client.get("/history", params={"q": "clip-1"})
    assert "10 found" in search.text  # clip-10 … clip-19
    none = await client.get("/history", params={"q": "nothing-like-this"})
    assert "Nothing matches these filters" in none.text
    bad = await client.get("/history", params={"status": "bogus", "date_from": "yesterday", "page": "x"})
    assert bad.status_code == 200 and "24 found" in bad.text


async def test_analysis_page_shows_the_timeline_and_segments(signed_in, store_analysis):
    client, user = signed_in
    analysis = await store_analysis(user, report=REPORT, verdict="partially_disclosed", ad_count=1, duration=60.0,
                                    media_key="media/xx/y")  # fmt: skip
    page = await client.get(f"/analysis/{analysis.id}")
    assert page.status_code == 200
    html = page.text
    assert 'class="marker" data-start="12.0" data-end="27.5" data-kind="sponsor"' in html
    assert 'data-verdict="partially_disclosed"' in html
    assert "Acme VPN" in html and "ACME20" in html and "acmevpn.com" in html
    assert "This video is sponsored by Acme VPN" in html and "38-FZ: no erid token" in html
    assert f'src="/api/v1/analyses/{analysis.id}/media"' in html
    for export in ("report.json", "report.csv", "report.vtt", "sponsorblock"):
        assert f"/api/v1/analyses/{analysis.id}/{export}" in html
    assert 'data-frame-at="14.0"' in html  # an on-screen evidence frame


async def test_failed_analysis_explains_in_plain_words(signed_in, store_analysis):
    from veritasad.models.enums import AnalysisStatus

    client, user = signed_in
    analysis = await store_analysis(user, status=AnalysisStatus.failed, error_code="CORRUPT_MEDIA")
    page = await client.get(f"/analysis/{analysis.id}", headers={"Accept-Language": "ru"})
    assert "Файл повреждён" in page.text and "CORRUPT_MEDIA" in page.text
    odd = await store_analysis(user, status=AnalysisStatus.failed, error_code="SOMETHING_NEW")
    page = await client.get(f"/analysis/{odd.id}")
    assert "internal problem" in page.text


async def test_running_analysis_page_follows_progress(signed_in, store_analysis):
    from veritasad.models.enums import AnalysisStatus

    client, user = signed_in
    analysis = await store_analysis(user, status=AnalysisStatus.processing, stage="speech", progress=42.0)
    html = (await client.get(f"/analysis/{analysis.id}")).text
    assert f'data-analysis-id="{analysis.id}"' in html and 'value="42.0"' in html
    assert "Recognising speech" in html


async def test_someone_elses_analysis_is_not_found(signed_in, store_analysis, make_user):
    client, _ = signed_in
    other, _ = await make_user()
    analysis = await store_analysis(other)
    page = await client.get(f"/analysis/{analysis.id}")
    assert page.status_code == 404 and "belongs to another account" in page.text


async def test_contact_sales_button_preselects_its_plan(client):
    page = await client.get("/pricing", params={"plan": "business"})
    assert '<option value="business" selected>' in page.text
    assert 'href="/pricing?plan=business#contact"' in page.text


async def test_sales_people_see_the_leads_link(client, make_user):
    seller, _ = await make_user(role="sales")
    await sign_in(client, seller.email)
    assert 'href="/leads"' in (await client.get("/dashboard")).text
    client.cookies.clear()
    buyer, _ = await make_user()
    await sign_in(client, buyer.email)
    assert 'href="/leads"' not in (await client.get("/dashboard")).text


async def test_contact_form_checks_the_csrf_token_of_signed_in_users(signed_in, session):
    from veritasad.models.lead import Lead

    client, _ = signed_in
    forged = await client.post(
        "/pricing/contact", data={"name": "X", "email": "x@example.com", "csrf_token": "no"}
    )
    assert forged.status_code == 403 and 'href="/pricing"' in forged.text
    assert (await session.scalars(select(Lead))).first() is None
