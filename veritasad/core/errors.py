"""Stable error codes and the exception types that carry them to clients."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    # generic
    VALIDATION_ERROR = "VALIDATION_ERROR"
    MALFORMED_JSON = "MALFORMED_JSON"
    BODY_TOO_LARGE = "BODY_TOO_LARGE"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    CONFLICT = "CONFLICT"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    RATE_LIMITED = "RATE_LIMITED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    # auth
    NOT_AUTHENTICATED = "NOT_AUTHENTICATED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    TOKEN_INVALID = "TOKEN_INVALID"
    API_KEY_INVALID = "API_KEY_INVALID"
    API_KEY_REVOKED = "API_KEY_REVOKED"
    CSRF_FAILED = "CSRF_FAILED"
    FORBIDDEN = "FORBIDDEN"
    USER_BANNED = "USER_BANNED"
    USER_INACTIVE = "USER_INACTIVE"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    # plans
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"
    # media and analysis
    UNSUPPORTED_MEDIA = "UNSUPPORTED_MEDIA"
    CORRUPT_MEDIA = "CORRUPT_MEDIA"
    NO_STREAMS = "NO_STREAMS"
    EMPTY_MEDIA = "EMPTY_MEDIA"
    MEDIA_TOO_LARGE = "MEDIA_TOO_LARGE"
    MEDIA_TOO_LONG = "MEDIA_TOO_LONG"
    URL_NOT_ALLOWED = "URL_NOT_ALLOWED"
    DOWNLOAD_FAILED = "DOWNLOAD_FAILED"
    DOWNLOAD_TOO_LARGE = "DOWNLOAD_TOO_LARGE"
    ANALYSIS_FAILED = "ANALYSIS_FAILED"
    ANALYSIS_NOT_READY = "ANALYSIS_NOT_READY"
    RANGE_NOT_SATISFIABLE = "RANGE_NOT_SATISFIABLE"
    TIMEOUT = "TIMEOUT"
    # leads
    INVALID_STAGE = "INVALID_STAGE"
    IMPORT_INVALID = "IMPORT_INVALID"


_STATUS: dict[ErrorCode, int] = {
    ErrorCode.VALIDATION_ERROR: 422,
    ErrorCode.MALFORMED_JSON: 400,
    ErrorCode.BODY_TOO_LARGE: 413,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.CONFLICT: 409,
    ErrorCode.INTERNAL_ERROR: 500,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
    ErrorCode.NOT_AUTHENTICATED: 401,
    ErrorCode.INVALID_CREDENTIALS: 401,
    ErrorCode.TOKEN_EXPIRED: 401,
    ErrorCode.TOKEN_INVALID: 401,
    ErrorCode.API_KEY_INVALID: 401,
    ErrorCode.API_KEY_REVOKED: 401,
    ErrorCode.CSRF_FAILED: 403,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.USER_BANNED: 403,
    ErrorCode.USER_INACTIVE: 403,
    ErrorCode.EMAIL_TAKEN: 409,
    ErrorCode.QUOTA_EXCEEDED: 429,
    ErrorCode.UNSUPPORTED_MEDIA: 415,
    ErrorCode.CORRUPT_MEDIA: 422,
    ErrorCode.NO_STREAMS: 422,
    ErrorCode.EMPTY_MEDIA: 422,
    ErrorCode.MEDIA_TOO_LARGE: 413,
    ErrorCode.MEDIA_TOO_LONG: 422,
    ErrorCode.URL_NOT_ALLOWED: 400,
    ErrorCode.DOWNLOAD_FAILED: 502,
    ErrorCode.DOWNLOAD_TOO_LARGE: 413,
    ErrorCode.ANALYSIS_FAILED: 500,
    ErrorCode.ANALYSIS_NOT_READY: 409,
    ErrorCode.RANGE_NOT_SATISFIABLE: 416,
    ErrorCode.TIMEOUT: 504,
    ErrorCode.INVALID_STAGE: 422,
    ErrorCode.IMPORT_INVALID: 422,
}


def http_status(code: ErrorCode) -> int:
    return _STATUS.get(code, 400)


class AppError(Exception):
    """An error a client may see: a stable code, a human message and optional details."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        details: Any = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.status = status or http_status(code)
        self.headers = headers or {}


class TransientError(Exception):
    """A failure worth retrying (a remote service hiccup); jobs retry it with backoff."""


class NotFound(AppError):
    def __init__(self, what: str, details: Any = None) -> None:
        super().__init__(ErrorCode.NOT_FOUND, f"{what} not found", details=details)


class Forbidden(AppError):
    def __init__(self, message: str = "You may not do this", code: ErrorCode = ErrorCode.FORBIDDEN) -> None:
        super().__init__(code, message)
