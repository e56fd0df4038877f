"""WCAG AA contrast of the stylesheet's colour pairs, in the light and the dark theme."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "veritasad" / "web" / "static" / "app.css").read_text()
# (foreground, background, minimum ratio): body text needs 4.5:1; badges are bold small text, also 4.5.
PAIRS = [
    ("text", "bg", 4.5), ("text", "surface", 4.5), ("text", "surface-2", 4.5), ("muted", "bg", 4.5),
    ("muted", "surface", 4.5), ("muted", "surface-2", 4.5), ("link", "bg", 4.5), ("link", "surface", 4.5),
    ("primary-text", "primary", 4.5), ("primary-text", "primary-hover", 4.5), ("ok", "ok-bg", 4.5),
    ("warn", "warn-bg", 4.5), ("bad", "bad-bg", 4.5), ("text", "info-bg", 4.5), ("bad", "surface", 4.5),
    ("focus", "bg", 3.0), ("border", "bg", 1.3),
]  # fmt: skip


def variables(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", block))


def theme(name: str) -> dict[str, str]:
    light = variables(CSS[CSS.index(":root {") : CSS.index("}", CSS.index(":root {"))])
    if name == "light":
        return light
    start = CSS.index(':root[data-theme="dark"] {')
    return {**light, **variables(CSS[start : CSS.index("}", start)])}


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_ratio_matches_the_wcag_reference_values():
    assert ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_colour_pairs_pass_aa(name):
    colours = theme(name)
    failing = [
        f"{fg} on {bg}: {ratio(colours[fg], colours[bg]):.2f} < {need}"
        for fg, bg, need in PAIRS
        if ratio(colours[fg], colours[bg]) < need
    ]
    assert not failing


def test_the_system_dark_block_matches_the_toggle_dark_block():
    """Dark mode is written twice (following the system, and chosen by the toggle): same colours."""
    system = CSS[CSS.index(':root:not([data-theme="light"]) {') :].split("}")[0]
    toggle = CSS[CSS.index(':root[data-theme="dark"] {') :].split("}")[0]
    assert variables(system) == variables(toggle)
