"""Scan damage profiles: what a clean rendering goes through on its way to being a "scan".

Profiles (the names are part of the corpus format; tests and benchmarks select by them):

- `clean`  — none. The page as drawn: RGB, 300 DPI. The ceiling: what OCR can do at best.
- `office` — a decent office flatbed/MFP: skew up to ±1.5°, paper tint, mostly (80%)
  grayscale, light sensor noise and blur, JPEG artefacts (quality 55–80). 300 DPI.
- `poor`   — a hurried or old scan: 150–200 DPI (one value per document), skew up to ±4°,
  one page in five rotated 90° or 180°, uneven lighting, dust specks, more noise and blur,
  heavy JPEG (quality 20–40); half of them grayscale.

Each damaged page carries `matrix`, the 3×3 affine map from the clean page's 300-DPI pixel
coordinates to the damaged image's pixels, so word boxes (and a PDF text layer) can follow
the page through skew, rotation and downsampling. All randomness comes from the caller's
`random.Random` (through a numpy Generator seeded from it): same seed, same bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from pipeline.errors import ConfigError

PROFILES: tuple[str, ...] = ("clean", "office", "poor")


@dataclass(slots=True)
class ScannedPage:
    image: Image.Image  # "RGB" or "L"
    dpi: int
    matrix: np.ndarray  # 3×3: clean 300-DPI page pixels → this image's pixels


def check_profile(profile: str) -> None:
    if profile not in PROFILES:
        raise ConfigError(f"unknown damage profile {profile!r}; valid profiles: {', '.join(PROFILES)}",
                          stage="render")


def damage_pages(pages: list[Image.Image], profile: str, rng: random.Random) -> list[ScannedPage]:
    """Damage every page of one document. Resolution and colour mode are per document (one
    scanner session); skew, rotation, noise are per page."""
    check_profile(profile)
    if profile == "clean":
        return [ScannedPage(p, 300, np.eye(3)) for p in pages]
    poor = profile == "poor"
    dpi = rng.randint(150, 200) if poor else 300
    gray = rng.random() < (0.5 if poor else 0.8)
    return [_damage(p, poor, dpi, gray, np.random.default_rng(rng.getrandbits(64))) for p in pages]


def _affine(a: np.ndarray) -> np.ndarray:
    return np.vstack([a, [0.0, 0.0, 1.0]])


def _damage(page: Image.Image, poor: bool, dpi: int, gray: bool, g: np.random.Generator) -> ScannedPage:
    img = np.asarray(page)
    # Paper tint: a cream or grey sheet, applied before grayscale so it shows as a level shift.
    tint = np.array([1.0, g.uniform(0.96, 1.0), g.uniform(0.88, 0.98)]) * g.uniform(0.93, 1.0)
    img = cv2.multiply(img, tuple(float(t) for t in tint) + (0.0,))
    if gray:
        img = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    m = np.eye(3)
    if dpi != 300:
        s = dpi / 300
        h, w = img.shape[:2]
        img = cv2.resize(img, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)
        m = np.diag([img.shape[1] / w, img.shape[0] / h, 1.0]) @ m
    if poor:
        img = _uneven_light(img, g)
    angle = g.uniform(-4.0, 4.0) if poor else g.uniform(-1.5, 1.5)
    h, w = img.shape[:2]
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    border = tuple(int(v) for v in np.atleast_1d(np.median(img[:8], axis=(0, 1))))
    img = cv2.warpAffine(img, rot, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)
    m = _affine(rot) @ m
    if poor:
        _specks(img, g)
    sigma = g.uniform(0.6, 1.2) if poor else g.uniform(0.3, 0.8)
    img = cv2.GaussianBlur(img, (0, 0), sigma)
    img = _noise(img, g.uniform(5, 10) if poor else g.uniform(2, 5), g)
    quality = int(g.integers(20, 41) if poor else g.integers(55, 81))
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    img = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    if poor and g.random() < 0.2:
        img, m = _rotate_quarter(img, m, int(g.choice([90, 180, 270])))
    return ScannedPage(Image.fromarray(img, "L" if img.ndim == 2 else "RGB"), dpi, m)


def _uneven_light(img: np.ndarray, g: np.random.Generator) -> np.ndarray:
    """A smooth multiplicative light field (0.65–1.05): lamp fall-off and a lifted page edge."""
    h, w = img.shape[:2]
    coarse = g.uniform(0.8, 1.05, (4, 3)).astype(np.float32)
    ramp = np.linspace(g.uniform(0.75, 1.0), 1.0, 3, dtype=np.float32)
    coarse *= ramp[None, :] if g.random() < 0.5 else ramp[::-1][None, :]
    field = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC).clip(0.65, 1.05)
    if img.ndim == 3:
        field = field[..., None]
    return (img * field).astype(np.uint8)


def _specks(img: np.ndarray, g: np.random.Generator) -> None:
    h, w = img.shape[:2]
    for _ in range(int(g.integers(40, 250))):
        x, y, r = int(g.integers(0, w)), int(g.integers(0, h)), int(g.integers(1, 4))
        shade = int(g.integers(0, 90))
        cv2.circle(img, (x, y), r, shade if img.ndim == 2 else (shade,) * 3, -1)


def _noise(img: np.ndarray, amount: float, g: np.random.Generator) -> np.ndarray:
    """Sensor grain: ± `amount` grey levels (sum of two uniforms, roughly bell-shaped), with
    saturating uint8 arithmetic. The grain is a random 509×503 tile repeated over the page:
    drawing 9 M random values per page costs more than all other damage together, and a
    period of ~500 px is invisible to OCR and to the eye."""
    k = max(int(amount), 1)
    h, w = img.shape[:2]
    tile_shape = (509, 503) + img.shape[2:]
    tile = g.integers(0, k + 1, tile_shape, dtype=np.uint8)
    tile += g.integers(0, k + 1, tile_shape, dtype=np.uint8)
    reps = (-(-h // 509), -(-w // 503)) + (1,) * (img.ndim - 2)
    oy, ox = int(g.integers(0, 509)), int(g.integers(0, 503))
    noise = np.tile(tile, reps)
    noise = np.roll(noise, (oy, ox), axis=(0, 1))[:h, :w]
    return cv2.subtract(cv2.add(img, np.ascontiguousarray(noise)), np.full(img.shape, k, dtype=np.uint8))


def _rotate_quarter(img: np.ndarray, m: np.ndarray, degrees: int) -> tuple[np.ndarray, np.ndarray]:
    """The page fed in sideways or upside down (clockwise `degrees`)."""
    h, w = img.shape[:2]
    if degrees == 90:
        return cv2.rotate(img, cv2.ROTATE_90_CLOCKWISE), np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1.0]]) @ m
    if degrees == 180:
        return cv2.rotate(img, cv2.ROTATE_180), np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1.0]]) @ m
    return cv2.rotate(img, cv2.ROTATE_90_COUNTERCLOCKWISE), np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1.0]]) @ m
