"""Where text may be in a frame: cheap candidate lines for the OCR to read, a few milliseconds per frame.

Tesseract's own page layout on a whole busy frame is slow and easily lost: a caption in a corner over a moving,
colourful picture came back as nothing or a fragment. So lines are found first, the way a person's eye finds
them: glyphs are small blobs that stand out from their surroundings (much lighter, or much darker, than the
local mean), of one height, in a row, with calm above and below. Each such row becomes a box that the OCR
then reads at its own scale. Texture makes blobs too, but rarely a row of same-height blobs with nothing
around it; what slips through is cheap to reject by the OCR's confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_MIN_H, _MAX_H = 5, 70  # glyph heights (px) that a 960-wide frame can hold as readable text
# Rows worth an OCR pass: "#ad" alone on calm ground scores 3; three blobs with texture around them score
# under 2, and on busy video they were most of the OCR time.
_MIN_SCORE = 2.5


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int
    light: bool  # light text on a darker ground (overlays mostly are)
    glyphs: int  # blobs that made the row
    clutter: float  # blobs of glyph size just above and below, per glyph: high on texture, ~0 on a caption

    @property
    def score(self) -> float:
        return self.glyphs / (1.0 + 2.0 * self.clutter)

    def scaled(self, k: float) -> Box:
        """The same box in a picture k times the size (found on a downscaled copy, read from the original)."""
        x0, y0 = int(self.x * k), int(self.y * k)
        x1, y1 = int(np.ceil((self.x + self.w) * k)), int(np.ceil((self.y + self.h) * k))
        return Box(x0, y0, x1 - x0, y1 - y0, self.light, self.glyphs, self.clutter)

    def grow(self, shape: tuple[int, int], dx: float, dy: float) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) padded by dx, dy line heights and clipped to the frame."""
        px, py = int(self.h * dx), int(self.h * dy)
        return (max(0, self.x - px), max(0, self.y - py),
                min(shape[1], self.x + self.w + px), min(shape[0], self.y + self.h + py))


