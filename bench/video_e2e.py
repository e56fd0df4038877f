"""End-to-end video benchmark: `python -m bench video_e2e [--split heldout|dev] [--n 12] [--long]`.

Videos are generated from labelled transcripts (espeak-ng reads each line at its time; sponsor segments get
on-screen disclosure overlays and QR codes by a seeded coin; see _video_scripts.py), then analysed by the full
`analyze()`. Printed: segment P/R/F1 (IoU >= 0.5), disclosure accuracy on the found sponsor segments, speed
(video seconds per wall second) overall and per stage, and peak RSS.
`--long`: a cheap 2-hour video (low resolution, mostly silence) analysed in a child process, to measure its
peak memory on its own.

The default split is the held-out seed set: the text classifier was trained on the dev split, so videos made
from dev transcripts would be graded on its training data.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench._video_scripts import build
from veritasad.analysis.engine import evaluate
from veritasad.analysis.engine.text.dataset import HELDOUT_FILE, SEED_FILE, Label, load_jsonl
from veritasad.testing import media as gen

STAGES = ("probe", "speech", "screen", "segments", "disclosure", "total")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """CPU time of this process (all threads): unlike wall time, barely moved by other processes' load."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _pick(videos: list, n: int, seed: int) -> list:
    """n videos, half per language where possible, in a seeded order."""
    rng = random.Random(seed)
    by_lang: dict[str, list] = {}
    for v in videos:
        by_lang.setdefault(v.language, []).append(v)
    for group in by_lang.values():
        rng.shuffle(group)
    picked, langs = [], sorted(by_lang)
    while len(picked) < n and any(by_lang.values()):
        for lang in langs:
            if by_lang[lang] and len(picked) < n:
                picked.append(by_lang[lang].pop())
    return picked


def _analyze(path: Path, language: str, asr_threads: int | None = None):
    from veritasad.analysis.engine.pipeline import analyze
    from veritasad.analysis.engine.report import AnalysisOptions

    options = AnalysisOptions(language=language)
    if asr_threads is not None:
        options = options.model_copy(update={"asr_cpu_threads": asr_threads})
    return analyze(path, options)


def run_videos(args: argparse.Namespace, console: Console) -> None:
    data = args.data or (SEED_FILE if args.split == "dev" else HELDOUT_FILE)
    videos = _pick(load_jsonl(data), args.n, args.seed)
    rng = random.Random(args.seed)
    predictions, timings, verdicts, gen_seconds = [], Counter(), [], 0.0
    media_seconds = 0.0
    with tempfile.TemporaryDirectory(prefix="veritasad-bench-") as tmp:
        for i, video in enumerate(videos):
            began = time.perf_counter()
            script, truth = build(video, rng)
            path = gen.make_media(script, Path(tmp) / f"{video.video_id}.mp4")
            gen_seconds += time.perf_counter() - began
            cpu = _cpu_seconds()
            report = _analyze(path, "auto" if args.lang_auto else video.language, args.asr_threads)
            timings["cpu"] += _cpu_seconds() - cpu
            path.unlink()
            media_seconds += report.media.duration
            for stage in STAGES:
                timings[stage] += report.timings.get(stage, 0.0)
            predicted = [Label(s.start, s.end, s.kind) for s in report.segments]
            predictions.append(predicted)
            for t in truth:
                match = max(report.segments, key=lambda s: evaluate.iou((s.start, s.end), (t.label.start, t.label.end)),
                            default=None)
                found = match is not None and match.kind == "sponsor" and \
                    evaluate.iou((match.start, match.end), (t.label.start, t.label.end)) >= evaluate.IOU
                got = match.disclosure.verdict if found and match.disclosure else None
                verdicts.append((video.language, t.treatment, t.verdict, got))
            console.print(f"[{i + 1}/{len(videos)}] {video.video_id} ({video.language}, {report.media.duration:.0f} s):"
                          f" {len(predicted)} segment(s), {report.timings['total']:.1f} s, language {report.language}")
    scores = evaluate.score(videos, predictions)
    console.print(_accuracy_table(scores, f"{data.name}: {len(videos)} generated videos, {media_seconds:.0f} s"))
    console.print(_disclosure_table(verdicts))
    console.print(_speed_table(timings, media_seconds, gen_seconds))
    console.print(f"CPU time of the analyses: {timings['cpu']:.1f} s, i.e. {media_seconds / timings['cpu'] * 2:.1f}x "
                  f"real time if two cores were ours alone; load average now {os.getloadavg()[0]:.1f} "
                  f"on {os.cpu_count()} cores")
    console.print(f"ASR threads: {args.asr_threads or 'engine default'}; peak RSS of this process: {_peak_rss_mb():.0f} MB; "
                  f"language {'detected' if args.lang_auto else 'given (the dataset language)'}")


