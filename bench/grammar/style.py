"""How the text of a video looks: clean captions, or what a speech recogniser returns (lower case, no punctuation),
optionally with light recognition noise. Seeded by the caller's random generator, so deterministic."""

from __future__ import annotations

import random
import re

from bench.grammar import numbers

_PUNCT = re.compile(r"[,!?;:«»\"()—–…]|(?<!\w)-(?!\w)|\.(?!\w)|'(?!\w)")
_DIGITS = re.compile(r"(?<![\w.])\d{1,4}(?![\w.])")


def asr(text: str, language: str, rng: random.Random, words_share: float) -> str:
    text = text.replace("%", " percent" if language == "en" else " процентов").replace("$", "")
    text = _PUNCT.sub(" ", text.lower())
    text = _DIGITS.sub(lambda m: numbers.cardinal(int(m.group()), language)
                       if rng.random() < words_share else m.group(), text)
    return re.sub(r"\s+", " ", text).strip()


_RU_ENDINGS = [("ого", "ова"), ("ый", "ой"), ("ий", "ый"), ("ая", "ой"), ("ые", "ии"), ("ть", "ти"), ("ет", "ит"),
               ("ем", "им"), ("ов", "ав"), ("ся", "са"), ("ешь", "ишь"), ("ого", "во"), ("ие", "ия"), ("ую", "ыю")]
_EN_ENDINGS = [("ing", "in"), ("ed", ""), ("s", ""), ("er", "a"), ("tion", "shun"), ("ly", "lee")]
_VOWELS = {"en": "aeiou", "ru": "аеиоуыэюя"}


def noise(text: str, language: str, rng: random.Random, rate: float = 0.08) -> str:
    """Light recogniser errors: a dropped or doubled word, two words merged, a bent ending, a character edit."""
    words = text.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        roll = rng.random()
        if roll < rate * 0.25 and len(words) > 4:
            i += 1  # dropped
            continue
        if roll < rate * 0.45 and i + 1 < len(words) and len(word) + len(words[i + 1]) < 14:
            out.append(word + words[i + 1])  # merged
            i += 2
            continue
        if roll < rate * 0.75:
            word = _bend(word, language, rng)
        elif roll < rate and len(word) >= 5:
            word = _edit(word, language, rng)
        elif roll < rate * 1.1:
            out.append(word)  # doubled ("the the")
        out.append(word)
        i += 1
    return " ".join(out)


def _bend(word: str, language: str, rng: random.Random) -> str:
    pairs = _RU_ENDINGS if language == "ru" else _EN_ENDINGS
    rng.shuffle(pairs := list(pairs))
    for old, new in pairs:
        if word.endswith(old) and len(word) > len(old) + 2:
            return word[: -len(old)] + new
    return word


def _edit(word: str, language: str, rng: random.Random) -> str:
    pos = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4 and word[pos] in _VOWELS[language]:
        return word[:pos] + rng.choice(_VOWELS[language]) + word[pos + 1:]
    if kind < 0.7:
        return word[:pos] + word[pos + 1:]
    return word[:pos] + word[pos] + word[pos:]
