"""Normalisers, property-based: each against a slow, obvious reference (a number speller,
date formatting) over generated inputs, plus the printed examples of the domain notes."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from extractors.normalise import NORMALISERS
from extractors.normalise.dates import normalise_date, normalise_date_words, normalise_year
from extractors.normalise.digits import repair_digit_runs
from extractors.normalise.gender import normalise_gender
from extractors.normalise.identity import (
    decode_century_sex,
    id_consistency_issues,
    normalise_id_number,
    province_codes,
)
from extractors.normalise.names import normalise_name
from extractors.normalise.number_words import parse_number
from extractors.normalise.places import repair_place
from extractors.normalise.text import normalise_ethnicity, normalise_nationality, normalise_text
from pipeline.textnorm import clean, fold

UNITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def spell(n: int, draw) -> list[str]:
    """Reference speller (0..9999) choosing among the regional variants of domain.md."""
    thousands, rest = divmod(n, 1000)
    hundreds, below = divmod(rest, 100)
    words: list[str] = []
    if thousands:
        words += [UNITS[thousands], draw(st.sampled_from(["nghìn", "ngàn"]))]
    if hundreds or (thousands and below and draw(st.booleans())):
        words += [UNITS[hundreds], "trăm"]
    if below:
        if below < 10 and (hundreds or thousands):
            words.append(draw(st.sampled_from(["linh", "lẻ", "lẽ"])))
        words += spell_below_100(below, draw)
    return words or ["không"]


def spell_below_100(n: int, draw) -> list[str]:
    tens, unit = divmod(n, 10)
    if tens == 0:
        return [UNITS[unit]]
    words = ["mười"] if tens == 1 else [UNITS[tens], "mươi"]
    if unit == 1:
        words.append("một" if tens == 1 else "mốt")
    elif unit == 4:
        words.append("bốn" if tens == 1 else draw(st.sampled_from(["bốn", "tư"])))
    elif unit == 5:
        words.append(draw(st.sampled_from(["lăm", "nhăm"])))
    elif unit:
        words.append(UNITS[unit])
    return words


@given(st.integers(0, 9999), st.data())
def test_number_words_roundtrip(n: int, data) -> None:
    words = spell(n, data.draw)
    assert parse_number([fold(w) for w in words]) == n


@settings(max_examples=150)
@given(st.dates(date(1900, 1, 1), date(2099, 12, 31)), st.data())
def test_date_in_words_any_date(d: date, data) -> None:
    draw = data.draw
    day = spell(d.day, draw)
    if d.day <= 10 and draw(st.booleans()):
        day = [draw(st.sampled_from(["mồng", "mùng"]))] + day
    month = ["tư"] if d.month == 4 and draw(st.booleans()) else spell(d.month, draw)
    sep = draw(st.sampled_from([", ", " "]))
    text = f"Ngày {' '.join(day)}{sep}tháng {' '.join(month)}{sep}năm {' '.join(spell(d.year, draw))}"
    if draw(st.booleans()):
        text = fold(text)  # OCR dropped every diacritic
    if draw(st.booleans()):
        text = text.upper()
    assert normalise_date_words(text).value == d.isoformat()


@given(st.dates(date(1900, 1, 1), date(2099, 12, 31)), st.sampled_from("/-."),
       st.booleans())
def test_numeric_dates(d: date, sep: str, zeros: bool) -> None:
    day, month = (f"{d.day:02d}", f"{d.month:02d}") if zeros else (str(d.day), str(d.month))
    assert normalise_date(f"{day}{sep}{month}{sep}{d.year}").value == d.isoformat()
    assert normalise_date(f"ngày {day} tháng {month} năm {d.year}").value == d.isoformat()


@pytest.mark.parametrize("text,iso", [
    ("Ngày hai, tháng bảy, năm một nghìn chín trăm chín mươi", "1990-07-02"),
    ("ngày mồng năm tháng năm năm hai nghìn không trăm linh năm", "2005-05-05"),
    ("Ngày mười một, tháng tư, năm hai ngàn lẻ lăm", "2005-04-11"),
    ("mot nghin chin tram", None),
    ("Ngay hai muoi mot, thang muoi hai, nam mot nghin chin tram tam muoi", "1980-12-21"),
    ("(Ngày mùng chín, tháng ba, năm hai nghìn mười)", "2010-03-09"),
])
def test_date_words_examples(text: str, iso: str | None) -> None:
    assert normalise_date_words(text).value == iso


@pytest.mark.parametrize("text", ["31/02/2000", "29/2/2001", "12/13/1999", "00/1/2000",
                                  "Ngày ba mươi mốt, tháng hai, năm hai nghìn"])
def test_impossible_dates_are_none_with_issue(text: str) -> None:
    result = normalise_date_words(text) if text.startswith("Ngày") else normalise_date(text)
    assert result.value is None and result.issues == ["invalid_date"]


@pytest.mark.parametrize("text,iso", [
    ("21⁄41⁄2008", "2008-11-21"), ("79⁄70⁄2020", "2020-10-19"), ("20/10/2822", "2022-10-20"),
    ("44/12/2020", "2020-12-14"),  # 41 is no day either: only 14 remains
])
def test_a_slipped_digit_in_an_impossible_date_is_undone_and_marked(text: str, iso: str) -> None:
    result = normalise_date(text)
    assert result.value == iso and result.issues == ["date_digits_repaired"]
    assert result.repaired and not result.clean


def test_doubled_separators_and_slipped_years_are_read_as_repairs() -> None:
    doubled = normalise_date("13⁄10⁄/2022..")
    assert doubled.value == "2022-10-13" and doubled.repaired and not doubled.clean
    assert doubled.issues == ["date_digits_repaired"]  # a guess, said so (the model weighs it)
    assert normalise_year("7995").value == 1995
    assert normalise_year("7995").issues == ["date_digits_repaired"]
    assert normalise_year("1296").value is None  # 2 for 9 is no known slip


@pytest.mark.parametrize("text", [
    "12/47/2020",  # month 17 or 41: neither is a month
    "12/13/1999",  # no known slip gives a month
    "31/02/2000",  # every part possible, the date is not: nothing to undo
])
def test_no_slip_repair_without_exactly_one_reading(text: str) -> None:
    assert normalise_date(text).value is None


def test_years_and_digit_confusions() -> None:
    assert normalise_year("1965").value == 1965
    assert normalise_year("l965 ......").value == 1965
    assert normalise_year("abc").value is None
    assert normalise_date("O2/O7/199O").value == "1990-07-02"
    assert normalise_date("17⁄8⁄2016").value == "2016-08-17"
    assert repair_digit_runs("CCCD số 0011900l2345")[0] == "CCCD số 001190012345"
    assert repair_digit_runs("Sơn La Bắc")[0] == "Sơn La Bắc"  # letters stay letters


VIET_SYLLABLES = ["nguyễn", "thị", "hương", "giang", "lợi", "đức", "ưng", "yến", "khải",
                  "quỳnh", "thủy", "thuỷ", "hoà", "hòa", "ánh", "ỷ", "oanh", "lý"]


@given(st.lists(st.sampled_from(VIET_SYLLABLES), min_size=1, max_size=5),
       st.sampled_from(["upper", "lower", "as_is"]), st.sampled_from([" ", "  ", "\t"]),
       st.booleans())
def test_names_title_case_nfc_idempotent(words, case, space, nfd) -> None:
    text = space.join(w.upper() if case == "upper" else w for w in words)
    if nfd:
        text = unicodedata.normalize("NFD", text)
    value = normalise_name(text, repair=False).value
    assert value == unicodedata.normalize("NFC", value)
    assert value.split(" ") == [w[:1].upper() + w[1:].lower() for w in value.split(" ")]
    assert fold(value) == fold(text)
    assert normalise_name(value, repair=False).value == value
    assert [fold(w) for w in value.split()] == [fold(w) for w in words]


def test_names_examples() -> None:
    assert normalise_name("NGUYỄN THỊ HƯƠNG GIANG").value == "Nguyễn Thị Hương Giang"
    assert normalise_name("NGUYÊN THI HƯƠNG GIANG").value == "Nguyễn Thị Hương Giang"
    assert normalise_name("HOÀNG THUỶ").value == "Hoàng Thuỷ"  # tone placement as printed
    assert normalise_name("NGUYỄN VAN THI").value == "Nguyễn Van Thi"  # Văn/Vân: no guess
    assert normalise_name("...").value is None


@given(st.sampled_from(sorted(province_codes())), st.integers(0, 9), st.integers(0, 99),
       st.integers(0, 999_999))
def test_personal_ids(prefix: str, cs: int, yy: int, rest: int) -> None:
    pid = f"{prefix}{cs}{yy:02d}{rest:06d}"
    result = normalise_id_number(f"  {pid} ")
    assert result.value == pid and result.issues == [] and result.clean
    year, sex = decode_century_sex(pid)  # type: ignore[misc]
    assert id_consistency_issues(pid, year, sex) == []
    other = "female" if sex == "male" else "male"
    assert id_consistency_issues(pid, year + 1, other) == ["id_dob_mismatch", "id_sex_mismatch"]


def test_id_shapes_and_prefix() -> None:
    assert province_codes()["001"] == "Hà Nội" and province_codes()["096"] == "Cà Mau"
    assert len(province_codes()) == 63
    assert normalise_id_number("099190012345").issues == ["id_invalid_prefix"]
    assert normalise_id_number("123456789").value == "123456789"  # CMND: shape only
    assert normalise_id_number("12345").issues == ["id_invalid_shape"]
    fixed = normalise_id_number("0011900l2345")
    assert fixed.value == "001190012345" and fixed.repaired and not fixed.clean
    assert fixed.issues == ["id_digits_repaired"]  # a person confirms it (extractors.review)


@pytest.mark.parametrize("text,value", [("Nam", "male"), ("NAM", "male"), ("Nữ", "female"),
                                        ("NỮ", "female"), ("Nu", "female"), ("nừ", "female"),
                                        ("Khác", None), ("", None)])
def test_gender(text: str, value: str | None) -> None:
    assert normalise_gender(text).value == value


@given(st.text(alphabet="abcđêơư ", min_size=1).map(clean).filter(bool),
       st.sampled_from(["", "....", "…", ". . . .", "______", ";", ","]))
def test_free_text_strips_leaders(core: str, leader: str) -> None:
    value = normalise_text(f"{leader} {core} {leader}").value
    assert value is None or (value == clean(value) and not value.endswith((".", ",", ";")))


def test_vocabularies_and_places() -> None:
    assert normalise_ethnicity("Tay").value == "Tày"
    assert normalise_ethnicity("Kinh").value == "Kinh"
    assert normalise_nationality("ViệtNam").value == "Việt Nam"
    assert normalise_nationality("Viet Nam").value == "Việt Nam"
    assert "unknown_nationality" in normalise_nationality("Atlantis").issues
    assert repair_place("Ủy bạn nhân dận huyện Lạng Giang. tịnh Bắc Giang")[0] == (
        "Ủy ban nhân dân huyện Lạng Giang. tỉnh Bắc Giang")
    assert repair_place("phường Ộ Chợ Dừa, quận Đống Đạ, thành phố Hà NỘI")[0] == (
        "phường Ô Chợ Dừa, quận Đống Đa, thành phố Hà Nội")
    assert repair_place("HUYỆN ĐỒNG PHÚ")[0] == "HUYỆN ĐỒNG PHÚ"
    assert NORMALISERS["place"]("Xã Tân Phú. huyện Đồng Phú").value == "Xã Tân Phú, huyện Đồng Phú"
