"""Reports in other shapes: SponsorBlock-compatible JSON, WebVTT chapters, CSV, and a terminal table (rich).

Words for people (chapter titles, the why of a verdict) come in `lang` ("en" default, or "ru"); codes, ids and
column names stay as they are in every language, for the programs that read them.
"""

from __future__ import annotations

import csv
import io
import json

from rich.markup import escape
from rich.table import Table

from veritasad.analysis.engine import reasons
from veritasad.analysis.engine.report import AdSegment, Report

FORMATS = ("table", "json", "vtt", "csv", "sponsorblock")
# SponsorBlock's action per category: ads are skipped, "interaction" reminders too.
_ACTION = {"sponsor": "skip", "selfpromo": "skip", "interaction": "skip", "intro": "skip", "outro": "skip",
           "preview": "skip", "filler": "skip"}


def _duration(report: Report) -> float:
    if report.media is not None:
        return report.media.duration
    ends = [u.end for u in report.transcript.utterances] + [s.end for s in report.segments]
    return max(ends, default=0.0)


def to_sponsorblock(report: Report) -> str:
    """The shape of SponsorBlock's /api/skipSegments answer, so players and tools that read it can use ours."""
    duration = _duration(report)
    items = [{"segment": [s.start, s.end], "category": s.kind, "actionType": _ACTION.get(s.kind, "skip"),
              "UUID": s.id, "videoDuration": duration, "locked": 0, "votes": 0,
              "description": _title(s)} for s in report.segments]
    return json.dumps(items, ensure_ascii=False, indent=2)


def _clock(seconds: float) -> str:
    ms = round(max(seconds, 0.0) * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _title(s: AdSegment, lang: str = "en") -> str:
    who = f": {s.advertiser.name}" if s.advertiser.name else ""
    if reasons.language(lang) == "ru":
        verdict = f" ({reasons.RU_VERDICTS[s.disclosure.verdict]})" if s.disclosure else ""
        return f"{reasons.RU_KINDS.get(s.kind, s.kind)}{who}{verdict}"
    verdict = f" ({s.disclosure.verdict.replace('_', ' ')})" if s.disclosure else ""
    return f"{s.kind}{who}{verdict}"


def _why(s: AdSegment, lang: str) -> str:
    return reasons.why(s.disclosure, lang) if s.disclosure else ""


def to_vtt(report: Report, lang: str = "en") -> str:
    """WebVTT chapters covering the whole timeline: content between ads, one chapter per ad; before each judged ad
    a NOTE (players skip notes) with the why of its verdict."""
    lines = ["WEBVTT", "", "NOTE chapters from VeritasAd " + report.engine_version, ""]
    content = "Видео" if reasons.language(lang) == "ru" else "Content"
    t = 0.0
    chapters: list[tuple[float, float, str, str]] = []
    for s in sorted(report.segments, key=lambda s: s.start):
        if s.start - t > 0.5:
            chapters.append((t, s.start, content, ""))
        chapters.append((max(s.start, t), s.end, _title(s, lang), _why(s, lang)))
        t = max(t, s.end)
    end = _duration(report)
    if end - t > 0.5:
        chapters.append((t, end, content, ""))
    for n, (start, stop, title, why) in enumerate(chapters, 1):
        if why:  # a note may not hold "-->" nor a blank line
            lines += ["NOTE " + " ".join(why.replace("-->", "→").split()), ""]
        lines += [str(n), f"{_clock(start)} --> {_clock(stop)}", title, ""]
    return "\n".join(lines)


CSV_COLUMNS = ("id", "start", "end", "kind", "confidence", "advertiser", "domains", "promo_codes", "verdict",
               "deciding_rule", "decided_by")


def to_csv(report: Report, lang: str = "en") -> str:
    """One row per segment; `deciding_rule` is the why of the verdict in `lang`."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for s in report.segments:
        writer.writerow([s.id, f"{s.start:.2f}", f"{s.end:.2f}", s.kind, f"{s.confidence:.3f}",
                         s.advertiser.name or "", " ".join(s.advertiser.domains), " ".join(s.advertiser.promo_codes),
                         s.disclosure.verdict if s.disclosure else "", _why(s, lang), s.decided_by])
    return buf.getvalue()


def to_table(report: Report, lang: str = "en") -> Table:
    media = report.media
    caption = f"language {report.language or '?'}" + (f", {media.duration:.1f} s" if media else "") + \
        "".join(f"\n⚠ {w}" for w in report.warnings)
    table = Table(title=f"Ad segments in {report.source}", caption=caption, show_lines=True)
    for col in ("#", "time", "kind", "advertiser", "disclosure", "why", "conf.", "by"):
        table.add_column(col, overflow="fold")
    verdict_style = {"disclosed": "green", "partially_disclosed": "yellow", "undisclosed": "bold red"}
    for i, s in enumerate(report.segments, 1):
        who = s.advertiser.name or "—"
        extra = ", ".join(s.advertiser.domains + s.advertiser.promo_codes)
        verdict = s.disclosure.verdict if s.disclosure else "—"
        style = verdict_style.get(verdict, "")
        kind = s.kind
        if reasons.language(lang) == "ru":
            verdict, kind = reasons.RU_VERDICTS.get(verdict, verdict), reasons.RU_KINDS.get(kind, kind)
        table.add_row(str(i), f"{_clock(s.start)[:-4]}–{_clock(s.end)[:-4]}", kind,
                      who + (f"\n{extra}" if extra else ""), f"[{style}]{verdict}[/]" if style else verdict,
                      escape(_why(s, lang)), f"{s.confidence:.2f}", s.decided_by)
    if not report.segments:
        table.add_row("", "", "no advertising found", "", "", "", "", "")
    return table


def render(report: Report, fmt: str, lang: str = "en") -> str:
    """Text for any format; the table comes out as plain text (the CLI prints it with colour instead).
    `lang` ("en" or "ru") is the language of the words for people: JSON and SponsorBlock have none to change."""
    if fmt == "json":
        return report.model_dump_json(indent=2)
    if fmt == "sponsorblock":
        return to_sponsorblock(report)
    if fmt == "vtt":
        return to_vtt(report, lang)
    if fmt == "csv":
        return to_csv(report, lang)
    if fmt == "table":
        from rich.console import Console

        console = Console(file=io.StringIO(), width=140, color_system=None)
        console.print(to_table(report, lang))
        return console.file.getvalue()  # type: ignore[attr-defined]
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
