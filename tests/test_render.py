"""The synthetic-scan renderer: forms, fonts, damage profiles, file formats, text layers."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from pipeline.errors import ConfigError
from samples.content import DocumentContent, RenderedDocument
from samples.render import FORMATS, PROFILES, render_document, write_scan
from samples.render.examples import example
from samples.render.fonts import (FontCoverageError, FontSet, check_vietnamese_coverage, load,
                                  usable, vietnamese_letters)
from samples.render.textlayer import garble

KINDS = [("birth_certificate", None, 1), ("marriage_certificate", None, 1), ("death_certificate", None, 1),
         ("land_certificate", "pre-2024", 2), ("land_certificate", "2024", 1), ("unknown", None, 1)]

# Labels from shared/spec/domain.md, in form order, that must appear verbatim on the page.
LABELS = {
    "birth_certificate": ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số:",
                          "Quyển số:", "GIẤY KHAI SINH", "Họ, chữ đệm, tên:", "Ngày, tháng, năm sinh:",
                          "ghi bằng chữ:", "Giới tính:", "Dân tộc:", "Quốc tịch:", "Nơi sinh:", "Quê quán:",
                          "Số định danh cá nhân:", "Họ, chữ đệm, tên người mẹ:", "Năm sinh:", "Nơi cư trú:",
                          "Họ, chữ đệm, tên người cha:", "Họ, chữ đệm, tên người đi khai sinh:",
                          "Giấy tờ tùy thân:", "Nơi đăng ký khai sinh:", "Ngày, tháng, năm đăng ký:",
                          "NGƯỜI KÝ GIẤY KHAI SINH"],
    "marriage_certificate": ["GIẤY CHỨNG NHẬN KẾT HÔN", "Họ, chữ đệm, tên vợ:", "Họ, chữ đệm, tên chồng:",
                             "Ngày, tháng, năm sinh:", "Dân tộc:", "Quốc tịch:", "Nơi cư trú:",
                             "Giấy tờ tùy thân:", "Nơi đăng ký kết hôn:", "Ngày, tháng, năm đăng ký:"],
    "death_certificate": ["TRÍCH LỤC KHAI TỬ", "Số:", "Họ, chữ đệm, tên:", "Ngày, tháng, năm sinh:",
                          "Giới tính:", "Số định danh cá nhân:", "Giấy tờ tùy thân:", "Đã chết vào lúc:",
                          "giờ", "phút,", "ngày", "Nơi chết:", "Nguyên nhân chết:",
                          "Họ, chữ đệm, tên người đi khai tử:", "Nơi đăng ký khai tử:",
                          "Ngày, tháng, năm đăng ký:"],
    "land_certificate:pre-2024": ["Ông:", "Bà:", "Năm sinh:", "CMND số:", "CCCD số:", "Địa chỉ thường trú:",
                                  "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", "1. Thửa đất:",
                                  "a) Thửa đất số:", "Tờ bản đồ số:", "b) Địa chỉ:", "c) Diện tích:",
                                  "d) Hình thức sử dụng:", "đ) Mục đích sử dụng:", "e) Thời hạn sử dụng:",
                                  "g) Nguồn gốc sử dụng:", "Số vào sổ cấp GCN:"],
    "land_certificate:2024": ["1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:",
                              "2. Thông tin thửa đất:", "a. Thửa đất số:", "tờ bản đồ số:", "b. Diện tích:",
                              "c. Loại đất:", "d. Thời hạn sử dụng:", "đ. Hình thức sử dụng:", "e. Địa chỉ:",
                              "3. Thông tin tài sản gắn liền với đất:", "Số vào sổ cấp GCN:"],
}


def _content(doc_type: str, version: str | None, seed: int = 1) -> DocumentContent:
    return example(doc_type, random.Random(seed), version)


def _text(doc: RenderedDocument) -> str:
    return " ".join(w.text for page in doc.words for w in page)


@pytest.fixture(scope="module")
def birth() -> RenderedDocument:
    return render_document(_content("birth_certificate", None), random.Random(11))


@pytest.fixture(scope="module")
def land_old() -> RenderedDocument:
    return render_document(_content("land_certificate", "pre-2024"), random.Random(12))


@pytest.mark.parametrize(("doc_type", "version", "pages"), KINDS)
def test_each_form_renders_its_labels_and_values(doc_type: str, version: str | None, pages: int) -> None:
    content = _content(doc_type, version)
    doc = render_document(content, random.Random(3))
    assert len(doc.pages) == len(doc.words) == pages
    assert all(p.size == (2480, 3508) and p.mode == "RGB" for p in doc.pages)
    text = _text(doc)
    for label in LABELS.get(f"{doc_type}:{version}" if version else doc_type, []):
        assert label in text, label
    for key in ("full_name", "wife_name", "husband_name", "holder_1_name", "place_of_birth", "parcel_address"):
        if key in content.printed:
            assert content.printed[key] in text, key
    for page in doc.words:
        for w in page:
            x0, y0, x1, y1 = w.bbox
            assert 0 <= x0 < x1 <= 2480 and 0 <= y0 < y1 <= 3508, w


def test_missing_printed_keys_leave_lines_blank() -> None:
    for doc_type, version, pages in KINDS:
        content = DocumentContent(doc_id="blank", doc_type=doc_type, printed={}, truth={}, form_version=version)
        doc = render_document(content, random.Random(4))
        assert len(doc.pages) == pages
        assert "Số vào sổ cấp GCN:" in _text(doc) or doc_type != "land_certificate"


def test_unknown_doc_type_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="passport"):
        render_document(DocumentContent("x", "passport", {}, {}), random.Random(1))


def test_installed_fonts_cover_vietnamese() -> None:
    assert len(vietnamese_letters()) == 146
    for seed in range(12):
        fonts = FontSet.choose(random.Random(seed))
        for path in (fonts.label, fonts.bold, fonts.value):
            check_vietnamese_coverage(path)


def test_font_without_vietnamese_is_refused(tmp_path: Path) -> None:
    source = usable("DejaVuSans.ttf") or usable("FreeSans.ttf")
    assert source is not None
    font = TTFont(str(source))
    for table in font["cmap"].tables:
        for ch in "ỹẠ":
            table.cmap.pop(ord(ch), None)
    fake = tmp_path / "NoTilde.ttf"
    font.save(str(fake))
    with pytest.raises(FontCoverageError) as err:
        check_vietnamese_coverage(fake)
    assert "NoTilde.ttf" in str(err.value) and "ỹ" in str(err.value) and "Ạ" in str(err.value)
    with pytest.raises(FontCoverageError):
        load(str(fake), 40)


def _reopen(path: Path) -> tuple[int, int, tuple[int, int]]:
    """(pages, dpi, first page pixel size) of a written scan."""
    if path.suffix == ".pdf":
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            image = page.images[0]
            width_px = image["srcsize"][0]
            return len(pdf.pages), round(width_px / float(page.width) * 72), tuple(image["srcsize"])
    with Image.open(path) as im:
        return getattr(im, "n_frames", 1), round(im.info["dpi"][0]), im.size


@pytest.mark.parametrize("profile", PROFILES)
def test_every_format_reopens_with_pages_and_dpi(birth: RenderedDocument, profile: str, tmp_path: Path) -> None:
    rng = random.Random(5)
    for fmt in FORMATS:
        (path,) = write_scan(birth, profile, fmt, tmp_path / f"birth.{fmt}", rng)
        pages, dpi, size = _reopen(path)
        assert pages == 1, fmt
        if profile == "poor":
            assert 150 <= dpi <= 200, fmt
        else:
            assert dpi == 300, fmt
        long_side = max(size)  # poor pages may be rotated
        assert abs(long_side - 3508 * dpi / 300) <= 2, (fmt, size, dpi)


def test_multipage_document_stays_one_file(land_old: RenderedDocument, tmp_path: Path) -> None:
    rng = random.Random(6)
    for fmt, suffix in (("png", ".tiff"), ("pdf_image", ".pdf"), ("pdf_text", ".pdf")):
        (path,) = write_scan(land_old, "poor", fmt, tmp_path / "land", rng)
        assert path.suffix == suffix
        pages, dpi, _ = _reopen(path)
        assert pages == 2 and 150 <= dpi <= 200, fmt


def test_pdf_text_layer_is_the_vietnamese_words(birth: RenderedDocument, tmp_path: Path) -> None:
    (path,) = write_scan(birth, "clean", "pdf_text", tmp_path / "born_digital", random.Random(7))
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        words = [unicodedata.normalize("NFC", w["text"]) for w in page.extract_words()]
        text = unicodedata.normalize("NFC", page.extract_text())
    drawn = [w.text for w in birth.words[0]]
    assert sorted(words) == sorted(drawn)
    assert "Họ, chữ đệm, tên người mẹ:" in text
    name = next(w for w in birth.words[0] if w.text == "GIẤY")
    hit = next(w for w in pdf_words(path) if w["text"] == "GIẤY")
    assert abs(hit["x0"] * 300 / 72 - name.bbox[0]) < 6 and abs(hit["bottom"] * 300 / 72 - name.bbox[3]) < 12


def pdf_words(path: Path) -> list[dict]:
    with pdfplumber.open(path) as pdf:
        return pdf.pages[0].extract_words()


def test_pdf_garbage_layer_has_no_vietnamese(birth: RenderedDocument, tmp_path: Path) -> None:
    (path,) = write_scan(birth, "office", "pdf_garbage", tmp_path / "scanner_ocr", random.Random(8))
    with pdfplumber.open(path) as pdf:
        text = pdf.pages[0].extract_text()
    assert len(text) > 500
    assert not set(text) & (vietnamese_letters() - set("aeiouyAEIOUY"))
    assert "CONG HOA" in text.replace("0", "O").replace("4", "A")


def test_garble_strips_marks_and_swaps_lookalikes() -> None:
    out = garble("Nguyễn Anh Quân", random.Random(0), rate=1.0)
    assert out == "N9uy6m Amh Quim"
    assert garble("Đặng", random.Random(0), rate=0.0) == "Dang"


def test_same_seed_same_scan(tmp_path: Path) -> None:
    content = _content("death_certificate", None)
    first, second = (render_document(content, random.Random(9)) for _ in range(2))
    assert first.pages[0].tobytes() == second.pages[0].tobytes()
    assert first.words == second.words
    a = write_scan(first, "poor", "png", tmp_path / "a", random.Random(10))[0].read_bytes()
    b = write_scan(second, "poor", "png", tmp_path / "b", random.Random(10))[0].read_bytes()
    assert a == b
    pa = write_scan(first, "office", "pdf_text", tmp_path / "a", random.Random(10))[0].read_bytes()
    pb = write_scan(second, "office", "pdf_text", tmp_path / "b", random.Random(10))[0].read_bytes()
    assert pa == pb
    ia = write_scan(first, "clean", "pdf_image", tmp_path / "a" / "doc", random.Random(10))[0].read_bytes()
    ib = write_scan(second, "clean", "pdf_image", tmp_path / "b" / "doc", random.Random(10))[0].read_bytes()
    assert ia == ib


def test_unknown_profile_and_format_name_the_valid_ones(birth: RenderedDocument, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="clean, office, poor"):
        write_scan(birth, "fax", "png", tmp_path / "x", random.Random(1))
    with pytest.raises(ConfigError, match="pdf_garbage"):
        write_scan(birth, "clean", "gif", tmp_path / "x", random.Random(1))
