"""The workstation's page images: a downscaled WebP derivative, turned as the page was for
reading (so the boxes drawn from the reading fall on the right words)."""

from __future__ import annotations

import io

from PIL import Image

from pipeline.models import MediaType
from samples import bundled_corpus
from service.web.page_image import TARGET_WIDTH, derivative_key, render_derivative


def _size(webp: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(webp)) as im:
        assert im.format == "WEBP"
        return im.size


def test_a_300_dpi_pdf_page_becomes_a_1600_px_webp() -> None:
    pdf = (bundled_corpus() / "death_0001.pdf").read_bytes()
    w, h = _size(render_derivative(pdf, MediaType.pdf, 1))
    assert w == TARGET_WIDTH and h > w  # A4 portrait


def test_a_page_read_turned_is_shown_turned() -> None:
    jpg = (bundled_corpus() / "birth_0002.jpg").read_bytes()
    with Image.open(io.BytesIO(jpg)) as im:
        native = im.size
    upright = _size(render_derivative(jpg, MediaType.jpeg, 1))
    turned = _size(render_derivative(jpg, MediaType.jpeg, 1, rotation=90))
    assert upright[0] == min(TARGET_WIDTH, native[0])
    assert turned[0] == min(TARGET_WIDTH, native[1])  # width and height swapped
    assert abs(turned[1] / turned[0] - native[0] / native[1]) < 0.01
    assert derivative_key("ab", 1) != derivative_key("ab", 1, rotation=90)
