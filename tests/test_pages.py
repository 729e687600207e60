"""Pages: PDFs rendered in the sandbox, images checked before decoding, text layers judged.

Every fixture is synthesised here (hand-written PDFs, Pillow images, reportlab for
text layers) rather than committed as binaries.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from pipeline.config import Settings
from pipeline.errors import (
    CorruptDocument,
    EncryptedPdf,
    ImageTooLarge,
    ResourceLimitExceeded,
)
from pipeline.intake import sniff_file
from pipeline.models import MediaType
from pipeline.pages import load_pages, read_page_image

from bad_files import encrypted_pdf, make_pdf, page_objects, png_chunk  # noqa: E402


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _load(path: Path, settings: Settings, tmp_path: Path) -> list:
    return load_pages(path, sniff_file(path), settings, tmp_path / "work")


# --- PDFs ----------------------------------------------------------------------------------


def test_blank_pdf_renders_every_page_at_dpi(tmp_path: Path, settings: Settings) -> None:
    path = _write(tmp_path, "blank.pdf", make_pdf(page_objects(3)))
    pages = _load(path, settings.model_copy(update={"dpi": 150}), tmp_path)
    assert [p.page for p in pages] == [1, 2, 3]
    first = pages[0]
    assert (first.width, first.height, first.dpi) == (1240, 1755, 150)  # pdfium rounds up
    assert first.text_layer_status == "none" and first.text_layer is None
    assert read_page_image(first).shape[:2] == (1755, 1240)


def test_truncated_pdf_is_corrupt(tmp_path: Path, settings: Settings) -> None:
    data = make_pdf(page_objects(2))
    path = _write(tmp_path, "cut.pdf", data[: len(data) // 2])
    with pytest.raises(CorruptDocument) as err:
        _load(path, settings, tmp_path)
    assert err.value.filename == "cut.pdf" and err.value.stage == "pages"


def test_password_protected_pdf(tmp_path: Path, settings: Settings) -> None:
    data = encrypted_pdf(b"matkhau")
    assert len(pdfium.PdfDocument(data, password="matkhau")) == 1  # a valid encrypted PDF
    path = _write(tmp_path, "locked.pdf", data)
    with pytest.raises(EncryptedPdf) as err:
        _load(path, settings, tmp_path)
    assert err.value.filename == "locked.pdf" and "password" in str(err.value)


def test_huge_page_refused_before_rendering(tmp_path: Path, settings: Settings) -> None:
    path = _write(tmp_path, "poster.pdf", make_pdf(page_objects(1, b"[0 0 14400 14400]")))
    with pytest.raises(ImageTooLarge, match="max_page_pixels"):
        _load(path, settings, tmp_path)


def test_memory_limit_trips_in_the_sandbox(tmp_path: Path, settings: Settings) -> None:
    """With the pixel check lifted, a 1.6 Gpx page exhausts the child's 400 MB cap."""
    path = _write(tmp_path, "bomb.pdf", make_pdf(page_objects(1, b"[0 0 14400 14400]")))
    limited = settings.model_copy(update={"dpi": 200, "max_page_pixels": 10**12,
                                          "render_memory_mb": 400})
    with pytest.raises(ResourceLimitExceeded) as err:
        _load(path, limited, tmp_path)
    assert err.value.filename == "bomb.pdf" and err.value.stage == "pages"


def test_warm_sandbox_child_is_reused_and_replaced_after_a_limit(tmp_path: Path,
                                                                settings: Settings) -> None:
    from pipeline.pdf_pages import _POOL

    _POOL.close()
    good = _write(tmp_path, "good.pdf", make_pdf(page_objects(1)))
    _load(good, settings, tmp_path)
    (child,) = _POOL._idle[settings.render_memory_mb]
    _load(good, settings, tmp_path)
    assert _POOL._idle[settings.render_memory_mb] == [child]  # the same warm child served both
    bomb = _write(tmp_path, "bomb.pdf", make_pdf(page_objects(1, b"[0 0 14400 14400]")))
    with pytest.raises(ResourceLimitExceeded):
        _load(bomb, settings.model_copy(update={"max_page_pixels": 10**12}), tmp_path)
    assert child.proc.poll() is not None  # the child that hit the limit is gone …
    assert _load(good, settings, tmp_path)[0].page == 1  # … and the next PDF still renders


