"""Storage backends: the local directory and a real S3-compatible server (moto in server mode)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator

import pytest

from veritasad.core.settings import Settings
from veritasad.core.storage import LocalStorage, SizeLimitExceeded, StoredObject, save_stream
from veritasad.core.storage_s3 import S3Storage


@pytest.fixture(params=["local", "s3"])
async def storage(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "media")
    endpoint = request.getfixturevalue("s3_server")
    s = S3Storage(
        Settings(
            storage_backend="s3",
            s3_endpoint_url=endpoint,
            s3_bucket="test-" + os.urandom(4).hex(),
            s3_access_key="testing",
            s3_secret_key="testing",
        )
    )
    await s.ensure_bucket()
    return s


async def chunks(data: bytes, size: int = 100_000) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


async def read_all(storage, key: str, start: int = 0, end: int | None = None) -> bytes:
    return b"".join([c async for c in storage.read(key, start, end)])


async def test_stream_in_hash_and_range_out(storage):
    data = os.urandom(9 * 1024 * 1024 + 123)  # over one S3 part, so the multipart path runs
    stored = await save_stream(storage, "media/a/file", chunks(data))
    assert stored == StoredObject("media/a/file", len(data), hashlib.sha256(data).hexdigest())
    assert await storage.size("media/a/file") == len(data)
    assert await read_all(storage, "media/a/file") == data
    assert await read_all(storage, "media/a/file", 10, 19) == data[10:20]
    assert await read_all(storage, "media/a/file", len(data) - 5) == data[-5:]


async def test_small_object_single_put(storage):
    stored = await save_stream(storage, "small", chunks(b"hello"))
    assert stored.size == 5 and await read_all(storage, "small") == b"hello"


async def test_size_limit_enforced_while_streaming_and_partial_removed(storage):
    data = os.urandom(9 * 1024 * 1024)
    with pytest.raises(SizeLimitExceeded):
        await save_stream(storage, "big", chunks(data), max_bytes=8 * 1024 * 1024 + 1)
    assert not await storage.exists("big")
    if isinstance(storage, LocalStorage):
        assert list(storage.root.rglob("*")) == []
    else:
        uploads = storage.client.list_multipart_uploads(Bucket=storage.bucket).get("Uploads", [])
        assert uploads == []


async def test_delete_and_local_path(storage):
    await save_stream(storage, "x/y", chunks(b"abc" * 1000))
    async with storage.local_path("x/y") as path:
        assert path.read_bytes() == b"abc" * 1000
    await storage.delete("x/y")
    assert not await storage.exists("x/y")
    await storage.delete("x/y")  # deleting twice is fine


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "a//b", "a/../b", ""])
async def test_bad_keys_refused(tmp_path, key):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).path(key)
