"""Helpers for the analysis service tests: generated media, SSE parsing, waiting on the API."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from veritasad.testing.media import Line, Overlay, Script, make_media

AD_SCRIPT = Script(
    duration=6.0,
    lines=[
        Line(0.3, "This video is sponsored by Skyline VPN."),
        Line(3.0, "Use promo code SKY20 at skyline vpn dot com."),
    ],
    overlays=[Overlay(0.0, 6.0, text="skylinevpn.com  promo SKY20")],
    width=320,
    height=180,
    fps=10,
)


def make_video(folder: Path, name: str = "ad.mp4", script: Script = AD_SCRIPT) -> Path:
    out = folder / name
    if not out.exists():
        make_media(script, out)
    return out


@dataclass
class SSE:
    event: str
    id: str | None
    data: dict


def parse_sse(text: str) -> list[SSE]:
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, eid, data = "message", None, []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("id:"):
                eid = line[3:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        if data:
            events.append(SSE(name, eid, json.loads("\n".join(data))))
    return events


async def upload(client: httpx.AsyncClient, headers: dict, path: Path, **fields) -> httpx.Response:
    data = {k: (json.dumps(v) if isinstance(v, dict) else str(v)) for k, v in fields.items()}
    files = {"file": (path.name, path.read_bytes(), "video/mp4")}  # test media is small
    return await client.post("/api/v1/analyses", headers=headers, files=files, data=data)


async def wait_finished(
    client: httpx.AsyncClient, headers: dict, analysis_id: str, timeout: float = 120
) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = await client.get(f"/api/v1/analyses/{analysis_id}/status", headers=headers)
        assert r.status_code == 200, r.text
        if r.json()["status"] in ("done", "failed"):
            return r.json()
        await asyncio.sleep(0.2)
    raise AssertionError(f"analysis {analysis_id} did not finish in {timeout} s")


async def wait_until(check, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("condition not met in time")


async def wait_until_async(check, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError("condition not met in time")
