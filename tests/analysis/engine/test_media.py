"""media.py on generated files: probing, refusals, streamed audio, sampled frames."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from veritasad.analysis.engine.errors import MediaError
from veritasad.analysis.engine.media import SAMPLE_RATE, FrameSampler, iter_audio, iter_frames, probe
from veritasad.testing import media as gen

pytestmark = pytest.mark.engine_only


def test_probe_describes_a_video(ad_video: Path) -> None:
    info = probe(ad_video)
    assert info.duration == pytest.approx(12.0, abs=0.1)
    assert (info.has_audio, info.has_video) == (True, True)
    assert (info.width, info.height, info.fps) == (640, 360, 25.0)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert info.size_bytes == ad_video.stat().st_size


def test_probe_audio_only_and_video_only(audio_only: Path, video_only: Path) -> None:
    audio = probe(audio_only)
    assert (audio.has_audio, audio.has_video, audio.width) == (True, False, None)
    video = probe(video_only)
    assert (video.has_audio, video.has_video) == (False, True)


def test_cover_art_is_not_video(audio_only: Path, tmp_path: Path) -> None:
    music = gen.make_audio_with_cover(audio_only, tmp_path / "song.m4a")
    with av.open(str(music)) as container:
        assert len(container.streams.video) == 1  # the cover is there, as a picture stream
    info = probe(music)
    assert (info.has_audio, info.has_video) == (True, False)
    assert list(iter_frames(music)) == []


@pytest.mark.parametrize(
    "case",
    [
        "UNSUPPORTED_MEDIA",
        "CORRUPT_MEDIA",
        "CORRUPT_MEDIA:header",
        "CORRUPT_MEDIA:truncated",
        "NO_STREAMS",
        "EMPTY_MEDIA",
        "EMPTY_MEDIA:zero-duration",
    ],
)
def test_probe_refuses_bad_input(bad_inputs: dict[str, Path], case: str) -> None:
    with pytest.raises(MediaError) as err:
        probe(bad_inputs[case])
    assert err.value.code == case.split(":")[0]


def test_probe_refuses_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MediaError) as err:
        probe(tmp_path / "nowhere.mp4")
    assert err.value.code == "UNSUPPORTED_MEDIA"


def test_probe_enforces_length_limit(ad_video: Path) -> None:
    with pytest.raises(MediaError) as err:
        probe(ad_video, max_duration=10)
    assert err.value.code == "MEDIA_TOO_LONG"
    assert probe(ad_video, max_duration=13).duration < 13


def test_iter_audio_streams_16k_mono_chunks(ad_video: Path) -> None:
    chunks = list(iter_audio(ad_video, chunk_seconds=5))
    assert [c.shape[0] for c in chunks[:2]] == [5 * SAMPLE_RATE] * 2
    assert all(c.dtype == np.float32 and c.ndim == 1 for c in chunks)
    total = sum(c.shape[0] for c in chunks) / SAMPLE_RATE
    assert total == pytest.approx(12.0, abs=0.1)
    audio = np.concatenate(chunks)
    # speech starts at 0.5 s: the first 0.4 s are silent, the next seconds are not
    assert np.abs(audio[: int(0.4 * SAMPLE_RATE)]).max() < 0.01
    assert np.abs(audio[SAMPLE_RATE : 3 * SAMPLE_RATE]).max() > 0.1


def test_iter_audio_of_video_without_audio_is_empty(video_only: Path) -> None:
    assert list(iter_audio(video_only)) == []


def test_iter_frames_samples_every_interval(ad_video: Path) -> None:
    frames = list(iter_frames(ad_video, interval=2.0, scene_threshold=1.0))  # threshold 1: interval only
    times = [f.time for f in frames]
    assert times == sorted(times)
    assert times[0] == 0.0
    gaps = np.diff(times)
    assert gaps.max() <= 2.0 + 0.05 and gaps.min() >= 2.0 - 0.05
    assert times[-1] >= 10.0
    assert frames[0].image.shape == (360, 640) and frames[0].image.dtype == np.uint8


def test_iter_frames_downscales(ad_video: Path) -> None:
    frame = next(iter(iter_frames(ad_video, max_width=320)))
    assert frame.image.shape == (180, 320)


def test_iter_frames_keeps_changed_keyframes_only_when_no_sample_is_due(tmp_path: Path) -> None:
    # With a 60 s interval nothing is due after the first frame: only keyframes are decoded (every 2 s here)
    # and only those that differ from the last kept frame come out: the big QR code appearing at 4.5 s is
    # seen at the first keyframe showing it (x264 puts one at the cut; at worst the next GOP at 6 s); the
    # still picture before it gives nothing more.
    script = gen.Script(
        duration=10, background="color", overlays=[gen.Overlay(4.5, 10, qr="https://a.example")]
    )
    video = gen.make_media(script, tmp_path / "still.mp4", audio=False)
    times = [f.time for f in iter_frames(video, interval=60.0, scene_threshold=0.01)]
    assert len(times) == 2 and times[0] == 0.0 and 4.5 <= times[1] <= 6.0


def test_iter_frames_of_audio_only_is_empty(audio_only: Path) -> None:
    assert list(iter_frames(audio_only)) == []


def test_frame_sampler_rules() -> None:
    sampler = FrameSampler(interval=2.0, scene_threshold=0.2)
    dark, light = np.zeros((36, 64), np.uint8), np.full((36, 64), 200, np.uint8)
    assert sampler.wants(0.0, dark)  # the first frame
    assert not sampler.wants(1.0, dark)  # same picture, not due
    assert sampler.wants(1.5, light)  # a cut
    assert not sampler.wants(3.0, light)  # due at 3.5
    assert sampler.wants(3.5, light)


@pytest.mark.parametrize("case", ["CORRUPT_MEDIA", "CORRUPT_MEDIA:truncated"])
def test_decoding_damaged_files_raises_only_media_errors(bad_inputs: dict[str, Path], case: str) -> None:
    # Decoding skips damaged packets where it can; what it cannot read is CORRUPT_MEDIA, never a raw av error.
    for read in (iter_audio, iter_frames):
        try:
            list(read(bad_inputs[case]))
        except MediaError as err:
            assert err.code == "CORRUPT_MEDIA"
