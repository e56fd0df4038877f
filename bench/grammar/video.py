"""Videos from families: topic talk with ad segments (sponsor, selfpromo, interaction) and hard negatives placed in
it, timed like speech (2–8 s an utterance), labelled in SponsorBlock's categories. Every video has its own seeded
random generator, so the output depends only on the arguments."""

from __future__ import annotations

import random
import re

from bench.grammar import model, render, style
from bench.grammar.expand import Ctx, transliterate
from bench.grammar.products import PRODUCTS

_RATE = {"en": (2.3, 3.0), "ru": (1.9, 2.5)}  # words a second
# Channel names are built from parts, so that a handle heard in self-promotion rarely recurs across videos.
_NAMES = {"en": ["Dana", "Mike", "Nora", "Pete", "Ben", "Lena", "Tom", "Amira", "Sam", "Jules", "Priya", "Marco", "Ivy",
                 "Theo", "Kat", "Raj", "Ollie", "Hana", "Leo", "Zoe"],
          "ru": ["Ромы", "Гоши", "Маши", "Дениса", "Оли", "Артёма", "Кирилла", "Лены", "Паши", "Насти", "Вити",
                 "Юли", "Саши", "Кати", "Димы", "Ани", "Феди", "Веры", "Глеба", "Сони"]}
_PATTERNS = {"en": ["{n} Builds", "{n} Explains", "{n} Cooks", "{n} Plays", "{n} on the Road", "{n} Makes Things",
                    "Ask {n}", "{n}'s Garage", "{n} Reviews", "The {n} Show", "{n} Talks Money", "{n} Lifts"],
             "ru": ["Кухня {n}", "Гараж {n}", "Мастерская {n}", "Игровая {n}", "Путешествия {n}", "Обзоры {n}",
                    "Финансы {n}", "Дача {n}", "Книжная полка {n}", "Код {n}", "Спорт {n}", "Вечера {n}"]}
_AD_MIX = [("sponsor", 0.62), ("selfpromo", 0.2), ("interaction", 0.18)]


def make_videos(n: int, language: str, family_ids: set[str], advertiser_names: set[str], seed: int) -> list[dict]:
    if language not in model.LANGUAGES:
        raise ValueError(f"language must be one of {model.LANGUAGES}, not {language!r}")
    pools = {c: sorted(f.id for f in model.families(language, c) if f.id in family_ids) for c in model.CATEGORIES}
    if not pools["topic"]:
        raise ValueError(f"no topic family for {language} among the given ids: a video needs talk")
    advs = sorted((a for a in model.advertisers(language) if a.name in advertiser_names), key=lambda a: a.name)
    return [_video(i, language, pools, advs, random.Random(f"grammar-{seed}-{language}-{i}"), seed)
            for i in range(n)]


def _video(i: int, language: str, pools: dict, advs: list, rng: random.Random, seed: int) -> dict:
    asr = rng.random() < 0.5
    ctx = Ctx(language=language, rng=rng, asr=asr, words_share=rng.uniform(0.2, 0.8))
    noisy = asr and rng.random() < 0.4
    rate = rng.uniform(*_RATE[language])
    target = rng.triangular(120, 900, 240)
    channel = rng.choice(_PATTERNS[language]).format(n=rng.choice(_NAMES[language]))
    ctx.values.update(channel=channel, handle=re.sub(r"\W", "", _latin(channel.lower())))
    topics = _topics(pools["topic"], target, rng)
    blocks = _plan(language, pools, advs, rng)
    intro, outro = _frame(pools, rng)
    # Talk first (one to three topics, one after another), then the blocks are put between its sentences.
    talk: list[tuple[str, str]] = []
    spoken = 0.0
    for n, topic in enumerate(topics):
        recent: list[str] = []
        while spoken < target * 0.85 * (n + 1) / len(topics):
            sentence = _marker(render.talk(topic, ctx, recent), language, rng)
            talk.append((topic, sentence))
            spoken += len(sentence.split()) / rate + 0.35
    slots = _positions(len(talk), [kind for kind, _, _ in blocks], rng)
    sequence: list[tuple[str, str | None, str | None, list[str]]] = []  # (family, category, advertiser, sentences)
    sequence += [(f, None, None, render.segment(f, ctx)) for f in intro]
    for k in range(len(talk) + 1):
        for (kind, family_id, adv), pos in zip(blocks, slots):
            if pos == k:
                sequence.append(_block(kind, family_id, adv, ctx))
        if k < len(talk):
            topic, sentence = talk[k]
            if sequence and sequence[-1][0] == topic:
                sequence[-1][3].append(sentence)
            else:
                sequence.append((topic, None, None, [sentence]))
    sequence += [(f, None, None, render.segment(f, ctx)) for f in outro]
    transcript, labels, used = _timeline(sequence, language, ctx, rate, noisy)
    return {"video_id": f"grammar-{seed}-{language}-{i:04d}", "language": language,
            "duration": round(transcript[-1]["end"] + rng.uniform(0.5, 3.0), 2), "transcript": transcript,
            "labels": labels, "source": "grammar", "families": used}


