"""Text accuracy on labelled transcripts: `python -m bench eval_text [--data DEV.jsonl] [--heldout H.jsonl] [--folds 5]`.

Dev: k-fold cross-validated (each fold trains its own classifier). Held-out: the classifier trained on all of dev.
Defaults: the training files (../shared/data/*.jsonl when present, else the seed set) and the seed held-out split.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rich.console import Console

from veritasad.analysis.engine import evaluate
from veritasad.analysis.engine.text import classifier as clf
from veritasad.analysis.engine.text.dataset import HELDOUT_FILE, load_jsonl, training_files


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, nargs="*")
    parser.add_argument("--heldout", type=Path, default=HELDOUT_FILE)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    console = Console(width=140)
    files = args.data or training_files()
    dev = [v for f in files for v in load_jsonl(f)]
    began = time.perf_counter()
    model_cv, rules_cv = evaluate.cross_validate(dev, args.folds)
    names = ", ".join(f.name for f in files)
    console.print(evaluate.scores_table(model_cv, rules_cv, f"dev ({names}, {len(dev)} videos), {args.folds}-fold CV"))
    console.print(f"cross-validation took {time.perf_counter() - began:.1f} s")
    if args.heldout and args.heldout.is_file():
        held = load_jsonl(args.heldout)
        model = clf.fit(dev)
        model_h, rules_h = evaluate.evaluate_with(model, held)
        console.print(evaluate.scores_table(model_h, rules_h, f"held-out ({args.heldout.name}, {len(held)} videos), "
                                                              "classifier trained on all of dev"))


if __name__ == "__main__":
    main()
