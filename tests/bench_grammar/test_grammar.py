"""The grammar generator (bench/grammar): deterministic, split by family and advertiser with no leak, labels on
utterance boundaries, enough families, families worded differently from each other, hard negatives unlabelled."""

from __future__ import annotations

import itertools
import random
import re
from functools import lru_cache

import pytest

from bench import grammar, make_families
from bench.grammar import model, render
from bench.grammar.expand import Ctx
from bench.grammar.products import PRODUCTS
from bench.grammar.video import _advertiser_values

pytestmark = pytest.mark.engine_only
_AD = {"sponsor", "selfpromo", "interaction"}


@lru_cache(maxsize=1)
def _data() -> dict[str, list[dict]]:
    return make_families.build(seed=0, n=40, held_share=0.3)


def _videos() -> list[dict]:
    return [v for rows in _data().values() for v in rows]


def test_same_seed_same_output_other_seed_other_output():
    sp = grammar.split(seed=3)
    a = grammar.make_videos(5, "ru", sp.train_families, sp.train_advertisers, seed=11)
    b = grammar.make_videos(5, "ru", sp.train_families, sp.train_advertisers, seed=11)
    c = grammar.make_videos(5, "ru", sp.train_families, sp.train_advertisers, seed=12)
    assert a == b
    assert [v["transcript"] for v in a] != [v["transcript"] for v in c]
    assert grammar.split(seed=3) == sp and grammar.split(seed=4) != sp


def test_split_is_disjoint_and_stratified():
    sp = grammar.split(seed=0, held_share=0.3)
    assert not sp.train_families & sp.held_families
    assert not sp.train_advertisers & sp.held_advertisers
    assert sp.train_families | sp.held_families == {f.id for f in grammar.families()}
    for lang in model.LANGUAGES:
        for cat in model.CATEGORIES:
            ids = {f.id for f in grammar.families(lang, cat)}
            held = len(ids & sp.held_families)
            assert 1 <= held and abs(held - 0.3 * len(ids)) <= 1, (lang, cat, held, len(ids))
        names = {a.name for a in grammar.advertisers(lang)}
        assert abs(len(names & sp.held_advertisers) - 0.3 * len(names)) <= 2


def test_no_held_out_family_or_advertiser_in_train_rows_and_heldout_is_all_held():
    sp = grammar.split(seed=0, held_share=0.3)
    held_domains = {a.domain for lang in model.LANGUAGES for a in grammar.advertisers(lang)
                    if a.name in sp.held_advertisers}
    data = _data()
    for row in data["train"]:
        used = set(row["families"]) | {u["family"] for u in row["transcript"]} | {lab["family"] for lab in row["labels"]}
        assert not used & sp.held_families, row["video_id"]
        assert not {lab["advertiser"] for lab in row["labels"]} & sp.held_advertisers
        text = " ".join(u["text"].lower() for u in row["transcript"])
        assert not [d for d in held_domains if d in text], row["video_id"]
    for row in data["heldout"]:
        assert set(row["families"]) <= sp.held_families, row["video_id"]
        for lab in row["labels"]:
            assert lab["family"] in sp.held_families
            assert lab["advertiser"] is None or lab["advertiser"] in sp.held_advertisers
    sponsors = [lab for row in data["heldout"] for lab in row["labels"] if lab["category"] == "sponsor"]
    assert sponsors and all(lab["advertiser"] in sp.held_advertisers for lab in sponsors)


def test_labels_lie_on_utterance_boundaries_and_utterances_are_timed_like_speech():
    for row in _videos():
        tr = row["transcript"]
        assert row["source"] == "grammar" and row["language"] in ("en", "ru")
        starts = [u["start"] for u in tr]
        assert starts == sorted(starts)
        for u, nxt in itertools.pairwise(tr):
            assert u["end"] <= nxt["start"]
        for u in tr:
            assert 2.0 - 1e-6 <= u["end"] - u["start"] <= 8.0 + 1e-6 and u["text"].strip()
        assert tr[-1]["end"] <= row["duration"]
        for lab in row["labels"]:
            assert lab["category"] in _AD and lab["start"] < lab["end"]
            i = starts.index(lab["start"])
            j = [u["end"] for u in tr].index(lab["end"])
            assert i <= j and {u["family"] for u in tr[i:j + 1]} == {lab["family"]}
            assert lab["family"].split(".")[1] == lab["category"]
            assert (lab["advertiser"] is not None) == (lab["category"] == "sponsor")
        labelled = sorted((lab["start"], lab["end"]) for lab in row["labels"])
        for (_, end), (start, _) in itertools.pairwise(labelled):
            assert end < start


