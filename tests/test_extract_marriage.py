"""Marriage certificate (Giấy chứng nhận kết hôn) on synthetic OCR output: wife | husband in
two columns that drift out of step, values wrapping inside their column, identity papers
written as sentences, damaged labels, columns the other way round or shifted on the page;
plus one real-OCR run on a rendered sample."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from extractors import extract_document
from extractors.form_spec import FormSpec
from extractors.marriage_certificate import FORM
from extractors.normalise.id_document import normalise_id_document
from pipeline.config import Settings
from pipeline.models import DocType, FieldState
from ocr_words import Segment, make_page
from tests.test_extract_death import ocr_rendered_sample

L, R = 100, 1300  # left edges of the two columns

MARRIAGE_LINES: list[str | list[Segment]] = [
    [(L, "Số: 360"), (R, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
    [(L, "Quyển số: 03/2021"), (R, "Độc lập - Tự do - Hạnh phúc")],
    [(800, "GIẤY CHỨNG NHẬN KẾT HÔN")],
    [(L, "Họ, chữ đệm, tên vợ: NGUYỄN THỊ LINH"), (R, "Họ, chữ đệm, tên chồng: LÂM VĂN")],
    [(L, "Ngày, tháng, năm sinh: 02/12/1993 ......"), (R, "TÂM")],
    [(L, "Dân tộc: Kinh ......."), (R, "Ngày, tháng, năm sinh: 06/01/1991")],
    [(L, "Quốc tịch: Việt Nam ......"), (R, "Dân tộc: Tày")],
    [(L, "Nơi cư trú: Thôn 12, Xã Xuân Sơn Nam,"), (R, "Quốc tịch: Việt Nam")],
    [(L, "Huyện Đồng Xuân, Tỉnh Phú Yên"), (R, "Nơi cư trú: Số 5, tổ 3, Phường 7,")],
    [(L, "Giấy tờ tùy thân: Căn cước công dân số"), (R, "Thành phố Tuy Hòa, Tỉnh Phú Yên")],
    [(L, "054193995723 do Cục Cảnh sát QLHC về"), (R, "Giấy tờ tùy thân: CMND số 221234567")],
    [(L, "TTXH cấp ngày 25/05/2017"), (R, "do Công an tỉnh Phú Yên cấp ngày 14/12/2008")],
    "Nơi đăng ký kết hôn: Ủy ban nhân dân xã Xuân Sơn Nam, huyện Đồng Xuân, tỉnh",
    "Phú Yên",
    "Ngày, tháng, năm đăng ký: 02/01/2021",
    [(600, "Vợ"), (1800, "Chồng")],
    [(400, "(Ký, ghi rõ họ, chữ đệm, tên)"), (1500, "(Ký, ghi rõ họ, chữ đệm, tên)")],
    [(500, "NGUYỄN THỊ LINH"), (1600, "LÂM VĂN TÂM")],
]

EXPECTED = {
    "registration_number": "360",
    "book_number": "03/2021",
    "wife_name": "Nguyễn Thị Linh",
    "wife_date_of_birth": "1993-12-02",
    "wife_ethnicity": "Kinh",
    "wife_nationality": "Việt Nam",
    "wife_residence": "Thôn 12, Xã Xuân Sơn Nam, Huyện Đồng Xuân, Tỉnh Phú Yên",
    "wife_id_number": "054193995723",
    "husband_name": "Lâm Văn Tâm",
    "husband_date_of_birth": "1991-01-06",
    "husband_ethnicity": "Tày",
    "husband_nationality": "Việt Nam",
    "husband_residence": "Số 5, tổ 3, Phường 7, Thành phố Tuy Hòa, Tỉnh Phú Yên",
    "husband_id_number": "221234567",
    "registration_place": "Ủy ban nhân dân xã Xuân Sơn Nam, huyện Đồng Xuân, tỉnh Phú Yên",
    "registration_date": "2021-01-02",
}
TODAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


def values(lines: list[str | list[Segment]], settings: Settings, **kw) -> dict:
    result = extract_document([make_page(lines, **kw)], settings, today=TODAY)
    assert result.doc_type is DocType.marriage_certificate
    return {k: result.fields[k].value for k in FORM.keys}


def swap(lines: list[str | list[Segment]]) -> list[str | list[Segment]]:
    """The same form with the husband's column on the left."""
    out: list[str | list[Segment]] = []
    for line in lines:
        if isinstance(line, list) and len(line) == 2 and line[0][0] == L and line[1][0] == R:
            out.append([(L, line[1][1]), (R, line[0][1])])
        else:
            out.append(line)
    return out


