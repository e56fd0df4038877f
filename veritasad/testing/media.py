"""Generate test media from a script: timed speech (espeak-ng), on-screen text and QR codes (ffmpeg).

The generator only reads the script it is given; it knows nothing about how the engine classifies.
Bad inputs (corrupt, truncated, empty, non-media, stream-less) are made here too, so every refusal can be tested.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass, field
from pathlib import Path

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SPEECH_RATE = 22050  # espeak-ng's output sample rate
VOICES = {"en": "en-us", "ru": "ru"}


@dataclass
class Line:
    """One spoken line: espeak reads `text` starting at `start`, squeezed to end by `end` when given."""

    start: float
    text: str
    lang: str = "en"
    end: float | None = None


@dataclass
class Overlay:
    """On-screen text (drawtext) or a QR code (an image of `qr`'s payload) shown from start to end."""

    start: float
    end: float
    text: str | None = None
    qr: str | None = None
    # bottom | top | center, or a corner: top-left | top-right | bottom-left | bottom-right.
    # QR codes go to the right-hand side.
    position: str = "bottom"
    # Text style; None keeps the defaults (DejaVu Sans, height // 14, white on a black@0.7 box).
    fontsize: int | None = None
    font: str | None = None  # a font file
    color: str = "white"
    box: bool = True
    box_color: str = "black@0.7"  # ffmpeg colour@opacity: the box lets the picture show through
    outline: int = 0  # drawtext borderw: a dark outline keeps box-less text readable


@dataclass
class Script:
    duration: float
    lines: list[Line] = field(default_factory=list)
    overlays: list[Overlay] = field(default_factory=list)
    width: int = 640
    height: int = 360
    fps: int = 25
    background: str = "gradients"  # any ffmpeg lavfi video source name; "color" gives a still frame
    seed: int = 1  # gradients picks random colours unless seeded: the same script makes the same video


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {proc.stderr[-2000:]}")


def _speak(text: str, lang: str, words_per_minute: int, out: Path) -> bytes:
    voice = VOICES.get(lang, lang)
    _run(["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", str(out), text])
    with wave.open(str(out), "rb") as w:
        return w.readframes(w.getnframes())


def _words_per_minute(text: str, seconds: float | None) -> int:
    """espeak's rate that fits the line in its slot, within the range where it stays intelligible."""
    if not seconds or seconds <= 0:
        return 170
    wanted = len(text.split()) / seconds * 60 * 1.1
    return int(min(max(wanted, 150), 260))


def write_speech(lines: list[Line], duration: float, out: Path, workdir: Path) -> Path:
    """A mono WAV of `duration` seconds with each line spoken at its start; streamed, never held whole."""
    ordered = sorted(lines, key=lambda line: line.start)
    total = int(duration * SPEECH_RATE)
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SPEECH_RATE)
        pos = 0
        for i, line in enumerate(ordered):
            start = int(line.start * SPEECH_RATE)
            nxt = ordered[i + 1].start if i + 1 < len(ordered) else duration
            slot_end = min(line.end if line.end is not None else nxt, nxt, duration)
            if start < pos or start >= total:
                continue  # an earlier line overran into this one's start: skip rather than shift time
            pcm = _speak(line.text, line.lang, _words_per_minute(line.text, slot_end - line.start),
                         workdir / "line.wav")
            limit = (int(nxt * SPEECH_RATE) - start) * 2  # never overrun into the next line
            pcm = pcm[: max(0, min(len(pcm), limit, (total - start) * 2))]
            _write_silence(w, start - pos)
            w.writeframes(pcm)
            pos = start + len(pcm) // 2
        _write_silence(w, total - pos)
    return out


def _write_silence(w: wave.Wave_write, frames: int) -> None:
    block = b"\0\0" * SPEECH_RATE
    while frames > 0:
        n = min(frames, SPEECH_RATE)
        w.writeframes(block[: n * 2])
        frames -= n


def _qr_png(payload: str, out: Path, size: int) -> Path:
    import qrcode  # dev extra: only test media needs it

    img = qrcode.make(payload, border=2).resize((size, size))
    img.save(out)
    return out


def _position(overlay: Overlay, fontsize: int) -> tuple[str, str]:
    vertical, _, horizontal = overlay.position.partition("-")
    y = {"top": f"{fontsize}", "center": "(h-text_h)/2"}.get(vertical, f"h-text_h-{fontsize}")
    x = {"left": f"{fontsize}", "right": f"w-text_w-{fontsize}"}.get(horizontal, "(w-text_w)/2")
    return x, y


