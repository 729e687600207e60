"""Cleaning steps on synthetic pages: each step's effect is checked on pixels we drew."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from pipeline import cleaning
from pipeline.config import Settings

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
LINES = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
         "Họ, chữ đệm, tên: NGUYỄN VĂN LỢI", "Ngày, tháng, năm sinh: 02/07/1990",
         "Nơi sinh: Bệnh viện Phụ sản Hà Nội", "Quê quán: xã Nghĩa Hưng, tỉnh Bắc Giang",
         "Dân tộc: Kinh    Quốc tịch: Việt Nam", "Nơi cư trú: phường Phạm Đình Hổ, Hà Nội"]


def text_page(size: tuple[int, int] = (1700, 1400), font_size: int = 44) -> Image.Image:
    img = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, font_size)
    for i, line in enumerate(LINES):
        d.text((120, 120 + i * 140), line, font=font, fill="black")
    return img


@pytest.mark.parametrize("angle", [-7.5, -2.0, 0.6, 3.0, 9.0])
def test_deskew_recovers_known_angle(angle: float) -> None:
    skewed = np.asarray(text_page().rotate(angle, resample=Image.BICUBIC, expand=True,
                                           fillcolor="white"))
    estimate = cleaning.estimate_skew(skewed)
    assert abs(estimate - angle) <= 0.3, estimate
    level, corrected = cleaning.deskew(cleaning.to_grey(skewed))
    assert corrected == estimate
    assert abs(cleaning.estimate_skew(level)) <= 0.3


def test_deskew_leaves_level_page_alone() -> None:
    grey = cleaning.to_grey(np.asarray(text_page()))
    out, angle = cleaning.deskew(grey)
    assert angle == 0.0 and out is grey


def test_suppress_red_keeps_black_text_under_the_seal() -> None:
    page = text_page()
    stamp = Image.new("RGB", page.size, "white")
    ImageDraw.Draw(stamp).ellipse((100, 100, 900, 600), fill=(220, 40, 50))
    sealed = np.asarray(ImageChops.multiply(page, stamp))
    out = cleaning.suppress_red(sealed)
    grey_before = cleaning.to_grey(np.asarray(page))
    grey_after = cleaning.to_grey(out)
    region = (slice(110, 590), slice(110, 890))
    text = grey_before[region] < 100
    assert (grey_after[region][~text] > 200).mean() > 0.98  # the seal is gone
    assert (grey_after[region][text] < 100).mean() > 0.95  # the text is still there


def test_suppress_red_keeps_red_printed_text_and_removes_the_seal() -> None:
    """Land certificates print their serial and titles in red: those lines stay ink, while
    a round seal (ring, rim text, star) goes."""
    img = Image.new("RGB", (2000, 1400), "white")
    d = ImageDraw.Draw(img)
    red = (200, 30, 40)
    d.text((120, 120), "GIẤY CHỨNG NHẬN", font=ImageFont.truetype(FONT, 80), fill=red)
    d.text((1300, 1250), "BA 594573", font=ImageFont.truetype(FONT, 56), fill=red)
    d.ellipse((900, 400, 1320, 820), outline=red, width=9)  # a 36 mm seal at 300 DPI
    d.text((1010, 440), "ỦY BAN", font=ImageFont.truetype(FONT, 36), fill=red)
    d.regular_polygon((1110, 610, 50), 5, fill=red)
    out = cleaning.to_grey(cleaning.suppress_red(np.asarray(img), dpi=300))
    before = cleaning.to_grey(np.asarray(img)) < 128
    title, serial = (slice(110, 230), slice(100, 1100)), (slice(1240, 1330), slice(1290, 1700))
    seal = (slice(395, 825), slice(895, 1325))
    assert (out[title][before[title]] < 128).mean() > 0.95
    assert (out[serial][before[serial]] < 128).mean() > 0.95
    assert before[seal].sum() > 5000 and (out[seal] < 128).sum() == 0  # anti-aliased rims may stay faint


def test_leaders_then_form_lines_remove_dots_and_rules_not_text() -> None:
    img = text_page()
    d = ImageDraw.Draw(img)
    for x in range(120, 1600, 14):  # a dotted writing line just under line 3
        d.ellipse((x, 462, x + 4, 466), fill="black")
    d.line((120, 1250, 1600, 1250), fill="black", width=3)  # a ruled line
    grey = cleaning.to_grey(np.asarray(img))
    out = cleaning.remove_form_lines(cleaning.remove_dot_leaders(grey, dpi=300), dpi=300)
    assert (out[458:471, 120:1600] < 128).sum() < 30
    assert (out[1245:1256, 120:1600] < 128).sum() < 30
    text_before = (grey[:1200] < 128).sum()
    assert (out[:1200] < 128).sum() > 0.97 * text_before - 3000  # minus the dots


def test_binarise_and_denoise() -> None:
    rng = np.random.default_rng(0)
    grey = cleaning.to_grey(np.asarray(text_page()))
    noisy = grey.copy()
    noisy[rng.random(grey.shape) < 0.01] = 0
    assert set(np.unique(cleaning.binarise(noisy))) <= {0, 255}
    assert set(np.unique(cleaning.binarise(noisy, method="adaptive"))) <= {0, 255}
    specks = lambda im: int(((im < 128) & (grey > 200)).sum())  # noqa: E731
    assert specks(cleaning.denoise(noisy)) < specks(noisy) / 20
    assert cleaning.speckle_share(grey) < 5e-5 < cleaning.speckle_share(noisy)
    assert cleaning.denoise(grey) is grey  # a clean page is not filtered


def test_clean_page_composes_and_times_steps() -> None:
    page = cleaning.clean_page(np.asarray(text_page().rotate(2.0, expand=True,
                                                             fillcolor="white")), Settings())
    assert page.image.ndim == 2 and abs(page.skew - 2.0) <= 0.3
    evenly_lit = [s for s in cleaning.DEFAULT_STEPS if s != "flatten_illumination"]
    assert page.steps == evenly_lit and set(page.seconds) == set(evenly_lit)


@pytest.mark.parametrize("rotation", [90, 180])
def test_orientation_detects_rotated_page(rotation: int) -> None:
    grey = cleaning.to_grey(np.asarray(text_page(size=(2000, 1400), font_size=48)))
    turned = cleaning.rotate_orthogonal(grey, rotation)  # clockwise
    degrees, confidence = cleaning.detect_orientation(turned)
    assert (rotation + degrees) % 360 == 0, (degrees, confidence)
    assert cleaning.detect_orientation(grey)[0] == 0


def _unevenly_lit(grey: np.ndarray) -> np.ndarray:
    """Paper going from white at the left to dark grey at the right (a hurried scan's
    lighting): ink is dark everywhere, but darker paper at the right end is darker than
    the ink at the left."""
    ramp = np.linspace(1.0, 0.35, grey.shape[1], dtype=np.float32)[None, :]
    return (grey.astype(np.float32) * ramp).astype(np.uint8)


def test_flatten_illumination_evens_the_paper_keeps_the_ink() -> None:
    grey = cleaning.to_grey(np.asarray(text_page()))
    ink = grey < 128
    dark = _unevenly_lit(grey)
    flat = cleaning.flatten_illumination(dark)
    assert flat.shape == grey.shape and flat.dtype == np.uint8
    paper = ~ink
    left, right = paper[:, :300], paper[:, -300:]
    assert dark[:, -300:][right].mean() < 110 < dark[:, :300][left].mean()  # uneven before
    assert abs(float(flat[:, :300][left].mean()) - float(flat[:, -300:][right].mean())) < 12
    assert flat[paper].mean() > 230 and flat[ink].mean() < 140  # ink still ink
    assert cleaning.paper_unevenness(dark) > cleaning.UNEVEN_PAPER_LEVELS
    assert cleaning.paper_unevenness(grey) < 2  # evenly lit pages are left alone


def test_ocr_reads_an_unevenly_lit_page_after_flattening(settings: Settings) -> None:
    """Tesseract's single global threshold loses the dark end of such a page; flattening
    first gets the words back (checked on real OCR of the last words of each line)."""
    import pytesseract

    dark = _unevenly_lit(cleaning.to_grey(np.asarray(text_page())))
    raw = pytesseract.image_to_string(dark, lang="vie", config="--psm 6")
    cleaned = cleaning.clean_page(dark, settings).image
    read = pytesseract.image_to_string(cleaned, lang="vie", config="--psm 6")
    tails = ["NAM", "phúc", "LỢI", "1990", "Nội", "Giang", "Nam"]
    assert sum(t in read for t in tails) >= 6
    assert sum(t in read for t in tails) > sum(t in raw for t in tails)


def test_remove_dot_leaders_erases_widely_spaced_dots_keeps_tone_marks() -> None:
    # a value written on a leader line of dots 2.5 mm apart (a monospaced form's pitch, too
    # wide for remove_form_lines' closing); the value's nặng dots sit on the leader's level
    font = ImageFont.truetype(FONT, 44)
    text = Image.new("L", (1700, 300), 255)
    ImageDraw.Draw(text).text((120, 100), "Lạc Việt Lộc", font=font, fill=0)
    bottom = 100 + font.getbbox("Lạc Việt Lộc")[3]  # the bottom of the nặng dots
    dots = Image.new("L", (1700, 300), 255)
    for x in range(120, 1600, 30):  # 30 px = 2.5 mm at 300 DPI
        ImageDraw.Draw(dots).ellipse((x, bottom - 5, x + 5, bottom), fill=0)
    written = np.minimum(np.asarray(text), np.asarray(dots))
    out = cleaning.remove_dot_leaders(written, dpi=300)
    value_ink = np.asarray(text) < 128
    assert (out[value_ink] < 128).all()  # the value, tone marks and all, kept
    right = font.getbbox("Lạc Việt Lộc")[2] + 120 + 40
    assert (out[:, right:] < 128).sum() == 0  # the leader after the value gone
    # and nothing on an ordinary page of text is taken for a leader
    page = cleaning.to_grey(np.asarray(text_page()))
    assert np.array_equal(cleaning.remove_dot_leaders(page, dpi=300), page)


def test_remove_form_lines_keeps_the_tops_of_closely_set_digits() -> None:
    """The closing that joins a line's dashes also joins the tops of a row of digits set
    close together into a thin run; only runs their own ink covers are lines (an ID whose
    digit tops were erased read 'UUZU&%/⁄⁄¬1')."""
    img = Image.new("RGB", (1700, 300), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 50)
    d.text((120, 60), "002087225129", font=font, fill="black")
    d.text((900, 60), "NGUYỄN VĂN LONG", font=font, fill="black")
    d.line((120, 250, 1600, 250), fill="black", width=3)  # a ruled line
    grey = cleaning.to_grey(np.asarray(img))
    out = cleaning.remove_form_lines(grey, dpi=300)
    assert (out[245:256, 120:1600] < 128).sum() < 30
    assert ((out[:200] < 128) == (grey[:200] < 128)).all()  # every pixel of text kept


def test_components_fall_back_to_32_bit_labels_when_16_do_not_fit() -> None:
    from pipeline.cleaning import components

    few = np.zeros((60, 60), np.uint8)
    few[10:20, 10:20] = few[30:40, 30:50] = 255
    n, labels, stats, _ = components(few)
    assert n == 3 and labels.dtype == np.uint16 and stats[1:, cv2.CC_STAT_AREA].tolist() == [100, 200]
    specks = np.zeros((800, 800), np.uint8)
    specks[::3, ::3] = 255  # 71,289 separate dots: more labels than 16 bits hold
    n, labels, _, _ = components(specks)
    assert n == 267 * 267 + 1 and labels.max() == n - 1
