"""The report schema, the text half of the pipeline, and the exports (SponsorBlock, WebVTT, CSV, table)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from veritasad.analysis import engine
from veritasad.analysis.engine import export
from veritasad.analysis.engine.pipeline import analyze_transcript
from veritasad.analysis.engine.report import SCHEMA_VERSION, AnalysisOptions, Report
from veritasad.analysis.engine.types import MediaInfo, ScreenText, Transcript, Utterance

LINES = [
    "Сегодня готовим простую пасту с томатами, это минут двадцать.",
    "Разогреваем в широкой сковороде побольше оливкового масла.",
    "Кстати, давно хотел рассказать вам про онлайн-школу Skyeng.",
    "Это онлайн-школа английского языка с личным преподавателем.",
    "Переходите на skyeng.ru и вводите промокод PASTA, он даст скидку 20 процентов.",
    "Теперь отправляем помидоры и разминаем их ложкой.",
    "В конце добавляем свежий базилик и тёртый пармезан.",
    "Если видео понравилось, ставьте лайк и подписывайтесь на канал.",
]


@pytest.fixture(scope="module")
def report() -> Report:
    utterances = [Utterance(start=5.0 * i, end=5.0 * i + 4.6, text=t) for i, t in enumerate(LINES)]
    r = analyze_transcript(Transcript(language=None, utterances=utterances), [], duration=41.0, source="pasta.mp4")
    r.media = MediaInfo(duration=41.0, size_bytes=1000, format_name="mp4", has_audio=True, has_video=True)
    return r


def test_text_pipeline_finds_the_ad_and_judges_it(report: Report) -> None:
    assert report.language == "ru"  # guessed from the letters: the transcript came without one
    assert [s.kind for s in report.segments] == ["sponsor", "interaction"]
    ad = report.segments[0]
    assert (ad.start, ad.end) == (10.0, 24.6)
    assert ad.advertiser.name == "Skyeng" and ad.advertiser.promo_codes == ["PASTA"]
    assert ad.disclosure is not None and ad.disclosure.verdict == "undisclosed"
    assert report.segments[1].disclosure is None
    assert set(report.timings) == {"segments", "disclosure"}
    assert report.warnings == []


def test_uncovered_language_is_flagged() -> None:
    utterances = [Utterance(start=0, end=4, text="Dieses Video wird von HelloFresh gesponsert, code PASTA.")]
    r = analyze_transcript(Transcript(language="de", utterances=utterances), classifier=False)
    assert any("not trained on language 'de'" in w for w in r.warnings)


def test_options_language_overrides_the_transcript() -> None:
    r = analyze_transcript(Transcript(language="en", utterances=[Utterance(start=0, end=1, text="hi")]),
                           options=AnalysisOptions(language="ru"))
    assert r.language == "ru"


def test_report_round_trips_through_json(report: Report) -> None:
    data = json.loads(report.model_dump_json())
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["segments"][0]["disclosure"]["rules"][0]["regime"] == "38-FZ"
    assert Report.model_validate(data) == report


def test_engine_package_exports() -> None:
    assert engine.AnalysisOptions is AnalysisOptions and engine.Report is Report
    assert callable(engine.analyze) and callable(engine.analyze_transcript)


def test_options_are_validated() -> None:
    with pytest.raises(ValueError):
        AnalysisOptions(language="de")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        AnalysisOptions(frame_interval=0)


def test_sponsorblock_export(report: Report) -> None:
    items = json.loads(export.to_sponsorblock(report))
    assert [i["category"] for i in items] == ["sponsor", "interaction"]
    first = items[0]
    assert first["segment"] == [10.0, 24.6] and first["actionType"] == "skip"
    assert first["videoDuration"] == 41.0 and first["UUID"] == "seg-1"
    assert "Skyeng" in first["description"] and "undisclosed" in first["description"]


def test_vtt_chapters_cover_the_timeline(report: Report) -> None:
    vtt = export.to_vtt(report)
    assert vtt.startswith("WEBVTT\n")
    cues = [block.splitlines() for block in vtt.split("\n\n")[2:] if block.strip() and not block.startswith("NOTE")]
    times = [c[1] for c in cues]
    assert times[0] == "00:00:00.000 --> 00:00:10.000"
    assert times[1] == "00:00:10.000 --> 00:00:24.600"
    assert cues[1][2] == "sponsor: Skyeng (undisclosed)"
    assert times[-1].endswith("--> 00:00:41.000")
    assert [c[2] for c in cues].count("Content") == 3


def test_csv_export(report: Report) -> None:
    rows = list(csv.DictReader(io.StringIO(export.to_csv(report))))
    assert tuple(rows[0]) == export.CSV_COLUMNS
    assert rows[0]["advertiser"] == "Skyeng" and rows[0]["promo_codes"] == "PASTA"
    assert rows[0]["verdict"] == "undisclosed" and rows[0]["decided_by"] == "classifier"
    assert rows[1]["verdict"] == ""


def test_table_render(report: Report) -> None:
    text = export.render(report, "table")
    assert "Skyeng" in text and "undisclosed" in text and "interaction" in text


def test_table_for_a_clean_video() -> None:
    text = export.render(Report(source="clean.mp4", warnings=["no audio track"]), "table")
    assert "no advertising found" in text and "no audio track" in text


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        export.render(Report(source="x"), "xml")


def test_screen_texts_are_kept(report: Report) -> None:
    shown = [ScreenText(start=1, end=2, text="hello", source="ocr")]
    r = analyze_transcript(Transcript(), shown, duration=5.0)
    assert r.screen_texts == shown and r.segments == []


def _judged() -> Report:
    from reason_cases import judged_report

    return judged_report()


def test_csv_and_table_give_the_why_in_the_language_asked() -> None:
    report = _judged()
    en = list(csv.DictReader(io.StringIO(export.to_csv(report))))
    ru = list(csv.DictReader(io.StringIO(export.to_csv(report, "ru"))))
    assert [r["deciding_rule"] for r in en] == [s.disclosure.deciding_rule if s.disclosure else ""
                                                for s in report.segments]  # English: as it always was
    assert ru[1]["deciding_rule"] == "38-ФЗ: найден рекламодатель (Skyeng); нет пометки «реклама» и токена erid"
    assert ru[5]["deciding_rule"] == "FTC: ничего не найдено; нет пометки о спонсорстве"
    assert [r["verdict"] for r in ru] == [r["verdict"] for r in en] and tuple(ru[0]) == export.CSV_COLUMNS
    table = export.render(report, "table", "ru")
    assert "без маркировки" in table and "ничего не найдено" in table


def test_vtt_notes_the_why_before_each_judged_chapter() -> None:
    report = _judged()
    en, ru = export.to_vtt(report), export.render(report, "vtt", "ru")
    blocks = [b.splitlines() for b in ru.split("\n\n")]
    notes = [b[0] for b in blocks if b[0].startswith("NOTE 38-ФЗ") or b[0].startswith("NOTE FTC")]
    assert len(notes) == 6 and notes[3].startswith("NOTE FTC: найдена пометка о спонсорстве")
    titles = [b[2] for b in blocks if len(b) == 3 and "-->" in b[1]]
    assert "Спонсор: Skyeng (промаркировано)" in titles and "Призыв подписаться" in titles and "Видео" in titles
    assert "NOTE FTC: nothing found; missing sponsorship label" in en and "sponsor: Skyeng (disclosed)" in en
    assert "-->" not in "".join(notes)
