"""Helpers for page tests: sign in through the real forms; a report to show."""

from __future__ import annotations

import re

import httpx

PASSWORD = "correct horse battery"


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    page = await client.get("/login")
    return await client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf_from(page.text)}
    )


REPORT = {
    "schema_version": "1.0",
    "source": "promo.mp4",
    "media": {"duration": 60.0, "size_bytes": 1000, "format_name": "mp4", "has_audio": True, "has_video": True},
    "language": "en",
    "segments": [
        {
            "id": "s1", "start": 12.0, "end": 27.5, "kind": "sponsor", "confidence": 0.91,
            "advertiser": {"name": "Acme VPN", "domains": ["acmevpn.com"], "promo_codes": ["ACME20"],
                           "urls": ["https://acmevpn.com/promo"]},
            "evidence": [
                {"type": "speech", "start": 12.5, "end": 16.0, "text": "This video is sponsored by Acme VPN"},
                {"type": "ocr", "start": 14.0, "end": 18.0, "text": "acmevpn.com code ACME20"},
            ],
            "disclosure": {
                "verdict": "partially_disclosed",
                "rules": [{"regime": "38-FZ", "satisfied": False, "found": ["advertiser"], "missing": ["erid"]}],
                "deciding_rule": "38-FZ: no erid token",
            },
            "decided_by": "rules",
        }
    ],
}  # fmt: skip
