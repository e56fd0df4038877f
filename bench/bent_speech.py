"""Cue recall on ASR-bent speech: `python -m bench bent_speech [--configs plain,hotwords,prompt] [--fresh]`.

espeak-ng reads short Russian (and two English) clips, with and without ads; Whisper base transcribes each under
three decoder settings: plain, with ad vocabulary as `hotwords`, and with it as an `initial_prompt`. For each we
count the cue kinds found (exact regex signals, then exact + tolerant matching) against the kinds the script's own
text holds, and the cues invented in clips without ads. Then the false matches of the tolerant path on ordinary
words (Hunspell's Russian and English dictionaries, expanded, when installed; the seed set's non-ad sentences) and
its cost per call of find_signals.

Transcripts are cached in var/bench/bent_speech.json (keyed by clip text and setting): `--fresh` redoes them.
The language is forced per clip: detection is not what this measures.
"""

from __future__ import annotations

import argparse
import gettext
import hashlib
import json
import os
import re
import subprocess
import tempfile
import time
import zlib
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench import seed_text
from veritasad.analysis.engine.speech import SpeechOptions, transcribe
from veritasad.analysis.engine.text import fuzzy
from veritasad.analysis.engine.text.signals import find_exact_signals, find_signals
from veritasad.testing import media as gen

CACHE = Path("var/bench/bent_speech.json")
# Ad vocabulary for the decoder: one mixed list (as a deployment would set it before the language is known), and
# one per language (the language is locked on the first window with speech, before any decoding).
HOTWORDS = "реклама промокод erid спонсор партнёр выпуска скидка подписывайтесь sponsored promo code"
PROMPT = "Реклама. Спонсор выпуска. Промокод, скидка, erid. Подписывайтесь. Sponsored, promo code."
HOTWORDS_LANG = {"ru": "реклама промокод erid спонсор партнёр выпуска скидка подписывайтесь",
                 "en": "sponsored sponsor promo code discount subscribe"}
PROMPT_LANG = {"ru": "Реклама. Спонсор выпуска. Промокод, скидка, erid. Подписывайтесь.",
               "en": "Sponsored. Our sponsor. Promo code, discount. Subscribe."}
CONFIGS = {
    "plain": lambda lang: {},
    "hotwords": lambda lang: {"hotwords": HOTWORDS},
    "prompt": lambda lang: {"initial_prompt": PROMPT},
    "hotwords/lang": lambda lang: {"hotwords": HOTWORDS_LANG[lang]},
    "prompt/lang": lambda lang: {"initial_prompt": PROMPT_LANG[lang]},
}

# (name, language, has an ad, lines). Ordinary clips hold words close to a cue (рекламация, программа, сенсор …).
CLIPS: list[tuple[str, str, bool, list[str]]] = [
    ("ru_label_sponsor", "ru", True, ["Это реклама.", "Спонсор этого выпуска компания Ромашка."]),
    ("ru_promo", "ru", True, ["Переходите по ссылке в описании.", "Вводите промокод лето и получите скидку."]),
    ("ru_partner", "ru", True, ["Реклама. Партнёр выпуска сервис Облако.", "Подписывайтесь на канал."]),
    ("ru_integration", "ru", True, ["Сейчас будет рекламная интеграция.", "Наш спонсор онлайн школа Фокус."]),
    ("ru_code_discount", "ru", True, ["Промокод весна даст скидку на первый заказ.", "Успейте до конца месяца."]),
    ("ru_sponsor_like", "ru", True, ["Спонсор выпуска банк Восток.", "Ставьте лайк и подписывайтесь."]),
    ("ru_label_only", "ru", True, ["Реклама.", "Доставка продуктов за тридцать минут, приложение Корзина."]),
    ("ru_pasta", "ru", False, ["Сегодня готовим простую пасту с томатами.", "Это займёт минут двадцать."]),
    ("ru_claim", "ru", False, ["Мы получили рекламацию от покупателя.", "Программа передач на неделю уже готова."]),
    ("ru_contract", "ru", False, ["Я подписал договор с партнёрами по бизнесу.", "Спасибо за внимание."]),
    ("ru_sensor", "ru", False, ["Сенсор на телефоне сломался.", "Я купил новый в магазине у дома."]),
    ("ru_photos", "ru", False, ["Скидывайте фотографии в общий чат.", "Потом обсудим следующий выпуск."]),
    ("ru_subscribe", "ru", True, ["Если вам понравилось видео, подписывайтесь на канал.", "До новых встреч."]),
    ("ru_advertiser", "ru", True, ["Реклама. Рекламодатель ООО Ромашка.", "Подробности на сайте."]),
    ("ru_help", "ru", False, ["Друзья, помогать друг другу важно.", "Вчера мы промокли под дождём."]),
    ("ru_program", "ru", False, ["Программа конференции уже на сайте.", "Докладчики расскажут о новых сенсорах."]),
    ("ru_weather", "ru", False, ["Завтра будет тепло и солнечно.", "Вечером возможен небольшой дождь."]),
    ("ru_village", "ru", False, ["Вчера я ездил к бабушке в деревню.", "Мы пили чай и смотрели старые фотографии."]),
    ("ru_match", "ru", False, ["Команда выиграла матч со счётом два один.", "Тренер доволен игрой своих партнёров."]),
    ("en_sponsor", "en", True, ["This video is sponsored by Nord VPN.", "Use promo code tech for a discount."]),
    ("en_brought", "en", True, ["Today's video is brought to you by Squarespace.", "Subscribe for more videos."]),
    ("en_plain", "en", False, ["We put the spoons in the drawer.", "The code compiles now, so let us test it."]),
    ("en_bike", "en", False, ["I spent the weekend fixing my old bike.", "The weather was great, so we rode to the lake."]),
]


