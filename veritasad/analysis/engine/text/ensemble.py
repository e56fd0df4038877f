"""How the classifier and the signals become one ad probability per utterance. The rule, in three steps:

1. Two parts, each alone: the classifier reads the words (features.py; it sees no signal counts), the signals part
   (rules.py) reads the cues: sponsor phrases, labels, codes, links, discounts, calls to action.
2. A small stacked logistic regression maps [log P_classifier, P_signals, strong-evidence flags of the utterance and of
   its neighbours, brand echo (echo.py)] to P over CLASSES. It is fitted on the classifier's *out-of-family* predictions (each training
   video scored by a classifier that never saw its phrasing family), so it learns how far the classifier can be trusted
   on wordings it has not seen, not how well it remembers its training set.
3. Strong evidence is never outvoted: an utterance carrying a promo code, an erid token, a «реклама»/"sponsored"
   label, a sponsor or partner phrase, or a discount said with a brand's link has P(ad) of at least
   max(FLOOR_MIN, the smoothed share of training utterances with that kind that were ads), whatever steps 1-2 say;
   the mass it lacks is taken from "none" and given to the ad kind step 2 ranked first.
4. The cues of self-promotion ("my course", «мой телеграм-канал») and of calls to interact ("subscribe", «ставьте
   лайк») are trusted the same way for their own class, but only where training shows them reliable: when at least
   FLOOR_MIN of the training utterances with the cue were of that class, P(class) is lifted to that share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression

from veritasad.analysis.engine.text.dataset import CLASSES
from veritasad.analysis.engine.text.rules import STRONG_KINDS, strong_evidence

FLOOR_MIN = 0.6  # above the segment threshold (0.5): strong evidence alone makes an ad
CLASS_CUES = ("selfpromo", "interaction")  # classes whose own cue (the signals part says >= CUE_SAYS) can be trusted
CUE_SAYS = 0.8
_EPS = 1e-4


def strong_flags(counts: list[dict[str, int]]) -> np.ndarray:
    """(n, len(STRONG_KINDS)) 0/1: which strong kinds each utterance carries."""
    out = np.zeros((len(counts), len(STRONG_KINDS)), dtype=np.float32)
    for i, c in enumerate(counts):
        for k in strong_evidence(c):
            out[i, STRONG_KINDS.index(k)] = 1.0
    return out


def _near(flags: np.ndarray, reach: int, side: int) -> np.ndarray:
    """Whether any utterance within `reach` before (side=-1) or after (+1) carries any strong kind."""
    anyf = flags.max(axis=1) if flags.size else np.zeros(len(flags))
    out = np.zeros(len(flags), dtype=np.float32)
    for i in range(len(flags)):
        lo, hi = (max(0, i - reach), i) if side < 0 else (i + 1, min(len(flags), i + 1 + reach))
        out[i] = anyf[lo:hi].max() if hi > lo else 0.0
    return out


def stack_features(p_clf: np.ndarray, p_sig: np.ndarray, flags: np.ndarray, echo: np.ndarray) -> np.ndarray:
    return np.hstack([np.log(np.clip(p_clf, _EPS, 1.0)), p_sig, flags,
                      _near(flags, 3, -1)[:, None], _near(flags, 3, 1)[:, None], echo[:, None]])


@dataclass
class Combiner:
    model: LogisticRegression | None = None
    floors: dict[str, float] = field(default_factory=dict)
    class_floors: dict[str, float] = field(default_factory=dict)

    def fit(self, p_clf: np.ndarray, p_sig: np.ndarray, flags: np.ndarray, echo: np.ndarray,
            labels: list[str]) -> Combiner:
        x = stack_features(p_clf, p_sig, flags, echo)
        # No class weights: the stacker is the calibrated step, its P(ad) is read against a fixed threshold.
        self.model = LogisticRegression(C=1.0, max_iter=2000).fit(x, labels)
        is_ad = np.array([lab != "none" for lab in labels])
        for j, kind in enumerate(STRONG_KINDS):
            carrying = flags[:, j] > 0
            # Laplace-smoothed precision of the kind as an ad cue; a kind never seen gets the bare minimum.
            share = (is_ad[carrying].sum() + 1) / (carrying.sum() + 2)
            self.floors[kind] = max(FLOOR_MIN, float(share))
        for cls in CLASS_CUES:
            carrying = p_sig[:, CLASSES.index(cls)] >= CUE_SAYS
            share = (sum(lab == cls for lab, c in zip(labels, carrying) if c) + 1) / (carrying.sum() + 2)
            if share >= FLOOR_MIN:
                self.class_floors[cls] = float(share)
        return self

    def combine(self, p_clf: np.ndarray, p_sig: np.ndarray, flags: np.ndarray, echo: np.ndarray) -> np.ndarray:
        if not len(p_clf):
            return p_clf
        assert self.model is not None
        raw = self.model.predict_proba(stack_features(p_clf, p_sig, flags, echo))
        out = np.zeros((len(p_clf), len(CLASSES)))
        for j, cls in enumerate(self.model.classes_):
            out[:, CLASSES.index(cls)] = raw[:, j]
        return apply_class_floors(apply_floors(out, flags, self.floors), p_sig, self.class_floors)


def apply_floors(proba: np.ndarray, flags: np.ndarray, floors: dict[str, float]) -> np.ndarray:
    """Step 3: lift P(ad) of utterances with strong evidence to their kind's floor."""
    proba = proba.copy()
    for i in range(len(proba)):
        floor = max((floors.get(k, FLOOR_MIN) for j, k in enumerate(STRONG_KINDS) if flags[i, j]), default=0.0)
        lack = floor - (1.0 - proba[i, 0])
        if lack > 0:
            kind = 1 + int(np.argmax(proba[i, 1:]))
            proba[i, 0] -= lack
            proba[i, kind] += lack
    return proba


def apply_class_floors(proba: np.ndarray, p_sig: np.ndarray, floors: dict[str, float]) -> np.ndarray:
    """Step 4: lift P(class) of utterances whose own cue says that class, to the share training gave it."""
    proba = proba.copy()
    for cls, floor in floors.items():
        j = CLASSES.index(cls)
        for i in np.flatnonzero((p_sig[:, j] >= CUE_SAYS) & (proba[:, j] < floor)):
            rest = 1.0 - proba[i, j]
            proba[i] *= (1.0 - floor) / rest if rest > 0 else 0.0
            proba[i, j] = floor
    return proba
