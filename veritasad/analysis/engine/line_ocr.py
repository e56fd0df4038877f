"""Reading one text line that text_regions found: Tesseract in single-line mode on the line alone, upscaled.

A line is read up to four ways (Otsu and adaptive binarisation, Tesseract's own on the grey crop, the other
polarity) and the most confident reading kept; a clear line stops after the first. Texture that only looks
like a line reads with low confidence on the first try and is dropped without the other tries.

Exact tokens matter more than words: an erid token, a domain or a promo code is useless with one character
wrong, and the Russian+English model is free to read a Latin "B" as Cyrillic "В" or "0" as "О". So where the
first reading holds one, that word is read again by a second Tesseract instance restricted to the characters
such a token can have (tessedit_char_whitelist), on each binarisation of the line at three scales, and the
characters most of those readings agree on, weighted by the LSTM's own per-character alternatives, replace it
(see tokens.py for what else settles a token's characters).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from veritasad.analysis.engine.tokens import (
    ERID_GLUED,
    SHAPES,
    TO_BASE58,
    WHITELISTS,
    Choices,
    Word,
    fix_case,
    join_split_token,
    token_at,
    vote_weighted,
    with_tops,
)

TARGET_HEIGHT = 34  # px: a glyph row upscaled to about this is what Tesseract's LSTM reads best
TOKEN_HEIGHTS = (48, 64)  # px: the other scales tokens are read at (a third, 80, gained 0.01 on dev for 12 % more time)
CLEAR = 85.0  # a reading this confident is kept without trying the other binarisations
HOPELESS = 40.0  # a first reading below this is texture, not text: no further tries
METHODS = ("otsu", "grey", "adaptive", "inverse")
FREE_WEIGHT = 0.3  # the free reading's vote on a token character, against a restricted reading's probability

@dataclass
class Reading:
    text: str
    confidence: float  # 0-100
    words: list[Word] = field(default_factory=list)
    image: np.ndarray | None = None  # the prepared (upscaled, binarised) image the words were read from
    tokens: int = 0  # erid tokens found whole (keyword, then a token of the right alphabet and length)


def _scale(glyph_height: int, target: int) -> float:
    return min(4.0, max(0.5, target / max(glyph_height, 1)))


def prepare(crop: np.ndarray, glyph_height: int, light: bool, method: str, target: int = TARGET_HEIGHT) -> np.ndarray:
    """Dark text on white, upscaled so that a glyph is about `target` px, binarised by `method`."""
    import cv2

    scale = _scale(glyph_height, target)
    image = crop if scale == 1 else cv2.resize(crop, None, fx=scale, fy=scale,
                                               interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
    if light != (method == "inverse"):
        image = 255 - image
    if method == "adaptive":
        block = int(TARGET_HEIGHT * 1.5) | 1
        image = cv2.adaptiveThreshold(image, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 12)
    elif method != "grey":
        image = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]
    if method != "grey":
        image = _drop_border_blobs(image)
    return cv2.copyMakeBorder(image, 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=255)


def _drop_border_blobs(binary: np.ndarray) -> np.ndarray:
    """Whiten what cannot be a glyph of the line: specks (noise, compression), and blobs that touch the top or
    bottom edge with their middle outside the glyph band (texture cut by the crop; the crop leaves a margin
    above and below the glyphs, so a glyph that touches texture keeps its middle inside the band)."""
    import cv2

    count, labels, stats, centroids = cv2.connectedComponentsWithStats(255 - binary, connectivity=8)
    if count <= 1:
        return binary
    height, width = binary.shape
    x, y, w, h, area = stats.T
    middle = centroids[:, 1]
    at_edge = (y == 0) | (y + h >= height) | (x == 0) | (x + w >= width)
    outside = (middle < 0.3 * height) | (middle > 0.7 * height)
    # A blob as high as the crop is the edge of a box or of the picture: glyphs sit inside the margins.
    drop = (area < 10) | (at_edge & outside) | (h >= 0.9 * height)
    drop[0] = False
    if not drop.any():
        return binary
    out = binary.copy()
    out[drop[labels]] = 255
    return out


class LineReader:
    """Two Tesseract instances: the Russian+English reader, and the restricted one for exact tokens."""

    def __init__(self, tessdata: str, languages: str) -> None:
        import tesserocr

        self._tess = tesserocr
        self._tessdata = tessdata
        self._api = tesserocr.PyTessBaseAPI(path=tessdata, lang=languages, psm=tesserocr.PSM.SINGLE_LINE)
        self._exact_api = None  # started on the first token: most videos show none
        self._whitelist: str | None = None

    @property
    def _exact(self):  # tesserocr.PyTessBaseAPI, untyped
        if self._exact_api is None:
            # English alone: tokens are Latin letters and digits, and a whitelist cannot steer a model that
            # was trained to expect Cyrillic.
            self._exact_api = self._tess.PyTessBaseAPI(path=self._tessdata, lang="eng",
                                                       psm=self._tess.PSM.SINGLE_LINE)
        return self._exact_api

    def close(self) -> None:
        self._api.End()
        if self._exact_api is not None:
            self._exact_api.End()

    def read(self, crop: np.ndarray, glyph_height: int, light: bool) -> Reading | None:
        """The best reading of a line crop, its tokens re-read exactly; None when it reads as nothing."""
        best: Reading | None = None
        for i, method in enumerate(METHODS):
            reading = self._read(prepare(crop, glyph_height, light, method))
            if best is None or _better(reading, best):
                best = reading
            if best.confidence >= CLEAR or (i == 0 and best.confidence < HOPELESS):
                break
            if method == "adaptive" and best.confidence >= 60:
                break  # the other polarity only helps lines read nearly not at all
        if best is None or not best.text:
            return None
        # Every binarisation has the same geometry, so the token boxes of the best reading fit them all; a
        # larger scale (box coordinates scaled along) makes the model err elsewhere, which the vote can use.
        def images() -> list[tuple[np.ndarray, float]]:  # only made for a line that holds a token
            out = [(best.image, 1.0)] + [(prepare(crop, glyph_height, light, m), 1.0) for m in METHODS[:3]]
            for height in TOKEN_HEIGHTS:
                k = _scale(glyph_height, height) / _scale(glyph_height, TARGET_HEIGHT)
                out += [(prepare(crop, glyph_height, light, m, height), k) for m in METHODS[:3]]
            return out

        return self.fix_tokens(best, images)

    def _read(self, image: np.ndarray) -> Reading:
        from PIL import Image

        tess = self._tess
        self._api.SetImage(Image.fromarray(image))
        self._api.Recognize()
        words: list[Word] = []
        iterator = self._api.GetIterator()
        if iterator is not None:
            for item in tess.iterate_level(iterator, tess.RIL.WORD):
                try:
                    text = item.GetUTF8Text(tess.RIL.WORD).strip()
                except RuntimeError:
                    continue
                box = item.BoundingBox(tess.RIL.WORD)
                if text and box is not None:
                    words.append(Word(text, item.Confidence(tess.RIL.WORD), box))
        text = " ".join(w.text for w in words)
        confidence = float(self._api.MeanTextConf()) if words else 0.0
        return Reading(text, confidence, words, image)

    def fix_tokens(self, reading: Reading,
                   images: Callable[[], list[tuple[np.ndarray, float]]] | None = None) -> Reading:
        """Re-read erid tokens, domains and promo codes with the restricted instance, on each picture `images()`
        makes (the line binarised several ways; by default the reading's own), and take the characters most of those
        readings agree on. The keyword before an erid token is written "erid:" however it was misread, so
        that the signal finder sees it."""
        made: list[list[tuple[np.ndarray, float]]] = []

        def pictures() -> list[tuple[np.ndarray, float]]:
            if not made:
                made.append(images() if images is not None else [(reading.image, 1.0)])
            return made[0]

        tokens = 0
        words = []
        for word in reading.words:  # "erid:2Vtzq…" read as one word: keyword and token apart
            glued = ERID_GLUED.match(word.text)
            words += [Word("erid:", word.confidence, word.box), Word(glued.group(1).translate(TO_BASE58), word.confidence, word.box)] \
                if glued else [word]
        for i, word in enumerate(words):
            kind, target = token_at(words, i)
            if kind is None or target is None or (target > 0 and words[target].box == words[target - 1].box):
                continue  # nothing to re-read, or a glued token: its box holds the keyword too
            if kind == "erid":
                join_split_token(words, target)
            first = words[target]
            free = first.text.rstrip("|").translate(TO_BASE58) if kind == "erid" else first.text  # "|": a box edge
            # Restricted readings first: their confidence means little (it is often 0 for a right answer),
            # but their alphabet is right. The free reading, look-alikes settled, only breaks ties.
            readings = [self._restricted(image, _scaled(first.box, k), kind) for image, k in pictures()]
            readings = [r for r in readings if SHAPES[kind].match(r[0])]
            if SHAPES[kind].match(free):
                readings.append((free, [{c: FREE_WEIGHT} for c in free]))
            if readings:
                words[target] = Word(vote_weighted(readings), first.confidence, first.box)
            if kind == "erid" and target == i and SHAPES["erid"].match(words[i].text):
                words[i] = Word(f"erid: {words[i].text}", words[i].confidence, words[i].box)
                tokens += 1
            if kind == "erid" and target != i and SHAPES["erid"].match(words[target].text):
                words[i] = Word("erid:", word.confidence, word.box)
                tokens += 1
        text = " ".join(w.text for w in words)
        return Reading(text, reading.confidence, words, reading.image, tokens)

    def _restricted(self, image: np.ndarray | None, box: tuple[int, int, int, int], kind: str) -> tuple[str, list[Choices]]:
        """(reading, each character's choices) of one word's box by the instance restricted to `kind`'s
        characters. The choices are the LSTM's own alternatives with their probabilities: where one reading
        hesitates between "5" and "S", its "S" counts for less against another reading's sure "5"."""
        from PIL import Image

        if image is None:
            return "", []
        x0, y0, x1, y1 = box
        pad = 6
        # The LSTM's word boxes can end inside the last glyph: a margin of a fifth of the word's height sideways
        # keeps it whole (dev erid 0.64 -> 0.68; wider margins take in the next word and did worse).
        side = max(pad, (y1 - y0) // 5)
        crop = image[max(0, y0 - pad): y1 + pad, max(0, x0 - side): x1 + side]
        if crop.size == 0:
            return "", []
        if self._whitelist != kind:
            self._exact.SetVariable("tessedit_char_whitelist", WHITELISTS[kind])
            self._whitelist = kind
        tess = self._tess
        self._exact.SetImage(Image.fromarray(np.pad(crop, 10, constant_values=255)))
        self._exact.Recognize()
        symbols: list[tuple[str, tuple[int, int, int, int]]] = []
        choices: list[Choices] = []
        iterator = self._exact.GetIterator()
        if iterator is not None:
            for item in tess.iterate_level(iterator, tess.RIL.SYMBOL):
                try:
                    char = item.GetUTF8Text(tess.RIL.SYMBOL).strip()
                except RuntimeError:
                    continue
                box = item.BoundingBox(tess.RIL.SYMBOL)
                if char and box is not None:
                    symbols.append((char, box))
                    choices.append(_choices(item, char, tess, WHITELISTS[kind]))
        text = fix_case(with_tops(crop, symbols, pad=10)) if kind == "erid" else "".join(c for c, _ in symbols)
        return text, [_recased(c, old, new) for c, old, new in zip(choices, (c for c, _ in symbols), text)] \
            if len(text) == len(symbols) else [{c: 1.0} for c in text]


def _choices(item, char: str, tess, allowed: str) -> Choices:  # item: a tesserocr result iterator at RIL.SYMBOL
    """The symbol's alternatives, as probabilities (0-1); the symbol itself at least at its own confidence."""
    out: Choices = {}
    try:
        for choice in item.GetChoiceIterator():
            alt = choice.GetUTF8Text().strip()
            if len(alt) == 1 and alt in allowed:
                out[alt] = max(out.get(alt, 0.0), choice.Confidence() / 100)
    except RuntimeError:
        pass
    out[char] = max(out.get(char, 0.0), item.Confidence(tess.RIL.SYMBOL) / 100, 0.05)
    return out


def _recased(choices: Choices, old: str, new: str) -> Choices:
    """Choices after the ink heights settled a letter's case: the weight moves to the case the ink shows."""
    if old == new:
        return choices
    out = dict(choices)
    out[new] = out.get(new, 0.0) + out.pop(old, 0.0)
    return out


def _scaled(box: tuple[int, int, int, int], k: float) -> tuple[int, int, int, int]:
    """A box in a prepared image mapped into one prepared at k times the scale (both with a 12 px border)."""
    return tuple(round((v - 12) * k + 12) for v in box)  # type: ignore[return-value]


def _better(a: Reading, b: Reading) -> bool:
    """More confident wins; a reading that found words beats one that found none."""
    if bool(a.words) != bool(b.words):
        return bool(a.words)
    return a.confidence > b.confidence