def _blobs(gray: np.ndarray, light: bool, contrast: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(stats (x, y, w, h, area), calm, integral image of the marked pixels) of the blobs `contrast` grey levels
    above (or below) their surroundings that could be glyphs, or a few glyphs run together: at most a few
    times wider than high, and not a solid block. `calm` is the share of marked pixels just above and below
    each: what tells a caption from texture. On a box, or on a smooth part of the picture, a glyph has
    nothing right over or under it; a speck of foliage or noise has."""
    import cv2

    image = gray if light else 255 - gray
    mask = cv2.adaptiveThreshold(image, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 31, -contrast)
    stats = cv2.connectedComponentsWithStats(mask, connectivity=8)[2][1:]
    w, h, area = stats[:, 2], stats[:, 3], stats[:, 4]
    keep = (h >= _MIN_H) & (h <= _MAX_H) & (w <= 12 * h) & (area / np.maximum(w * h, 1) < 0.9) & (area >= 8)
    stats, integral = stats[keep].astype(np.int32), cv2.integral(mask)
    return stats, _calm(integral, stats), integral


def _calm(integral: np.ndarray, stats: np.ndarray) -> np.ndarray:
    """Share of marked pixels in the strips a quarter of each blob's height above and below it."""
    x, y, w, h = (stats[:, k].astype(np.int64) for k in range(4))
    rows, cols = integral.shape[0] - 1, integral.shape[1] - 1
    band = np.maximum(2, h // 4)

    def total(y0: np.ndarray, y1: np.ndarray) -> np.ndarray:
        y0, y1 = np.clip(y0, 0, rows), np.clip(y1, 0, rows)
        x0, x1 = np.clip(x, 0, cols), np.clip(x + w, 0, cols)
        return integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]

    # Divided by the strips' area inside the frame: a blob on the frame's edge is judged by one strip only.
    inside = (np.clip(y, 0, rows) - np.clip(y - band, 0, rows) + np.clip(y + h + band, 0, rows)
              - np.clip(y + h, 0, rows)) * w
    return (total(y - band, y) + total(y + h, y + h + band)) / np.maximum(inside, 1)


def _links(stats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of blobs that sit next to each other in a row: similar height, overlapping vertically, close.

    Blobs are bucketed by their vertical centre (buckets about half a glyph high, twice, offset by half a bucket,
    so that two blobs of a row share a bucket in at least one of the two) and sorted by x within a bucket; only
    a few sort-order neighbours are compared, so the cost stays linear in the number of blobs."""
    x, y, w, h = stats[:, 0], stats[:, 1], stats[:, 2], stats[:, 3]
    cy = y + h / 2
    pairs_a, pairs_b = [], []
    for scale_offset, offset in ((0.0, 0.0), (0.0, 0.5), (0.5, 0.0), (0.5, 0.5)):
        scale = np.floor(np.log2(h) + scale_offset)  # height class (2x steps): small letters meet capitals
        bucket = np.floor(cy / (0.5 * 2 ** scale) + offset)
        order = np.lexsort((x, bucket, scale))
        for step in (1, 2, 3):
            a, b = order[:-step], order[step:]
            same = (bucket[a] == bucket[b]) & (scale[a] == scale[b])
            hi, lo = np.maximum(h[a], h[b]), np.minimum(h[a], h[b])
            gap = x[b] - (x[a] + w[a])
            overlap = np.minimum(y[a] + h[a], y[b] + h[b]) - np.maximum(y[a], y[b])
            # Centres close too: a descender of one line overlaps the tall letters of the next line a little.
            ok = same & (gap <= 1.5 * hi) & (hi <= 2.2 * lo) & (overlap >= 0.5 * lo) & (np.abs(cy[a] - cy[b]) <= 0.4 * hi)
            pairs_a.append(a[ok])
            pairs_b.append(b[ok])
    return np.concatenate(pairs_a), np.concatenate(pairs_b)


def _rows(stats: np.ndarray) -> list[np.ndarray]:
    """Blob indices grouped into rows (connected through links), rows of one blob dropped."""
    a, b = _links(stats)
    row = _components(len(stats), a, b)
    order = np.argsort(row, kind="stable")
    groups = np.split(order, np.flatnonzero(np.diff(row[order])) + 1)
    return [g for g in groups if len(g) >= 2]


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of n nodes and edges a-b: each node gets the smallest index in its component.
    Labels spread along the edges and jump to their label's label until nothing changes; rows are chains
    of a few dozen blobs, so this ends in a handful of vectorised rounds (scipy's took 0.5 s to import)."""
    label = np.arange(n)
    while True:
        low = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, label):
            return label
        label = new


def _clutter(stats: np.ndarray, box: tuple[int, int, int, int], glyphs: int) -> float:
    """Blobs of about the row's height in the bands one row above and below it, per blob of the row."""
    x0, y0, x1, y1 = box
    h = y1 - y0
    cx = stats[:, 0] + stats[:, 2] / 2
    cy = stats[:, 1] + stats[:, 3] / 2
    near = (cx >= x0) & (cx <= x1) & (((cy >= y0 - h) & (cy < y0)) | ((cy > y1) & (cy <= y1 + h)))
    near &= stats[:, 3] >= 0.4 * h
    return float(near.sum()) / glyphs


def _on_baseline(s: np.ndarray, height: int) -> float:
    """Share of a row's blobs whose bottom is on the row's baseline: most glyphs stand on it (descenders
    aside), blobs of texture that happen to line up do not."""
    bottoms = s[:, 1] + s[:, 3]
    return float(np.mean(np.abs(bottoms - np.median(bottoms)) <= max(1.5, 0.12 * height)))


def _row_box(s: np.ndarray) -> tuple[int, int, int, int, int]:
    """(x0, y0, x1, y1, glyph height) of a row: its top and bottom from the typical glyph, so that one tall
    blob of texture touching the row does not stretch it."""
    height = int(np.median(s[:, 3]))
    typical = s[s[:, 3] <= 1.6 * height]
    return (int(s[:, 0].min()), int(typical[:, 1].min()), int((s[:, 0] + s[:, 2]).max()),
            int((typical[:, 1] + typical[:, 3]).max()), height)


# Calm enough to be a glyph: strictly (a caption box, a smooth picture), and loosely (text with an outline
# over texture). Both sets of lines are kept, the better-scored where they overlap: texture that joins a line
# on the loose test would spoil the reading of a boxed caption the strict test found clean.
_CALM = (0.08, 0.15)


def find_lines(gray: np.ndarray, contrast: int = 28, max_lines: int = 8) -> list[Box]:
    """Candidate text lines in a grey frame, the likeliest first, at most `max_lines`."""
    found: list[Box] = []
    for light in (True, False):
        stats, calm, integral = _blobs(gray, light, contrast)
        for limit in _CALM:
            found += _lines(stats[calm <= limit], integral, light)
    found = [b for b in _drop_nested(sorted(found, key=lambda b: -b.score))
             if b.glyphs >= 3 and b.w >= 2 * b.h and b.h <= _MAX_H and b.score >= _MIN_SCORE]
    return found[:max_lines]


def _lines(stats: np.ndarray, integral: np.ndarray, light: bool) -> list[Box]:
    """Rows of blobs that look like a line of text, merged and grown to whole lines."""
    if len(stats) < 2:
        return []
    boxes = []
    for members in sorted(_rows(stats), key=len, reverse=True)[:300]:  # texture makes hundreds
        s = stats[members]
        x0, y0, x1, y1, height = _row_box(s)
        if x1 - x0 < 1.5 * height or s[:, 2].sum() < 2 * height or _on_baseline(s, height) < 0.55:
            continue  # not one line of at least a short word, or blobs that do not stand on one line
        clutter = _clutter(stats, (x0, y0, x1, y1), len(members))
        if clutter < 3.0:  # lines of a two-line label count each other: only dense texture is cut
            boxes.append(Box(x0, y0, x1 - x0, y1 - y0, light, len(members), clutter))
    boxes = _merge_rows(_drop_nested(sorted(boxes, key=lambda b: -b.score)[:100]))
    return _merge_rows([_extend(b, stats, integral) for b in boxes])


def _extend(box: Box, stats: np.ndarray, integral: np.ndarray) -> Box:
    """Grow a line sideways over the blobs that sit on it: a capital, a short word («А.», "—") or a word of
    another height class that made no row of its own, each within a glyph height of the line and with calm
    between (a word space; not the edge of a caption box, beyond which the picture's blobs begin)."""
    h = box.h
    x, y, w, bh = stats[:, 0], stats[:, 1], stats[:, 2], stats[:, 3]
    cy = y + bh / 2
    on_line = (bh >= 0.3 * h) & (bh <= 1.6 * h) & (cy >= box.y - 0.1 * h) & (cy <= box.y + box.h + 0.1 * h) \
        & (y >= box.y - 0.6 * h) & (y + bh <= box.y + box.h + 0.6 * h)
    starts, ends = x[on_line], x[on_line] + w[on_line]
    x0, x1 = box.x, box.x + box.w
    added = 0
    while True:
        left = np.flatnonzero((ends < x0) & (ends >= x0 - 1.2 * h))
        right = np.flatnonzero((starts > x1) & (starts <= x1 + 1.2 * h))
        left = [i for i in left if _quiet(integral, int(ends[i]), x0, box)]
        right = [i for i in right if _quiet(integral, x1, int(starts[i]), box)]
        if not (left or right):
            break
        x0 = min([x0] + [int(starts[i]) for i in left])
        x1 = max([x1] + [int(ends[i]) for i in right])
        added += len(left) + len(right)
    return Box(x0, box.y, x1 - x0, box.h, box.light, box.glyphs + added, box.clutter)


def _quiet(integral: np.ndarray, x0: int, x1: int, box: Box) -> bool:
    """Hardly a marked pixel in columns x0..x1 over the line's rows."""
    y0, y1 = box.y, box.y + box.h
    if x1 <= x0:
        return True
    marked = integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]
    return marked <= 0.06 * (x1 - x0) * (y1 - y0)


