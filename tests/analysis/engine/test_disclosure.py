"""Disclosure verdicts: 38-FZ (label «реклама» + advertiser + erid) and FTC (clear label near the start)."""

from __future__ import annotations

from veritasad.analysis.engine.disclosure import judge, judge_all
from veritasad.analysis.engine.report import AdSegment, Advertiser
from veritasad.analysis.engine.types import ScreenText, Utterance


def seg(start: float, end: float, name: str | None = "Skyeng", kind: str = "sponsor") -> AdSegment:
    return AdSegment(id="seg-1", start=start, end=end, kind=kind, confidence=0.9,  # type: ignore[arg-type]
                     advertiser=Advertiser(name=name), decided_by="classifier")


def say(*lines: tuple[float, str]) -> list[Utterance]:
    return [Utterance(start=t, end=t + 4.5, text=text) for t, text in lines]


RU_READ = say((20, "Онлайн-школа Skyeng, занятия с личным преподавателем."),
              (25, "Переходите по ссылке в описании, промокод SKY скидка 20 процентов."))
BOTH = ["38-FZ", "FTC"]


def test_38fz_all_elements_on_screen_is_disclosed() -> None:
    screen = [ScreenText(start=20, end=29, text="Реклама. ООО «Скайенг». erid: 2VtzqxABC12", source="ocr")]
    d = judge(seg(20, 29.5), RU_READ, screen, BOTH, "ru")
    assert d is not None and d.verdict == "disclosed"
    fz = next(r for r in d.rules if r.regime == "38-FZ")
    assert fz.satisfied and fz.missing == []
    assert any("erid 2VtzqxABC12" in f for f in fz.found)
    assert d.deciding_rule.startswith("38-FZ") and "all required elements present" in d.deciding_rule
    assert d.deciding_regime == "38-FZ"
    assert [r.code for r in fz.reasons] == ["label_found", "advertiser_found", "erid_found"]
    assert fz.reasons[0].params == {"source": "ocr", "at": 20.0}
    assert fz.reasons[2].params == {"token": "2VtzqxABC12"}
    assert any("erid" in e.text for e in d.evidence)


def test_38fz_spoken_ad_without_label_is_undisclosed() -> None:
    d = judge(seg(20, 29.5), RU_READ, [], BOTH, "ru")
    assert d is not None and d.verdict == "undisclosed"
    fz = next(r for r in d.rules if r.regime == "38-FZ")
    assert fz.missing == ["label «реклама»", "erid token"]
    assert fz.found == ["advertiser (Skyeng)"]
    assert "missing label «реклама», erid token" in d.deciding_rule
    assert [r.code for r in fz.reasons] == ["advertiser_found", "label_missing", "erid_missing"]


def test_38fz_partner_mention_without_erid_is_partial() -> None:
    utterances = say((15, "Партнёр этого выпуска — Skyeng.")) + RU_READ
    d = judge(seg(15, 29.5), utterances, [], BOTH, "ru")
    assert d is not None and d.verdict == "partially_disclosed"
    fz = next(r for r in d.rules if r.regime == "38-FZ")
    assert "label «реклама»" in fz.missing and "erid token" in fz.missing


def test_38fz_label_and_erid_without_a_named_advertiser() -> None:
    utterances = say((20, "Реклама. Очень хороший сервис, всем советую."))
    screen = [ScreenText(start=20, end=25, text="erid: LjN8Kxyz123", source="ocr")]
    d = judge(seg(20, 24.5, name=None), utterances, screen, ["38-FZ"], "ru")
    assert d is not None and d.verdict == "partially_disclosed"
    assert d.rules[0].missing == ["advertiser name"]


def test_ftc_label_at_the_start_is_disclosed() -> None:
    utterances = say((40, "This video is sponsored by Audible."), (45, "Audible has thousands of audiobooks."),
                     (50, "Go to audible.com slash tech for a free trial."))
    d = judge(seg(40, 54.5, "Audible"), utterances, [], BOTH, "en")
    assert d is not None and d.verdict == "disclosed"
    ftc = next(r for r in d.rules if r.regime == "FTC")
    assert ftc.satisfied and "sponsored" in ftc.found[0]
    assert d.deciding_rule.startswith("FTC")
    # The same ad under 38-FZ lacks the Russian label and the erid: reported, but FTC decides for English.
    assert not next(r for r in d.rules if r.regime == "38-FZ").satisfied


def test_ftc_label_only_at_the_end_is_partial() -> None:
    utterances = say(*[(40 + 5 * i, "Audible has thousands of audiobooks and podcasts.") for i in range(8)],
                     (80, "Thanks to Audible for sponsoring this video."))
    d = judge(seg(40, 84.5, "Audible"), utterances, [], ["FTC"], "en")
    assert d is not None and d.verdict == "partially_disclosed"
    assert d.rules[0].missing == ["sponsorship label near the start"]
    assert d.rules[0].found[0].startswith("late sponsorship label")
    late, lacking = d.rules[0].reasons
    assert late.code == "sponsor_label_late" and late.params["at"] == 80.0 and late.params["source"] == "speech"
    assert lacking.code == "sponsor_label_not_early" and d.deciding_regime == "FTC"


def test_ftc_on_screen_hashtag_counts() -> None:
    utterances = say((10, "I have been using Notion for all my notes."), (15, "Try it free at notion.so."))
    screen = [ScreenText(start=10, end=20, text="#ad Paid partnership with Notion", source="ocr")]
    d = judge(seg(10, 19.5, "Notion"), utterances, screen, ["FTC"], "en")
    assert d is not None and d.verdict == "disclosed"


def test_unlabelled_english_ad_is_undisclosed() -> None:
    utterances = say((10, "You know what I have been using lately? Notion."), (15, "Try it free at notion.so."))
    d = judge(seg(10, 19.5, "Notion"), utterances, [], BOTH, "en")
    assert d is not None and d.verdict == "undisclosed"
    assert d.deciding_rule == "FTC: nothing found; missing sponsorship label"
    assert [r.code for r in d.deciding.reasons] == ["sponsor_label_missing"]  # type: ignore[union-attr]


def test_label_said_just_before_the_segment_belongs_to_it() -> None:
    utterances = say((14, "Реклама."), *[(20, RU_READ[0].text)])
    screen = [ScreenText(start=20, end=25, text="ООО «Скайенг» erid: 2VtzqxABC12", source="ocr")]
    d = judge(seg(20, 24.5), utterances, screen, ["38-FZ"], "ru")
    assert d is not None and d.verdict == "disclosed"


def test_interaction_has_no_verdict_and_judge_all_keeps_order() -> None:
    segs = [seg(0, 5, None, kind="interaction"), seg(20, 29.5)]
    out = judge_all(segs, RU_READ, [], BOTH, "ru")
    assert out[0].disclosure is None
    assert out[1].disclosure is not None and out[1].disclosure.verdict == "undisclosed"
    assert segs[1].disclosure is None  # the input is not changed