def _topics(pool: list[str], target: float, rng: random.Random) -> list[str]:
    """A short video keeps to one topic; a longer one may move on to a second or third (vlogs, podcasts)."""
    n = min(3, max(1, round(target / 260 + rng.uniform(-0.5, 0.5))))
    return rng.sample(pool, min(n, len(pool)))


def _plan(language: str, pools: dict, advs: list, rng: random.Random) -> list[tuple[str, str, object]]:
    """Which blocks a video gets, as (kind, family, advertiser): ~20% only hard negatives, the rest 1–3 ad segments
    and maybe a negative. A sponsor read's family must fit its advertiser's product."""
    ad_kinds = [(c, w) for c, w in _AD_MIX if pools[c] and (c != "sponsor" or advs)]
    blocks: list[tuple[str, str, object]] = []
    if ad_kinds and rng.random() >= 0.2:
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            kind = rng.choices([c for c, _ in ad_kinds], [w for _, w in ad_kinds])[0]
            if kind == "sponsor":
                family_id = rng.choice([f for f in pools[kind] if any(_fits(f, a) for a in advs)])
                blocks.append((kind, family_id, rng.choice([a for a in advs if _fits(family_id, a)])))
            else:
                blocks.append((kind, rng.choice(pools[kind]), rng.choice(advs) if advs else None))
        n_neg = rng.choice([0, 0, 1, 1, 2])
    else:
        n_neg = rng.choice([1, 2, 2, 3])
    negatives = [f for f in pools["negative"] if (advs or not _names_brand(f)) and not model.spec(f).where]
    for _ in range(n_neg if negatives else 0):
        blocks.append(("negative", rng.choice(negatives), rng.choice(advs) if advs else None))
    rng.shuffle(blocks)
    return blocks


def _frame(pools: dict, rng: random.Random) -> tuple[list[str], list[str]]:
    """The video's intro and outro families, if it has them (most do), from the placed negative families."""
    placed = {w: [f for f in pools["negative"] if model.spec(f).where == w] for w in ("start", "end")}
    intro = [rng.choice(placed["start"])] if placed["start"] and rng.random() < 0.65 else []
    outro = [rng.choice(placed["end"])] if placed["end"] and rng.random() < 0.55 else []
    return intro, outro


def _fits(family_id: str, adv) -> bool:
    products = model.spec(family_id).products
    return not products or adv.product in products


def _names_brand(family_id: str) -> bool:
    return any("<brand>" in t for templates in model.spec(family_id).slots.values() for t in templates)


_MARKERS = {"en": ["So, ", "And ", "Now, ", "Honestly, ", "Okay, ", "You know, ", "Anyway, ", "Right, ", "Also, "],
            "ru": ["Так, ", "И ", "Короче, ", "Честно, ", "Ну и ", "Кстати, ", "В общем, ", "Смотрите, ", "Вот, "]}
_KEEP_CASE = re.compile(r"^(I\b|I'|[A-ZА-ЯЁ]{2,}|[A-ZА-ЯЁ]\w*\s+[A-ZА-ЯЁ])")


def _marker(sentence: str, language: str, rng: random.Random) -> str:
    """Sometimes a discourse marker in front ("So, …", «Короче, …»), as people talk; names keep their case."""
    if rng.random() >= 0.15 or _KEEP_CASE.match(sentence):
        return sentence
    return rng.choice(_MARKERS[language]) + sentence[0].lower() + sentence[1:]


