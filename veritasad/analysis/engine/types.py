"""The data types that flow between engine stages (media -> speech/vision -> signals -> segments -> report)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class MediaInfo(BaseModel):
    duration: float = Field(description="seconds")
    size_bytes: int
    format_name: str
    has_audio: bool
    has_video: bool
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    video_codec: str | None = None
    audio_codec: str | None = None


class Word(BaseModel):
    start: float
    end: float
    text: str
    probability: float = 1.0


class Utterance(BaseModel):
    """A stretch of speech: an ASR segment or a caption line."""

    start: float
    end: float
    text: str
    words: list[Word] = []


class Transcript(BaseModel):
    language: str | None = None
    language_probability: float | None = None
    utterances: list[Utterance] = []


class ScreenText(BaseModel):
    """Something read off the screen: OCR text, or a decoded QR code / barcode, with the frame time(s)."""

    start: float
    end: float
    text: str
    source: Literal["ocr", "qr", "barcode"]
    confidence: float = 1.0
