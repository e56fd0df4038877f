"""End-to-end video benchmark: `python -m bench video_e2e [--split grammar|seed|dev] [--n 10] [--before REF] [--long]`.

Videos are generated from labelled transcripts and analysed by the full `analyze()`. The default split is the grammar
generator's held-out part (bench/grammar: phrasing families, advertisers and topics the text model never saw), each
transcript trimmed to a 2–4 minute window that holds its ads (_video_scripts.trim), half Russian, half English,
`--no-ad` of them with no ad at all. espeak-ng reads each line at its time over a busy moving 1280×720 picture; sponsor
segments get on-screen disclosure labels in today's styles, and QR codes, by a seeded coin (_video_scripts.build).
`--split seed` / `dev` are the hand-written seed set's held-out / dev files, whole.

Each video is generated once into `--cache` and reused. Each engine runs in its own child process on the same files,
writing one report JSON per video: the working tree (or `--after REF`), and with `--before REF` the engine as it was
at REF, checked out with `git worktree` into /tmp/va-before and removed after. Printed, before and after side by side:
segment P/R/F1 (IoU >= 0.5) per language, disclosure-verdict accuracy on the found sponsor segments, false alarms per
hour of no-ad video, speed per stage (video seconds per wall second), CPU seconds per video second, peak RSS, and one
row per true sponsor segment (how its label looked, what each engine read and decided).
`--long`: a cheap 2-hour video (low resolution, mostly silence) analysed in a child process, to measure its peak
memory on its own.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench._video_scripts import TruthSegment, build, trim
from veritasad.analysis.engine import evaluate
from veritasad.analysis.engine.text.dataset import (
    HELDOUT_FILE,
    SEED_FILE,
    Label,
    LabelledVideo,
    load_jsonl,
    parse_video,
)
from veritasad.testing import media as gen

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("probe", "speech", "screen", "segments", "disclosure", "total")
GEN_VERSION = "2"  # part of every cached video's name: bump when the generator's output changes
# The child that analyses: run with cwd = the engine's checkout, so that `import veritasad` is that engine.
RUNNER = r"""
import json, resource, sys, time
from pathlib import Path
import veritasad
from veritasad.analysis.engine.pipeline import analyze
from veritasad.analysis.engine.report import AnalysisOptions
jobs, out = json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2])
def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
for job in jobs:
    options = AnalysisOptions(language=job["language"])
    if job["threads"]:
        options = options.model_copy(update={"asr_cpu_threads": job["threads"]})
    c0, t0 = cpu(), time.perf_counter()
    report = analyze(Path(job["path"]), options)
    data = json.loads(report.model_dump_json())
    data["bench"] = {"cpu_s": cpu() - c0, "wall_s": time.perf_counter() - t0}
    (out / (job["id"] + ".json")).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    print(f"  {job['id']}: {report.timings['total']:.0f} s, {len(report.segments)} segment(s)", flush=True)
