"""Land-use-right certificate extraction on synthetic OCR output, both forms: the old
two-page holder/parcel layout (items a)…g), 6-digit serial) and the 2024 one-page form
(items a.…e., 'Thửa đất số: …; tờ bản đồ số: …' on one line, 8-digit serial); one holder or
two; labels damaged the way Tesseract damages them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from evaluation.field_keys import FIELD_KEYS, PLACE_KEYS, PLACE_SUFFIXES
from ocr_words import Segment, make_page
from extractors import extract_document
from extractors.land_certificate import FORM, FORM_2024, PRE_2024
from pipeline.config import Settings
from pipeline.models import DocType, FieldState, PageText

TODAY = date(2026, 1, 1)


OLD_PAGE_1: list[str | list[Segment]] = [
    [(700, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
    [(800, "Độc lập - Tự do - Hạnh phúc")],
    [(900, "GIẤY CHỨNG NHẬN")],
    [(800, "QUYỀN SỬ DỤNG ĐẤT")],
    [(400, "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT")],
    "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất",
    "Ông: NGUYÊN VĂN MINH",
    [(100, "Năm sinh: 1956"), (700, "CMND số: 292641191")],
    "Địa chỉ thường trú: Thôn 12, Xã Dray Bhăng, Huyện Cư Kuin,",
    "Tỉnh Đắk Lắk",
    "Bà: LÊ THỊ THẢO",
    [(100, "Năm sinh: 1960"), (700, "CCCD số: 066160001234")],
    "Địa chỉ thường trú: Thôn 12, Xã Dray Bhăng, Huyện Cư Kuin, Tỉnh Đắk Lắk",
    [(1800, "BN 53I146")],
]
OLD_PAGE_2: list[str | list[Segment]] = [
    "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất",
    "1. Thửa đất:",
    [(100, "a) Thửa đất số: 1144"), (900, "Tờ bản đồ số: 63")],
    "b) Địa chỉ: Thôn 25, Xã Dray Bhăng, Huyện Cư Kuin, Tỉnh Đắk Lắk",
    [(100, "c) Diện tích: 1.469,5 m²"), (700, "(Bằng chữ: Một nghìn bốn trăm sáu mươi")],
    "chín phẩy năm mét vuông)",
    "d) Hình thức sử dụng: Sử dụng riêng",
    "đ) Mục đích sử dụng: Đất trồng cây lâu nam",
    "e) Thời hạn sử dụng: Đến ngày 15/10/2063",
    "g) Nguồn gốc sử dụng: Nhà nước công nhận quyền sử dụng đất như giao đất có thu",
    "tiền sử dụng đất",
    "2. Nhà ở: -/-",
    "4. Ghi chú: -/-",
    [(1300, "Đắk Lắk, ngày 18 tháng 6 năm 2005")],
    [(1300, "Ủy ban nhân dân huyện Cư Kuin")],
    [(1300, "(Ký, ghi rõ họ, chữ đệm, tên, đóng dấu)")],
    [(1400, "BÙI VĂN PHONG")],
    "Số vào sổ cấp GCN: CS 05494",
]
OLD_EXPECTED = {
    "certificate_serial": "BN 531146",
    "registry_number": "CS 05494",
    "form_version": "pre-2024",
    "holder_1_name": "Nguyễn Văn Minh",
    "holder_1_birth_year": 1956,
    "holder_1_id_number": "292641191",
    "holder_1_address": "Thôn 12, Xã Dray Bhăng, Huyện Cư Kuin, Tỉnh Đắk Lắk",
    "holder_2_name": "Lê Thị Thảo",
    "holder_2_birth_year": 1960,
    "holder_2_id_number": "066160001234",
    "holder_2_address": "Thôn 12, Xã Dray Bhăng, Huyện Cư Kuin, Tỉnh Đắk Lắk",
    "parcel_number": "1144",
    "map_sheet_number": "63",
    "parcel_address": "Thôn 25, Xã Dray Bhăng, Huyện Cư Kuin, Tỉnh Đắk Lắk",
    "area_m2": 1469.5,
    "usage_form": "Sử dụng riêng",
    "land_use_purpose": "Đất trồng cây lâu năm",
    "land_use_term": "Đến ngày 15/10/2063",
    "land_use_origin": "Nhà nước công nhận quyền sử dụng đất như giao đất có thu tiền sử "
                       "dụng đất",
    "issue_date": "2005-06-18",
    "issuing_authority": "Ủy ban nhân dân huyện Cư Kuin",
}

NEW_PAGE: list[str | list[Segment]] = [
    [(500, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
    [(600, "Độc lập - Tự do - Hạnh phúc")],
    "AA O9273289",
    [(900, "GIẤY CHỨNG NHẬN")],
    [(300, "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT")],
    "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:",
    "Bà: TRẦN THỊ HOA",
    [(100, "Năm sinh: 1985"), (700, "CCCD số: 001185012345")],
    "Địa chỉ thường trú: Số 12, tổ 3, Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội",
    "2. Thông tin thửa đất:",
    "a. Thửa đất số: 125; tờ bản đồ số: 7",
    "b. Diện tích: 108,0 m² (Bằng chữ: Một trăm linh tám mét vuông)",
    "c. Loại đất: Đất ở tại đô thị",
    "d. Thời hạn sử dụng: Lâu dài",
    "đ. Hình thức sử dụng: Sử dụng riêng",
    "e. Địa chỉ: Số 40, tổ 3, Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội",
    "3. Thông tin tài sản gắn liền với đất: -/-",
    [(1300, "Hà Nội, ngày 09 tháng 9 năm 2024")],
    [(1250, "Sở Tài nguyên và Môi trường thành phố Hà Nội")],
    [(1300, "(Ký, ghi rõ họ, chữ đệm, tên, đóng dấu)")],
    "Số vào sổ cấp GCN: CH 00312",
]
NEW_EXPECTED = {
    "certificate_serial": "AA 09273289",
    "registry_number": "CH 00312",
    "form_version": "2024",
    "holder_1_name": "Trần Thị Hoa",
    "holder_1_birth_year": 1985,
    "holder_1_id_number": "001185012345",
    "holder_1_address": "Số 12, tổ 3, Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội",
    "holder_2_name": None,
    "holder_2_birth_year": None,
    "holder_2_id_number": None,
    "holder_2_address": None,
    "parcel_number": "125",
    "map_sheet_number": "7",
    "parcel_address": "Số 40, tổ 3, Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội",
    "area_m2": 108.0,
    "usage_form": "Sử dụng riêng",
    "land_use_purpose": "Đất ở tại đô thị",
    "land_use_term": "Lâu dài",
    "land_use_origin": None,
    "issue_date": "2024-09-09",
    "issuing_authority": "Sở Tài nguyên và Môi trường thành phố Hà Nội",
}


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


def _old_pages(page_1=OLD_PAGE_1, page_2=OLD_PAGE_2) -> list[PageText]:
    return [make_page(page_1, page=1), make_page(page_2, page=2)]


def _values(pages: list[PageText], settings: Settings) -> dict:
    result = extract_document(pages, settings, today=TODAY)
    assert result.doc_type is DocType.land_certificate
    return {k: v.value for k, v in result.fields.items() if k in OLD_EXPECTED}


def test_land_forms_are_well_declared() -> None:
    for spec in (FORM, PRE_2024, FORM_2024):
        assert spec.validate() == []
    assert [k for k in FORM.keys if k != "area_m2_words"] == [
        "certificate_serial", "registry_number", "form_version", "holder_1_name",
        "holder_1_birth_year", "holder_1_id_number", "holder_1_address", "holder_2_name",
        "holder_2_birth_year", "holder_2_id_number", "holder_2_address", "parcel_number",
        "map_sheet_number", "parcel_address", "area_m2", "usage_form", "land_use_purpose",
        "land_use_term", "land_use_origin", "issue_date", "issuing_authority"]


def test_every_field_of_the_old_form_over_two_pages(settings: Settings) -> None:
    assert _values(_old_pages(), settings) == OLD_EXPECTED


def test_every_field_of_the_2024_form_with_one_holder(settings: Settings) -> None:
    assert _values([make_page(NEW_PAGE)], settings) == NEW_EXPECTED


def test_single_holder_is_blank_not_missing(settings: Settings) -> None:
    fields = extract_document([make_page(NEW_PAGE)], settings, today=TODAY).fields
    for key in ("holder_2_name", "holder_2_birth_year", "holder_2_id_number",
                "holder_2_address", "land_use_origin"):
        assert fields[key].value is None
        assert "missing" not in fields[key].issues
    assert fields["form_version"].state is FieldState.auto


def test_an_absent_second_holder_is_only_as_sure_as_the_page_shows(settings: Settings) -> None:
    """Nothing under the first holder: one holder, absence accepted as read. Noise where a
    second holder's lines would begin (a poor scan): the absence waits for a person."""
    clean = extract_document([make_page(NEW_PAGE)], settings, today=TODAY).fields
    assert "absence_unconfirmed" not in clean["holder_2_name"].issues
    noisy = list(NEW_PAGE)
    noisy.insert(NEW_PAGE.index("2. Thông tin thửa đất:"), [(600, "Ồ.v~ TRẨ7 ÐỖ:; 1%8 g@ NG")])
    fields = extract_document([make_page(noisy)], settings, today=TODAY).fields
    for key in ("holder_2_name", "holder_2_birth_year", "holder_2_id_number",
                "holder_2_address"):
        assert fields[key].value is None
        assert "absence_unconfirmed" in fields[key].issues
        assert fields[key].state is FieldState.flagged


