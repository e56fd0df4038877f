"""Text signals, Russian and English, written and spoken (ASR lower case, "dot com")."""

from __future__ import annotations

import pytest

from veritasad.analysis.engine.text.language import guess_language
from veritasad.analysis.engine.text.signals import (
    brand_from_domain,
    count_signals,
    find_brands,
    find_signals,
    normalise_spoken,
)


def kinds(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in find_signals(text):
        out.setdefault(s.kind, []).append(s.value)
    return out


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("This video is sponsored by NordVPN.", "sponsor", None),
        ("thanks to squarespace for sponsoring today's video", "sponsor", None),
        ("Спонсор этого выпуска — Skyeng.", "sponsor", None),
        ("Этот выпуск выходит при поддержке Тинькофф.", "sponsor", None),
        ("Use code LINUS at checkout", "promo_code", "LINUS"),
        ("use code linus", "promo_code", "LINUS"),
        ("по промокоду SKY50 скидка", "promo_code", "SKY50"),
        ("get 20% off your first order", "discount", None),
        ("скидка 30 процентов на первый заказ", "discount", None),
        ("the link is in the description", "link_hint", None),
        ("ссылка в описании", "link_hint", None),
        ("Go to nordvpn.com/linus", "url", "nordvpn.com"),
        ("head to squarespace dot com slash tech", "url", "squarespace.com"),
        ("заходите на скиллбокс skillbox точка ру", "url", "skillbox.ru"),
        ("https://www.ozon.ru/promo?x=1", "url", "ozon.ru"),
        ("Реклама. ООО «Ромашка»", "label_ru", None),
        ("#реклама", "label_ru", None),
        ("Партнёр выпуска — Kion", "partner_ru", None),
        ("erid: 2VtzqxABC12", "erid", "2VtzqxABC12"),
        ("https://ya.ru/?erid=LjN8KabcDEF", "erid", "LjN8KabcDEF"),
        ("ИНН 7701234567", "legal_entity", "7701234567"),
        ("ООО «Ромашка», erid 2Vtzq123456", "legal_entity", "Ромашка"),
        ("#ad", "label_en", None),
        ("Paid partnership with Audible", "label_en", None),
        ("hit the like button and subscribe", "interaction", None),
        ("ставьте лайк и подписывайтесь на канал", "interaction", None),
        ("my merch store is open", "selfpromo", None),
        ("больше разборов в моём телеграм-канале", "selfpromo", None),
        # Russian cues by stem, as ASR bends them: endings changed, words garbled between the cue words.
        ("спасибо за просмотр подписывайтеся", "interaction", None),
        ("подпишись на нас", "interaction", None),
        ("оставляйте свои вопросы в комментариях", "interaction", None),
        ("включите уведомления чтобы не пропустить", "interaction", None),
        ("поделитесь этим видео с друзьями", "interaction", None),
        ("у меня есть рассылка где я разбираю темы", "selfpromo", None),
        ("у меня вышла новая книга", "selfpromo", None),
        ("открыт набор на мой новый курс", "selfpromo", None),
        ("скидки в моём собственном магазине", "selfpromo", None),
        ("если хотите поддержать канал", "selfpromo", None),
        ("спонсоры канала получают ролики раньше", "selfpromo", None),
        ("click the link below to sign up", "cta", None),
        ("переходите по ссылке и регистрируйтесь", "cta", None),
    ],
)
def test_finds_signal(text: str, kind: str, value: str | None) -> None:
    found = kinds(text)
    assert kind in found, found
    if value is not None:
        assert value in found[kind]


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        (
            "write to hello@gmail.com if you have questions",
            "url",
        ),  # an e-mail address is not a sponsor's site
        ("the code below is the fix", "promo_code"),
        ("version 3.5 ships next week", "url"),
        ("рекламировать себя он не любит", "label_ru"),  # a word that starts like «реклама» is not the label
        ("это точка зрения автора", "url"),
        ("I wrote the code in Python", "promo_code"),
        ("бесплатная подписка на месяц", "interaction"),  # a subscription offer is not «подпишитесь»
        ("у меня есть вопрос к вам", "selfpromo"),
        ("я снял это видео с другом", "interaction"),
        ("при поддержке канала Дождь", "selfpromo"),  # a sponsor, not the channel's own promotion
    ],
)
def test_ignores_lookalikes(text: str, absent: str) -> None:
    assert absent not in kinds(text)


def test_ordinary_talk_has_no_ad_signals() -> None:
    assert find_signals("Today we are making a simple tomato pasta that takes about twenty minutes.") == []
    assert find_signals("Сегодня готовим простую пасту с томатами, это минут двадцать.") == []


def test_spoken_urls_are_written_out() -> None:
    assert normalise_spoken("nord vpn dot com slash linus") == "nord vpn.com/linus"
    assert normalise_spoken("скиллбокс точка ру") == "скиллбокс.ru"


@pytest.mark.parametrize(
    ("text", "brand"),
    [
        ("This video is sponsored by NordVPN.", "NordVPN"),
        ("Thanks to Brilliant Org for sponsoring", "Brilliant Org"),
        ("Спонсор этого выпуска — Skyeng, ссылка в описании", "Skyeng"),
        ("paid partnership with Squarespace", "Squarespace"),
        ("go to hellofresh.com and use code TECH", "Hellofresh"),
    ],
)
def test_brand_names(text: str, brand: str) -> None:
    assert brand in [b.value for b in find_brands(text)]


def test_no_brand_from_pronouns() -> None:
    assert find_brands("thanks to you for watching") == []


def test_brand_from_domain() -> None:
    assert brand_from_domain("go.nordvpn.net/linus") == "Nordvpn"
    assert brand_from_domain("www.ozon.ru") == "Ozon"


def test_language_guess() -> None:
    assert guess_language("Привет, сегодня готовим пасту") == "ru"
    assert guess_language("Hello everyone, today we cook pasta") == "en"
    assert guess_language("12:30") is None


@pytest.mark.parametrize("text", ["a lot of you asked so i finally made a course", "Come hang out in our Discord.",
                                  "Можно записаться ко мне на консультацию.", "Я наконец написал книгу."])
def test_plain_first_person_offers_are_self_promotion(text: str) -> None:
    assert count_signals(text).get("selfpromo")


def test_screen_badges_and_partner_material() -> None:
    assert count_signals("Ad").get("label_en") and count_signals("Ad · Acme").get("label_en")
    assert not count_signals("I saw an ad for it").get("label_en")
    assert count_signals("Партнёрский материал").get("partner_ru")
