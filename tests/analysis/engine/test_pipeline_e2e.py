"""End to end through the real models (Whisper base, Tesseract, zxing) on generated videos, one per language."""

from __future__ import annotations

from pathlib import Path

import pytest

from veritasad.analysis.engine import AnalysisOptions, analyze
from veritasad.testing import media as gen

pytestmark = pytest.mark.slow


def overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def test_english_sponsor_read_is_found_and_disclosed(tmp_path: Path) -> None:
    lines = [
        gen.Line(0.5, "Hello everyone and welcome back to the channel."),
        gen.Line(4.0, "Today I am reviewing a small laptop for students."),
        gen.Line(9.0, "This video is sponsored by Nord VPN."),
        gen.Line(13.0, "Nord VPN keeps your connection private on every device."),
        gen.Line(18.0, "Go to nord vpn dot com slash tech and use code tech to get seventy percent off."),
        gen.Line(25.0, "Now, back to the laptop. The screen is bright and sharp."),
        gen.Line(30.0, "The battery lasted about ten hours in my tests."),
    ]
    video = gen.make_media(gen.Script(duration=35.0, lines=lines,
                                      overlays=[gen.Overlay(18.0, 24.0, qr="https://nordvpn.com/tech")]),
                           tmp_path / "en.mp4")
    events: list[tuple[str, float, str]] = []
    report = analyze(video, AnalysisOptions(language="auto"), lambda *e: events.append(e))
    assert report.language == "en"
    sponsors = [s for s in report.segments if s.kind == "sponsor"]
    assert len(sponsors) == 1
    ad = sponsors[0]
    assert overlap((ad.start, ad.end), (9.0, 24.5)) >= 0.5
    assert "nordvpn.com" in ad.advertiser.domains
    assert ad.disclosure is not None and ad.disclosure.verdict == "disclosed"
    assert ad.disclosure.deciding_rule.startswith("FTC")
    assert {"probe", "speech", "screen", "segments", "disclosure", "total"} <= set(report.timings)
    percents = [p for _, p, _ in events]
    assert percents == sorted(percents) and percents[-1] == 100.0
    assert {"probe", "speech", "screen", "segments", "disclosure", "report"} <= {s for s, _, _ in events}


def test_russian_undisclosed_ad(tmp_path: Path) -> None:
    lines = [
        gen.Line(0.5, "Привет! Сегодня готовим простую пасту с томатами.", "ru"),
        gen.Line(5.0, "Разогреваем в сковороде оливковое масло и добавляем чеснок.", "ru"),
        gen.Line(10.5, "Кстати, давно хотел рассказать вам про онлайн-школу Скайенг.", "ru"),
        gen.Line(16.0, "Занятия с преподавателем, первый урок бесплатно.", "ru"),
        gen.Line(21.0, "Переходите по ссылке в описании и вводите промокод паста, скидка двадцать процентов.", "ru"),
        gen.Line(28.0, "А теперь добавляем помидоры и солим.", "ru"),
        gen.Line(32.5, "В конце кладём базилик и тёртый сыр.", "ru"),
    ]
    video = gen.make_media(gen.Script(duration=37.0, lines=lines,
                                      overlays=[gen.Overlay(16.0, 27.0, qr="https://skyeng.ru/pasta")]),
                           tmp_path / "ru.mp4")
    report = analyze(video, AnalysisOptions(language="ru"))
    assert report.language == "ru"
    [ad] = [s for s in report.segments if s.kind == "sponsor"]
    assert overlap((ad.start, ad.end), (10.5, 27.0)) >= 0.5
    assert ad.advertiser.name == "Skyeng" and ad.advertiser.urls == ["https://skyeng.ru/pasta"]
    assert ad.disclosure is not None and ad.disclosure.verdict == "undisclosed"
    fz = next(r for r in ad.disclosure.rules if r.regime == "38-FZ")
    assert fz.missing == ["label «реклама»", "erid token"]
