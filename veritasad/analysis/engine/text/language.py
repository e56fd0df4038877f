"""A language guess for text that arrives without one (captions, eval transcripts): Cyrillic or Latin letters."""

from __future__ import annotations

import re

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


def guess_language(text: str) -> str | None:
    """"ru" when most letters are Cyrillic, "en" when most are Latin, None when there are hardly any letters."""
    cyr, lat = len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))
    if cyr + lat < 10:
        return None
    return "ru" if cyr > lat else "en"