(out / "_run.json").write_text(json.dumps({"engine": veritasad.__file__,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "children_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


@dataclass
class Item:
    video: LabelledVideo
    truth: list[TruthSegment]
    path: Path
    background: str


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- the videos ---------------------------------------------------------------------------------------------


def _grammar_rows(n: int, no_ad: int, seed: int) -> list[tuple[dict, list]]:
    """n trimmed held-out rows, half per language, `no_ad` of them without ads, the rest with a sponsor read;
    each with its sponsors as (shown name, domain) per label."""
    from bench import grammar
    from bench.grammar import model

    split = grammar.split(seed=0)
    out = []
    for k, lang in enumerate(("en", "ru")):
        want = n // 2 + (n % 2 if lang == "en" else 0)
        want_empty = no_ad // 2 + (no_ad % 2 if lang == "en" else 0)
        pool = grammar.make_videos(max(40, 4 * want), lang, split.held_families, split.held_advertisers,
                                   seed=1000 + 10 * seed + k)
        ads = {a.name: a for a in model.advertisers(lang)}
        rows = []
        for row in pool:
            row = trim(row, random.Random(f"trim-{row['video_id']}"))
            has_sponsor = any(x["category"] == "sponsor" for x in row["labels"])
            if (not row["labels"] and want_empty) or (has_sponsor and want - want_empty > 0):
                want_empty -= not row["labels"]
                want -= 1
                rows.append(row)
            if not want:
                break
        for row in rows:
            sponsors = [None if not (a := ads.get(x.get("advertiser") or "")) else
                        ((a.legal or a.name) if lang == "ru" else a.name, a.domain) for x in row["labels"]]
            out.append((row, sponsors))
    return out


def _seed_rows(path: Path, n: int, seed: int) -> list[tuple[dict, list]]:
    videos = load_jsonl(path)
    rng = random.Random(seed)
    by_lang: dict[str, list] = {}
    for v in videos:
        by_lang.setdefault(v.language, []).append(v)
    for group in by_lang.values():
        rng.shuffle(group)
    picked: list[LabelledVideo] = []
    while len(picked) < n and any(by_lang.values()):
        for lang in sorted(by_lang):
            if by_lang[lang] and len(picked) < n:
                picked.append(by_lang[lang].pop())
    rows = [{"video_id": v.video_id, "language": v.language, "duration": v.duration,
             "transcript": [{"start": u.start, "end": u.end, "text": u.text} for u in v.utterances],
             "labels": [asdict(x) for x in v.labels]} for v in picked]
    return [(r, [None] * len(r["labels"])) for r in rows]


def prepare(args: argparse.Namespace, console: Console) -> list[Item]:
    """The benchmark's videos, generated into the cache where they are not there yet."""
    if args.split == "grammar":
        rows = _grammar_rows(args.n, args.no_ad, args.seed)
    else:
        rows = _seed_rows(args.data or (HELDOUT_FILE if args.split == "seed" else SEED_FILE), args.n, args.seed)
    args.cache.mkdir(parents=True, exist_ok=True)
    items, spent = [], 0.0
    for row, sponsors in rows:
        video = parse_video(row)
        script, truth = build(video, random.Random(f"{args.seed}-{video.video_id}"), sponsors)
        key = hashlib.sha1((GEN_VERSION + json.dumps(asdict(script), ensure_ascii=False)).encode()).hexdigest()[:10]
        path = args.cache / f"{video.video_id}-{key}.mp4"
        if not path.is_file():
            began = time.perf_counter()
            tmp = path.with_suffix(".part.mp4")
            gen.make_media(script, tmp)
            tmp.rename(path)
            spent += time.perf_counter() - began
            console.print(f"generated {path.name} ({video.duration:.0f} s, {script.background}) "
                          f"in {time.perf_counter() - began:.0f} s")
        items.append(Item(video, truth, path, script.background))
    console.print(f"{len(items)} videos ({sum(i.video.duration for i in items):.0f} s) in {args.cache}; "
                  f"{spent:.0f} s spent generating")
    return items


# --- running the engines ------------------------------------------------------------------------------------


def _git(*cmd: str) -> str:
    return subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


@contextmanager
def checkout(ref: str, where: Path):
    """The tree of `ref` at `where` (a detached git worktree), removed afterwards."""
    sha = _git("rev-parse", "--verify", f"{ref}^{{commit}}")
    if where.exists():
        subprocess.run(["git", "worktree", "remove", "--force", str(where)], cwd=ROOT, capture_output=True, check=False)
    _git("worktree", "add", "--detach", str(where), sha)
    try:
        yield where, sha
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(where)], cwd=ROOT, capture_output=True, check=False)


def run_engine(root: Path, items: list[Item], out: Path, args: argparse.Namespace) -> dict:
    """Analyse every item with the engine checked out at `root`, in a child process; its summary."""
    out.mkdir(parents=True, exist_ok=True)
    if args.split == "grammar" and (root / "veritasad/analysis/engine/data/grammar.jsonl").is_file():
        print(f"WARNING: the engine at {root} ships a classifier trained on every grammar family "
              "(engine/data/grammar.jsonl, held-out ones included): for it, this split is not held out")
    jobs = [{"id": i.video.video_id, "path": str(i.path.resolve()), "threads": args.asr_threads,
             "language": "auto" if args.lang_auto else i.video.language} for i in items]
    (out / "_jobs.json").write_text(json.dumps(jobs), encoding="utf-8")
    load = os.getloadavg()[0]
    began = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(root)}
    child = subprocess.run([sys.executable, "-c", RUNNER, str(out / "_jobs.json"), str(out)], cwd=root, env=env,
                           check=False)
    if child.returncode != 0:
        raise SystemExit(f"the engine at {root} failed (exit {child.returncode})")
    summary = json.loads((out / "_run.json").read_text())
    summary.update(wall_s=time.perf_counter() - began, load_before=load, load_after=os.getloadavg()[0])
    (out / "_run.json").write_text(json.dumps(summary))
    return load_run(out, items)


