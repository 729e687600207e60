"""A ward chain completed from an exactly read ward + district (place_anchors.py)."""

import pytest

from extractors.normalise.place_anchors import anchored_chain
from extractors.normalise.text import normalise_place

REPAIRED = [
    # the province after the district garbled, or debris in its place
    ("Ủy ban nhân dân thị trấn Tam Đảo, huyện Tam Đảo, tỉnh xi",
     "Ủy ban nhân dân thị trấn Tam Đảo, huyện Tam Đảo, tỉnh Vĩnh Phúc"),
    ("Ủy ban nhân dân xã Châu Lăng, huyện Tri Tôn, tỉnh An Sàn 3",
     "Ủy ban nhân dân xã Châu Lăng, huyện Tri Tôn, tỉnh An Giang"),
    ("Ủy ban nhân dân xã Nghi Công Bắc, huyện Nghi Lộc, tỉnh 00 5 .a.a",
     "Ủy ban nhân dân xã Nghi Công Bắc, huyện Nghi Lộc, tỉnh Nghệ An"),
    ('Ủy ban nhân dân phường Nguyễn Thị Minh Khai, Thành Phố Bắc Kạn, "1',
     "Ủy ban nhân dân phường Nguyễn Thị Minh Khai, Thành Phố Bắc Kạn, tỉnh Bắc Kạn"),
    # a comma lost before a lower-case type word, or read inside a name
    ("Ủy ban nhân dân thị trấn Vân Tùng, huyện Ngân Sơn tỉnh Bắc Kạn",
     "Ủy ban nhân dân thị trấn Vân Tùng, huyện Ngân Sơn, tỉnh Bắc Kạn"),
    ("Số 328, tổ 9, Thị trấn Bình, Liêu, Huyện Bình Liêu, Tỉnh Quảng Nẵnh. hy.",
     "Số 328, tổ 9, Thị trấn Bình Liêu, Huyện Bình Liêu, Tỉnh Quảng Ninh"),
    # the ward's type word garbled, with or without an institution prefix
    ("Ủy ban nhân dân:+:::`::; Phú Hữu, thành phố Thủ Đức, thành phố Hồ Chí Minh",
     "Ủy ban nhân dân phường Phú Hữu, thành phố Thủ Đức, thành phố Hồ Chí Minh"),
    ("Sế 68, tổ 8, Eiườaug Hạ Đình, Quận Thanh Xuân, Thành phố Hà Nội",
     "Số 68, tổ 8, Phường Hạ Đình, Quận Thanh Xuân, Thành phố Hà Nội"),
    ("Số 230, tổ 10, Et: ¿ờäs .Phú Hữu, Thành phố Thủ Đức, Thành phố Hồ Chí Minh",
     "Số 230, tổ 10, Phường Phú Hữu, Thành phố Thủ Đức, Thành phố Hồ Chí Minh"),
    ("Tổ 7, P2: Tân Xuân, Thành phố Đồng Xoài, Tỉnh Bình lo S2. -.A",
     "Tổ 7, Phường Tân Xuân, Thành phố Đồng Xoài, Tỉnh Bình Phước"),
]


@pytest.mark.parametrize(("raw", "want"), REPAIRED)
def test_garbled_parts_respelled_from_the_anchor(raw: str, want: str) -> None:
    result = normalise_place(raw)
    assert result.value == want
    assert result.repaired


KEPT = [
    "Xã Phúc Trạch, Huyện Hương Khê, Tỉnh Nghệ An",  # another province printed: a conflict
    "Xã Phúc Trạch, Huyện Hương Khê",  # nothing printed after the district: none appended
    "Phường Phúc Trạch, Huyện Hương Khê, tỉnh xx",  # a printed type word is not replaced
    "Xã Không Có Thật, Huyện Hương Khê, tỉnh xx",  # the ward is not in the district
    "Số 5, Huyện Hương Khê, tỉnh xx",  # no ward before the district
]


@pytest.mark.parametrize("raw", KEPT)
def test_no_anchor_no_repair(raw: str) -> None:
    assert anchored_chain(raw) is None
