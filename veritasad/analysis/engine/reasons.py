"""Reasons in words: each reason code as a phrase in Russian and English, and the one-line why of a verdict.

The engine decides with codes (report.Reason); people read these phrases, rendered at the edges (web pages, API,
CLI, exports, the bot) in the reader's language. It lives in the engine, pure, because the engine writes the
English strings of the report with it and its exports take a language too.

The English phrases are word for word the strings reports carried before codes existed (report._LEGACY reads them
back), so API clients that parse `found`, `missing` or `deciding_rule` see no change.
Russian: found elements are in the nominative («найдена пометка…»), missing ones in the genitive («нет токена erid»).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from veritasad.analysis.engine.report import Disclosure, Reason, RuleResult

LANGUAGES = ("ru", "en")
DEFAULT = "en"

TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "label_found": "label «реклама» ({source} at {at}s)",
        "label_missing": "label «реклама»",
        "advertiser_found": "advertiser ({name})",
        "advertiser_missing": "advertiser name",
        "erid_found": "erid {token}",
        "erid_missing": "erid token",
        "sponsor_label_found": 'sponsorship label "{text}" ({source} at {at}s)',
        "sponsor_label_late": 'late sponsorship label "{text}" ({source} at {at}s)',
        "sponsor_label_missing": "sponsorship label",
        "sponsor_label_not_early": "sponsorship label near the start",
    },
    "ru": {
        "label_found": "пометка «реклама» ({source}, {at})",
        "label_missing": "пометки «реклама»",
        "advertiser_found": "рекламодатель ({name})",
        "advertiser_missing": "названия рекламодателя",
        "erid_found": "токен erid {token}",
        "erid_missing": "токена erid",
        "sponsor_label_found": "пометка о спонсорстве «{text}» ({source}, {at})",
        "sponsor_label_late": "поздняя пометка о спонсорстве «{text}» ({source}, {at})",
        "sponsor_label_missing": "пометки о спонсорстве",
        "sponsor_label_not_early": "пометки о спонсорстве в начале рекламы",
    },
}
# The gender of each found phrase, for «найден / найдена» when it is the only one.
RU_GENDER = {"label_found": "f", "advertiser_found": "m", "erid_found": "m", "sponsor_label_found": "f",
             "sponsor_label_late": "f"}
_RU_FOUND = {"m": "найден", "f": "найдена", "n": "найдено"}
_RU_SOURCE = {"speech": "в речи", "ocr": "на экране", "qr": "в QR-коде", "barcode": "в штрихкоде"}
REGIME_NAMES = {"en": {"38-FZ": "38-FZ", "FTC": "FTC"}, "ru": {"38-FZ": "38-ФЗ", "FTC": "FTC"}}
_WORDS = {
    "en": {"found": "found", "nothing": "nothing found", "missing": "missing", "all": "all required elements present"},
    "ru": {"nothing": "ничего не найдено", "missing": "нет", "all": "все обязательные элементы на месте"},
}

# Short words for exports in Russian (English exports keep the machine names, as they always had).
RU_KINDS = {"sponsor": "Спонсор", "selfpromo": "Самопродвижение", "interaction": "Призыв подписаться",
            "intro": "Заставка", "outro": "Концовка", "preview": "Анонс", "filler": "Отступление"}
RU_VERDICTS = {"disclosed": "промаркировано", "partially_disclosed": "промаркировано частично",
               "undisclosed": "без маркировки"}


def language(value: str | None) -> str:
    """One of LANGUAGES for a tag such as "ru", "ru-RU" or "EN"; anything else gives English."""
    tag = (value or "").split("-")[0].split("_")[0].strip().lower()
    return tag if tag in LANGUAGES else DEFAULT


def from_accept_language(header: str | None) -> str:
    """The most preferred of LANGUAGES in an Accept-Language header (q-values honoured), else English."""
    ranked = []
    for index, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        try:
            quality = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            quality = 0.0
        primary = tag.split("-")[0].strip().lower()
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, index, primary))
    return min(ranked)[2] if ranked else DEFAULT


def clock(seconds: float) -> str:
    """0:12, 12:05, 1:02:03."""
    total = round(max(seconds, 0.0))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def phrase(reason: Reason, lang: str = DEFAULT) -> str:
    lang = language(lang)
    values = dict(reason.params)
    if "at" in values:
        values["at"] = f"{float(values['at']):.1f}" if lang == "en" else clock(float(values["at"]))
    if "source" in values and lang == "ru":
        values["source"] = _RU_SOURCE.get(str(values["source"]), str(values["source"]))
    return TEMPLATES[lang][reason.code].format(**values)


def _join(items: list[str], lang: str) -> str:
    if lang == "ru" and len(items) > 1:
        return ", ".join(items[:-1]) + " и " + items[-1]
    return ", ".join(items)


def sentence(regime: str, reasons: list[Reason], lang: str = DEFAULT) -> str:
    """«38-ФЗ: найдены пометка «реклама» (на экране, 0:12) и рекламодатель (Skyeng); нет токена erid»."""
    lang = language(lang)
    words = _WORDS[lang]
    found = [r for r in reasons if r.found]
    missing = [phrase(r, lang) for r in reasons if not r.found]
    if not found:
        head = words["nothing"]
    elif lang == "ru":
        verb = "найдены" if len(found) > 1 else _RU_FOUND[RU_GENDER[found[0].code]]
        head = f"{verb} {_join([phrase(r, lang) for r in found], lang)}"
    else:
        head = f"{words['found']} {_join([phrase(r, lang) for r in found], lang)}"
    tail = f"; {words['missing']} {_join(missing, lang)}" if missing else f"; {words['all']}"
    return f"{REGIME_NAMES[lang].get(regime, regime)}: {head}{tail}"


@dataclass(frozen=True)
class RuleText:
    regime: str
    satisfied: bool
    found: list[str]
    missing: list[str]


@dataclass(frozen=True)
class Explanation:
    """A disclosure's why in one language: the deciding sentence and each regime's found and missing phrases."""

    lang: str
    text: str
    rules: list[RuleText]

    def as_dict(self) -> dict[str, Any]:
        return {"lang": self.lang, "text": self.text,
                "rules": [{"regime": r.regime, "satisfied": r.satisfied, "found": r.found, "missing": r.missing}
                          for r in self.rules]}


def _coded(rule: RuleResult) -> bool:
    # A stored rule whose strings are not ours got no codes on load: show its strings as stored.
    return bool(rule.reasons) or not (rule.found or rule.missing)


def rule_text(rule: RuleResult, lang: str = DEFAULT) -> RuleText:
    lang = language(lang)
    regime = REGIME_NAMES[lang].get(rule.regime, rule.regime)
    if not _coded(rule):
        return RuleText(regime, rule.satisfied, list(rule.found), list(rule.missing))
    return RuleText(regime, rule.satisfied, [phrase(r, lang) for r in rule.reasons if r.found],
                    [phrase(r, lang) for r in rule.reasons if not r.found])


def why(disclosure: Disclosure, lang: str = DEFAULT) -> str:
    """The one-line reason of the verdict; an old report whose strings could not be read keeps its English line."""
    rule = disclosure.deciding
    if rule is None or not _coded(rule):
        return disclosure.deciding_rule
    return sentence(rule.regime, rule.reasons, lang)


def explain(disclosure: Disclosure, lang: str = DEFAULT) -> Explanation:
    lang = language(lang)
    return Explanation(lang, why(disclosure, lang), [rule_text(r, lang) for r in disclosure.rules])


def explain_stored(data: dict[str, Any], lang: str = DEFAULT) -> Explanation:
    """The why of a disclosure as stored (JSON), for pages and API answers: one that does not load any more (a
    hand-edited or foreign report) is shown with its stored strings rather than failing the page."""
    try:
        return explain(Disclosure.model_validate(data), lang)
    except ValidationError:
        rules = [RuleText(str(r.get("regime", "")), bool(r.get("satisfied")), list(r.get("found") or []),
                          list(r.get("missing") or [])) for r in data.get("rules") or [] if isinstance(r, dict)]
        return Explanation(language(lang), str(data.get("deciding_rule") or ""), rules)
