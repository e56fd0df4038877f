"""spoken_language.py: when the language head is checked by decoding, how decodings are scored, and (slow) the whole
detection on generated Russian and English speech."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from veritasad.analysis.engine import spoken_language as sl
from veritasad.analysis.engine.media import SAMPLE_RATE, iter_audio
from veritasad.analysis.engine.speech import SpeechOptions, load_model
from veritasad.testing import media as gen

pytestmark = pytest.mark.engine_only
MODEL_CACHE = os.environ.get("MODEL_CACHE_DIR")


def test_a_confident_head_is_not_checked() -> None:
    assert sl.close_candidates({"ru": 0.97, "en": 0.01}) == []


def test_an_unsure_head_has_its_close_candidates_decoded() -> None:
    assert sorted(sl.close_candidates({"ru": 0.026, "en": 0.010})) == ["en", "ru"]
    # A candidate far behind the leader is not worth a decoding.
    assert sl.close_candidates({"ru": 0.5, "en": 0.005, "de": 0.2}) == ["ru", "de"]


def test_the_better_decoding_wins_over_the_heads_share() -> None:
    assert sl.choose({"ru": 0.3, "en": 0.7}, {"ru": -0.4, "en": -0.9}) == "ru"
    assert sl.choose({"ru": 0.3, "en": 0.7}, {}) == "en"  # nothing decoded: the head decides


def test_a_looping_decoding_scores_below_a_halting_one() -> None:
    # Russian speech forced into English: a confident loop (high log-prob, compression ratio 13.6) ...
    looping = sl.score_segments([(-0.21, 13.6, 120)])
    # ... against the same speech decoded as Russian: unsure but not repetitive.
    halting = sl.score_segments([(-1.07, 1.8, 90)])
    assert halting > looping
    assert sl.score_segments([(-0.5, 2.0, 10), (-1.5, 1.5, 30)]) == pytest.approx(-1.25)
    assert sl.score_segments([]) == float("-inf")


def test_silence_has_no_speech_sample() -> None:
    assert sl.speech_sample(np.zeros(SAMPLE_RATE * 3, np.float32)) is None


@pytest.mark.slow
def test_clear_english_speech_stays_english(tmp_path: Path) -> None:
    lines = ["Hello everyone and welcome back to the channel.", "Today we take a look at the new phone and its camera.",
             "Subscribe and hit the like button if you enjoyed this video.",
             "Now let us see how it takes pictures at night."]
    script = gen.Script(duration=24.0, lines=[gen.Line(1.0 + 6 * i, text) for i, text in enumerate(lines)])
    audio = np.concatenate(list(iter_audio(gen.make_media(script, tmp_path / "en.m4a", video=False))))
    model = load_model(SpeechOptions(model_cache_dir=MODEL_CACHE))
    detected = sl.detect_language(model, audio, ("ru", "en"))
    assert detected is not None and detected[0] == "en"


@pytest.mark.slow
def test_a_looping_wrong_language_loses_to_a_halting_right_one(tmp_path: Path) -> None:
    # Synthetic Russian: the head is unsure, and forced into English the decoder loops; scored, Russian wins.
    lines = ["Этот выпуск выходит при поддержке нашего партнёра.", "Настройка заняла у меня меньше пяти минут.",
             "Если давно хотели попробовать, сейчас самое время.", "Поддержка отвечает буквально за пару минут.",
             "Скачивайте приложение по ссылке в описании."]
    script = gen.Script(duration=30.0, lines=[gen.Line(1.0 + 6 * i, text, lang="ru") for i, text in enumerate(lines)])
    audio = np.concatenate(list(iter_audio(gen.make_media(script, tmp_path / "ru.m4a", video=False))))
    model = load_model(SpeechOptions(model_cache_dir=MODEL_CACHE))
    sample = sl.speech_sample(audio)
    assert sample is not None
    assert sl.decoding_score(model, sample, "ru") > sl.decoding_score(model, sample, "en")
