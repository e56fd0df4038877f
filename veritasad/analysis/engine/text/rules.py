"""The rule path: ad probabilities per utterance from signals alone, for languages the classifier was not trained on,
and the rule-only baseline in the eval.

An ad read opens with a sponsor cue or a label, talks about the product, and closes with a call to action, a code or a
link; the sentences between an opener and a closer belong to the read even when they carry no cue themselves.
"""

from __future__ import annotations

import numpy as np

from veritasad.analysis.engine.text.dataset import CLASSES
from veritasad.analysis.engine.text.signals import count_signals
from veritasad.analysis.engine.types import Utterance

_OPENERS = ("sponsor", "label_ru", "partner_ru", "label_en", "erid")
# Evidence that on its own says "this is an ad", whatever else is said (see ensemble.py): a code, a token, a label,
# a sponsor phrase, or a discount in the same breath as a brand's link.
STRONG_KINDS = ("promo_code", "erid", "label_ru", "label_en", "sponsor", "partner_ru", "discount_with_link")
_CLOSERS = ("promo_code", "link_hint", "discount", "url", "cta")
# An ad read rarely runs longer than this between its opener and its closer.
MAX_READ_SECONDS = 75.0


def _score(counts: dict[str, int]) -> tuple[float, float, float]:
    opener = any(counts.get(k) for k in _OPENERS)
    closers = sum(1 for k in _CLOSERS if counts.get(k))
    sponsor = 0.9 if opener else 0.55 + 0.15 * min(closers, 2) if closers >= 1 else 0.0
    if closers == 1 and counts.get("cta") and not opener:
        sponsor = 0.45  # "go to", "visit" alone are ordinary speech too
    selfpromo = 0.8 if counts.get("selfpromo") else 0.0
    interaction = 0.8 if counts.get("interaction") else 0.0
    return sponsor, selfpromo, interaction


def strong_evidence(counts: dict[str, int]) -> set[str]:
    """The strong kinds among an utterance's signal counts."""
    found = {k for k in STRONG_KINDS if counts.get(k)}
    if counts.get("discount") and counts.get("url"):
        found.add("discount_with_link")
    return found


def rule_proba(utterances: list[Utterance], counts: list[dict[str, int]] | None = None) -> np.ndarray:
    """Rows: utterances; columns: CLASSES. `counts`: each utterance's signal counts, when the caller has them."""
    n = len(utterances)
    scores = np.zeros((n, 3))
    counts = counts if counts is not None else [count_signals(u.text) for u in utterances]
    for i, c in enumerate(counts):
        scores[i] = _score(c)
    # Fill the body of a read: between an opener and the next closer within MAX_READ_SECONDS.
    for i, c in enumerate(counts):
        if not any(c.get(k) for k in _OPENERS):
            continue
        for j in range(i + 1, n):
            if utterances[j].start - utterances[i].start > MAX_READ_SECONDS:
                break
            if scores[j, 0] >= 0.55:
                scores[i + 1: j, 0] = np.maximum(scores[i + 1: j, 0], 0.6)
                break
    out = np.zeros((n, len(CLASSES)))
    out[:, 1:] = scores
    out[:, 0] = 1.0 - scores.max(axis=1) if n else 0.0
    out /= np.maximum(out.sum(axis=1, keepdims=True), 1e-9)
    return out
