"""Reason codes: the closed set, their typed params, their Russian and English words, and old reports."""

from __future__ import annotations

import re
from typing import get_args

import pytest
from reason_cases import CODES, STRINGS, judged_report, load

from veritasad.analysis.engine import reasons
from veritasad.analysis.engine.report import (
    FOUND_CODES,
    REASON_PARAMS,
    Disclosure,
    Reason,
    ReasonCode,
    Report,
    RuleResult,
)

CODE_LIST = get_args(ReasonCode)
SAMPLE_PARAMS = {"source": "ocr", "at": 72.4, "name": "Skyeng", "token": "2VtzqxABC12", "text": "#ad"}
ENGLISH = re.compile(r"\b(found|missing|label|advertiser|sponsorship|nothing|token|speech|ocr)\b")


def sample(code: str) -> Reason:
    return Reason(code=code, params={k: SAMPLE_PARAMS[k] for k in REASON_PARAMS[code]})  # type: ignore[arg-type]


def test_the_code_set_is_closed_and_complete() -> None:
    assert set(CODE_LIST) == set(REASON_PARAMS)
    assert FOUND_CODES < set(CODE_LIST)
    for lang in reasons.LANGUAGES:
        assert set(reasons.TEMPLATES[lang]) == set(CODE_LIST), f"{lang} lacks or has extra templates"
    assert set(reasons.RU_GENDER) == FOUND_CODES  # «найден» or «найдена» when a found element is alone


@pytest.mark.parametrize("code", CODE_LIST)
def test_every_code_renders_in_both_languages(code: str) -> None:
    reason = sample(code)
    en, ru = reasons.phrase(reason, "en"), reasons.phrase(reason, "ru")
    assert en and ru and en != ru
    assert "{" not in en + ru
    assert re.search("[а-яё]", ru) and not ENGLISH.search(ru.replace(SAMPLE_PARAMS["text"], ""))
    for key in ("name", "token", "text"):
        if key in reason.params:
            assert reason.params[key] in en and reason.params[key] in ru
    if "at" in reason.params:
        assert "72.4s" in en and "1:12" in ru
    if "source" in reason.params:
        assert "ocr" in en and "на экране" in ru


def test_a_sentence_in_natural_russian() -> None:
    found = [Reason(code="label_found", params={"source": "ocr", "at": 12.0}),
             Reason(code="advertiser_found", params={"name": "Skyeng"})]
    assert reasons.sentence("38-FZ", [*found, Reason(code="erid_missing")], "ru") == (
        "38-ФЗ: найдены пометка «реклама» (на экране, 0:12) и рекламодатель (Skyeng); нет токена erid")
    assert reasons.sentence("38-FZ", [found[1], Reason(code="label_missing"), Reason(code="erid_missing")], "ru") == (
        "38-ФЗ: найден рекламодатель (Skyeng); нет пометки «реклама» и токена erid")
    assert reasons.sentence("FTC", [sample("sponsor_label_found")], "ru") == (
        "FTC: найдена пометка о спонсорстве «#ad» (на экране, 1:12); все обязательные элементы на месте")
    assert reasons.sentence("FTC", [Reason(code="sponsor_label_missing")], "ru") == (
        "FTC: ничего не найдено; нет пометки о спонсорстве")
    assert reasons.sentence("FTC", [Reason(code="sponsor_label_missing")], "en") == (
        "FTC: nothing found; missing sponsorship label")


def test_times_past_an_hour_and_unknown_languages() -> None:
    assert reasons.clock(3723.4) == "1:02:03" and reasons.clock(5) == "0:05"
    assert reasons.phrase(Reason(code="erid_missing"), "de") == "erid token"  # English for anything else
    assert reasons.language("ru-RU") == "ru" and reasons.language(None) == "en"


