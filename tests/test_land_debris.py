"""Land values followed by debris the loose patterns would otherwise swallow."""

import pytest

from extractors.normalise.land import normalise_land_purpose, normalise_serial


@pytest.mark.parametrize(("raw", "want"), [
    ("CQ 05625219 GIẤY", "CQ 05625219"),  # G and I are digit slips, but GIẤY is a word
    ("AA 64995976 GIẤY CHỨNG NHẬN", "AA 64995976"),
    ("AA 0927 3289", "AA 09273289"),  # a space inside the run is still the run
    ("BN 531146", "BN 531146"),
])
def test_serial_stops_before_the_next_word(raw: str, want: str) -> None:
    assert normalise_serial(raw).value == want


@pytest.mark.parametrize(("raw", "want"), [
    ("Đất ở tại nông thôn N2 (n5 ng. vn vcpn den Qua,", "Đất ở tại nông thôn"),
    ("Đất ở tại đô thị 30709)095009/094ILei1En0ia 0 ft “kẽ", "Đất ở tại đô thị"),
    ("Đất trồng lúa 3kd:: ddd ffff", "Đất trồng lúa"),
])
def test_category_printed_word_for_word_then_debris(raw: str, want: str) -> None:
    result = normalise_land_purpose(raw)
    assert result.value == want and result.repaired and not result.clean


def test_a_longer_category_the_debris_continues_is_not_cut_short() -> None:
    assert normalise_land_purpose("Đất trồng lúa nươc còn lai").value != "Đất trồng lúa"
