"""Dataset commands: `veritasad dataset sponsorblock` turns SponsorBlock's dump and subtitles into training JSONL."""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from veritasad.cli.main import app

if TYPE_CHECKING:
    from veritasad.analysis.engine.text.sponsorblock import Segment, Submissions

dataset_app = typer.Typer(help="Build training data for the ad classifier.", no_args_is_help=True)
app.add_typer(dataset_app, name="dataset")

console = Console(stderr=True, soft_wrap=True)  # long paths and messages stay greppable
YOUTUBE_URL = "https://www.youtube.com/watch?v={id}"
_EXTRACTOR_PREFIX = re.compile(r"^\[[\w:]+\] [^:]*: ")  # "[youtube] ID: ", the ID is said already


@dataset_app.command("sponsorblock")
def sponsorblock(
    times: Annotated[Path, typer.Option("--times", exists=True, dir_okay=False,
                                        help="sponsorTimes.csv from SponsorBlock's database download page.")],
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="The JSONL to write.")],
    subs: Annotated[Path | None, typer.Option("--subs", file_okay=False,
                                              help="Folder of <videoID>[.<lang>].vtt/.srt; with --fetch-subs, where "
                                                   "fetched captions are kept (and re-used).")] = None,
    fetch_subs: Annotated[bool, typer.Option("--fetch-subs", help="Fetch captions with yt-dlp (needs internet).")]
    = False,
    min_votes: Annotated[int, typer.Option("--min-votes", help="Keep submissions with at least this many votes.")] = 1,
    languages: Annotated[str | None, typer.Option("--languages", help="Wanted caption languages, in order of "
                                                  "preference (default: any; ru,en when fetching).")] = None,
    language: Annotated[str | None, typer.Option("--language", help="Language of subtitle files whose name has "
                                                 "none (default: guessed from the text).")] = None,
    categories: Annotated[str, typer.Option("--categories", help="SponsorBlock categories to keep; ones other than "
                                            "sponsor, selfpromo, interaction load as 'none'.")]
    = "sponsor,selfpromo,interaction",
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most this many videos.")] = None,
    url_template: Annotated[str, typer.Option("--url-template", hidden=True, help="Where --fetch-subs looks.")]
    = YOUTUBE_URL,
) -> None:
    """SponsorBlock's sponsorTimes.csv + subtitles -> training JSONL (the ../shared/data format)."""
    from veritasad.analysis.engine.text import sponsorblock as sb

    wanted = _split(categories)
    unknown = [c for c in wanted if c not in sb.KNOWN_CATEGORIES]
    if unknown or not wanted:
        raise typer.BadParameter(f"unknown: {', '.join(unknown) or 'none given'}; SponsorBlock's are "
                                 + ", ".join(sb.KNOWN_CATEGORIES), param_hint="--categories")
    if not fetch_subs and subs is None:
        raise typer.BadParameter("give --subs DIR, or --fetch-subs", param_hint="--subs")
    if not fetch_subs and not subs.is_dir():
        raise typer.BadParameter(f"{subs} is not a folder", param_hint="--subs")
    langs = [sb.normalise_language(x) for x in _split(languages)] or (["ru", "en"] if fetch_subs else None)
    files = None if fetch_subs else sb.subtitle_files(subs)

    try:
        with _bytes_progress() as progress:
            task = progress.add_task(times.name, total=times.stat().st_size)
            found = sb.read_submissions(times, min_votes=min_votes, categories=wanted, limit=limit,
                                        only_videos=set(files) if files is not None else None,
                                        on_progress=lambda done, total: progress.update(task, completed=done))
    except sb.SponsorBlockFormatError as exc:
        console.print(f"[bold red]BAD_INPUT[/]: {escape(str(exc))}")
        raise typer.Exit(2) from None

    dropped: Counter = Counter()
    failed: set[str] = set()
    written: Counter = Counter()
    with tempfile.TemporaryDirectory(prefix="veritasad-subs-") as tmp:
        if fetch_subs:
            folder = subs or Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            files, failed = _fetch_all(list(found.videos), folder, langs or ["ru", "en"], url_template,
                                       dropped)
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as f:
            for video_id, segments in found.videos.items():
                if video_id in failed:
                    continue  # counted, and said, where the fetch failed
                row = _convert(video_id, segments, files.get(video_id), langs, language,
                               found.durations.get(video_id, 0.0), dropped)
                if row is not None:
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
                    written.update(label["category"] for label in row["labels"])
                    written["videos"] += 1
    _summary(times, out, found, dropped, written)
    if not written["videos"]:
        console.print("[bold red]NO_VIDEOS[/]: no video could be converted (see the reasons above)")
        raise typer.Exit(1)


def _split(value: str | None) -> list[str]:
    return [x.strip() for x in (value or "").split(",") if x.strip()]


def _bytes_progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                    console=console, transient=True)


