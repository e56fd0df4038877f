"""ASGI middleware: request id + access log + metrics, security headers, body size limit."""

from __future__ import annotations

import re
import time

import structlog
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from veritasad.core.context import new_request_id, request_id_var
from veritasad.core.errors import AppError, ErrorCode
from veritasad.core.metrics import observe_request

log = structlog.stdlib.get_logger("veritasad.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")


class RequestContextMiddleware:
    """Honours a sane incoming X-Request-ID (or makes one), binds it to every log line of the request,
    returns it, logs one access line and records the request's metrics by route template."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = incoming if _SAFE_ID.match(incoming) else new_request_id()
        request_id_var.set(rid)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=rid)
        status = 500
        began = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append("X-Request-ID", rid)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - began
            route = scope.get("route")
            template = getattr(route, "path", None) or "<unmatched>"
            observe_request(scope["method"], template, status, seconds)
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                route=template,
                status=status,
                duration_ms=round(seconds * 1000, 1),
                client=(scope.get("client") or ("-",))[0],
            )


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, csp: str, hsts: bool) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": csp,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin",
            "X-Frame-Options": "DENY",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        }
        if hsts:
            self.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_secure)


class BodyLimitMiddleware:
    """Rejects bodies over the limit: early from Content-Length, and while streaming for chunked bodies.
    Multipart uploads get the larger `upload_limit`; the analysis service enforces the plan's own limit."""

    def __init__(self, app: ASGIApp, *, limit: int, upload_limit: int) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        is_upload = headers.get(b"content-type", b"").startswith(b"multipart/form-data")
        limit = self.upload_limit if is_upload else self.limit
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await self._reply_too_large(scope, receive, send, limit)
            return
        seen = 0
        exceeded = False
        replied = False

        async def counting_receive() -> Message:
            nonlocal seen, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # Stop reading; whatever the app answers to the cut body, the client gets a 413.
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal replied
            if not exceeded:
                await send(message)
            elif not replied:
                replied = True
                await self._reply_too_large(scope, receive, send, limit)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not replied:
            await self._reply_too_large(scope, receive, send, limit)

    @staticmethod
    async def _reply_too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        from veritasad.core.handlers import error_response

        await error_response(_too_large(limit))(scope, receive, send)


def _too_large(limit: int) -> AppError:
    return AppError(
        ErrorCode.BODY_TOO_LARGE, f"The request body is larger than {limit} bytes", details={"limit": limit}
    )
