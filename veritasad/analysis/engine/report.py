"""The engine's output: a versioned report of ad segments, and the options that shaped it.

`schema_version` changes whenever a field changes meaning or is removed (adding an optional field does not);
stored reports and API clients check it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

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


class RuleResult(BaseModel):
    """One regime's check of one segment: which required elements were found and which are missing."""

    regime: Regime
    satisfied: bool
    found: list[str] = []
    missing: list[str] = []


class Disclosure(BaseModel):
    verdict: Verdict
    rules: list[RuleResult] = []
    deciding_rule: str = Field("", description="a one-line reason the verdict was reached")
    evidence: list[Evidence] = []


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
