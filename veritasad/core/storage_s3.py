"""S3-compatible storage (AWS S3, MinIO, Ceph …): multipart uploads while streaming, ranged GETs.
boto3 is synchronous, so its calls run in threads."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from veritasad.core.settings import Settings
from veritasad.core.storage import (
    READ_CHUNK,
    S3_PART,
    CountingWriter,
    StoredObject,
    check_key,
    file_chunks,
    save_stream,
)


class _S3Writer(CountingWriter):
    _flush_at = S3_PART

    def __init__(self, client: Any, bucket: str, key: str, max_bytes: int | None) -> None:
        super().__init__(max_bytes)
        self.client, self.bucket, self.key = client, bucket, key
        self.upload_id: str | None = None
        self.parts: list[dict[str, Any]] = []

    async def _flush(self) -> None:
        if not self._buf:
            return
        if self.upload_id is None:
            r = await asyncio.to_thread(self.client.create_multipart_upload, Bucket=self.bucket, Key=self.key)
            self.upload_id = r["UploadId"]
        data, self._buf = bytes(self._buf), bytearray()
        n = len(self.parts) + 1
        r = await asyncio.to_thread(
            self.client.upload_part,
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self.upload_id,
            PartNumber=n,
            Body=data,
        )
        self.parts.append({"PartNumber": n, "ETag": r["ETag"]})

    async def finish(self) -> None:
        if self.upload_id is None:  # small object: one PUT
            body, self._buf = bytes(self._buf), bytearray()
            await asyncio.to_thread(self.client.put_object, Bucket=self.bucket, Key=self.key, Body=body)
            return
        await self._flush()
        await asyncio.to_thread(
            self.client.complete_multipart_upload,
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self.upload_id,
            MultipartUpload={"Parts": self.parts},
        )

    async def abort(self) -> None:
        if self.upload_id is not None:
            await asyncio.to_thread(
                self.client.abort_multipart_upload, Bucket=self.bucket, Key=self.key, UploadId=self.upload_id
            )


class S3Storage:
    def __init__(self, settings: Settings) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = settings.s3_bucket
        self.client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key,
            aws_secret_access_key=settings.s3_secret_key,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, max_pool_connections=32),
        )

    @asynccontextmanager
    async def writer(self, key: str, *, max_bytes: int | None = None) -> AsyncIterator[_S3Writer]:
        w = _S3Writer(self.client, self.bucket, check_key(key), max_bytes)
        try:
            yield w
            await w.finish()
        except BaseException:
            await asyncio.shield(w.abort())
            raise

    async def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        rng = f"bytes={start}-{'' if end is None else end}"
        r = await asyncio.to_thread(self.client.get_object, Bucket=self.bucket, Key=check_key(key), Range=rng)
        body = r["Body"]
        try:
            while chunk := await asyncio.to_thread(body.read, READ_CHUNK):
                yield chunk
        finally:
            body.close()

    async def size(self, key: str) -> int:
        r = await asyncio.to_thread(self.client.head_object, Bucket=self.bucket, Key=check_key(key))
        return int(r["ContentLength"])

    async def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            await self.size(key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=check_key(key))

    @asynccontextmanager
    async def local_path(self, key: str) -> AsyncIterator[Path]:
        """The worker's tools want a file: download to a temporary one, removed afterwards."""
        tmp = Path(tempfile.mkdtemp(prefix="veritasad-"))
        try:
            path = tmp / "media"
            await asyncio.to_thread(self.client.download_file, self.bucket, check_key(key), str(path))
            yield path
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    async def put_file(self, key: str, path: Path) -> StoredObject:
        return await save_stream(self, key, file_chunks(path))

    async def check(self) -> None:
        await asyncio.to_thread(self.client.head_bucket, Bucket=self.bucket)

    async def ensure_bucket(self) -> None:
        from botocore.exceptions import ClientError

        try:
            await self.check()
        except ClientError:
            await asyncio.to_thread(self.client.create_bucket, Bucket=self.bucket)
