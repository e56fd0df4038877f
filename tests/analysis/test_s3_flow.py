"""The service on S3-compatible storage (moto in server mode): an upload streamed into the bucket, the
worker's use case reading it back, the player's range requests, and deletion."""

from __future__ import annotations

import os

import httpx
import pytest
from analysis_support import make_video, upload

from veritasad.analysis import runner
from veritasad.core.db import get_sessionmaker
from veritasad.core.storage import get_storage
from veritasad.core.storage_s3 import S3Storage


@pytest.fixture
async def s3_app(db, settings, s3_server, monkeypatch):
    from veritasad.app import create_app

    monkeypatch.setattr(
        "veritasad.core.queue.enqueue", lambda *a, **k: "job-id"
    )  # the job runs in-process below
    s3 = settings.model_copy(
        update={
            "storage_backend": "s3",
            "s3_endpoint_url": s3_server,
            "s3_bucket": "flow-" + os.urandom(4).hex(),
            "s3_access_key": "testing",
            "s3_secret_key": "testing",
        }
    )
    storage = get_storage(s3)
    assert isinstance(storage, S3Storage)
    await storage.ensure_bucket()
    app = create_app(s3)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client, s3, storage


async def test_upload_analyse_serve_delete_on_s3(s3_app, make_user, tmp_path):
    client, s3, storage = s3_app
    video = make_video(tmp_path)
    _, headers = await make_user()
    r = await upload(client, headers, video, options={"language": "en"})
    assert r.status_code == 202, r.text
    aid = r.json()["id"]
    key = f"media/{aid[:2]}/{aid}"
    assert await storage.size(key) == video.stat().st_size
    on_disk = list(s3.media_dir.rglob(f"*{aid}*")) if s3.media_dir.exists() else []
    assert on_disk == []  # nothing on local disk

    await runner.run(get_sessionmaker(), s3, storage, aid, retries_left=0)
    body = (await client.get(f"/api/v1/analyses/{aid}", headers=headers)).json()
    assert body["status"] == "done", body
    assert body["report"]["media"]["duration"] == pytest.approx(6.0, abs=0.5)

    r = await client.get(f"/api/v1/analyses/{aid}/media", headers={**headers, "Range": "bytes=1000-1999"})
    assert r.status_code == 206 and r.content == video.read_bytes()[1000:2000]
    assert (await client.delete(f"/api/v1/analyses/{aid}", headers=headers)).status_code == 204
    assert not await storage.exists(key)
