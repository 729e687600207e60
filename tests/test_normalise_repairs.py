"""Repairs of OCR slips against closed vocabularies and the administrative-unit chain:
places (garbled unit names, glued words, lost commas, cut-off provinces, garbled ward type
words, debris after the province), ethnicity/nationality and usage-form snapping, merged
name syllables. Each repair is pinned both ways: what it fixes, and what it must leave
alone (a real unit of another type, an ambiguous snap)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.normalise import NORMALISERS
from extractors.normalise.admin_units import resolve_place, trees
from extractors.normalise.names import normalise_name
from extractors.normalise.place_units import mend_layout, mend_rest_part, snap_units
from extractors.normalise.vocab import ETHNIC_GROUPS, snap_to_vocabulary


def place(text: str) -> str:
    return NORMALISERS["place"](text).value


@pytest.mark.parametrize(("read", "printed"), [
    # a unit name misread inside an exactly matched parent
    ("Số 388, tổ I8, Phường 5. Thị xã Cai Lậy. Tỉnh TiềnGip",
     "Số 388, tổ 18, Phường 5, Thị xã Cai Lậy, Tỉnh Tiền Giang"),
    ("Thôn 1, Xã Van Yên, Huyên Vân Đồn. Tỉnh Quảng Ninh",
     "Thôn 1, Xã Vạn Yên, Huyện Vân Đồn, Tỉnh Quảng Ninh"),
    ("SỐ 5, tổ 18, Phường Bình Trị Đông B, Quận Bình Tân, Thành phế Hồ Chí Minh",
     "Số 5, tổ 18, Phường Bình Trị Đông B, Quận Bình Tân, Thành phố Hồ Chí Minh"),
    # words run together, a lost comma
    ("Âp 11, Xã Đông Yên, Huyện An Biên,TỉnhKiênGiang",
     "Ấp 11, Xã Đông Yên, Huyện An Biên, Tỉnh Kiên Giang"),
    ("Thôn 2, Xã Hợp Lý Huyện Lý Nhân, Tỉnh Hà Nam",
     "Thôn 2, Xã Hợp Lý, Huyện Lý Nhân, Tỉnh Hà Nam"),
    # the province cut short (the rest of the line lost), debris after it
    ("Ủy ban nhân dân thị trấn Khe Sanh, huyện Hướng Hóa, tỉnh Quảng",
     "Ủy ban nhân dân thị trấn Khe Sanh, huyện Hướng Hóa, tỉnh Quảng Trị"),
    ("Ủy ban nhân dân xã Tà Đảnh, huyện Tri Tôn, tỉnh An, mm 1”",
     "Ủy ban nhân dân xã Tà Đảnh, huyện Tri Tôn, tỉnh An Giang"),
    ("TỔ 11, Thị trấn Đô Lương, Huyện Đô Lương, Tỉnh Nghệ An the",
     "Tổ 11, Thị trấn Đô Lương, Huyện Đô Lương, Tỉnh Nghệ An"),
    ("Thôn 4, Xã Xuân Lẹ, Huyện Thường Xuân, TỉnhThanhhHAaA—=",
     "Thôn 4, Xã Xuân Lẹ, Huyện Thường Xuân, Tỉnh Thanh Hóa"),
    # the ward's type word garbled beyond recognition, its name exact
    ("Số 158, tổ 10, Ezường Gia Hội, Quận Phú Xuân, Thành phố Huế",
     "Số 158, tổ 10, Phường Gia Hội, Quận Phú Xuân, Thành phố Huế"),
    ("Số 374, tổ 22, r1: z¡s¿ Thủy Xuân, Quận Thuận Hóa, Thành phố Huế",
     "Số 374, tổ 22, Phường Thủy Xuân, Quận Thuận Hóa, Thành phố Huế"),
])
def test_places_repaired_to_the_printed_text(read: str, printed: str) -> None:
    result = NORMALISERS["place"](read)
    assert result.value == printed
    assert result.repaired and not result.clean or result.repaired


@pytest.mark.parametrize("text", [
    # a printed type word that is another unit's is not an OCR slip
    "Thôn 3, xã Tân Phú, huyện Đồng Phú, tỉnh Bình Phước",
    "Huyện Châu Thành, Tỉnh Hậu Giang",
    "Số 152, tổ 22, Phường Phạm Đình Hổ, Quận Hai Bà Trưng, Thành phố Hà Nội",
    # nothing to anchor a guess on (a ward + district anchor: tests/test_place_anchors.py)
    "Ủy ban nhân dân huyện Tam Đảo, tỉnh xi",
    "Trạm Y tế xã Khao Mang",
])
def test_places_left_as_read(text: str) -> None:
    assert place(text) == text


def test_snapped_places_resolve_exactly() -> None:
    fixed, changed = snap_units("Số 85, tổ 3, Phường Hòa Chuna, Thành phố Cao Bằng, Tỉnh Cao Bằng")
    assert changed and resolve_place(fixed).exact


def test_layout_and_numbered_parts() -> None:
    assert mend_layout("Thành phốHàNội") == "Thành phố Hà Nội"
    assert mend_layout("H'Mông") == "H'Mông"
    assert mend_layout("Phường Sông Đà, Thị Xã Mường Lay") == "Phường Sông Đà, Thị Xã Mường Lay"
    assert mend_rest_part("Sế 91", True) == "Số 91"
    assert mend_rest_part("tổ I8", False) == "tổ 18"
    assert mend_rest_part("TỔ 13", True) == "Tổ 13"
    assert mend_rest_part("Số nhà", True) == "Số nhà"


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_real_ward_chains_are_kept_as_printed(data) -> None:
    """Property: a correctly printed pre-2025 chain (ward, district, province) is left as is."""
    tree = trees()["pre-2025"]
    province = data.draw(st.sampled_from(tree.provinces))
    districts = tree.children.get(province.code, [])
    if not districts:
        return
    district = data.draw(st.sampled_from(districts))
    wards = tree.children.get(f"d{district.code}", [])
    if not wards:
        return
    ward = data.draw(st.sampled_from(wards))
    if not (ward.type and district.type and province.type):
        return  # the data's few names without a type word ('Thị Xã Mường Lay')
    text = f"Số 12, {ward.full}, {district.full}, {province.full}"
    assert place(text) == text


def test_vocabulary_snaps_only_clear_winners() -> None:
    assert NORMALISERS["ethnicity"]("Knh").value == "Kinh"
    assert NORMALISERS["ethnicity"]("K1lnh").value == "Kinh"
    assert NORMALISERS["nationality"]("ViệtNarn").value == "Việt Nam"
    assert snap_to_vocabulary("ethnicity", "Ty") is None  # Tày? Thổ? too short to tell
    assert snap_to_vocabulary("ethnicity", "xyzw") is None
    result = NORMALISERS["ethnicity"]("Knh")
    assert result.repaired and not result.clean
    for entry in ETHNIC_GROUPS:  # an entry as printed never moves
        assert NORMALISERS["ethnicity"](entry).value == entry


def test_usage_form_snaps_with_debris() -> None:
    for text in ("Sửdụngrêng", "Sửdungrêpg 5 5<", "Sử dụng riêng"):
        assert NORMALISERS["usage_form"](text).value == "Sử dụng riêng"
    assert NORMALISERS["usage_form"]("Sửdụngchng").value == "Sử dụng chung"


@pytest.mark.parametrize(("read", "name"), [
    ("NGUYỄNNAMQUẬN", "Nguyễn Nam Quận"),
    ("NGUYÊNDIỆUUYÊN:", "Nguyễn Diệu Uyên"),
    ("NGUYÊNTHẾSƠN", "Nguyễn Thế Sơn"),
    ("VĂNHƯƠNG", "Văn Hương"),
    ("NGUYỄN VĂN AN", "Nguyễn Văn An"),
])
def test_merged_name_syllables_split_when_one_reading_fits(read: str, name: str) -> None:
    assert normalise_name(read).value == name


def test_a_personal_id_starts_with_zero() -> None:
    from extractors.normalise.identity import normalise_id_number

    fixed = normalise_id_number("942303314503")  # every province prefix is 0xx
    assert fixed.value == "042303314503" and fixed.repaired and not fixed.clean
    assert normalise_id_number("042303314503").clean
