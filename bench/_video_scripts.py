"""Turn a labelled transcript into a video script with on-screen disclosure overlays, and the true verdicts.

Each sponsor segment gets, by a seeded coin, one of three screen treatments: nothing, a bare label («Реклама» /
"Sponsored"), or a full disclosure («Реклама. ООО «X». erid: …» / "Paid partnership with X #ad"), and sometimes a
QR code with the advertiser's link. The true verdict follows the law, not the engine: 38-FZ wants the label, the
advertiser and an erid token together; the FTC wants a clear label at the start, on screen or spoken. What was
spoken is read from the transcript with the plain wording of those rules (the phrases below), nothing more.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from veritasad.analysis.engine.text.dataset import Label, LabelledVideo
from veritasad.testing.media import Line, Overlay, Script

TREATMENTS = ("none", "label", "full")
ENTITIES_RU = (("ООО «Вектор»", "vektor.example"), ("ООО «Северный ветер»", "sevveter.example"),
               ("АО «Ромашка»", "romashka.example"), ("ИП Соколов А. В.", "sokolov.example"))
ENTITIES_EN = (("Acme Inc.", "acme.example"), ("Brightline LLC", "brightline.example"),
               ("Northwind Co.", "northwind.example"), ("Globex Corp.", "globex.example"))
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


def _erid(rng: random.Random) -> str:
    return "2Vtzq" + "".join(rng.choice(BASE58) for _ in range(8))


def _overlay_text(language: str, treatment: str, entity: str, erid: str) -> str:
    if language == "ru":
        return "Реклама" if treatment == "label" else f"Реклама. {entity}. erid: {erid}"
    return "Sponsored" if treatment == "label" else f"Paid partnership with {entity} #ad"


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


def build(video: LabelledVideo, rng: random.Random, size: tuple[int, int] = (640, 360),
          fps: int = 25) -> tuple[Script, list[TruthSegment]]:
    lines = [Line(u.start, u.text, video.language, u.end) for u in video.utterances]
    overlays: list[Overlay] = []
    truth: list[TruthSegment] = []
    entities = ENTITIES_RU if video.language == "ru" else ENTITIES_EN
    for label in video.labels:
        if label.category != "sponsor":
            continue
        treatment = rng.choice(TREATMENTS)
        qr = rng.random() < 0.4
        entity, domain = rng.choice(entities)
        show_until = min(label.end, label.start + 10.0)
        if treatment != "none":
            overlays.append(Overlay(label.start, show_until, text=_overlay_text(video.language, treatment, entity,
                                                                                 _erid(rng))))
        if qr:
            overlays.append(Overlay(label.start, label.end, qr=f"https://{domain}/promo"))
        truth.append(TruthSegment(label, treatment, qr, true_verdict(video, label, treatment)))
    script = Script(duration=video.duration, lines=lines, overlays=overlays, width=size[0], height=size[1], fps=fps,
                    seed=rng.randrange(1 << 30))
    return script, truth
