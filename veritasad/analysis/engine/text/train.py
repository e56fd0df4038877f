"""Train the ad classifier and write it beside this file:

    python -m veritasad.analysis.engine.text.train [--data FILE.jsonl ...] [--out PATH] [--c 4.0] [--representation use]

Data: the files named, else ../shared/data/*.jsonl when it holds labelled videos, else the hand-written seed set.
The sentence encoder embeds every utterance once (about 14 ms each on 2 cores): minutes on the shipped data, an hour
or so on a few thousand real videos; `--representation tfidf` trains in seconds.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from veritasad.analysis.engine.text import classifier, features
from veritasad.analysis.engine.text.dataset import load_jsonl, training_files


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train the ad classifier.")
    parser.add_argument("--data", type=Path, nargs="*", help="JSONL files in the ../shared/data README format")
    parser.add_argument("--out", type=Path, default=classifier.MODEL_FILE)
    parser.add_argument("--c", type=float, default=4.0, help="inverse regularisation strength")
    parser.add_argument("--representation", choices=features.KINDS, default=classifier.DEFAULT_REPRESENTATION,
                        help="text features: character TF-IDF, the multilingual sentence encoder, or both")
    args = parser.parse_args(argv)
    files = args.data or training_files()
    videos = [v for f in files for v in load_jsonl(f)]
    began = time.perf_counter()
    clf = classifier.fit(videos, c=args.c, representation=args.representation)
    classifier.save(clf, args.out)
    print(f"trained on {len(videos)} videos from {', '.join(str(f) for f in files)}; languages {clf.languages}; "
          f"{args.representation}; {time.perf_counter() - began:.1f} s; wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
