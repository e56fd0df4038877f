"""`veritasad analyze` and `veritasad eval` through the real command (Typer's runner), on generated media."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from veritasad.analysis.engine.text.dataset import SEED_FILE
from veritasad.cli import app

runner = CliRunner()


def test_analyze_silent_video_reads_the_screen(video_only: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["analyze", str(video_only), "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["media"]["has_audio"] is False
    assert any("no audio" in w for w in report["warnings"])
    assert "speech" not in report["timings"] and "screen" in report["timings"]
    [ad] = report["segments"]
    assert ad["kind"] == "sponsor" and ad["decided_by"] == "rules"
    assert 3.0 <= ad["start"] <= 6.0 and 8.0 <= ad["end"] <= 10.5
    assert ad["disclosure"]["verdict"] == "disclosed"  # «Реклама», ООО Ромашка, erid, all on screen
    for stage in ("probe", "screen", "segments", "disclosure", "report"):
        assert stage in result.output  # a progress bar per stage


@pytest.mark.parametrize("fmt", ["vtt", "csv", "sponsorblock", "table"])
def test_analyze_formats(video_only: Path, fmt: str) -> None:
    result = runner.invoke(app, ["analyze", str(video_only), "--format", fmt])
    assert result.exit_code == 0, result.output
    expected = {"vtt": "WEBVTT", "csv": "id,start,end,kind", "sponsorblock": '"category": "sponsor"',
                "table": "Ad segments in"}[fmt]
    assert expected in result.stdout


def test_analyze_refuses_non_media(bad_inputs: dict[str, Path]) -> None:
    result = runner.invoke(app, ["analyze", str(bad_inputs["UNSUPPORTED_MEDIA"])])
    assert result.exit_code == 2
    assert "UNSUPPORTED_MEDIA" in result.output


def test_analyze_rejects_bad_options(video_only: Path) -> None:
    assert runner.invoke(app, ["analyze", str(video_only), "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["analyze", str(video_only), "--lang", "de"]).exit_code == 2


@pytest.fixture
def http_dir(video_only: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(video_only.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_analyze_url_downloads_first(http_dir: str, video_only: Path) -> None:
    url = f"{http_dir}/{video_only.name}"
    result = runner.invoke(app, ["analyze", url, "--format", "sponsorblock"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["category"] == "sponsor"
    missing = runner.invoke(app, ["analyze", f"{http_dir}/nothing.mp4"])
    assert missing.exit_code == 2 and "404" in missing.output


def test_eval_cross_validates(tmp_path: Path) -> None:
    data = tmp_path / "dev.jsonl"
    data.write_text("\n".join(SEED_FILE.read_text(encoding="utf-8").splitlines()[:8]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(data), "--folds", "2"])
    assert result.exit_code == 0, result.output
    assert "2-fold cross-validation" in result.stdout
    assert "rules F1" in result.stdout and "segment" in result.stdout and "second" in result.stdout


def test_eval_committed_model_and_bad_input(tmp_path: Path) -> None:
    data = tmp_path / "dev.jsonl"
    data.write_text(SEED_FILE.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(data), "--folds", "0"])
    assert result.exit_code == 0 and "committed model" in result.stdout
    assert runner.invoke(app, ["eval", str(data), "--folds", "5"]).exit_code == 2  # more folds than videos
    assert runner.invoke(app, ["eval", str(tmp_path / "missing.jsonl")]).exit_code == 2


def test_analyze_gives_the_reasons_in_the_output_language(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from reason_cases import judged_report

    from veritasad.analysis.engine import pipeline

    monkeypatch.setattr(pipeline, "analyze", lambda path, options, on_progress: judged_report())
    source = str(tmp_path / "any.mp4")
    ru = runner.invoke(app, ["analyze", source, "--format", "csv", "--output-lang", "ru"])
    assert ru.exit_code == 0, ru.output
    assert "38-ФЗ: найден рекламодатель (Skyeng); нет пометки «реклама» и токена erid" in ru.stdout
    en = runner.invoke(app, ["analyze", source, "--format", "csv"])
    assert "38-FZ: found advertiser (Skyeng); missing label «реклама», erid token" in en.stdout
    table = runner.invoke(app, ["analyze", source, "--output-lang", "ru"])
    assert "ничего не найдено" in table.stdout and "без маркировки" in table.stdout
    assert runner.invoke(app, ["analyze", source, "--output-lang", "de"]).exit_code == 2
