"""Folding, blocking keys and comparators of the matching engine."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from matching.comparators import (
    LEVELS,
    compare_dates,
    compare_ids,
    compare_names,
    compare_places,
    name_similarity,
)
from matching.folding import fold_name, marks_key, tone_key
from matching.keys import row_keys
from matching.settings import VIETNAMESE_CITIZENS
from samples.names import name_pools, swap_tone_style

NAME = LEVELS["name"]
DATE = LEVELS["date"]


def level(a: str, b: str) -> str:
    idx = compare_names(a, [b])[0]
    assert idx is not None
    return NAME[idx]


def test_fold_strips_marks_and_d_and_folds_final_y() -> None:
    assert fold_name("NGUYỄN Thị Mỹ Đức") == "nguyen thi mi duc"
    assert fold_name("Lý Kỳ") == fold_name("Lí Kì") == "li ki"
    assert fold_name("Huy Thúy") == "huy thuy"  # 'uy' is a vowel pair, not a final y
    assert tone_key("Hòa Thủy") == tone_key("Hoà Thuỷ") == tone_key("HOÀ THUỶ")
    assert tone_key("Hòa") != tone_key("Hóa")
    assert marks_key("Nguyễn") == marks_key("Nguyên") != marks_key("Nguyen")


_surnames = st.sampled_from(name_pools().surnames[:30])
_words = st.sampled_from(["Hòa", "Thủy", "Khoa", "Thúy", "Hoàng", "Xuân", "Hoè", "Quý",
                          "Toàn", "Loan", "Mỹ", "Kỳ", "Duyên", "Thoại"])


@given(_surnames, _words, _words)
def test_tone_placement_variants_compare_exact(surname: str, middle: str, given_: str) -> None:
    name = f"{surname} {middle} {given_}"
    assert level(name, swap_tone_style(name)) == "exact"
    assert level(name.upper(), unicodedata.normalize("NFD", name)) == "exact"


@given(_surnames, _words)
def test_a_dropped_middle_name_is_its_own_level(surname: str, given_: str) -> None:
    assert level(f"{surname} {given_}", f"{surname} Thị {given_}") == "middle"


def test_name_levels_cost_less_for_ocr_marks_than_for_letters() -> None:
    assert level("NGUYÊN VĂN HÙNG", "Nguyễn Văn Hùng") == "marks"
    assert level("Nguyen Van Hung", "Nguyễn Văn Hùng") == "marks"
    assert level("Trần Thị Hương Giang", "Trần Thị Hưong Giang") == "marks"  # ư -> u
    mark, letter = name_similarity("Nguyễn Văn Hủng", ["Nguyễn Văn Hùng", "Nguyễn Văn Hùnh"])
    assert mark > letter  # a different tone costs less than a different letter
    assert level("Nguyễn Văn Hùng", "Nguyễn Văn Hùnh") in ("fuzzy_high", "fuzzy")
    assert level("Nguyễn Văn Hùng", "Lê Thị Lan") == "else"
    assert compare_names(None, ["Lê Thị Lan"]) == [None]
    assert compare_names("Lê Thị Lan", [None]) == [None]


def test_date_levels() -> None:
    cands = ["1990-07-02", "1990-02-07", "1990-02-28", "1990-11-15", "1991-07-02", None]
    got = compare_dates("1990-07-02", None, cands)
    assert [DATE[i] if i is not None else None for i in got] == [
        "exact", "transposed", "same_year", "same_year", "else", None]
    assert DATE[compare_dates("1990-07-15", None, ["1990-07-02"])[0]] == "year_month"
    assert [DATE[i] for i in compare_dates(None, "1990", ["1990-07-02", "1989-01-01"])] == [
        "year_only", "year_differs"]
    assert compare_dates(None, None, ["1990-07-02"]) == [None]


def test_place_levels_codes_then_text() -> None:
    codes = [["16516", None], ["16000", None], [None, None]]
    texts = [["x"], ["y"], ["Phường Nam Sầm Sơn, Tỉnh Thanh Hóa"]]
    assert compare_places("16516", "Phường Nam Sầm Sơn, Tỉnh Thanh Hóa", codes, texts) == [0, 2, 1]
    assert compare_places(None, None, codes, texts) == [None, None, None]


def test_ids_compare_digits() -> None:
    assert compare_ids("001 190 012345", ["001190012345", "001190012346", ""]) == [0, 1, None]


def test_blocking_keys_from_registry_row_and_query_agree() -> None:
    row = {"full_name": "Nguyễn Thị Mỹ Hòa", "date_of_birth": "1990-07-02",
           "citizen_id": "001190012345", "cmnd": None}
    keys = row_keys(VIETNAMESE_CITIZENS, row)
    assert keys == {"key_dob": "1990-07-02", "key_year_name": "1990|nguyen|hoa",
                    "key_name": "nguyen thi mi hoa", "key_id": "001190012345",
                    "key_cmnd": None}
    query = {"full_name": "NGUYỄN HOÀ", "birth_year": "1990"}  # no date, no middle name
    qkeys = row_keys(VIETNAMESE_CITIZENS, query)
    assert qkeys["key_year_name"] == keys["key_year_name"]
    assert qkeys["key_dob"] is None
