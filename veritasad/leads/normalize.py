"""Normalise what people type about a lead, so that the same company is recognised whatever the spelling.

Pure functions: each returns the canonical form or raises ValueError with a message fit for a client.
- e-mail: lower case, the domain in its IDNA (ASCII) form: "Ivan@Пример.РФ" -> "ivan@xn--e1afmkfd.xn--p1ai"
- phone: E.164 via libphonenumber: "8 (916) 123-45-67" -> "+79161234567" (region RU by default)
- domain: from a bare host or any URL, without scheme, port, path or "www.", IDNA-encoded
- telegram: the username without "@" or t.me/, lower case
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

import idna
import phonenumbers
from email_validator import EmailNotValidError, validate_email

_TELEGRAM = re.compile(r"^[a-z][a-z0-9_]{4,31}$")
_TG_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me)/", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
MAX_TAG = 50


def normalize_email(value: str) -> str:
    value = value.strip()
    try:
        info = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid e-mail address: {exc}") from None
    return f"{info.local_part.lower()}@{info.ascii_domain.lower()}"


def normalize_phone(value: str, region: str = "RU") -> str:
    try:
        number = phonenumbers.parse(value.strip(), region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {exc}") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number for its country")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_domain(value: str) -> str:
    """A host name from a bare domain or a URL: "https://WWW.Example.com:443/x?y" -> "example.com"."""
    raw = value.strip()
    if not raw:
        raise ValueError("empty domain")
    host = urlsplit(raw if _SCHEME.match(raw) else f"//{raw}").hostname or ""
    host = host.rstrip(".").lower()
    host = host.removeprefix("www.")
    if "." not in host:
        raise ValueError(f"not a domain name: {value!r}")
    try:
        ascii_host = idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise ValueError(f"not a valid domain name: {exc}") from None
    if len(ascii_host) > 253 or ascii_host.replace(".", "").isdigit():
        raise ValueError(f"not a domain name: {value!r}")
    return ascii_host


def normalize_domains(values: list[str]) -> list[str]:
    """Normalised and de-duplicated, first spelling's order kept."""
    return list(dict.fromkeys(normalize_domain(v) for v in values if v and v.strip()))


def normalize_telegram(value: str) -> str:
    name = _TG_PREFIX.sub("", value.strip()).lstrip("@").strip("/").lower()
    if not _TELEGRAM.match(name):
        raise ValueError("a Telegram username is 5-32 letters, digits or _, starting with a letter")
    return name


def normalize_tags(values: list[str]) -> list[str]:
    tags = []
    for value in values:
        tag = _SPACES.sub(" ", value.strip().lower())
        if not tag:
            continue
        if len(tag) > MAX_TAG or any(c in tag for c in ',"'):
            raise ValueError(f"a tag is at most {MAX_TAG} characters without commas or quotes: {value!r}")
        tags.append(tag)
    return list(dict.fromkeys(tags))


def name_key(value: str) -> str:
    """How two spellings of a brand name compare: case, accents, punctuation and spacing ignored."""
    folded = unicodedata.normalize("NFKD", value.casefold())
    kept = "".join(c if c.isalnum() else " " for c in folded if not unicodedata.combining(c))
    return " ".join(kept.split())


def search_text(*parts: str | None) -> str:
    """The case-folded haystack for text search (see models/lead.py)."""
    return " ".join(p.casefold() for p in parts if p)
