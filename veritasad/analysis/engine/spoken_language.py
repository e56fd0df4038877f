"""Which language is spoken: Whisper's language head, checked by decoding a sample under the close candidates.

The language head looks at one 30 s window and is easily fooled by synthetic, accented or noisy speech (Whisper base
hears espeak's Russian as English even when told to pick between the two). A decoder forced into the wrong language
still produces text, but it is less sure of every token, so when the head is not confident we decode the same sample
under each close candidate and keep the one with the higher mean token log-probability.
"""

from __future__ import annotations

import numpy as np

from veritasad.analysis.engine.media import SAMPLE_RATE

# Below this share (renormalised over the candidates) the head's answer is checked by decoding.
CONFIDENT = 0.95
# Candidates whose share is at least this fraction of the best one's get decoded too.
CLOSE = 0.02
MAX_COMPRESSION = 2.4  # faster-whisper's compression_ratio_threshold: above it a decoding counts as failed
SAMPLE_SECONDS = 30.0  # one Whisper window of speech: enough words to tell languages apart


def speech_sample(audio: np.ndarray, seconds: float = SAMPLE_SECONDS) -> np.ndarray | None:
    """Up to `seconds` of the speech in `audio` (silence cut out), or None when there is none."""
    from faster_whisper.vad import collect_chunks, get_speech_timestamps

    stamps = get_speech_timestamps(audio)
    if not stamps:
        return None
    chunks, _ = collect_chunks(audio, stamps)
    speech = np.concatenate(chunks)
    return speech[: int(seconds * SAMPLE_RATE)]


def decoding_score(model, sample: np.ndarray, language: str) -> float:
    """How well `sample` decodes when forced into `language`: the mean token log-probability of a greedy decoding,
    less a penalty for repetition (higher: more likely).

    Forced into the wrong language, Whisper often loops on one confident phrase ("the enemy is in the control of the
    enemy ..."): a high log-probability but a high compression ratio, the measure Whisper itself uses to reject a
    decoding. Each point of compression ratio above its threshold costs one nat per token.
    """
    segments, _ = model.transcribe(sample, language=language, beam_size=1, temperature=0.0, vad_filter=False,
                                   condition_on_previous_text=False, without_timestamps=True,
                                   no_speech_threshold=None, log_prob_threshold=None)  # keep every segment: all count
    return score_segments([(s.avg_logprob, s.compression_ratio, len(s.tokens)) for s in segments])


def score_segments(segments: list[tuple[float, float, int]]) -> float:
    """Token-weighted mean of (avg log-prob, compression ratio, token count) rows, with the repetition penalty."""
    total = tokens = 0.0
    for logprob, ratio, n in segments:
        n = max(n, 1)
        total += (logprob - max(0.0, ratio - MAX_COMPRESSION)) * n
        tokens += n
    return total / tokens if tokens else float("-inf")


def choose(shares: dict[str, float], scores: dict[str, float]) -> str:
    """The candidate with the best decoding score; the head's share breaks ties and covers unscored candidates."""
    return max(shares, key=lambda lang: (scores.get(lang, float("-inf")), shares[lang]))


def close_candidates(shares: dict[str, float]) -> list[str]:
    """The candidates worth decoding: empty when the head is confident, else those near the best."""
    best = max(shares.values())
    total = sum(shares.values()) or 1.0
    if best / total >= CONFIDENT:
        return []
    return [lang for lang, p in shares.items() if p >= CLOSE * best]


def detect_language(model, audio: np.ndarray, candidates: tuple[str, ...] | None) -> tuple[str, float] | None:
    """(language, probability) from the speech in `audio`, or None when it holds no speech.

    With candidates, the head's shares are renormalised over them, and an unsure pick is checked by decoding.
    The probability reported is the head's share for the language chosen.
    """
    sample = speech_sample(audio)
    if sample is None:
        return None
    best, probability, ranked = model.detect_language(sample)
    if not candidates:
        return best, round(float(probability), 4)
    shares = {lang: float(p) for lang, p in ranked if lang in candidates}
    if not shares:
        return candidates[0], 0.0
    total = sum(shares.values()) or 1.0
    scores = {lang: decoding_score(model, sample, lang) for lang in close_candidates(shares)}
    lang = choose(shares, scores)
    return lang, round(shares[lang] / total, 4)
