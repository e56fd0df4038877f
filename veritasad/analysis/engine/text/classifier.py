"""The ad model over transcript utterances: a text classifier and the signals, combined by the rule in ensemble.py.

The classifier reads an utterance and its neighbours (features.py: character TF-IDF, the multilingual sentence
encoder, or both) into a multinomial logistic regression; it is given no signal counts, so that the two parts stay
apart and the combiner can weigh each. `mode` picks what predict_proba returns: "combined" (the product), or one part
alone ("classifier", "signals") for the benchmark's side-by-side rows.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import joblib
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

from veritasad.analysis.engine.text import features
from veritasad.analysis.engine.text.dataset import (
    CLASSES,
    LabelledVideo,
    load_jsonl,
    training_files,
    utterance_labels,
)
from veritasad.analysis.engine.text.echo import echoes
from veritasad.analysis.engine.text.ensemble import Combiner, strong_flags
from veritasad.analysis.engine.text.rules import rule_proba
from veritasad.analysis.engine.text.signals import count_signals
from veritasad.analysis.engine.types import Utterance

log = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).resolve().parent / "model" / "ad_classifier.joblib"
# The sentence encoder: on held-out phrasing families it matches TF-IDF and TF-IDF + encoder within a few points of
# F1, and only it carries over between languages (bench/eval_text_results.md).
DEFAULT_REPRESENTATION: features.Kind = "use"
# A language needs this many training videos before the model, not the rules alone, decides for it.
MIN_VIDEOS_PER_LANGUAGE = 20
STACK_FOLDS = 4
FORMAT = 4  # bumped whenever AdClassifier's fields change: an older pickle is retrained, not trusted
Mode = Literal["combined", "classifier", "signals"]


@dataclass
class AdClassifier:
    """Fitted representation, classifier and combiner, and which languages it was trained on."""

    representation: features.Representation
    model: LogisticRegression
    combiner: Combiner
    languages: dict[str, int] = field(default_factory=dict)
    mode: Mode = "combined"
    sklearn_version: str = sklearn.__version__
    format: int = FORMAT

    def with_mode(self, mode: Mode) -> AdClassifier:
        return dataclasses.replace(self, mode=mode)

    def predict_proba(self, utterances: list[Utterance], duration: float = 0.0) -> np.ndarray:
        """Rows: utterances; columns: CLASSES ("none", "sponsor", "selfpromo", "interaction")."""
        if not utterances:
            return np.zeros((0, len(CLASSES)))
        counts = [count_signals(u.text) for u in utterances]
        p_sig = rule_proba(utterances, counts)
        if self.mode == "signals":
            return p_sig
        p_clf = _classify(self.model, self.representation.transform(utterances, duration, counts=counts))
        if self.mode == "classifier":
            return p_clf
        return self.combiner.combine(p_clf, p_sig, strong_flags(counts), echoes(utterances))

    def covers(self, language: str | None) -> bool:
        return bool(language) and self.languages.get(language or "", 0) >= MIN_VIDEOS_PER_LANGUAGE


def _classify(model: LogisticRegression, x) -> np.ndarray:
    proba = model.predict_proba(x)
    out = np.zeros((x.shape[0], len(CLASSES)))
    for j, cls in enumerate(model.classes_):
        out[:, CLASSES.index(cls)] = proba[:, j]
    return out


def _fit_classifier(videos: list[LabelledVideo], kind: features.Kind, c: float,
                    vectors: dict[str, np.ndarray] | None) -> tuple[features.Representation, LogisticRegression]:
    from scipy import sparse

    rep = features.Representation(kind).fit([v.utterances for v in videos])
    rows = [rep.transform(v.utterances, v.duration, vectors.get(v.video_id) if vectors else None) for v in videos]
    x = sparse.vstack(rows).tocsr() if rep.uses_tfidf else np.vstack(rows)
    y = [lab for v in videos for lab in utterance_labels(v)]
    # tol 1e-3: six times faster than the default here, and no worse on held-out families
    return rep, LogisticRegression(C=c, max_iter=500, tol=1e-3, class_weight="balanced").fit(x, y)


def family_of(video: LabelledVideo) -> str:
    """The phrasing family a video is grouped by when the stacker's folds are drawn: its most used family when the
    data says (generated sets do), else the video itself (real data: each video its own group)."""
    return max(set(video.families), key=video.families.count) if video.families else video.video_id


def fit(videos: list[LabelledVideo], c: float = 4.0, representation: features.Kind = DEFAULT_REPRESENTATION,
        vectors: dict[str, np.ndarray] | None = None, folds: int = STACK_FOLDS) -> AdClassifier:
    """Train the classifier on all `videos`, and the combiner on out-of-family predictions of `folds` classifiers.
    `vectors`: sentence embeddings per video id, precomputed (the benchmark caches them)."""
    videos = [v for v in videos if v.utterances]
    if representation != "tfidf" and vectors is None:
        texts = sorted({u.text for v in videos for u in v.utterances})  # each sentence once: half the work here
        table = dict(zip(texts, features.embed(texts)))
        vectors = {v.video_id: np.stack([table[u.text] for u in v.utterances]) for v in videos}
    groups = sorted({family_of(v) for v in videos})
    fold_of = {g: i % folds for i, g in enumerate(np.random.default_rng(0).permutation(groups))}
    p_clf, p_sig, flags, echo, labels = [], [], [], [], []
    for k in range(folds):
        train = [v for v in videos if fold_of[family_of(v)] != k]
        test = [v for v in videos if fold_of[family_of(v)] == k]
        if not train or not test or len({lab for v in train for lab in utterance_labels(v)}) < 2:
            continue
        rep, model = _fit_classifier(train, representation, c, vectors)
        for v in test:
            counts = [count_signals(u.text) for u in v.utterances]
            x = rep.transform(v.utterances, v.duration, vectors.get(v.video_id) if vectors else None, counts)
            p_clf.append(_classify(model, x))
            p_sig.append(rule_proba(v.utterances, counts))
            flags.append(strong_flags(counts))
            echo.append(echoes(v.utterances))
            labels += utterance_labels(v)
    rep, model = _fit_classifier(videos, representation, c, vectors)
    combiner = Combiner().fit(np.vstack(p_clf), np.vstack(p_sig), np.vstack(flags), np.concatenate(echo), labels)
    languages: dict[str, int] = {}
    for v in videos:
        languages[v.language] = languages.get(v.language, 0) + 1
    return AdClassifier(rep, model, combiner, languages)


def save(clf: AdClassifier, path: Path = MODEL_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(clf, path, compress=3)


def _same_minor(a: str, b: str) -> bool:
    """scikit-learn keeps pickles loadable within a minor release (1.9.0 -> 1.9.1), not across them."""
    return a.split(".")[:2] == b.split(".")[:2]


@lru_cache(maxsize=2)
def load(path: Path = MODEL_FILE) -> AdClassifier:
    """The committed model; if it is missing or was pickled by another scikit-learn, train one from the training files
    (seconds on the seed set) rather than trust an incompatible pickle."""
    try:
        clf = joblib.load(path)
        if isinstance(clf, AdClassifier) and _same_minor(clf.sklearn_version, sklearn.__version__) and \
                getattr(clf, "format", 1) == FORMAT:
            return clf
        log.warning("ad classifier at %s was built with scikit-learn %s; retraining", path,
                    getattr(clf, "sklearn_version", "?"))
    except Exception as exc:  # noqa: BLE001  unpickling fails in many ways (KeyError, UnpicklingError …): retrain
        log.warning("ad classifier at %s could not be loaded (%s); retraining", path, exc)
    return fit([v for f in training_files() for v in load_jsonl(f)])
