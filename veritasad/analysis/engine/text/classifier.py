"""The ad classifier over transcript windows: TF-IDF character n-grams of an utterance and its neighbours, plus
language-independent signal counts and the position in the video, into a multinomial logistic regression.

Character n-grams survive ASR spelling noise and work for Russian morphology; the signal counts carry over between
languages, so a model trained on one language still gets some purchase on the other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import joblib
import numpy as np
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from veritasad.analysis.engine.text.dataset import (
    CLASSES,
    LabelledVideo,
    load_jsonl,
    training_files,
    utterance_labels,
)
from veritasad.analysis.engine.text.signals import count_signals
from veritasad.analysis.engine.types import Utterance

log = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).resolve().parent / "model" / "ad_classifier.joblib"
_SIGNAL_KINDS = ("sponsor", "cta", "promo_code", "discount", "link_hint", "url", "selfpromo", "interaction",
                 "label_ru", "partner_ru", "erid", "legal_entity", "label_en")
# A language needs this many training videos before the classifier, not the rules, decides for it.
MIN_VIDEOS_PER_LANGUAGE = 20
CONTEXT_WEIGHT = 0.5  # neighbours inform, the utterance itself decides


def _before(utterances: list[Utterance], i: int, reach: int = 2) -> str:
    return " ".join(u.text for u in utterances[max(0, i - reach): i])


def _after(utterances: list[Utterance], i: int, reach: int = 2) -> str:
    return " ".join(u.text for u in utterances[i + 1: i + 1 + reach])


def _numeric(utterances: list[Utterance], duration: float) -> np.ndarray:
    rows = []
    total = max(duration, utterances[-1].end if utterances else 1.0, 1.0)
    for i, u in enumerate(utterances):
        own = count_signals(u.text)
        before = count_signals(_before(utterances, i))
        after = count_signals(_after(utterances, i))
        pos = u.start / total
        rows.append([min(own.get(k, 0), 2) for k in _SIGNAL_KINDS] + [min(before.get(k, 0), 3) / 2 for k in _SIGNAL_KINDS]
                    + [min(after.get(k, 0), 3) / 2 for k in _SIGNAL_KINDS] + [pos, float(pos < 0.1), float(pos > 0.9)])
    return np.asarray(rows, dtype=np.float32).reshape(len(utterances), 3 * len(_SIGNAL_KINDS) + 3)


@dataclass
class AdClassifier:
    """Fitted featurisers + model, and which languages it was trained on (the report says which path decided)."""

    center: TfidfVectorizer
    context: TfidfVectorizer
    model: LogisticRegression
    languages: dict[str, int] = field(default_factory=dict)
    sklearn_version: str = sklearn.__version__

    def _features(self, utterances: list[Utterance], duration: float) -> sparse.csr_matrix:
        return _stack(self.center, self.context, utterances, duration)

    def predict_proba(self, utterances: list[Utterance], duration: float = 0.0) -> np.ndarray:
        """Rows: utterances; columns: CLASSES ("none", "sponsor", "selfpromo", "interaction")."""
        if not utterances:
            return np.zeros((0, len(CLASSES)))
        proba = self.model.predict_proba(self._features(utterances, duration))
        out = np.zeros((len(utterances), len(CLASSES)))
        for j, cls in enumerate(self.model.classes_):
            out[:, CLASSES.index(cls)] = proba[:, j]
        return out

    def covers(self, language: str | None) -> bool:
        return bool(language) and self.languages.get(language or "", 0) >= MIN_VIDEOS_PER_LANGUAGE


def _stack(center: TfidfVectorizer, context: TfidfVectorizer, utterances: list[Utterance],
           duration: float) -> sparse.csr_matrix:
    """Features of each utterance: its own text, the text before and after it (apart, so that the sentence before an
    ad read is not mistaken for its start), signal counts of all three, and its position."""
    n = range(len(utterances))
    return sparse.hstack([
        center.transform([u.text.lower() for u in utterances]),
        CONTEXT_WEIGHT * context.transform([_before(utterances, i).lower() for i in n]),
        CONTEXT_WEIGHT * context.transform([_after(utterances, i).lower() for i in n]),
        sparse.csr_matrix(_numeric(utterances, duration)),
    ]).tocsr()


def fit(videos: list[LabelledVideo], c: float = 4.0) -> AdClassifier:
    videos = [v for v in videos if v.utterances]
    center = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, max_features=40000, sublinear_tf=True)
    context = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, max_features=20000, sublinear_tf=True)
    center.fit([u.text.lower() for v in videos for u in v.utterances])
    context.fit([_after(v.utterances, i).lower() for v in videos for i in range(len(v.utterances))])
    x = sparse.vstack([_stack(center, context, v.utterances, v.duration) for v in videos]).tocsr()
    y = [lab for v in videos for lab in utterance_labels(v)]
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    model.fit(x, y)
    languages: dict[str, int] = {}
    for v in videos:
        languages[v.language] = languages.get(v.language, 0) + 1
    return AdClassifier(center, context, model, languages)


def save(clf: AdClassifier, path: Path = MODEL_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(clf, path, compress=3)


@lru_cache(maxsize=2)
def load(path: Path = MODEL_FILE) -> AdClassifier:
    """The committed model; if it is missing or was pickled by another scikit-learn, train one from the training files
    (seconds on the seed set) rather than trust an incompatible pickle."""
    try:
        clf = joblib.load(path)
        if isinstance(clf, AdClassifier) and clf.sklearn_version == sklearn.__version__:
            return clf
        log.warning("ad classifier at %s was built with scikit-learn %s; retraining", path,
                    getattr(clf, "sklearn_version", "?"))
    except Exception as exc:  # noqa: BLE001  unpickling fails in many ways (KeyError, UnpicklingError …): retrain
        log.warning("ad classifier at %s could not be loaded (%s); retraining", path, exc)
    return fit([v for f in training_files() for v in load_jsonl(f)])
