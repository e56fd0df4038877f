"""Speech: faster-whisper over the streamed audio, with word timestamps and voice-activity filtering.

The audio arrives in chunks from media.iter_audio; we gather a few minutes, cut at the quietest moment near
the end (so no word is split), transcribe that window and carry the rest over. Memory stays flat however long
the video is, which handing faster-whisper the file path would not give: it decodes the whole track at once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from veritasad.analysis.engine.asr_model import resolve_model
from veritasad.analysis.engine.media import SAMPLE_RATE, iter_audio
from veritasad.analysis.engine.spoken_language import detect_language
from veritasad.analysis.engine.types import Transcript, Utterance, Word

ProgressFn = Callable[[float, float | None], None]  # (seconds of audio done, total seconds or None)


@dataclass(frozen=True)
class SpeechOptions:
    model: str = "base"  # a size name or a local CTranslate2 directory
    device: str = "cpu"  # cpu | cuda | auto
    compute_type: str = "int8"  # int8 on CPU; float16 / int8_float16 on GPU
    cpu_threads: int = 2
    language: str | None = None  # None or "auto": detect once, from the first window with speech
    # Detection picks among these (None: any of Whisper's 99). Whisper base, unrestricted, hears synthetic or
    # accented Russian as Latin or Bengali; an unsure pick among these is checked by decoding (spoken_language).
    candidate_languages: tuple[str, ...] | None = ("ru", "en")
    beam_size: int = 1  # greedy: on 2 cores about twice as fast as 5, and as good on our test speech
    batch_size: int = 16  # > 1: BatchedInferencePipeline (faster on CPU and GPU); 1: sequential decoding
    vad: bool = True
    window_seconds: float = 240.0
    model_cache_dir: str | None = None
    # Ad vocabulary handed to the decoder as context (faster-whisper's `hotwords` / `initial_prompt`), to pull bent
    # cue words ("виклама") back to their spelling. Off: bench/bent_speech_results.md measures what each does.
    hotwords: str | None = None
    initial_prompt: str | None = None


@lru_cache(maxsize=4)
def _load(path: str, device: str, compute_type: str, cpu_threads: int):
    from faster_whisper import WhisperModel

    return WhisperModel(path, device=device, compute_type=compute_type, cpu_threads=cpu_threads)


_load_lock = threading.Lock()


def load_model(options: SpeechOptions):
    """The loaded model for these options; loaded once per process and reused (the worker keeps it warm)."""
    cache = Path(options.model_cache_dir) if options.model_cache_dir else None
    path = resolve_model(options.model, cache)
    with _load_lock:
        return _load(path, options.device, options.compute_type, options.cpu_threads)


def windows(chunks: Iterable[np.ndarray], window_seconds: float) -> Iterator[tuple[float, np.ndarray]]:
    """Regroup audio chunks into (offset seconds, samples) windows of about `window_seconds`, cut in silence."""
    size = int(window_seconds * SAMPLE_RATE)
    buffer = np.zeros(0, np.float32)
    offset = 0
    for chunk in chunks:
        buffer = np.concatenate([buffer, chunk]) if buffer.size else chunk
        while buffer.size >= size:
            cut = quietest_point(buffer, lo=int(size * 0.9), hi=size)
            yield offset / SAMPLE_RATE, buffer[:cut]
            offset += cut
            buffer = buffer[cut:]
    if buffer.size:
        yield offset / SAMPLE_RATE, buffer


def quietest_point(audio: np.ndarray, lo: int, hi: int, frame: int = 1600) -> int:
    """The sample index in [lo, hi) at the start of the quietest 0.1 s frame."""
    span = audio[lo:hi]
    n = span.size // frame
    if n == 0:
        return hi
    energy = np.square(span[: n * frame].reshape(n, frame)).mean(axis=1)
    return lo + int(np.argmin(energy)) * frame


def transcribe(
    path: str | os.PathLike,
    options: SpeechOptions | None = None,
    duration: float | None = None,
    on_progress: ProgressFn | None = None,
) -> Transcript:
    """Transcribe the first audio track of a media file."""
    options = options or SpeechOptions()
    return transcribe_chunks(iter_audio(path), options, duration, on_progress)


def transcribe_chunks(
    chunks: Iterable[np.ndarray],
    options: SpeechOptions,
    duration: float | None = None,
    on_progress: ProgressFn | None = None,
) -> Transcript:
    model = load_model(options)
    runner = _runner(model, options)
    language = None if options.language in (None, "", "auto") else options.language
    language_probability: float | None = 1.0 if language else None
    utterances: list[Utterance] = []
    for offset, audio in windows(chunks, options.window_seconds):
        if language is None:
            # Lock the language on the first window that has speech; windows of silence say nothing.
            detected = detect_language(model, audio, options.candidate_languages)
            if detected is None:
                _report(on_progress, offset + audio.size / SAMPLE_RATE, duration)
                continue
            language, language_probability = detected
        for segment in runner(audio, language):  # lazy: segments arrive as their batch is decoded
            utterances.extend(split_sentences(_utterance(segment, offset)))
            _report(on_progress, offset + segment.end, duration)
        _report(on_progress, offset + audio.size / SAMPLE_RATE, duration)
    return Transcript(language=language, language_probability=language_probability, utterances=utterances)


def _report(on_progress: ProgressFn | None, done: float, total: float | None) -> None:
    if on_progress is not None:
        on_progress(done, total)


def split_sentences(utterance: Utterance, max_gap: float = 1.0) -> list[Utterance]:
    """Split a long ASR segment at sentence ends and pauses, so utterances read like caption lines.

    The batched pipeline returns one segment per ~30 s of speech; the timeline needs finer pieces.
    """
    if len(utterance.words) < 2:
        return [utterance] if utterance.text else []
    pieces: list[list[Word]] = [[]]
    for i, word in enumerate(utterance.words):
        if pieces[-1] and word.start - utterance.words[i - 1].end > max_gap:
            pieces.append([])
        pieces[-1].append(word)
        if word.text.endswith((".", "!", "?", "…")):
            pieces.append([])
    return [
        Utterance(start=ws[0].start, end=ws[-1].end, text=" ".join(w.text for w in ws), words=ws)
        for ws in pieces
        if ws
    ]
def _runner(model, options: SpeechOptions):
    common = {"beam_size": options.beam_size, "word_timestamps": True, "condition_on_previous_text": False,
              "hotwords": options.hotwords, "initial_prompt": options.initial_prompt}
    if options.batch_size > 1:
        from faster_whisper import BatchedInferencePipeline

        pipeline = BatchedInferencePipeline(model=model)

        def run(audio: np.ndarray, language: str | None):
            # The batched pipeline needs VAD to find its clips; with vad off, one clip per 30 s.
            clips = None if options.vad else [
                {"start": s, "end": min(s + 30 * SAMPLE_RATE, audio.size)}
                for s in range(0, audio.size, 30 * SAMPLE_RATE)
            ]
            segments, _ = pipeline.transcribe(
                audio, language=language, batch_size=options.batch_size, vad_filter=options.vad,
                clip_timestamps=clips, **common,
            )
            return segments

        return run

    def run_sequential(audio: np.ndarray, language: str | None):
        segments, _ = model.transcribe(audio, language=language, vad_filter=options.vad, **common)
        return segments

    return run_sequential


def _utterance(segment, offset: float) -> Utterance:
    words = [
        Word(start=round(w.start + offset, 3), end=round(w.end + offset, 3), text=w.word.strip(),
             probability=round(w.probability, 4))
        for w in (segment.words or [])
    ]
    return Utterance(start=round(segment.start + offset, 3), end=round(segment.end + offset, 3),
                     text=segment.text.strip(), words=words)