def _accuracy_table(scores: evaluate.Scores, title: str) -> Table:
    table = Table(title=f"Segments, IoU >= {evaluate.IOU} ({title})")
    for col in ("language", "category", "P", "R", "F1", "true", "predicted"):
        table.add_column(col, justify="right" if col not in ("language", "category") else "left")
    for (level, lang, cat), c in sorted(scores.counts.items()):
        if level != "segment":
            continue
        table.add_row(lang, cat, f"{c.precision:.2f}", f"{c.recall:.2f}", f"{c.f1:.2f}", f"{c.tp + c.fn:.0f}",
                      f"{c.tp + c.fp:.0f}")
    return table


def _disclosure_table(verdicts: list[tuple[str, str, str, str | None]]) -> Table:
    table = Table(title="Disclosure of true sponsor segments (verdict compared where the segment was found)")
    for col in ("language", "screen", "true sponsor segs", "found", "verdict right", "accuracy"):
        table.add_column(col, justify="left" if col in ("language", "screen") else "right")
    groups: dict[tuple[str, str], list] = {}
    for lang, treatment, truth, got in verdicts:
        for key in ((lang, treatment), (lang, "all"), ("all", "all")):
            groups.setdefault(key, []).append((truth, got))
    for (lang, treatment), rows in sorted(groups.items()):
        found = [r for r in rows if r[1] is not None]
        right = sum(truth == got for truth, got in found)
        table.add_row(lang, treatment, str(len(rows)), str(len(found)), str(right),
                      f"{right / len(found):.2f}" if found else "-")
    return table


def _speed_table(timings: Counter, media_seconds: float, gen_seconds: float) -> Table:
    table = Table(title="Speed: video seconds per wall second (speech and screen run side by side on 2 threads)")
    table.add_column("stage")
    table.add_column("wall s", justify="right")
    table.add_column("x real time", justify="right")
    for stage in STAGES:
        seconds = timings.get(stage, 0.0)
        table.add_row(stage, f"{seconds:.1f}", f"{media_seconds / seconds:.1f}" if seconds else "-")
    table.add_row("(generating the videos)", f"{gen_seconds:.1f}", "")
    return table


def long_script(hours: float) -> gen.Script:
    """Mostly silence and a still picture, with an ad read and its overlay every 20 minutes."""
    duration = hours * 3600
    lines, overlays = [], []
    for k, start in enumerate(range(60, int(duration) - 60, 1200)):
        lines.append(gen.Line(start, "Welcome back, today we continue the long stream."))
        lines.append(gen.Line(start + 30, "This part of the stream is sponsored by Nord VPN. Use code STREAM20."))
        overlays.append(gen.Overlay(start + 30, start + 45, text=f"Sponsored by NordVPN #ad {k}"))
    return gen.Script(duration=duration, lines=lines, overlays=overlays, width=320, height=180, fps=5,
                      background="color")


def run_long(args: argparse.Namespace, console: Console) -> None:
    with tempfile.TemporaryDirectory(prefix="veritasad-bench-") as tmp:
        began = time.perf_counter()
        path = gen.make_media(long_script(args.hours), Path(tmp) / "long.mp4")
        console.print(f"generated {args.hours:g} h video ({path.stat().st_size / 1e6:.0f} MB) in "
                      f"{time.perf_counter() - began:.0f} s")
        child = subprocess.run([sys.executable, "-m", "bench", "video_e2e", "--analyze-one", str(path)],
                               capture_output=True, text=True, check=False)
        if child.returncode != 0:
            raise SystemExit(f"analysis failed:\n{child.stderr[-3000:]}")
        result = json.loads(child.stdout.strip().splitlines()[-1])
    table = Table(title=f"{args.hours:g}-hour video, analysed in a separate process")
    for col in ("video s", "segments", "total s", "x real time", "speech s", "screen s", "CPU s", "peak RSS MB"):
        table.add_column(col, justify="right")
    t = result["timings"]
    table.add_row(f"{result['duration']:.0f}", str(result["segments"]), f"{t['total']:.0f}",
                  f"{result['duration'] / t['total']:.1f}", f"{t.get('speech', 0):.0f}", f"{t.get('screen', 0):.0f}",
                  f"{result.get('cpu_s', 0):.0f}", f"{result['peak_rss_mb']:.0f}")
    console.print(table)
    console.print(f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def analyze_one(path: Path) -> None:
    report = _analyze(path, "en")
    print(json.dumps({"duration": report.media.duration, "segments": len(report.segments),
                      "timings": report.timings, "peak_rss_mb": _peak_rss_mb(), "cpu_s": _cpu_seconds()}))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("heldout", "dev"), default="heldout")
    parser.add_argument("--data", type=Path, help="a labelled .jsonl instead of the seed split")
    parser.add_argument("--n", type=int, default=12, help="videos to generate and analyse")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lang-auto", action="store_true", help="let the engine detect the language")
    parser.add_argument("--long", action="store_true", help="the 2-hour memory run instead")
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--asr-threads", type=int, help="CTranslate2 threads (default: the engine's)")
    parser.add_argument("--analyze-one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    console = Console(width=140)
    if args.analyze_one:
        analyze_one(args.analyze_one)
    elif args.long:
        run_long(args, console)
    else:
        run_videos(args, console)


if __name__ == "__main__":
    main()
