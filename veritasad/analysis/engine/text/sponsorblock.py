"""SponsorBlock's public database dump (sponsorTimes.csv) + subtitles -> labelled videos, ../shared/data format.

Pure: reads files, returns rows; fetching subtitles and printing belong to the command (veritasad/cli/dataset.py).
SponsorBlock data is licensed CC BY-NC-SA 4.0: a model trained on it must credit SponsorBlock.
"""

from __future__ import annotations

import csv
import html
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import srt
import webvtt

from veritasad.analysis.engine.text.dataset import AD_KINDS
from veritasad.analysis.engine.text.language import guess_language

# SponsorBlock's category names (the lingua franca); ours are AD_KINDS, the rest load as "none".
KNOWN_CATEGORIES = ("sponsor", "selfpromo", "interaction", "exclusive_access", "intro", "outro", "preview", "hook",
                    "filler", "music_offtopic", "poi_highlight", "chapter")
# Without these a row cannot be judged; the others (actionType, service, locked, videoDuration) came later and
# default to what older dumps meant.
REQUIRED_COLUMNS = ("videoID", "startTime", "endTime", "votes", "hidden", "shadowHidden", "category")
SUBTITLE_SUFFIXES = (".vtt", ".srt")
OVERLAP_DROP = 0.5  # a weaker submission covering more than half of a kept one (or of itself) is the same segment
_PROGRESS_EVERY = 20_000
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


class SponsorBlockFormatError(ValueError):
    """The input is not what SponsorBlock's dump or a subtitle file looks like; the message names what is wrong."""


@dataclass(slots=True)  # millions of them in memory on a full dump
class Segment:
    start: float
    end: float
    category: str
    votes: int = 0
    locked: bool = False


@dataclass
class Submissions:
    """The dump, filtered: each video's segments and its duration, and why the other rows were dropped."""

    videos: dict[str, list[Segment]] = field(default_factory=dict)
    durations: dict[str, float] = field(default_factory=dict)
    rows: int = 0
    dropped: Counter = field(default_factory=Counter)
    overlaps_dropped: int = 0


@dataclass
class Cue:
    start: float
    end: float
    text: str


def read_submissions(path: Path, *, min_votes: int = 1, categories: Iterable[str] = AD_KINDS,
                     only_videos: set[str] | None = None, limit: int | None = None,
                     on_progress: Callable[[int, int], None] | None = None) -> Submissions:
    """Streams sponsorTimes.csv (GBs: never whole in memory) and keeps the rows worth learning from, best-voted per
    overlap. `only_videos`: ignore other videos (those with no subtitles); `limit`: at most this many videos, the
    first met. `on_progress(bytes_read, bytes_total)` is called now and then."""
    wanted = set(categories)
    out = Submissions()
    total = Path(path).stat().st_size
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 24))  # descriptions and user agents can be long
    with Path(path).open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.DictReader(f)
        _check_header(reader.fieldnames, path)
        for row in _rows(reader, out):
            out.rows += 1
            if on_progress and out.rows % _PROGRESS_EVERY == 0:
                on_progress(f.buffer.tell(), total)
            reason = _drop_reason(row, min_votes, wanted)
            video_id = row["videoID"]
            if reason is None and only_videos is not None and video_id not in only_videos:
                reason = "no subtitle file"
            if reason is None and limit is not None and video_id not in out.videos and len(out.videos) >= limit:
                reason = "beyond --limit"
            if reason is not None:
                out.dropped[reason] += 1
                continue
            start, end = float(row["startTime"]), float(row["endTime"])
            out.videos.setdefault(video_id, []).append(
                Segment(start, end, row["category"], int(row["votes"]), _flag(row.get("locked"))))
            duration = _number(row.get("videoDuration"))
            if duration and duration > out.durations.get(video_id, 0.0):
                out.durations[video_id] = duration
    if on_progress:
        on_progress(total, total)
    for video_id, segments in out.videos.items():
        kept = best_voted(segments)
        out.overlaps_dropped += len(segments) - len(kept)
        out.videos[video_id] = kept
    return out


