"""Generated frames for the OCR benchmark: a random label drawn by ffmpeg over a random background.

Every style choice is a seeded coin: background (flat, gradient, ffmpeg's busy moving sources at a random time,
numpy noise and photo-like textures), font, size 16-48 px at 1280x720, position, box or none, colours, and the
label text (Russian and English disclosure labels, erid tokens, URLs, promo codes). A frame goes through the
engine's own path: drawn at 1280x720, encoded with libx264 as make_media does, decoded by iter_frames (grey,
960 wide), so compression and scaling blur the text as they would in a real analysis.
"""

from __future__ import annotations

import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from veritasad.testing import media as gen

WIDTH, HEIGHT = 1280, 720
DEJAVU = "/usr/share/fonts/truetype/dejavu/"
FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf",
         "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSansMono.ttf", "DejaVuSans-Oblique.ttf")
POSITIONS = ("top-left", "top", "top-right", "center-left", "center", "center-right",
             "bottom-left", "bottom", "bottom-right")
# Background kinds, from flat to busy; the lavfi ones move, so a random time gives a different picture.
BACKGROUNDS = ("flat", "gradient", "testsrc2", "mandelbrot", "life", "cellauto", "noise", "photo")
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BRANDS_RU = ("Ромашка", "Вектор", "Северный ветер", "Лунный свет", "Техносила", "Быстрые деньги", "Жёлтый кит")
BRANDS_EN = ("Acme", "NordVPN", "Brightline", "Globex", "Skyforge", "Northwind", "Quillbox")


@dataclass
class Sample:
    text: str
    language: str  # ru | en
    kind: str  # the label kind find_signals must find: label_ru | partner_ru | label_en
    erid: str | None
    background: str
    font: str
    size: int  # px at 1280x720
    position: str
    box: bool
    seed: int


def _token(rng: random.Random) -> str:
    return "".join(rng.choice(BASE58) for _ in range(rng.randint(9, 20)))


def _label(rng: random.Random) -> tuple[str, str, str, str | None]:
    """(text, language, kind, erid) from a seeded mix of the labels seen on screen."""
    ru, en = rng.choice(BRANDS_RU), rng.choice(BRANDS_EN)
    domain = rng.choice(BRANDS_EN).lower() + rng.choice((".ru", ".com", ".io"))
    code = rng.choice(BRANDS_EN).upper()[:6] + str(rng.randint(5, 50))
    token = _token(rng)
    choices = [
        ("Реклама", "ru", "label_ru", None),
        (f"Реклама. ООО «{ru}». erid: {token}", "ru", "label_ru", token),
        (f"Реклама. ИП Соколов А. В. erid {token}", "ru", "label_ru", token),
        (f"Реклама. АО «{ru}», {domain}. erid: {token}", "ru", "label_ru", token),
        (f"Реклама. Промокод {code}. erid: {token}", "ru", "label_ru", token),
        (f"Партнёр выпуска — {ru}", "ru", "partner_ru", None),
        ("#ad", "en", "label_en", None),
        (f"Sponsored by {en}", "en", "label_en", None),
        (f"Paid partnership with {en}", "en", "label_en", None),
        (f"Sponsored · {domain} · code {code}", "en", "label_en", None),
        (f"#ad {en} · erid: {token}", "en", "label_en", token),
    ]
    return rng.choice(choices)


def sample(seed: int) -> Sample:
    rng = random.Random(seed)
    text, language, kind, erid = _label(rng)
    size = rng.randint(16, 48)
    if len(text) * size * 0.62 > WIDTH - 2 * size:  # too wide for one line: the token goes to a second line
        text = text.replace(". erid", ".\nerid").replace(" · erid", "\nerid")
    return Sample(text=text, language=language, kind=kind, erid=erid, background=rng.choice(BACKGROUNDS),
                  font=rng.choice(FONTS), size=size, position=rng.choice(POSITIONS), box=rng.random() < 0.6,
                  seed=seed)


def _photo(rng: np.random.Generator) -> np.ndarray:
    """A photo-like colour picture: smooth colour fields at several scales, plus hard-edged shapes."""
    import cv2

    image = np.zeros((HEIGHT, WIDTH, 3), np.float32)
    for scale, weight in ((160, 1.0), (40, 0.5), (8, 0.25)):
        small = rng.random((HEIGHT // scale + 2, WIDTH // scale + 2, 3)).astype(np.float32)
        image += weight * cv2.resize(small, (WIDTH, HEIGHT), interpolation=cv2.INTER_CUBIC)
    image = image / 1.75 * 255
    for _ in range(rng.integers(5, 25)):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        centre = (int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT)))
        if rng.random() < 0.5:
            cv2.circle(image, centre, int(rng.integers(10, 200)), colour, -1)
        else:
            cv2.rectangle(image, centre, (centre[0] + int(rng.integers(-300, 300)),
                                          centre[1] + int(rng.integers(-200, 200))), colour, -1)
    return np.clip(image, 0, 255).astype(np.uint8)


