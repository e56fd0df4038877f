"""Write benchmark data from the grammar generator (bench/grammar), split by phrasing family and advertiser.

    python -m bench make_families --out DIR [--seed 0] [--n 200] [--held-share 0.3]

DIR/train.jsonl: seen families and advertisers only, both languages (n videos a language).
DIR/heldout.jsonl: every ad read, hard negative and topic in it comes from held-out families and held-out
advertisers only, so a model that learned the seen phrasings by heart fails there.
DIR/all.jsonl: every family and advertiser, for training the model that ships.
Rows are in the ../shared/data README format plus "families" (and "family"/"advertiser" on labels and utterances).
Deterministic: the same seed writes the same files.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from bench import grammar
from bench.grammar.model import CATEGORIES, LANGUAGES

_AD = ("sponsor", "selfpromo", "interaction")


def build(seed: int, n: int, held_share: float) -> dict[str, list[dict]]:
    sp = grammar.split(seed=seed, held_share=held_share)
    every = {f.id for f in grammar.families()}
    names = {a.name for lang in LANGUAGES for a in grammar.advertisers(lang)}
    plan = {"train": (sp.train_families, sp.train_advertisers, 1), "heldout": (sp.held_families, sp.held_advertisers, 2),
            "all": (every, names, 3)}
    out = {}
    for split_name, (fams, advs, salt) in plan.items():
        rows = []
        for k, lang in enumerate(LANGUAGES):
            for row in grammar.make_videos(n, lang, set(fams), set(advs), seed=seed * 100 + salt * 10 + k):
                row["video_id"] = f"{split_name}-{row['video_id']}"
                rows.append(row)
        out[split_name] = rows
    return out


def table(data: dict[str, list[dict]], seed: int, held_share: float) -> str:
    sp = grammar.split(seed=seed, held_share=held_share)
    lines = ["| language | category | families | seen | held | used in train | used in heldout |",
             "|---|---|---:|---:|---:|---:|---:|"]
    used = {name: Counter(f for r in rows for f in r["families"]) for name, rows in data.items()}
    for lang in LANGUAGES:
        for cat in CATEGORIES:
            ids = {f.id for f in grammar.families(lang, cat)}
            lines.append(f"| {lang} | {cat} | {len(ids)} | {len(ids & sp.train_families)} | "
                         f"{len(ids & sp.held_families)} | {len(ids & set(used['train']))} | "
                         f"{len(ids & set(used['heldout']))} |")
    for lang in LANGUAGES:
        names = {a.name for a in grammar.advertisers(lang)}
        lines.append(f"| {lang} | advertisers | {len(names)} | {len(names & sp.train_advertisers)} | "
                     f"{len(names & sp.held_advertisers)} | | |")
    lines += ["", "| file | videos | en | ru | no-ad videos | sponsor | selfpromo | interaction | utterances | hours |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, rows in data.items():
        segs = Counter(lab["category"] for r in rows for lab in r["labels"])
        langs = Counter(r["language"] for r in rows)
        lines.append(f"| {name}.jsonl | {len(rows)} | {langs['en']} | {langs['ru']} | "
                     f"{sum(1 for r in rows if not r['labels'])} | " + " | ".join(str(segs[c]) for c in _AD) +
                     f" | {sum(len(r['transcript']) for r in rows)} | {sum(r['duration'] for r in rows) / 3600:.1f} |")
    lines += ["", "| category | held-out word trigrams also in train (same category) |", "|---|---:|"]
    for cat in CATEGORIES:
        seen, held = _trigrams(data["train"], cat), _trigrams(data["heldout"], cat)
        share = sum(c for g, c in held.items() if g in seen) / max(1, sum(held.values()))
        lines.append(f"| {cat} | {share:.0%} |")
    return "\n".join(lines)


def _trigrams(rows: list[dict], category: str) -> Counter:
    """How much held-out text a model could have memorised: word trigrams per category, both languages."""
    grams: Counter = Counter()
    for row in rows:
        for u in row["transcript"]:
            if u["family"].split(".")[1] == category:
                words = re.findall(r"\w+", u["text"].lower())
                grams.update(zip(words, words[1:], words[2:]))
    return grams


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n", type=int, default=200, help="videos per language in each file")
    parser.add_argument("--held-share", type=float, default=0.3)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    data = build(args.seed, args.n, args.held_share)
    for name, rows in data.items():
        with (args.out / f"{name}.jsonl").open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(table(data, args.seed, args.held_share))


if __name__ == "__main__":
    main()
