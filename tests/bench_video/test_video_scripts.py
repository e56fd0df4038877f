"""The video benchmark's scripts (bench/_video_scripts.py): trimmed windows keep whole labels, overlays stay in the
styles the benchmark claims, and the true verdict follows the rules, not the engine."""

from __future__ import annotations

import random

import pytest

from bench import grammar
from bench._video_scripts import POSITIONS, build, trim, true_verdict
from bench.video_e2e import _grammar_rows
from veritasad.analysis.engine.text.dataset import Label, LabelledVideo, parse_video
from veritasad.analysis.engine.types import Utterance

pytestmark = pytest.mark.engine_only


def _held(lang: str, n: int = 25) -> list[dict]:
    split = grammar.split(seed=0)
    return grammar.make_videos(n, lang, split.held_families, split.held_advertisers, seed=3)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_trim_keeps_whole_labels_in_a_short_window(lang):
    for row in _held(lang):
        cut = trim(row, random.Random(row["video_id"]))
        assert cut["duration"] <= 250
        starts = {u["start"] for u in cut["transcript"]}
        ends = {u["end"] for u in cut["transcript"]}
        assert all(x["start"] in starts and x["end"] in ends for x in cut["labels"])
        assert all(0 <= u["start"] < u["end"] <= cut["duration"] for u in cut["transcript"])
        if any(x["category"] == "sponsor" for x in row["labels"]):
            assert any(x["category"] == "sponsor" for x in cut["labels"])


def test_selection_balances_languages_and_no_ad_videos():
    rows = _grammar_rows(6, 2, seed=7)
    assert sorted(r["language"] for r, _ in rows) == ["en"] * 3 + ["ru"] * 3
    assert sum(not r["labels"] for r, _ in rows) == 2
    assert all(any(x["category"] == "sponsor" for x in r["labels"]) for r, _ in rows if r["labels"])


def test_build_styles_and_qr_placement():
    for row, sponsors in _grammar_rows(6, 0, seed=7):
        video = parse_video(row)
        script, truth = build(video, random.Random(video.video_id), sponsors)
        assert (script.width, script.height) == (1280, 720)
        assert (script, truth) == build(video, random.Random(video.video_id), sponsors)  # seeded
        labels = [o for o in script.overlays[1:] if o.text]
        assert all(26 <= o.fontsize <= 40 and o.position in POSITIONS for o in labels)
        assert all(o.box or o.outline for o in labels)
        for t in truth:
            if t.qr and t.text:
                label = next(o for o in labels if o.start == t.label.start)
                assert label.position != "top-right"
            if t.treatment == "full":
                assert t.advertiser in t.text


def _video(lang: str, said: str = "", at: float = 30.0) -> LabelledVideo:
    utts = [Utterance(start=at, end=at + 4, text=said or "just talk"), Utterance(start=at + 5, end=at + 9, text="more")]
    return LabelledVideo("v", lang, 120.0, utts, [Label(30.0, 45.0, "sponsor")])


def test_true_verdict_follows_the_rules():
    label = Label(30.0, 45.0, "sponsor")
    assert true_verdict(_video("ru"), label, "full") == "disclosed"
    assert true_verdict(_video("ru"), label, "label") == "partially_disclosed"
    assert true_verdict(_video("ru"), label, "none") == "undisclosed"
    assert true_verdict(_video("ru", "это реклама"), label, "none") == "partially_disclosed"
    assert true_verdict(_video("en"), label, "label") == "disclosed"
    assert true_verdict(_video("en"), label, "none") == "undisclosed"
    assert true_verdict(_video("en", "this video is sponsored by X"), label, "none") == "disclosed"
    assert true_verdict(_video("en", "thanks to our sponsor", at=40.0), Label(20.0, 45.0, "sponsor"),
                        "none") == "partially_disclosed"
