"""Generated media shared by the engine tests: made once per session (ffmpeg + espeak-ng), never downloaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from veritasad.testing import media as gen

AD_TEXT = "Реклама. ООО Ромашка. erid: 2VtzqxABC12"
QR_PAYLOAD = "https://romashka.example/promo?utm=veritasad"
EN_LINES = [
    gen.Line(0.5, "Hello everyone and welcome back to the channel."),
    gen.Line(4.5, "This video is sponsored by Nord VPN."),
    gen.Line(8.0, "Now let us get back to the review of this phone."),
]


def _script() -> gen.Script:
    return gen.Script(
        duration=12.0,
        lines=EN_LINES,
        overlays=[gen.Overlay(4.0, 9.0, text=AD_TEXT), gen.Overlay(5.0, 9.0, qr=QR_PAYLOAD)],
    )


@pytest.fixture(scope="session")
def ad_script() -> gen.Script:
    return _script()


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("engine-media")


@pytest.fixture(scope="session")
def ad_video(media_dir: Path) -> Path:
    """12 s, 640x360, English speech, «Реклама»/erid overlay 4-9 s, QR code 5-9 s."""
    return gen.make_media(_script(), media_dir / "ad.mp4")


@pytest.fixture(scope="session")
def audio_only(media_dir: Path) -> Path:
    return gen.make_media(_script(), media_dir / "ad.m4a", video=False)


@pytest.fixture(scope="session")
def video_only(media_dir: Path) -> Path:
    return gen.make_media(_script(), media_dir / "silent.mp4", audio=False)


@pytest.fixture(scope="session")
def bad_inputs(media_dir: Path, ad_video: Path) -> dict[str, Path]:
    """Every kind of input the engine must refuse, by the error code it must give."""
    return {
        "UNSUPPORTED_MEDIA": gen.make_non_media(media_dir / "notes.mp4"),
        "CORRUPT_MEDIA": gen.make_corrupt(ad_video, media_dir / "corrupt.mp4"),
        "CORRUPT_MEDIA:header": gen.make_corrupt(ad_video, media_dir / "bad-header.mp4", header_only=True),
        "CORRUPT_MEDIA:truncated": gen.make_truncated(ad_video, media_dir / "truncated.mp4"),
        "NO_STREAMS": gen.make_no_streams(media_dir / "subtitles.mkv"),
        "EMPTY_MEDIA": gen.make_empty(media_dir / "empty.mp4"),
        "EMPTY_MEDIA:zero-duration": gen.make_zero_duration(media_dir / "silence.wav"),
    }
