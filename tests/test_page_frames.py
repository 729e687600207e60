"""The page as it was read: a scan that was upscaled, levelled or turned before OCR is
re-created in exactly the frame its boxes refer to (field evidence and the reviewer's page
depend on it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.config import Settings
from pipeline.models import MediaType
from pipeline.ocr import cleaned_image_path, ocr_rendered_page, upright_reading
from pipeline.page_frames import crop, page_as_read
from pipeline.pages import load_pages

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = ["GIẤY KHAI SINH", "Họ, chữ đệm, tên: NGUYỄN VĂN LỢI",
         "Ngày, tháng, năm sinh: 02/07/1990", "Nơi sinh: Bệnh viện Phụ sản Hà Nội"]


def _scan(path: Path, *, dpi: int, skew: float, turn: int = 0, repeat: int = 1) -> bytes:
    """A small form page at `dpi`, rotated counter-clockwise by `skew` degrees (and turned
    clockwise by `turn`), saved with its DPI."""
    scale = dpi / 300
    lines = LINES * repeat
    page = Image.new("L", (int(1800 * scale), int((220 + 170 * len(lines)) * scale)), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, int(44 * scale))
    for i, line in enumerate(lines):
        draw.text((int(120 * scale), int((120 + 170 * i) * scale)), line, font=font, fill=0)
    page = page.rotate(skew, expand=True, fillcolor=255, resample=Image.BICUBIC)
    if turn:
        page = page.rotate(-turn, expand=True)
    page.save(path, dpi=(dpi, dpi))
    return path.read_bytes()


def _ink(image: np.ndarray) -> np.ndarray:
    grey = image if image.ndim == 2 else image.mean(axis=2)
    return grey < 128


def _agreement(ours: np.ndarray, cleaned: np.ndarray) -> float:
    """Share of the OCR image's ink that is ink in our frame too."""
    assert ours.shape[:2] == cleaned.shape[:2]
    ink = _ink(cleaned)
    return float((_ink(ours) & ink).sum() / max(1, ink.sum()))


@pytest.mark.parametrize(("dpi", "skew"), [(200, 4.0), (300, -3.0)])
def test_upscaled_and_levelled_scan_replays_the_ocr_frame(tmp_path: Path, settings: Settings,
                                                          dpi: int, skew: float) -> None:
    original = _scan(tmp_path / "scan.png", dpi=dpi, skew=skew)
    (rendered,) = load_pages(tmp_path / "scan.png", MediaType.png, settings, tmp_path)
    reading = ocr_rendered_page(rendered, settings)
    assert abs(reading.skew - skew) < 1.0  # the pipeline did level it
    cleaned = np.asarray(Image.open(cleaned_image_path(rendered)))
    ours = page_as_read(original, MediaType.png, reading, settings)
    assert ours.shape[:2] == (reading.height, reading.width) == cleaned.shape[:2]
    assert _agreement(ours, cleaned) > 0.8
    naive = np.asarray(Image.open(tmp_path / "scan.png"))  # the original, untransformed
    if naive.shape[:2] == cleaned.shape[:2]:
        assert _agreement(naive, cleaned) < 0.5
    name = next(w for w in reading.words if w.text.startswith("NGUY"))
    assert _ink(crop(ours, name.bbox, margin=0)).mean() > 0.05  # the box holds the word's ink


def test_turned_page_frame(tmp_path: Path, settings: Settings) -> None:
    """A page read after a 90° turn: the frame is the upright page."""
    original = _scan(tmp_path / "turned.png", dpi=300, skew=0.0, turn=90, repeat=3)
    (rendered,) = load_pages(tmp_path / "turned.png", MediaType.png, settings, tmp_path)
    upright = upright_reading(rendered, ocr_rendered_page(rendered, settings), settings)
    assert upright is not None and upright.rotation == 270  # OSD: turn back 270° clockwise
    cleaned = np.asarray(Image.open(cleaned_image_path(rendered)))
    ours = page_as_read(original, MediaType.png, upright, settings)
    assert ours.shape[:2] == cleaned.shape[:2]
    assert _agreement(ours, cleaned) > 0.8


def test_without_a_reading_the_page_is_as_decoded(tmp_path: Path, settings: Settings) -> None:
    original = _scan(tmp_path / "scan.png", dpi=300, skew=0.0)
    image = page_as_read(original, MediaType.png, None, settings)
    assert image.shape[:2] == Image.open(tmp_path / "scan.png").size[::-1]