def test_time_limit_trips_in_the_sandbox(tmp_path: Path, settings: Settings) -> None:
    path = _write(tmp_path, "slow.pdf", make_pdf(page_objects(1)))
    with pytest.raises(ResourceLimitExceeded, match="render_timeout_s"):
        _load(path, settings.model_copy(update={"render_timeout_s": 0.001}), tmp_path)


def test_max_pages(tmp_path: Path, settings: Settings) -> None:
    path = _write(tmp_path, "book.pdf", make_pdf(page_objects(3)))
    with pytest.raises(ResourceLimitExceeded, match="max_pages"):
        _load(path, settings.model_copy(update={"max_pages": 2}), tmp_path)


# --- PDFs with a text layer (reportlab) ------------------------------------------------

VIETNAMESE_LINES = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                    "Họ, chữ đệm, tên: NGUYỄN VĂN LỢI", "Nơi sinh: Bệnh viện Phụ sản Hà Nội"]
GARBAGE_LINES = ["CONG HOA XA HOI CHU NGHIA VIET NAM", "Doc lap - Tu do - Hanh phuc",
                 "Ho, chu d6m, t6n: Nguy6n Anh Quin", "Noi sinh: B6nh vi6n Phu san Ha N6i"]


def text_pdf(lines: list[str]) -> bytes:
    canvas_mod = pytest.importorskip("reportlab.pdfgen.canvas")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    buf = io.BytesIO()
    c = canvas_mod.Canvas(buf, pagesize=(595, 842))
    c.setFont("DejaVuSans", 14)
    for i, line in enumerate(lines):
        c.drawString(72, 760 - 30 * i, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_real_vietnamese_text_layer(tmp_path: Path, settings: Settings) -> None:
    path = _write(tmp_path, "born_digital.pdf", text_pdf(VIETNAMESE_LINES))
    (page,) = _load(path, settings, tmp_path)
    assert page.text_layer_status == "real" and page.text_layer is not None
    layer = page.text_layer
    assert layer.source == "text_layer" and layer.dpi == 300
    assert "NGUYỄN VĂN LỢI" in layer.text and "Hạnh phúc" in layer.text
    assert len({w.line_id for w in layer.words}) == len(VIETNAMESE_LINES)
    assert page.image_path is None  # a real text layer needs no OCR, so no render
    bitmap = pdfium.PdfDocument(path)[0].render(scale=300 / 72, grayscale=True)
    ink = bitmap.to_numpy()
    assert ink.shape[:2] == (page.height, page.width)
    for w in layer.words:  # boxes are in pixels of the page at 300 DPI, over the ink
        x0, y0, x1, y1 = w.bbox
        assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height
        assert ink[y0:y1, x0:x1].min() < 100, w


def test_pdfium_reads_the_same_words_as_pdfplumber(tmp_path: Path) -> None:
    """pdfium is the fast first reader of a text layer; pdfplumber (pdfminer) is the
    reference: same words, boxes within a few pixels at 300 DPI (pdfium's font boxes are
    taller above stacked diacritics, so only the top edge may differ more)."""
    import pdfplumber

    from pipeline.pdf_pages import _layer_words, _pdfium_words

    path = _write(tmp_path, "born_digital.pdf", text_pdf(VIETNAMESE_LINES + ["Số: 123/2020"]))
    page = pdfium.PdfDocument(path)[0]
    conv = pdfium.PdfPosConv(page, (0, 0, round(595 * 300 / 72), round(842 * 300 / 72), 0))
    fast = sorted(_pdfium_words(page.get_textpage(), conv), key=lambda w: (w["text"], w["bbox"]))
    with pdfplumber.open(path) as pdf:
        ref = sorted(_layer_words(pdf.pages[0], conv), key=lambda w: (w["text"], w["bbox"]))
    assert [w["text"] for w in fast] == [w["text"] for w in ref]
    for a, b in zip(fast, ref, strict=True):
        x0, y0, x1, y1 = (abs(u - v) for u, v in zip(a["bbox"], b["bbox"], strict=True))
        assert max(x0, x1, y1) <= 4 and y0 <= 25, (a, b)


def test_garbage_text_layer_is_not_used(tmp_path: Path, settings: Settings) -> None:
    path = _write(tmp_path, "scanner_ocr.pdf", text_pdf(GARBAGE_LINES))
    (page,) = _load(path, settings, tmp_path)
    assert page.text_layer_status == "garbage" and page.text_layer is None


# --- images ------------------------------------------------------------------------------


def test_decompression_bomb_png_refused_from_header(tmp_path: Path, settings: Settings) -> None:
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    data = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 100_001 * 4, 9))
            + png_chunk(b"IEND", b""))
    assert len(data) < 2000
    path = _write(tmp_path, "bomb.png", data)
    with pytest.raises(ImageTooLarge) as err:
        _load(path, settings, tmp_path)
    assert err.value.filename == "bomb.png" and err.value.stage == "pages"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_image_is_corrupt(tmp_path: Path, settings: Settings, fmt: str) -> None:
    rng = np.random.default_rng(1)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (400, 300), dtype=np.uint8)).save(buf, format=fmt)
    path = _write(tmp_path, f"cut.{fmt.lower()}", buf.getvalue()[: len(buf.getvalue()) // 2])
    with pytest.raises(CorruptDocument) as err:
        _load(path, settings, tmp_path)
    assert err.value.stage == "pages"


def test_multipage_tiff_every_frame_8bit_with_dpi(tmp_path: Path, settings: Settings) -> None:
    bilevel = Image.new("1", (300, 200), 1)
    ImageDraw.Draw(bilevel).rectangle((10, 10, 50, 50), fill=0)
    grey16 = Image.fromarray(np.full((200, 300), 40000, dtype=np.uint16))
    colour = Image.new("RGB", (300, 200), (255, 255, 255))
    ImageDraw.Draw(colour).ellipse((50, 50, 150, 150), outline=(220, 20, 30), width=8)
    path = tmp_path / "book.tif"
    bilevel.save(path, save_all=True, append_images=[grey16, colour], dpi=(200, 200),
                 compression="tiff_deflate")
    pages = _load(path, settings, tmp_path)
    assert [p.page for p in pages] == [1, 2, 3] and {p.dpi for p in pages} == {200}
    images = [read_page_image(p) for p in pages]
    assert all(im.dtype == np.uint8 for im in images)
    assert images[0].ndim == 2 and images[0][30, 30] == 0 and images[0][150, 150] == 255
    assert images[2].ndim == 3  # the red seal keeps its colour for seal removal


def test_image_without_dpi_defaults_to_300(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "photo.png"  # PNG without pHYs
    Image.new("L", (200, 100), 255).save(path)
    (page,) = _load(path, settings, tmp_path)
    assert page.dpi == 300 and (page.width, page.height) == (200, 100)


def test_image_pixel_limit(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "scan.jpg"
    Image.new("RGB", (1000, 1000), "white").save(path, dpi=(600, 600))
    with pytest.raises(ImageTooLarge):
        _load(path, settings.model_copy(update={"max_page_pixels": 500_000}), tmp_path)
    (page,) = _load(path, settings, tmp_path)
    assert page.dpi == 600


def test_png_named_pdf_loads_as_image(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "scan.pdf"
    Image.new("L", (120, 80), 255).save(path, format="PNG")
    assert sniff_file(path) is MediaType.png
    assert len(_load(path, settings, tmp_path)) == 1


@pytest.mark.parametrize(("drawn", "turn"), [(90, 90), (-90, 270)])
def test_text_layer_drawn_turned_is_read_upright(tmp_path: Path, settings: Settings,
                                                 drawn: int, turn: int) -> None:
    """A page scanned on its side and saved with its text drawn turned (landscape page, lines
    running down it): the layer's words are right, so it is used, turned upright."""
    canvas_mod = pytest.importorskip("reportlab.pdfgen.canvas")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from extractors.layout import document_lines

    pdfmetrics.registerFont(TTFont("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    buf = io.BytesIO()
    c = canvas_mod.Canvas(buf, pagesize=(842, 595))  # landscape: an A4 portrait turned
    c.translate(842, 0) if drawn == 90 else c.translate(0, 595)
    c.rotate(drawn)  # the portrait page drawn turned: its lines run up or down the page
    c.setFont("DejaVuSans", 14)
    for i, line in enumerate(VIETNAMESE_LINES):
        c.drawString(72, 760 - 30 * i, line)
    c.showPage()
    c.save()
    path = _write(tmp_path, "turned.pdf", buf.getvalue())
    (page,) = _load(path, settings, tmp_path)
    layer = page.text_layer
    assert page.text_layer_status == "real" and layer is not None and page.image_path is None
    assert layer.rotation == turn and (layer.width, layer.height) == (page.height, page.width)
    lines = [" ".join(t.text for t in ln.tokens) for ln in document_lines([layer])]
    assert lines == VIETNAMESE_LINES