@pytest.mark.parametrize(("header", "expected"), [
    ("ru-RU,ru;q=0.9,en;q=0.8", "ru"), ("de, en;q=0.5, ru;q=0.4", "en"), ("ru;q=0, en", "en"), (None, "en"),
    ("fr", "en"), ("en;q=0.3, ru;q=0.7", "ru"),
])
def test_accept_language(header: str | None, expected: str) -> None:
    assert reasons.from_accept_language(header) == expected


def test_params_are_typed() -> None:
    with pytest.raises(ValueError, match="takes params"):
        Reason(code="label_found")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="takes params"):
        Reason(code="erid_missing", params={"token": "x"})
    with pytest.raises(ValueError, match="unknown source"):
        Reason(code="label_found", params={"source": "tv", "at": 1.0})
    with pytest.raises(ValueError, match="wrong type"):
        Reason(code="label_found", params={"source": "ocr", "at": "soon"})
    with pytest.raises(ValueError):
        Reason(code="no_such_code")  # type: ignore[arg-type]
    assert Reason(code="label_found", params={"source": "speech", "at": "3.5"}).params["at"] == 3.5


@pytest.mark.parametrize("code", CODE_LIST)
def test_the_english_strings_read_back_as_codes(code: str) -> None:
    reason = sample(code)
    text = reasons.phrase(reason, "en")
    rule = RuleResult(regime="FTC", satisfied=False, found=[text] if reason.found else [],
                      missing=[] if reason.found else [text])
    expected = Reason(code=code, params={**reason.params, "at": 72.4} if "at" in reason.params else reason.params)
    assert rule.reasons == [expected]


def test_verdicts_and_strings_are_as_before_the_codes() -> None:
    """The engine judges the same inputs as before; the only change to the report is the added fields."""
    old, new = load(STRINGS), load(CODES)
    assert judged_report().model_dump(mode="json") == new
    for before, now in zip(old["segments"], new["segments"], strict=True):
        if before["disclosure"] is None:
            assert now["disclosure"] is None
            continue
        b, n = before["disclosure"], dict(now["disclosure"])
        assert n.pop("deciding_regime") == b["deciding_rule"].split(":")[0]
        n["rules"] = [{k: v for k, v in r.items() if k != "reasons"} for r in n["rules"]]
        assert n == b
    assert {r.code for s in judged_report().segments if s.disclosure for rule in s.disclosure.rules
            for r in rule.reasons} == set(CODE_LIST)  # the cases cover every code


def test_an_old_report_loads_with_codes_and_renders_in_both_languages() -> None:
    data = load(STRINGS)
    assert "reasons" not in str(data) and data["schema_version"] == "1.0"
    old, new = Report.model_validate(data), judged_report()
    for before, now in zip(old.segments, new.segments, strict=True):
        if now.disclosure is None:
            continue
        assert before.disclosure is not None
        assert before.disclosure.deciding_regime == now.disclosure.deciding_regime
        assert [r.reasons for r in before.disclosure.rules] == [r.reasons for r in now.disclosure.rules]
        assert reasons.why(before.disclosure, "en") == before.disclosure.deciding_rule
        ru = reasons.why(before.disclosure, "ru")
        assert ru == reasons.why(now.disclosure, "ru") and not ENGLISH.search(ru.split(":", 1)[1])


def test_strings_that_are_not_ours_are_shown_as_stored() -> None:
    d = Disclosure.model_validate({"verdict": "partially_disclosed", "deciding_rule": "38-FZ: no erid token",
                                   "rules": [{"regime": "38-FZ", "satisfied": False, "found": ["advertiser"],
                                              "missing": ["erid"]}]})
    assert d.rules[0].reasons == [] and d.deciding_regime == "38-FZ"
    x = reasons.explain(d, "ru")
    assert x.text == "38-FZ: no erid token"
    assert (x.rules[0].regime, x.rules[0].found, x.rules[0].missing) == ("38-ФЗ", ["advertiser"], ["erid"])
    broken = reasons.explain_stored({"verdict": "maybe", "deciding_rule": "odd", "rules": [{"regime": "X"}]}, "ru")
    assert broken.text == "odd" and broken.rules[0].regime == "X"
