"""The ad classifier, its training script and data loading, and the eval metrics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import sklearn

from veritasad.analysis.engine import evaluate
from veritasad.analysis.engine.text import classifier as clf
from veritasad.analysis.engine.text import train
from veritasad.analysis.engine.text.dataset import (
    CLASSES,
    HELDOUT_FILE,
    SEED_FILE,
    Label,
    load_jsonl,
    parse_video,
    utterance_labels,
)
from veritasad.analysis.engine.types import Utterance


def u(start: float, end: float, text: str) -> Utterance:
    return Utterance(start=start, end=end, text=text)


@pytest.fixture(scope="module")
def small_model() -> clf.AdClassifier:
    return clf.fit(load_jsonl(SEED_FILE)[:40], representation="tfidf")


def test_seed_set_is_big_and_varied() -> None:
    dev, held = load_jsonl(SEED_FILE), load_jsonl(HELDOUT_FILE)
    assert len(dev) >= 80 and len(held) >= 30
    for split in (dev, held):
        assert {v.language for v in split} == {"en", "ru"}
        cats = {lab.category for v in split for lab in v.labels}
        assert cats == {"sponsor", "selfpromo", "interaction"}
        assert any(not v.labels for v in split), "some videos must have no ads"
    assert not {v.video_id for v in dev} & {v.video_id for v in held}


def test_utterance_labels_follow_overlap() -> None:
    video = parse_video(
        {
            "video_id": "x",
            "language": "en",
            "duration": 30,
            "transcript": [
                {"start": 0, "end": 5, "text": "a"},
                {"start": 5, "end": 10, "text": "b"},
                {"start": 10, "end": 20, "text": "c"},
            ],
            "labels": [
                {"start": 4, "end": 14, "category": "sponsor"},
                {"start": 0, "end": 1, "category": "intro"},
            ],
        }
    )
    # "a" overlaps the ad by 1 of 5 s, "b" fully, "c" by 4 of 10 s; intro is not an ad class.
    assert utterance_labels(video) == ["none", "sponsor", "none"]


TALK = [
    "So the first thing you notice is how light this laptop is.",
    "The screen is bright enough to use outside on a sunny day.",
    "I ran the usual benchmarks and the results surprised me.",
    "Anyway, the battery lasted eleven hours in my tests.",
    "The keyboard is fine but the trackpad could be bigger.",
]
AD = [
    "This video is sponsored by Surfshark, a VPN for all your devices.",
    "Go to surfshark dot deals slash tech and use code TECH for 80 percent off.",
]


def test_classifier_separates_ad_reads_from_talk() -> None:
    lines = TALK[:3] + AD + TALK[3:]
    talk = [u(4 * i, 4 * i + 4, t) for i, t in enumerate(lines)]
    p = clf.load().predict_proba(talk, duration=4 * len(lines))
    assert p.shape == (len(lines), len(CLASSES))
    assert np.allclose(p.sum(axis=1), 1.0)
    ad = 1 - p[:, 0]
    assert ad[3] > 0.5 and ad[4] > 0.5
    assert CLASSES[int(np.argmax(p[4]))] == "sponsor"
    assert ad[0] < 0.5 and ad[1] < 0.5 and ad[6] < 0.5  # talk away from the read's edges


def test_classifier_reads_russian(small_model: clf.AdClassifier) -> None:
    talk = [
        u(0, 4, "Сегодня готовим пасту с томатами."),
        u(4, 9, "Ставьте лайк и подписывайтесь на канал."),
        u(9, 14, "Добавляем чеснок и солим."),
    ]
    p = small_model.predict_proba(talk, duration=14)
    assert CLASSES[int(np.argmax(p[1]))] == "interaction"
    assert p[0, 0] > 0.5 and p[2, 0] > 0.5


def test_empty_transcript(small_model: clf.AdClassifier) -> None:
    assert small_model.predict_proba([], 0).shape == (0, len(CLASSES))


def test_committed_model_loads_offline_and_covers_both_languages() -> None:
    import joblib

    model = joblib.load(clf.MODEL_FILE)  # the committed file itself: load() would quietly retrain a stale one
    assert isinstance(model, clf.AdClassifier)
    assert model.sklearn_version.split(".")[:2] == sklearn.__version__.split(".")[:2]
    assert model.format == clf.FORMAT and model.representation.kind == clf.DEFAULT_REPRESENTATION
    assert model.covers("en") and model.covers("ru")
    assert not model.covers("de") and not model.covers(None)
    assert clf.MODEL_FILE.stat().st_size < 5 * 1024 * 1024


def _first_videos(tmp_path: Path, n: int) -> Path:
    data = tmp_path / "train.jsonl"
    rows = SEED_FILE.read_text(encoding="utf-8").splitlines()[:n]
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return data


def test_unreadable_model_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "broken.joblib"
    bad.write_bytes(b"not a pickle")
    small = _first_videos(tmp_path, 20)  # the fallback trains on the training files: a few keep the test fast
    monkeypatch.setattr(clf, "training_files", lambda: [small])
    model = clf.load(bad)
    assert isinstance(model, clf.AdClassifier) and sum(model.languages.values()) == 20


def test_train_script_writes_a_loadable_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _first_videos(tmp_path, 20)
    out = tmp_path / "model.joblib"
    train.main(["--data", str(data), "--out", str(out)])
    assert "trained on 20 videos" in capsys.readouterr().out
    model = clf.load(out)
    assert sum(model.languages.values()) == 20


def test_iou_and_segment_matching() -> None:
    assert evaluate.iou((0, 10), (5, 15)) == pytest.approx(5 / 15)
    truth = [Label(10, 40, "sponsor"), Label(100, 110, "interaction")]
    pred = [Label(12, 38, "sponsor"), Label(60, 70, "sponsor"), Label(100, 130, "interaction")]
    s = evaluate.segment_counts(truth, pred, "sponsor")
    assert (s.tp, s.fp, s.fn) == (1, 1, 0)
    i = evaluate.segment_counts(truth, pred, "interaction")  # IoU 10/30 < 0.5: a miss and a false alarm
    assert (i.tp, i.fp, i.fn) == (0, 1, 1)


def test_second_counts() -> None:
    c = evaluate.second_counts([Label(0, 10, "sponsor")], [Label(5, 15, "sponsor")], "sponsor", 20)
    assert (c.tp, c.fp, c.fn) == (5, 5, 5)
    assert c.precision == c.recall == c.f1 == pytest.approx(0.5)


def test_cross_validation_never_scores_training_videos(tmp_path: Path) -> None:
    videos = load_jsonl(SEED_FILE)[:10]
    folds = evaluate.folds(videos, 5)
    assert sorted(i for f in folds for i in f) == list(range(10))
    model, rules = evaluate.cross_validate(videos, k=2)
    seg = model.counts[("segment", "all", "all")]
    assert seg.tp + seg.fn == sum(len(v.labels) for v in videos)
    assert ("segment", "all", "all") in rules.counts


def test_eval_files_are_jsonl_in_the_shared_format() -> None:
    row = json.loads(SEED_FILE.read_text(encoding="utf-8").splitlines()[0])
    assert {"video_id", "language", "duration", "transcript", "labels", "source"} <= set(row)
