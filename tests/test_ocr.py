"""OCR: NFC words with boxes from real Tesseract; faults injected with tiny fake engines."""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path

import numpy as np
import pytest
import pytesseract
from PIL import Image, ImageDraw, ImageFont

from pipeline import ocr
from pipeline.cleaning import rotate_orthogonal
from pipeline.config import Settings
from pipeline.errors import MissingDependencyError, OcrError
from pipeline.models import PageText, Word
from pipeline.pages import RenderedPage

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
LINES = ["Họ, chữ đệm, tên: NGUYỄN VĂN LỢI", "Nơi sinh: Bệnh viện Phụ sản Hà Nội",
         "Quê quán: xã Nghĩa Hưng, tỉnh Bắc Giang", "Ngày, tháng, năm sinh: 02/07/1990",
         "Dân tộc: Kinh    Quốc tịch: Việt Nam", "Nơi cư trú: phường Phạm Đình Hổ"]


def lines_image(lines: list[str], width: int = 1800) -> np.ndarray:
    img = Image.new("L", (width, 120 + 110 * len(lines)), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 48)
    for i, line in enumerate(lines):
        d.text((80, 60 + 110 * i), line, font=font, fill=0)
    return np.asarray(img)


def rendered(tmp_path: Path, image: np.ndarray, page: int = 1, **kw: object) -> RenderedPage:
    path = tmp_path / f"page-{page:04d}.png"
    Image.fromarray(image).save(path)
    return RenderedPage(page=page, image_path=str(path), dpi=300, width=image.shape[1],
                        height=image.shape[0], **kw)


@pytest.fixture
def fake_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Tesseract that crashes: every call fails like a segfaulting engine would."""
    script = tmp_path / "tesseract"
    script.write_text("#!/bin/sh\necho 'Segmentation fault (core dumped)' >&2\nexit 139\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(script))
    return script


def test_thread_limit_set_on_import() -> None:
    assert os.environ.get("OMP_THREAD_LIMIT") == "1"


def test_ocr_line_is_nfc_with_boxes_inside(tmp_path: Path) -> None:
    image = lines_image(LINES[:1])
    page = ocr.ocr_page(image, 3, 300, Settings())
    assert page.page == 3 and page.source == "ocr" and page.dpi == 300
    assert (page.width, page.height) == (image.shape[1], image.shape[0])
    assert "NGUYỄN" in page.text and "chữ" in page.text
    for w in page.words:
        assert w.text and unicodedata.is_normalized("NFC", w.text)
        x0, y0, x1, y1 = w.bbox
        assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height
        assert 0.0 <= w.confidence <= 1.0
    assert len({w.line_id for w in page.words}) == 1


def test_ocr_from_path_same_as_array(tmp_path: Path) -> None:
    image = lines_image(LINES[1:2])
    path = tmp_path / "line.png"
    Image.fromarray(image).save(path)
    assert ocr.ocr_page(path, 1, 300, Settings()).text == ocr.ocr_page(image, 1, 300,
                                                                       Settings()).text


def test_tesseract_crash_is_ocr_error(fake_tesseract: Path) -> None:
    with pytest.raises(OcrError, match="page 2"):
        ocr.ocr_page(lines_image(LINES[:1]), 2, 300, Settings())


def test_tesseract_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(MissingDependencyError) as err:
        ocr.ocr_page(lines_image(LINES[:1]), 1, 300, Settings())
    assert "apt-get install" in str(err.value)


def test_language_data_missing() -> None:
    with pytest.raises(MissingDependencyError, match="xyz"):
        ocr.ocr_page(lines_image(LINES[:1]), 1, 300, Settings(tesseract_lang="xyz"))


def test_real_text_layer_skips_ocr(tmp_path: Path, fake_tesseract: Path) -> None:
    layer = PageText(page=1, width=10, height=10, dpi=300, source="text_layer",
                     words=[Word(text="Hà", bbox=(0, 0, 5, 5), confidence=1.0)])
    page = rendered(tmp_path, lines_image(LINES[:1]), text_layer=layer,
                    text_layer_status="real")
    assert ocr.ocr_document([page], Settings()) == [layer]  # the crashing engine never ran


def test_ocr_document_parallel_keeps_page_order(tmp_path: Path) -> None:
    pages = [rendered(tmp_path, lines_image(LINES[i:i + 2]), page=i + 1) for i in range(3)]
    texts = ocr.ocr_document(pages, Settings(ocr_workers=2))
    assert [t.page for t in texts] == [1, 2, 3]
    assert "chữ đệm" in texts[0].text and "Bắc Giang" in texts[1].text
    assert all(ocr.cleaned_image_path(p).exists() for p in pages)


def test_upside_down_page_is_turned_and_read(tmp_path: Path) -> None:
    upright = lines_image(LINES)
    page = rendered(tmp_path, rotate_orthogonal(upright, 180))
    text = ocr.ocr_rendered_page(page, Settings())
    assert text.rotation == 180
    assert "NGUYỄN" in text.text and not ocr.is_poor(text)
    cleaned = Image.open(ocr.cleaned_image_path(page))
    assert cleaned.size == (text.width, text.height)


def test_low_dpi_scans_are_upscaled_to_the_configured_dpi(settings) -> None:
    from pipeline.ocr import at_ocr_resolution

    image = np.zeros((1000, 700), dtype=np.uint8)
    scaled, dpi = at_ocr_resolution(image, 150, settings)
    assert dpi == settings.dpi == 300 and scaled.shape == (2000, 1400)
    same, dpi = at_ocr_resolution(image, 300, settings)
    assert dpi == 300 and same is image


# --- reading large print scaled down (ocr_scale) --------------------------------------------


def test_large_print_is_read_scaled_small_print_at_full_size() -> None:
    big, small = lines_image(LINES), lines_image_sized(LINES, 26)
    assert ocr.letter_height(big) > 1.5 * ocr.letter_height(small)
    assert ocr.ocr_scale(big, Settings()) < 0.9
    assert ocr.ocr_scale(small, Settings()) == 1.0
    assert ocr.ocr_scale(big, Settings(ocr_letter_px=0)) == 1.0
    assert ocr.ocr_scale(np.full((400, 400), 255, np.uint8), Settings()) == 1.0  # no letters


def test_scaled_reading_gives_the_same_words_in_full_size_pixels() -> None:
    image = lines_image(LINES)
    scaled = ocr.ocr_page(image, 1, 300, Settings())
    full = ocr.ocr_page(image, 1, 300, Settings(ocr_letter_px=0))
    assert scaled.text == full.text
    assert (scaled.width, scaled.height) == (full.width, full.height)
    for a, b in zip(scaled.words, full.words, strict=True):
        assert max(abs(p - q) for p, q in zip(a.bbox, b.bbox, strict=True)) <= 4, (a, b)


def test_unscale_boxes() -> None:
    data = {"left": [10], "top": [20], "width": [5], "height": [7], "text": ["x"]}
    out = ocr.unscale_boxes(data, 0.5)
    assert (out["left"], out["top"], out["width"], out["height"]) == ([20], [40], [10], [14])
    assert out["text"] == ["x"] and data["left"] == [10]


def lines_image_sized(lines: list[str], size: int, width: int = 1800) -> np.ndarray:
    img = Image.new("L", (width, 120 + round(size * 2.3) * len(lines)), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, size)
    for i, line in enumerate(lines):
        d.text((80, 60 + round(size * 2.3) * i), line, font=font, fill=0)
    return np.asarray(img)
