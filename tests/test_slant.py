"""Italic figures read upright: slant measured per word, italic runs sheared back and read
in the weak lines' Tesseract call (real Tesseract), and the extractors offered that reading
as a pass of its own."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors.alternatives import alternative_pages
from pipeline.config import Settings
from pipeline.models import LineReread, PageText, Word
from pipeline.ocr import ocr_page, read_images
from pipeline.reread import TIEBREAK_PSM, WITNESS_PSM, reread_lines
from pipeline.slant import ITALIC_SLANT, italic_runs, shear, slant_of, word_slant
from samples.render.fonts import usable

UPRIGHT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
ITALIC = usable("Andika-Italic.ttf") or usable("DejaVuSerif-Italic.ttf") or usable(
    "FreeSerifItalic.ttf")
# (label, value): labels upright as printed on the form, values in an italic hand
LINES = [("a) Thửa đất số: ", "1151"), ("b) Diện tích: ", "401,0 m²"),
         ("Năm sinh: ", "1981"), ("Nơi cư trú: ", "Thôn Đông, xã Bình An")]

pytestmark = pytest.mark.skipif(ITALIC is None, reason="no italic font with Vietnamese")


def form_image() -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A white 300 DPI-like page: each line an upright label and an italic value; returns
    the image and each value's ink box."""
    img = Image.new("L", (1700, 140 + 110 * len(LINES)), 255)
    d = ImageDraw.Draw(img)
    label_font, value_font = ImageFont.truetype(UPRIGHT, 40), ImageFont.truetype(str(ITALIC), 42)
    boxes = []
    for i, (label, value) in enumerate(LINES):
        y = 70 + 110 * i
        d.text((80, y), label, font=label_font, fill=0)
        x = 80 + d.textlength(label, font=label_font)
        d.text((x, y), value, font=value_font, fill=0)
        boxes.append(tuple(int(v) for v in d.textbbox((x, y), value, font=value_font)))
    return np.asarray(img), boxes


@pytest.fixture(scope="module")
def page() -> tuple[np.ndarray, PageText]:
    image, _ = form_image()
    return image, ocr_page(image, 1, 300, Settings())


def test_shear_stands_a_leaning_stroke_upright() -> None:
    image = np.full((40, 60), 255, dtype=np.uint8)
    for y in range(40):  # a stroke leaning right: its top 8 px right of its foot
        x = 30 - round(0.2 * y)
        image[y, x:x + 3] = 0
    straight = shear(image, 0.2)
    assert straight.shape == (40, 68)
    columns = np.nonzero((straight < 128).any(axis=0))[0]
    assert columns.max() - columns.min() <= 3
    assert slant_of(image) == pytest.approx(0.2)
    assert slant_of(straight) == 0.0


def test_too_little_ink_has_no_slant() -> None:
    assert slant_of(np.full((40, 60), 255, dtype=np.uint8)) is None
    assert slant_of(np.zeros((5, 60), dtype=np.uint8)) is None  # too short to judge


def test_labels_measure_upright_and_values_italic(page: tuple[np.ndarray, PageText]) -> None:
    image, text = page
    by_text = {w.text: word_slant(image, w.bbox) for w in text.words}
    assert by_text["Diện"] is not None and by_text["Diện"] < ITALIC_SLANT
    assert by_text["sinh:"] is not None and by_text["sinh:"] < ITALIC_SLANT
    figures = [s for w, s in ((w, word_slant(image, w.bbox)) for w in text.words)
               if w.text[:2].isdigit()]
    assert figures and all(s is not None and s >= ITALIC_SLANT for s in figures)


def test_only_italic_figures_are_runs(page: tuple[np.ndarray, PageText]) -> None:
    image, text = page
    _, value_boxes = form_image()
    runs = italic_runs(image, text)
    assert len(runs) == 3  # 1151, '401,0' ('m²' is a unit, not a figure), 1981; no words
    for (box, slant), value in zip(runs, value_boxes[:3], strict=True):
        assert slant >= ITALIC_SLANT
        assert value[0] - 15 <= box[0] and box[2] <= value[2] + 15  # the value, not the label
        assert value[1] - 15 <= box[1] <= value[3]


def test_italic_figures_are_read_again_upright_in_the_weak_lines_call(
        page: tuple[np.ndarray, PageText]) -> None:
    image, text = page
    readings = reread_lines(image, text, Settings())
    italic = [r for r in readings if r.slant > 0 and r.reader is None]
    assert len(italic) == 3 and all(r.psm == 4 for r in italic)
    # the witness reads them upright too (and reads again alone those it read otherwise)
    witnessed = [r for r in readings if r.reader == "eng" and r.psm == WITNESS_PSM]
    assert [r.box for r in witnessed] == [r.box for r in italic]
    assert {r.box for r in readings if r.psm == TIEBREAK_PSM} <= {r.box for r in italic}
    assert "".join(w.text for w in witnessed[1].words) == "401,0"  # no '2' from the unit
    read = [" ".join(w.text for w in r.words) for r in italic]
    assert read[0] == "1151" and read[2] == "1981"
    assert read[1].startswith("401,0")
    for r in italic:  # boxes back on the page, where the first reading's words were
        for w in r.words:
            assert r.box[0] - 20 <= w.bbox[0] < w.bbox[2] <= r.box[2] + 20
    assert not [r for r in reread_lines(image, text, Settings(deslant_italic=False))
                if r.slant > 0]


def test_images_read_by_one_call_each_keep_their_own_words() -> None:
    image, boxes = form_image()
    crops = [image[b[1] - 10:b[3] + 10, b[0] - 10:b[2] + 10] for b in boxes[:2]]
    first, second = read_images(crops, Settings(), 1, psm=6)
    assert "".join(first["text"]).strip().startswith("115")
    assert "401" in "".join(second["text"])


def test_the_italic_reading_is_a_pass_of_its_own() -> None:
    word = Word(text="1157", bbox=(300, 100, 380, 140), confidence=0.7, line_id=0)
    page = PageText(page=1, width=1000, height=400, dpi=300, source="ocr", words=[word],
                    rereads=[LineReread(box=(0, 90, 1000, 150), words=[word], psm=4),
                             LineReread(box=(300, 100, 380, 140), psm=4, slant=0.2,
                                        words=[word.model_copy(update={"text": "1151"})])])
    passes = alternative_pages([page])
    assert [[w.text for w in p[0].words] for p in passes] == [["1157"], ["1151"]]
