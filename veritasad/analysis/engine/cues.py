"""Signals placed on the timeline: each text cue with the time span and the source (speech, OCR, QR) it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from veritasad.analysis.engine.text.signals import TextSignal, find_brands, find_signals
from veritasad.analysis.engine.types import ScreenText, Utterance

Source = Literal["speech", "ocr", "qr", "barcode"]
# Screen cues that mark the span they are shown in as advertising.
SCREEN_AD_KINDS = frozenset({"label_ru", "erid", "label_en", "promo_code", "partner_ru", "legal_entity"})


@dataclass(frozen=True)
class Cue:
    signal: TextSignal
    start: float
    end: float
    source: Source
    text: str  # the whole utterance or screen text it was found in: the quote for the evidence


@dataclass(frozen=True)
class Brand:
    name: str
    start: float
    source: Source
    from_domain: bool


def _word_time(u: Utterance, pos: int) -> tuple[float, float]:
    """The time of the word at character `pos`, when the ASR gave word times; else the utterance's span."""
    if not u.words:
        return u.start, u.end
    seen = 0
    for w in u.words:
        seen += len(w.text.strip()) + 1
        if seen > pos:
            return w.start, w.end
    return u.words[-1].start, u.words[-1].end


def speech_cues(utterances: list[Utterance]) -> list[Cue]:
    out = []
    for u in utterances:
        for s in find_signals(u.text):
            start, _ = _word_time(u, s.pos)
            out.append(Cue(s, start, u.end, "speech", u.text))
    return out


def screen_cues(screen: list[ScreenText]) -> list[Cue]:
    out = []
    for st in screen:
        for s in find_signals(st.text):
            out.append(Cue(s, st.start, st.end, st.source, st.text))
        if st.source in ("qr", "barcode") and not any(c.text == st.text for c in out):
            out.append(Cue(TextSignal("qr", st.text, st.text, 0), st.start, st.end, st.source, st.text))
    return out


def brands(utterances: list[Utterance], screen: list[ScreenText]) -> list[Brand]:
    out = []
    for u in utterances:
        out += [Brand(b.value, u.start, "speech", b.kind == "url") for b in find_brands(u.text)]
    for st in screen:
        out += [Brand(b.value, st.start, st.source, b.kind == "url") for b in find_brands(st.text)]
    return out


def is_screen_ad(cue: Cue) -> bool:
    return cue.source != "speech" and (cue.signal.kind in SCREEN_AD_KINDS or cue.source == "qr")


def within(items: list, start: float, end: float) -> list:
    """Items (with .start/.end or .start only) that overlap [start, end]."""
    return [x for x in items if x.start <= end and getattr(x, "end", x.start) >= start]
