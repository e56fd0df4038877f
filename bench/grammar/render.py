"""Render a family into sentences: pick one of its orders, expand each slot of it, tidy the text."""

from __future__ import annotations

import re

from bench.grammar import model
from bench.grammar.expand import Ctx, expand


def segment(family_id: str, ctx: Ctx) -> list[str]:
    """One segment of a family (an ad read, a call to interact, a hard negative), as sentences."""
    spec = model.spec(family_id)
    order = ctx.rng.choice(spec.orders).split()
    out: list[str] = []
    for token in order:
        name, mark = token.rstrip("?+*"), token[len(token.rstrip("?+*")):]
        count = 1
        if mark == "?":
            count = 1 if ctx.rng.random() < 0.55 else 0
        elif mark == "+":
            count = ctx.rng.choice([1, 2, 2, 3])
        elif mark == "*":
            count = ctx.rng.choice([0, 1, 1, 2])
        options = spec.slots[name]
        for template in ctx.rng.sample(options, min(count, len(options))):
            out.append(tidy(expand(template, spec.slots, ctx, frozenset({name}))))
    return [s for s in out if s]


def talk(family_id: str, ctx: Ctx, recent: list[str]) -> str:
    """One sentence of ordinary talk from a topic family's "talk" slot, avoiding the templates in `recent`
    (the caller's memory of the last ones used, updated here) so that a video does not repeat itself soon."""
    slots = model.spec(family_id).slots
    templates = slots["talk"]
    template = ctx.rng.choice([t for t in templates if t not in recent] or templates)
    recent.append(template)
    del recent[: max(0, len(recent) - len(templates) * 2 // 3)]
    return tidy(expand(template, slots, ctx, frozenset({"talk"})))


def tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.!?;:])", r"\1", text)
    text = re.sub(r"([,;:])(?=[,.!?;:])", "", text)
    text = re.sub(r"\.\.+", ".", text)
    text = re.sub(r"^[,.;:\s]+", "", text)
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text
