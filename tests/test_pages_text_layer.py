"""Text-layer scoring: real Vietnamese vs a scanner's non-Vietnamese OCR vs English."""

from __future__ import annotations

import pytest

from pipeline.text_layer import (
    classify_text_layer,
    has_vietnamese_diacritic,
    is_vietnamese_syllable,
    score_tokens,
)

REAL_FORM = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc GIẤY KHAI SINH "
             "Họ, chữ đệm, tên: NGUYỄN VĂN LỢI Ngày, tháng, năm sinh: 02/07/1990 "
             "Giới tính: Nam Dân tộc: Kinh Quốc tịch: Việt Nam Nơi sinh: Bệnh viện Phụ sản "
             "Hà Nội Số định danh cá nhân: 001090012345")
REAL_LAND = ("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT Ông: TRẦN VĂN HÙNG Năm sinh: 1962 CCCD số: "
             "001062001234 Địa chỉ thường trú: xã Tân Hòa Thửa đất số: 125 Tờ bản đồ số: 12 "
             "Diện tích: 108,0 m² Hình thức sử dụng: Sử dụng riêng Số vào sổ cấp GCN: CS 05494")
GARBAGE = ("CONG HOA XA HOI CHU NGHIA VIET NAM Doc lap - Tu do - Hanh phuc GIAY KHAI SINH "
           "Ho, chu d6m, t6n: Nguy6n Anh Quin Ngay, thang, nam sinh: 02/07/1990 "
           "Gi6i tinh: Nam Dan t6c: Kinh Qu6c tich: Vi6t Nam")
STRIPPED = ("CONG HOA XA HOI CHU NGHIA VIET NAM Doc lap Tu do Hanh phuc GIAY KHAI SINH "
            "Ho chu dem ten NGUYEN VAN LOI Ngay thang nam sinh Gioi tinh Nam Dan toc Kinh")
ENGLISH = ("This certificate is issued to confirm the birth registration of the child "
           "named above at the People's Committee of the ward on the date shown")
LATIN1_GARBAGE = "Nguyén Ván Lçi Ngáy thãng nãm sinh Gi¢i tính Dân tôc Quôc tich Viêt Nam"


@pytest.mark.parametrize("token", ["Nguyễn", "NGUYỄN", "nghiêng", "khuỷu", "Quốc", "gì",
                                   "trường", "Đắk", "oanh", "ươn", "thuở"])
def test_valid_syllables(token: str) -> None:
    assert is_vietnamese_syllable(token)


@pytest.mark.parametrize("token", ["Nguy6n", "certificate", "and", "str", "xyz",
                                   "CMND", "Lçi"])
def test_invalid_syllables(token: str) -> None:
    assert not is_vietnamese_syllable(token)


def test_diacritics() -> None:
    assert has_vietnamese_diacritic("đi") and has_vietnamese_diacritic("Hà")
    assert not has_vietnamese_diacritic("Nguyen")


@pytest.mark.parametrize("text", [REAL_FORM, REAL_LAND])
def test_real_vietnamese_is_real(text: str) -> None:
    score = score_tokens(text.split())
    assert score.status == "real", score


@pytest.mark.parametrize("text", [GARBAGE, STRIPPED, ENGLISH, LATIN1_GARBAGE])
def test_garbage_and_english_are_not(text: str) -> None:
    score = score_tokens(text.split())
    assert score.status == "garbage", score


def test_empty_and_tiny_layers() -> None:
    assert classify_text_layer([]) == "none"
    assert classify_text_layer(["Trang", "1"]) == "garbage"  # too little to trust
    assert classify_text_layer(["12/07/1990", "-", "001090012345"]) == "garbage"