def _background(s: Sample, rng: random.Random, workdir: Path) -> list[str]:
    """ffmpeg input arguments for the background picture."""
    size = f"{WIDTH}x{HEIGHT}"
    if s.background in ("noise", "photo"):
        import cv2

        np_rng = np.random.default_rng(s.seed)
        picture = _photo(np_rng) if s.background == "photo" else np_rng.integers(0, 256, (HEIGHT, WIDTH, 3), np.uint8)
        path = workdir / "background.png"
        cv2.imwrite(str(path), picture)
        return ["-i", str(path)]
    if s.background == "flat":
        colour = "0x" + "".join(f"{rng.randrange(256):02x}" for _ in range(3))
        return ["-f", "lavfi", "-i", f"color=c={colour}:size={size}"]
    if s.background == "gradient":
        return ["-f", "lavfi", "-i", f"gradients=seed={s.seed}:size={size}:speed=0.01"]
    # A random moment of the moving source (at 2 fps and a few seconds in, so that reaching it stays cheap).
    at = rng.uniform(0, 20 if s.background == "testsrc2" else 4)
    source = {
        "testsrc2": f"testsrc2=size={size}:rate=25",
        "mandelbrot": f"mandelbrot=size={size}:rate=2:maxiter=300:start_scale={rng.uniform(0.5, 3):.2f}"
                      f":start_x={rng.uniform(-1.5, 0):.3f}:start_y={rng.uniform(-0.5, 0.5):.3f}",
        "life": f"life=size={size}:rate=2:seed={s.seed}:mold=10:life_color=#{rng.randrange(1 << 24):06x}"
                f":death_color=#{rng.randrange(1 << 24):06x}:mold_color=#{rng.randrange(1 << 24):06x}",
        "cellauto": f"cellauto=size={size}:rate=2:seed={s.seed}:rule={rng.choice((18, 30, 90, 110, 150))}",
    }[s.background]
    return ["-f", "lavfi", "-ss", f"{at:.2f}", "-i", source]


def overlay_for(s: Sample, rng: random.Random) -> gen.Overlay:
    """The drawtext overlay for a sample: box or none, white or coloured text, an outline sometimes."""
    bright_flat = s.background == "flat" and rng.random() < 0.3
    color = "black" if bright_flat and not s.box else rng.choice(("white", "white", "white", "yellow", "0xe0e0ff"))
    return gen.Overlay(0, 1, text=s.text, position=s.position, fontsize=s.size, font=DEJAVU + s.font, color=color,
                       box=s.box, box_color=f"{rng.choice(('black', '0x101020', '0x202020'))}@{rng.uniform(0.45, 0.85):.2f}",
                       outline=0 if s.box or bright_flat else rng.choice((0, 1, 2, 2)))


def render(s: Sample, workdir: Path, max_width: int = 960) -> np.ndarray:
    """The sample as the engine sees it: grey, `max_width` wide (iter_frames' default: 960x540), after an
    H.264 round trip."""
    from veritasad.analysis.engine.media import iter_frames

    rng = random.Random(s.seed * 7919 + 1)
    textfile = workdir / "label.txt"
    textfile.write_text(s.text, encoding="utf-8")
    overlay = overlay_for(s, rng)
    if s.background == "flat" and overlay.color == "black":
        light = "".join(f"{rng.randrange(0xb0, 0x100):02x}" for _ in range(3))  # dark text: a light ground
        background = ["-f", "lavfi", "-i", f"color=c=0x{light}:size={WIDTH}x{HEIGHT}"]
    else:
        background = _background(s, rng, workdir)
    out = workdir / "frame.mp4"
    graph = f"[0:v]scale={WIDTH}:{HEIGHT},{gen.drawtext(overlay, textfile, s.size)},format=yuv420p[v]"
    subprocess.run(["ffmpeg", "-y", "-hide_banner", "-loglevel", "error", *background, "-filter_complex", graph,
                    "-map", "[v]", "-frames:v", "1", "-c:v", "libx264", "-preset", "veryfast", "-crf", "28",
                    str(out)], check=True, capture_output=True)
    frame = next(iter_frames(out, max_width=max_width))
    return frame.image