def load_run(out: Path, items: list[Item]) -> dict:
    """A finished run's summary and reports, in the items' order."""
    summary = json.loads((out / "_run.json").read_text())
    summary["reports"] = [json.loads((out / f"{i.video.video_id}.json").read_text(encoding="utf-8")) for i in items]
    return summary


# --- scoring ------------------------------------------------------------------------------------------------


def _match(report: dict, label: Label) -> dict | None:
    """The predicted sponsor segment that finds `label` (IoU >= 0.5), if any."""
    segs = [s for s in report["segments"] if s["kind"] == "sponsor"]
    best = max(segs, key=lambda s: evaluate.iou((s["start"], s["end"]), (label.start, label.end)), default=None)
    if best is None or evaluate.iou((best["start"], best["end"]), (label.start, label.end)) < evaluate.IOU:
        return None
    return best


def _screen_read(report: dict, truth: TruthSegment) -> str:
    """What the engine read off the screen while the segment ran: L the label's first word, A the advertiser's name,
    E the erid token (its middle part), Q the QR code; '-' none of them."""
    texts = [s for s in report.get("screen_texts", [])
             if s["end"] >= truth.label.start - 1 and s["start"] <= truth.label.end + 1]
    ocr = " ".join(s["text"] for s in texts if s["source"] == "ocr").lower().replace("ё", "е")
    words = truth.text.lower().replace("ё", "е").replace(".", " ").split()
    erid = re.search(r"erid: (\S+)", truth.text)
    name = max(re.findall(r"\w+", truth.advertiser.lower().replace("ё", "е")), key=len, default="")
    found = [bool(words) and re.search(rf"\b{re.escape(words[0])}\b", ocr) is not None,
             bool(truth.text) and bool(name) and name in truth.text.lower().replace("ё", "е") and name in ocr,
             bool(erid) and erid.group(1)[5:11].lower() in ocr,
             truth.qr and any(s["source"] == "qr" for s in texts)]
    return "".join(c for c, ok in zip("LAEQ", found) if ok) or "-"


def score(items: list[Item], run: dict) -> dict:
    videos = [i.video for i in items]
    preds = [[Label(s["start"], s["end"], s["kind"]) for s in r["segments"]] for r in run["reports"]]
    verdicts = []
    for item, report in zip(items, run["reports"]):
        for t in item.truth:
            seg = _match(report, t.label)
            got = (seg.get("disclosure") or {}).get("verdict", "none") if seg else None
            verdicts.append((item.video.language, t.treatment, t.verdict, got, _screen_read(report, t)))
    fa, hours = evaluate.false_alarms_per_hour(videos, preds)
    stages = {s: sum(r["timings"].get(s, 0.0) for r in run["reports"]) for s in STAGES}
    t = [r["timings"] for r in run["reports"]]
    other = sum(x["total"] - max(x.get("speech", 0.0), x.get("screen", 0.0)) - x.get("probe", 0.0)
                - x.get("segments", 0.0) - x.get("disclosure", 0.0) for x in t)
    return {"scores": evaluate.score(videos, preds), "verdicts": verdicts, "fa": fa, "fa_hours": hours,
            "fa_found": sum(len(p) for v, p in zip(videos, preds) if not v.labels), "stages": stages, "other": other,
            "cpu": sum(r["bench"]["cpu_s"] for r in run["reports"]), "rss": run["peak_rss_mb"]}


# --- tables -------------------------------------------------------------------------------------------------


