"""Media: probe and validate a file, stream its audio as 16 kHz mono and sample its frames (PyAV).

Nothing here holds a whole video in memory: audio comes out in fixed-length chunks and frames one at a time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from veritasad.analysis.engine.errors import MediaError
from veritasad.analysis.engine.types import MediaInfo

SAMPLE_RATE = 16_000
THUMB_SIZE = (64, 36)  # grey thumbnail used to compare frames: cheap and blind to noise

# Leading bytes of containers we accept: a file that starts like media but will not open is corrupt, not foreign.
_MAGIC = (
    b"\x1a\x45\xdf\xa3",  # Matroska / WebM
    b"RIFF", b"OggS", b"fLaC", b"ID3", b"FLV", b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3", b"#!AMR", b"FORM",
    b"\x30\x26\xb2\x75",  # ASF / WMV
)


@dataclass(frozen=True)
class Frame:
    time: float  # seconds from the start
    image: np.ndarray  # grey, uint8, H x W, downscaled
    thumb: np.ndarray  # grey, uint8, 36 x 64: for change detection


def _looks_like_media(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(16)
    if head[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip"):
        return True
    if head[:1] == b"\x47" or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf1", b"\xff\xf9"):
        return True  # MPEG-TS sync byte, MP3 / ADTS frame headers
    return head.startswith(_MAGIC)


def _open(path: Path) -> av.container.InputContainer:
    if not path.is_file():
        raise MediaError("UNSUPPORTED_MEDIA", f"{path.name}: no such file")
    if path.stat().st_size == 0:
        raise MediaError("EMPTY_MEDIA", f"{path.name} is empty (0 bytes)")
    try:
        return av.open(str(path), metadata_errors="ignore")
    except (av.error.InvalidDataError, av.error.ValueError, UnicodeDecodeError, av.error.EOFError) as exc:
        if _looks_like_media(path):
            raise MediaError("CORRUPT_MEDIA", f"{path.name} looks like media but cannot be read: {exc}") from exc
        raise MediaError("UNSUPPORTED_MEDIA", f"{path.name} is not a media file") from exc
    except av.error.FFmpegError as exc:
        raise MediaError("CORRUPT_MEDIA", f"{path.name} cannot be read: {exc}") from exc


@contextmanager
def _reading(path: Path) -> Iterator[av.container.InputContainer]:
    """Open for decoding; a read error in the middle of the file becomes CORRUPT_MEDIA, not a raw av error."""
    with _open(path) as container:
        try:
            yield container
        except av.error.FFmpegError as exc:
            raise MediaError("CORRUPT_MEDIA", f"{path.name} cannot be decoded: {exc}") from exc


def _video_stream(container: av.container.InputContainer) -> av.video.stream.VideoStream | None:
    """The first real video stream: cover art in a music file is a one-picture "video" stream, not video."""
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    return None


def _duration(container: av.container.InputContainer) -> float:
    if container.duration is not None and container.duration > 0:
        return container.duration / av.time_base
    spans = [
        float(s.duration * s.time_base) for s in container.streams if s.duration and s.time_base is not None
    ]
    return max(spans, default=0.0)


def _tail_readable(container: av.container.InputContainer, duration: float) -> bool:
    """Decode a little from the last seconds: a truncated file keeps its header but loses its tail."""
    stream = _video_stream(container) or container.streams.audio[0]
    try:
        if duration > 2:
            container.seek(int((duration - 2) / stream.time_base), stream=stream, backward=True)
        for packet in container.demux(stream):
            if packet.size and packet.decode():
                return True
    except av.error.FFmpegError:
        return False
    return False


def probe(path: str | os.PathLike, max_duration: float | None = None) -> MediaInfo:
    """Describe a media file, or raise MediaError saying why it cannot be analysed."""
    path = Path(path)
    with _open(path) as container:
        video = _video_stream(container)
        audio = container.streams.audio[0] if container.streams.audio else None
        if video is None and audio is None:
            raise MediaError("NO_STREAMS", f"{path.name} has no audio or video stream")
        duration = _duration(container)
        if duration <= 0:
            raise MediaError("EMPTY_MEDIA", f"{path.name} has zero length")
        if max_duration is not None and duration > max_duration:
            raise MediaError(
                "MEDIA_TOO_LONG", f"{path.name} lasts {duration:.0f} s; the limit is {max_duration:.0f} s"
            )
        fps = float(video.average_rate) if video is not None and video.average_rate else None
        info = MediaInfo(
            duration=round(duration, 3),
            size_bytes=path.stat().st_size,
            format_name=container.format.name,
            has_audio=audio is not None,
            has_video=video is not None,
            width=video.codec_context.width if video is not None else None,
            height=video.codec_context.height if video is not None else None,
            fps=fps,
            video_codec=video.codec_context.name if video is not None else None,
            audio_codec=audio.codec_context.name if audio is not None else None,
        )
        if not _tail_readable(container, duration):
            raise MediaError("CORRUPT_MEDIA", f"{path.name} is corrupt or truncated: its end cannot be decoded")
    return info


def iter_audio(path: str | os.PathLike, chunk_seconds: float = 30.0) -> Iterator[np.ndarray]:
    """The first audio track as 16 kHz mono float32 chunks of `chunk_seconds` (the last one shorter)."""
    chunk = int(chunk_seconds * SAMPLE_RATE)
    with _reading(Path(path)) as container:
        if not container.streams.audio:
            return
        stream = container.streams.audio[0]
        stream.thread_type = "AUTO"
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        parts: list[np.ndarray] = []
        held = 0
        for frame in _decode_tolerant(container, stream):
            for out in resampler.resample(frame):
                parts.append(out.to_ndarray().reshape(-1))
                held += parts[-1].shape[0]
            while held >= chunk:
                joined = np.concatenate(parts)
                yield joined[:chunk]
                parts, held = [joined[chunk:]], joined.shape[0] - chunk
        for out in resampler.resample(None):
            parts.append(out.to_ndarray().reshape(-1))
        rest = np.concatenate(parts) if parts else np.zeros(0, np.float32)
        for i in range(0, rest.shape[0], chunk):
            yield rest[i : i + chunk]


def _decode_tolerant(container: av.container.InputContainer, stream: av.stream.Stream) -> Iterator[av.frame.Frame]:
    """Decode a stream, skipping packets the decoder rejects (a damaged packet must not lose the rest)."""
    for packet in container.demux(stream):
        try:
            yield from packet.decode()
        except av.error.InvalidDataError:
            continue


def _thumb(frame: av.VideoFrame) -> np.ndarray:
    return frame.to_ndarray(width=THUMB_SIZE[0], height=THUMB_SIZE[1], format="gray")


def frame_change(a: np.ndarray, b: np.ndarray) -> float:
    """How different two thumbnails are, 0 (same) .. 1 (inverted): mean absolute difference."""
    return float(np.mean(np.abs(a.astype(np.int16) - b.astype(np.int16)))) / 255.0


def iter_frames(
    path: str | os.PathLike,
    interval: float = 2.0,
    scene_threshold: float = 0.12,
    max_width: int = 960,
) -> Iterator[Frame]:
    """Frames at scene changes and at least every `interval` seconds, grey and at most `max_width` wide.

    Keyframes are always decoded (encoders put them at scene cuts). The packets between keyframes are only
    held, compressed, and decoded when a periodic sample falls due inside that group of pictures, so a long
    video with short GOPs costs little more than its keyframes.
    """
    with _reading(Path(path)) as container:
        stream = _video_stream(container)
        if stream is None:
            return
        stream.thread_type = "AUTO"
        sampler = FrameSampler(interval, scene_threshold)
        width, height = _scaled_size(stream.codec_context.width, stream.codec_context.height, max_width)
        held: list[av.Packet] = []
        for packet in container.demux(stream):
            if packet.pts is None and packet.dts is None:
                continue  # the demuxer's flush packet; we flush below
            when = float((packet.pts if packet.pts is not None else packet.dts) * stream.time_base)
            if packet.is_keyframe:
                held = [packet]
            elif when >= sampler.next_due:
                held.append(packet)
            else:
                held.append(packet)
                continue
            batch, held = held, []
            for frame in _decode_packets(stream, batch):
                picked = _pick(sampler, frame, stream.time_base, width, height)
                if picked is not None:
                    yield picked
        for frame in _decode_packets(stream, held + [None]):
            picked = _pick(sampler, frame, stream.time_base, width, height)
            if picked is not None:
                yield picked


def _decode_packets(stream: av.stream.Stream, packets: list[av.Packet | None]) -> Iterator[av.VideoFrame]:
    for packet in packets:
        try:
            yield from stream.codec_context.decode(packet)
        except av.error.InvalidDataError:
            continue


class FrameSampler:
    """Decides which decoded frames to keep: the first, any that differ enough, and one per interval."""

    def __init__(self, interval: float, scene_threshold: float) -> None:
        self.interval = interval
        self.scene_threshold = scene_threshold
        self.next_due = 0.0
        self._last: np.ndarray | None = None

    def wants(self, time: float, thumb: np.ndarray) -> bool:
        keep = (
            self._last is None
            or time >= self.next_due
            or frame_change(thumb, self._last) > self.scene_threshold
        )
        if keep:
            self._last, self.next_due = thumb, time + self.interval
        return keep


def _pick(sampler: FrameSampler, frame: av.VideoFrame, time_base, width: int, height: int) -> Frame | None:
    if frame.pts is None:
        return None
    time = float(frame.pts * time_base)
    thumb = _thumb(frame)
    if not sampler.wants(time, thumb):
        return None
    return Frame(time=time, image=frame.to_ndarray(width=width, height=height, format="gray"),
                 thumb=thumb)


def _scaled_size(width: int, height: int, max_width: int) -> tuple[int, int]:
    if width <= max_width:
        return width, height
    scaled = round(height * max_width / width / 2) * 2  # even sizes keep swscale happy
    return max_width, max(2, scaled)
