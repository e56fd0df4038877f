"""Engine commands: `veritasad analyze PATH_OR_URL`, `veritasad eval DATASET.jsonl`."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated
from urllib.parse import urlparse

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from veritasad.cli.main import app

console = Console(stderr=True)
_STAGES = ("probe", "speech", "screen", "segments", "disclosure", "report")


@contextmanager
def _local(source: str) -> Iterator[Path]:
    """A local path for `source`; a URL is downloaded to a temporary file first (SSRF checks are the service's job:
    here the user runs the command on their own machine)."""
    if urlparse(source).scheme not in ("http", "https"):
        yield Path(source)
        return
    suffix = Path(urlparse(source).path).suffix or ".bin"
    with tempfile.TemporaryDirectory(prefix="veritasad-") as tmp:
        target = Path(tmp) / f"download{suffix}"
        with httpx.stream("GET", source, follow_redirects=True, timeout=30.0) as response:
            if response.status_code >= 400:
                raise typer.BadParameter(f"download failed: HTTP {response.status_code}", param_hint="PATH_OR_URL")
            with target.open("wb") as f:
                for chunk in response.iter_bytes(1 << 20):
                    f.write(chunk)
        yield target


@app.command()
def analyze(
    source: Annotated[str, typer.Argument(metavar="PATH_OR_URL", help="A media file or an http(s) URL.")],
    lang: Annotated[str, typer.Option("--lang", help="Spoken language: auto | ru | en")] = "auto",
    output_lang: Annotated[
        str, typer.Option("--output-lang", help="Language of the reasons and titles in the output: en | ru")
    ] = "en",
    fmt: Annotated[str, typer.Option("--format", help="table | json | vtt | csv | sponsorblock")] = "table",
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of the terminal.")] = None,
    model: Annotated[str, typer.Option(help="Whisper model: a size name or a local directory.")] = "base",
    device: Annotated[str, typer.Option(help="cpu | cuda | auto")] = "cpu",
    compute_type: Annotated[str, typer.Option(help="int8 | float16 | int8_float16 …")] = "int8",
    threads: Annotated[int, typer.Option(help="CPU threads for speech recognition.")] = 2,
) -> None:
    """Find the ads in a video, name the advertiser and judge the disclosure."""
    from veritasad.analysis.engine import export
    from veritasad.analysis.engine.errors import EngineError
    from veritasad.analysis.engine.pipeline import analyze as run
    from veritasad.analysis.engine.report import AnalysisOptions

    if lang not in ("auto", "ru", "en"):
        raise typer.BadParameter("one of auto, ru, en", param_hint="--lang")
    if output_lang not in ("en", "ru"):
        raise typer.BadParameter("one of en, ru", param_hint="--output-lang")
    if fmt not in export.FORMATS:
        raise typer.BadParameter("one of " + ", ".join(export.FORMATS), param_hint="--format")
    options = AnalysisOptions(language=lang, asr_model=model, asr_device=device, asr_compute_type=compute_type,
                              asr_cpu_threads=threads)  # type: ignore[arg-type]
    progress = Progress(TextColumn("{task.description:<11}"), BarColumn(), TaskProgressColumn(),
                        TextColumn("{task.fields[note]}"), TimeElapsedColumn(), console=console, transient=False)
    try:
        with _local(source) as path, progress:
            tasks = {s: progress.add_task(s, total=100, note="") for s in _STAGES}

            def on_progress(stage: str, percent: float, message: str) -> None:
                # Bars show each stage's own progress; finishing a later stage completes the earlier ones.
                order = _STAGES.index(stage)
                for earlier in _STAGES[:order]:
                    if earlier not in ("speech", "screen") or order > _STAGES.index("screen"):
                        progress.update(tasks[earlier], completed=100)
                progress.update(tasks[stage], completed=_stage_percent(stage, percent), note=message)

            report = run(path, options, on_progress)
            for task in tasks.values():
                progress.update(task, completed=100)
    except EngineError as exc:
        console.print(f"[bold red]{exc.code}[/]: {exc.message}")
        raise typer.Exit(2) from exc
    except httpx.HTTPError as exc:
        console.print(f"[bold red]DOWNLOAD_FAILED[/]: {exc}")
        raise typer.Exit(2) from exc
    report.source = source
    if fmt == "table" and out is None:
        _stdout().print(export.to_table(report, output_lang))
        return
    text = export.render(report, fmt, output_lang)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"wrote {out}")


def _stdout() -> Console:
    """Piped output has no terminal width: give tables room rather than wrap every cell."""
    return Console(width=None if sys.stdout.isatty() else 140)


def _stage_percent(stage: str, overall: float) -> float:
    from veritasad.analysis.engine.pipeline import _BANDS

    lo, hi = _BANDS[stage]
    return 100.0 * (overall - lo) / (hi - lo) if hi > lo else 100.0


@app.command("eval")
def eval_(
    dataset: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSONL in the ../shared/data format.")],
    folds: Annotated[int, typer.Option(help="k-fold cross-validation on DATASET; 0: score the committed model.")] = 5,
) -> None:
    """Precision, recall and F1 (segment IoU >= 0.5, and per second) of the classifier and the rules on DATASET."""
    from veritasad.analysis.engine import evaluate
    from veritasad.analysis.engine.text import classifier as clf
    from veritasad.analysis.engine.text.dataset import load_jsonl

    videos = load_jsonl(dataset)
    if not videos:
        raise typer.BadParameter("no videos in the file", param_hint="DATASET")
    if folds >= 2:
        if folds > len(videos):
            raise typer.BadParameter(f"more folds than videos ({len(videos)})", param_hint="--folds")
        model_scores, rule_scores = evaluate.cross_validate(videos, folds)
        title = f"{dataset.name}: {len(videos)} videos, {folds}-fold cross-validation"
    else:
        model_scores, rule_scores = evaluate.evaluate_with(clf.load(), videos)
        title = f"{dataset.name}: {len(videos)} videos, committed model"
    _stdout().print(evaluate.scores_table(model_scores, rule_scores, title))
