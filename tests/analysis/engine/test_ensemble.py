"""The combination of classifier and signals: strong evidence is never outvoted, and each part can be run alone."""

from __future__ import annotations

import numpy as np
import pytest

from veritasad.analysis.engine.segments import find_segments
from veritasad.analysis.engine.text import classifier as clf
from veritasad.analysis.engine.text.dataset import CLASSES, SEED_FILE, load_jsonl
from veritasad.analysis.engine.text.ensemble import FLOOR_MIN, Combiner, apply_floors, strong_flags
from veritasad.analysis.engine.text.rules import STRONG_KINDS, strong_evidence
from veritasad.analysis.engine.text.signals import count_signals
from veritasad.analysis.engine.types import Utterance

pytestmark = pytest.mark.engine_only


def timed(lines: list[str], each: float = 5.0) -> list[Utterance]:
    return [Utterance(start=i * each, end=i * each + each - 0.3, text=t) for i, t in enumerate(lines)]


@pytest.fixture(scope="module")
def small_model() -> clf.AdClassifier:
    return clf.fit(load_jsonl(SEED_FILE)[:40], folds=2, representation="tfidf")


def test_strong_kinds_are_found_in_plain_wording() -> None:
    assert "promo_code" in strong_evidence(count_signals("use the code BOX60 at the checkout"))
    assert "discount_with_link" in strong_evidence(count_signals("sixty percent off at crumbly dot com"))
    assert "label_ru" in strong_evidence(count_signals("Реклама. ООО «Ромашка»"))
    assert "erid" in strong_evidence(count_signals("erid: 2VtzqxABC12"))
    assert strong_evidence(count_signals("we went to the market and bought some fish")) == set()


def test_floor_lifts_an_utterance_the_classifier_calls_plain_talk() -> None:
    confident_none = np.array([[0.99, 0.005, 0.003, 0.002], [0.99, 0.005, 0.003, 0.002]])
    flags = strong_flags([count_signals("use code CRUMB60 for sixty percent off"), count_signals("nice weather")])
    lifted = apply_floors(confident_none, flags, {k: FLOOR_MIN for k in STRONG_KINDS})
    assert 1 - lifted[0, 0] == pytest.approx(FLOOR_MIN)
    assert CLASSES[int(np.argmax(lifted[0, 1:])) + 1] == "sponsor"
    assert np.allclose(lifted[1], confident_none[1]), "no strong evidence: nothing changes"
    assert np.allclose(lifted.sum(axis=1), 1.0)


def test_combiner_floors_come_from_training_and_never_drop_below_the_minimum() -> None:
    flags = np.zeros((40, len(STRONG_KINDS)), dtype=np.float32)
    flags[:20, STRONG_KINDS.index("promo_code")] = 1  # 19 of 20 promo-code utterances were ads
    labels = ["sponsor"] * 19 + ["none"] * 21
    p = np.tile([0.25, 0.25, 0.25, 0.25], (40, 1))
    combiner = Combiner().fit(p, p, flags, np.zeros(40), labels)
    assert combiner.floors["promo_code"] == pytest.approx(20 / 22)
    assert combiner.floors["erid"] == FLOOR_MIN  # never seen: the minimum


def test_the_textbook_mid_roll_read_is_found_whatever_its_wording() -> None:
    """The read the first engine missed: no "sponsored by", just a brand, a code, a domain and an offer."""
    talk = ["so that was the first half of the build", "the case fits the radiator with room to spare",
            "now before we put the glass panel back on", "and the cables are all routed behind the tray",
            "after that we will boot it up and see the temperatures"]
    read = ["a quick word about crumbly", "crumbly sends you three fresh recipes every week",
            "use the code CRUMB60 at crumbly dot com for sixty percent off your first box"]
    segs = find_segments(timed(talk[:3] + read + talk[3:]), [], 45.0, "en", clf.load())
    assert [s.kind for s in segs] == ["sponsor"]
    assert segs[0].advertiser.promo_codes == ["CRUMB60"]
    assert segs[0].start <= 20.0 and segs[0].end >= 29.0


def test_each_part_can_run_alone() -> None:
    lines = ["we cooked pasta with tomatoes", "the sauce needs twenty minutes", "now add the basil",
             "this video is sponsored by nordvpn", "then we grate some cheese", "and it is ready to serve"]
    model = clf.load()
    for mode in ("classifier", "signals", "combined"):
        p = model.with_mode(mode).predict_proba(timed(lines), 30.0)
        assert p.shape == (len(lines), len(CLASSES)) and np.allclose(p.sum(axis=1), 1.0)
    ad = 1 - model.predict_proba(timed(lines), 30.0)[:, 0]
    assert ad[3] >= FLOOR_MIN > max(ad[0], ad[1])


def test_brand_echo_marks_the_read_that_names_the_brand_of_a_nearby_link_or_code() -> None:
    from veritasad.analysis.engine.text.echo import echoes

    lines = ["we sanded the shelf twice", "Everyone on our team uses Corewell Fit.", "It builds a plan for you.",
             "Start your plan at corewell fit dot com.", "И снова с нами Зарядка.", "По промокоду ZARYAD30 неделя."]
    assert echoes(timed(lines)).tolist() == [0, 1, 0, 1, 1, 1]
    far = [Utterance(start=0, end=3, text="Corewell Fit is great"), Utterance(start=200, end=203, text="corewellfit.com")]
    assert echoes(far).tolist() == [0, 1], "a mention minutes away belongs to another part of the video"


@pytest.mark.parametrize("text", ["This video is not sponsored, I paid for everything myself.",
                                  "Это не реклама, я сам его купил.", "I used a promo code once and it failed.",
                                  "The code compiles on the first try.", "однажды я оформил пробный период кодвиль"])
def test_denials_and_plain_words_are_not_strong_evidence(text: str) -> None:
    assert strong_evidence(count_signals(text)) == set()


@pytest.mark.parametrize("text", ["use the code forkful at checkout", "вводите промокод лето при заказе",
                                  "sixty percent off at crumbly dot com", "пятьдесят процентов скидки на skillbox.ru"])
def test_plain_word_codes_after_use_code_and_spoken_percentages_count(text: str) -> None:
    assert strong_evidence(count_signals(text)) & {"promo_code", "discount_with_link"}


@pytest.mark.slow
def test_the_sentence_encoder_carries_ads_across_languages() -> None:
    """Trained on English only, the encoder's classifier still tells a Russian ad read from Russian talk."""
    english = [v for v in load_jsonl(SEED_FILE) if v.language == "en"][:30]
    model = clf.fit(english, representation="use", folds=2).with_mode("classifier")
    talk = timed(["Сегодня готовим простую пасту с томатами.", "Разогреваем в сковороде оливковое масло.",
                  "Спонсор этого выпуска — онлайн-школа английского, первый урок бесплатно по ссылке в описании.",
                  "Добавляем чеснок и солим по вкусу."])
    ad = 1 - model.predict_proba(talk, 20.0)[:, 0]
    assert ad[2] > 0.5 and ad[2] > max(ad[0], ad[1], ad[3]) + 0.2
