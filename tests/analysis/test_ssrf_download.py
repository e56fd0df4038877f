"""SSRF-safe downloads against a real local HTTP server."""

from __future__ import annotations

import hashlib
import ipaddress
import os

import pytest

from veritasad.analysis.download import (
    DownloadError,
    Limits,
    address_allowed,
    download,
    extract_with_ytdlp,
    find_media_links,
    is_platform_url,
    resolve_checked,
)
from veritasad.core.errors import ErrorCode
from veritasad.core.storage import LocalStorage

LOOPBACK = Limits(max_bytes=10_000_000, timeout=10, allow_loopback=True)


@pytest.fixture
def storage(tmp_path):
    return LocalStorage(tmp_path / "media")


async def test_direct_file_is_streamed_into_storage(media_server, storage):
    data = os.urandom(300_000)
    url = media_server.add("/v.mp4", body=data, headers={"Content-Type": "video/mp4"})
    got = await download(url, storage, "k/v", LOOPBACK)
    assert got.stored.sha256 == hashlib.sha256(data).hexdigest()
    assert got.stored.size == len(data) and got.content_type == "video/mp4" and got.filename == "v.mp4"
    assert (storage.root / "k/v").read_bytes() == data


async def test_redirects_are_followed_and_rechecked(media_server, storage):
    media_server.add("/v.mp4", body=b"x" * 1000, headers={"Content-Type": "video/mp4"})
    url = media_server.add("/go", status=302, headers={"Location": "/v.mp4"})
    got = await download(url, storage, "k/v", LOOPBACK)
    assert got.final_url.endswith("/v.mp4") and got.stored.size == 1000

    evil = media_server.add(
        "/evil", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    with pytest.raises(DownloadError) as exc:
        await download(evil, storage, "k/evil", LOOPBACK)
    assert exc.value.code == ErrorCode.URL_NOT_ALLOWED
    assert not (storage.root / "k/evil").exists()


async def test_loopback_refused_unless_allowed(media_server, storage):
    url = media_server.add("/v.mp4", body=b"x")
    with pytest.raises(DownloadError) as exc:
        await download(url, storage, "k/v", Limits(max_bytes=100, timeout=5))
    assert exc.value.code == ErrorCode.URL_NOT_ALLOWED
    assert media_server.hits.get("/v.mp4") is None  # refused before connecting


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5/a.mp4",
        "http://192.168.1.1/a.mp4",
        "http://172.16.0.1/a.mp4",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",
        "http://[::1]/a.mp4",
        "http://[fd00:ec2::254]/a.mp4",
        "http://[::ffff:10.0.0.1]/a.mp4",
        "http://0.0.0.0/a.mp4",
        "http://224.0.0.1/a.mp4",
        "http://127.0.0.1/a.mp4",
        "file:///etc/passwd",
        "ftp://example.com/a.mp4",
        "http://user:pw@example.com/a.mp4",
        "not a url",
    ],
)
async def test_refused_urls(url):
    with pytest.raises(DownloadError) as exc:
        await resolve_checked(url, allow_loopback=False)
    assert exc.value.code == ErrorCode.URL_NOT_ALLOWED


def test_address_rules():
    assert address_allowed(ipaddress.ip_address("93.184.216.34"), False)
    assert not address_allowed(ipaddress.ip_address("127.0.0.1"), False)
    assert address_allowed(ipaddress.ip_address("127.0.0.1"), True)
    assert not address_allowed(ipaddress.ip_address("10.1.2.3"), True)  # loopback switch allows only loopback
    assert not address_allowed(ipaddress.ip_address("ff02::1"), False)


async def test_size_cap_by_header_and_while_streaming(media_server, storage):
    small = Limits(max_bytes=50_000, timeout=10, allow_loopback=True)
    url = media_server.add("/big", body=b"x" * 100_000)
    with pytest.raises(DownloadError) as exc:
        await download(url, storage, "k/big", small)
    assert exc.value.code == ErrorCode.DOWNLOAD_TOO_LARGE
    url = media_server.add("/big-chunked", body=b"x" * 200_000, chunked=True)
    with pytest.raises(DownloadError) as exc:
        await download(url, storage, "k/big2", small)
    assert exc.value.code == ErrorCode.DOWNLOAD_TOO_LARGE
    assert list(storage.root.rglob("*.part")) == [] and not (storage.root / "k/big2").exists()


async def test_http_errors_transient_or_not(media_server, storage):
    with pytest.raises(DownloadError) as exc:
        await download(media_server.url("/missing"), storage, "k/m", LOOPBACK)
    assert exc.value.code == ErrorCode.DOWNLOAD_FAILED and not exc.value.transient
    url = media_server.add("/down", status=503, body=b"busy")
    with pytest.raises(DownloadError) as exc:
        await download(url, storage, "k/d", LOOPBACK)
    assert exc.value.code == ErrorCode.DOWNLOAD_FAILED and exc.value.transient


async def test_time_cap(media_server, storage):
    url = media_server.add("/slow", body=b"x", delay=3)
    with pytest.raises(DownloadError) as exc:
        await download(url, storage, "k/s", Limits(max_bytes=100, timeout=0.5, allow_loopback=True))
    assert exc.value.code == ErrorCode.DOWNLOAD_FAILED and exc.value.transient


async def test_web_page_with_video_tag(media_server, storage):
    media_server.add("/media/clip.mp4", body=b"m" * 5000, headers={"Content-Type": "video/mp4"})
    page = media_server.add(
        "/post",
        body=b'<html><video controls><source src="/media/clip.mp4"></video></html>',
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    got = await download(page, storage, "k/p", LOOPBACK)
    assert got.stored.size == 5000 and got.final_url.endswith("/media/clip.mp4")

    empty = media_server.add("/empty", body=b"<html><p>hi</p></html>", headers={"Content-Type": "text/html"})
    with pytest.raises(DownloadError) as exc:
        await download(empty, storage, "k/e", LOOPBACK)
    assert exc.value.code == ErrorCode.UNSUPPORTED_MEDIA


def test_find_media_links():
    html = '<meta property="og:video" content="https://cdn.example/v.mp4"><video src="a.webm"></video>'
    assert find_media_links(html, "https://site.example/post/1") == [
        "https://cdn.example/v.mp4",
        "https://site.example/post/a.webm",
    ]


def test_platform_detection():
    assert is_platform_url("https://www.youtube.com/watch?v=x")
    assert is_platform_url("https://youtu.be/x") and is_platform_url("https://t.me/channel/12")
    assert not is_platform_url("https://notyoutube.com/watch") and not is_platform_url(
        "https://example.com/v.mp4"
    )


@pytest.mark.slow  # yt-dlp loads all its extractors: seconds
async def test_ytdlp_extracts_the_media_url(media_server):
    media_server.add("/clip.mp4", body=b"m" * 5000, headers={"Content-Type": "video/mp4"})
    page = media_server.add(
        "/watch",
        body=b'<html><head><title>t</title></head><video src="/clip.mp4"></video></html>',
        headers={"Content-Type": "text/html"},
    )
    url, _headers = await extract_with_ytdlp(page, LOOPBACK)
    assert url == media_server.url("/clip.mp4")
    with pytest.raises(DownloadError) as exc:
        await extract_with_ytdlp(page, Limits(max_bytes=100, timeout=5))
    assert exc.value.code == ErrorCode.URL_NOT_ALLOWED
