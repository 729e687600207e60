"""Birth certificate extraction on synthetic OCR output (word lists with boxes), including the
errors Tesseract makes: dropped tone marks, garbled labels, dotted leaders, wrapped values,
three labels on one line, a label it did not read at all."""

from __future__ import annotations

from datetime import date

import pytest

from extractors import extract_document
from extractors.form_spec import FormSpec
from extractors.birth_certificate import FORM
from pipeline.config import Settings
from ocr_words import CHAR_W, LINE_H, Segment, make_page  # noqa: F401
from pipeline.models import DocType, FieldState



BIRTH_LINES: list[str | list[Segment]] = [
    [(100, "ỦY BAN NHÂN DÂN"), (1300, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
    [(100, "XÃ TÂN PHÚ"), (1400, "Độc lập - Tự do - Hạnh phúc")],
    "Số: 125/2023",
    "Quyển số:01",
    [(900, "GIẤY KHAI SINH")],
    "Ho, chu dem, ten: NGUYÊN THI HƯƠNG GIANG",
    [(100, "Ngày, tháng, năm sinh: 02/07/1990"),
     (900, "ghi bằng chữ: Ngày hai, tháng bảy, năm một")],
    "nghìn chín trăm chín mươi",
    [(100, "Giới tính: Nữ ........"), (700, "Dân tộc: Kinh ......"),
     (1300, "Quốc tịch: Việt Nam ......")],
    "Nơi sinh: Trạm y tế xã Tân Phú, huyện Đồng Phú,",
    "tỉnh Bình Phước",
    "Quê quán: ............ Hà Nội",
    "Số định danh cá nhân: 0701900l2345",
    "Họ, chữ đệm, tên người mẹ: TRẦN THỊ MAI",
    [(100, "Năm sinh: 1965"), (700, "Dân tộc: Kinh"), (1300, "Quốc tịch: Việt Nam")],
    "Nơi cư trú: Thôn 3, xã Tân Phú, huyện Đồng Phú, tỉnh Bình Phước",
    "Họ, chữ đệm, tên người cha: LÊ VĂN HÙNG",
    # father's "Dân tộc:" unreadable: his ethnicity is missing, the rest must not shift
    [(100, "Năm sinh: 1962"), (700, "%%% @@@"), (1300, "Quốc tịch: Việt Nam")],
    "Nơi cư trú: . . . . . . . . . . . . . . . . . .",
    "Họ, chữ đệm, tên người đi khai sinh: TRẦN THỊ MAI Giấy tờ tùy thân: CCCD số 070165001234",
    "Nơi đăng ký khai sinh: Ủy ban nhân dân xã Tân Phú, huyện Đồng Phú,",
    "tỉnh Bình Phước",
    "Ngày, tháng, năm đăng ký: 05/08/1990",
    [(1300, "NGƯỜI KÝ GIẤY KHAI SINH")],
    [(1300, "NGUYỄN VĂN BA")],
]

EXPECTED = {
    "registration_number": "125/2023",
    "book_number": "01",
    "full_name": "Nguyễn Thị Hương Giang",
    "date_of_birth": "1990-07-02",
    "date_of_birth_words": "1990-07-02",
    "gender": "female",
    "ethnicity": "Kinh",
    "nationality": "Việt Nam",
    "place_of_birth": "Trạm y tế xã Tân Phú, huyện Đồng Phú, tỉnh Bình Phước",
    "hometown": "Hà Nội",
    "personal_id": "070190012345",
    "mother_name": "Trần Thị Mai",
    "mother_birth_year": 1965,
    "mother_ethnicity": "Kinh",
    "mother_nationality": "Việt Nam",
    "mother_residence": "Thôn 3, xã Tân Phú, huyện Đồng Phú, tỉnh Bình Phước",
    "father_name": "Lê Văn Hùng",
    "father_birth_year": 1962,
    "father_ethnicity": None,
    "father_nationality": "Việt Nam",
    "father_residence": None,
    "registration_place": "Ủy ban nhân dân xã Tân Phú, huyện Đồng Phú, tỉnh Bình Phước",
    "registration_date": "1990-08-05",
}
TODAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


def test_birth_form_spec_is_well_declared() -> None:
    assert isinstance(FORM, FormSpec) and FORM.validate() == []
    record_keys = [f.key for f in FORM.fields if f.key is not None and not f.internal]
    assert record_keys == list(EXPECTED)
    assert [f.key for f in FORM.fields if f.internal] == ["declarant_name"]  # cross-checks


@pytest.mark.parametrize("source", ["ocr", "text_layer"])
def test_every_birth_field(source: str, settings: Settings) -> None:
    result = extract_document([make_page(BIRTH_LINES, source=source)], settings, today=TODAY)
    assert result.doc_type is DocType.birth_certificate
    assert result.doc_type_confidence > 0.7
    got = {k: v.value for k, v in result.fields.items() if k in EXPECTED}
    assert got == EXPECTED
    assert result.fields["registration_place_units_version"].value == "pre-2025"  # records.md


def test_states_issues_and_boxes(settings: Settings) -> None:
    fields = extract_document([make_page(BIRTH_LINES)], settings, today=TODAY).fields
    assert fields["full_name"].raw == "NGUYÊN THI HƯƠNG GIANG"
    assert fields["date_of_birth"].state is FieldState.auto
    assert fields["date_of_birth"].confidence > fields["gender"].confidence - 0.2
    assert fields["father_ethnicity"].issues == ["missing"]
    assert fields["father_ethnicity"].state is FieldState.flagged
    assert "blank" in fields["father_residence"].issues
    assert "id_digits_repaired" in fields["personal_id"].issues  # repaired l→1: not auto
    assert fields["personal_id"].state is FieldState.flagged
    x0, y0, x1, y1 = fields["place_of_birth"].bbox
    assert y1 - y0 > 2 * LINE_H  # the wrapped line is inside the box
    assert fields["gender"].bbox[2] < 700  # the value stops before the next label
    assert all(f.page == 1 for f in fields.values() if f.value is not None)


def test_dob_words_disagreement_lowers_both(settings: Settings) -> None:
    lines = list(BIRTH_LINES)
    lines[7] = "nghìn chín trăm chín mươi mốt"
    fields = extract_document([make_page(lines)], settings, today=TODAY).fields
    assert fields["date_of_birth_words"].value == "1991-07-02"
    for key in ("date_of_birth", "date_of_birth_words"):
        assert "dob_words_mismatch" in fields[key].issues
        assert fields[key].state is FieldState.flagged


def test_id_inconsistent_with_sex_and_year(settings: Settings) -> None:
    lines = list(BIRTH_LINES)
    lines[12] = "Số định danh cá nhân: 070085012345"
    fields = extract_document([make_page(lines)], settings, today=TODAY).fields
    assert {"id_dob_mismatch", "id_sex_mismatch"} <= set(fields["personal_id"].issues)


def test_dates_in_the_future_and_out_of_order(settings: Settings) -> None:
    lines = list(BIRTH_LINES)
    lines[22] = "Ngày, tháng, năm đăng ký: 05/08/1989"
    lines[14] = [(100, "Năm sinh: 1995"), (700, "Dân tộc: Kinh"), (1300, "Quốc tịch: Việt Nam")]
    fields = extract_document([make_page(lines)], settings, today=date(1990, 7, 10)).fields
    assert "registered_before_birth" in fields["registration_date"].issues
    assert "parent_born_after_child" in fields["mother_birth_year"].issues
    assert "date_in_future" in fields["mother_birth_year"].issues


def test_low_ocr_word_floor_flags_when_configured(settings: Settings) -> None:
    """With a floor set, a word Tesseract itself doubts sends its field to review, whatever
    the model says; below the floor's value it does not."""
    page = make_page(BIRTH_LINES, low={"HƯƠNG": 0.41})
    strict = settings.model_copy(update={"min_ocr_word_confidence": 0.5})
    fields = extract_document([page], strict, today=TODAY).fields
    assert fields["full_name"].state is FieldState.flagged
    assert "low_ocr_word" in fields["full_name"].issues
    lenient = settings.model_copy(update={"min_ocr_word_confidence": 0.3})
    assert "low_ocr_word" not in extract_document([page], lenient, today=TODAY).fields[
        "full_name"].issues


def test_other_layout_labels_on_own_lines_and_copy(settings: Settings) -> None:
    """A 'Trích lục' copy: header on the same line as the number, labels each on a line,
    colons glued to values, a label with swapped tone marks."""
    lines: list[str | list[Segment]] = [
        [(100, "Số:125/2023"), (1400, "Độc lập - Tự do - Hạnh phúc")],
        [(800, "TRÍCH LỤC KHAI SINH (BẢN SAO)")],
        "Họ, chữ đệm, tên:PHẠM MINH KHÔI",
        "Ngày, tháng, năm sinh: 9-3-2005",
        "(ghi bằng chữ: Ngày mùng chín, tháng ba, năm hai nghìn linh năm)",
        "Giới tính: Nam",
        "Dân tộc: Tày",
        "Quốc tịch: Viet Nam",
        "Nơi sinh: Bệnh viện Đa khoa tỉnh Cao Bằng",
        "Họ, chữ đệm, tên người mẹ: NÔNG THỊ HOA",
        "Năm sinh: 1980",
        "Dàn tôc: Tày",
        "Họ, chữ đệm, tên người cha: PHẠM VĂN AN",
        "Năm sinh: 1978",
        "Dân tộc: Kinh",
        "Nơi đăng ký khai sinh: UBND thị trấn Nước Hai",
        "Ngày, tháng, năm đăng ký: ngày 20 tháng 3 năm 2005",
    ]
    result = extract_document([make_page(lines)], settings, today=TODAY)
    got = {k: v.value for k, v in result.fields.items()}
    assert result.doc_type is DocType.birth_certificate
    assert got["registration_number"] == "125/2023"
    assert got["book_number"] is None
    assert got["full_name"] == "Phạm Minh Khôi"
    assert got["date_of_birth"] == got["date_of_birth_words"] == "2005-03-09"
    assert got["gender"] == "male"
    assert (got["ethnicity"], got["mother_ethnicity"], got["father_ethnicity"]) == (
        "Tày", "Tày", "Kinh")
    assert got["nationality"] == "Việt Nam"
    assert got["mother_nationality"] is None and got["hometown"] is None
    assert (got["mother_birth_year"], got["father_birth_year"]) == (1980, 1978)
    assert got["registration_place"] == "UBND thị trấn Nước Hai"
    assert got["registration_date"] == "2005-03-20"


def test_unknown_and_unsupported_documents(settings: Settings,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    letter = make_page(["Kính gửi: Ông Giám đốc", "Tôi tên là Nguyễn Văn A, xin trình bày"])
    result = extract_document([letter], settings)
    assert result.doc_type is DocType.unknown and result.fields == {}
    assert result.issues == ["unsupported_document"]
    import extractors  # a recognised form whose extractor is not installed

    monkeypatch.setattr(extractors, "form_specs", lambda: {DocType.birth_certificate: FORM})
    marriage = make_page([[(700, "GIẤY CHỨNG NHẬN KẾT HÔN")], "Họ, chữ đệm, tên vợ: A"])
    result = extract_document([marriage], settings)
    assert result.doc_type is DocType.marriage_certificate
    assert result.issues == ["extractor_not_available"] and result.fields == {}
    assert extract_document([], settings).issues == ["no_text"]
