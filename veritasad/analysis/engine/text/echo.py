"""Brand echo: an ad read names its advertiser again and again, and somewhere it gives the advertiser's link or code.
An utterance that names a brand whose domain or promo code is said nearby belongs to the read, even when it carries
no cue of its own ("Everyone on our team uses Corewell Fit." … "corewell fit dot com").

The brand is what the link says: the domain's name ("corewellfit"), and for a spoken domain also the name joined
with the word before it, since ASR splits "corewell fit dot com" into words. A code names its brand too often to
ignore ("LOOM15" → "loom"); names shorter than MIN_NAME are dropped, being ordinary words too often.
"""

from __future__ import annotations

import re

import numpy as np

from veritasad.analysis.engine.text.signals import find_promo_codes, find_urls, normalise_spoken
from veritasad.analysis.engine.types import Utterance

REACH_SECONDS = 60.0  # how far from the link or code a mention still belongs to the same read
MIN_NAME = 5  # shorter names ("fit", "go") are ordinary words too often
_WORD = re.compile(r"[\wа-яё]+", re.IGNORECASE)
_GENERIC = {"google", "youtube", "instagram", "telegram", "discord", "patreon", "twitter", "facebook", "amazon",
            "github", "wikipedia", "reddit", "tiktok", "boosty", "vkontakte", "example"}


# Brands are said in either alphabet («Зарядка», code ZARYAD30): names are compared in Latin letters.
_LATIN = str.maketrans({"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
                        "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
                        "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
                        "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya"})


def _squash(text: str) -> str:
    return "".join(_WORD.findall(text.lower())).translate(_LATIN)


def brand_names(text: str) -> set[str]:
    """The brand names a text's links and codes give, squashed (lower-case, no spaces)."""
    spoken = normalise_spoken(text)
    names = set()
    for url in find_urls(spoken):
        label = url.value.split("/")[0].split(".")[-2] if "." in url.value else url.value
        names.add(label)
        before = _WORD.findall(spoken[: url.pos].lower())
        if before:
            names.add(before[-1] + label)  # "corewell fit.com" -> "corewellfit"
    for code in find_promo_codes(spoken):
        letters = re.match(r"[a-zа-яё]+", code.value.lower())
        if letters:
            names.add(letters.group(0))
    return {_squash(n) for n in names if len(_squash(n)) >= MIN_NAME and n not in _GENERIC}


def echoes(utterances: list[Utterance]) -> np.ndarray:
    """Per utterance 1.0 when it names a brand whose link or code is given within REACH_SECONDS, else 0.0."""
    names = [brand_names(u.text) for u in utterances]
    squashed = [_squash(u.text) for u in utterances]
    out = np.zeros(len(utterances), dtype=np.float32)
    for j, found in enumerate(names):
        for name in found:
            for i, u in enumerate(utterances):
                if abs(u.start - utterances[j].start) <= REACH_SECONDS and name in squashed[i]:
                    out[i] = 1.0
    return out