def test_videos_have_two_to_fifteen_minutes_of_speech_and_ads_in_varied_places():
    videos = _videos()
    assert all(100 <= v["duration"] <= 16 * 60 for v in videos)
    where = {"start": 0, "middle": 0, "end": 0}
    for v in videos:
        for lab in v["labels"]:
            pos = lab["start"] / v["duration"]
            where["start" if pos < 0.15 else "end" if pos > 0.8 else "middle"] += 1
    assert min(where.values()) >= 10, where
    counts = {len(v["labels"]) for v in videos}
    assert {0, 1, 2, 3} <= counts


def test_about_a_fifth_of_videos_have_no_ads_but_do_have_hard_negatives():
    videos = _videos()
    empty = [v for v in videos if not v["labels"]]
    assert 0.1 <= len(empty) / len(videos) <= 0.35
    for v in empty:
        assert any(f.split(".")[1] == "negative" for f in v["families"])
    for v in videos:
        if not any(f.split(".")[1] in _AD for f in v["families"]):
            assert v["labels"] == []


def test_family_and_advertiser_minima():
    for lang in model.LANGUAGES:
        n = {c: len(grammar.families(lang, c)) for c in model.CATEGORIES}
        assert n["sponsor"] >= 40 and n["selfpromo"] >= 8 and n["interaction"] >= 8 and n["negative"] >= 12, n
        assert n["topic"] >= 10, n
        advs = grammar.advertisers(lang)
        assert len(advs) >= 40 and len({a.name for a in advs}) == len(advs)
        assert len({a.domain for a in advs}) == len(advs)
        assert all(a.product in PRODUCTS[lang] and a.language == lang for a in advs)
        for f in grammar.families(lang):
            assert f.id.startswith(f"{lang}.{f.category}.")
            assert all(p in PRODUCTS[lang] for p in model.spec(f.id).products)


def _ctx(lang: str, rng: random.Random, asr: bool) -> Ctx:
    ctx = Ctx(language=lang, rng=rng, asr=asr)
    ctx.values.update(channel="Test Channel", handle="testchannel")
    return ctx


@pytest.mark.parametrize("lang", model.LANGUAGES)
def test_every_family_renders_in_both_styles_with_every_fitting_advertiser(lang):
    advs = grammar.advertisers(lang)
    for f in grammar.families(lang):
        products = model.spec(f.id).products
        for k, adv in enumerate(a for a in advs if not products or a.product in products):
            rng = random.Random(k)
            ctx = _ctx(lang, rng, asr=bool(k % 2))
            _advertiser_values(adv, ctx)
            if f.category == "topic":
                lines = [render.talk(f.id, ctx, []) for _ in range(3)]
            else:
                lines = render.segment(f.id, ctx)
            assert lines and all(line.strip() and "<" not in line and "{" not in line for line in lines), f.id


def _openings(family_id: str, lang: str, n: int = 40) -> set[tuple[str, ...]]:
    advs = grammar.advertisers(lang)
    products = model.spec(family_id).products
    fitting = [a for a in advs if not products or a.product in products]
    out = set()
    for k in range(n):
        rng = random.Random(f"{family_id}-{k}")
        ctx = _ctx(lang, rng, asr=False)
        adv = fitting[k % len(fitting)]
        _advertiser_values(adv, ctx)
        text = " ".join(render.segment(family_id, ctx)).lower().replace(adv.name.lower(), " brand ")
        out.add(tuple(re.findall(r"\w+", text)[:3]))
    return out


@pytest.mark.parametrize("lang", model.LANGUAGES)
@pytest.mark.parametrize("category", sorted(_AD | {"negative"}))
def test_families_open_with_different_words(lang, category):
    ids = sorted(f.id for f in grammar.families(lang, category))
    openings = {f: _openings(f, lang) for f in ids}
    for a, b in itertools.combinations(ids, 2):
        shared = openings[a] & openings[b]
        assert len(shared) <= 0.25 * min(len(openings[a]), len(openings[b])), (a, b, shared)


