"""Cue words as ASR bends them: «виклама» for «реклама», «промокот», «спансор», "sponsered", "promo cold".

Whisper base, fed synthetic or accented Russian, writes what it hears: unstressed о as а, е as и, voiced consonants
at a word's end as voiceless, one consonant slipped. The exact patterns in signals.py miss those words, so an ad
whose only spoken cues were bent went unseen. Here each word (and each two- or three-word window, for phrases) is
compared with a small lexicon of canonical cue words by edit distance on a *sound key*, which folds the bends above
into one spelling; the threshold grows with the word's length. A match *repairs* the text (the bent words are
replaced by the canonical ones) and signals.py runs its exact patterns on the repaired text, so a bent cue yields the
same kind as a clean one, with the canonical form as its value.

Guards, because ordinary words sit close to cues: a word that starts with the cue's own stem (рекламу, рекламация,
subscribed) is left to the exact patterns, which already decided on it; and a short list of real words that fall
within the threshold (measured on Hunspell's dictionaries: bench/bent_speech.py) is never read as a cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

# (heard form, what the exact patterns should see). One word per entry, or a phrase whose first word anchors it.
LEXICON_RU: tuple[tuple[str, str], ...] = (
    ("реклама", "реклама"),
    ("промокод", "промокод"),
    ("промо код", "промокод"),
    ("промокоду", "промокоду"),
    ("спонсор", "спонсор"),
    ("спонсор выпуска", "спонсор выпуска"),
    ("спонсор этого выпуска", "спонсор этого выпуска"),
    ("партнёр выпуска", "партнёр выпуска"),
    ("рекламная интеграция", "рекламная интеграция"),
    ("скидка", "скидка"),
    ("скидку", "скидку"),
    ("подписывайтесь", "подписывайтесь"),
    ("подпишитесь", "подпишитесь"),
)
LEXICON_EN: tuple[tuple[str, str], ...] = (
    ("sponsored", "sponsored"),
    ("sponsor", "sponsor"),
    ("promo code", "promo code"),
    ("promocode", "promo code"),
    ("discount", "discount"),
    ("subscribe", "subscribe"),
    ("advertisement", "advertisement"),
)

# Every real word within the threshold of a cue: Hunspell's ru_RU and en_US, all 1.38 million forms, checked by
# bench/bent_speech.py (rebuild this list with it after changing the lexicon, the key or the thresholds).
ORDINARY: frozenset[str] = frozenset({
    "dismount", "divertissement", "miscount", "viscount",
    "надписывайте", "подберетесь", "подлизывайте", "подпиливайте", "подпитывайте", "подпихивайте", "подпоясывайте",
    "подтесывайте", "пописывайте",
    "помогать", "пролагать", "промазать", "промахать", "промокать", "промолот", "промолотую", "проморгать", "проморят",
    "промотать", "промочат", "промяукать", "прошагать",
    "реглана",
})

_WORD = re.compile(r"[a-zа-яё]+", re.IGNORECASE)
_KEY_RU = str.maketrans({"ё": "и", "е": "и", "э": "и", "ы": "и", "о": "а", "я": "а", "ю": "у", "б": "п", "в": "ф",
                         "г": "к", "д": "т", "ж": "ш", "з": "с", "щ": "ш", "ь": None, "ъ": None})


def sound_key(word: str) -> str:
    """A spelling that folds the bends ASR makes: in Russian vowels reduced and consonants devoiced; doubled letters
    single. English keeps its letters: its bends are misspellings ("sponsered"), not sound changes."""
    word = word.lower()
    if re.search("[а-яё]", word):
        word = word.translate(_KEY_RU)
    return re.sub(r"(.)\1+", r"\1", word)


def max_distance(key_length: int) -> int:
    """Edits allowed between sound keys: none up to six letters, where one edit makes another word (скидка, сетка)."""
    if key_length <= 6:
        return 0
    if key_length <= 11:
        return 1
    return 2


def _stem(key: str) -> str:
    """The part of a cue's key its inflections share: all but the last letter, or two thirds of a long word."""
    return key[:-1] if len(key) <= 8 else key[: 2 * len(key) // 3 + 1]


@dataclass(frozen=True)
class Match:
    heard: str  # the word or words as heard, lower case
    canonical: str  # what the exact patterns are given instead
    confidence: float  # how close the heard form is to the cue (surface similarity), below 1


@dataclass(frozen=True)
class Entry:
    form: str
    canonical: str
    key: str  # the sound key of `form`, spaces removed
    stem: str  # the start of its first word's key: words that start so are the cue's own inflections
    anchor: str  # the sound key of its first word
    words: int


def _entries(lexicon: tuple[tuple[str, str], ...]) -> list[Entry]:
    out = []
    for form, canonical in lexicon:
        first = form.split()[0]
        key = "".join(sound_key(w) for w in form.split())
        out.append(Entry(form, canonical, key, _stem(sound_key(first)), sound_key(first), len(form.split())))
    return out


_ENTRIES = _entries(LEXICON_RU) + _entries(LEXICON_EN)
_SINGLE = [e for e in _ENTRIES if e.words == 1]
_PHRASES = [e for e in _ENTRIES if e.words > 1]
_FORMS = {e.form.replace("ё", "е") for e in _ENTRIES} | {e.canonical.replace("ё", "е") for e in _ENTRIES}


def _best(heard: str, key: str, entries: list[Entry], slack: set[str] = frozenset()) -> Match | None:
    """The closest entry within its threshold (one edit more for the forms in `slack`), or None."""
    found = process.extract(key, [e.key for e in entries], scorer=Levenshtein.distance, score_cutoff=4, limit=None)
    best = None
    for _, distance, i in found:
        entry = entries[i]
        if distance > max_distance(len(entry.key)) + (entry.form in slack):
            continue
        if entry.words == 1 and key != entry.key and key.startswith(entry.stem):
            continue  # an inflection or a derivative of the cue word itself: the exact patterns judged it
        if best is None or distance < best[0]:
            best = (distance, entry)
    if best is None:
        return None
    similarity = Levenshtein.normalized_similarity(heard, best[1].form.replace(" ", ""))
    return Match(heard, best[1].canonical, round(min(similarity, 0.95), 2))


@lru_cache(maxsize=65536)
def match_word(word: str) -> Match | None:
    """The cue one word is a bent form of, or None (also for the cue itself, and for ordinary words)."""
    word = word.lower().replace("ё", "е")
    if word in _FORMS or word in ORDINARY or len(word) < 4:
        return None
    return _best(word, sound_key(word), _SINGLE)


@lru_cache(maxsize=65536)
def match_window(words: tuple[str, ...]) -> Match | None:
    """The phrase a window of 2–3 words is a bent form of: its first word must be the phrase's first word, or a
    bent form of it, and the whole window (spaces removed) must be within the phrase's threshold."""
    anchored = _anchors(words[0])
    if not anchored:
        return None
    words = tuple(w.lower().replace("ё", "е") for w in words)
    heard = " ".join(words)
    if heard in _FORMS:
        return None
    # A first word heard as said earns the rest one more edit: "promo cold", «спонсор и пускам».
    return _best(heard.replace(" ", ""), "".join(sound_key(w) for w in words), [e for e, _ in anchored],
                 slack={e.form for e, clean in anchored if clean})


@lru_cache(maxsize=65536)
def _anchors(word: str) -> tuple[tuple[Entry, bool], ...]:
    """The phrases `word` can begin (its key within the threshold of theirs first word's), each with whether it
    begins it exactly; empty for nearly every word, which spares the windows that start with it."""
    first = sound_key(word.replace("ё", "е"))
    return tuple((e, first == e.anchor) for e in _PHRASES
                 if abs(len(first) - len(e.anchor)) <= 2 and
                 Levenshtein.distance(first, e.anchor) <= max_distance(len(e.anchor)))


@dataclass(frozen=True)
class Edit:
    start: int  # span in the repaired text
    end: int
    orig_start: int  # span in the text as heard
    orig_end: int
    confidence: float


@dataclass(frozen=True)
class Repaired:
    text: str
    edits: tuple[Edit, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int, float] | None:
        """The span [start, end) of the repaired text in the heard text, and the lowest confidence of the edits it
        overlaps; None when it overlaps none (the exact patterns found it in the heard text already)."""
        touched = [e for e in self.edits if e.start < end and e.end > start]
        if not touched:
            return None
        return self.position(start, inner_to_end=False), self.position(end, inner_to_end=True), min(
            e.confidence for e in touched)

    def position(self, pos: int, inner_to_end: bool = False) -> int:
        """Where offset `pos` of the repaired text lies in the heard text (inside a replaced word: its start)."""
        shift = 0
        for e in self.edits:
            if pos <= e.start:
                break
            if pos < e.end:  # inside a replaced word: the whole heard word
                return e.orig_end if inner_to_end else e.orig_start
            shift = e.orig_end - e.end
        return pos + shift


def repair(text: str) -> Repaired | None:
    """`text` with bent cue words replaced by the canonical ones, or None when none is bent."""
    tokens = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]
    pieces: list[str] = []
    edits: list[Edit] = []
    last = 0  # end of the heard text consumed
    i = 0
    while i < len(tokens):
        found, width = None, 1
        for n in (3, 2) if _anchors(tokens[i][2]) else ():
            if i + n <= len(tokens) and (m := match_window(tuple(t[2] for t in tokens[i:i + n]))):
                found, width = m, n
                break
        if found is None:
            found = match_word(tokens[i][2])
        if found is None:
            i += 1
            continue
        start, end = tokens[i][0], tokens[i + width - 1][1]
        pieces.append(text[last:start])
        new_start = sum(map(len, pieces))
        pieces.append(found.canonical)
        edits.append(Edit(new_start, new_start + len(found.canonical), start, end, found.confidence))
        last = end
        i += width
    if not edits:
        return None
    pieces.append(text[last:])
    return Repaired("".join(pieces), tuple(edits))
