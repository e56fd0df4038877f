"""Exact tokens read off the screen: erid tokens, domains, promo codes.

A token is useless with one character wrong, and nothing in a random token tells a reader which of two
look-alikes it is. What does tell: erid tokens are base58 (the Bitcoin alphabet: no 0, O, I or l), so a "0"
or "O" in one can only be "o" and an "I", "l" or "|" only "1"; the case of a letter whose small and capital
forms differ only in size shows in the height of its ink; and readings of the same token from differently
binarised pictures disagree where one of them is wrong. The keyword before a token is often misread too
(«епа:», "eri:"); a short word ending in ":" right before a token-shaped word is taken for it.
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass

import numpy as np

_ERID_WORD = re.compile(r"^[eе][rгp][iі1l|!][dд][:;.=№]?$", re.IGNORECASE)
ERID_GLUED = re.compile(r"^[eе][rгp][iі1l|!][dд][:;.=№]+(\w{4,})$", re.IGNORECASE)
# Cyrillic letters the model puts in a misread "erid" («ета», «епа»: "ri" read as one letter).
_LOOKALIKE = str.maketrans({"е": "e", "т": "t", "р": "r", "а": "a", "и": "i", "п": "ri", "н": "ri", "й": "i"})
_CODE_WORD = re.compile(r"^(?:промокод\w*|код\w*|code|promo)[:]?$", re.IGNORECASE)
_DOMAIN = re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)*\.[a-zа-я]{2,6}(?:/\S*)?[.,]?$", re.IGNORECASE)
# erid tokens are base58: a "0" or "O" in one can only be "o", an "I", "l" or "|" only "1".
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# Cyrillic look-alikes go to Latin first: the Russian+English model reads a Latin "B" or "x" as «В», «х».
TO_BASE58 = str.maketrans("АВСЕНКМОРТХаеорсхук0OIl|", "ABCEHKMoPTXaeopcxyko" + "o111")
WHITELISTS = {
    "erid": BASE58,
    "url": "abcdefghijklmnopqrstuvwxyz0123456789.-/:_",
    "code": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
}
SHAPES = {
    "erid": re.compile(r"^[1-9A-HJ-NP-Za-km-z]{6,40}$"),
    "url": _DOMAIN,
    "code": re.compile(r"^[A-Z0-9_-]{3,25}$"),
}


@dataclass
class Word:
    text: str
    confidence: float
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the prepared image


def token_at(words: list[Word], i: int) -> tuple[str | None, int | None]:
    """(kind, index of the token word) when words[i] is an erid keyword, a code word, or a domain itself."""
    text = words[i].text
    if i + 1 < len(words) and _is_erid_keyword(text, words[i + 1].text):
        return "erid", i + 1
    if _CODE_WORD.match(text) and i + 1 < len(words):
        return "code", i + 1
    if bare_token(text) and not (i > 0 and (words[i - 1].text == "erid:" or _CODE_WORD.match(words[i - 1].text)
                                            or _is_erid_keyword(words[i - 1].text, text))):
        return "erid", i  # the keyword lost (texture, or read as "3"): the token alone
    if _DOMAIN.match(text) and not text[:1].isupper() and any(c.isalpha() for c in text.split(".")[-1]):
        return "url", i
    return None, None


# Letters whose small and capital forms differ only in size: the model guesses the case of "c", "s", "v",
# "w", "x", "z", "u" from the shape alone and gets it wrong in random tokens ("ZsmT" for "ZSmT"). Their top
# tells: at the cap height, like the token's digits and capitals, or at the x-height, like its a, e, m, n, r.
_CASE_PAIRS = set("cCsSvVwWxXzZuUpP")
_CAP_TOPS = set("ABDEFGHJKLMNQRTY123456789bdfhk")  # not "t": it stops short of the cap height
_X_TOPS = set("aemnrgqy")
_X_TO_CAP = 0.75  # x-height over cap height: 0.72-0.78 in the DejaVu faces, about so in most sans faces


def with_tops(image: np.ndarray, symbols: list[tuple[str, tuple[int, int, int, int]]], pad: int
              ) -> list[tuple[str, tuple[int, int, int, int]]]:
    """Symbols with the top and bottom of their own glyph measured in the picture: the LSTM's symbol boxes
    keep the order of the characters but not their tops, and drift sideways by up to a glyph. When the ink
    falls apart into as many glyph-sized blobs as there are symbols (glyphs that do not touch), blob k is
    symbol k; otherwise each symbol gets the tallest blob under the middle of its box."""
    import cv2

    ink = (image < 128).astype(np.uint8)
    stats = cv2.connectedComponentsWithStats(ink, connectivity=8)[2][1:]
    if len(stats) == 0:
        return symbols
    glyphs = stats[stats[:, 3] >= 0.3 * stats[:, 3].max()]  # not the dots of i and j, nor specks
    glyphs = glyphs[np.argsort(glyphs[:, 0])]
    in_order = len(glyphs) == len(symbols)
    out = []
    for k, (char, (x0, y0, x1, y1)) in enumerate(symbols):
        x0, x1 = x0 - pad, x1 - pad  # the symbols were read from the crop padded by `pad` on each side
        if in_order:
            glyph = glyphs[k]
        else:
            middle = (x0 + x1) / 2
            under = glyphs[(glyphs[:, 0] <= middle) & (glyphs[:, 0] + glyphs[:, 2] >= middle)]
            if not len(under):
                out.append((char, (x0, y0 - pad, x1, y1 - pad)))
                continue
            glyph = under[np.argmax(under[:, 3])]
            if glyph[2] > 1.3 * max(x1 - x0, 1):
                # Glyphs run together (bold serifs touch): the blob's top is its tallest letter's. The ink in
                # the middle of the symbol's own columns tells this letter's top.
                q = max(1, (x1 - x0) // 4)
                cx = int(middle)
                column = ink[int(glyph[1]): int(glyph[1] + glyph[3]), max(0, cx - q): cx + q + 1]
                rows = np.flatnonzero(column.any(axis=1))
                if len(rows):
                    out.append((char, (x0, int(glyph[1] + rows[0]), x1, int(glyph[1] + rows[-1] + 1))))
                    continue
        if char in "5S" and (in_order or glyph[2] <= 1.3 * max(x1 - x0, 1)) and glyph[3] >= 12:
            char = _five_or_s(ink, glyph)
        out.append((char, (x0, int(glyph[1]), x1, int(glyph[1] + glyph[3]))))
    return out


def _five_or_s(ink: np.ndarray, glyph: np.ndarray) -> str:
    """"5" or "S" by the left edge of the glyph's top: a 5 comes down from its top bar in a straight stem (the
    left edge at the top is where it is a quarter of the way down), an S curves out below its top. On DejaVu's
    faces, upright and oblique, at 22-34 px: the top's left edge is 0-4 % of the width further in for a 5,
    13-24 % for an S."""
    x, y, w, h = (int(v) for v in glyph[:4])
    g = ink[y: y + h, x: x + w]

    def left(r0: float, r1: float) -> float:
        cols = np.flatnonzero(g[int(r0 * h): max(int(r1 * h), int(r0 * h) + 1)].any(axis=0))
        return cols.min() / w if len(cols) else 0.0

    return "5" if left(0.0, 0.08) - left(0.2, 0.3) < 0.09 else "S"


def fix_case(symbols: list[tuple[str, tuple[int, int, int, int]]]) -> str:
    caps = [box[1] for c, box in symbols if c in _CAP_TOPS]
    smalls = [box[1] for c, box in symbols if c in _X_TOPS]
    if caps and not smalls:  # no small letter to measure: the x-height from the capitals' height
        baseline = float(np.median([box[3] for c, box in symbols if c in _CAP_TOPS and c not in "JQ"] or [0]))
        smalls = [baseline - _X_TO_CAP * (baseline - float(np.median(caps)))]
    if not caps or np.median(smalls) - np.median(caps) < 4:
        return "".join(c for c, _ in symbols)  # no reference heights to tell the case by
    cap_top, x_top = float(np.median(caps)), float(np.median(smalls))
    out = []
    for c, box in symbols:
        if c in _CASE_PAIRS:
            where = (box[1] - cap_top) / (x_top - cap_top)  # 0 at the cap height, 1 at the x-height
            c = c.upper() if where < 0.25 else c.lower() if where > 0.75 else c  # in between: the model's guess
        out.append(c)
    return "".join(out)


def vote(candidates: list[str]) -> str:
    """Character by character majority over the readings of the commonest length; ties go to the earlier one."""
    lengths = [len(c) for c in candidates]
    length = max(lengths, key=lambda n: (lengths.count(n), -lengths.index(n)))
    same = [c for c in candidates if len(c) == length]
    out = []
    for i in range(length):
        chars = [c[i] for c in same]
        out.append(max(chars, key=lambda ch: (chars.count(ch), -chars.index(ch))))
    return "".join(out)


Choices = dict[str, float]  # one character position of a reading: character -> probability (0-1)


def vote_weighted(readings: list[tuple[str, list[Choices]]]) -> str:
    """Character by character over the readings of the commonest length: each reading adds its probability for
    every character it considered at that place; ties go to the earlier reading's character. Readings of another
    length are left out: a dropped or doubled character shifts every character after it."""
    lengths = [len(text) for text, _ in readings]
    length = max(lengths, key=lambda n: (lengths.count(n), -lengths.index(n)))
    same = [(text, choices) for text, choices in readings if len(text) == length]
    out = []
    for i in range(length):
        score: dict[str, float] = {}
        for text, choices in same:
            for char, p in choices[i].items():
                score[char] = score.get(char, 0.0) + p
        first = [text[i] for text, _ in same]
        out.append(max(score, key=lambda ch: (score[ch], ch in first, -first.index(ch) if ch in first else 0)))
    return "".join(out)


def join_split_token(words: list[Word], at: int) -> None:
    """Tesseract sometimes puts a space inside a long token ("tNUu8TPWn1 7DmEbyH"): a word that follows with
    less than a space's gap and only token characters is the token's tail."""
    while at + 1 < len(words):
        a, b = words[at], words[at + 1]
        gap, height = b.box[0] - a.box[2], a.box[3] - a.box[1]
        if not re.fullmatch(r"[A-Za-z0-9]+", b.text) or gap > 0.25 * height:
            return
        box = (a.box[0], min(a.box[1], b.box[1]), b.box[2], max(a.box[3], b.box[3]))
        words[at] = Word(a.text + b.text, min(a.confidence, b.confidence), box)
        del words[at + 1]


def bare_token(word: str) -> bool:
    """A word that can only be an erid token even without its keyword: ten or more base58 characters with a
    digit, a capital and a small letter, mixed as randomly as a token's are. Words, domains and promo codes
    (capitals and digits) are not, nor a made-up code such as "Lena2024Summer" (runs of one kind)."""
    token = word.rstrip(".,;|").translate(TO_BASE58)
    # The digit as read: "l" and "I" become "1" in a token, and would make "Brightline" one.
    if not (len(token) >= 10 and SHAPES["erid"].match(token) and any(c in "23456789" for c in word)
            and any(c.isupper() for c in token) and any(c.islower() for c in token)):
        return False
    # A random base58 string changes between digit, capital and small letter at ~60 % of its steps.
    kinds = [c.isdigit() + 2 * c.isupper() for c in word.rstrip(".,;|")]  # as read: "0" is no "o" here
    return sum(a != b for a, b in itertools.pairwise(kinds)) >= 0.4 * (len(kinds) - 1)


def _is_erid_keyword(word: str, following: str) -> bool:
    """"erid" as read, or a short misreading of it ("eri:", "rid:", «ета:») right before a token-shaped word."""
    if _ERID_WORD.match(word):
        return True
    token = following.translate(TO_BASE58)
    # Mostly token characters (the restricted pass mends the odd "/" or "("), letters and digits mixed.
    share = len(re.findall(r"[1-9A-HJ-NP-Za-km-z]", token)) / max(len(token), 1)
    looks_like_token = len(token) >= 8 and share >= 0.85 and any(c.isdigit() for c in token) \
        and any(c.isalpha() for c in token)
    near = difflib.SequenceMatcher(None, word.lower().rstrip(":;.").translate(_LOOKALIKE), "erid").ratio() >= 0.5
    # Before a word that can only be a token, any short word ending in ":" is the keyword misread («еша:»).
    near = near or bare_token(following) and len(word.rstrip(".,:;")) <= 4
    return looks_like_token and word.rstrip(".,").endswith((":", ";")) and len(word) <= 6 and near