def drawtext(overlay: Overlay, textfile: Path, fontsize: int) -> str:
    """The drawtext filter (without enable) for a text overlay; `fontsize` applies unless the overlay sets one."""
    size = overlay.fontsize or fontsize
    x, y = _position(overlay, size)
    style = f"fontfile={overlay.font or FONT}:textfile={textfile}:fontsize={size}:fontcolor={overlay.color}"
    if overlay.box:
        padding = 8 if overlay.fontsize is None else max(4, size // 4)  # 8: what every older script got
        style += f":box=1:boxcolor={overlay.box_color}:boxborderw={padding}"
    if overlay.outline:
        style += f":borderw={overlay.outline}:bordercolor=black"
    return f"drawtext={style}:x={x}:y={y}"


def _video_filters(script: Script, workdir: Path, first_input: int) -> tuple[list[str], str, list[Path]]:
    """The filter graph that draws every overlay; returns (graph lines, output label, extra image inputs)."""
    fontsize = max(14, script.height // 14)
    qr_size = script.height // 3
    graph, images, label = [], [], "0:v"
    for i, ov in enumerate(script.overlays):
        enable = f"enable='between(t,{ov.start:.3f},{ov.end:.3f})'"
        out = f"v{i}"
        if ov.text is not None:
            textfile = workdir / f"overlay{i}.txt"
            textfile.write_text(ov.text, encoding="utf-8")
            graph.append(f"[{label}]{drawtext(ov, textfile, fontsize)}:{enable}[{out}]")
        elif ov.qr is not None:
            images.append(_qr_png(ov.qr, workdir / f"qr{i}.png", qr_size))
            src = f"{first_input + len(images) - 1}:v"
            graph.append(f"[{label}][{src}]overlay=x=W-w-{fontsize}:y={fontsize}:{enable}[{out}]")
        else:
            continue
        label = out
    return graph, label, images


def make_media(script: Script, out: Path, *, audio: bool = True, video: bool = True) -> Path:
    """Render `script` to `out` (container from the suffix: .mp4, .mkv, .m4a, .wav …)."""
    if not (audio or video):
        raise ValueError("media needs audio or video")
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="veritasad-gen-") as tmp:
        workdir = Path(tmp)
        cmd = ["ffmpeg", "-y", "-hide_banner", "-loglevel", "error"]
        if video:
            size = f"{script.width}x{script.height}"
            src = f"{script.background}=size={size}:rate={script.fps}"
            if script.background == "gradients":
                src = f"gradients=seed={script.seed}:size={size}:rate={script.fps}"
            elif script.background == "color":
                src = f"color=c=0x2a4d69:size={size}:rate={script.fps}"
            cmd += ["-f", "lavfi", "-t", f"{script.duration:.3f}", "-i", src]
        if audio:
            wav = write_speech(script.lines, script.duration, workdir / "speech.wav", workdir)
            cmd += ["-i", str(wav)]
        maps: list[str] = []
        if video:
            graph, label, images = _video_filters(script, workdir, first_input=2 if audio else 1)
            for img in images:
                cmd += ["-loop", "1", "-t", f"{script.duration:.3f}", "-i", str(img)]
            if graph:
                (workdir / "graph.txt").write_text(";\n".join(graph), encoding="utf-8")
                cmd += ["-filter_complex_script", str(workdir / "graph.txt")]
                maps += ["-map", f"[{label}]"]
            else:
                maps += ["-map", "0:v"]
            cmd += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "28", "-pix_fmt", "yuv420p",
                    "-g", str(script.fps * 2)]
        if audio:
            maps += ["-map", f"{1 if video else 0}:a"]
            if out.suffix != ".wav":
                cmd += ["-c:a", "aac", "-b:a", "64k"]
        cmd += maps + ["-t", f"{script.duration:.3f}"]
        if out.suffix in (".mp4", ".m4a", ".mov"):
            cmd += ["-movflags", "+faststart"]
        _run(cmd + [str(out)])
    return out


def make_audio_with_cover(audio: Path, out: Path) -> Path:
    """A music-style file: the audio of `audio` plus a cover picture, stored as a one-frame "video" stream."""
    with tempfile.TemporaryDirectory(prefix="veritasad-gen-") as tmp:
        cover = _qr_png("cover art", Path(tmp) / "cover.png", 200)
        _run(["ffmpeg", "-y", "-hide_banner", "-loglevel", "error", "-i", str(audio), "-i", str(cover),
              "-map", "0:a", "-map", "1:v", "-c:a", "copy", "-c:v", "mjpeg", "-disposition:v:0", "attached_pic",
              str(out)])
    return Path(out)


# --- inputs the engine must refuse -------------------------------------------------------------------


def make_truncated(source: Path, out: Path, keep: float = 0.5) -> Path:
    """The first `keep` fraction of a real media file, as an interrupted upload leaves it."""
    data = Path(source).read_bytes()
    Path(out).write_bytes(data[: int(len(data) * keep)])
    return Path(out)


def make_corrupt(source: Path, out: Path, start: float = 0.3, header_only: bool = False) -> Path:
    """A real media file with noise over its bytes from `start` (a fraction) to the end, or over its header
    (`header_only`): the file still begins like media, but its content is damaged."""
    import random

    data = bytearray(Path(source).read_bytes())
    rng = random.Random(7)
    span = range(8, min(len(data), 4096)) if header_only else range(int(len(data) * start), len(data))
    for i in span:
        data[i] = rng.randrange(256)
    Path(out).write_bytes(bytes(data))
    return Path(out)


def make_empty(out: Path) -> Path:
    Path(out).write_bytes(b"")
    return Path(out)


def make_non_media(out: Path) -> Path:
    Path(out).write_text("This is a plain text file, not a video.\n" * 50, encoding="utf-8")
    return Path(out)


def make_no_streams(out: Path) -> Path:
    """A Matroska file holding only a subtitle track: a valid container with no audio or video."""
    with tempfile.TemporaryDirectory(prefix="veritasad-gen-") as tmp:
        srt = Path(tmp) / "subs.srt"
        srt.write_text("1\n00:00:00,000 --> 00:00:02,000\nhello\n", encoding="utf-8")
        _run(["ffmpeg", "-y", "-hide_banner", "-loglevel", "error", "-i", str(srt), "-c:s", "srt", str(out)])
    return Path(out)


def make_zero_duration(out: Path) -> Path:
    """A well-formed WAV file with an audio stream and not one sample in it."""
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
    return Path(out)


def have_tools() -> bool:
    return all(shutil.which(tool) for tool in ("ffmpeg", "espeak-ng"))
