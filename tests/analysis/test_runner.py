"""The worker's use cases, run in-process: retries, idempotent redelivery, time limits, the reaper,
media retention, and dedupe of downloaded content."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from veritasad.analysis import runner
from veritasad.analysis.engine.report import Report
from veritasad.core.db import get_sessionmaker, utcnow
from veritasad.core.errors import TransientError
from veritasad.core.storage import LocalStorage
from veritasad.models.analysis import Analysis
from veritasad.models.enums import AnalysisStatus, SourceType
from veritasad.models.progress_event import ProgressEvent


@pytest.fixture
def storage(tmp_path):
    return LocalStorage(tmp_path / "media")


async def url_analysis(session, user, url: str, **kw) -> Analysis:
    a = Analysis(
        user_id=user.id, source_type=SourceType.url, source_url=url, options={}, options_hash="h", **kw
    )
    session.add(a)
    await session.commit()
    return a


async def reload(session, a: Analysis) -> Analysis:
    session.expunge_all()  # the worker wrote through other sessions
    return await session.get(Analysis, a.id)


async def events(session, a: Analysis) -> list[str]:
    rows = await session.scalars(
        select(ProgressEvent).where(ProgressEvent.analysis_id == a.id).order_by(ProgressEvent.id)
    )
    return [r.event for r in rows]


async def test_transient_failure_retries_then_fails_with_its_code(
    session, make_user, settings, storage, media_server
):
    user, _ = await make_user()
    a = await url_analysis(session, user, media_server.add("/busy.mp4", status=503))
    with pytest.raises(TransientError):
        await runner.run(get_sessionmaker(), settings, storage, a.id, retries_left=1)
    a = await reload(session, a)
    assert a.status == AnalysisStatus.queued and a.stage == "retrying" and a.attempts == 1
    await runner.run(get_sessionmaker(), settings, storage, a.id, retries_left=0)
    a = await reload(session, a)
    assert (a.status, a.error_code, a.attempts) == (AnalysisStatus.failed, "DOWNLOAD_FAILED", 2)
    assert "503" in a.error_message and (await events(session, a))[-1] == "failed"
    assert media_server.hits["/busy.mp4"] == 2


async def test_finished_job_is_not_run_again(session, make_user, settings, storage, media_server):
    user, _ = await make_user()
    a = await url_analysis(session, user, media_server.url("/never"), status=AnalysisStatus.done)
    await runner.run(get_sessionmaker(), settings, storage, a.id, retries_left=3)
    a = await reload(session, a)
    assert a.status == AnalysisStatus.done and a.attempts == 0 and await events(session, a) == []
    assert "/never" not in media_server.hits
    await runner.run(
        get_sessionmaker(), settings, storage, "f" * 32, retries_left=3
    )  # deleted meanwhile: no-op


async def test_job_time_limit(session, make_user, settings, storage, media_server):
    user, _ = await make_user()
    a = await url_analysis(session, user, media_server.add("/slow.mp4", body=b"x", delay=3))
    quick = settings.model_copy(update={"job_timeout_seconds": 0.5})
    await runner.run(get_sessionmaker(), quick, storage, a.id, retries_left=3)
    a = await reload(session, a)
    assert (a.status, a.error_code) == (AnalysisStatus.failed, "TIMEOUT")


async def test_not_media_fails_with_the_engine_code(session, make_user, settings, storage, media_server):
    user, _ = await make_user()
    url = media_server.add(
        "/fake.mp4", body=b"this is not a video at all" * 100, headers={"Content-Type": "video/mp4"}
    )
    a = await url_analysis(session, user, url)
    await runner.run(get_sessionmaker(), settings, storage, a.id, retries_left=3)
    a = await reload(session, a)
    assert (a.status, a.error_code) == (AnalysisStatus.failed, "UNSUPPORTED_MEDIA")


async def test_downloaded_content_seen_before_reuses_the_report(
    session, make_user, settings, storage, media_server
):
    user, _ = await make_user()
    body = b"same bytes as before" * 1000
    report = Report(source="earlier.mp4", language="en")
    done = Analysis(
        user_id=user.id, source_type=SourceType.upload, options={}, options_hash="h", status=AnalysisStatus.done,
        sha256=hashlib.sha256(body).hexdigest(), report=report.model_dump(mode="json"), finished_at=utcnow(),
    )  # fmt: skip
    session.add(done)
    await session.commit()
    a = await url_analysis(session, user, media_server.add("/again.mp4", body=body))
    await runner.run(get_sessionmaker(), settings, storage, a.id, retries_left=3)
    a = await reload(session, a)
    assert a.status == AnalysisStatus.done and a.cached_from == done.id and a.report["language"] == "en"
    assert (await events(session, a))[-1] == "done"


async def test_reaper_fails_stuck_jobs_only(session, make_user, settings):
    user, _ = await make_user()
    now = utcnow()
    old = timedelta(seconds=settings.job_timeout_seconds + 600)
    stuck = await url_analysis(
        session, user, "http://x", status=AnalysisStatus.processing, started_at=now - old
    )
    lost = await url_analysis(session, user, "http://x", created_at=now - 5 * old)
    busy = await url_analysis(session, user, "http://x", status=AnalysisStatus.processing, started_at=now)
    waiting = await url_analysis(session, user, "http://x")
    assert await runner.reap(session, settings) == 2
    for a in (stuck, lost):
        a = await reload(session, a)
        assert (a.status, a.error_code) == (AnalysisStatus.failed, "TIMEOUT")
        assert await events(session, a) == ["failed"]
    assert (await reload(session, busy)).status == AnalysisStatus.processing
    assert (await reload(session, waiting)).status == AnalysisStatus.queued


async def test_media_retention_keeps_reports(session, make_user, settings, storage):
    user, _ = await make_user()
    for name in ("old", "new"):
        (storage.root / "media").mkdir(parents=True, exist_ok=True)
        (storage.root / "media" / name).write_bytes(b"video")
    days = settings.media_retention_days
    old = Analysis(user_id=user.id, source_type=SourceType.upload, options={}, options_hash="h", media_key="media/old",
                   status=AnalysisStatus.done, report={"segments": []}, created_at=utcnow() - timedelta(days=days + 1))  # fmt: skip
    new = Analysis(user_id=user.id, source_type=SourceType.upload, options={}, options_hash="h", media_key="media/new",
                   status=AnalysisStatus.done, report={"segments": []})  # fmt: skip
    session.add_all([old, new])
    await session.commit()
    assert await runner.purge_media(session, settings, storage) == 1
    old, new = await reload(session, old), await reload(session, new)
    assert old.media_key is None and old.media_deleted_at is not None and old.report == {"segments": []}
    assert not (storage.root / "media/old").exists() and (storage.root / "media/new").exists()
    assert new.media_key == "media/new"


async def test_deleted_while_running_leaves_nothing(session, make_user, settings, storage, media_server):
    user, _ = await make_user()
    a = await url_analysis(session, user, media_server.add("/slow.mp4", body=b"x" * 1000, delay=1.0))
    job = asyncio.create_task(runner.run(get_sessionmaker(), settings, storage, a.id, retries_left=3))
    await asyncio.sleep(0.5)  # downloading now
    await session.delete(await session.get(Analysis, a.id))
    await session.commit()
    await asyncio.wait_for(job, 20)  # no error escapes: the job notices and cleans up
    assert [p for p in storage.root.rglob("*") if p.is_file()] == []


async def test_old_progress_steps_pruned_final_event_kept(session, make_user, settings, storage):
    from veritasad.analysis.progress import Publisher

    user, _ = await make_user()
    old = await url_analysis(
        session, user, "http://x", status=AnalysisStatus.done, finished_at=utcnow() - timedelta(days=2)
    )
    new = await url_analysis(session, user, "http://x", status=AnalysisStatus.done, finished_at=utcnow())
    pub = Publisher(None)
    for a in (old, new):
        await pub.publish(session, a.id, "progress", {"percent": 50.0})
        await pub.publish(session, a.id, "done", {})
    await runner.purge_media(session, settings, storage)
    assert await events(session, old) == ["done"]
    assert await events(session, new) == ["progress", "done"]
