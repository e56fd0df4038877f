"""The engine's output: a versioned report of ad segments, and the options that shaped it.

`schema_version` changes whenever a field changes meaning or is removed (adding an optional field does not);
stored reports and API clients check it.

Schema 1.0 history (additions only, so the version stays): reason codes. A verdict's why is data —
`RuleResult.reasons` (codes with typed params, see REASON_PARAMS) and `Disclosure.deciding_regime` — rendered in
the reader's language by `engine.reasons`. The English strings (`found`, `missing`, `deciding_rule`) are still
written, word for word as before. Reports stored before the codes get them back from those strings on load.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Literal, get_args

from pydantic import BaseModel, Field, model_validator

from veritasad.analysis.engine.types import MediaInfo, ScreenText, Transcript

SCHEMA_VERSION = "1.0"
ENGINE_VERSION = "0.1.0"

# SponsorBlock's category names, so that exports need no mapping.
SegmentKind = Literal["sponsor", "selfpromo", "interaction", "intro", "outro", "preview", "filler"]
EvidenceType = Literal["speech", "ocr", "qr", "link", "promo_code", "disclosure"]
Verdict = Literal["disclosed", "partially_disclosed", "undisclosed"]
Regime = Literal["38-FZ", "FTC"]


class AnalysisOptions(BaseModel):
    language: Literal["auto", "ru", "en"] = "auto"
    asr_model: str = Field("base", description="a Whisper size name or a local model directory")
    asr_device: str = "cpu"
    asr_compute_type: str = "int8"
    asr_cpu_threads: int = Field(2, ge=0)
    frame_interval: float = Field(2.0, gt=0, description="seconds between sampled frames")
    ocr: bool = True
    qr: bool = True
    max_duration: float = Field(3 * 3600.0, gt=0, description="seconds; longer media is refused")
    regimes: list[Regime] = ["38-FZ", "FTC"]


class Advertiser(BaseModel):
    name: str | None = None
    domains: list[str] = []
    promo_codes: list[str] = []
    urls: list[str] = []


class Evidence(BaseModel):
    type: EvidenceType
    start: float
    end: float
    text: str


# The closed set of reasons a disclosure rule gives: a required element found (with where) or missing.
ReasonCode = Literal[
    "label_found",  # 38-FZ: «реклама» said or shown
    "label_missing",
    "advertiser_found",  # 38-FZ: the advertiser's name, legal entity or site
    "advertiser_missing",
    "erid_found",  # 38-FZ: the ORD token
    "erid_missing",
    "sponsor_label_found",  # FTC: a sponsorship label near the start
    "sponsor_label_late",  # FTC: a label, but only after the start (found, yet not enough)
    "sponsor_label_missing",  # FTC: no label at all
    "sponsor_label_not_early",  # FTC: what a late label lacks
]
CueSource = Literal["speech", "ocr", "qr", "barcode"]
REASON_PARAMS: dict[str, dict[str, type]] = {
    "label_found": {"source": str, "at": float},  # at: seconds from the start of the video
    "label_missing": {},
    "advertiser_found": {"name": str},
    "advertiser_missing": {},
    "erid_found": {"token": str},
    "erid_missing": {},
    "sponsor_label_found": {"text": str, "source": str, "at": float},  # text: the label as said or shown
    "sponsor_label_late": {"text": str, "source": str, "at": float},
    "sponsor_label_missing": {},
    "sponsor_label_not_early": {},
}
FOUND_CODES = frozenset(
    {"label_found", "advertiser_found", "erid_found", "sponsor_label_found", "sponsor_label_late"}
)


class Reason(BaseModel):
    """Why a rule passed or failed, as data: `code` from ReasonCode, `params` exactly as REASON_PARAMS names them."""

    code: ReasonCode
    params: dict[str, str | float] = {}

    @property
    def found(self) -> bool:
        return self.code in FOUND_CODES

    @model_validator(mode="after")
    def _typed_params(self) -> Reason:
        spec = REASON_PARAMS[self.code]
        if set(self.params) != set(spec):
            raise ValueError(f"{self.code} takes params {sorted(spec)}, got {sorted(self.params)}")
        try:
            self.params = {k: spec[k](v) for k, v in self.params.items()}
        except (TypeError, ValueError):
            raise ValueError(f"{self.code}: params of the wrong type {self.params}") from None
        if "source" in self.params and self.params["source"] not in get_args(CueSource):
            raise ValueError(f"{self.code}: unknown source {self.params['source']!r}")
        return self


class RuleResult(BaseModel):
    """One regime's check of one segment: which required elements were found and which are missing."""

    regime: Regime
    satisfied: bool
    found: list[str] = Field([], description="English, for older clients: the found reasons rendered")
    missing: list[str] = Field([], description="English, for older clients: the missing reasons rendered")
    reasons: list[Reason] = Field([], description="found and missing elements as codes, in that order")

    @model_validator(mode="after")
    def _codes_for_old_reports(self) -> RuleResult:
        if not self.reasons and (self.found or self.missing):
            self.reasons = _legacy_reasons(self.found, self.missing)
        return self


