"""Land-certificate normalisers: serials and book numbers, areas in figures and in words,
terms, usage forms, land categories and origins; properties checked with hypothesis against
a plain reference (the number the text was made from)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.normalise import NORMALISERS
from extractors.normalise.land import (
    LAND_CATEGORIES,
    LAND_ORIGINS,
    normalise_area,
    normalise_area_words,
    normalise_authority,
    normalise_issue_date,
    normalise_land_origin,
    normalise_land_purpose,
    normalise_parcel_number,
    normalise_registry_number,
    normalise_serial,
    normalise_term,
    normalise_usage_form,
)
from samples.vietnamese_words import NORTH, area_words

LETTERS = st.text(alphabet="ABCDEGHKLMNPSTUVX", min_size=2, max_size=2)


@pytest.mark.parametrize("raw, value", [
    ("BN 531146", "BN 531146"), ("AA 09273289", "AA 09273289"), ("AA O9273289", "AA 09273289"),
    ("BN 53I146", "BN 531146"), ("BN531146", "BN 531146"), ("CS 05494", "CS 05494"),
])
def test_serial_examples(raw: str, value: str) -> None:
    assert normalise_serial(raw).value == value


def test_a_serial_7_read_as_a_slash_is_repaired_not_trusted() -> None:
    read = normalise_serial("BV 625/33")
    assert read.value == "BV 625733" and read.repaired and not read.clean and not read.issues
    assert normalise_serial("AA 0927⁄289").value == "AA 09277289"
    assert "code_invalid_shape" in normalise_serial("BV 62/33").issues  # 5 digits: not a 7


def test_serial_shape_and_repairs_are_reported() -> None:
    assert normalise_serial("BN 531146").clean
    assert normalise_serial("BN 53I146").repaired
    assert "code_invalid_shape" in normalise_serial("BN 5311467").issues


@settings(max_examples=100, deadline=None)
@given(LETTERS, st.sampled_from([6, 8]), st.data())
def test_serial_repairs_confusions_only_in_the_digit_run(letters: str, n: int, data) -> None:
    digits = data.draw(st.text(alphabet="0123456789", min_size=n, max_size=n))
    damaged = digits.replace("0", "O").replace("1", "I")
    result = normalise_serial(f"{letters} {damaged}")
    assert result.value == f"{letters} {digits}"
    assert not result.issues
    assert result.value[:2] == letters  # letters are never turned into digits


@pytest.mark.parametrize("raw, value", [
    ("CS 05494", "CS 05494"), ("CS-05494", "CS 05494"), ("cT 66684", "CT 66684"),
    ("CT' 77082", "CT 77082"), ("c5. 38027", "CS 38027"), ("CH_ 87285", "CH 87285"),
    ("CS 05494........", "CS 05494"), ("C§ 30185", "CS 30185"),  # a bold S read as §
])
def test_registry_number(raw: str, value: str) -> None:
    assert normalise_registry_number(raw).value == value


def test_a_code_letter_read_in_lower_case_unlike_its_capital_is_a_guess() -> None:
    """'cr 62874' was CT 62874: an r is not a small R; 'cT', 'c5' are read back as printed."""
    assert normalise_registry_number("cr 62874").issues == ["code_letters_guessed"]
    assert not normalise_registry_number("cT 66684").issues
    assert not normalise_registry_number("c5. 38027").issues
    assert normalise_serial("bn 531146").issues == ["code_letters_guessed"]


@pytest.mark.parametrize("raw, value", [
    ("108,0 m²", 108.0), ("108,0 m2", 108.0), ("95,5m²", 95.5), ("1.234,5 m²", 1234.5),
    ("5.308,0 m?.", 5308.0), ("2. 930,0", 2930.0), ("12.500 m²", 12500.0), ("108 m²", 108.0),
    ("1O8,0 m²", 108.0),
])
def test_area_figures(raw: str, value: float) -> None:
    assert normalise_area(raw).value == value


def _printed_area(tenths: int) -> str:
    whole, frac = divmod(tenths, 10)
    return f"{whole:,}".replace(",", ".") + f",{frac} m²"


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=99_999))
def test_area_figures_read_back_the_number(tenths: int) -> None:
    result = normalise_area(_printed_area(tenths))
    assert result.value == pytest.approx(tenths / 10)
    assert result.clean


@pytest.mark.parametrize("raw, value", [
    ("Một trăm linh tám mét vuông", 108), ("(Bằng chữ: Một trăm linh tám mét vuông)", 108),
    ("Chín mươi lăm phẩy năm mét vuông", 95.5), ("Năm ngàn ba trăm lẻ tám mét vuông", 5308),
    ("Hai trăm phẩy không năm mét vuông", 200.05), ("Mot tram linh tam met vuong", 108),
])
def test_area_words(raw: str, value: float) -> None:
    assert normalise_area_words(raw).value == pytest.approx(value)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=99_999))
def test_area_words_agree_with_the_figures(tenths: int) -> None:
    """The generator's independent number-to-words spelling, read back, is the area."""
    area = tenths / 10
    words = normalise_area_words(area_words(area, NORTH)).value
    figures = normalise_area(_printed_area(tenths)).value
    assert words == pytest.approx(area) and words == pytest.approx(figures)