def test_area_words_back_the_area_but_are_no_record_key(settings: Settings) -> None:
    fields = extract_document([make_page(NEW_PAGE)], settings, today=TODAY).fields
    assert "area_m2_words" not in fields
    assert set(fields) <= set(FIELD_KEYS["land_certificate"]) | {
        f"{k}{suffix}" for k in PLACE_KEYS for suffix in PLACE_SUFFIXES}


def test_area_words_cross_check(settings: Settings) -> None:
    page = [ln if not (isinstance(ln, str) and ln.startswith("b. Diện")) else
            "b. Diện tích: 180,0 m² (Bằng chữ: Một trăm linh tám mét vuông)"
            for ln in NEW_PAGE]
    fields = extract_document([make_page(page)], settings, today=TODAY).fields
    assert fields["area_m2"].value == 180.0
    assert "area_words_mismatch" in fields["area_m2"].issues
    assert fields["area_m2"].state is FieldState.flagged


def test_lost_holder_name_does_not_shift_into_holder_2(settings: Settings) -> None:
    """'Ông:' unread: the remaining lines are still the first holder's."""
    page = [ln for ln in NEW_PAGE if ln != "Bà: TRẦN THỊ HOA"]
    got = _values([make_page(page)], settings)
    assert got["holder_1_name"] is None and got["holder_2_name"] is None
    assert got["holder_1_birth_year"] == 1985 and got["holder_2_birth_year"] is None
    assert got["holder_1_address"] == NEW_EXPECTED["holder_1_address"]