def segment_table(results: dict[str, dict], title: str) -> Table:
    table = Table(title=f"Segments, IoU >= {evaluate.IOU} ({title})")
    for col in ("language", "category", "true"):
        table.add_column(col, justify="right" if col == "true" else "left")
    for name in results:
        for col in ("P", "R", "F1", "pred"):
            table.add_column(f"{name} {col}", justify="right")
    first = next(iter(results.values()))["scores"].counts
    keys = sorted(k for k in first if k[0] == "segment")
    keys.sort(key=lambda k: (k[1] == "all", k[1], k[2] != "all", k[2]))
    for key in keys:
        rows = [r["scores"].counts.get(key, evaluate.Counts()) for r in results.values()]
        true = rows[0].tp + rows[0].fn
        if not true and not any(c.tp + c.fp for c in rows):
            continue
        cells = [x for c in rows for x in (f"{c.precision:.2f}", f"{c.recall:.2f}", f"{c.f1:.2f}", f"{c.tp + c.fp:.0f}")]
        table.add_row(key[1], key[2], f"{true:.0f}", *cells)
    return table


def disclosure_table(results: dict[str, dict]) -> Table:
    table = Table(title="Disclosure verdict of true sponsor segments, where the engine found the segment")
    for col in ("language", "screen", "true segs"):
        table.add_column(col, justify="right" if col == "true segs" else "left")
    for name in results:
        for col in ("found", "right", "acc"):
            table.add_column(f"{name} {col}", justify="right")
    keys = sorted({k for v in next(iter(results.values()))["verdicts"] for k in ((v[0], v[1]), (v[0], "all"))})
    keys.sort(key=lambda k: (k[1] == "all", k))
    for lang, treatment in keys + [("all", "all")]:
        cells, n = [], 0
        for r in results.values():
            rows = [v for v in r["verdicts"] if (lang == "all" or v[0] == lang) and treatment in ("all", v[1])]
            found = [v for v in rows if v[3] is not None]
            right = sum(v[2] == v[3] for v in found)
            n = len(rows)
            cells += [str(len(found)), str(right), f"{right / len(found):.2f}" if found else "-"]
        table.add_row(lang, treatment, str(n), *cells)
    return table


def sponsor_table(items: list[Item], results: dict[str, dict]) -> Table:
    table = Table(title="Every true sponsor segment: read: off the screen, L label word, A advertiser, E erid, Q QR code; got = verdict"
                        " (miss: segment not found)")
    for col in ("video", "at s", "screen", "label style", "true"):
        table.add_column(col)
    for name in results:
        table.add_column(f"{name} read")
        table.add_column(f"{name} got")
    k = 0
    for item in items:
        for t in item.truth:
            cells = []
            for r in results.values():
                v = r["verdicts"][k]
                cells += [v[4], v[3] or "miss"]
            screen = t.treatment + ("+QR" if t.qr else "")
            table.add_row(item.video.video_id.replace("grammar-", ""), f"{t.label.start:.0f}-{t.label.end:.0f}", screen,
                          t.style, t.verdict, *cells)
            k += 1
    return table


def speed_table(results: dict[str, dict], media_seconds: float, runs: dict[str, dict]) -> Table:
    table = Table(title=f"Speed: video seconds per wall second ({media_seconds:.0f} s of video; speech and screen run "
                        f"side by side)")
    table.add_column("stage")
    for name in results:
        table.add_column(f"{name} wall s", justify="right")
        table.add_column(f"{name} x real time", justify="right")
    for stage in STAGES:
        cells = []
        for r in results.values():
            s = r["stages"][stage]
            cells += [f"{s:.1f}", f"{media_seconds / s:.1f}" if s else "-"]
        table.add_row(stage, *cells)
    # Speech and screen overlap; what the total holds beyond the longer of them (model loading, a retrained model).
    other = [r["other"] for r in results.values()]
    table.add_row("other: total - stages", *[x for o in other for x in (f"{o:.1f}", "")])
    table.add_row("CPU s per video s", *[x for r in results.values() for x in ("", f"{r['cpu'] / media_seconds:.2f}")])
    table.add_row("peak RSS MB (engine process)", *[x for r in results.values() for x in ("", f"{r['rss']:.0f}")])
    table.add_row("load average before / after", *[x for r in runs.values() for x in
                                                    ("", f"{r.get('load_before', 0):.1f} / {r.get('load_after', 0):.1f}")])
    return table