# Ordinary talk from the seed set, two sentences a clip: more speech without ads, to count invented cues on.
CLIPS += [(f"ru_seed_{topic}", "ru", False, lines[:2]) for topic, lines in seed_text.TOPICS_RU.items()]


def script(lang: str, lines: list[str]) -> gen.Script:
    """Each line in a slot of 4 s, or 0.4 s a word plus 1 s for a long one (espeak speeds up to fit a slot)."""
    starts, t = [], 0.5
    for text in lines:
        starts.append(t)
        t += max(4.0, 0.4 * len(text.split()) + 1.0)
    return gen.Script(duration=t + 1.0, lines=[gen.Line(at, text, lang=lang) for at, text in zip(starts, lines)])


def _key(name: str, lang: str, lines: list[str], config: str) -> str:
    timing = [line.start for line in script(lang, lines).lines]
    return hashlib.sha1(json.dumps([name, lines, CONFIGS[config](lang), timing]).encode()).hexdigest()[:16]


def transcripts(configs: list[str], fresh: bool, console: Console) -> dict[str, dict[str, str]]:
    """{config: {clip name: transcript}}, from the cache where it has them."""
    cache = {} if fresh or not CACHE.is_file() else json.loads(CACHE.read_text(encoding="utf-8"))
    out: dict[str, dict[str, str]] = {c: {} for c in configs}
    model_cache = os.environ.get("MODEL_CACHE_DIR", str(Path("var/models").resolve()))
    with tempfile.TemporaryDirectory(prefix="veritasad-bent-") as tmp:
        for name, lang, _, lines in CLIPS:
            wav = None
            for config in configs:
                key = _key(name, lang, lines, config)
                if key not in cache:
                    if wav is None:
                        wav = gen.make_media(script(lang, lines), Path(tmp) / f"{name}.wav", video=False)
                    began = time.perf_counter()
                    options = SpeechOptions(language=lang, model_cache_dir=model_cache, **CONFIGS[config](lang))
                    result = transcribe(wav, options)
                    cache[key] = " ".join(u.text for u in result.utterances)
                    console.print(f"  {config:9} {name:18} {time.perf_counter() - began:5.1f} s  {cache[key]}")
                out[config][name] = cache[key]
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_text(json.dumps(cache, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def _kinds(signals) -> set[str]:
    return {s.kind for s in signals}


def score(heard: dict[str, str], finder) -> dict[str, int]:
    """Cue kinds found of those said, ad clips with one, kinds found but not said in ad clips, cues in no-ad clips."""
    out = dict.fromkeys(("found", "said", "hit", "ads", "unsaid", "invented", "loops"), 0)
    for name, _, has_ad, lines in CLIPS:
        signals = finder(heard[name])
        got = _kinds(signals)
        if has_ad:
            want = _kinds(find_exact_signals(" ".join(lines)))
            out["found"] += len(got & want)
            out["said"] += len(want)
            out["hit"] += bool(got & want)
            out["ads"] += 1
            out["unsaid"] += len(got - want)
        else:
            out["invented"] += len(signals)
        out["loops"] += looped(heard[name])
    return out


def looped(text: str) -> bool:
    """A decoding stuck on a phrase ("по -моему входит и по -моему входит …"): Whisper's own test, the text's
    gzip compression ratio above 2.4."""
    data = text.encode()
    return len(data) > 0 and len(data) / len(zlib.compress(data)) > 2.4


def speech_table(heard: dict[str, dict[str, str]]) -> Table:
    n_ads = sum(c[2] for c in CLIPS)
    table = Table(title=f"Cue recall on espeak speech ({n_ads} ad clips, {len(CLIPS) - n_ads} without), "
                        "Whisper base int8, beam 1, language forced")
    for col in ("decoder", "matching", "cue kinds found", "ad clips with a cue", "kinds not said (ad clips)",
                "cues invented (no-ad clips)", "looped transcripts"):
        table.add_column(col)
    for config, texts in heard.items():
        for label, finder in (("exact", find_exact_signals), ("tolerant", find_signals)):
            r = score(texts, finder)
            table.add_row(config, label, f"{r['found']}/{r['said']} ({r['found'] / r['said']:.0%})",
                          f"{r['hit']}/{r['ads']}", str(r["unsaid"]), str(r["invented"]),
                          f"{r['loops']}/{len(CLIPS)}" if label == "exact" else "")
    return table


def clips_table(heard: dict[str, dict[str, str]]) -> Table:
    """Per clip: the kinds said, and per decoder the kinds found (tolerant matching); + marks one not said."""
    table = Table(title="Per clip (tolerant matching; +kind: found but not said)")
    table.add_column("clip")
    table.add_column("said")
    for config in heard:
        table.add_column(config)
    for name, _, _, lines in CLIPS:
        want = _kinds(find_exact_signals(" ".join(lines)))
        cells = []
        for texts in heard.values():
            got = _kinds(find_signals(texts[name]))
            cells.append(" ".join(sorted(got & want) + sorted(f"+{k}" for k in got - want)))
        table.add_row(name, " ".join(sorted(want)), *cells)
    return table


def bends_table(heard: dict[str, dict[str, str]]) -> Table:
    """Every tolerant match in the transcripts: what was heard and what it was read as."""
    table = Table(title="Bent cues matched (all decoders)")
    for col in ("heard", "read as", "kind", "score"):
        table.add_column(col)
    seen = set()
    for texts in heard.values():
        for text in texts.values():
            for s in find_signals(text):
                if s.confidence < 1.0 and (s.text, s.kind) not in seen:
                    seen.add((s.text, s.kind))
                    table.add_row(s.text, s.value, s.kind, f"{s.confidence:.2f}")
    return table


_WORD = re.compile(r"[a-zа-яё]+", re.IGNORECASE)


def hunspell_words(lang: str) -> list[str]:
    """Every form in Hunspell's dictionary for `lang` (unmunch expands the affixes), or [] when not installed."""
    base = Path(f"/usr/share/hunspell/{lang}")
    if not base.with_suffix(".dic").is_file():
        return []
    try:
        raw = subprocess.run(["unmunch", str(base.with_suffix(".dic")), str(base.with_suffix(".aff"))],
                             capture_output=True, check=True, timeout=600).stdout
    except (OSError, subprocess.SubprocessError):
        raw = base.with_suffix(".dic").read_bytes()
    encoding = "koi8-r" if lang == "ru_RU" and b"SET KOI8-R" in base.with_suffix(".aff").read_bytes() else "utf-8"
    words = {w.lower() for w in _WORD.findall(raw.decode(encoding, "replace"))}
    return sorted(words)


def seed_sentences() -> list[str]:
    """The seed set's ordinary sentences: topic talk and the hard negatives (no ad reads, self-promotion or CTAs)."""
    out = [s for topic in (seed_text.TOPICS_EN, seed_text.TOPICS_RU) for lines in topic.values() for s in lines]
    return out + list(seed_text.HARD_NEGATIVES_EN) + list(seed_text.HARD_NEGATIVES_RU)


def catalog_strings(translated: bool) -> list[str]:
    """Ordinary text no rule was tuned on: the messages of the Russian gettext catalogs installed with Debian's
    packages (/usr/share/locale/ru), translated (Russian) or original (English)."""
    out = set()
    for mo in sorted(Path("/usr/share/locale/ru/LC_MESSAGES").glob("*.mo")):
        try:
            with mo.open("rb") as f:
                catalog = gettext.GNUTranslations(f)._catalog  # the only way to list a catalog's messages
        except (OSError, UnicodeDecodeError):
            continue
        for msgid, msgstr in catalog.items():
            text = msgstr if translated else (msgid[0] if isinstance(msgid, tuple) else msgid)
            if text and isinstance(text, str):
                out.add(re.sub(r"%[-+ #0-9.]*[a-zA-Z]|\{[^}]*\}|<[^>]+>|&\w+;", " ", text))
    return sorted(out)


def _added(texts: list[str]) -> list:
    """The signals the tolerant path adds to the exact ones in `texts` (each is a false match: no ads there)."""
    return [s for text in texts for s in find_signals(text) if s.confidence < 1.0]


def false_match_table() -> Table:
    table = Table(title="Tolerant matching on ordinary text (every match is a false one)")
    for col in ("text", "size", "matched", "rate", "examples"):
        table.add_column(col)
    for lang in ("ru_RU", "en_US"):
        words = hunspell_words(lang)
        if not words:
            table.add_row(f"Hunspell {lang}", "not installed", "", "", "")
            continue
        guarded = sum(w.replace("ё", "е") in fuzzy.ORDINARY for w in words)
        hits = [(w, m.canonical) for w in words if (m := fuzzy.match_word(w)) is not None]
        table.add_row(f"Hunspell {lang}, every form, one word at a time", f"{len(words):,} words",
                      f"{guarded + len(hits)} within threshold, {len(hits)} past the ordinary-word guard",
                      f"{len(hits) / len(words):.4%}", ", ".join(f"{w}→{c}" for w, c in hits[:6]))
    corpora = [("Debian gettext catalogs, Russian", catalog_strings(True)),
               ("Debian gettext catalogs, English", catalog_strings(False)),
               ("seed non-ad sentences (ru + en)", seed_sentences())]
    for label, texts in corpora:
        if not texts:
            table.add_row(label, "not installed", "", "", "")
            continue
        words = [w.lower().replace("ё", "е") for t in texts for w in _WORD.findall(t)]
        n_words, guarded = len(words), sum(w in fuzzy.ORDINARY for w in words)
        added = _added(texts)
        table.add_row(label + ": cues added", f"{len(texts):,} strings, {n_words:,} words",
                      f"{len(added)} ({guarded} words stopped by the guard)",
                      f"{len(added) / n_words * 1000:.3f} per 1000 words",
                      ", ".join(f"{s.text}→{s.value} ({s.kind})" for s in added[:6]))
    return table


def speed_line() -> str:
    """find_signals' cost per sentence, exact patterns alone and with the tolerant path: the first pass over the
    seed sentences with the word caches empty, then five more (warm); the best of three rounds."""
    texts = seed_sentences()
    cold: dict[str, float] = {}
    warm: dict[str, float] = {}
    for _ in range(3):
        for label, finder in (("exact", find_exact_signals), ("exact + tolerant", find_signals)):
            for cache in (fuzzy.match_word, fuzzy.match_window, fuzzy._anchors):
                cache.cache_clear()
            began = time.perf_counter()
            for text in texts:
                finder(text)
            mid = time.perf_counter()
            for text in texts * 5:
                finder(text)
            end = time.perf_counter()
            cold[label] = min(cold.get(label, 1e9), (mid - began) / len(texts) * 1e6)
            warm[label] = min(warm.get(label, 1e9), (end - mid) / len(texts) / 5 * 1e6)
    return (f"find_signals per sentence ({len(texts)} seed sentences): "
            + ", ".join(f"{k} {cold[k]:.0f} µs cold / {warm[k]:.0f} µs warm" for k in cold))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--fresh", action="store_true", help="transcribe again instead of using the cache")
    parser.add_argument("--no-words", action="store_true", help="skip the dictionary false-match count")
    args = parser.parse_args(argv)
    console = Console(width=160)
    heard = transcripts(args.configs.split(","), args.fresh, console)
    console.print(speech_table(heard))
    console.print(clips_table(heard))
    console.print(bends_table(heard))
    if not args.no_words:
        console.print(false_match_table())
    console.print(speed_line())


if __name__ == "__main__":
    main()
