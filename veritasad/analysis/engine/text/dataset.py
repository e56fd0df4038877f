"""Labelled transcripts in the ../shared/data README format, and the per-utterance labels the classifier learns from."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from veritasad.analysis.engine.types import Utterance

# The classes the classifier predicts; other SponsorBlock categories (intro, outro, filler …) are not ads: "none".
AD_KINDS = ("sponsor", "selfpromo", "interaction")
CLASSES = ("none", *AD_KINDS)

PACKAGE_DATA = Path(__file__).resolve().parent.parent / "data"
SEED_FILE = PACKAGE_DATA / "seed.jsonl"
HELDOUT_FILE = PACKAGE_DATA / "heldout.jsonl"
SHARED_DATA = Path(__file__).resolve().parents[5] / "shared" / "data"


@dataclass
class Label:
    start: float
    end: float
    category: str


@dataclass
class LabelledVideo:
    video_id: str
    language: str
    duration: float
    utterances: list[Utterance]
    labels: list[Label] = field(default_factory=list)
    source: str = ""
    families: list[str] = field(default_factory=list)  # phrasing families of its segments (generated data only)


def parse_video(row: dict) -> LabelledVideo:
    utterances = [Utterance(start=float(u["start"]), end=float(u["end"]), text=str(u["text"])) for u in row["transcript"]]
    utterances.sort(key=lambda u: u.start)
    labels = [Label(float(x["start"]), float(x["end"]), str(x["category"])) for x in row.get("labels", [])]
    duration = float(row.get("duration") or (utterances[-1].end if utterances else 0.0))
    return LabelledVideo(str(row["video_id"]), str(row.get("language") or ""), duration, utterances, labels,
                         str(row.get("source", "")), [str(f) for f in row.get("families", [])])


def load_jsonl(path: Path) -> list[LabelledVideo]:
    with Path(path).open(encoding="utf-8") as f:
        return [parse_video(json.loads(line)) for line in f if line.strip()]


def training_files() -> list[Path]:
    """Real labelled data when it is there (../shared/data/*.jsonl, non-empty), else the hand-written seed set."""
    real = sorted(p for p in SHARED_DATA.glob("*.jsonl") if p.stat().st_size > 0) if SHARED_DATA.is_dir() else []
    return real or [SEED_FILE]


def utterance_labels(video: LabelledVideo) -> list[str]:
    """Each utterance's class: the ad kind that covers most of it (at least half), else "none"."""
    out = []
    for u in video.utterances:
        best, best_overlap = "none", 0.0
        length = max(u.end - u.start, 1e-6)
        for lab in video.labels:
            overlap = min(u.end, lab.end) - max(u.start, lab.start)
            if lab.category in AD_KINDS and overlap / length >= 0.5 and overlap > best_overlap:
                best, best_overlap = lab.category, overlap
        out.append(best)
    return out
