"""Is an ad segment disclosed? Per regime, which required elements were found and which are missing, and the verdict.

- 38-FZ (Russia, art. 18.1): the label «реклама», the advertiser (name or site), and the ORD token `erid`.
- FTC (US endorsement guides): a clear spoken or on-screen sponsorship label ("sponsored", "paid partnership", "#ad",
  "this video is sponsored by …") near the start of the ad, not only at its end.

The language picks the regime that decides (Russian: 38-FZ, else FTC); both are reported when both are asked for.
Interaction segments ("like and subscribe") advertise nothing and get no verdict.
The reasons are codes (report.Reason); engine.reasons puts them into words, English for the report's strings.
"""

from __future__ import annotations

from veritasad.analysis.engine import cues as C
from veritasad.analysis.engine.reasons import phrase, sentence
from veritasad.analysis.engine.report import (
    AdSegment,
    Disclosure,
    Evidence,
    Reason,
    Regime,
    RuleResult,
    Verdict,
)
from veritasad.analysis.engine.types import ScreenText, Utterance

LEAD = 10.0  # a label this long before the segment (an intro card, «Реклама» said first) still belongs to it
NEAR_START = 15.0  # FTC: the label must come within this many seconds of the start (or the first quarter)
_MARKERS = ("label_ru", "partner_ru", "erid", "label_en", "sponsor")


def _cues_for(segment: AdSegment, utterances: list[Utterance], screen: list[ScreenText]) -> list[C.Cue]:
    lo, hi = segment.start - LEAD, segment.end + 2.0
    said = [c for c in C.speech_cues(C.within(utterances, lo, hi)) if lo <= c.start <= hi]
    return said + C.screen_cues(C.within(screen, lo, hi))


def _first(cues: list[C.Cue], *kinds: str) -> C.Cue | None:
    found = [c for c in cues if c.signal.kind in kinds]
    return min(found, key=lambda c: c.start) if found else None


def _rule(regime: Regime, satisfied: bool, reasons: list[Reason]) -> RuleResult:
    """The rule's reasons as codes, and in English for the string fields older clients read."""
    return RuleResult(regime=regime, satisfied=satisfied, reasons=reasons, found=[phrase(r) for r in reasons if r.found],
                      missing=[phrase(r) for r in reasons if not r.found])


def check_38fz(segment: AdSegment, cues: list[C.Cue]) -> RuleResult:
    found, missing = [], []
    label = _first(cues, "label_ru")
    (found if label else missing).append(
        Reason(code="label_found", params={"source": label.source, "at": label.start}) if label
        else Reason(code="label_missing"))
    entity = _first(cues, "legal_entity")
    who = segment.advertiser.name or (entity.signal.value if entity else None) or \
        (segment.advertiser.domains[0] if segment.advertiser.domains else None)
    (found if who else missing).append(Reason(code="advertiser_found", params={"name": who}) if who
                                       else Reason(code="advertiser_missing"))
    erid = _first(cues, "erid")
    (found if erid else missing).append(Reason(code="erid_found", params={"token": erid.signal.value}) if erid
                                        else Reason(code="erid_missing"))
    return _rule("38-FZ", not missing, found + missing)


def check_ftc(segment: AdSegment, cues: list[C.Cue]) -> RuleResult:
    labels = sorted((c for c in cues if c.signal.kind in ("label_en", "label_ru") or
                     (c.signal.kind == "sponsor" and c.source == "speech")), key=lambda c: c.start)
    if not labels:
        return _rule("FTC", False, [Reason(code="sponsor_label_missing")])
    deadline = segment.start + max(NEAR_START, 0.25 * (segment.end - segment.start))
    first = labels[0]
    where = {"text": first.signal.text, "source": first.source, "at": first.start}
    if first.start <= deadline:
        return _rule("FTC", True, [Reason(code="sponsor_label_found", params=where)])
    return _rule("FTC", False, [Reason(code="sponsor_label_late", params=where),
                                Reason(code="sponsor_label_not_early")])


def _evidence(cues: list[C.Cue]) -> list[Evidence]:
    out = {}
    for c in cues:
        if c.signal.kind in _MARKERS or c.signal.kind == "legal_entity":
            e = Evidence(type="disclosure", start=c.start, end=c.end, text=c.text if c.source != "speech" else c.signal.text)
            out[(round(e.start, 2), e.text)] = e
    return sorted(out.values(), key=lambda e: e.start)


def judge(segment: AdSegment, utterances: list[Utterance], screen: list[ScreenText], regimes: list[Regime],
          language: str | None) -> Disclosure | None:
    if segment.kind == "interaction":
        return None
    cues = _cues_for(segment, utterances, screen)
    results = [check_38fz(segment, cues) if r == "38-FZ" else check_ftc(segment, cues) for r in regimes]
    if not results:
        return None
    want = "38-FZ" if language == "ru" else "FTC"
    primary = next((r for r in results if r.regime == want), results[0])
    has_marker = any(c.signal.kind in _MARKERS for c in cues)
    verdict: Verdict = "disclosed" if primary.satisfied else "partially_disclosed" if has_marker else "undisclosed"
    return Disclosure(verdict=verdict, rules=results, deciding_rule=sentence(primary.regime, primary.reasons),
                      deciding_regime=primary.regime, evidence=_evidence(cues))


def judge_all(segments: list[AdSegment], utterances: list[Utterance], screen: list[ScreenText],
              regimes: list[Regime], language: str | None) -> list[AdSegment]:
    return [s.model_copy(update={"disclosure": judge(s, utterances, screen, regimes, language)}) for s in segments]