def shift(lines: list[str | list[Segment]], dx: int) -> list[str | list[Segment]]:
    return [[(x + dx, t) for x, t in ln] if isinstance(ln, list) else [(L + dx, ln)]
            for ln in lines]


def test_marriage_form_spec_is_well_declared() -> None:
    assert isinstance(FORM, FormSpec) and FORM.validate() == []
    assert FORM.keys == list(EXPECTED)


@pytest.mark.parametrize("source", ["ocr", "text_layer"])
def test_every_marriage_field_two_columns_out_of_step(source: str,
                                                      settings: Settings) -> None:
    assert values(MARRIAGE_LINES, settings, source=source) == EXPECTED


def test_husband_on_the_left(settings: Settings) -> None:
    assert values(swap(MARRIAGE_LINES), settings) == EXPECTED


def test_scan_shifted_right(settings: Settings) -> None:
    """The page midline is no longer the column edge: the anchors are."""
    assert values(shift(MARRIAGE_LINES, 500), settings) == EXPECTED


def test_damaged_labels_and_a_lost_one(settings: Settings) -> None:
    lines = list(MARRIAGE_LINES)
    lines[5] = [(L, "Dàn tôc: Kinh ......."), (R, "Ngày,tháng nămsinh: 06/01/1991")]
    lines[6] = [(L, "%%% @@@ ....."), (R, "Dân tộc: Tày")]  # wife's nationality unreadable
    lines[7] = [(L, "Nơicưtrú: Thôn 12, Xã Xuân Sơn Nam,"), (R, "Quốctịch: Việt Nam")]
    got = values(lines, settings)
    assert got["wife_nationality"] is None
    assert {k: v for k, v in got.items() if k != "wife_nationality"} == {
        k: v for k, v in EXPECTED.items() if k != "wife_nationality"}


def test_a_garbled_label_is_known_by_its_twin_in_the_other_column(settings: Settings) -> None:
    """'Nơi cư trú:' read on the wife's side, 'Nơicwee:' on the husband's, same line."""
    lines: list[str | list[Segment]] = [
        *MARRIAGE_LINES[:3],
        [(L, "Họ, chữ đệm, tên vợ: NGUYỄN THỊ LINH"), (R, "Họ, chữ đệm, tên chồng: LÂM VĂN TÂM")],
        [(L, "Ngày, tháng, năm sinh: 02/12/1993"), (R, "Ngày, tháng, năm sinh: 06/01/1991")],
        [(L, "Dân tộc: Kinh"), (R, "Dân tộc: Tày")],
        [(L, "Quốc tịch: Việt Nam"), (R, "Quốc tịch: Việt Nam")],
        [(L, "Nơi cư trú: Thôn 12, Xã Xuân Sơn Nam,"), (R, "Nơicwee: Số 5, tổ 3, Phường 7,")],
        [(L, "Huyện Đồng Xuân, Tỉnh Phú Yên"), (R, "Thành phố Tuy Hòa, Tỉnh Phú Yên")],
        [(L, "Giấy tờ tùy thân: Căn cước công dân số"), (R, "Giấy tờ tùy thân: CMND số 221234567")],
        [(L, "054193995723 do Cục Cảnh sát QLHC về"),
         (R, "do Công an tỉnh Phú Yên cấp ngày 14/12/2008")],
        [(L, "TTXH cấp ngày 25/05/2017")],
        *MARRIAGE_LINES[12:],
    ]
    result = extract_document([make_page(lines)], settings, today=TODAY)
    husband = result.fields["husband_residence"]
    assert husband.value == EXPECTED["husband_residence"]
    assert husband.bbox is not None and husband.bbox[0] >= R  # read in the husband's column
    assert result.fields["wife_residence"].value == EXPECTED["wife_residence"]


