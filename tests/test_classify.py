"""Document type from titles and labels, fuzzily (OCR-garbled titles still count)."""

from __future__ import annotations

import pytest

from extractors.classify import classify
from extractors.layout import document_lines
from pipeline.models import DocType, PageText, Word


def page(*lines: str) -> PageText:
    words, y = [], 100
    for i, line in enumerate(lines):
        x = 200
        for tok in line.split():
            words.append(Word(text=tok, bbox=(x, y, x + 20 * len(tok), y + 40), confidence=0.9,
                              line_id=i + 1))
            x += 20 * len(tok) + 20
        y += 60
    return PageText(page=1, width=2480, height=3508, dpi=300, source="ocr", words=words)


HEADER = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@pytest.mark.parametrize("title,expected", [
    ("GIẤY KHAI SINH", DocType.birth_certificate),
    ("GIAY KHAI SINH (BẢN SAO)", DocType.birth_certificate),
    ("TRÍCH LỤC KHAI SINH", DocType.birth_certificate),
    ("GIẤY CHỨNG NHẬN KẾT HÔN", DocType.marriage_certificate),
    ("GIAY CHUNG NHAN KET HON", DocType.marriage_certificate),
    ("TRÍCH LỤC KHAI TỬ", DocType.death_certificate),
    ("TRICH LUC KHAI TU", DocType.death_certificate),
    ("GIẤY CHỨNG TỬ", DocType.death_certificate),
    ("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT", DocType.land_certificate),
    ("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT",
     DocType.land_certificate),
    ("ĐƠN XIN CẤP LẠI", DocType.unknown),
])
def test_titles(title: str, expected: DocType) -> None:
    result = classify(document_lines([page(*HEADER, title, "Họ và tên: A")]))
    assert result.doc_type is expected
    if expected is not DocType.unknown:
        assert result.confidence >= 0.6


def test_labels_decide_when_the_title_is_lost() -> None:
    lines = document_lines([page(*HEADER, "Họ, chữ đệm, tên người mẹ: A",
                                 "Họ, chữ đệm, tên người cha: B", "Nơi đăng ký khai sinh: C")])
    assert classify(lines).doc_type is DocType.birth_certificate
    lines = document_lines([page("a) Thửa đất số: 12 Tờ bản đồ số: 3",
                                 "đ) Mục đích sử dụng: Đất ở", "e) Thời hạn sử dụng: Lâu dài")])
    assert classify(lines).doc_type is DocType.land_certificate


def test_signature_block_of_death_is_not_birth() -> None:
    lines = document_lines([page(*HEADER, "TRÍCH LỤC KHAI TỬ", "Nơi chết: Bệnh viện",
                                 "Nguyên nhân chết: bệnh")])
    result = classify(lines)
    assert result.doc_type is DocType.death_certificate
    assert result.scores[DocType.death_certificate] > result.scores[DocType.birth_certificate]