def _positions(n_talk: int, kinds: list[str], rng: random.Random) -> list[int]:
    """A gap in the talk for each block (0 = before the first sentence); no two blocks share a gap."""
    taken: set[int] = set()
    out = []
    for kind in kinds:
        where = rng.choices(["start", "middle", "end"], [0.3, 0.45, 0.25] if kind == "sponsor" else
                            [0.2, 0.3, 0.5] if kind in ("selfpromo", "interaction") else [0.15, 0.7, 0.15])[0]
        lo, hi = {"start": (0, min(3, n_talk)), "middle": (n_talk // 4, max(n_talk // 4, 3 * n_talk // 4)),
                  "end": (max(0, n_talk - 2), n_talk)}[where]
        free = [p for p in range(lo, hi + 1) if p not in taken] or [p for p in range(n_talk + 1) if p not in taken]
        pos = rng.choice(free) if free else n_talk
        taken.add(pos)
        out.append(pos)
    return out


def _block(kind: str, family_id: str, adv, ctx: Ctx):
    if adv is not None:
        _advertiser_values(adv, ctx)
    lines = render.segment(family_id, ctx)
    category = None if kind == "negative" else kind
    return family_id, category, (adv.name if kind == "sponsor" else None), lines


def _advertiser_values(adv, ctx: Ctx) -> None:
    rng = ctx.rng
    brand = adv.name
    if ctx.asr and ctx.language == "ru" and re.fullmatch(r"[A-Za-z ]+", brand) and rng.random() < 0.4:
        brand = transliterate(brand)
    ctx.values.update(PRODUCTS[ctx.language][adv.product])
    ctx.values.update(
        brand=brand, domain=adv.domain, legal=adv.legal or adv.name,
        code=adv.code + rng.choice(["", "", "10", "15", "20", "25", "30", "50"]),
        pct=rng.choice([10, 15, 20, 25, 30, 35, 40, 50, 60, 65, 70]), months=rng.choice([1, 2, 3, 3, 6]),
        days=rng.choice([7, 14, 30, 30]), count=rng.choice([2, 3, 4]), gems=rng.choice([100, 200, 500]),
        bonus=rng.choice([10, 20, 25, 50, 100] if ctx.language == "en" else [300, 500, 1000, 1500, 2000]),
        price=rng.choice([1, 2, 5] if ctx.language == "en" else [1, 99, 199]),
        erid=rng.choice(["2Vtzq", "LjN8K", "Kra23", "2SDnj", "CQH36"]) + "".join(
            rng.choice("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz") for _ in range(7)),
    )


_LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                  ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "h", "c", "ch", "sh", "sch", "", "y", "", "e", "yu", "ya"]))


def _latin(text: str) -> str:
    """A Russian channel name as a handle («Кухня Ромы» → kuhnyaromy)."""
    return "".join(_LATIN.get(c, c) for c in text)


def _timeline(sequence, language: str, ctx: Ctx, rate: float, noisy: bool):
    rng = ctx.rng
    t = round(rng.uniform(0.0, 1.5), 2)
    transcript: list[dict] = []
    labels: list[dict] = []
    used: list[str] = []
    for family_id, category, advertiser, sentences in sequence:
        if family_id not in used:
            used.append(family_id)
        if category is not None or transcript and rng.random() < 0.3:
            t += rng.uniform(0.3, 1.5)  # a pause at a change of subject
        first = len(transcript)
        for text in _chunks(sentences, rate, rng):
            if ctx.asr:
                text = style.asr(text, language, rng, ctx.words_share)
                if noisy:
                    text = style.noise(text, language, rng, rate=rng.uniform(0.02, 0.06))
            dur = min(8.0, max(2.0, len(text.split()) / rate * rng.uniform(0.92, 1.1) + 0.3))
            transcript.append({"start": round(t, 2), "end": round(t + dur, 2), "text": text, "family": family_id})
            t += dur + rng.uniform(0.05, 0.6)
        if category is not None and len(transcript) > first:
            labels.append({"start": transcript[first]["start"], "end": transcript[-1]["end"], "category": category,
                           "family": family_id, "advertiser": advertiser})
    return transcript, labels, used


def _chunks(sentences: list[str], rate: float, rng: random.Random) -> list[str]:
    """Utterances of 2–8 s, like caption lines: long sentences split at a comma (or mid-way), short ones joined
    with the next up to a length drawn for each line."""
    pieces: list[str] = []
    for sentence in sentences:
        pieces.extend(_split(sentence, rate))
    out: list[str] = []
    goal = rng.uniform(2.5, 7.5)
    for piece in pieces:
        if out and len((out[-1] + " " + piece).split()) / rate <= goal:
            out[-1] = out[-1] + " " + piece
        else:
            out.append(piece)
            goal = rng.uniform(2.5, 7.5)
    return out


def _split(sentence: str, rate: float) -> list[str]:
    words = sentence.split()
    if len(words) / rate <= 7.2 or len(words) < 4:
        return [sentence]
    commas = [k + 1 for k, w in enumerate(words[:-2]) if w.endswith((",", ";", "—", ":"))]
    mid = len(words) // 2
    cut = min(commas, key=lambda k: abs(k - mid)) if commas else mid
    if not 2 <= cut <= len(words) - 2:
        cut = mid
    return _split(" ".join(words[:cut]), rate) + _split(" ".join(words[cut:]), rate)