def run_videos(args: argparse.Namespace, console: Console) -> None:
    items = prepare(args, console)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    runs: dict[str, dict] = {}
    if args.rescore:
        stamp = args.rescore.name
        for name in ("before", "after"):
            if (args.rescore / name / "_run.json").is_file():
                runs[name] = load_run(args.rescore / name, items)
    elif args.before:
        with checkout(args.before, Path(tempfile.gettempdir()) / "va-before") as (root, sha):
            console.print(f"before: {args.before} = {sha[:9]}")
            runs["before"] = run_engine(root, items, args.cache / "reports" / stamp / "before", args)
    if args.after:
        with checkout(args.after, Path(tempfile.gettempdir()) / "va-after") as (root, sha):
            console.print(f"after: {args.after} = {sha[:9]}")
            runs["after"] = run_engine(root, items, args.cache / "reports" / stamp / "after", args)
    elif not args.rescore:
        dirty = _git("status", "--porcelain", "--untracked-files=no", "--", "veritasad")
        name = f"now {_git('rev-parse', '--short=7', 'HEAD')}{'+' if dirty else ''}"
        console.print(f"after: the working tree ({name}; '+': uncommitted engine changes)")
        runs["after"] = run_engine(ROOT, items, args.cache / "reports" / stamp / "after", args)
    results = {name: score(items, run) for name, run in runs.items()}
    media_seconds = sum(i.video.duration for i in items)
    no_ad = [i for i in items if not i.video.labels]
    title = (f"{args.split}: {len(items)} videos, {media_seconds:.0f} s, {len(no_ad)} without ads; "
             f"{', '.join(f'{lang} {sum(i.video.language == lang for i in items)}' for lang in ('en', 'ru'))}")
    console.print(segment_table(results, title))
    console.print(disclosure_table(results))
    console.print(sponsor_table(items, results))
    hours = next(iter(results.values()))["fa_hours"]
    console.print(f"False alarms on no-ad videos ({hours * 60:.1f} min): " + "; ".join(
        f"{name}: {r['fa_found']} segment(s), {r['fa']:.1f} per hour" for name, r in results.items()))
    console.print(speed_table(results, media_seconds, runs))
    console.print(f"{os.cpu_count()} cores; ASR threads: {args.asr_threads or 'engine default'}; language "
                  f"{'detected' if args.lang_auto else 'given (the dataset language)'}; reports in "
                  f"{args.cache / 'reports' / stamp}")


# --- the long video -----------------------------------------------------------------------------------------


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
    from veritasad.analysis.engine.pipeline import analyze
    from veritasad.analysis.engine.report import AnalysisOptions

    report = analyze(path, AnalysisOptions(language="en"))
    print(json.dumps({"duration": report.media.duration, "segments": len(report.segments),
                      "timings": report.timings, "peak_rss_mb": _peak_rss_mb(), "cpu_s": _cpu_seconds()}))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("grammar", "seed", "dev"), default="grammar",
                        help="grammar: held-out families and advertisers (default); seed / dev: the seed set's files")
    parser.add_argument("--data", type=Path, help="a labelled .jsonl instead of the seed file (with --split seed)")
    parser.add_argument("--n", type=int, default=10, help="videos to analyse")
    parser.add_argument("--no-ad", type=int, default=2, help="how many of them hold no ad (grammar split)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--before", metavar="REF", help="also run the engine as it was at this git ref")
    parser.add_argument("--after", metavar="REF", help="the engine at this ref instead of the working tree")
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "cache" / "video_e2e",
                        help="generated videos (reused) and the reports of each run")
    parser.add_argument("--rescore", type=Path, metavar="DIR", help="score the reports of an earlier run again "
                        "(its before/ and after/ folders under the cache's reports/) instead of analysing")
    parser.add_argument("--lang-auto", action="store_true", help="let the engine detect the language")
    parser.add_argument("--long", action="store_true", help="the 2-hour memory run instead")
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--asr-threads", type=int, help="CTranslate2 threads (default: the engine's)")
    parser.add_argument("--analyze-one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    console = Console(width=170)
    if args.analyze_one:
        analyze_one(args.analyze_one)
    elif args.long:
        run_long(args, console)
    else:
        run_videos(args, console)


if __name__ == "__main__":
    main()
