"""Turn a labelled transcript into a video script with on-screen disclosure overlays, and the true verdicts.

The picture is a busy, moving lavfi source at 1280×720 (every frame differs, as real footage does). Each sponsor
segment gets, by a seeded coin, one of three screen treatments: nothing, a bare label («Реклама» / «Партнёрский
материал» / "Sponsored" / "Ad"), or a full disclosure («Реклама. ООО «X». erid: …» / "Paid partnership with X #ad"),
in one of the styles a viewer meets: white text on a dark semi-transparent box, or box-less with a dark outline,
26–40 px, at the bottom or in a corner; sometimes a QR code with the advertiser's link. Every video also gets a
neutral title card, so that on-screen text alone is not a sign of an ad.

The true verdict follows the law, not the engine: 38-FZ wants the label «реклама», the advertiser and an erid token
together; the FTC wants a clear label at the start, on screen or spoken. What was spoken is read from the transcript
with the plain wording of those rules (the phrases below), nothing more.

`trim` cuts a long generated transcript to a 2–4 minute window that holds its ads (see its docstring).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from veritasad.analysis.engine.text.dataset import Label, LabelledVideo
from veritasad.testing.media import Line, Overlay, Script

TREATMENTS = ("none", "label", "full")
LABELS = {"ru": ("Реклама", "Партнёрский материал"), "en": ("Sponsored", "Ad")}
# Sources that change every frame: a zooming fractal, a colour test card with moving parts, a scrolling cellular
# automaton, a panning fractal. `life` is left out: its pixel-sized cells make a 3-minute clip ~400 MB.
BACKGROUNDS = ("mandelbrot", "testsrc2", "cellauto", "sierpinski")
POSITIONS = ("bottom", "bottom-left", "bottom-right", "top-left", "top-right")
SIZE = (1280, 720)
# Fallback advertisers for transcripts that do not name theirs (the hand-written seed split).
ENTITIES_RU = (("ООО «Вектор»", "vektor.example"), ("ООО «Северный ветер»", "sevveter.example"),
               ("АО «Ромашка»", "romashka.example"), ("ИП Соколов А. В.", "sokolov.example"))
ENTITIES_EN = (("Acme Inc.", "acme.example"), ("Brightline LLC", "brightline.example"),
               ("Northwind Co.", "northwind.example"), ("Globex Corp.", "globex.example"))
TITLES = {"ru": ("Выпуск {n}", "Часть {n}", "Эпизод {n}"), "en": ("Episode {n}", "Part {n}", "Day {n}")}
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# Spoken disclosure in the rules' own words: the 38-FZ label, and the FTC's "sponsored"/"ad"/"paid partnership".
SPOKEN_LABEL = {"ru": re.compile(r"реклам", re.IGNORECASE), "en": re.compile(r"\bsponsor|\bpaid partnership|#ad\b", re.IGNORECASE)}
SPOKEN_HINT_RU = re.compile(r"партн[её]р|спонсор", re.IGNORECASE)  # a partial marker under 38-FZ, not the label
NEAR_START = 15.0  # seconds: the FTC's "near the start", as the product reads it


@dataclass
class TruthSegment:
    label: Label
    treatment: str
    qr: bool
    verdict: str
    text: str = ""  # the on-screen label, if any
    advertiser: str = ""  # as a full label shows it
    style: str = ""  # "box"/"outline", size, position, background: where the engine fails, this says how it looked


def _erid(rng: random.Random) -> str:
    return "2Vtzq" + "".join(rng.choice(BASE58) for _ in range(8))


def _overlay_text(language: str, treatment: str, entity: str, erid: str, rng: random.Random) -> str:
    if treatment == "label":
        return rng.choice(LABELS["ru" if language == "ru" else "en"])
    if language == "ru":
        return f"Реклама. {entity}. erid: {erid}"
    return f"Paid partnership with {entity} #ad"


def _spoken(video: LabelledVideo, pattern: re.Pattern, start: float, end: float) -> bool:
    return any(pattern.search(u.text) for u in video.utterances if u.end > start and u.start < end)


def true_verdict(video: LabelledVideo, label: Label, treatment: str) -> str:
    lang = video.language
    said_label_early = _spoken(video, SPOKEN_LABEL.get(lang, SPOKEN_LABEL["en"]), label.start - 10,
                               label.start + NEAR_START)
    said_label = _spoken(video, SPOKEN_LABEL.get(lang, SPOKEN_LABEL["en"]), label.start - 10, label.end)
    if lang == "ru":
        if treatment == "full":
            return "disclosed"
        hint = _spoken(video, SPOKEN_HINT_RU, label.start - 10, label.end)
        return "partially_disclosed" if treatment == "label" or said_label or hint else "undisclosed"
    if treatment != "none" or said_label_early:
        return "disclosed"
    return "partially_disclosed" if said_label else "undisclosed"


def _style(rng: random.Random, qr: bool) -> dict:
    """Overlay keyword arguments: a box or an outline, a size, a place (not the QR code's top-right corner)."""
    positions = [p for p in POSITIONS if not (qr and p == "top-right")]
    style = {"fontsize": rng.randint(26, 40), "position": rng.choice(positions)}
    if rng.random() < 0.5:
        style.update(box=True, box_color=f"black@{rng.choice((0.5, 0.6, 0.7))}")
    else:
        style.update(box=False, outline=rng.choice((2, 3)))
    return style


def _describe(style: dict, background: str) -> str:
    kind = "box" if style["box"] else "outline"
    return f"{kind} {style['fontsize']}px {style['position']} on {background}"


def build(video: LabelledVideo, rng: random.Random, sponsors: list[tuple[str, str] | None] | None = None,
          size: tuple[int, int] = SIZE, fps: int = 25) -> tuple[Script, list[TruthSegment]]:
    """The script and the truth of `video`. `sponsors`, one per label: the advertiser's (name as shown, domain),
    or None to draw an invented one."""
    lines = [Line(u.start, u.text, video.language, u.end) for u in video.utterances]
    background = rng.choice(BACKGROUNDS)
    title = rng.choice(TITLES["ru" if video.language == "ru" else "en"]).format(n=rng.randint(2, 60))
    overlays = [Overlay(0.0, min(5.0, video.duration), text=title, position="top", fontsize=rng.randint(30, 44),
                        box=False, outline=2)]
    truth: list[TruthSegment] = []
    entities = ENTITIES_RU if video.language == "ru" else ENTITIES_EN
    for k, label in enumerate(video.labels):
        if label.category != "sponsor":
            continue
        treatment = rng.choice(TREATMENTS)
        qr = rng.random() < 0.4
        entity, domain = (sponsors[k] if sponsors and sponsors[k] else None) or rng.choice(entities)
        style = _style(rng, qr)
        # Some labels stay up for the whole read, most for its first 5-10 s.
        show_until = label.end if rng.random() < 0.3 else min(label.end, label.start + rng.uniform(5.0, 10.0))
        text = ""
        if treatment != "none":
            text = _overlay_text(video.language, treatment, entity, _erid(rng), rng)
            overlays.append(Overlay(label.start, show_until, text=text, **style))
        if qr:
            overlays.append(Overlay(label.start, label.end, qr=f"https://{domain}/promo"))
        truth.append(TruthSegment(label, treatment, qr, true_verdict(video, label, treatment), text, entity,
                                  _describe(style, background) if text else f"(no label) on {background}"))
    script = Script(duration=video.duration, lines=lines, overlays=overlays, width=size[0], height=size[1], fps=fps,
                    background=background, seed=rng.randrange(1 << 30))
    return script, truth


def trim(row: dict, rng: random.Random, shortest: float = 120.0, longest: float = 240.0) -> dict:
    """A grammar row cut to a window of shortest–longest seconds (drawn) that holds its ads, times shifted to 0.

    The window holds the run of consecutive ad labels with the most sponsor reads that fits in it, placed at a
    random offset around them; its edges are moved out of any label they would cut (so a label is either whole in
    the window or gone), and only utterances wholly inside are kept. A row with no ads gets a random window."""
    length = rng.uniform(shortest, longest)
    utts, labels = row["transcript"], sorted(row.get("labels", []), key=lambda x: x["start"])
    if row["duration"] <= length:
        return row
    lo, hi = 0.0, row["duration"] - length  # where the window may start
    best = None
    for i in range(len(labels)):
        for j in range(i, len(labels)):
            if labels[j]["end"] - labels[i]["start"] > length - 4:
                break
            score = (sum(x["category"] == "sponsor" for x in labels[i:j + 1]), j - i)
            if best is None or score > best[0]:
                best = (score, labels[i]["start"], labels[j]["end"])
    if best:
        lo, hi = max(lo, best[2] + 2 - length), min(hi, best[1] - 2)
    start = rng.uniform(lo, max(lo, hi))
    end = start + length
    for x in labels:  # move an edge that cuts a label out of it, dropping that label
        if x["start"] < start < x["end"]:
            start = x["end"]
        if x["start"] < end < x["end"]:
            end = x["start"]
    kept = [u for u in utts if u["start"] >= start and u["end"] <= end]
    if not kept:
        return row
    shift = kept[0]["start"] - round(rng.uniform(0.3, 1.5), 2)
    move = lambda d: {**d, "start": round(d["start"] - shift, 2), "end": round(d["end"] - shift, 2)}
    return {**row, "transcript": [move(u) for u in kept],
            "labels": [move(x) for x in labels if x["start"] >= start and x["end"] <= end],
            "duration": round(kept[-1]["end"] - shift + rng.uniform(0.5, 2.0), 2),
            "window": [round(shift, 2), round(end, 2)]}
