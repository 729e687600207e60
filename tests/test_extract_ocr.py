"""Real OCR: a birth certificate drawn with PIL (DejaVu Serif, 300 DPI), read by Tesseract
(`vie`, psm 6, one thread), then extracted. Checks that most fields come out right on what
Tesseract really produces, which synthetic word lists can only imitate."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from extractors import extract_document
from pipeline.config import Settings
from pipeline.models import DocType, PageText, Word
from pipeline.textnorm import clean

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
DPI, WIDTH, HEIGHT = 300, 2480, 3508

Row = list[tuple[str, str]]  # (label, value) pairs printed on one line

FORM_ROWS: list[Row | str] = [
    "Số: 57/2019",
    "Quyển số: 02/2019",
    "#GIẤY KHAI SINH",
    [("Họ, chữ đệm, tên:", "ĐẶNG THỊ THU HUỆ")],
    [("Ngày, tháng, năm sinh:", "5/11/2018"),
     ("ghi bằng chữ:", "Ngày mồng năm, tháng mười")],
    "+một, năm hai nghìn không trăm mười tám",
    [("Giới tính:", "Nữ"), ("Dân tộc:", "Kinh"), ("Quốc tịch:", "Việt Nam")],
    [("Nơi sinh:", "Bệnh viện Đa khoa tỉnh Bắc Giang, thành phố Bắc Giang,")],
    "+tỉnh Bắc Giang",
    [("Quê quán:", "Xã Nghĩa Hưng, huyện Lạng Giang, tỉnh Bắc Giang")],
    [("Số định danh cá nhân:", "024318004567")],
    [("Họ, chữ đệm, tên người mẹ:", "LƯƠNG THỊ YẾN")],
    [("Năm sinh:", "1990"), ("Dân tộc:", "Kinh"), ("Quốc tịch:", "Việt Nam")],
    [("Nơi cư trú:", "Thôn Tân Lập, xã Nghĩa Hưng, huyện Lạng Giang, tỉnh Bắc Giang")],
    [("Họ, chữ đệm, tên người cha:", "ĐẶNG VĂN DŨNG")],
    [("Năm sinh:", "1988"), ("Dân tộc:", "Tày"), ("Quốc tịch:", "Việt Nam")],
    [("Nơi cư trú:", "Thôn Tân Lập, xã Nghĩa Hưng, huyện Lạng Giang, tỉnh Bắc Giang")],
    [("Họ, chữ đệm, tên người đi khai sinh:", "ĐẶNG VĂN DŨNG")],
    [("Giấy tờ tùy thân:", "CCCD số 024088001234")],
    [("Nơi đăng ký khai sinh:", "Ủy ban nhân dân xã Nghĩa Hưng, huyện Lạng Giang,")],
    "+tỉnh Bắc Giang",
    [("Ngày, tháng, năm đăng ký:", "20/11/2018")],
    "#NGƯỜI KÝ GIẤY KHAI SINH",
]
TRUTH = {
    "registration_number": "57/2019", "book_number": "02/2019",
    "full_name": "Đặng Thị Thu Huệ", "date_of_birth": "2018-11-05",
    "date_of_birth_words": "2018-11-05", "gender": "female", "ethnicity": "Kinh",
    "nationality": "Việt Nam",
    "place_of_birth": "Bệnh viện Đa khoa tỉnh Bắc Giang, thành phố Bắc Giang, tỉnh Bắc Giang",
    "hometown": "Xã Nghĩa Hưng, huyện Lạng Giang, tỉnh Bắc Giang",
    "personal_id": "024318004567", "mother_name": "Lương Thị Yến", "mother_birth_year": 1990,
    "mother_ethnicity": "Kinh", "mother_nationality": "Việt Nam",
    "mother_residence": "Thôn Tân Lập, xã Nghĩa Hưng, huyện Lạng Giang, tỉnh Bắc Giang",
    "father_name": "Đặng Văn Dũng", "father_birth_year": 1988, "father_ethnicity": "Tày",
    "father_nationality": "Việt Nam",
    "father_residence": "Thôn Tân Lập, xã Nghĩa Hưng, huyện Lạng Giang, tỉnh Bắc Giang",
    "registration_place": "Ủy ban nhân dân xã Nghĩa Hưng, huyện Lạng Giang, tỉnh Bắc Giang",
    "registration_date": "2018-11-20",
}


def draw_form(rows: list[Row | str]):  # -> PIL.Image.Image
    """A plain form: regular labels, bold values, dotted writing lines after each value."""
    from PIL import Image, ImageDraw, ImageFont

    label_font = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif.ttf"), 40)
    value_font = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif-Bold.ttf"), 40)
    title_font = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif-Bold.ttf"), 60)
    img = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(img)
    left, right, y = 200, WIDTH - 200, 200
    for row in rows:
        if isinstance(row, str) and row.startswith("#"):
            text = row[1:]
            w = draw.textlength(text, font=title_font)
            draw.text(((WIDTH - w) / 2, y + 20), text, font=title_font, fill="black")
            y += 140
            continue
        if isinstance(row, str) and row.startswith("+"):
            row = [("", row[1:])]
        elif isinstance(row, str):
            label, value = row.split(": ", 1)
            row = [(label + ":", value)]
        x = left
        slot = (right - left) / len(row)
        for i, (label, value) in enumerate(row):
            x = max(x, left + i * slot) if len(row) > 1 else x
            if label:
                draw.text((x, y), label, font=label_font, fill="black")
                x += draw.textlength(label + " ", font=label_font)
            draw.text((x, y), value, font=value_font, fill="black")
            x += draw.textlength(value + "  ", font=value_font)
            end = left + (i + 1) * slot - 30 if len(row) > 1 else right
            while x < end - 10:  # the dotted writing line
                draw.text((x, y), ".", font=label_font, fill="black")
                x += 14
        y += 84
    return img


def ocr_page(image, page: int = 1) -> PageText:
    """Tesseract words → PageText (words with boxes, [0,1] confidences, line ids)."""
    import pytesseract

    os.environ["OMP_THREAD_LIMIT"] = "1"
    data = pytesseract.image_to_data(image, lang="vie", config="--psm 6",
                                     output_type=pytesseract.Output.DICT)
    words: list[Word] = []
    line_ids: dict[tuple[int, int, int], int] = {}
    for i, text in enumerate(data["text"]):
        text = clean(text or "")
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        line_id = line_ids.setdefault(key, len(line_ids) + 1)
        x, y, w, h = (data[k][i] for k in ("left", "top", "width", "height"))
        words.append(Word(text=text, bbox=(x, y, x + w, y + h), confidence=conf / 100.0,
                          line_id=line_id))
    return PageText(page=page, width=image.width, height=image.height, dpi=DPI, source="ocr",
                    words=words)


def field_accuracy(values: dict[str, object], truth: dict[str, object]) -> tuple[float, list]:
    wrong = [(k, values.get(k), v) for k, v in truth.items() if values.get(k) != v]
    return 1 - len(wrong) / len(truth), wrong


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_birth_certificate_through_tesseract() -> None:
    page = ocr_page(draw_form(FORM_ROWS))
    result = extract_document([page], Settings(), today=date(2026, 1, 1))
    assert result.doc_type is DocType.birth_certificate
    values = {k: f.value for k, f in result.fields.items()}
    accuracy, wrong = field_accuracy(values, TRUTH)
    assert accuracy >= 0.85, wrong
    # What is auto-accepted must be right (derived keys such as `hometown_code` have no
    # truth here: judged by the records.md keys only).
    auto_wrong = [k for k, f in result.fields.items() if k in TRUTH and f.state.value == "auto"
                  and f.value != TRUTH[k]]
    assert auto_wrong == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_birth_certificates_from_the_sample_renderer() -> None:
    """Varied fonts and layouts from samples.render, through the pipeline's own cleaning and
    OCR; expected values are the printed strings, normalised. Measured on seeds 0-7: 78% of
    fields right, 1 wrong among 66 auto-accepted (most misses are Tesseract's letters)."""
    import random

    import numpy as np

    render = pytest.importorskip("samples.render")
    examples = pytest.importorskip("samples.render.examples")
    from extractors.birth_certificate import FORM
    from extractors.normalise import NORMALISERS
    from pipeline.cleaning import clean_page
    from pipeline.ocr import ocr_page as pipeline_ocr

    settings = Settings()
    right = total = auto = auto_wrong = 0
    for seed in range(3):
        rng = random.Random(seed)
        content = examples.example("birth_certificate", rng)
        doc = render.render_document(content, rng)
        cleaned = clean_page(np.asarray(doc.pages[0]), settings)
        page = pipeline_ocr(cleaned.image, 1, 300, settings)
        result = extract_document([page], settings, today=date(2026, 1, 1))
        assert result.doc_type is DocType.birth_certificate
        for spec in FORM.fields:
            if spec.key is None or spec.internal:  # internal: read for cross-checks only
                continue
            printed = content.printed.get(spec.key)
            expected = NORMALISERS[spec.normaliser](printed).value if printed else None
            field = result.fields[spec.key]
            total += 1
            right += field.value == expected
            if field.state.value == "auto":
                auto += 1
                auto_wrong += field.value != expected
    assert right / total >= 0.65
    assert auto_wrong <= max(1, auto // 10)