def test_household_of_two_in_running_lines(settings: Settings) -> None:
    """'Hộ gia đình, gồm ông: …, Năm sinh: …, CCCD số: … và bà: …' with labels mid-line."""
    page = list(NEW_PAGE)
    i = page.index("Bà: TRẦN THỊ HOA")
    page[i:i + 3] = [
        "Hộ gia đình, gồm ông: NGUYỄN VĂN AN, Năm sinh: 1980, CCCD số: 001080012345,",
        "Địa chỉ thường trú: Số 12, tổ 3, Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội",
        "và bà: TRẦN THỊ HOA, Năm sinh: 1985, CCCD số: 001185012345, Địa chỉ thường trú: Số 12,",
        "tổ 3, Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội",
    ]
    got = _values([make_page(page)], settings)
    address = NEW_EXPECTED["holder_1_address"]
    assert (got["holder_1_name"], got["holder_1_birth_year"], got["holder_1_id_number"],
            got["holder_1_address"]) == ("Nguyễn Văn An", 1980, "001080012345", address)
    assert (got["holder_2_name"], got["holder_2_birth_year"], got["holder_2_id_number"],
            got["holder_2_address"]) == ("Trần Thị Hoa", 1985, "001185012345", address)


def test_holder_line_without_its_colon(settings: Settings) -> None:
    page = [("Bà. TRẦN THỊ HOA" if ln == "Bà: TRẦN THỊ HOA" else ln) for ln in NEW_PAGE]
    assert _values([make_page(page)], settings)["holder_1_name"] == "Trần Thị Hoa"


def test_damaged_labels_and_merged_words(settings: Settings) -> None:
    """Tone marks lost, words run together, a colon read as ';', the item letter lost."""
    damaged = {
        "a. Thửa đất số: 125; tờ bản đồ số: 7": "a.Thửađấtsố 125; tờ bảnđồsố: 7",
        "c. Loại đất: Đất ở tại đô thị": "c. Loai dat: Đất ở tại đô thi",
        "d. Thời hạn sử dụng: Lâu dài": "d. Thoi han su dung; Lâu dài",
        "đ. Hình thức sử dụng: Sử dụng riêng": "Hình thức sử dụng: sử dụng riêng",
        "Hà Nội, ngày 09 tháng 9 năm 2024": "Hà Nội, ngay 09 thang 9 nam 2024",
    }
    page = []
    for ln in NEW_PAGE:
        if isinstance(ln, str):
            page.append(damaged.get(ln, ln))
        else:
            page.append([(x, damaged.get(t, t)) for x, t in ln])
    assert _values([make_page(page)], settings) == NEW_EXPECTED


