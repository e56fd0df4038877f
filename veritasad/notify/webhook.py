"""Signed webhooks: POST a JSON body to the analysis's callback_url.

Signature (like Stripe's): header `X-VeritasAd-Signature: t=<unix time>,v1=<hex HMAC-SHA256>` over
`"<t>." + body`, keyed with the user's signing secret (GET /api/v1/webhooks/secret). Receivers check the
HMAC and that t is recent, which stops forgeries and replays. Delivery is SSRF-safe like downloads."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import httpx

from veritasad.analysis.download import pinned_request, resolve_checked

SIGNATURE_HEADER = "X-VeritasAd-Signature"
EVENT_HEADER = "X-VeritasAd-Event"
TOLERANCE_SECONDS = 300


def signing_secret(secret_key: str, user_id: int) -> str:
    """Derived per user from SECRET_KEY: nothing to store, and one user's secret says nothing of another's."""
    return "whsec_" + hmac.new(secret_key.encode(), f"webhook:{user_id}".encode(), hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify(secret: str, header: str, body: bytes, *, now: float | None = None) -> bool:
    """What a receiver does; also used by the tests."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        t = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((time.time() if now is None else now) - t) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, body, t).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str).encode()


async def post(
    url: str, body: bytes, headers: dict[str, str], *, allow_loopback: bool, timeout: float = 10.0
) -> int:
    """One delivery attempt; returns the HTTP status. Redirects are not followed (a webhook URL is exact)."""
    host, address, _ = await resolve_checked(url, allow_loopback)
    headers = {"Content-Type": "application/json", "User-Agent": "VeritasAd-Webhook/1", **headers}
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        request = pinned_request(client, url, host, address, headers, method="POST", content=body)
        response = await client.send(request)
        return response.status_code
