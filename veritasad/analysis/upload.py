"""Streams a multipart upload straight into storage.

FastAPI's UploadFile would first spool the whole body to a temporary file and only then let us look at
it; here the body is parsed as it arrives (python-multipart's push parser), the file part goes chunk by
chunk into the storage writer (which hashes it and enforces the plan's size limit), and the small text
fields are collected on the side. Memory stays flat whatever the size."""

from __future__ import annotations

from dataclasses import dataclass, field

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from veritasad.core.errors import AppError, ErrorCode
from veritasad.core.storage import SizeLimitExceeded, Storage, StoredObject

FILE_FIELD = "file"
MAX_FIELD_BYTES = 64 * 1024
MULTIPART_OVERHEAD = 64 * 1024  # boundaries, part headers and text fields around the file


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    content_type: str | None = None
    data: bytearray = field(default_factory=bytearray)


@dataclass
class Upload:
    stored: StoredObject
    filename: str | None
    content_type: str | None
    fields: dict[str, str]


def too_large(limit: int) -> AppError:
    return AppError(
        ErrorCode.MEDIA_TOO_LARGE,
        f"The file is larger than your plan allows ({limit} bytes)",
        details={"limit_bytes": limit},
    )


class _Collector:
    """python-multipart callbacks: file bytes go to `pending` (written to storage after each push),
    text fields to `fields`."""

    def __init__(self) -> None:
        self.part = _Part()
        self.header_field = bytearray()
        self.header_value = bytearray()
        self.headers: dict[str, str] = {}
        self.fields: dict[str, str] = {}
        self.pending: list[bytes] = []
        self.file: _Part | None = None
        self.in_file = False

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": lambda d, s, e: self.header_field.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self.header_value.extend(d[s:e]),
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
        }

    def on_part_begin(self) -> None:
        self.part, self.headers, self.in_file = _Part(), {}, False

    def on_header_end(self) -> None:
        self.headers[self.header_field.decode("latin-1").lower()] = self.header_value.decode(
            "utf-8", "replace"
        )
        self.header_field.clear()
        self.header_value.clear()

    def on_headers_finished(self) -> None:
        _, params = parse_options_header(self.headers.get("content-disposition", ""))
        self.part.name = params.get(b"name", b"").decode("utf-8", "replace")
        filename = params.get(b"filename")
        if self.part.name == FILE_FIELD and filename is not None:
            if self.file is not None:
                raise AppError(
                    ErrorCode.VALIDATION_ERROR, "Send one file per analysis", details={"field": FILE_FIELD}
                )
            self.part.filename = (
                filename.decode("utf-8", "replace").replace("\\", "/").rsplit("/", 1)[-1] or None
            )
            self.part.content_type = self.headers.get("content-type")
            self.file, self.in_file = self.part, True

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.in_file:
            self.pending.append(bytes(data[start:end]))
            return
        self.part.data.extend(data[start:end])
        if len(self.part.data) > MAX_FIELD_BYTES:
            raise AppError(ErrorCode.BODY_TOO_LARGE, f"The field {self.part.name!r} is too long")

    def on_part_end(self) -> None:
        if not self.in_file and self.part.name:
            self.fields[self.part.name] = self.part.data.decode("utf-8", "replace")
        self.in_file = False


async def receive_upload(request: Request, storage: Storage, key: str, max_bytes: int) -> Upload:
    """Stores the `file` part of a multipart request under `key`; raises MEDIA_TOO_LARGE (nothing left
    behind) as soon as more than `max_bytes` have arrived."""
    _, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if not boundary:
        raise AppError(ErrorCode.VALIDATION_ERROR, "A multipart body needs a boundary")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes + MULTIPART_OVERHEAD:
        raise too_large(max_bytes)
    collector = _Collector()
    parser = MultipartParser(boundary, collector.callbacks())
    try:
        async with storage.writer(key, max_bytes=max_bytes) as w:
            try:
                async for chunk in request.stream():
                    parser.write(chunk)
                    for piece in collector.pending:
                        await w.write(piece)
                    collector.pending.clear()
                parser.finalize()
            except RuntimeError:  # "Stream consumed": the cookie CSRF check read the form already
                await _copy_parsed_form(request, collector, w)
            if collector.file is None:
                raise AppError(
                    ErrorCode.VALIDATION_ERROR,
                    "Attach the video as the multipart field 'file'",
                    details={"field": FILE_FIELD},
                )
            if w.size == 0:
                raise AppError(ErrorCode.EMPTY_MEDIA, "The uploaded file is empty")
    except SizeLimitExceeded:
        raise too_large(max_bytes) from None
    except ClientDisconnect:
        raise AppError(ErrorCode.VALIDATION_ERROR, "The upload was interrupted") from None
    except ValueError as exc:  # python-multipart's parse errors
        raise AppError(ErrorCode.VALIDATION_ERROR, f"The multipart body is malformed: {exc}") from None
    file = collector.file
    return Upload(StoredObject(key, w.size, w.sha256), file.filename, file.content_type, collector.fields)


async def _copy_parsed_form(request: Request, collector: _Collector, w) -> None:
    """The slow path, for a page that sent its CSRF token as a form field instead of the header:
    Starlette has spooled the form to a temporary file; copy it over in chunks."""
    form = await request.form()
    for name, value in form.multi_items():
        if isinstance(value, str):
            collector.fields[name] = value
        elif name == FILE_FIELD and collector.file is None:
            collector.file = _Part(FILE_FIELD, value.filename, value.content_type)
            while chunk := await value.read(1024 * 1024):
                await w.write(chunk)
