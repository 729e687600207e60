"""PDFs with a page image and an invisible text layer, like born-digital or scanner-OCR'd PDFs.

Each drawn word is placed at its box, carried through the page's damage matrix (skew,
rotation, downsampling), in PDF text render mode 3 (invisible), stretched horizontally to
the word's width so a text extractor's word boxes line up with the image. The font is a
Vietnamese-complete TrueType (checked like every font here) embedded as a subset with a
ToUnicode map, so extractors get correct NFC Vietnamese back.

`garble` makes the other kind of text layer: what a scanner's built-in, non-Vietnamese OCR
leaves behind (diacritics stripped, letters read as digits): present, confident, useless.
"""

from __future__ import annotations

import io
import math
import random
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from samples.content import TextBox
from samples.render.damage import ScannedPage
from samples.render.fonts import check_vietnamese_coverage, usable

_FONT_NAME = "SoHoaTextLayer"
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_LOOKALIKE = {"o": "0", "O": "0", "e": "6", "a": "4", "i": "1", "l": "1", "g": "9", "s": "5",
              "S": "5", "B": "8", "â": "i", "ê": "6", "ư": "u", "ơ": "o", "n": "m"}


def garble(text: str, rng: random.Random, rate: float = 0.12) -> str:
    """`text` as a scanner's non-Vietnamese OCR would read it: tone marks and hats lost,
    đ → d, and some letters swapped for lookalike digits ("Nguyễn Anh Quân" → "Nguy6n Anh Quin")."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        toneless = unicodedata.normalize(
            "NFC", "".join(c for c in unicodedata.normalize("NFD", ch) if c not in _TONE_MARKS))
        if toneless in _LOOKALIKE and rng.random() < rate:
            out.append(_LOOKALIKE[toneless])
        else:
            out.append({"đ": "d", "Đ": "D"}.get(ch, unicodedata.normalize("NFD", ch)[0]))
    return "".join(out)


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if _FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        path = usable("DejaVuSans.ttf") or usable("NotoSans-Regular.ttf") or usable("FreeSans.ttf")
        if path is None:
            from samples.render.fonts import FontCoverageError

            raise FontCoverageError("no Vietnamese-complete sans font for the PDF text layer",
                                    hint="apt-get install fonts-dejavu-core")
        check_vietnamese_coverage(path)
        pdfmetrics.registerFont(TTFont(_FONT_NAME, str(path)))
    return _FONT_NAME


def write_pdf(pages: Sequence[ScannedPage], words: Sequence[Sequence[TextBox]], path: Path,
              text_of: Callable[[str], str] = lambda s: s) -> None:
    """One PDF page per scanned page: the image (JPEG) under an invisible text layer of
    `text_of(word)` for every word."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen.canvas import Canvas

    from reportlab import rl_config

    rl_config.useA85 = 0  # pure-Python ASCII85 of page images costs seconds; binary is fine
    font = _register_font()
    face = pdfmetrics.getFont(font).face
    ascent, descent = face.ascent / 1000, -face.descent / 1000
    pdf = Canvas(str(path), invariant=1, pageCompression=1)
    for page, page_words in zip(pages, words):
        k = 72 / page.dpi  # image pixels → PDF points
        w_px, h_px = page.image.size
        pdf.setPageSize((w_px * k, h_px * k))
        buf = io.BytesIO()
        page.image.save(buf, "JPEG", quality=85)
        buf.seek(0)
        pdf.drawImage(ImageReader(buf), 0, 0, w_px * k, h_px * k)
        layer = pdf.beginText()
        layer.setTextRenderMode(3)
        m = page.matrix
        scale = math.sqrt(abs(np.linalg.det(m[:2, :2])))
        for box in page_words:
            text = text_of(box.text)
            if not text:
                continue
            x0, y0, x1, y1 = box.bbox
            em_px = (y1 - y0) / (ascent + descent)
            base = y1 - descent * em_px
            p0 = m @ (x0, base, 1.0)
            p1 = m @ (x1, base, 1.0)
            ax, ay = p0[0] * k, (h_px - p0[1]) * k
            bx, by = p1[0] * k, (h_px - p1[1]) * k
            length = math.hypot(bx - ax, by - ay)
            size = em_px * scale * k
            natural = pdfmetrics.stringWidth(text, font, size)
            if length <= 0 or natural <= 0:
                continue
            ux, uy = (bx - ax) / length, (by - ay) / length
            stretch = length / natural
            layer.setFont(font, size)
            layer.setTextTransform(ux * stretch, uy * stretch, -uy, ux, ax, ay)
            layer.textOut(text + " ")  # a real space: extractors split words on it, not on gaps
        pdf.drawText(layer)
        pdf.showPage()
    pdf.save()
