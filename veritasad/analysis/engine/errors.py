"""Errors the engine raises; `code` is one of veritasad.core.errors.ErrorCode's values."""

from __future__ import annotations


class EngineError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class MediaError(EngineError):
    """The input is not usable media: UNSUPPORTED_MEDIA, CORRUPT_MEDIA, NO_STREAMS, EMPTY_MEDIA, MEDIA_TOO_LONG."""
