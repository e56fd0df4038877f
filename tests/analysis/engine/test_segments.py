"""From transcripts and screen text to ad segments: classifier and rule paths, boundaries, screen-only ads, advertiser."""

from __future__ import annotations

import pytest

from veritasad.analysis.engine.segments import find_segments, split_long
from veritasad.analysis.engine.text import classifier as clf
from veritasad.analysis.engine.types import ScreenText, Utterance, Word

EN_TALK = [
    "Today we are making a simple tomato pasta that takes about twenty minutes.",
    "Start by heating a generous amount of olive oil in a wide pan.",
    "Add the garlic and let it sizzle gently, you do not want it to brown.",
    "Now the tomatoes go in, and we crush them with the back of a spoon.",
    "Season with salt, a pinch of sugar, and some chili flakes if you like heat.",
    "Finish with fresh basil and a good handful of grated parmesan.",
]
EN_AD = [
    "This video is sponsored by HelloFresh.",
    "HelloFresh delivers meal kits with fresh ingredients right to your door.",
    "Go to hellofresh.com and use code PASTA50 to get fifty percent off your first box.",
]
RU_TALK = [
    "Сегодня готовим простую пасту с томатами, это минут двадцать.",
    "Разогреваем в широкой сковороде побольше оливкового масла.",
    "Добавляем чеснок и даём ему слегка пошкворчать, но не подгореть.",
    "Теперь отправляем помидоры и разминаем их ложкой.",
    "Солим, добавляем щепотку сахара и немного перца чили.",
    "В конце добавляем свежий базилик и тёртый пармезан.",
]


def timed(lines: list[str], start: float = 0.0, each: float = 5.0) -> list[Utterance]:
    return [Utterance(start=start + i * each, end=start + i * each + each - 0.3, text=t) for i, t in enumerate(lines)]


@pytest.fixture(scope="module")
def model() -> clf.AdClassifier:
    return clf.load()


def test_classifier_finds_a_sponsor_read_in_the_middle(model: clf.AdClassifier) -> None:
    utterances = timed(EN_TALK[:3] + EN_AD + EN_TALK[3:])
    segs = find_segments(utterances, [], 60.0, "en", model)
    assert len(segs) == 1
    s = segs[0]
    assert (s.kind, s.decided_by) == ("sponsor", "classifier")
    assert s.start == pytest.approx(15.0) and s.end == pytest.approx(29.7)
    assert s.advertiser.name == "HelloFresh"
    assert s.advertiser.domains == ["hellofresh.com"]
    assert s.advertiser.promo_codes == ["PASTA50"]
    types = {e.type for e in s.evidence}
    assert {"speech", "link", "promo_code"} <= types
    assert 0.5 < s.confidence <= 1.0


def test_no_ads_in_plain_talk(model: clf.AdClassifier) -> None:
    assert find_segments(timed(EN_TALK), [], 30.0, "en", model) == []
    assert find_segments(timed(RU_TALK), [], 30.0, "ru", model) == []


def test_interaction_and_selfpromo(model: clf.AdClassifier) -> None:
    lines = EN_TALK + ["My new merch just dropped, hoodies and mugs are in the store, link below.",
                       "If you enjoyed this, please hit the like button and subscribe."]
    segs = find_segments(timed(lines), [], 40.0, "en", model)
    assert [s.kind for s in segs] == ["selfpromo", "interaction"]


def test_language_the_model_never_saw_goes_to_the_rules(model: clf.AdClassifier) -> None:
    # German is not in the training data: the rules decide, from language-independent cues (code, domain, link).
    lines = ["Heute kochen wir Nudeln mit Tomaten.", "Das dauert ungefähr zwanzig Minuten.",
             "This video is sponsored by HelloFresh.",
             "Geht auf hellofresh.de und nutzt den code PASTA für zwanzig Prozent.",
             "Jetzt kommen die Tomaten in die Pfanne.", "Mit Salz und Pfeffer würzen."]
    segs = find_segments(timed(lines), [], 30.0, "de", model)
    assert len(segs) == 1 and segs[0].decided_by == "rules" and segs[0].kind == "sponsor"
    assert segs[0].advertiser.promo_codes == ["PASTA"]


def test_rules_path_on_russian_without_a_model() -> None:
    lines = RU_TALK[:3] + ["Спонсор этого выпуска — Skyeng.", "Это онлайн-школа английского с личным преподавателем.",
                           "Переходите по ссылке в описании и вводите промокод PASTA, скидка 20 процентов."] + RU_TALK[3:]
    segs = find_segments(timed(lines), [], 60.0, "ru", None)
    assert len(segs) == 1
    s = segs[0]
    assert (s.kind, s.decided_by, s.start) == ("sponsor", "rules", 15.0)
    assert s.advertiser.name == "Skyeng" and s.advertiser.promo_codes == ["PASTA"]


def test_screen_label_pulls_an_unclear_read_in(model: clf.AdClassifier) -> None:
    # Spoken: product talk without any cue. On screen: the 38-FZ label and an erid over the same span.
    lines = RU_TALK[:3] + ["Кстати, я уже несколько месяцев пользуюсь одним сервисом доставки."] + RU_TALK[3:]
    utterances = timed(lines)
    screen = [ScreenText(start=15.0, end=20.0, text="Реклама. ООО «Доставка». erid: 2VtzqxABC12", source="ocr")]
    without = find_segments(utterances, [], 40.0, "ru", model)
    with_label = find_segments(utterances, screen, 40.0, "ru", model)
    assert without == [] or without[0].confidence < with_label[0].confidence
    assert len(with_label) == 1 and with_label[0].start == 15.0
    assert any(e.type == "ocr" for e in with_label[0].evidence)
    assert with_label[0].advertiser.name == "Доставка"


def test_screen_only_ad_when_there_is_no_speech(model: clf.AdClassifier) -> None:
    screen = [ScreenText(start=10.0, end=16.0, text="Реклама. ООО «Ромашка». erid: 2VtzqxABC12", source="ocr"),
              ScreenText(start=12.0, end=16.0, text="https://romashka.ru/promo", source="qr"),
              ScreenText(start=30.0, end=34.0, text="Кулинарный блог", source="ocr")]
    segs = find_segments([], screen, 40.0, None, model)
    assert len(segs) == 1
    s = segs[0]
    assert (s.start, s.end, s.kind, s.decided_by) == (10.0, 16.0, "sponsor", "rules")
    assert "romashka.ru" in s.advertiser.domains
    assert s.advertiser.urls == ["https://romashka.ru/promo"]
    assert {"ocr", "qr", "disclosure"} <= {e.type for e in s.evidence}


def test_long_asr_segments_are_cut_at_sentences() -> None:
    words = [Word(start=i * 0.5, end=i * 0.5 + 0.4, text=(" " + w)) for i, w in enumerate(
        ("one two three four five six seven eight nine ten. " * 4).split())]
    long = Utterance(start=0.0, end=words[-1].end, text=" ".join(w.text for w in words), words=words)
    parts = split_long([long])
    assert len(parts) == 4
    assert parts[0].text.endswith("ten.") and parts[1].start == pytest.approx(5.0)
    assert split_long([Utterance(start=0, end=5, text="short")])[0].text == "short"
