"""Screen: OCR (Tesseract, Russian + English) and QR / barcode decoding of sampled frames.

Text is found before it is read (text_regions: a few milliseconds a frame) and each line is read on its own,
upscaled, in single-line mode (line_ocr). Tesseract's page layout on the whole frame, which this replaced,
lost captions on busy moving pictures: a white label on a semi-transparent box in a corner came back as nothing
or a fragment, while a person reads it at a glance.

tesserocr keeps Tesseract loaded in-process (pytesseract starts a process and reloads the models per image).
Frames that look the same as the last one read are not read again. On busy moving video every frame differs,
but a caption does not: a line whose pixels match a line read in an earlier frame (same place, same binarised
glyphs) takes that reading instead of another OCR pass. The same text seen in consecutive frames is merged into
one span from its first to its last frame.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import numpy as np

from veritasad.analysis.engine.errors import EngineError
from veritasad.analysis.engine.line_ocr import LineReader, Reading
from veritasad.analysis.engine.media import Frame
from veritasad.analysis.engine.text_regions import Box, find_lines, overlap
from veritasad.analysis.engine.types import ScreenText

DETECT_WIDTH = 960  # px: lines are found at this width (see detection_copy)
TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                 "/usr/share/tessdata", "/usr/local/share/tessdata")
_WORDLIKE = re.compile(r"[0-9A-Za-zА-Яа-яЁё]")
# Latin and Cyrillic letters that look alike: OCR picks either script for them, so compare them as one.
_LOOKALIKES = str.maketrans("аеорсухкмтвнё", "aeopcyxkmtbhe")
_TO_CYRILLIC = str.maketrans("AaBEeKkMHOoPpCcTyXx", "АаВЕеКкМНОоРрСсТуХх")
_LATIN, _CYRILLIC = re.compile(r"[A-Za-z]"), re.compile(r"[А-Яа-яЁё]")
# «Реклама» read wholly in Latin letters ("Peknama", "PEKJIAMA"): Tesseract does this to the one word 38-FZ
# requires often enough to undo it. Only that word: any other all-Latin word may well be Latin.
_PEKNAMA = re.compile(r"[^\w«\"]?(?:P|p)(?:e|E)(?:k|K|x)(?:n|JI|Jl|Л)(?:a|A)(?:m|M)(?:a|A|bI|bl|y|e|E|u)?[.,:;]?")
# «Партнёр» before «выпуска», its «П» read as "Ml", "Jl" or «Л» and the rest in Latin ("MlapTHép выпуска").
_PARTNER = re.compile(r"(?:П|Л|Ml|MI|Jl|JI|N|M)[аa][рp][тТT][нНH][ёеeéè][рp]")
# A speck of texture read as a symbol glued in front ("¥Peknama") is dropped with it.
_LABEL_TO_CYRILLIC = str.maketrans({"P": "Р", "p": "р", "e": "е", "E": "Е", "k": "к", "K": "К", "x": "к", "n": "л",
                                    "a": "а", "A": "А", "m": "м", "M": "М", "y": "у", "u": "и"})


@dataclass(frozen=True)
class VisionOptions:
    # English first: with Russian first, Tesseract reads the Latin "erid" as Cyrillic "епа".
    languages: str = "eng+rus"
    tessdata: str | None = None
    min_confidence: float = 55.0  # Tesseract's 0-100 line confidence; below it is mostly texture read as text
    codes: bool = True  # QR codes and barcodes
    same_cell_diff: float = 10.0  # grey levels: a frame whose every 8x8 cell moved less than this is "the same"
    merge_similarity: float = 0.8  # texts at least this alike (difflib ratio) are one text seen again
    max_gap: float = 5.0  # seconds a text may go unread (a misread frame) and still continue its span
    min_edges: float = 0.001  # share of sharp-edge pixels below which a frame cannot hold readable text
    max_lines: int = 8  # candidate lines read per frame, likeliest first: bounds the cost of a busy frame
    fine_texture: float = 20.0  # fine_texture() above which lines are also looked for on a smoothed copy
    remembered_lines: int = 48  # lines kept for matching against later frames


@dataclass
class _Span:
    text: str
    key: str
    source: str
    start: float
    end: float
    confidence: float


def tessdata_dir(explicit: str | None = None) -> str:
    for candidate in (explicit, os.environ.get("TESSDATA_PREFIX"), *TESSDATA_DIRS):
        if candidate and (Path(candidate) / "eng.traineddata").is_file():
            return candidate
    raise EngineError("OCR_UNAVAILABLE", "Tesseract language data not found (install tesseract-ocr-eng/-rus)")


class ScreenReader:
    """Reads text and codes from frames; one instance per video (Tesseract state is not thread-safe)."""

    def __init__(self, options: VisionOptions | None = None) -> None:
        self.options = options or VisionOptions()
        self._lines = LineReader(tessdata_dir(self.options.tessdata), self.options.languages)
        self._seen = _SeenLines(self.options.remembered_lines)

    def close(self) -> None:
        self._lines.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read_text(self, image: np.ndarray) -> list[tuple[str, float]]:
        """(line, confidence 0-100) pairs, top to bottom."""
        found: list[tuple[int, int, str, float]] = []
        for box, source in self._candidates(image):
            x0, y0, x1, y1 = box.grow(source.shape, dx=0.8, dy=0.35)
            crop = source[y0:y1, x0:x1]
            reading = self._seen.get(source, box)
            if reading is None:
                got = self._lines.read(crop, box.h, box.light)
                reading = (fix_script(got.text), got.confidence) if got is not None and self._keep(got) else ("", 0.0)
                self._seen.put(source, box, reading)
            if reading[0] and all(reading[0] != text for *_, text, _ in found):
                found.append((box.y, box.x, *reading))
        return [(text, conf) for _, _, text, conf in sorted(found)]

    def _candidates(self, image: np.ndarray) -> list[tuple[Box, np.ndarray]]:
        """(line box, the picture to read it from). Lines are found on a copy at most DETECT_WIDTH wide and read
        from the frame. On fine texture everywhere (grain, noise, cellular patterns) box-less text touches the
        texture and makes no calm row; a 3x3 grey opening (closing, for dark text) wipes out specks thinner than
        a stroke and leaves the glyphs, so the lines are looked for, and read, there too."""
        small, k = detection_copy(image)
        lines = [(box.scaled(k) if k != 1.0 else box, image)
                 for box in find_lines(small, max_lines=self.options.max_lines)]
        opened, closed = open_close(small)
        if fine_texture(opened, closed) < self.options.fine_texture:
            return lines
        found = [box for box, _ in lines]
        for light, smoothed in ((True, opened), (False, closed)):
            source = smoothed if k == 1.0 else open_close(image)[0 if light else 1]
            for box in find_lines(smoothed, max_lines=self.options.max_lines):
                box = box.scaled(k) if k != 1.0 else box
                if box.light == light and not any(overlap(box, other) > 0.6 for other in found):
                    lines.append((box, source))
                    found.append(box)
        return lines

    def _keep(self, reading: Reading) -> bool:
        """Confident enough, with letters enough to be text. Texture read as text comes out as one to five
        letters, mostly short "words" ("Rew!", "iw ee ~"); a real line is longer or surer of itself. The one
        short label that matters, "#ad", has a "#" that texture readings never had. A line with a whole erid
        token in it is kept down to a confidence of 35: texture at its ends drags the line's figure down."""
        text, confidence = reading.text, reading.confidence
        if reading.tokens and confidence >= 35:
            return True
        letters = len(_WORDLIKE.findall(text))
        if confidence < self.options.min_confidence or letters < 2:
            return False
        if letters < 3:
            return "#" in text and confidence >= 70
        longest = max((len(_WORDLIKE.findall(w)) for w in text.split()), default=0)
        return letters >= 6 and longest >= 3 or confidence >= 80 and longest >= 3

    def read_codes(self, image: np.ndarray) -> list[tuple[str, str]]:
        """(payload, "qr" | "barcode") for every code zxing-cpp finds."""
        import zxingcpp

        found = []
        # Not rotated: QR codes are found at any angle anyway, and a barcode on screen stands upright; trying
        # the rotations took 13 ms a frame against 5.
        for code in zxingcpp.read_barcodes(image, try_rotate=False):
            if code.valid and code.text:
                kind = "qr" if code.format in (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.MicroQRCode) \
                    else "barcode"
                found.append((code.text, kind))
        return found

