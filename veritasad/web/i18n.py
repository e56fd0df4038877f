"""Russian and English interface text: flat JSON catalogues (locales/<lang>.json) and the choice of language.

The language comes from the `lang` cookie (set by the switch), else from Accept-Language, else English.
Other contexts with pages of their own (leads) may add keys with `add_messages`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

SUPPORTED = ("ru", "en")
DEFAULT = "en"
LANG_COOKIE = "lang"
_DIR = Path(__file__).parent / "locales"
_extra: dict[str, dict[str, str]] = {lang: {} for lang in SUPPORTED}


@lru_cache
def catalogue(lang: str) -> dict[str, str]:
    return json.loads((_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def add_messages(messages: dict[str, dict[str, str]]) -> None:
    """Registers more keys, e.g. {"ru": {"leads.title": "Лиды"}, "en": {...}}."""
    for lang, entries in messages.items():
        if lang in _extra:
            _extra[lang].update(entries)


def translate(lang: str, key: str, **values: Any) -> str:
    """The message for `key` in `lang`, falling back to English and then to the key itself (a missing
    key shows up on the page instead of failing the request)."""
    text = (
        catalogue(lang).get(key)
        or _extra.get(lang, {}).get(key)
        or catalogue(DEFAULT).get(key)
        or _extra[DEFAULT].get(key)
        or key
    )
    return text.format(**values) if values else text


def parse_accept_language(header: str | None) -> list[str]:
    """Primary language tags in the order of preference (q-values honoured; q=0 dropped)."""
    if not header:
        return []
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, index, tag.split("-")[0].lower()))
    return [tag for _, _, tag in sorted(ranked)]


def choose_language(cookie: str | None, accept_language: str | None) -> str:
    if cookie in SUPPORTED:
        return cookie
    for tag in parse_accept_language(accept_language):
        if tag in SUPPORTED:
            return tag
    return DEFAULT
