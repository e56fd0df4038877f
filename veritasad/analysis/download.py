"""Fetch media from a link without letting the link reach inside our network (SSRF).

Every hop is checked: the host is resolved, every address it resolves to must be public (loopback only
when ALLOW_LOOPBACK_URLS is set, for tests), and the connection goes to the address that was checked, so
a second DNS answer cannot swap it (TLS still verifies the real host name through SNI). Redirects are
followed by hand and each target is checked again. Size and time are capped while streaming.

Platform pages (YouTube, VK, Rutube, Telegram …) go through yt-dlp, which only *extracts* the media URL;
the bytes are fetched by the same checked downloader. A plain web page is searched for <video>/<source>/
og:video links, which are fetched the same way."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from veritasad.core.errors import AppError, ErrorCode
from veritasad.core.storage import SizeLimitExceeded, Storage, StoredObject

MAX_REDIRECTS = 5
USER_AGENT = "VeritasAd/0.1 (+https://veritasad.local)"
PLATFORM_HOSTS = (
    "youtube.com", "youtu.be", "vk.com", "vk.ru", "vkvideo.ru", "rutube.ru", "t.me", "telegram.me",
    "dzen.ru", "ok.ru", "vimeo.com", "tiktok.com", "instagram.com", "twitch.tv",
)  # fmt: skip


class DownloadError(AppError):
    """A download that failed. `transient` failures (timeouts, 5xx, resets) are worth retrying."""

    def __init__(self, code: ErrorCode, message: str, *, transient: bool = False) -> None:
        super().__init__(code, message)
        self.transient = transient


@dataclass(frozen=True)
class Downloaded:
    stored: StoredObject
    final_url: str
    content_type: str | None
    filename: str | None


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    timeout: float
    allow_loopback: bool = False


def is_platform_url(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in PLATFORM_HOSTS)


def address_allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_loopback: bool) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return allow_loopback
    # is_global is False for private, link-local (169.254.169.254 metadata), CGNAT (100.64/10, Alibaba
    # metadata), reserved and unspecified ranges; multicast can be "global" so it is refused explicitly.
    return ip.is_global and not ip.is_multicast


async def resolve_checked(url: str, allow_loopback: bool) -> tuple[str, str, int]:
    """(host, address to connect to, port), or URL_NOT_ALLOWED."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise DownloadError(ErrorCode.URL_NOT_ALLOWED, "The link is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DownloadError(ErrorCode.URL_NOT_ALLOWED, "Only http and https links can be analysed")
    if parts.username or parts.password:
        raise DownloadError(ErrorCode.URL_NOT_ALLOWED, "Links with credentials are not accepted")
    host = parts.hostname
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise DownloadError(ErrorCode.DOWNLOAD_FAILED, f"The host {host} could not be resolved") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses or not all(address_allowed(a, allow_loopback) for a in addresses):
        raise DownloadError(ErrorCode.URL_NOT_ALLOWED, f"The host {host} is not a public address")
    return host, str(addresses[0]), port


def pinned_request(
    client: httpx.AsyncClient,
    url: str,
    host: str,
    address: str,
    headers: dict[str, str],
    *,
    method: str = "GET",
    content: bytes | None = None,
) -> httpx.Request:
    """A request to the checked address, carrying the real host name (Host header, TLS SNI and
    certificate check), so the connection cannot go anywhere the check did not see."""
    parts = urlsplit(url)
    netloc = f"[{address}]" if ":" in address else address
    if parts.port:
        netloc += f":{parts.port}"
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host_header = host if not parts.port else f"{host}:{parts.port}"
    return client.build_request(
        method,
        pinned,
        headers={**headers, "Host": host_header},
        content=content,
        extensions={"sni_hostname": host},
    )


def _filename(url: str, response: httpx.Response) -> str | None:
    cd = response.headers.get("content-disposition", "")
    if "filename=" in cd:
        return cd.split("filename=", 1)[1].strip().strip('"')[:255] or None
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name[:255] or None


async def _open(
    client: httpx.AsyncClient, url: str, limits: Limits, headers: dict[str, str]
) -> tuple[httpx.Response, str]:
    """Follows redirects by hand, checking each target; returns the final streamed response."""
    for _ in range(MAX_REDIRECTS + 1):
        host, address, _port = await resolve_checked(url, limits.allow_loopback)
        response = await client.send(pinned_request(client, url, host, address, headers), stream=True)
        if response.is_redirect and "location" in response.headers:
            await response.aclose()
            url = urljoin(url, response.headers["location"])
            continue
        if response.status_code >= 400:
            await response.aclose()
            transient = response.status_code >= 500 or response.status_code == 429
            raise DownloadError(
                ErrorCode.DOWNLOAD_FAILED, f"The server answered {response.status_code}", transient=transient
            )
        return response, url
    raise DownloadError(ErrorCode.DOWNLOAD_FAILED, f"More than {MAX_REDIRECTS} redirects")


