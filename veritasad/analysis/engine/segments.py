"""From per-utterance ad probabilities (classifier or rules) and screen cues to ad segments with advertiser and evidence."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from veritasad.analysis.engine import cues as C
from veritasad.analysis.engine.report import AdSegment, Advertiser, Evidence
from veritasad.analysis.engine.text.classifier import AdClassifier
from veritasad.analysis.engine.text.dataset import CLASSES
from veritasad.analysis.engine.text.rules import rule_proba, strong_evidence
from veritasad.analysis.engine.text.signals import count_signals, find_signals
from veritasad.analysis.engine.types import ScreenText, Utterance, Word

THRESHOLD = 0.5  # P(ad) above which an utterance is part of an ad
MIN_SECONDS = {"sponsor": 6.0, "selfpromo": 2.0, "interaction": 1.5}
MIN_SURE_SPONSOR = 4.0  # a shorter sponsor run is enough with strong evidence: a code, a label, a sponsor phrase
# An ad names what it sells and how to get it: a run with no cue at all (no link, code, offer, call to action, label,
# sponsor phrase) is kept only when the model is this sure of it on average, and (sponsor, self-promotion) when it is
# this long: one stray sentence that sounds like a pitch is not an ad.
CUELESS_MIN = 0.8
CUELESS_SECONDS = 6.0
MAX_GAP = 6.0  # a non-ad stretch this short between two parts of one ad joins them
SCREEN_BOOST = 0.5  # how far an on-screen label or code pulls the sponsor probability towards 1
MAX_UTTERANCE = 12.0  # longer ASR segments are cut at word times so a boundary can fall inside them


@dataclass
class Timeline:
    utterances: list[Utterance]
    proba: np.ndarray  # rows: utterances, columns: CLASSES
    decided_by: str  # "classifier" or "rules"
    on_screen_ad: np.ndarray | None = None  # per utterance: an on-screen label, erid or code is shown meanwhile


def split_long(utterances: list[Utterance], limit: float = MAX_UTTERANCE) -> list[Utterance]:
    out: list[Utterance] = []
    for u in utterances:
        if u.end - u.start <= limit or len(u.words) < 2:
            out.append(u)
            continue
        chunk: list[Word] = []
        for w in u.words:
            chunk.append(w)
            ends_sentence = w.text.rstrip().endswith((".", "!", "?"))
            if (ends_sentence and w.end - chunk[0].start > 2.0) or w.end - chunk[0].start >= limit:
                out.append(Utterance(start=chunk[0].start, end=w.end, text="".join(x.text for x in chunk).strip(),
                                     words=chunk))
                chunk = []
        if chunk:
            out.append(Utterance(start=chunk[0].start, end=chunk[-1].end, text="".join(x.text for x in chunk).strip(),
                                 words=chunk))
    return out


def timeline(utterances: list[Utterance], screen: list[ScreenText], duration: float, language: str | None,
             classifier: AdClassifier | None) -> Timeline:
    """Ad probability per utterance; the classifier decides for languages it was trained on, the rules otherwise."""
    utterances = split_long(utterances)
    if classifier is not None and classifier.covers(language):
        proba, path = classifier.predict_proba(utterances, duration), "classifier"
    else:
        proba, path = rule_proba(utterances), "rules"
    screen_ads = [c for c in C.screen_cues(screen) if C.is_screen_ad(c)]
    shown = np.array([bool(C.within(screen_ads, u.start, u.end)) for u in utterances], dtype=bool)
    for i, u in enumerate(utterances):
        if shown[i]:
            boosted = 1.0 - (1.0 - proba[i, 1]) * (1.0 - SCREEN_BOOST)
            proba[i] = proba[i] * (1.0 - boosted) / max(1.0 - proba[i, 1], 1e-9)
            proba[i, 1] = boosted
    return Timeline(utterances, proba, path, shown)


def _runs(tl: Timeline, threshold: float) -> list[tuple[str, int, int]]:
    """(kind, first, last) runs of utterances labelled with one ad kind, short gaps bridged."""
    ad = 1.0 - tl.proba[:, 0]
    kinds = [CLASSES[1 + int(np.argmax(row[1:]))] if p >= threshold else "none" for row, p in zip(tl.proba, ad)]
    kinds = [_own_promotion(u.text, k) for u, k in zip(tl.utterances, kinds)]
    runs: list[tuple[str, int, int]] = []
    for i, kind in enumerate(kinds):
        if kind == "none":
            continue
        if runs and runs[-1][0] == kind and tl.utterances[i].start - tl.utterances[runs[-1][2]].end <= MAX_GAP:
            runs[-1] = (kind, runs[-1][1], i)
        else:
            runs.append((kind, i, i))
    runs = [_trim_to_opener(tl.utterances, r) for r in runs]
    return [r for r in runs if _long_enough(tl, r) and (_has_cue(tl, r[1], r[2]) or _sure_without_cues(tl, ad, r))]


def _sure_without_cues(tl: Timeline, ad: np.ndarray, run: tuple[str, int, int]) -> bool:
    kind, first, last = run
    seconds = tl.utterances[last].end - tl.utterances[first].start
    return float(np.mean(ad[first: last + 1])) >= CUELESS_MIN and (kind == "interaction" or seconds >= CUELESS_SECONDS)


def _long_enough(tl: Timeline, run: tuple[str, int, int]) -> bool:
    kind, first, last = run
    seconds = tl.utterances[last].end - tl.utterances[first].start
    sure = kind == "sponsor" and (
        (tl.on_screen_ad is not None and bool(tl.on_screen_ad[first: last + 1].any()))
        or any(strong_evidence(count_signals(u.text)) for u in tl.utterances[first: last + 1]))
    return seconds >= (MIN_SURE_SPONSOR if sure else MIN_SECONDS[kind])


def _has_cue(tl: Timeline, first: int, last: int) -> bool:
    if tl.on_screen_ad is not None and tl.on_screen_ad[first: last + 1].any():
        return True
    return any(find_signals(u.text) for u in tl.utterances[first: last + 1])


_OPENERS = frozenset({"sponsor", "label_ru", "partner_ru", "label_en"})
_THIRD_PARTY = _OPENERS | {"promo_code", "erid", "legal_entity"}


def _own_promotion(text: str, kind: str) -> str:
    """"My merch, link below" is self-promotion, not a sponsor: a link or a discount says "ad", the first person
    ("my course", «мой телеграм-канал») with no sponsor cue or code says whose."""
    if kind != "sponsor":
        return kind
    found = {s.kind for s in find_signals(text)}
    return "selfpromo" if "selfpromo" in found and not found & _THIRD_PARTY else kind


def _trim_to_opener(utterances: list[Utterance], run: tuple[str, int, int]) -> tuple[str, int, int]:
    """A sponsor read starts at its opener ("this video is sponsored by …"): sentences the window swept in before
    it that carry no ad signal of their own are the talk leading up to it."""
    kind, first, last = run
    if kind != "sponsor":
        return run
    for i in range(first, min(first + 3, last + 1)):
        found = {s.kind for s in find_signals(utterances[i].text)}
        if found & _OPENERS:
            return kind, i, last
        if found:
            break
    return run


def _advertiser(speech: list[Utterance], screen: list[ScreenText], cues: list[C.Cue]) -> Advertiser:
    found = C.brands(speech, screen)
    domains = sorted({c.signal.value for c in cues if c.signal.kind == "url"})
    urls = sorted({c.text for c in cues if c.source == "qr"} |
                  {c.signal.text for c in cues if c.signal.kind == "url" and "/" in c.signal.text})
    codes = sorted({c.signal.value for c in cues if c.signal.kind == "promo_code"})
    legal = [c.signal.value for c in cues if c.signal.kind == "legal_entity" and not c.signal.value.isdigit()]
    named = Counter(b.name.lower() for b in found if not b.from_domain)
    from_domains = {b.name.lower() for b in found if b.from_domain}
    # A name heard after a cue that a domain confirms is the best guess; then any domain; then the cue; then the entity.
    confirmed = [n for n in named if any(n.replace(" ", "").startswith(d) or d.startswith(n.replace(" ", ""))
                                         for d in from_domains)]
    pick = confirmed or [b.name.lower() for b in found if b.from_domain] or [n for n, _ in named.most_common()] or \
        [x.lower() for x in legal]
    name = None
    if pick:
        name = next((b.name for b in found if b.name.lower() == pick[0]), None) or \
            next((x for x in legal if x.lower() == pick[0]), pick[0])
    return Advertiser(name=name, domains=domains, promo_codes=codes, urls=urls)


def _evidence(speech: list[Utterance], cues: list[C.Cue]) -> list[Evidence]:
    out: list[Evidence] = []
    quoted = {c.text for c in cues if c.source == "speech"}
    out += [Evidence(type="speech", start=u.start, end=u.end, text=u.text) for u in speech if u.text in quoted][:6]
    if not out and speech:
        out.append(Evidence(type="speech", start=speech[0].start, end=speech[0].end, text=speech[0].text))
    for c in cues:
        kind = c.signal.kind
        if c.source == "ocr":
            out.append(Evidence(type="ocr", start=c.start, end=c.end, text=c.text))
        elif c.source in ("qr", "barcode"):
            out.append(Evidence(type="qr", start=c.start, end=c.end, text=c.text))
        if kind == "url":
            out.append(Evidence(type="link", start=c.start, end=c.end, text=c.signal.value))
        elif kind == "promo_code":
            out.append(Evidence(type="promo_code", start=c.start, end=c.end, text=c.signal.value))
        elif kind in ("label_ru", "partner_ru", "label_en", "erid"):
            out.append(Evidence(type="disclosure", start=c.start, end=c.end, text=c.signal.text))
    unique = {(e.type, round(e.start, 2), e.text): e for e in out}
    return sorted(unique.values(), key=lambda e: (e.start, e.type))


def build_segments(tl: Timeline, screen: list[ScreenText], threshold: float = THRESHOLD) -> list[AdSegment]:
    segments = []
    for kind, first, last in _runs(tl, threshold):
        start, end = tl.utterances[first].start, tl.utterances[last].end
        speech = tl.utterances[first: last + 1]
        shown = C.within(screen, start, end)
        cues = C.speech_cues(speech) + C.screen_cues(shown)
        # P(ad) averaged over the segment: the kind may be uncertain while "this is an ad" is not.
        ad_share = float(np.mean(1.0 - tl.proba[first: last + 1, 0]))
        segments.append(AdSegment(
            id=f"seg-{len(segments) + 1}", start=round(start, 2), end=round(end, 2), kind=kind,  # type: ignore[arg-type]
            confidence=round(min(1.0, ad_share), 3), advertiser=_advertiser(speech, shown, cues),
            evidence=_evidence(speech, cues), decided_by=tl.decided_by))  # type: ignore[arg-type]
    return segments + screen_only_segments(tl.utterances, screen, segments)


def screen_only_segments(utterances: list[Utterance], screen: list[ScreenText],
                         found: list[AdSegment]) -> list[AdSegment]:
    """Ads shown on screen where nobody speaks (or there is no audio): spans of on-screen labels, erids and QR codes."""
    spans: list[list[float]] = []
    for c in sorted((c for c in C.screen_cues(screen) if C.is_screen_ad(c)), key=lambda c: c.start):
        if C.within(found, c.start, c.end) or C.within(utterances, c.start, c.end):
            continue
        if spans and c.start - spans[-1][1] <= MAX_GAP:
            spans[-1][1] = max(spans[-1][1], c.end)
        else:
            spans.append([c.start, c.end])
    out = []
    for start, end in spans:
        shown = C.within(screen, start, end)
        cues = C.screen_cues(shown)
        out.append(AdSegment(id=f"seg-{len(found) + len(out) + 1}", start=round(start, 2), end=round(end, 2),
                             kind="sponsor", confidence=0.7, advertiser=_advertiser([], shown, cues),
                             evidence=_evidence([], cues), decided_by="rules"))
    return out


def find_segments(utterances: list[Utterance], screen: list[ScreenText], duration: float, language: str | None,
                  classifier: AdClassifier | None, threshold: float = THRESHOLD) -> list[AdSegment]:
    segs = build_segments(timeline(utterances, screen, duration, language, classifier), screen, threshold)
    return sorted(segs, key=lambda s: s.start)
