"""analyze(): probe → speech ∥ screen → signals → segments → disclosure → Report.

Speech and screen reading run side by side (two threads: both spend their time in native code that releases the GIL).
Progress goes to `on_progress(stage, percent_overall, message)`; the stage weights are rough shares of the wall time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from veritasad.analysis.engine import disclosure, media, segments
from veritasad.analysis.engine.report import AnalysisOptions, Report
from veritasad.analysis.engine.text import classifier as clf
from veritasad.analysis.engine.text.language import guess_language
from veritasad.analysis.engine.types import MediaInfo, ScreenText, Transcript

ProgressFn = Callable[[str, float, str], None]

# Share of the overall percentage each stage covers (speech and screen overlap, so they share one band).
_BANDS = {"probe": (0.0, 2.0), "speech": (2.0, 90.0), "screen": (2.0, 90.0), "segments": (90.0, 96.0),
          "disclosure": (96.0, 99.0), "report": (99.0, 100.0)}


class _Progress:
    def __init__(self, on_progress: ProgressFn | None) -> None:
        self.on_progress = on_progress
        self.done = {"speech": 0.0, "screen": 0.0}

    def __call__(self, stage: str, fraction: float, message: str = "") -> None:
        if self.on_progress is None:
            return
        lo, hi = _BANDS[stage]
        if stage in self.done:
            # Parallel stages: overall progress follows the slower of the two.
            self.done[stage] = max(self.done[stage], min(max(fraction, 0.0), 1.0))
            fraction = min(self.done.values())
        self.on_progress(stage, round(lo + (hi - lo) * min(max(fraction, 0.0), 1.0), 1), message)


def _speech(path: Path, info: MediaInfo, options: AnalysisOptions, progress: _Progress) -> Transcript:
    from veritasad.analysis.engine import speech  # imports faster-whisper: only when there is audio

    opts = speech.SpeechOptions(model=options.asr_model, device=options.asr_device,
                                compute_type=options.asr_compute_type, cpu_threads=options.asr_cpu_threads,
                                language=None if options.language == "auto" else options.language)
    return speech.transcribe(path, opts, info.duration,
                             lambda done, total: progress("speech", done / total if total else 0.0,
                                                          f"{done:.0f} s of audio transcribed"))


def _screen(path: Path, info: MediaInfo, options: AnalysisOptions, progress: _Progress) -> list[ScreenText]:
    from veritasad.analysis.engine import vision  # imports Tesseract: only when there is video

    frames = media.iter_frames(path, interval=options.frame_interval)
    found = vision.read_screen(frames, vision.VisionOptions(codes=options.qr),
                               on_progress=lambda t: progress("screen", t / info.duration if info.duration else 1.0,
                                                              f"{t:.0f} s of video read"))
    # The reader always runs OCR (it finds where the codes are on the same pass); drop its text when not wanted.
    return [s for s in found if options.ocr or s.source != "ocr"]


def analyze(source: str | Path, options: AnalysisOptions | None = None,
            on_progress: ProgressFn | None = None) -> Report:
    """Analyse a local media file. Raises engine.errors.MediaError for input that is not usable media."""
    options = options or AnalysisOptions()
    progress = _Progress(on_progress)
    path = Path(source)
    timings: dict[str, float] = {}
    began = time.perf_counter()
    progress("probe", 0.0, "reading the container")
    info = media.probe(path, options.max_duration)
    timings["probe"] = time.perf_counter() - began
    warnings = []
    if not info.has_audio:
        warnings.append("no audio track: analysed from the screen alone")
        progress("speech", 1.0, "no audio")
    if not info.has_video:
        warnings.append("no video track: analysed from speech alone")
        progress("screen", 1.0, "no video")
    transcript, screen = Transcript(), []
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = {}
        if info.has_audio:
            jobs["speech"] = pool.submit(_timed, _speech, path, info, options, progress)
        if info.has_video and (options.ocr or options.qr):
            jobs["screen"] = pool.submit(_timed, _screen, path, info, options, progress)
        for stage, job in jobs.items():
            result, seconds = job.result()
            timings[stage] = seconds
            if stage == "speech":
                transcript = result
            else:
                screen = result
    report = analyze_transcript(transcript, screen, options, duration=info.duration, progress=progress)
    report.source, report.media = str(source), info
    report.timings = {**timings, **report.timings, "total": time.perf_counter() - began}
    report.warnings = warnings + report.warnings
    return report


def _timed(fn, *args):
    began = time.perf_counter()
    return fn(*args), time.perf_counter() - began


def analyze_transcript(transcript: Transcript, screen: list[ScreenText] | None = None,
                       options: AnalysisOptions | None = None, *, duration: float | None = None,
                       classifier: clf.AdClassifier | None | bool = True, source: str = "transcript",
                       progress: Callable[[str, float, str], None] | None = None) -> Report:
    """The text half of the pipeline, for transcripts without media (eval) and as the tail of analyze().

    `classifier`: True loads the committed model, an AdClassifier uses that one, False/None forces the rules path.
    """
    options = options or AnalysisOptions()
    screen = screen or []
    say = progress or (lambda *_: None)
    utterances = transcript.utterances
    duration = duration if duration is not None else max([u.end for u in utterances] + [s.end for s in screen] + [0.0])
    language = transcript.language if options.language == "auto" else options.language
    language = language or guess_language(" ".join(u.text for u in utterances) + " " +
                                          " ".join(s.text for s in screen))
    model = clf.load() if classifier is True else (classifier or None)
    timings = {}
    began = time.perf_counter()
    say("segments", 0.0, "finding ad segments")
    found = segments.find_segments(utterances, screen, duration, language, model)  # type: ignore[arg-type]
    timings["segments"] = time.perf_counter() - began
    began = time.perf_counter()
    say("disclosure", 0.0, "checking disclosure")
    found = disclosure.judge_all(found, utterances, screen, options.regimes, language)
    timings["disclosure"] = time.perf_counter() - began
    say("report", 1.0, f"{len(found)} ad segment(s)")
    warnings = []
    if utterances and not (model and model.covers(language)):
        warnings.append(f"the classifier was not trained on language {language!r}: segments come from rules")
    return Report(source=source, language=language, segments=found, transcript=transcript, screen_texts=screen,
                  timings=timings, warnings=warnings, options=options)
