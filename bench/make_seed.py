"""Write the hand-made seed set (dev + held-out) in the ../shared/data README format.

    python -m bench make_seed [--out veritasad/analysis/engine/data]

It strings sentences from bench/seed_text.py into videos: talk on one topic, with ad reads, self-promotion and calls to
interact placed at the start, middle or end (or nowhere), and ordinary talk that mentions brands and links. The dev split
draws from the first three quarters of every sentence list and brand list; the held-out split draws from whole lists,
so it holds ad reads, brands and phrasings the classifier never saw. Fixed random seeds: the output is reproducible.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from bench import seed_text as T

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _pool(items: list, heldout: bool) -> list:
    return list(items) if heldout else list(items[: max(1, len(items) * 3 // 4)])


def _erid(rng: random.Random) -> str:
    return rng.choice(["2Vtzq", "LjN8K", "Kra23", "2SDnj"]) + "".join(rng.choice(_B58) for _ in range(rng.randint(5, 9)))


def _fill(template: str, brand: tuple, lang: str, rng: random.Random) -> str:
    name, domain, what_en, what_ru = brand
    code = re.sub(r"\W", "", name.split()[0]).upper()[:8] + rng.choice(["", "10", "20", "50", "TECH", "NEW"])
    return template.format(
        brand=name, domain=domain, what=what_ru if lang == "ru" else what_en, code=code, code_lower=code.lower(),
        pct=rng.choice([10, 15, 20, 25, 30, 50, 70]), erid=_erid(rng),
    )


def _ad_block(kind: str, lang: str, rng: random.Random, heldout: bool) -> list[str]:
    ru = lang == "ru"
    if kind == "selfpromo":
        return rng.sample(_pool(T.SELFPROMO_RU if ru else T.SELFPROMO_EN, heldout), rng.randint(1, 3))
    if kind == "interaction":
        return rng.sample(_pool(T.INTERACTION_RU if ru else T.INTERACTION_EN, heldout), rng.randint(1, 2))
    brand = rng.choice(_pool(T.BRANDS, heldout))
    opens = _pool(T.SPONSOR_OPEN_RU if ru else T.SPONSOR_OPEN_EN, heldout)
    bodies = _pool(T.SPONSOR_BODY_RU if ru else T.SPONSOR_BODY_EN, heldout)
    ctas = _pool(T.SPONSOR_CTA_RU if ru else T.SPONSOR_CTA_EN, heldout)
    lines = ([rng.choice(opens)] if rng.random() < 0.85 else []) + rng.sample(bodies, rng.randint(1, 3))
    lines += rng.sample(ctas, rng.randint(1, 2))
    return [_fill(t, brand, lang, rng) for t in lines]


def _asr_style(text: str) -> str:
    """What a speech recogniser tends to return: lower case, little punctuation."""
    return re.sub(r"[.,!?;:«»—]", "", text).lower().strip()


def make_video(idx: int, rng: random.Random, heldout: bool) -> dict:
    lang = rng.choice(["en", "ru"])
    topics = T.TOPICS_RU if lang == "ru" else T.TOPICS_EN
    topic = rng.choice(sorted(topics))
    talk = topics[topic]
    n = rng.randint(12, 36)
    content = rng.sample(talk, min(n, len(talk))) + [rng.choice(talk) for _ in range(n - len(talk))]
    negatives = _pool(T.HARD_NEGATIVES_RU if lang == "ru" else T.HARD_NEGATIVES_EN, heldout)
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        content.insert(rng.randrange(len(content) + 1), rng.choice(negatives))
    # Blocks are (position in the content, kind or None for talk, sentences).
    blocks: list[tuple[int, str, list[str]]] = []
    if rng.random() > 0.2:
        for _ in range(1 if rng.random() < 0.85 else 2):
            pos = rng.choice([rng.randint(0, 2), len(content) // 2 + rng.randint(-3, 3), len(content) - rng.randint(0, 3)])
            blocks.append((pos, "sponsor", _ad_block("sponsor", lang, rng, heldout)))
    if rng.random() < 0.35:
        blocks.append((rng.choice([len(content), len(content) - 1, rng.randrange(len(content))]), "selfpromo",
                       _ad_block("selfpromo", lang, rng, heldout)))
    if rng.random() < 0.5:
        blocks.append((rng.choice([0, 1, len(content)]), "interaction", _ad_block("interaction", lang, rng, heldout)))
    asr = rng.random() < 0.4
    t = round(rng.uniform(0.0, 2.0), 2)
    transcript, labels = [], []
    sequence: list[tuple[str | None, list[str]]] = []
    for i in range(len(content) + 1):
        for pos, kind, lines in blocks:
            if pos == i:
                sequence.append((kind, lines))
        if i < len(content):
            sequence.append((None, [content[i]]))
    for kind, lines in sequence:
        start = t
        for line in lines:
            words = len(line.split())
            dur = round(words * (0.42 if lang == "ru" else 0.36) + rng.uniform(0.2, 0.8), 2)
            transcript.append({"start": round(t, 2), "end": round(t + dur, 2), "text": _asr_style(line) if asr else line})
            t += dur + rng.uniform(0.1, 0.7)
        if kind:
            end = transcript[-1]["end"]
            if labels and labels[-1]["category"] == kind and start - labels[-1]["end"] < 1.0:
                labels[-1]["end"] = end  # two blocks of one kind side by side are one segment
            else:
                labels.append({"start": round(start, 2), "end": end, "category": kind})
    split = "heldout" if heldout else "dev"
    return {"video_id": f"seed-{split}-{idx:03d}", "language": lang, "duration": round(t + 1.0, 2), "topic": topic,
            "transcript": transcript, "labels": labels, "source": "seed"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("veritasad/analysis/engine/data"))
    parser.add_argument("--dev", type=int, default=160)
    parser.add_argument("--heldout", type=int, default=60)
    args = parser.parse_args(argv)
    for name, n, seed, heldout in (("seed.jsonl", args.dev, 20261125, False), ("heldout.jsonl", args.heldout, 7, True)):
        rng = random.Random(seed)
        rows = [make_video(i, rng, heldout) for i in range(n)]
        with (args.out / name).open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{name}: {n} videos, {sum(len(r['labels']) for r in rows)} labelled segments")


if __name__ == "__main__":
    main()
