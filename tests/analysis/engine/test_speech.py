"""speech.py and asr_model.py: windowing, sentence splitting, the offline model, and (slow) real transcription."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from veritasad.analysis.engine.asr_model import assemble_base, resolve_model
from veritasad.analysis.engine.errors import EngineError
from veritasad.analysis.engine.media import SAMPLE_RATE
from veritasad.analysis.engine.speech import (
    SpeechOptions,
    quietest_point,
    split_sentences,
    transcribe,
    windows,
)
from veritasad.analysis.engine.types import Utterance, Word
from veritasad.testing import media as gen

pytestmark = pytest.mark.engine_only
MODEL_CACHE = os.environ.get("MODEL_CACHE_DIR")


def test_windows_cut_in_silence_and_keep_every_sample() -> None:
    tone = np.sin(np.arange(SAMPLE_RATE * 100) / 3).astype(np.float32)
    tone[95 * SAMPLE_RATE : 96 * SAMPLE_RATE] = 0.0  # the only pause near the 100 s boundary
    audio = np.concatenate([tone, tone[: 30 * SAMPLE_RATE]])
    chunks = [audio[i : i + 30 * SAMPLE_RATE] for i in range(0, audio.size, 30 * SAMPLE_RATE)]
    got = list(windows(chunks, window_seconds=100))
    assert got[0][0] == 0.0
    assert 95.0 <= got[0][1].size / SAMPLE_RATE <= 96.0  # cut inside the pause, not at 100 s
    assert got[1][0] == pytest.approx(got[0][1].size / SAMPLE_RATE)
    assert np.array_equal(np.concatenate([w for _, w in got]), audio)


def test_quietest_point() -> None:
    audio = np.ones(SAMPLE_RATE * 10, np.float32)
    audio[SAMPLE_RATE * 7 : SAMPLE_RATE * 7 + 1600] = 0
    assert quietest_point(audio, lo=SAMPLE_RATE * 5, hi=SAMPLE_RATE * 10) == SAMPLE_RATE * 7


def test_split_sentences_at_full_stops_and_pauses() -> None:
    words = [
        Word(start=s, end=s + 0.3, text=t)
        for s, t in [
            (0, "Hello"),
            (0.4, "there."),
            (0.8, "Use"),
            (1.2, "code"),
            (3.0, "SAVE20"),
            (3.4, "now!"),
        ]
    ]
    parts = split_sentences(Utterance(start=0, end=3.7, text="…", words=words))
    assert [(u.text, u.start, round(u.end, 3)) for u in parts] == [
        ("Hello there.", 0, 0.7),
        ("Use code", 0.8, 1.5),
        ("SAVE20 now!", 3.0, 3.7),
    ]


def test_base_model_is_assembled_once_atomically(tmp_path: Path) -> None:
    first = assemble_base(tmp_path)
    parts = sorted(p.name for p in first.iterdir())
    assert parts == ["config.json", "model.bin", "tokenizer.json", "vocabulary.txt"]  # no temp files left
    stamp = (first / "model.bin").stat().st_mtime_ns
    assert assemble_base(tmp_path) == first
    assert (first / "model.bin").stat().st_mtime_ns == stamp  # not rebuilt
    assert resolve_model("base", tmp_path) == str(first)
    assert resolve_model(str(first)) == str(first)  # a local directory is used as is


def test_unknown_model_is_refused_without_download(tmp_path: Path) -> None:
    with pytest.raises(EngineError) as err:
        resolve_model("large-v3-not-cached", tmp_path)
    assert err.value.code == "MODEL_NOT_FOUND"
    with pytest.raises(EngineError):
        resolve_model(str(tmp_path))  # a directory without model.bin


@pytest.mark.slow
def test_transcribes_english_with_word_times(tmp_path: Path) -> None:
    lines = [
        gen.Line(1.0, "Hello everyone and welcome back to the channel."),
        gen.Line(6.0, "This video is sponsored by Nord VPN."),
    ]
    video = gen.make_media(gen.Script(duration=10, lines=lines), tmp_path / "en.mp4")
    seen: list[float] = []
    result = transcribe(
        video,
        SpeechOptions(model_cache_dir=MODEL_CACHE),
        duration=10,
        on_progress=lambda done, total: seen.append(done),
    )
    assert result.language == "en"
    text = " ".join(u.text for u in result.utterances).lower()
    assert "welcome back to the channel" in text and "sponsored by" in text
    sponsored = next(w for u in result.utterances for w in u.words if w.text.lower().startswith("sponsored"))
    assert 6.0 <= sponsored.start <= 9.0
    assert seen and seen[-1] == pytest.approx(10.0, abs=0.1)


@pytest.mark.slow
def test_transcribes_russian_with_forced_language(tmp_path: Path) -> None:
    lines = [
        gen.Line(1.0, "Всем привет, с вами снова наш канал.", lang="ru"),
        gen.Line(5.0, "Это реклама. Партнёр выпуска компания Ромашка.", lang="ru"),
    ]
    video = gen.make_media(gen.Script(duration=10, lines=lines), tmp_path / "ru.mp4")
    result = transcribe(video, SpeechOptions(language="ru", model_cache_dir=MODEL_CACHE))
    assert result.language == "ru"
    text = " ".join(u.text for u in result.utterances).lower()
    assert "реклама" in text and "выпуска" in text  # espeak's Russian is rough; these words come through
    assert all(u.start >= 0.5 for u in result.utterances)


@pytest.mark.slow
def test_silence_gives_an_empty_transcript(tmp_path: Path) -> None:
    video = gen.make_media(gen.Script(duration=5), tmp_path / "silent.m4a", video=False)
    result = transcribe(video, SpeechOptions(model_cache_dir=MODEL_CACHE))
    assert result.utterances == [] and result.language is None
    forced = transcribe(video, SpeechOptions(language="en", model_cache_dir=MODEL_CACHE))
    assert forced.utterances == [] and forced.language == "en"
