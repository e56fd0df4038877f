"""The analysis engine: pure functions from media to a Report (no web, DB or queue imports).

    from veritasad.analysis.engine import analyze, AnalysisOptions
    report = analyze("video.mp4", AnalysisOptions(language="ru"), on_progress=print)

`analyze` is imported on first use: importing the types should not load the models' libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from veritasad.analysis.engine.report import AdSegment, AnalysisOptions, Report

if TYPE_CHECKING:
    from veritasad.analysis.engine.pipeline import analyze, analyze_transcript

__all__ = ["AdSegment", "AnalysisOptions", "Report", "analyze", "analyze_transcript"]


def __getattr__(name: str):
    if name in ("analyze", "analyze_transcript"):
        from veritasad.analysis.engine import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