def _merge_rows(boxes: list[Box]) -> list[Box]:
    """Join pieces of one line: capitals and small letters, or words, can come out as separate rows. Pieces of
    one polarity that overlap vertically, with about the same height, and lie within a few glyph heights of
    each other (a short word such as «А.» may be missing between them) are one line. One sweep from the left."""
    lines: list[Box] = []
    for b in sorted(boxes, key=lambda b: b.x):
        for i, a in enumerate(lines):
            lo, hi = min(a.h, b.h), max(a.h, b.h)
            overlap = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
            gap = b.x - (a.x + a.w)
            tight = overlap >= 0.8 * lo and hi <= 1.3 * lo  # the same baseline and size: surely one line
            if a.light == b.light and overlap >= 0.6 * lo and hi <= 1.8 * lo and gap <= (6 if tight else 3) * hi:
                lines[i] = _union(a, b)
                break
        else:
            lines.append(b)
    return lines


def _union(a: Box, b: Box) -> Box:
    x0, y0 = min(a.x, b.x), min(a.y, b.y)
    x1, y1 = max(a.x + a.w, b.x + b.w), max(a.y + a.h, b.y + b.h)
    glyphs = a.glyphs + b.glyphs
    return Box(x0, y0, x1 - x0, y1 - y0, a.light, glyphs, (a.clutter * a.glyphs + b.clutter * b.glyphs) / glyphs)


def _drop_nested(boxes: list[Box]) -> list[Box]:
    """The same text is found in both polarities (a glyph's outline, its hole): keep the better-scored box."""
    kept: list[Box] = []
    for b in boxes:
        if not any(overlap(b, k) > 0.6 for k in kept):
            kept.append(b)
    return kept


def overlap(a: Box, b: Box) -> float:
    w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    return max(0, w) * max(0, h) / min(a.w * a.h, b.w * b.h) if w > 0 and h > 0 else 0.0