class _SeenLines:
    """Readings of lines from earlier frames, found again by place and by their binarised pixels.

    The glyphs of an overlay stay put while the picture under a semi-transparent box moves: Otsu's threshold
    over the line's crop gives the same black-and-white glyphs in every frame, so a crop that binarises to
    (nearly) the same mask as a remembered one is the same line and needs no OCR pass."""

    def __init__(self, size: int, tolerance: float = 0.06) -> None:
        self._items: list[tuple[tuple[int, int, int, int], np.ndarray, tuple[str, float]]] = []
        self._size, self._tolerance = size, tolerance

    def get(self, image: np.ndarray, box: Box) -> tuple[str, float] | None:
        slack = max(2, box.h // 4)  # the same line is found a pixel or two off as the picture moves
        for i, (where, mask, reading) in enumerate(self._items):
            x0, y0, x1, y1 = where
            if max(abs(x0 - box.x), abs(y0 - box.y), abs(x1 - box.x - box.w), abs(y1 - box.y - box.h)) > slack:
                continue
            # Only the glyph box is compared: around it the picture shows and moves.
            if float(np.mean(_mask(image[y0:y1, x0:x1]) != mask)) <= self._tolerance:
                self._items.append(self._items.pop(i))  # most recently used last
                return reading
        return None

    def put(self, image: np.ndarray, box: Box, reading: tuple[str, float]) -> None:
        where = (box.x, box.y, box.x + box.w, box.y + box.h)
        self._items.append((where, _mask(image[box.y:box.y + box.h, box.x:box.x + box.w]), reading))
        del self._items[: max(0, len(self._items) - self._size)]


def _mask(crop: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]


def detection_copy(image: np.ndarray) -> tuple[np.ndarray, float]:
    """(the frame at most DETECT_WIDTH wide, the factor back to the frame). Lines are found on the small copy,
    whose glyph sizes and contrasts text_regions was tuned on, and read from the frame's own pixels: a 20 px
    caption at 1280x720 is 15 px at 960, where 5 and S, g and q no longer differ."""
    import cv2

    height, width = image.shape[:2]
    if width <= DETECT_WIDTH:
        return image, 1.0
    k = width / DETECT_WIDTH
    small = cv2.resize(image, (DETECT_WIDTH, round(height / k)), interpolation=cv2.INTER_AREA)
    return small, k


_SPECK = np.ones((3, 3), np.uint8)


def open_close(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The picture 3x3-opened (light specks wiped out: for light text) and closed (dark specks: for dark text)."""
    import cv2

    return cv2.morphologyEx(image, cv2.MORPH_OPEN, _SPECK), cv2.morphologyEx(image, cv2.MORPH_CLOSE, _SPECK)


def fine_texture(opened: np.ndarray, closed: np.ndarray) -> float:
    """Mean grey gap between a picture's 3x3 closing and opening: how much of it is specks finer than a stroke.
    On the benchmark's pictures cellular patterns score 85-160 and noise 30-35, the game of life 4-25,
    photo-like pictures, gradients, test cards and fractal zooms under 4."""
    import cv2

    return float(np.mean(cv2.absdiff(closed, opened)))


def cells(image: np.ndarray, size: int = 8) -> np.ndarray:
    """Mean grey level of each size x size cell: a coarse picture that ignores compression noise."""
    h, w = (image.shape[0] // size) * size, (image.shape[1] // size) * size
    return image[:h, :w].reshape(h // size, size, w // size, size).mean(axis=(1, 3))


def edge_share(image: np.ndarray, step: int = 48) -> float:
    """Share of pixels (at half resolution) with a sharp horizontal step: text and codes have many, smooth
    pictures have none. Costs well under a millisecond, so frames without text skip Tesseract altogether."""
    small = image[::2, ::2].astype(np.int16)
    return float((np.abs(np.diff(small, axis=1)) > step).mean())


def same_picture(a: np.ndarray | None, b: np.ndarray, cell_diff: float) -> bool:
    """True when no cell changed by `cell_diff` grey levels: a small new overlay changes a few cells a lot."""
    return a is not None and a.shape == b.shape and float(np.max(np.abs(a - b))) < cell_diff


def read_screen(
    frames: Iterable[Frame],
    options: VisionOptions | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> list[ScreenText]:
    """OCR text and codes from `frames` (in time order), merged into spans of the same text."""
    options = options or VisionOptions()
    open_spans: list[_Span] = []
    done: list[_Span] = []
    last_cells: np.ndarray | None = None
    last_found: list[tuple[str, str, float]] = []
    with ScreenReader(options) as reader:
        for frame in frames:
            grid = cells(frame.image)
            if not same_picture(last_cells, grid, options.same_cell_diff):
                last_found = _read(reader, frame.image, options)
                last_cells = grid
            open_spans, closed = _advance(open_spans, last_found, frame.time, options)
            done.extend(closed)
            if on_progress is not None:
                on_progress(frame.time)
    done.extend(open_spans)
    return [
        ScreenText(start=round(s.start, 3), end=round(s.end, 3), text=s.text, source=s.source,
                   confidence=round(s.confidence, 3))
        for s in sorted(done, key=lambda s: (s.start, s.text))
    ]


def fix_script(line: str) -> str:
    """Put look-alike Latin letters back into Cyrillic where the text is Russian.

    Tesseract reads «ООО» or «АО» in Latin letters about as often as in Cyrillic. A word mixing both alphabets
    is always a misreading; a short word (up to 3 letters: ООО, АО, ОАО) made only of letters both alphabets
    share is given Cyrillic when the line has Russian in it. Longer ones may be promo codes, and words with
    digits (tokens such as erid) or any Latin-only letter (erid, domains) stay as read.
    """
    russian = len(_CYRILLIC.findall(line)) >= 4
    out = []
    words = line.split(" ")
    for i, word in enumerate(words):
        if _PARTNER.fullmatch(word) and i + 1 < len(words) and words[i + 1].startswith("выпуск"):
            out.append("Партнёр")
            continue
        if _PEKNAMA.fullmatch(word):
            word = word if word[0] in "Pp" else word[1:]
            out.append(word.replace("JI", "Л").replace("Jl", "Л").replace("bI", "ы").replace("bl", "ы")
                       .translate(_LABEL_TO_CYRILLIC))
            continue
        converted = word.translate(_TO_CYRILLIC)
        if _LATIN.search(word) and not _LATIN.search(converted) and not any(ch.isdigit() for ch in word) \
                and (_CYRILLIC.search(word) or (russian and len(word.strip(".,:;«»\"()")) <= 3)):
            word = converted
        out.append(word)
    return " ".join(out)


def _read(reader: ScreenReader, image: np.ndarray, options: VisionOptions) -> list[tuple[str, str, float]]:
    if edge_share(image) < options.min_edges:
        return []
    found = [(text, "ocr", conf / 100) for text, conf in reader.read_text(image)]
    if options.codes:
        found += [(payload, kind, 1.0) for payload, kind in reader.read_codes(image)]
    return found


def _key(text: str) -> str:
    return " ".join(text.casefold().translate(_LOOKALIKES).split())


def _advance(
    open_spans: list[_Span], found: list[tuple[str, str, float]], time: float, options: VisionOptions
) -> tuple[list[_Span], list[_Span]]:
    """Extend the open spans whose text is seen again at `time`, open new ones, close those unseen too long."""
    still_open: list[_Span] = []
    unmatched = list(open_spans)
    for text, source, confidence in found:
        key = _key(text)
        match = next(
            (s for s in unmatched if s.source == source and _alike(s.key, key, source, options.merge_similarity)),
            None,
        )
        if match is None:
            still_open.append(_Span(text, key, source, time, time, confidence))
            continue
        unmatched.remove(match)
        match.end = time
        if confidence > match.confidence:  # keep the clearest reading of the text
            match.text, match.key, match.confidence = text, key, confidence
        still_open.append(match)
    keep = [s for s in unmatched if time - s.end <= options.max_gap]
    closed = [s for s in unmatched if time - s.end > options.max_gap]
    return still_open + keep, closed


def _alike(a: str, b: str, source: str, similarity: float) -> bool:
    if source != "ocr":
        return a == b  # a code's payload is exact
    return a == b or difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= similarity