def test_version_follows_the_wording_not_the_page_count(settings: Settings) -> None:
    """The old form on one page (a scan of the inner spread) is still the old form."""
    got = _values([make_page(OLD_PAGE_1 + OLD_PAGE_2)], settings)
    assert got["form_version"] == "pre-2024"
    assert got["parcel_address"] == OLD_EXPECTED["parcel_address"]
    assert got["certificate_serial"] == "BN 531146"


@pytest.mark.slow
def test_rendered_land_certificates_through_tesseract(tmp_path: Path, settings: Settings
                                                      ) -> None:
    """Generated certificates (both forms), rendered clean and read by the real OCR."""
    from evaluation.scores import values_equal
    from pipeline.intake import sniff_file
    from pipeline.ocr import ocr_rendered_page
    from pipeline.pages import load_pages
    from samples.corpus import build_corpus

    out = build_corpus(tmp_path / "corpus", 3, ("clean",), seed=7,
                       doc_types={"land_certificate": 1.0}, workers=1, progress=False)
    right = total = 0
    for tf in sorted(out.glob("*.truth.json")):
        stem = tf.name[: -len(".truth.json")]
        scan = next(p for p in out.iterdir() if p.stem == stem and not p.name.endswith(".json"))
        pages = [ocr_rendered_page(p, settings)
                 for p in load_pages(scan, sniff_file(scan), settings, tmp_path)]
        result = extract_document(pages, settings, today=TODAY)
        assert result.doc_type is DocType.land_certificate
        for key, value in json.loads(tf.read_text())["fields"].items():
            if key in OLD_EXPECTED:
                total += 1
                right += values_equal(value, result.fields[key].value)
    assert total and right / total >= 0.8


def test_serial_with_a_slash_for_a_seven_is_found_but_not_a_book_number() -> None:
    import re

    from extractors.land_certificate import SERIAL_SLASHED
    from pipeline.textnorm import fold

    found = re.search(SERIAL_SLASHED, fold("BV 625/33"))
    assert found and found.group("value") == "bv 625/33"
    assert re.search(SERIAL_SLASHED, fold("AA 0927⁄289"))
    assert re.search(SERIAL_SLASHED, fold("Quyển số 01/2020")) is None
    assert re.search(SERIAL_SLASHED, fold("ngày 12/05/2020")) is None


def test_an_absent_second_holder_is_unconfirmed_when_the_first_has_no_name(
        settings: Settings) -> None:
    """The first holder's name line lost (a poor scan): the page no longer shows where one
    holder ends, so an absent second holder waits for a person."""
    nameless = [line for line in NEW_PAGE if line != "Bà: TRẦN THỊ HOA"]
    fields = extract_document([make_page(nameless)], settings, today=TODAY).fields
    assert fields["holder_1_name"].value is None
    assert fields["holder_1_address"].value is not None
    for key in ("holder_2_name", "holder_2_birth_year", "holder_2_address"):
        assert fields[key].value is None
        assert "absence_unconfirmed" in fields[key].issues
        assert fields[key].state is FieldState.flagged


def test_values_of_a_holder_whose_name_was_not_read_go_to_a_person() -> None:
    """Both holders are printed under the same labels: a second holder's birth year with no
    second holder's name may be the first holder's line read twice."""
    from extractors.review import FieldDraft, check_block_anchor
    from extractors.form_spec import CrossCheck

    check = CrossCheck("block_anchor", ("holder_2_name", "holder_2_birth_year",
                                        "holder_2_address"))
    drafts = {"holder_2_name": FieldDraft("holder_2_name", None, None),
              "holder_2_birth_year": FieldDraft("holder_2_birth_year", 1926, "1926"),
              "holder_2_address": FieldDraft("holder_2_address", None, None)}
    check_block_anchor(drafts, check, TODAY)
    year = drafts["holder_2_birth_year"]
    assert year.evidence.disagreements == 1 and "name_of_block_unread" in year.issues
    assert drafts["holder_2_address"].issues == []  # nothing read, nothing doubted

    named = {"holder_2_name": FieldDraft("holder_2_name", "Lê Văn An", "LÊ VĂN AN"),
             "holder_2_birth_year": FieldDraft("holder_2_birth_year", 1926, "1926")}
    check_block_anchor(named, check, TODAY)
    assert named["holder_2_birth_year"].evidence.disagreements == 0
