"""Cues read from ASR-bent words (text/fuzzy.py through signals.find_signals).

The bent forms are Whisper base's own output on espeak-ng Russian and English (bench/bent_speech.py); the lookalikes
are ordinary words close to a cue, which must stay ordinary.
"""

from __future__ import annotations

import dataclasses

import pytest

from veritasad.analysis.engine.text import fuzzy
from veritasad.analysis.engine.text.signals import TextSignal, find_brands, find_exact_signals, find_signals

pytestmark = pytest.mark.engine_only


def bent(text: str) -> list[TextSignal]:
    return [s for s in find_signals(text) if s.confidence < 1.0]


@pytest.mark.parametrize(
    ("heard", "kind", "value", "as_heard"),
    [
        ("Виклама. Вставка продукта материнца 2 минут.", "label_ru", "реклама", "Виклама"),
        ("Сидь осуги, триклама и интеграции.", "label_ru", "реклама", "триклама"),
        ("Промокот висадас кидку бы первым оказ.", "promo_code", "ВИСАДАС", "Промокот висадас"),
        ("Спонсор и пускам анкмас ток.", "sponsor", "спонсор выпуска", "Спонсор и пускам"),
        ("Спонсор этаром выпуска. Компан yere маска.", "sponsor", "спонсор этого выпуска", "Спонсор этаром выпуска"),
        ("реклама интибрация а шпонсор", "sponsor", "рекламная интеграция", "реклама интибрация"),
        ("наш спансор онлайн школа", "sponsor", "наш спонсор", "наш спансор"),
        ("спасибо за просмотр подпишывайтись", "interaction", "подписывайтесь", "подпишывайтись"),
        ("this video is sponsered by nord vpn", "label_en", "sponsored", "sponsered"),
        ("use promo cold tech for a discount", "promo_code", "TECH", "promo cold tech"),
    ],
)
def test_bent_cue_has_the_kind_and_value_of_a_clean_one(heard: str, kind: str, value: str, as_heard: str) -> None:
    found = [s for s in bent(heard) if s.kind == kind]
    assert found, find_signals(heard)
    s = found[0]
    assert (s.value, s.text) == (value, as_heard)
    assert 0.5 <= s.confidence < 1.0
    assert heard[s.pos:].startswith(s.text) or s.kind == "promo_code"  # a promo code's pos is the code's
    if s.kind == "promo_code":
        assert heard[s.pos:].lower().startswith(s.value.lower())


def test_clean_cue_is_unchanged_and_sure() -> None:
    text = "Реклама. Спонсор этого выпуска Skyeng, промокод SKY50 даёт скидку. Подписывайтесь!"
    assert find_signals(text) == find_exact_signals(text)
    assert all(s.confidence == 1.0 for s in find_signals(text))


def test_bent_cue_already_found_exactly_is_not_doubled() -> None:
    # «прома код лето»: the exact pattern reads "код лето" already; the repaired «промокод лето» adds nothing.
    found = [s for s in find_signals("прома код лето") if s.kind == "promo_code"]
    assert [s.value for s in found] == ["ЛЕТО"]


@pytest.mark.parametrize(
    "text",
    [
        "Мы получили рекламацию от покупателя.",  # starts like «реклама»: left to the exact patterns
        "в этой рекламе снялся известный актёр",
        "Программа конференции уже на сайте.",
        "Сенсор на телефоне сломался.",
        "Друзья, помогать друг другу важно, а вчера мы промокли под дождём.",  # «помогать» is one edit from промокод
        "Скидывайте фотографии в общий чат.",
        "В театре мы сидели в партере, а выписка из банка пришла вчера.",
        "я подписал договор и отписываюсь от рассылки",
        "We put the spoons in the drawer and I subscribed to a magazine.",
        "The viscount miscounted the sponsors at the dinner.",
        "Подберётесь поближе, и подпилите ветку.",
    ],
)
def test_ordinary_words_near_a_cue_stay_ordinary(text: str) -> None:
    assert bent(text) == []


def test_brand_after_a_bent_cue() -> None:
    [brand] = find_brands("спансор выпуска Skyeng, ссылка в описании")
    assert (brand.value, brand.text) == ("Skyeng", "спансор выпуска Skyeng") and brand.confidence < 1.0
    assert [b.value for b in find_brands("Спонсор этого выпуска — Skyeng")] == ["Skyeng"]  # clean: found once


def test_real_words_within_the_threshold_are_guarded() -> None:
    # «помогать» is one edit from «промокод» on the sound key: only the ordinary-word list keeps it out.
    assert fuzzy.sound_key("помогать") == "памакат" and fuzzy.sound_key("промокод") == "прамакат"
    assert "помогать" in fuzzy.ORDINARY
    assert fuzzy.match_word("помогать") is None
    assert fuzzy.match_word("промокот").canonical == "промокод"


def test_sound_key_folds_the_bends_asr_makes() -> None:
    assert fuzzy.sound_key("спансор") == fuzzy.sound_key("спонсор")  # unstressed о heard as а
    assert fuzzy.sound_key("промокот") == fuzzy.sound_key("промокод")  # final consonant devoiced
    assert fuzzy.sound_key("скитка") == fuzzy.sound_key("скидка")
    assert fuzzy.sound_key("Sponsored") == "sponsored"  # English keeps its letters


def test_threshold_grows_with_length() -> None:
    assert [fuzzy.max_distance(n) for n in (4, 6, 7, 11, 12, 16)] == [0, 0, 1, 1, 2, 2]
    assert fuzzy.match_word("скитка").canonical == "скидка"  # same key: allowed at six letters
    assert fuzzy.match_word("сетка") is None  # one edit at six letters: another word
    assert fuzzy.match_word("кидку") is None  # Whisper's «кидку» for «скидку» is one edit too: missed, knowingly


def test_repair_maps_spans_back_to_the_heard_text() -> None:
    heard = "ну спонсор и пускам банк, а виклама тут"
    repaired = fuzzy.repair(heard)
    assert repaired.text == "ну спонсор выпуска банк, а реклама тут"
    start = repaired.text.index("банк")
    assert repaired.to_original(start, start + 4) is None  # nothing bent there
    assert repaired.position(start) == heard.index("банк")
    start = repaired.text.index("реклама")
    o_start, o_end, confidence = repaired.to_original(start, start + len("реклама"))
    assert heard[o_start:o_end] == "виклама" and confidence < 1.0
    assert fuzzy.repair("Сегодня готовим простую пасту с томатами.") is None


def test_text_signal_stays_backward_compatible() -> None:
    s = TextSignal("label_ru", "Реклама", "реклама", 0)
    assert s.confidence == 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.confidence = 0.5  # type: ignore[misc]