async def _stream_to_storage(
    response: httpx.Response, storage: Storage, key: str, limits: Limits
) -> StoredObject:
    length = response.headers.get("content-length")
    if length and length.isdigit() and int(length) > limits.max_bytes:
        raise DownloadError(ErrorCode.DOWNLOAD_TOO_LARGE, f"The file is larger than {limits.max_bytes} bytes")
    try:
        async with storage.writer(key, max_bytes=limits.max_bytes) as w:
            async for chunk in response.aiter_bytes():
                await w.write(chunk)
    except SizeLimitExceeded:
        raise DownloadError(
            ErrorCode.DOWNLOAD_TOO_LARGE, f"The file is larger than {limits.max_bytes} bytes"
        ) from None
    return StoredObject(key, w.size, w.sha256)


async def download(url: str, storage: Storage, key: str, limits: Limits) -> Downloaded:
    """Fetches the media behind `url` into storage under `key`."""
    try:
        async with asyncio.timeout(limits.timeout):
            if is_platform_url(url):
                media_url, headers = await extract_with_ytdlp(url, limits)
                return await _fetch_media(media_url, storage, key, limits, headers, page_url=url)
            return await _fetch_media(url, storage, key, limits, {}, page_url=None)
    except TimeoutError:
        raise DownloadError(
            ErrorCode.DOWNLOAD_FAILED, f"The download took longer than {limits.timeout:g} s", transient=True
        ) from None
    except httpx.HTTPError as exc:
        raise DownloadError(
            ErrorCode.DOWNLOAD_FAILED, f"The download failed: {type(exc).__name__}", transient=True
        ) from None


async def _fetch_media(
    url: str, storage: Storage, key: str, limits: Limits, headers: dict[str, str], page_url: str | None
) -> Downloaded:
    timeout = httpx.Timeout(30.0, read=60.0)
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        response, final_url = await _open(client, url, limits, {"User-Agent": USER_AGENT, **headers})
        try:
            ctype = (response.headers.get("content-type") or "").split(";")[0].strip().lower() or None
            if ctype in ("text/html", "application/xhtml+xml"):
                if page_url is not None:  # a page that led to another page: stop here
                    raise DownloadError(
                        ErrorCode.UNSUPPORTED_MEDIA, "The link leads to a web page, not to a video"
                    )
                page = await _read_capped(response, 2 * 1024 * 1024)
                media = find_media_links(page.decode(response.encoding or "utf-8", "replace"), final_url)
                if not media:
                    raise DownloadError(ErrorCode.UNSUPPORTED_MEDIA, "No video was found on that page")
                await response.aclose()
                return await _fetch_media(media[0], storage, key, limits, headers, page_url=final_url)
            stored = await _stream_to_storage(response, storage, key, limits)
            return Downloaded(stored, final_url, ctype, _filename(final_url, response))
        finally:
            await response.aclose()


async def _read_capped(response: httpx.Response, cap: int) -> bytes:
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > cap:
            break
    return bytes(body[:cap])


OG_VIDEO = ("og:video", "og:video:url", "og:video:secure_url")


class _MediaLinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("video", "source") and a.get("src"):
            self.links.append(a["src"] or "")
        elif tag == "meta" and (a.get("property") or a.get("name")) in OG_VIDEO and a.get("content"):
            self.links.append(a["content"] or "")


def find_media_links(html: str, base_url: str) -> list[str]:
    parser = _MediaLinkParser()
    parser.feed(html)
    out: list[str] = []
    for link in parser.links:
        absolute = urljoin(base_url, link.strip())
        if urlsplit(absolute).scheme in ("http", "https") and absolute not in out:
            out.append(absolute)
    return out


async def extract_with_ytdlp(url: str, limits: Limits) -> tuple[str, dict[str, str]]:
    """Asks yt-dlp for a progressive (single-file, http) format's URL; the page host is checked first."""
    await resolve_checked(url, limits.allow_loopback)
    info = await asyncio.to_thread(_ytdlp_info, url, limits)
    media_url = info.get("url")
    if not media_url:
        raise DownloadError(ErrorCode.UNSUPPORTED_MEDIA, "No downloadable video was found at that link")
    size = info.get("filesize") or info.get("filesize_approx")
    if size and size > limits.max_bytes:
        raise DownloadError(
            ErrorCode.DOWNLOAD_TOO_LARGE, f"The video is larger than {limits.max_bytes} bytes"
        )
    headers = {
        k: v for k, v in (info.get("http_headers") or {}).items() if k.lower() not in ("host", "cookie")
    }
    return media_url, headers


def _ytdlp_info(url: str, limits: Limits) -> dict[str, Any]:
    import yt_dlp

    options = {
        "quiet": True,
        "no_warnings": True,
        "noplaylist": True,
        "skip_download": True,
        "socket_timeout": min(30.0, limits.timeout),
        "format": "best[protocol^=http][vcodec!=none][acodec!=none]/best[protocol^=http]",
        "max_filesize": limits.max_bytes,
        "proxy": "",
        "cachedir": False,
    }
    try:
        with yt_dlp.YoutubeDL(options) as ydl:
            info = ydl.extract_info(url, download=False)
    except yt_dlp.utils.DownloadError as exc:
        message = str(exc).replace("ERROR: ", "")[:300]
        raise DownloadError(ErrorCode.DOWNLOAD_FAILED, f"The video could not be fetched: {message}") from None
    if info and info.get("_type") == "playlist":
        entries = [e for e in info.get("entries") or [] if e]
        info = entries[0] if entries else None
    return dict(info or {})