class Disclosure(BaseModel):
    verdict: Verdict
    rules: list[RuleResult] = []
    deciding_rule: str = Field("", description="English, for older clients: a one-line reason for the verdict")
    deciding_regime: Regime | None = Field(None, description="the regime whose rule decided the verdict")
    evidence: list[Evidence] = []

    @model_validator(mode="after")
    def _regime_for_old_reports(self) -> Disclosure:
        if self.deciding_regime is None:
            regime = self.deciding_rule.partition(":")[0]
            if regime in get_args(Regime) and any(r.regime == regime for r in self.rules):
                self.deciding_regime = regime  # type: ignore[assignment]
        return self

    @property
    def deciding(self) -> RuleResult | None:
        return next((r for r in self.rules if r.regime == self.deciding_regime), None)


class AdSegment(BaseModel):
    id: str
    start: float
    end: float
    kind: SegmentKind
    confidence: float = Field(ge=0.0, le=1.0)
    advertiser: Advertiser = Advertiser()
    evidence: list[Evidence] = []
    disclosure: Disclosure | None = None
    decided_by: Literal["classifier", "rules"]

    @property
    def duration(self) -> float:
        return self.end - self.start


class Report(BaseModel):
    schema_version: str = SCHEMA_VERSION
    engine_version: str = ENGINE_VERSION
    source: str
    media: MediaInfo | None = None
    language: str | None = None
    segments: list[AdSegment] = []
    transcript: Transcript = Transcript()
    screen_texts: list[ScreenText] = []
    timings: dict[str, float] = Field(default_factory=dict, description="seconds per stage")
    warnings: list[str] = []
    options: AnalysisOptions = AnalysisOptions()
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def has_ads(self) -> bool:
        return bool(self.segments)


# The English strings reports carried before codes, read back (engine.reasons writes them; a test round-trips).
_LEGACY: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"label «реклама» \((?P<source>\w+) at (?P<at>[\d.]+)s\)"), "label_found"),
    (re.compile(r"label «реклама»"), "label_missing"),
    (re.compile(r"advertiser \((?P<name>.+)\)"), "advertiser_found"),
    (re.compile(r"advertiser name"), "advertiser_missing"),
    (re.compile(r"erid token"), "erid_missing"),
    (re.compile(r"erid (?P<token>\S+)"), "erid_found"),
    (re.compile(r'sponsorship label "(?P<text>.*)" \((?P<source>\w+) at (?P<at>[\d.]+)s\)'), "sponsor_label_found"),
    (re.compile(r'late sponsorship label "(?P<text>.*)" \((?P<source>\w+) at (?P<at>[\d.]+)s\)'),
     "sponsor_label_late"),
    (re.compile(r"sponsorship label"), "sponsor_label_missing"),
    (re.compile(r"sponsorship label near the start"), "sponsor_label_not_early"),
]


def _legacy_reasons(found: list[str], missing: list[str]) -> list[Reason]:
    """Codes for an old report's strings; none at all when one string is not ours (it is then shown as stored)."""
    out = []
    for text, want_found in [(t, True) for t in found] + [(t, False) for t in missing]:
        for pattern, code in _LEGACY:
            match = pattern.fullmatch(text)
            if match and (code in FOUND_CODES) == want_found:
                try:
                    out.append(Reason(code=code, params=match.groupdict()))  # type: ignore[arg-type]
                except ValueError:
                    return []
                break
        else:
            return []
    return out