def test_a_date_read_back_through_a_digit_slip_says_so_and_is_no_surer(
        settings: Settings) -> None:
    """'4973' is no year; 1973 is the one reading with a slipped digit undone (a demo scan
    read 3/4/4973 for 9/1/1973). The field says it was read back, and the confidence model
    weighs the repair: never surer than the same date read as printed."""
    def wife_dob(text: str):
        lines = list(MARRIAGE_LINES)
        lines[4] = [(L, f"Ngày, tháng, năm sinh: {text} ......"), (R, "TÂM")]
        return extract_document([make_page(lines)], settings, today=TODAY).fields[
            "wife_date_of_birth"]

    repaired, printed = wife_dob("02/12/4993"), wife_dob("02/12/1993")
    assert repaired.value == printed.value == "1993-12-02"
    assert "date_digits_repaired" in repaired.issues and not printed.issues
    assert repaired.confidence <= printed.confidence


def test_states_and_boxes_stay_in_their_column(settings: Settings) -> None:
    fields = extract_document([make_page(MARRIAGE_LINES)], settings, today=TODAY).fields
    assert fields["wife_residence"].bbox[2] < R
    assert fields["husband_residence"].bbox[0] >= R
    assert fields["husband_name"].raw == "LÂM VĂN TÂM"
    assert fields["wife_ethnicity"].state is FieldState.auto


def test_registration_before_birth_is_flagged(settings: Settings) -> None:
    lines = list(MARRIAGE_LINES)
    lines[14] = "Ngày, tháng, năm đăng ký: 02/01/1990"
    fields = extract_document([make_page(lines)], settings, today=TODAY).fields
    assert "registered_before_birth" in fields["registration_date"].issues
    assert fields["registration_date"].state is FieldState.flagged


@pytest.mark.parametrize(("raw", "number"), [
    ("Căn cước công dân số 001190012345 do Cục Cảnh sát QLHC về TTXH cấp ngày 01/02/2021",
     "001190012345"),
    ("Chứng minh nhân dân số 012345678 do Công an tỉnh Nam Định cấp ngày 3/4/2005",
     "012345678"),
    ("CMND sô 01234S678 do CA tỉnh Nam Định cấp ngày 1/1/2000", "012345678"),
    ("Căn cước số 001 190 012 345 do Bộ Công an cấp ngày 2/3/2025", "001190012345"),
    ("001190012345", "001190012345"),
])
def test_identity_paper_sentence(raw: str, number: str) -> None:
    assert normalise_id_document(raw).value == number


@pytest.mark.slow
def test_real_ocr_on_a_rendered_marriage_certificate(tmp_path: Path,
                                                     settings: Settings) -> None:
    """The whole document path (OCR, weak lines read again, extraction) on a clean rendered
    two-column page: Tesseract garbles some of its lines on the first reading (the first
    label line, the ID lines), which the second readings recover."""
    from pipeline.batch import run_batch
    from samples.corpus import build_corpus

    corpus = tmp_path / "corpus"
    build_corpus(corpus, 1, ("clean",), seed=303, formats={"png": 1.0},
                 doc_types={"marriage_certificate": 1.0}, workers=1, progress=False)
    scan = next(p for p in corpus.iterdir() if p.suffix == ".png")
    truth = json.loads(scan.with_name(scan.stem + ".truth.json").read_text("utf-8"))["fields"]
    run_batch(str(scan), tmp_path / "out", settings)
    record = json.loads((tmp_path / "out" / f"{scan.stem}.json").read_text("utf-8"))
    assert record["doc_type"] == "marriage_certificate"
    wrong = {k: (v, record["fields"][k]["value"]) for k, v in truth.items()
             if record["fields"][k]["value"] != v}
    assert len(wrong) <= 3, wrong


def test_a_blank_id_line_does_not_take_the_full_width_line_below(settings: Settings) -> None:
    lines = list(MARRIAGE_LINES)
    lines[10] = [(L, "054193995723 do Cục Cảnh sát QLHC về"), (R, "Giấy tờ tùy thân:")]
    del lines[11]  # the registration place follows at once, across both columns
    result = extract_document([make_page(lines)], settings, today=TODAY)
    husband_id = result.fields["husband_id_number"]
    # the registration place runs under both columns: its words in the husband's column
    # ('huyện Đồng Xuân, tỉnh') are not the husband's identity paper
    assert husband_id.value is None and "blank" in husband_id.issues
    assert result.fields["registration_place"].value == EXPECTED["registration_place"]
