"""SpeechOptions' decoder vocabulary (`hotwords`, `initial_prompt`): off by default, handed to faster-whisper as set."""

from __future__ import annotations

import numpy as np
import pytest

from veritasad.analysis.engine import speech
from veritasad.analysis.engine.speech import SpeechOptions

pytestmark = pytest.mark.engine_only


class FakeModel:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def transcribe(self, audio, **kwargs):
        self.calls.append(kwargs)
        return iter(()), None


def test_vocabulary_is_off_by_default() -> None:
    # bench/bent_speech_results.md: both invent cues that were never said, so neither is on.
    options = SpeechOptions()
    assert options.hotwords is None and options.initial_prompt is None


@pytest.mark.parametrize(("field", "value"), [("hotwords", "реклама промокод"), ("initial_prompt", "Реклама.")])
def test_vocabulary_reaches_the_decoder(field: str, value: str) -> None:
    model = FakeModel()
    run = speech._runner(model, SpeechOptions(batch_size=1, **{field: value}))
    list(run(np.zeros(16000, np.float32), "ru"))
    assert model.calls[0][field] == value
    other = {"hotwords", "initial_prompt"} - {field}
    assert model.calls[0][other.pop()] is None
