"""The analysis API without a worker: every refused input, isolation, history, media ranges, deletion."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from analysis_support import make_video, upload
from sqlalchemy import func, select

from veritasad.core.db import utcnow
from veritasad.models.analysis import Analysis
from veritasad.models.enums import AnalysisStatus, Role, SourceType
from veritasad.testing import media as gen


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    return make_video(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def clean_media(settings):
    shutil.rmtree(settings.media_dir, ignore_errors=True)


@pytest.fixture(autouse=True)
def no_queue(monkeypatch):
    """No worker here: jobs are recorded instead of sent, so nothing lingers in the broker."""
    sent: list[tuple] = []
    monkeypatch.setattr("veritasad.core.queue.enqueue", lambda *a, **k: sent.append(a) or "job-id")
    return sent


def media_files(settings) -> list:
    root = settings.media_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def count(session) -> int:
    return await session.scalar(select(func.count()).select_from(Analysis))


def multipart(payload: bytes, boundary: str = "XyZ") -> bytes:
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    return head + payload + f"\r\n--{boundary}--\r\n".encode()


async def test_submit_upload_queues_a_job(client, make_user, video, no_queue, session):
    _, headers = await make_user()
    r = await upload(client, headers, video, options={"language": "ru", "qr": False}, notify_email="true")
    assert r.status_code == 202, r.text
    aid = r.json()["id"]
    assert len(aid) == 32 and no_queue == [("analysis.run", aid)]
    a = await session.get(Analysis, aid)
    assert a.status == AnalysisStatus.queued and a.source_type == SourceType.upload and a.notify_email
    assert a.options == {"language": "ru", "ocr": True, "qr": False, "regimes": ["38-FZ", "FTC"]}
    assert a.size_bytes == video.stat().st_size and a.filename == "ad.mp4" and len(a.sha256) == 64


@pytest.mark.parametrize("streamed", [False, True])
async def test_upload_over_plan_limit_413_and_nothing_left(
    client, make_user, settings, session, monkeypatch, streamed
):
    monkeypatch.setattr(settings, "plan_free_max_bytes", 100_000)
    _, headers = await make_user()
    body = multipart(b"\0" * 300_000)
    headers = {**headers, "Content-Type": "multipart/form-data; boundary=XyZ"}
    if streamed:  # no Content-Length: the limit can only be enforced while the bytes arrive

        async def chunks():
            for i in range(0, len(body), 16_384):
                yield body[i : i + 16_384]

        r = await client.post("/api/v1/analyses", headers=headers, content=chunks())
    else:
        r = await client.post("/api/v1/analyses", headers=headers, content=body)
    assert r.status_code == 413 and r.json()["error_code"] == "MEDIA_TOO_LARGE", r.text
    assert r.json()["details"]["limit_bytes"] == 100_000 and r.json()["request_id"]
    assert media_files(settings) == [] and await count(session) == 0


@pytest.mark.parametrize(
    ("maker", "code", "status"),
    [
        (gen.make_non_media, "UNSUPPORTED_MEDIA", 415),
        (lambda out: gen.make_corrupt(make_video(out.parent), out, header_only=True), "CORRUPT_MEDIA", 422),
        (lambda out: gen.make_truncated(make_video(out.parent), out, keep=0.3), "CORRUPT_MEDIA", 422),
    ],
)
async def test_bad_media_refused_at_once(client, make_user, settings, session, tmp_path, maker, code, status):
    bad = maker(tmp_path / "bad.mp4")
    _, headers = await make_user()
    r = await upload(client, headers, bad)
    assert (r.status_code, r.json()["error_code"]) == (status, code), r.text
    assert media_files(settings) == [] and await count(session) == 0


async def test_empty_and_too_long_refused(client, make_user, settings, session, tmp_path, video, monkeypatch):
    _, headers = await make_user()
    r = await upload(client, headers, gen.make_empty(tmp_path / "empty.mp4"))
    assert r.status_code == 422 and r.json()["error_code"] == "EMPTY_MEDIA"
    monkeypatch.setattr(settings, "plan_free_max_seconds", 3)
    r = await upload(client, headers, video)
    assert r.status_code == 422 and r.json()["error_code"] == "MEDIA_TOO_LONG", r.text
    assert media_files(settings) == [] and await count(session) == 0


async def test_malformed_submissions(client, make_user, video):
    _, headers = await make_user()
    r = await client.post("/api/v1/analyses", headers=headers, files={"other": ("a.mp4", b"x")})
    assert r.status_code == 422 and r.json()["error_code"] == "VALIDATION_ERROR"
    r = await upload(client, headers, video, options="{not json")
    assert r.status_code == 422 and r.json()["error_code"] == "VALIDATION_ERROR"
    r = await upload(client, headers, video, options={"language": "de"})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "options.language"
    r = await upload(
        client, headers, video, options={"asr_model": "large"}
    )  # a server setting, not an option
    assert r.status_code == 422
    r = await client.post(
        "/api/v1/analyses", headers={**headers, "Content-Type": "text/plain"}, content=b"hi"
    )
    assert r.status_code == 415 and r.json()["error_code"] == "UNSUPPORTED_MEDIA"
    r = await client.post(
        "/api/v1/analyses", headers={**headers, "Content-Type": "application/json"}, content=b"{"
    )
    assert r.status_code == 400 and r.json()["error_code"] == "MALFORMED_JSON"
    r = await client.post("/api/v1/analyses", headers=headers, json={"link": "https://example.com/a.mp4"})
    assert r.status_code == 422 and r.json()["error_code"] == "VALIDATION_ERROR"
    r = await client.post("/api/v1/analyses", files={"file": ("a.mp4", b"x")})
    assert r.status_code == 401 and r.json()["error_code"] == "NOT_AUTHENTICATED"


@pytest.mark.parametrize(
    "body",
    [
        {"url": "http://169.254.169.254/latest/meta-data/"},
        {"url": "http://10.1.2.3/video.mp4"},
        {"url": "file:///etc/passwd"},
        {"url": "gopher://example.com/"},
        {"url": "http://[::ffff:192.168.0.1]/v.mp4"},
        {"url": "http://127.0.0.1/v.mp4", "callback_url": "http://192.168.1.10/hook"},
    ],
)
async def test_urls_not_allowed(client, make_user, session, body):
    _, headers = await make_user()
    r = await client.post("/api/v1/analyses", headers=headers, json=body)
    assert r.status_code == 400 and r.json()["error_code"] == "URL_NOT_ALLOWED", r.text
    assert await count(session) == 0


async def test_daily_quota(client, make_user, video, settings, monkeypatch):
    monkeypatch.setattr(settings, "plan_free_daily", 1)
    _, headers = await make_user()
    assert (
        await client.post("/api/v1/analyses", headers=headers, json={"url": "http://127.0.0.1:9/a.mp4"})
    ).status_code == 202
    r = await upload(client, headers, video)
    assert r.status_code == 429 and r.json()["error_code"] == "QUOTA_EXCEEDED"
    r = await client.post("/api/v1/analyses", headers=headers, json={"url": "http://127.0.0.1:9/b.mp4"})
    assert r.status_code == 429 and r.json()["error_code"] == "QUOTA_EXCEEDED"


async def _row(session, user, **kw) -> Analysis:
    a = Analysis(user_id=user.id, source_type=SourceType.upload, options={}, options_hash="h", **kw)
    session.add(a)
    await session.commit()
    return a


async def test_isolation_404_and_admin_sees_all(client, make_user, session):
    owner, owner_h = await make_user()
    _, other_h = await make_user()
    _, admin_h = await make_user(role=Role.admin)
    a = await _row(session, owner, filename="mine.mp4")
    for path in [
        "",
        "/status",
        "/stream",
        "/report.json",
        "/report.csv",
        "/report.vtt",
        "/sponsorblock",
        "/media",
    ]:
        r = await client.get(f"/api/v1/analyses/{a.id}{path}", headers=other_h)
        assert r.status_code == 404 and r.json()["error_code"] == "NOT_FOUND", path
    assert (await client.delete(f"/api/v1/analyses/{a.id}", headers=other_h)).status_code == 404
    missing = await client.get("/api/v1/analyses/" + "0" * 32, headers=other_h)
    assert (
        missing.json()["message"]
        == (await client.get(f"/api/v1/analyses/{a.id}", headers=other_h)).json()["message"]
    )
    assert (await client.get("/api/v1/analyses", headers=other_h)).json()["total"] == 0
    r = await client.get(f"/api/v1/analyses/{a.id}/status", headers=owner_h)
    assert r.json()["created_at"].endswith(("Z", "+00:00"))  # UTC, said so, on SQLite too
    assert (await client.get(f"/api/v1/analyses/{a.id}", headers=admin_h)).status_code == 200
    assert (await client.get("/api/v1/analyses?all_users=true", headers=admin_h)).json()["total"] == 1
    r = await client.get("/api/v1/analyses?all_users=true", headers=other_h)
    assert r.status_code == 403
    r = await client.get(f"/api/v1/analyses/{a.id}/report.json", headers=owner_h)
    assert r.status_code == 409 and r.json()["error_code"] == "ANALYSIS_NOT_READY"


async def test_history_filters_sort_and_pages(client, make_user, session):
    user, headers = await make_user()
    now = utcnow()
    specs = [
        {
            "status": AnalysisStatus.done,
            "verdict": "undisclosed",
            "ad_count": 2,
            "duration": 60.0,
            "filename": "cooking.mp4",
        },
        {
            "status": AnalysisStatus.done,
            "verdict": "disclosed",
            "ad_count": 1,
            "duration": 30.0,
            "filename": "travel.mp4",
        },
        {
            "status": AnalysisStatus.done,
            "verdict": None,
            "ad_count": 0,
            "duration": 90.0,
            "filename": "no_ads.mp4",
        },
        {"status": AnalysisStatus.failed, "error_code": "CORRUPT_MEDIA", "filename": "broken_50%.mp4"},
        {"status": AnalysisStatus.queued, "source_url": "https://example.com/x.mp4"},
    ]
    for i, spec in enumerate(specs):
        await _row(session, user, created_at=now - timedelta(days=i), **spec)

    async def ids(query: str) -> list[str | None]:
        r = await client.get(f"/api/v1/analyses?{query}", headers=headers)
        assert r.status_code == 200, r.text
        return [item["filename"] or item["source_url"] for item in r.json()["items"]]

    assert await ids("") == [
        "cooking.mp4",
        "travel.mp4",
        "no_ads.mp4",
        "broken_50%.mp4",
        "https://example.com/x.mp4",
    ]
    assert await ids("status=done&sort=duration") == ["travel.mp4", "cooking.mp4", "no_ads.mp4"]
    assert await ids("verdict=undisclosed") == ["cooking.mp4"]
    assert await ids("verdict=none") == ["no_ads.mp4"]
    assert await ids("sort=-ad_count&status=done") == ["cooking.mp4", "travel.mp4", "no_ads.mp4"]
    assert await ids("q=50%25") == ["broken_50%.mp4"]  # a literal %, not a wildcard
    assert await ids("q=example.com") == ["https://example.com/x.mp4"]
    since = (now - timedelta(days=1, hours=1)).isoformat().replace("+00:00", "Z")
    assert await ids(f"created_from={since}") == ["cooking.mp4", "travel.mp4"]
    page2 = (await client.get("/api/v1/analyses?page=2&page_size=2", headers=headers)).json()
    assert page2["total"] == 5 and [i["filename"] for i in page2["items"]] == ["no_ads.mp4", "broken_50%.mp4"]
    r = await client.get("/api/v1/analyses?page_size=1000", headers=headers)
    assert r.status_code == 422
    r = await client.get("/api/v1/analyses?status=nope", headers=headers)
    assert r.status_code == 422 and r.json()["error_code"] == "VALIDATION_ERROR"


async def test_media_ranges_and_delete(client, make_user, video, settings, session):
    _, headers = await make_user()
    aid = (await upload(client, headers, video)).json()["id"]
    data, size = video.read_bytes(), video.stat().st_size
    url = f"/api/v1/analyses/{aid}/media"
    r = await client.get(url, headers={**headers, "Range": "bytes=-100"})
    assert r.status_code == 206 and r.content == data[-100:]
    r = await client.get(url, headers={**headers, "Range": f"bytes={size - 10}-"})
    assert r.status_code == 206 and r.content == data[-10:] and r.headers["content-length"] == "10"
    r = await client.get(url, headers={**headers, "Range": f"bytes={size}-"})
    assert r.status_code == 416 and r.headers["content-range"] == f"bytes */{size}"
    r = await client.get(url, headers={**headers, "Range": "bytes=0-1,5-6"})  # several ranges: the whole file
    assert r.status_code == 200 and r.content == data

    assert len(media_files(settings)) == 1
    r = await client.delete(f"/api/v1/analyses/{aid}", headers=headers)
    assert r.status_code == 204
    assert media_files(settings) == [] and await count(session) == 0
    assert (await client.get(f"/api/v1/analyses/{aid}", headers=headers)).status_code == 404


async def test_cookie_session_upload_needs_csrf(client, make_user, video, session):
    """The web page's way in: cookies + the CSRF token, as a header (streamed) or as a form field."""
    user, _ = await make_user(email="page@example.com", password="correct horse battery")
    r = await client.post(
        "/api/v1/auth/login", json={"email": "page@example.com", "password": "correct horse battery"}
    )
    assert r.status_code == 200, r.text
    csrf = r.json()["csrf_token"]
    files = {"file": ("ad.mp4", video.read_bytes(), "video/mp4")}
    r = await client.post("/api/v1/analyses", files=files)
    assert r.status_code == 403 and r.json()["error_code"] == "CSRF_FAILED"
    r = await client.post("/api/v1/analyses", files=files, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 202, r.text
    r = await client.post(
        "/api/v1/analyses", files=files, data={"csrf_token": csrf, "options": '{"ocr": false}'}
    )
    assert r.status_code == 202, r.text
    a = await session.get(Analysis, r.json()["id"])
    assert a.size_bytes == video.stat().st_size and a.options["ocr"] is False and a.user_id == user.id