def _rows(reader: csv.DictReader, out: Submissions) -> Iterator[dict[str, str | None]]:
    """The reader's rows; one the csv module cannot parse (an over-long field) is counted and skipped."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            out.rows += 1
            out.dropped["malformed row"] += 1


def _check_header(fieldnames: list[str] | None, path: Path) -> None:
    if not fieldnames:
        raise SponsorBlockFormatError(f"{path}: empty file, expected sponsorTimes.csv with a header row")
    missing = [c for c in REQUIRED_COLUMNS if c not in fieldnames]
    if missing:
        raise SponsorBlockFormatError(
            f"{path}: not a SponsorBlock sponsorTimes.csv: missing column(s) {', '.join(missing)} "
            f"(header has: {', '.join(fieldnames[:8])}{' …' if len(fieldnames) > 8 else ''})")


def _drop_reason(row: dict[str, str | None], min_votes: int, wanted: set[str]) -> str | None:
    try:
        start, end, votes = float(row["startTime"] or ""), float(row["endTime"] or ""), int(row["votes"] or "")
    except (TypeError, ValueError):
        return "malformed row"
    if not row["videoID"]:
        return "malformed row"
    if _flag(row["hidden"]):
        return "hidden"
    if _flag(row["shadowHidden"]):
        return "shadow-hidden"
    if (row.get("service") or "YouTube") != "YouTube":
        return "not YouTube"
    if (row.get("actionType") or "skip") != "skip":
        return "action not skip"
    if row["category"] not in wanted:
        return "category not wanted"
    if votes < min_votes:
        return "too few votes"
    if end <= start:
        return "zero length"
    return None


def _flag(value: str | None) -> bool:
    return (value or "0").strip().lower() not in ("0", "", "false", "f")


def _number(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError:
        return 0.0


def best_voted(segments: list[Segment]) -> list[Segment]:
    """Several users submit the same segment: per category keep the locked/most-voted one and drop those overlapping
    it by more than half (of either); segments that merely touch are kept. Sorted by start."""
    kept: list[Segment] = []
    for seg in sorted(segments, key=lambda s: (s.locked, s.votes, s.end - s.start), reverse=True):
        if not any(k.category == seg.category and _overlap_share(k, seg) > OVERLAP_DROP for k in kept):
            kept.append(seg)
    return sorted(kept, key=lambda s: (s.start, s.end))


def _overlap_share(a: Segment, b: Segment) -> float:
    overlap = min(a.end, b.end) - max(a.start, b.start)
    return max(overlap, 0.0) / max(min(a.end - a.start, b.end - b.start), 1e-6)


# --- subtitles ---------------------------------------------------------------------------------------------------

def subtitle_files(directory: Path) -> dict[str, dict[str, Path]]:
    """`<videoID>[.<lang>].vtt|.srt` under `directory` -> {video_id: {lang or "": path}}; .vtt wins over .srt."""
    found: dict[str, dict[str, Path]] = defaultdict(dict)
    for path in sorted(Path(directory).iterdir(), key=lambda p: (p.suffix != ".vtt", p.name)):
        if path.suffix.lower() not in SUBTITLE_SUFFIXES or not path.is_file():
            continue
        video_id, _, lang = path.name[: -len(path.suffix)].partition(".")
        found[video_id].setdefault(normalise_language(lang), path)
    return dict(found)


def normalise_language(tag: str) -> str:
    """yt-dlp's caption tags ("en", "en-orig", "ru-RU", "en.auto") -> the base language, lower case."""
    return re.split(r"[-_.]", tag.strip().lower(), maxsplit=1)[0] if tag.strip() else ""


def pick_subtitle(files: dict[str, Path], languages: list[str] | None) -> tuple[str, Path] | None:
    """The file in the most wanted language; with no wish, a named language before an unnamed file."""
    if languages:
        for lang in languages:
            if lang in files:
                return lang, files[lang]
        return ("", files[""]) if "" in files else None
    named = sorted(lang for lang in files if lang)
    lang = named[0] if named else ""
    return lang, files[lang]


def choose_caption(manual: Iterable[str], automatic: Iterable[str], wanted: list[str]) -> str | None:
    """Which of a YouTube video's caption tracks (yt-dlp's language tags) to learn from: the language spoken, never
    a machine translation. YouTube tags its speech-recognised track "<lang>-orig"; its other automatic tracks are
    translations of it. The creator's own subtitles in the spoken language come first."""
    manual, automatic = list(manual), list(automatic)
    spoken = next((tag for tag in automatic if tag.endswith("-orig")), None)
    if spoken is None:  # nothing says what is spoken: the creator's subtitles, in the order wanted
        return next((tag for lang in wanted for tag in manual if normalise_language(tag) == lang), None)
    lang = normalise_language(spoken)
    if lang not in wanted:
        return None
    return next((tag for tag in manual if normalise_language(tag) == lang), spoken)


def read_subtitles(path: Path) -> list[Cue]:
    """A .vtt or .srt file as de-duplicated caption lines with times."""
    try:
        if path.suffix.lower() == ".vtt":
            raw = [(_seconds(c.start_time), _seconds(c.end_time), c.text) for c in webvtt.read(str(path))]
        else:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
            raw = [(s.start.total_seconds(), s.end.total_seconds(), s.content) for s in srt.parse(text)]
    except (webvtt.errors.MalformedFileError, srt.SRTParseError, ValueError) as exc:
        raise SponsorBlockFormatError(f"{path.name}: not a readable subtitle file ({exc})") from None
    return dedupe_rolling(raw)


def _seconds(ts: webvtt.models.Timestamp) -> float:
    return ts.hours * 3600 + ts.minutes * 60 + ts.seconds + ts.milliseconds / 1000


def dedupe_rolling(cues: Iterable[tuple[float, float, str]]) -> list[Cue]:
    """YouTube auto-captions roll: each cue repeats the previous line above the new one, with 10 ms cues in between
    that only repeat. Keep each line once, at the cue where it first appeared; a line that grows (the previous one
    plus more words, as converted captions do) replaces it."""
    out: list[Cue] = []
    previous: list[str] = []
    for start, end, text in cues:
        lines = [line for line in (_clean(x) for x in text.split("\n")) if line]
        for line in lines:
            if line in previous or (out and line == out[-1].text):
                continue
            last = out[-1] if out else None
            if last is not None and last.text in previous and line.startswith(last.text + " "):
                last.text, last.end = line, max(last.end, end)
                continue
            out.append(Cue(round(start, 3), round(end, 3), line))
        previous = lines or previous
    return out


def _clean(line: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", line))).strip()


# --- rows ----------------------------------------------------------------------------------------------------------

def to_row(video_id: str, language: str, segments: list[Segment], cues: list[Cue], duration: float = 0.0) -> dict:
    """One line of the training JSONL (../shared/data/README.md). Language: the file's, else guessed from the text."""
    language = language or guess_language(" ".join(c.text for c in cues[:200])) or ""
    duration = duration or max([c.end for c in cues] + [s.end for s in segments] + [0.0])
    return {
        "video_id": video_id,
        "language": language,
        "duration": round(duration, 3),
        "transcript": [{"start": c.start, "end": c.end, "text": c.text} for c in cues],
        "labels": [{"start": round(s.start, 3), "end": round(s.end, 3), "category": s.category} for s in segments],
        "source": "sponsorblock",
    }
