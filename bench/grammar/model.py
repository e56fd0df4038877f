"""The data types of the grammar generator: families, advertisers, the split, and the registry of all families."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

CATEGORIES = ("sponsor", "selfpromo", "interaction", "negative", "topic")
LANGUAGES = ("en", "ru")


@dataclass(frozen=True)
class Family:
    """One way of phrasing a segment. Its grammar (slots and orders) is kept in the registry, keyed by id."""

    id: str  # "en.sponsor.quick_word": language.category.name
    language: str
    category: str

    @property
    def name(self) -> str:
        return self.id.split(".", 2)[2]


@dataclass(frozen=True)
class Spec:
    """A family's grammar: slots (name → alternative templates) and the orders the slots are read in.

    An order is a line of slot names; "x?" is optional, "x+" is one to three picks, "x*" is zero to two."""

    slots: dict
    orders: tuple
    products: tuple = ()  # product types the family fits (empty: any)
    where: str = ""  # "start" or "end" for a family that only opens or closes a video (intros, outros)


@dataclass(frozen=True)
class Advertiser:
    name: str  # as written in the language's captions
    domain: str
    product: str  # key into products.PRODUCTS[language]
    language: str
    code: str  # promo-code stem, "KIVO"
    legal: str = ""  # the legal entity («ООО «Кивора»»), for spoken 38-FZ markers


@dataclass(frozen=True)
class Split:
    train_families: frozenset
    held_families: frozenset
    train_advertisers: frozenset
    held_advertisers: frozenset


def fam(name: str, orders: list[str] | str, products: tuple = (), where: str = "", **slots: list[str]
        ) -> tuple[str, Spec]:
    """How the data modules declare a family."""
    order_list = [orders] if isinstance(orders, str) else list(orders)
    for order in order_list:
        for token in order.split():
            if token.rstrip("?+*") not in slots:
                raise ValueError(f"family {name}: order names slot {token!r} it does not define")
    return name, Spec(slots=slots, orders=tuple(order_list), products=tuple(products), where=where)


@lru_cache(maxsize=1)
def registry() -> dict[str, tuple[Family, Spec]]:
    from bench.grammar import (
        negative_en,
        negative_ru,
        other_en,
        other_ru,
        sponsor_en,
        sponsor_ru,
        topics_en,
        topics_ru,
    )

    sources = [
        ("en", "sponsor", sponsor_en.FAMILIES), ("ru", "sponsor", sponsor_ru.FAMILIES),
        ("en", "selfpromo", other_en.SELFPROMO), ("ru", "selfpromo", other_ru.SELFPROMO),
        ("en", "interaction", other_en.INTERACTION), ("ru", "interaction", other_ru.INTERACTION),
        ("en", "negative", negative_en.FAMILIES), ("ru", "negative", negative_ru.FAMILIES),
        ("en", "topic", topics_en.FAMILIES), ("ru", "topic", topics_ru.FAMILIES),
    ]
    out: dict[str, tuple[Family, Spec]] = {}
    for language, category, entries in sources:
        for name, spec in entries:
            family = Family(id=f"{language}.{category}.{name}", language=language, category=category)
            if family.id in out:
                raise ValueError(f"duplicate family id {family.id}")
            out[family.id] = (family, spec)
    return out


def families(language: str | None = None, category: str | None = None) -> list[Family]:
    return [f for f, _ in registry().values()
            if (language is None or f.language == language) and (category is None or f.category == category)]


def spec(family_id: str) -> Spec:
    return registry()[family_id][1]


def advertisers(language: str) -> list[Advertiser]:
    from bench.grammar import advertiser_data as data

    return list(data.ADVERTISERS[language])


def _hold(items: list[str], rng: random.Random, share: float) -> set[str]:
    """Every k-th of a shuffled list, so that a list sorted by group holds out ~share of each group."""
    held = set()
    offset = rng.random()
    for i, item in enumerate(items):
        if int((i + 1) * share + offset) > int(i * share + offset):
            held.add(item)
    return held


def split(seed: int = 0, held_share: float = 0.3) -> Split:
    """Hold out ~held_share of the families of each (language, category) and of each language's advertisers
    (spread over product types, so that every product has advertisers on both sides where it has two or more)."""
    if not 0.0 < held_share < 1.0:
        raise ValueError(f"held_share must be between 0 and 1, not {held_share}")
    rng = random.Random(f"split-{seed}")
    train_f, held_f, train_a, held_a = set(), set(), set(), set()
    for language in LANGUAGES:
        for category in CATEGORIES:
            ids = sorted(f.id for f in families(language, category))
            rng.shuffle(ids)
            n_held = max(1, round(len(ids) * held_share)) if len(ids) > 1 else 0
            held_f.update(ids[:n_held])
            train_f.update(ids[n_held:])
        by_product: dict[str, list[str]] = {}
        for adv in advertisers(language):
            by_product.setdefault(adv.product, []).append(adv.name)
        ordered = []
        for product in sorted(by_product):
            names = sorted(by_product[product])
            rng.shuffle(names)
            ordered.extend(names)
        held = _hold(ordered, rng, held_share)
        held_a.update(held)
        train_a.update(set(ordered) - held)
    return Split(frozenset(train_f), frozenset(held_f), frozenset(train_a), frozenset(held_a))
