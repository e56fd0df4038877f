"""The ru/en catalogues and the choice of language."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from veritasad.web import i18n

WEB = Path(i18n.__file__).parent


def test_catalogues_have_the_same_keys_and_placeholders():
    en, ru = i18n.catalogue("en"), i18n.catalogue("ru")
    assert set(en) == set(ru)
    for key in en:
        assert re.findall(r"{(\w+)}", en[key]) == re.findall(r"{(\w+)}", ru[key]) or sorted(
            re.findall(r"{(\w+)}", en[key])
        ) == sorted(re.findall(r"{(\w+)}", ru[key])), key


def test_every_key_the_templates_use_exists():
    used = set()
    for template in (WEB / "templates").glob("*.html"):
        used |= set(re.findall(r"t\('([\w.]+)'\)", template.read_text()))
        used |= set(re.findall(r"t\('([\w.]+)',", template.read_text()))
    missing = used - set(i18n.catalogue("en"))
    assert not missing


def test_catalogues_are_valid_json_without_duplicates():
    for lang in i18n.SUPPORTED:
        pairs = json.loads((WEB / "locales" / f"{lang}.json").read_text(), object_pairs_hook=lambda p: p)
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), lang


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, "ru-RU,ru;q=0.9,en-US;q=0.8", "ru"),
        (None, "en-US,en;q=0.9,ru;q=0.8", "en"),
        (None, "de-DE, fr;q=0.9, ru;q=0.5", "ru"),
        (None, "ru;q=0, en", "en"),
        (None, "uk, en;q=0.3, ru;q=0.7", "ru"),
        (None, None, "en"),
        (None, "", "en"),
        ("en", "ru", "en"),
        ("xx", "ru", "ru"),
    ],
)
def test_choose_language(cookie, header, expected):
    assert i18n.choose_language(cookie, header) == expected


def test_translate_formats_and_falls_back():
    assert i18n.translate("ru", "history.count", n=3) == "Найдено: 3"
    assert i18n.translate("ru", "no.such.key") == "no.such.key"
    i18n.add_messages({"en": {"extra.key": "Extra {x}"}})
    assert i18n.translate("ru", "extra.key", x=1) == "Extra 1"  # falls back to English
