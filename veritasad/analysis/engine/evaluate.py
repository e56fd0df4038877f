"""Accuracy of the text half of the engine on labelled transcripts: precision, recall and F1 at segment level
(a prediction matches a true segment of the same category at IoU >= 0.5) and per second, by category and language,
for the classifier (k-fold cross-validated, or trained elsewhere) and the rule-only baseline side by side.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from veritasad.analysis.engine.pipeline import analyze_transcript
from veritasad.analysis.engine.report import AnalysisOptions
from veritasad.analysis.engine.text import classifier as clf
from veritasad.analysis.engine.text.dataset import AD_KINDS, Label, LabelledVideo
from veritasad.analysis.engine.types import Transcript

IOU = 0.5
_OPTIONS = AnalysisOptions()


@dataclass
class Counts:
    tp: float = 0.0
    fp: float = 0.0
    fn: float = 0.0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    """Counts keyed by (level, language, category); level is "segment" or "second"; "all" aggregates."""

    counts: dict[tuple[str, str, str], Counts] = field(default_factory=lambda: defaultdict(Counts))

    def add(self, level: str, language: str, category: str, c: Counts) -> None:
        for lang in {language, "all"}:
            for cat in {category, "all"}:
                self.counts[(level, lang, cat)].add(c)


def iou(a: tuple[float, float], b: tuple[float, float]) -> float:
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def segment_counts(truth: list[Label], predicted: list[Label], category: str) -> Counts:
    """Greedy one-to-one matching by IoU, best pairs first."""
    t = [(x.start, x.end) for x in truth if x.category == category]
    p = [(x.start, x.end) for x in predicted if x.category == category]
    pairs = sorted(((iou(a, b), i, j) for i, a in enumerate(t) for j, b in enumerate(p)), reverse=True)
    used_t, used_p = set(), set()
    for score, i, j in pairs:
        if score < IOU:
            break
        if i not in used_t and j not in used_p:
            used_t.add(i)
            used_p.add(j)
    return Counts(tp=len(used_t), fp=len(p) - len(used_p), fn=len(t) - len(used_t))


def second_counts(truth: list[Label], predicted: list[Label], category: str, duration: float) -> Counts:
    """Per second of time, sampled at the middle of each second."""
    c = Counts()
    for k in range(int(duration) + 1):
        t = k + 0.5
        is_true = any(x.category == category and x.start <= t < x.end for x in truth)
        is_pred = any(x.category == category and x.start <= t < x.end for x in predicted)
        c.tp += is_true and is_pred
        c.fp += is_pred and not is_true
        c.fn += is_true and not is_pred
    return c


def predict(video: LabelledVideo, model: clf.AdClassifier | None) -> list[Label]:
    transcript = Transcript(language=video.language or None, utterances=video.utterances)
    report = analyze_transcript(transcript, [], _OPTIONS, duration=video.duration, classifier=model or False)
    return [Label(s.start, s.end, s.kind) for s in report.segments]


def score(videos: list[LabelledVideo], predictions: list[list[Label]], scores: Scores | None = None) -> Scores:
    scores = scores or Scores()
    for video, predicted in zip(videos, predictions):
        truth = [x for x in video.labels if x.category in AD_KINDS]
        for cat in AD_KINDS:
            scores.add("segment", video.language, cat, segment_counts(truth, predicted, cat))
            scores.add("second", video.language, cat, second_counts(truth, predicted, cat, video.duration))
    return scores


def folds(videos: list[LabelledVideo], k: int, seed: int = 0) -> list[list[int]]:
    """k folds of video indices, whole phrasing families at a time (clf.family_of): a fold's classifier never saw
    the family it is scored on, so cross-validation cannot pass by remembering wordings. Families are dealt to the
    folds largest first, so the folds come out about the same size."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, v in enumerate(videos):
        groups[clf.family_of(v)].append(i)
    order = list(groups)
    random.Random(seed).shuffle(order)
    order.sort(key=lambda g: -len(groups[g]))
    out: list[list[int]] = [[] for _ in range(k)]
    for g in order:
        min(out, key=len).extend(groups[g])
    return out


def false_alarms_per_hour(videos: list[LabelledVideo], predictions: list[list[Label]]) -> tuple[float, float]:
    """(ad segments predicted per hour of videos that hold no ad at all, hours of such video)."""
    hours = sum(v.duration for v in videos if not v.labels) / 3600
    found = sum(len(p) for v, p in zip(videos, predictions) if not v.labels)
    return (found / hours if hours else 0.0), hours


def cross_validate(videos: list[LabelledVideo], k: int = 5, **fit_args) -> tuple[Scores, Scores]:
    """(model, rules) scores; each fold's model never sees the videos, nor the families, it is scored on."""
    model_scores, rule_scores = Scores(), Scores()
    for test_idx in folds(videos, k):
        test = set(test_idx)
        model = clf.fit([v for i, v in enumerate(videos) if i not in test], **fit_args)
        held = [videos[i] for i in test_idx]
        score(held, [predict(v, model) for v in held], model_scores)
        score(held, [predict(v, None) for v in held], rule_scores)
    return model_scores, rule_scores


def evaluate_with(model: clf.AdClassifier, videos: list[LabelledVideo]) -> tuple[Scores, Scores]:
    """(model, rules) scores of a model trained elsewhere (the held-out split)."""
    return score(videos, [predict(v, model) for v in videos]), score(videos, [predict(v, None) for v in videos])


def scores_table(model: Scores, rules: Scores, title: str):
    """A rich Table: one row per level, language and category; classifier and rules side by side."""
    from rich.table import Table

    table = Table(title=title)
    for col in ("level", "lang", "category", "n true", "P", "R", "F1", "rules P", "rules R", "rules F1"):
        table.add_column(col, justify="left" if col in ("level", "lang", "category") else "right")
    keys = sorted(model.counts, key=lambda k: (k[0] != "segment", k[1] != "all", k[1], k[2] != "all", k[2]))
    for key in keys:
        m, r = model.counts[key], rules.counts.get(key, Counts())
        n_true = m.tp + m.fn
        if not n_true and not (m.fp or r.fp):
            continue
        n = f"{n_true:.0f}" + (" s" if key[0] == "second" else "")
        table.add_row(*key, n, *(f"{x:.2f}" for x in (m.precision, m.recall, m.f1, r.precision, r.recall, r.f1)))
    return table