def _convert(video_id: str, segments: list[Segment], files: dict[str, Path] | None, langs: list[str] | None,
             default_language: str | None, duration: float, dropped: Counter) -> dict | None:
    from veritasad.analysis.engine.text import sponsorblock as sb

    picked = sb.pick_subtitle(files, langs) if files else None
    if picked is None:
        dropped["no subtitles in a wanted language" if files else "no subtitles"] += 1
        return None
    lang, path = picked
    try:
        cues = sb.read_subtitles(path)
    except sb.SponsorBlockFormatError as exc:
        console.print(f"  {video_id}: skipped: {escape(str(exc))}")
        dropped["unreadable subtitles"] += 1
        return None
    if not cues:
        dropped["empty transcript"] += 1
        return None
    row = sb.to_row(video_id, lang or sb.normalise_language(default_language or ""), segments, cues, duration)
    if langs and row["language"] not in langs:
        dropped["language not wanted"] += 1
        return None
    return row


def _fetch_all(video_ids: list[str], folder: Path, langs: list[str], url_template: str,
               dropped: Counter) -> tuple[dict[str, dict[str, Path]], set[str]]:
    """Captions for each video into `folder` (files already there are re-used); one line per video that fails.
    Returns the caption files and the videos whose fetch failed."""
    from veritasad.analysis.engine.text import sponsorblock as sb

    have = sb.subtitle_files(folder)
    failed: set[str] = set()
    progress = Progress(TextColumn("captions"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=console, transient=True)
    with progress:
        task = progress.add_task("captions", total=len(video_ids))
        for video_id in video_ids:
            if video_id not in have:
                error = _fetch_one(video_id, url_template.format(id=video_id), folder, langs)
                if error:
                    progress.console.print(f"  {video_id}: subtitles not fetched: {escape(error)}")
                    dropped["subtitles not fetched"] += 1
                    failed.add(video_id)
            progress.advance(task)
    return sb.subtitle_files(folder), failed


class _Quiet:
    """yt-dlp's logger: its errors come back as the exception, one line per video is ours to print."""

    def debug(self, msg: str) -> None: ...
    def info(self, msg: str) -> None: ...
    def warning(self, msg: str) -> None: ...
    def error(self, msg: str) -> None: ...


def _fetch_one(video_id: str, url: str, folder: Path, langs: list[str]) -> str | None:
    """One video's captions in the language spoken (see choose_caption); None when done (with or without a file)."""
    import yt_dlp

    from veritasad.analysis.engine.text.sponsorblock import choose_caption

    options = {
        "skip_download": True, "writesubtitles": True, "writeautomaticsub": True, "subtitlesformat": "vtt/srt/best",
        "outtmpl": str(folder / (video_id.replace("%", "%%") + ".%(ext)s")),
        "quiet": True, "no_warnings": True, "noprogress": True, "logger": _Quiet(),
        "socket_timeout": 20, "retries": 1, "extractor_retries": 1, "noplaylist": True, "cachedir": False,
    }
    try:
        with yt_dlp.YoutubeDL(options) as ydl:
            info = ydl.extract_info(url, download=False, process=False) or {}
            tag = choose_caption(info.get("subtitles") or {}, info.get("automatic_captions") or {}, langs)
            if tag is None:
                return None  # no caption in a wanted language: counted as "no subtitles"
            ydl.params["subtitleslangs"] = [re.escape(tag)]
            ydl.process_ie_result(info, download=True)  # skip_download: the captions only
    except yt_dlp.utils.DownloadError as exc:
        # "ERROR: [youtube] ID: Unable to download API page: ... (caused by TransportError(...))": keep the gist.
        message = str(exc).replace("ERROR: ", "", 1).split(" (caused by ")[0]
        return _EXTRACTOR_PREFIX.sub("", message)[:240]
    except OSError as exc:
        return f"cannot write captions to {folder}: {exc}"
    except Exception as exc:  # noqa: BLE001  one odd page (a yt-dlp bug, a bad caption) must not end a long batch
        return f"{type(exc).__name__}: {exc}"[:240]
    return None


def _summary(times: Path, out: Path, found: Submissions, dropped: Counter, written: Counter) -> None:
    table = Table(title=f"SponsorBlock -> {out.name}", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row(f"rows read ({times.name})", str(found.rows))
    for reason, count in sorted(found.dropped.items()):
        table.add_row(f"  rows dropped: {reason}", str(count))
    table.add_row("  overlapping submissions dropped", str(found.overlaps_dropped))
    table.add_row("videos with segments", str(len(found.videos)))
    for reason, count in sorted(dropped.items()):
        table.add_row(f"  videos dropped: {reason}", str(count))
    table.add_row("videos written", str(written["videos"]))
    for category, count in sorted(written.items()):
        if category != "videos":
            table.add_row(f"  segments: {category}", str(count))
    Console(width=100).print(table)
