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


def _context(utterances: list[Utterance], i: int, reach: int = 2) -> str:
    lo, hi = max(0, i - reach), min(len(utterances), i + reach + 1)
    return " ".join(utterances[j].text for j in range(lo, hi) if j != i)


def _numeric(utterances: list[Utterance], duration: float) -> np.ndarray:
    rows = []
    total = max(duration, utterances[-1].end if utterances else 1.0, 1.0)
    for i, u in enumerate(utterances):
        own = count_signals(u.text)
        near = count_signals(_context(utterances, i))
        pos = u.start / total
        rows.append([min(own.get(k, 0), 2) for k in _SIGNAL_KINDS] + [min(near.get(k, 0), 3) / 2 for k in _SIGNAL_KINDS]
                    + [pos, float(pos < 0.1), float(pos > 0.9)])
    return np.asarray(rows, dtype=np.float32).reshape(len(utterances), 2 * len(_SIGNAL_KINDS) + 3)


@dataclass
class AdClassifier:
    """Fitted featurisers + model, and which languages it was trained on (the report says which path decided)."""

    center: TfidfVectorizer
    context: TfidfVectorizer
    model: LogisticRegression
    languages: dict[str, int] = field(default_factory=dict)
    sklearn_version: str = sklearn.__version__

    def _features(self, utterances: list[Utterance], duration: float) -> sparse.csr_matrix:
        texts = [u.text.lower() for u in utterances]
        ctx = [_context(utterances, i).lower() for i in range(len(utterances))]
        return sparse.hstack([self.center.transform(texts), 0.5 * self.context.transform(ctx),
                              sparse.csr_matrix(_numeric(utterances, duration))]).tocsr()

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


def fit(videos: list[LabelledVideo], c: float = 4.0) -> AdClassifier:
    utterances_by_video = [v.utterances for v in videos if v.utterances]
    texts = [u.text.lower() for us in utterances_by_video for u in us]
    ctx = [_context(us, i).lower() for us in utterances_by_video for i in range(len(us))]
    y = [lab for v in videos if v.utterances for lab in utterance_labels(v)]
    center = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, max_features=40000, sublinear_tf=True)
    context = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, max_features=20000, sublinear_tf=True)
    numeric = np.vstack([_numeric(v.utterances, v.duration) for v in videos if v.utterances])
    x = sparse.hstack([center.fit_transform(texts), 0.5 * context.fit_transform(ctx), sparse.csr_matrix(numeric)]).tocsr()
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
    except (OSError, EOFError, AttributeError, ImportError, ValueError) as exc:
        log.warning("ad classifier at %s could not be loaded (%s); retraining", path, exc)
    return fit([v for f in training_files() for v in load_jsonl(f)])