def test_asr_style_and_noise_appear_in_a_share_of_videos():
    videos = _videos()
    lower = [v for v in videos if all(u["text"] == u["text"].lower() and not re.search(r"[,!?«»]", u["text"])
                                      for u in v["transcript"])]
    assert 0.3 <= len(lower) / len(videos) <= 0.7
    spoken = " ".join(u["text"] for v in lower for u in v["transcript"])
    assert " dot " in spoken and " точка " in spoken
    assert re.search(r"\b(ten|\w+teen|\w+ty(?: \w+)?) percent\b", spoken)
    assert re.search(r"(десять|\w+дцать|сорок|\w+десят)(?: \w+)? процент", spoken)
    stems = "|".join(sorted({a.code.lower() for lang in model.LANGUAGES for a in grammar.advertisers(lang)}))
    numbers = "ten|fifteen|twenty|thirty|fifty|десять|пятнадцать|двадцать|тридцать|пятьдесят"
    assert re.search(rf"\b({stems}) ({numbers})\b", spoken)  # a promo code said with its number
    assert re.search(rf"\b({stems})(10|15|20|25|30|50)\b", spoken)  # and one run together


def test_output_does_not_depend_on_the_interpreter_hash_seed():
    import hashlib
    import os
    import subprocess
    import sys

    code = ("import json; from bench import grammar; sp = grammar.split(seed=1); "
            "print(json.dumps([grammar.make_videos(3, l, sp.held_families, sp.held_advertisers, seed=5) "
            "for l in ('en', 'ru')], ensure_ascii=False))")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    digests = set()
    for hash_seed in ("0", "123"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True,
                             check=True).stdout
        digests.add(hashlib.sha256(out.encode()).hexdigest())
    assert len(digests) == 1


def test_sponsor_reads_fit_their_advertisers_product_and_name_it():
    by_name = {a.name: a for lang in model.LANGUAGES for a in grammar.advertisers(lang)}
    named = total = 0
    for row in _videos():
        for lab in row["labels"]:
            if lab["category"] != "sponsor":
                continue
            adv = by_name[lab["advertiser"]]
            products = model.spec(lab["family"]).products
            assert adv.language == row["language"] and (not products or adv.product in products)
            text = " ".join(u["text"].lower() for u in row["transcript"] if lab["start"] <= u["start"] < lab["end"])
            total += 1
            named += adv.name.lower() in text or adv.domain.split(".")[0] in text or adv.code.lower() in text
    assert named / total > 0.8


def test_make_families_writes_the_three_files_and_prints_the_table(tmp_path, capsys):
    import json

    make_families.main(["--out", str(tmp_path), "--n", "3", "--seed", "2"])
    rows = {name: [json.loads(line) for line in (tmp_path / f"{name}.jsonl").read_text().splitlines()]
            for name in ("train", "heldout", "all")}
    assert all(len(r) == 6 for r in rows.values())
    ids = [row["video_id"] for r in rows.values() for row in r]
    assert len(ids) == len(set(ids))
    out = capsys.readouterr().out
    assert "| en | sponsor |" in out and "| train.jsonl | 6 |" in out and "trigrams" in out


def test_advertisers_are_not_the_seed_sets():
    from bench import seed_text

    seed_names = {b[0].lower() for b in seed_text.BRANDS} | {b[1].split(".")[0].lower() for b in seed_text.BRANDS}
    for lang in model.LANGUAGES:
        for adv in grammar.advertisers(lang):
            assert adv.name.lower() not in seed_names and adv.domain.split(".")[0] not in seed_names, adv


@pytest.mark.parametrize("lang", model.LANGUAGES)
def test_every_family_has_many_renderings(lang):
    advs = grammar.advertisers(lang)
    for f in grammar.families(lang):
        products = model.spec(f.id).products
        fitting = [a for a in advs if not products or a.product in products]
        texts = set()
        for k in range(40):
            ctx = _ctx(lang, random.Random(k), asr=False)
            adv = fitting[k % len(fitting)]
            _advertiser_values(adv, ctx)
            lines = [render.talk(f.id, ctx, []) for _ in range(2)] if f.category == "topic" else \
                render.segment(f.id, ctx)
            texts.add(" ".join(lines).replace(adv.name, "BRAND"))
        assert len(texts) >= 8, (f.id, len(texts))
