"""Where media files live: a local directory (embedded default) or an S3-compatible bucket.

Both backends stream: writes go in chunks (hashing and counting as they go, so a size limit is enforced
before the whole file exists) and reads come back as byte ranges, so no file is ever held in memory.
boto3 is synchronous, so its calls run in threads."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from veritasad.core.settings import Settings, get_settings

READ_CHUNK = 256 * 1024
LOCAL_FLUSH = 1024 * 1024
S3_PART = 8 * 1024 * 1024  # S3 parts must be >= 5 MiB except the last


class StorageError(Exception):
    """The storage backend failed (disk full, bucket unreachable): transient from the caller's view."""


class SizeLimitExceeded(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    sha256: str


def check_key(key: str) -> str:
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in key:
        raise ValueError(f"bad storage key {key!r}")
    return key


class CountingWriter:
    """Counts and hashes what passes through; subclasses store it."""

    def __init__(self, max_bytes: int | None) -> None:
        self.size = 0
        self.max_bytes = max_bytes
        self._hash = hashlib.sha256()
        self._buf = bytearray()

    async def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.max_bytes is not None and self.size > self.max_bytes:
            raise SizeLimitExceeded(self.max_bytes)
        self._hash.update(data)
        self._buf += data
        if len(self._buf) >= self._flush_at:
            await self._flush()

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    _flush_at = LOCAL_FLUSH

    async def _flush(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class Storage(Protocol):
    def writer(self, key: str, *, max_bytes: int | None = None) -> Any: ...
    async def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]: ...
    async def size(self, key: str) -> int: ...
    async def exists(self, key: str) -> bool: ...
    async def delete(self, key: str) -> None: ...
    def local_path(self, key: str) -> Any: ...
    async def put_file(self, key: str, path: Path) -> StoredObject: ...
    async def check(self) -> None: ...


async def save_stream(
    storage: Storage, key: str, chunks: AsyncIterable[bytes], *, max_bytes: int | None = None
) -> StoredObject:
    """Stores an async stream of bytes; on any error (the size limit included) nothing is left behind."""
    async with storage.writer(key, max_bytes=max_bytes) as w:
        async for chunk in chunks:
            await w.write(chunk)
    return StoredObject(key, w.size, w.sha256)


async def file_chunks(path: Path) -> AsyncIterator[bytes]:
    f = await asyncio.to_thread(open, path, "rb")
    try:
        while chunk := await asyncio.to_thread(f.read, S3_PART):
            yield chunk
    finally:
        f.close()


# ---------------------------------------------------------------- local directory


class _LocalWriter(CountingWriter):
    def __init__(self, path: Path, max_bytes: int | None) -> None:
        super().__init__(max_bytes)
        self.path = path
        self.part = path.with_name(path.name + ".part")
        self.part.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.part, "wb")  # noqa: SIM115  closed in finish/abort

    async def _flush(self) -> None:
        data, self._buf = bytes(self._buf), bytearray()
        await asyncio.to_thread(self._file.write, data)

    async def finish(self) -> None:
        await self._flush()
        self._file.close()
        os.replace(self.part, self.path)  # atomic: a reader never sees half a file under the real key

    def abort(self) -> None:
        self._file.close()
        self.part.unlink(missing_ok=True)


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    @asynccontextmanager
    async def writer(self, key: str, *, max_bytes: int | None = None) -> AsyncIterator[_LocalWriter]:
        w = _LocalWriter(self.path(key), max_bytes)
        try:
            yield w
            await w.finish()
        except BaseException:
            w.abort()
            raise

    async def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Bytes start..end inclusive (end None: to the end of the file)."""
        f = await asyncio.to_thread(open, self.path(key), "rb")
        try:
            f.seek(start)
            left = None if end is None else end - start + 1
            while left is None or left > 0:
                n = READ_CHUNK if left is None else min(READ_CHUNK, left)
                chunk = await asyncio.to_thread(f.read, n)
                if not chunk:
                    break
                if left is not None:
                    left -= len(chunk)
                yield chunk
        finally:
            f.close()

    async def size(self, key: str) -> int:
        return self.path(key).stat().st_size

    async def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    async def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    @asynccontextmanager
    async def local_path(self, key: str) -> AsyncIterator[Path]:
        yield self.path(key)

    async def put_file(self, key: str, path: Path) -> StoredObject:
        return await save_stream(self, key, file_chunks(path))

    async def check(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise StorageError(f"{self.root} is not writable")


def make_storage(settings: Settings) -> Storage:
    if settings.storage_backend == "s3":
        from veritasad.core.storage_s3 import S3Storage

        return S3Storage(settings)
    return LocalStorage(settings.media_dir)


_built: dict[int, tuple[Settings, Storage]] = {}


def get_storage(settings: Settings | None = None) -> Storage:
    """One storage per settings object (the process has one; tests build their own)."""
    settings = settings or get_settings()
    hit = _built.get(id(settings))
    if hit is None or hit[0] is not settings:
        hit = (settings, make_storage(settings))
        _built[id(settings)] = hit
    return hit[1]