@pytest.mark.parametrize("raw, value", [
    ("Lâu dài", "Lâu dài"), ("Lau dai", "Lâu dài"), ("Lâu dài.......", "Lâu dài"),
    ("Đến ngày 15/10/2063", "Đến ngày 15/10/2063"), ("Den ngay 15/10/2063", "Đến ngày 15/10/2063"),
    ("Đến ngày 15 / 10 / 2O63", "Đến ngày 15/10/2063"),
])
def test_term(raw: str, value: str) -> None:
    assert normalise_term(raw).value == value


@given(st.dates())
def test_term_until_a_date_keeps_the_printed_date(d) -> None:
    """A real date within the years a land-use term can end in is kept as printed; one
    outside them is never taken silently (read back through a slipped digit, or invalid)."""
    from extractors.normalise.land import TERM_YEARS

    printed = f"Đến ngày {d.day:02d}/{d.month:02d}/{d.year:04d}"
    if d.year < 1000:
        return
    result = normalise_term(printed)
    if TERM_YEARS[0] <= d.year <= TERM_YEARS[1]:
        assert result.value == printed and result.clean
    else:
        assert not result.clean
        assert result.issues in (["date_digits_repaired"], ["invalid_term_date"])


@pytest.mark.parametrize("raw, value", [
    ("Sử dụng riêng", "Sử dụng riêng"), ("sử dụng riêng", "Sử dụng riêng"),
    ("Su dung chung", "Sử dụng chung"), ("Sử dụugriên", "Sử dụng riêng"),
    ("Sử dụng riêng S4 VU", "Sử dụng riêng"),
])
def test_usage_form(raw: str, value: str) -> None:
    assert normalise_usage_form(raw).value == value


def test_usage_form_left_alone_when_unclear() -> None:
    result = normalise_usage_form("Sử dụng")
    assert result.value == "Sử dụng" and "unknown_usage_form" in result.issues


@pytest.mark.parametrize("raw, value", [
    ("Đất ở tại đô thị", "Đất ở tại đô thị"), ("Dat o tai do thi", "Đất ở tại đô thị"),
    ("Đất ở tại nôngthôn", "Đất ở tại nông thôn"),
    ("Đất nuôi trồng thuỷ sản", "Đất nuôi trồng thủy sản"),
    ("Đất ở tại nông thôn C9520.", "Đất ở tại nông thôn"),
])
def test_land_purpose(raw: str, value: str) -> None:
    assert normalise_land_purpose(raw).value == value


def test_land_purpose_snaps_only_a_clear_winner() -> None:
    assert normalise_land_purpose("Đất trồng").value == "Đất trồng"  # lúa? cây? unknown
    assert normalise_land_purpose("Đất ở tại").value == "Đất ở tại"  # đô thị or nông thôn
    odd = normalise_land_purpose("Đất làm bãi đỗ xe")
    assert odd.value == "Đất làm bãi đỗ xe" and not odd.clean


def _strip_marks(text: str) -> str:
    from pipeline.textnorm import fold
    return fold(text)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(LAND_CATEGORIES + LAND_ORIGINS))
def test_vocabulary_entries_survive_lost_diacritics(entry: str) -> None:
    fn = normalise_land_purpose if entry in LAND_CATEGORIES else normalise_land_origin
    assert fn(entry).value == entry and fn(entry).clean
    assert fn(_strip_marks(entry)).value == entry


def test_origin_cut_short_is_snapped_only_when_unique() -> None:
    full = "Nhà nước công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất"
    assert normalise_land_origin(full[:-20]).value == full
    both = "Nhà nước công nhận quyền sử dụng đất như giao đất"  # có thu / không thu
    assert normalise_land_origin(both).value == both


@pytest.mark.parametrize("raw, value", [
    ("125", "125"), ("125;", "125"), ("1144........", "1144"), ("Z1", "21"), ("125a", "125a"),
])
def test_parcel_number(raw: str, value: str) -> None:
    assert normalise_parcel_number(raw).value == value


@pytest.mark.parametrize("raw, value", [
    ("ngày 09 tháng 6 năm 2023", "2023-06-09"), ("ngày 27 tháng I năm 2010", "2010-01-27"),
    ("nạày 23 tháng 6 năm 1999", "1999-06-23"),
])
def test_issue_date(raw: str, value: str) -> None:
    assert normalise_issue_date(raw).value == value


@pytest.mark.parametrize("raw, value", [
    ("Sở Tài nguyên và Môi trường tỉnh Nam Định", "Sở Tài nguyên và Môi trường tỉnh Nam Định"),
    ("Sở Tài nguyên và Miôi trường tinh Hải Dương", "Sở Tài nguyên và Môi trường tỉnh Hải Dương"),
    ("Ủy ban nhân dân huyện Phú Xuyên (Ký he ch đâm tân)", "Ủy ban nhân dân huyện Phú Xuyên"),
    ("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"),
])
def test_authority(raw: str, value: str) -> None:
    assert normalise_authority(raw).value == value


def test_normalisers_are_registered() -> None:
    for name in ("land_serial", "land_registry_number", "area", "area_words", "land_term",
                 "usage_form", "land_purpose", "land_origin", "parcel_number", "issue_date",
                 "authority"):
        assert name in NORMALISERS
