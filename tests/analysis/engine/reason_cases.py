"""One report with every kind of reason (every code), judged by the engine from made-up speech and screen text.

data/report_1_0_strings.json is this report as the engine wrote it before reason codes (English strings only);
data/report_1_0_codes.json is it as the engine writes it now. Rewrite the second after a deliberate change with
    .venv/bin/python tests/analysis/engine/reason_cases.py > tests/analysis/engine/data/report_1_0_codes.json
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from veritasad.analysis.engine.disclosure import judge
from veritasad.analysis.engine.report import AdSegment, Advertiser, MediaInfo, Report
from veritasad.analysis.engine.types import ScreenText, Transcript, Utterance

DATA = Path(__file__).parent / "data"
STRINGS = DATA / "report_1_0_strings.json"
CODES = DATA / "report_1_0_codes.json"


def _seg(i: int, start: float, end: float, name: str | None = "Skyeng", kind: str = "sponsor",
         domains: tuple[str, ...] = ()) -> AdSegment:
    return AdSegment(id=f"seg-{i}", start=start, end=end, kind=kind, confidence=0.9,  # type: ignore[arg-type]
                     advertiser=Advertiser(name=name, domains=list(domains)), decided_by="classifier")


def _say(*lines: tuple[float, str]) -> list[Utterance]:
    return [Utterance(start=t, end=t + 4.5, text=text) for t, text in lines]


UTTERANCES = _say(
    (20, "Онлайн-школа Skyeng, занятия с личным преподавателем."),
    (25, "Переходите по ссылке в описании, промокод SKY скидка 20 процентов."),
    (60, "Партнёр этого выпуска — Skyeng."), (65, "Онлайн-школа Skyeng, занятия с личным преподавателем."),
    (100, "Реклама. Очень хороший сервис, всем советую."),
    (140, "This video is sponsored by Audible."), (145, "Audible has thousands of audiobooks."),
    *[(200 + 5 * i, "Audible has thousands of audiobooks and podcasts.") for i in range(8)],
    (240, "Thanks to Audible for sponsoring this video."),
    (300, "You know what I have been using lately? Notion."), (305, "Try it free at notion.so."),
    (400, "Ставьте лайк и подписывайтесь на канал."),
)
SCREEN = [ScreenText(start=20, end=29, text="Реклама. ООО «Скайенг». erid: 2VtzqxABC12", source="ocr"),
          ScreenText(start=100, end=105, text="erid: LjN8Kxyz123", source="ocr")]
# Each segment with the language that picks its deciding regime (ru: 38-FZ, en: FTC).
PLAN = [(_seg(1, 20, 29.5), "ru"), (_seg(2, 60, 69.5), "ru"), (_seg(3, 100, 104.5, name=None), "ru"),
        (_seg(4, 140, 149.5, "Audible"), "en"), (_seg(5, 200, 244.5, "Audible"), "en"),
        (_seg(6, 300, 309.5, "Notion", domains=("notion.so",)), "en"),
        (_seg(7, 400, 404.5, None, kind="interaction"), "ru")]


def judged_report() -> Report:
    segments = [s.model_copy(update={"disclosure": judge(s, UTTERANCES, SCREEN, ["38-FZ", "FTC"], lang)})
                for s, lang in PLAN]
    return Report(source="legacy.mp4", language="ru", segments=segments, screen_texts=SCREEN,
                  transcript=Transcript(language="ru", utterances=UTTERANCES),
                  media=MediaInfo(duration=420.0, size_bytes=1000, format_name="mp4", has_audio=True, has_video=True),
                  created_at=datetime(2026, 11, 20, 12, 0, tzinfo=UTC))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


if __name__ == "__main__":
    print(json.dumps(json.loads(judged_report().model_dump_json()), ensure_ascii=False, indent=1))
