"""Death extract (Trích lục khai tử) on synthetic OCR output: every field, the time and date
of death filled into one sentence with dotted blanks, the same again in words, wrapped
values, OCR-damaged labels, the cross-checks; plus one real-OCR run on a rendered sample."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from extractors import extract_document
from extractors.death_certificate import FORM
from extractors.form_spec import FormSpec
from extractors.normalise.time_of_day import normalise_date_after_time, normalise_time_of_day
from pipeline.config import Settings
from pipeline.models import DocType, FieldState
from ocr_words import Segment, make_page

DEATH_LINES: list[str | list[Segment]] = [
    [(100, "Số: 236"), (1300, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
    [(100, "Quyển số: 03/2023"), (1400, "Độc lập - Tự do - Hạnh phúc")],
    [(800, "TRÍCH LỤC KHAI TỬ")],
    "Họ, chữ đệm, tên: NGUYÊN THẢO YẾN ..........",
    "Ngày, tháng, năm sinh: 29/07/1961",
    [(100, "Giới tính: Nữ ......"), (700, "Dân tộc: Kinh ....."),
     (1300, "Quốc tịch: Việt Nam")],
    "Số định danh cá nhân: 030161408586",
    "Giấy tờ tùy thân: Căn cước công dân số 030161408586 do Cục Cảnh sát",
    "QLHC về TTXH cấp ngày 23/6/2019",
    "Đã chết vào lúc: ....07.... giờ ....10.... phút, ngày .....28/04/2023.......",
    "ghi bằng chữ: bảy giờ mười phút, ngày hai mươi tám, tháng bốn, năm hai",
    "nghìn không trăm hai mươi ba",
    "Nơi chết: Tại nhà, Số 388, tổ 23, Thị trấn Hóc Môn, Huyện Hóc Môn,",
    "Thành phố Hồ Chí Minh",
    "Nguyên nhân chết: Viêm phổi",
    "Họ, chữ đệm, tên người đi khai tử: NGUYỄN THỊ DUNG",
    "Nơi đăng ký khai tử: Ủy ban nhân dân thị trấn Hóc Môn, huyện Hóc Môn,",
    "thành phố Hồ Chí Minh",
    "Ngày, tháng, năm đăng ký: 16/05/2023",
    [(1300, "NGƯỜI KÝ TRÍCH LỤC")],
    [(1300, "LÊ QUỐC PHONG")],
]

EXPECTED = {
    "registration_number": "236",
    "book_number": "03/2023",
    "full_name": "Nguyễn Thảo Yến",
    "date_of_birth": "1961-07-29",
    "gender": "female",
    "ethnicity": "Kinh",
    "nationality": "Việt Nam",
    "personal_id": "030161408586",
    "date_of_death": "2023-04-28",
    "time_of_death": "07:10",
    "date_of_death_words": "2023-04-28",
    "time_of_death_words": "07:10",
    "place_of_death": "Tại nhà, Số 388, tổ 23, Thị trấn Hóc Môn, Huyện Hóc Môn, "
                      "Thành phố Hồ Chí Minh",
    "cause_of_death": "Viêm phổi",
    "registration_place": "Ủy ban nhân dân thị trấn Hóc Môn, huyện Hóc Môn, "
                          "thành phố Hồ Chí Minh",
    "registration_date": "2023-05-16",
}
RECORD_KEYS = ["registration_number", "book_number", "full_name", "date_of_birth", "gender",
               "ethnicity", "nationality", "personal_id", "date_of_death", "time_of_death",
               "place_of_death", "cause_of_death", "registration_place", "registration_date"]
TODAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


def read(lines: list[str | list[Segment]], settings: Settings, **kw) -> dict:
    result = extract_document([make_page(lines, **kw)], settings, today=TODAY)
    assert result.doc_type is DocType.death_certificate
    return result.fields


def test_death_form_spec_is_well_declared() -> None:
    assert isinstance(FORM, FormSpec) and FORM.validate() == []
    assert set(RECORD_KEYS) <= set(FORM.keys)
    assert FORM.keys == list(EXPECTED)


@pytest.mark.parametrize("source", ["ocr", "text_layer"])
def test_every_death_field(source: str, settings: Settings) -> None:
    fields = read(DEATH_LINES, settings, source=source)
    assert {k: fields[k].value for k in FORM.keys} == EXPECTED


def test_words_confirm_the_figures(settings: Settings) -> None:
    fields = read(DEATH_LINES, settings)
    assert fields["date_of_death"].state is FieldState.auto
    assert fields["time_of_death"].raw.startswith("07 giờ 10 phút")
    assert fields["place_of_death"].bbox[3] - fields["place_of_death"].bbox[1] > 60  # wrapped


def test_damaged_labels_and_a_lost_colon(settings: Settings) -> None:
    lines = list(DEATH_LINES)
    lines[3] = "Ho, chu đêm, tèn: NGUYÊN THẢO YẾN"
    lines[9] = "Đả chét vào lúc: 7 giờ 10 phút, ngày 28 tháng 4 năm 2023"
    lines[12] = "Nơi chêt: Tại nhà, Số 388, tổ 23, Thị trấn Hóc Môn, Huyện Hóc Môn,"
    lines[14] = "Nguyên nhản chết: Viêm phổi"
    fields = read(lines, settings)
    got = {k: v.value for k, v in fields.items()}
    assert got["full_name"] == "Nguyễn Thảo Yến"
    assert (got["date_of_death"], got["time_of_death"]) == ("2023-04-28", "07:10")
    assert got["place_of_death"] == EXPECTED["place_of_death"]
    assert got["cause_of_death"] == "Viêm phổi"


def test_unreadable_figures_fall_back_to_words_flagged(settings: Settings) -> None:
    lines = list(DEATH_LINES)
    lines[9] = "Đã chết vào lúc: ƒ/8 giờ ... phút, ngày 28/04/4023"
    fields = read(lines, settings)
    assert fields["date_of_death"].value == "2023-04-28"
    assert "from_date_of_death_words" in fields["date_of_death"].issues
    assert fields["date_of_death"].state is FieldState.flagged


def test_words_disagreeing_flag_both(settings: Settings) -> None:
    lines = list(DEATH_LINES)
    lines[9] = "Đã chết vào lúc: 07 giờ 40 phút, ngày 28/04/2023"
    fields = read(lines, settings)
    assert fields["time_of_death"].value == "07:40"
    for key in ("time_of_death", "time_of_death_words"):
        assert "time_words_mismatch" in fields[key].issues
        assert fields[key].state is FieldState.flagged


def test_date_order_and_id_checks(settings: Settings) -> None:
    lines = list(DEATH_LINES)
    lines[4] = "Ngày, tháng, năm sinh: 29/07/1962"  # the ID says 1961
    lines[18] = "Ngày, tháng, năm đăng ký: 16/03/2023"  # before the death
    fields = read(lines, settings)
    assert "id_dob_mismatch" in fields["personal_id"].issues
    assert "registered_before_death" in fields["registration_date"].issues
    lines[9] = "Đã chết vào lúc: 07 giờ 10 phút, ngày 28/04/1960"
    fields = read(lines, settings)
    assert "died_before_birth" in fields["date_of_death"].issues


def test_time_and_date_on_two_lines_and_other_spellings(settings: Settings) -> None:
    lines = list(DEATH_LINES)
    lines[9:10] = ["Đã chết vào lúc: 16h30, ngày 28 tháng 4", "năm 2023"]
    fields = read(lines, settings)
    assert (fields["time_of_death"].value, fields["date_of_death"].value) == (
        "16:30", "2023-04-28")


@pytest.mark.parametrize(("raw", "time", "day"), [
    ("16 giờ 30 phút, ngày 12 tháng 3 năm 2020", "16:30", "2020-03-12"),
    ("9 gio, ngay 3-4-2001", "09:00", "2001-04-03"),
    ("16 qiờ nn 30 phủt ngày 2/7/1990", "16:30", "1990-07-02"),
    ("mười sáu giờ ba mươi phút, ngày mười hai tháng ba năm hai nghìn không trăm hai mươi",
     "16:30", "2020-03-12"),
    ("07:05, ngày 01/02/2019", "07:05", "2019-02-01"),
])
def test_time_of_day_normaliser(raw: str, time: str, day: str) -> None:
    assert normalise_time_of_day(raw).value == time
    assert normalise_date_after_time(raw).value == day


def test_time_of_day_rejects_impossible() -> None:
    assert normalise_time_of_day("25 giờ 10 phút").value is None
    assert normalise_time_of_day("ngày 12/03/2020").value is None


def ocr_rendered_sample(tmp_path: Path, doc_type: str, seed: int,
                        settings: Settings) -> tuple[list, dict]:
    """One clean rendered scan of `doc_type`, really OCR'd: (pages, truth fields)."""
    from pipeline.intake import sniff_file
    from pipeline.ocr import ocr_rendered_page
    from pipeline.pages import load_pages
    from samples.corpus import build_corpus

    build_corpus(tmp_path / "corpus", 1, ("clean",), seed=seed, formats={"png": 1.0},
                 doc_types={doc_type: 1.0}, workers=1, progress=False)
    scan = next(p for p in (tmp_path / "corpus").iterdir() if p.suffix == ".png")
    truth = json.loads(scan.with_name(scan.stem + ".truth.json").read_text("utf-8"))
    pages = [ocr_rendered_page(p, settings)
             for p in load_pages(scan, sniff_file(scan), settings, tmp_path / "work")]
    return pages, truth["fields"]


@pytest.mark.slow
def test_real_ocr_on_a_rendered_death_extract(tmp_path: Path, settings: Settings) -> None:
    pages, truth = ocr_rendered_sample(tmp_path, "death_certificate", 301, settings)
    result = extract_document(pages, settings, today=TODAY)
    assert result.doc_type is DocType.death_certificate
    wrong = {k: (v, result.fields[k].value) for k, v in truth.items()
             if result.fields[k].value != v}
    assert len(wrong) <= 2, wrong
