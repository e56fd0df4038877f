"""Text accuracy on phrasings the model never saw: `python -m bench eval_text [--n 120] [--reps tfidf,use,both]`.

The data comes from the grammar generator (bench/grammar), split by *phrasing family and advertiser*, never at
random: the model trains on the seen families and is scored on videos made only of held-out families, held-out
advertisers and held-out topics. Printed, in this order:

1. Headline — held-out families: segment F1 (IoU >= 0.5) per language and category for the signals alone, and for
   each representation the classifier alone and combined with the signals (ensemble.py); P/R of the combined rows;
   false alarms per hour of no-ad video; prediction cost per utterance. `--before REF` adds the engine at git REF
   with the model it shipped (e.g. the engine before this change), on the same videos in the same run.
2. Cross-lingual transfer: trained on one language's seen families only, scored on the other's held-out families.
3. Secondary — cross-validation over the seen families only (folds by family), for comparison with 1.

`--data TRAIN.jsonl --heldout HELD.jsonl` scores files instead (e.g. a real labelled set split by channel).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from veritasad.analysis.engine import evaluate
from veritasad.analysis.engine.text import classifier as clf
from veritasad.analysis.engine.text import features
from veritasad.analysis.engine.text.dataset import AD_KINDS, LabelledVideo, load_jsonl, parse_video

CACHE = Path("var/cache/use_embeddings.npz")
PARTS = ("classifier", "combined")


def generated(n: int, seed: int) -> tuple[list[LabelledVideo], list[LabelledVideo]]:
    """(seen-family videos, held-out-family videos), both languages."""
    from bench import grammar

    split = grammar.split(seed=seed)
    train, held = [], []
    for k, lang in enumerate(("en", "ru")):
        train += grammar.make_videos(n, lang, split.train_families, split.train_advertisers, seed=seed * 10 + k)
        held += grammar.make_videos(n // 2, lang, split.held_families, split.held_advertisers, seed=seed * 10 + 5 + k)
    return [parse_video(r) for r in train], [parse_video(r) for r in held]


def _load_cache() -> dict[str, np.ndarray]:
    if not CACHE.is_file():
        return {}
    data = np.load(CACHE)
    return dict(zip(data["keys"].tolist(), data["vectors"]))


def warm_embeddings(videos: list[LabelledVideo]) -> float:
    """Fill features.EMBED_CACHE for every utterance (from disk where an earlier run left it); seconds spent."""
    began = time.perf_counter()
    stored = _load_cache()
    texts = sorted({u.text for v in videos for u in v.utterances})
    key = {t: hashlib.sha1(t.encode()).hexdigest()[:20] for t in texts}
    features.EMBED_CACHE = {t: stored[key[t]] for t in texts if key[t] in stored}
    missing = [t for t in texts if t not in features.EMBED_CACHE]
    features.embed(missing)
    if missing:
        stored.update((key[t], features.EMBED_CACHE[t]) for t in missing)
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        np.savez(CACHE, keys=np.array(list(stored)), vectors=np.stack(list(stored.values())))
    return time.perf_counter() - began


def _predict_all(model, videos):
    return [evaluate.predict(v, model) for v in videos]


def _f1(scores: evaluate.Scores, lang: str, cat: str) -> str:
    c = scores.counts.get(("segment", lang, cat))
    return f"{c.f1:.2f}" if c and (c.tp + c.fn) else "-"


# Run in a child process on the engine as it was at another commit: reads videos, prints predicted labels.
_BEFORE_SCRIPT = """
import json, sys
from veritasad.analysis.engine import evaluate
from veritasad.analysis.engine.text import classifier as clf
from veritasad.analysis.engine.text.dataset import load_jsonl
model = clf.load()
out = [[(x.start, x.end, x.category) for x in evaluate.predict(v, model)] for v in load_jsonl(sys.argv[1])]
print(json.dumps(out))
"""


# Refuse to score if the child imported the engine from anywhere but the worktree.
_CHECK = """
import veritasad, pathlib
assert pathlib.Path(veritasad.__file__).resolve().is_relative_to(pathlib.Path({tree!r}).resolve()), veritasad.__file__
"""


def before_predictions(ref: str, held: list[LabelledVideo]) -> list[list]:
    """The held-out videos analysed by the engine at git `ref` with the model it shipped (a worktree, a child)."""
    from veritasad.analysis.engine.text.dataset import Label

    with tempfile.TemporaryDirectory() as tmp:
        tree, data = Path(tmp) / "tree", Path(tmp) / "held.jsonl"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), ref], check=True, capture_output=True)
        try:
            data.write_text("\n".join(json.dumps(_row(v)) for v in held) + "\n", encoding="utf-8")
            # cwd = the worktree: `python -c` puts the working directory first on sys.path, ahead of PYTHONPATH.
            proc = subprocess.run([sys.executable, "-c", _CHECK.format(tree=str(tree)) + _BEFORE_SCRIPT, str(data)],
                                  capture_output=True, text=True, cwd=tree,
                                  env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}, check=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], check=False, capture_output=True)
    return [[Label(a, b, c) for a, b, c in video] for video in json.loads(proc.stdout.splitlines()[-1])]


def _row(v: LabelledVideo) -> dict:
    return {"video_id": v.video_id, "language": v.language, "duration": v.duration,
            "transcript": [{"start": u.start, "end": u.end, "text": u.text} for u in v.utterances],
            "labels": [{"start": x.start, "end": x.end, "category": x.category} for x in v.labels]}


def headline(console: Console, train, held, reps, args) -> None:
    results: dict[str, evaluate.Scores] = {}
    alarms: dict[str, float] = {}
    cost: dict[str, float] = {}
    model = None
    for rep in reps:
        began = time.perf_counter()
        model = clf.fit(train, representation=rep, folds=args.stack_folds)
        console.print(f"[{rep}] trained on {len(train)} videos in {time.perf_counter() - began:.0f} s")
        for part in PARTS:
            began = time.perf_counter()
            predictions = _predict_all(model.with_mode(part), held)
            cost[f"{rep} {part}"] = (time.perf_counter() - began) / sum(len(v.utterances) for v in held) * 1000
            results[f"{rep} {part}"] = evaluate.score(held, predictions)
            alarms[f"{rep} {part}"] = evaluate.false_alarms_per_hour(held, predictions)[0]
    predictions = _predict_all(model.with_mode("signals"), held)  # the signals part is the same for every rep
    results["signals"] = evaluate.score(held, predictions)
    alarms["signals"], hours = evaluate.false_alarms_per_hour(held, predictions)
    columns = ["signals"] + [f"{rep} {part}" for rep in reps for part in PARTS]
    if args.before:
        began = time.perf_counter()
        predictions = before_predictions(args.before, held)
        results["before"] = evaluate.score(held, predictions)
        alarms["before"] = evaluate.false_alarms_per_hour(held, predictions)[0]
        console.print(f"[before] the engine at {args.before} scored the same videos in {time.perf_counter() - began:.0f} s")
        columns.insert(0, "before")
    table = Table(title=f"HELD-OUT families and advertisers ({len(held)} videos; trained on {len(train)} videos of "
                        f"seen families): segment F1, IoU >= 0.5")
    for col in ("lang", "category", "n true", *columns):
        table.add_column(col, justify="left" if col in ("lang", "category") else "right")
    for lang in ("en", "ru", "all"):
        for cat in (*AD_KINDS, "all"):
            n = results["signals"].counts.get(("segment", lang, cat), evaluate.Counts())
            table.add_row(lang, cat, f"{n.tp + n.fn:.0f}", *(_f1(results[c], lang, cat) for c in columns))
    table.add_row("", f"false alarms / h ({hours:.1f} h no-ad)", "", *(f"{alarms[c]:.1f}" for c in columns))
    table.add_row("", "ms per utterance", "", *(f"{cost[c]:.1f}" if c in cost else "" for c in columns))
    console.print(table)
    detail = Table(title="held-out families, combined: precision / recall (segment)")
    for col in ("lang", "category", *reps):
        detail.add_column(col)
    for lang in ("en", "ru"):
        for cat in AD_KINDS:
            cells = []
            for rep in reps:
                c = results[f"{rep} combined"].counts.get(("segment", lang, cat), evaluate.Counts())
                cells.append(f"P {c.precision:.2f}  R {c.recall:.2f}")
            detail.add_row(lang, cat, *cells)
    console.print(detail)


def cross_lingual(console: Console, train, held, reps, args) -> None:
    table = Table(title="cross-lingual transfer: trained on one language's seen families, scored on the other "
                        "language's held-out families (model forced to decide): sponsor / all-ads segment F1")
    for col in ("train → test", *(f"{rep} {part}" for rep in reps for part in PARTS), "signals"):
        table.add_column(col)
    for src, dst in (("en", "ru"), ("ru", "en")):
        row = []
        target = [v for v in held if v.language == dst]
        signals = ""
        for rep in reps:
            model = clf.fit([v for v in train if v.language == src], representation=rep, folds=args.stack_folds)
            model = dataclasses.replace(model, languages={dst: clf.MIN_VIDEOS_PER_LANGUAGE})
            for part in PARTS:
                s = evaluate.score(target, _predict_all(model.with_mode(part), target))
                row.append(f"{_f1(s, dst, 'sponsor')} / {_f1(s, dst, 'all')}")
            if not signals:
                s = evaluate.score(target, _predict_all(model.with_mode("signals"), target))
                signals = f"{_f1(s, dst, 'sponsor')} / {_f1(s, dst, 'all')}"
        table.add_row(f"{src} → {dst}", *row, signals)
    console.print(table)


def seen_cv(console: Console, train, rep: str, args) -> None:
    began = time.perf_counter()
    model_cv, rules_cv = evaluate.cross_validate(train, args.folds, representation=rep, folds=args.stack_folds)
    console.print(evaluate.scores_table(model_cv, rules_cv, f"SECONDARY: {args.folds}-fold CV by family over the "
                                                            f"seen families only ({rep}, combined; {len(train)} videos)"))
    console.print(f"cross-validation took {time.perf_counter() - began:.0f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=120, help="seen-family videos per language (held-out: half)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reps", default=",".join(features.KINDS), help="representations to compare")
    parser.add_argument("--data", type=Path, nargs="*", help="training JSONL instead of the generator")
    parser.add_argument("--heldout", type=Path, help="held-out JSONL (with --data)")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--stack-folds", type=int, default=3)
    parser.add_argument("--before", metavar="REF", help="also score the engine at git REF (its shipped model)")
    parser.add_argument("--skip", default="", help="comma list of sections to skip: crosslingual,cv")
    args = parser.parse_args(argv)
    console = Console(width=160)
    if args.data:
        train = [v for f in args.data for v in load_jsonl(f)]
        held = load_jsonl(args.heldout) if args.heldout else []
    else:
        train, held = generated(args.n, args.seed)
    reps = [r for r in args.reps.split(",") if r]
    if any(r != "tfidf" for r in reps):
        console.print(f"sentence embeddings ready in {warm_embeddings(train + held):.0f} s")
    headline(console, train, held, reps, args)
    if "crosslingual" not in args.skip:
        cross_lingual(console, train, held, reps, args)
    if "cv" not in args.skip:
        seen_cv(console, train, reps[-1] if len(reps) == 1 else clf.DEFAULT_REPRESENTATION, args)


if __name__ == "__main__":
    main()
