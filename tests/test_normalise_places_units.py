"""Administrative-unit chain validation (extractors/normalise/admin_units.py) and what the
review makes of it: exact chains, fuzzy snaps kept as read, codes with their data version."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.birth_certificate import FORM
from extractors.confidence import FieldEvidence
from extractors.evidence import place_features, place_issues, unit_code_fields
from extractors.normalise.admin_units import rest_plausible, resolve_place, spelling_key
from extractors.review import FieldDraft, review
from pipeline.config import Settings
from pipeline.models import FieldState


def test_pre_2025_chain_ward_district_province() -> None:
    m = resolve_place("Thôn 4, Xã Hà Bầu, Huyện Đak Đoa, Tỉnh Gia Lai")
    assert m is not None and (m.version, m.level, m.code) == ("pre-2025", "ward", "23692")
    assert m.exact and m.rest == ("Thôn 4",) and rest_plausible(m.rest)


@pytest.mark.parametrize("text", [
    "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
    "Phường Bến Nghé, quận 1, TP. Hồ Chí Minh",
    "Ủy ban nhân dân phường Bến Nghé, quận 1, Tp Hồ Chí Minh",
    "PHƯỜNG BẾN NGHÉ, QUẬN 1, THÀNH PHỐ HỒ CHÍ MINH",
])
def test_abbreviations_case_and_prefix_still_exact(text: str) -> None:
    m = resolve_place(text)
    assert m is not None and m.exact and (m.version, m.code) == ("pre-2025", "26740")


def test_2025_chain_ward_province() -> None:
    m = resolve_place("Phường Sài Gòn, Thành phố Hồ Chí Minh")
    assert m is not None and (m.version, m.level, m.code, m.exact) == ("2025", "ward", "26740", True)


def test_numbered_units_need_their_type() -> None:
    m = resolve_place("Số 139, tổ 2, Phường 3, Quận Tân Bình, Thành phố Hồ Chí Minh")
    assert m is not None and m.exact and m.level == "ward" and m.rest == ("Số 139", "tổ 2")


def test_tone_placement_is_the_same_spelling() -> None:
    assert spelling_key("Mỹ Hoà") == spelling_key("Mỹ Hòa") != spelling_key("Mỹ Hóa")
    m = resolve_place("Xã Mỹ Hoà, Huyện Tháp Mười, Tỉnh Đồng Tháp")
    assert m is not None and m.exact and m.code == "30052"


def test_ocr_slip_to_another_real_name_is_fuzzy_not_exact() -> None:
    # 'Bình Thanh' is a real unit name elsewhere, but not inside Huyện Cao Lãnh.
    m = resolve_place("Ủy ban nhân dân xã Bình Thanh, huyện Cao Lãnh, tỉnh Đồng Tháp")
    assert m is not None and not m.exact and m.code == "30127"
    assert m.differs == ("Xã Bình Thạnh",)
    assert m.suggested == "Ủy ban nhân dân xã Bình Thạnh, huyện Cao Lãnh, tỉnh Đồng Tháp"
    assert place_features("Ủy ban nhân dân xã Bình Thanh, huyện Cao Lãnh, tỉnh Đồng Tháp")[
        "chain_fuzzy"] == 1.0


def test_garbled_prefix_or_type_word_is_not_exact() -> None:
    for text in ("Ủy ban nhân dân :3: ::>::z Cổ Nhuế 1, quận Bắc Từ Liêm, thành phố Hà Nội",
                 "Tổ 17, Pnường Cổ Nhuế 1, Quận Bắc Từ Liêm, Thành phố Hà Nội",
                 "Thị trấn Châu Hưng, Huyện Vĩnh Lợi, Tỉnh Bạc Liêu Suy"):
        m = resolve_place(text)
        assert m is not None and not m.exact, text


def test_no_province_last_means_no_chain() -> None:
    assert resolve_place("Ủy ban nhân dân xã Thành Công, huyện Gò Công Tây") is None
    assert resolve_place("Trạm Y tế xã Khao Mang") is None
    assert place_issues("Số 131, tổ 12, Phường Xuân Tân, Thành phố Long Khánh, Tỉnh Đồng") == [
        "unknown_admin_unit"]
    assert place_features("Trạm Y tế xã Khao Mang")["chain_none"] == 1.0


def test_misread_house_number_part_spoils_exactness() -> None:
    f = place_features("Số 157, tô 20, Thị trấn Châu Hưng, Huyện Vĩnh Lợi, Tỉnh Bạc Liêu")
    assert f["chain_exact"] == 0.0
    f = place_features("Số 157, tổ 20, Thị trấn Châu Hưng, Huyện Vĩnh Lợi, Tỉnh Bạc Liêu")
    assert f["chain_exact"] == f["chain_ward_exact"] == 1.0


def test_province_only_place_gets_no_code() -> None:
    m = resolve_place("Bệnh viện Đa khoa tỉnh Bạc Liêu")
    assert m is not None and m.exact and m.level == "province"
    assert unit_code_fields("place_of_birth", "Bệnh viện Đa khoa tỉnh Bạc Liêu") == {}


def _draft(key: str, value: str, family: str = "place") -> FieldDraft:
    ev = FieldEvidence(ocr_min=0.9, ocr_mean=0.95, n_tokens=8, label_score=100, parsed=True,
                       clean=True, key=key, family=family)
    return FieldDraft(key, value, value, page=1, evidence=ev)


def test_review_adds_code_keys_and_keeps_fuzzy_text_as_read() -> None:
    drafts = {"hometown": _draft("hometown", "Xã Kim Đức, Huyện Gia Lâm, Thành phố Hà Nội"),
              "registration_place": _draft(
                  "registration_place",
                  "Ủy ban nhân dân xã Bình Thanh, huyện Cao Lãnh, tỉnh Đồng Tháp")}
    out = review(drafts, FORM, Settings(), today=date(2030, 1, 1), confidence_fn=lambda ev: 0.999)
    assert out["hometown_units_version"].value == "pre-2025"
    assert out["hometown_code"].value.isdigit() and len(out["hometown_code"].value) == 5
    assert out["hometown_code"].state is out["hometown"].state is FieldState.auto
    reg = out["registration_place"]
    assert reg.value == "Ủy ban nhân dân xã Bình Thanh, huyện Cao Lãnh, tỉnh Đồng Tháp"
    assert reg.state is FieldState.flagged and "unit_spelling_differs" in reg.issues
    assert any(i.endswith("xã Bình Thạnh, huyện Cao Lãnh, tỉnh Đồng Tháp") for i in reg.issues)
    assert out["registration_place_code"].value == "30127"
    assert out["registration_place_code"].state is FieldState.flagged
