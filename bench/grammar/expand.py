"""The template language the families are written in, and the expander that renders it.

    {a|b|c}      one of the alternatives (they nest)
    [text]       optional: present about half the time
    <slot>       a family's own slot (a list of templates, expanded in turn) or a value from the context
    <n:noun>     a number from the context with its noun agreeing ("3 months", «3 месяца», «шестьдесят процентов»)

Numbers, domains and promo codes are rendered here, not afterwards, because how a speech recogniser writes them
depends on the language and on the style of the video (see style.py).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import cache

from bench.grammar import numbers

_TOKENS = re.compile(r"[{}\[\]|]|<[^<>\s]+>|[^{}\[\]|<]+|<")


@dataclass
class Ctx:
    """What a rendering may draw on: slot values (advertiser, offer, channel …) and the style of the video."""

    language: str
    rng: random.Random
    values: dict = field(default_factory=dict)
    asr: bool = False  # lower case, no punctuation, numbers often spoken
    words_share: float = 0.5  # in ASR style, the share of numbers written as words


@cache
def parse(template: str) -> tuple:
    """A template as a tree: ("seq", parts) / ("alt", seqs) / ("opt", seq) / ("var", name) / str."""
    tokens = _TOKENS.findall(template)
    pos = 0

    def seq(stop: set[str]) -> tuple:
        nonlocal pos
        parts: list = []
        while pos < len(tokens) and tokens[pos] not in stop:
            tok = tokens[pos]
            pos += 1
            if tok == "{":
                alts = [seq({"|", "}"})]
                while pos < len(tokens) and tokens[pos] == "|":
                    pos += 1
                    alts.append(seq({"|", "}"}))
                pos += 1  # "}"
                parts.append(("alt", tuple(alts)))
            elif tok == "[":
                inner = seq({"]"})
                pos += 1
                parts.append(("opt", inner))
            elif tok.startswith("<") and tok.endswith(">") and len(tok) > 2:
                parts.append(("var", tok[1:-1]))
            else:
                parts.append(tok)
        return ("seq", tuple(parts))

    return seq(set())


def expand(template: str, slots: dict, ctx: Ctx, inside: frozenset = frozenset()) -> str:
    """Render a template. Inside slot x, "<x>" means the context's x (a family's "offer" slot may frame the
    product's offer), so `inside` holds the slots being expanded."""
    return _walk(parse(template), slots, ctx, inside)


def _walk(node, slots: dict, ctx: Ctx, inside: frozenset) -> str:
    if isinstance(node, str):
        return node
    kind = node[0]
    if kind == "seq":
        return "".join(_walk(part, slots, ctx, inside) for part in node[1])
    if kind == "alt":
        return _walk(ctx.rng.choice(node[1]), slots, ctx, inside)
    if kind == "opt":
        return _walk(node[1], slots, ctx, inside) if ctx.rng.random() < 0.5 else ""
    return _var(node[1], slots, ctx, inside)


def _var(name: str, slots: dict, ctx: Ctx, inside: frozenset) -> str:
    key, _, noun = name.partition(":")
    if noun:
        return numbers.say(int(ctx.values[key]), noun, ctx)
    if key in slots and key not in inside:
        return expand(ctx.rng.choice(slots[key]), slots, ctx, inside | {key})
    if key == "domain":
        return spoken_domain(ctx.values["domain"], ctx)
    if key == "code":
        return spoken_code(ctx.values["code"], ctx)
    if key not in ctx.values:
        raise KeyError(f"template slot <{key}> is neither a family slot nor a context value")
    value = ctx.values[key]
    if isinstance(value, (list, tuple)):
        return expand(ctx.rng.choice(value), {}, ctx)
    return str(value)


_TRANSLIT = {"a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "дж",
             "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р", "s": "с", "t": "т",
             "u": "у", "v": "в", "w": "в", "x": "кс", "y": "й", "z": "з"}
_TLD_RU = {"ru": "ру", "com": "ком", "io": "ио", "net": "нет", "org": "орг", "app": "апп", "рф": "рф", "me": "ми",
           "pro": "про", "online": "онлайн", "shop": "шоп", "club": "клаб", "tv": "тв", "games": "геймс",
           "game": "гейм", "bank": "банк", "host": "хост"}


def transliterate(word: str) -> str:
    """A Latin brand name as a Russian recogniser might write it («Kivora» → «кивора»)."""
    out = word.lower()
    for latin, cyr in (("sch", "ск"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("yu", "ю"),
                       ("ya", "я"), ("oo", "у"), ("ee", "и"), ("ai", "ай"), ("oi", "ой"), ("ei", "ей"), ("ck", "к"), ("ea", "и"),
                       ("ie", "и"), ("ph", "ф")):
        out = out.replace(latin, cyr)
    out = re.sub(r"y\b", "и", out)
    return "".join(_TRANSLIT.get(c, c) for c in out)


def spoken_domain(domain: str, ctx: Ctx) -> str:
    if not ctx.asr and ctx.rng.random() < 0.85:
        return domain
    roll = ctx.rng.random()
    if roll < 0.35:
        return domain
    parts = domain.split(".")
    if ctx.language == "ru":
        name = " точка ".join(parts[:-1]).replace("-", " ")
        if ctx.asr and roll < 0.6 and re.fullmatch(r"[a-z0-9 ]+", name.replace(" точка ", " ")):
            name = " точка ".join(transliterate(p) for p in parts[:-1])
        return f"{name} точка {_TLD_RU.get(parts[-1], parts[-1])}"
    return " dot ".join(parts).replace("-", " dash ")


def spoken_code(code: str, ctx: Ctx) -> str:
    m = re.fullmatch(r"([A-ZА-ЯЁ]+)(\d*)", code)
    if not ctx.asr or not m:
        return code if ctx.rng.random() < 0.8 or not m else code.lower()
    letters, digits = m.groups()
    roll = ctx.rng.random()
    if roll < 0.3:
        word = " ".join(letters.lower()) if len(letters) <= 5 else letters.lower()
    elif roll < 0.55 and ctx.language == "ru" and re.fullmatch(r"[A-Z]+", letters):
        word = transliterate(letters)
    else:
        word = letters.lower()
    if not digits:
        return word
    said = numbers.cardinal(int(digits), ctx.language) if ctx.rng.random() < 0.6 else digits
    return f"{word} {said}" if ctx.rng.random() < 0.7 else f"{word}{digits}"
