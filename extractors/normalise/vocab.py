"""Closed vocabularies printed on civil-status forms: surnames, common middle names, the 54
ethnic groups, nationalities. Used only to put back diacritics OCR lost when the folded word
matches one entry exactly; anything else is kept as printed."""

from __future__ import annotations

from functools import cache

from pipeline.textnorm import fold

SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
    "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đào", "Trịnh", "Mai", "Trương", "Lâm",
    "Hà", "Lương", "Cao", "Tạ", "Đoàn", "Vương", "Kiều", "Quách", "Tô", "Chu", "Lại",
    "Thái", "Tôn", "Lưu", "Hứa", "Triệu", "Mạc", "Phùng", "Thân", "Tăng", "Âu", "Khúc",
    "Lục", "Nông", "Hầu", "Giang", "Thạch", "Châu", "Diệp", "Khổng", "Từ",
)
# Middle names unambiguous once folded ('van' is Văn or Vân: not listed).
MIDDLE_NAMES = ("Thị", "Đức", "Hữu", "Quốc", "Xuân", "Ngọc")

# Common words of middle and given names (Vietnamese naming practice, not any one list): a
# name word outside this set is not wrong, only less certain (OCR turns VĂN into VẶN).
NAME_WORDS = frozenset("""
An Ân Anh Ánh Bách Bạch Bằng Bảo Bắc Bích Biên Bình Bội Ca Cầm Cẩm Cao Chánh Châu Chi Chí
Chiến Chinh Chính Chung Công Cúc Cung Cường Đại Đan Đang Đăng Đạo Đạt Điền Điệp Diễm
Diệp Diệu Định Đình Doanh Đoan Đông Đồng Đức Dung Dũng Dương Duy Duyên Gia Giang Giao
Hà Hạ Hải Hân Hằng Hạnh Hào Hảo Hậu Hiền Hiển Hiệp Hiếu Hiểu Hoa Hòa Hoà Hóa Hoài Hoan
Hoàn Hoàng Học Hồng Huân Huệ Hưng Hùng Hương Hường Hữu Huy Huyền Huỳnh Kha Khang Khánh
Khanh Khiêm Khoa Khôi Khuê Kiên Kiệt Kiều Kim Kỳ Lâm Lan Lệ Liên Liêm Liễu Linh Lộc Lợi
Long Luân Lực Lương Ly Lý Mai Mạnh Minh Mơ My Mỹ Nam Nga Ngân Nghĩa Ngọc Nguyên Nguyệt
Nhã Nhân Nhật Nhi Nhiên Nhung Như Ninh Oanh Phát Phi Phong Phú Phúc Phụng Phước Phương
Phượng Quân Quang Quế Quốc Quý Quyên Quyền Quỳnh Sa San Sang Sáng Sơn Song Sương Tài Tâm
Tân Tấn Thạch Thái Thắm Thân Thăng Thắng Thanh Thành Thảo Thạnh Thi Thiên Thiện Thịnh
Thị Thơ Thọ Thoa Thông Thu Thư Thuận Thục Thương Thường Thúy Thủy Thuý Thuỷ Thy Tiên
Tiến Tín Tính Toàn Trà Trâm Trân Trang Trí Triết Triều Trinh Trọng Trung Trúc Trường Tú
Tuấn Tùng Tường Tuyến Tuyết Uyên Văn Vân Vi Việt Vinh Vĩnh Võ Vũ Vương Vy Xuân Yên Yến
Ý
""".split())

ETHNIC_GROUPS = (
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "H'Mông", "Dao",
    "Gia Rai", "Ê Đê", "Ba Na", "Sán Chay", "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê",
    "Ra Glai", "Mnông", "Thổ", "Xtiêng", "Khơ Mú", "Bru - Vân Kiều", "Cơ Tu", "Giáy",
    "Tà Ôi", "Mạ", "Giẻ Triêng", "Co", "Chơ Ro", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào",
    "La Chí", "Kháng", "Phù Lá", "La Hủ", "La Ha", "Pà Thẻn", "Lự", "Ngái", "Chứt",
    "Lô Lô", "Mảng", "Cơ Lao", "Bố Y", "Cống", "Si La", "Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
)
NATIONALITIES = (
    "Việt Nam", "Lào", "Campuchia", "Trung Quốc", "Hàn Quốc", "Nhật Bản", "Hoa Kỳ", "Pháp",
    "Đức", "Nga", "Úc", "Anh", "Thái Lan", "Đài Loan", "Singapore", "Malaysia", "Canada",
)
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "surname": SURNAMES, "middle_name": MIDDLE_NAMES, "ethnicity": ETHNIC_GROUPS,
    "nationality": NATIONALITIES,
}
# Causes of death as civil-status registers commonly word them (an open list: a cause not
# here is kept as read; one here is only a target OCR slips are snapped back to). Kept out
# of VOCABULARIES, whose words are also the known syllables of names (syllables.py).
CAUSES_OF_DEATH = (
    "Bệnh già", "Già yếu", "Tuổi già", "Ốm đau", "Bệnh tật", "Bệnh nặng", "Bệnh hiểm nghèo",
    "Tai biến mạch máu não", "Đột quỵ", "Xuất huyết não", "Nhồi máu não", "Nhồi máu cơ tim",
    "Suy tim", "Bệnh tim", "Tăng huyết áp", "Cao huyết áp", "Suy hô hấp", "Viêm phổi",
    "Lao phổi", "Bệnh phổi tắc nghẽn mạn tính", "Hen phế quản", "Ung thư", "Ung thư phổi",
    "Ung thư gan", "Ung thư dạ dày", "Ung thư vú", "Ung thư đại tràng", "Ung thư máu",
    "Ung thư vòm họng", "Ung thư cổ tử cung", "Ung thư tuyến tiền liệt", "Ung thư tụy",
    "Xơ gan", "Suy gan", "Suy thận", "Suy thận mạn", "Đái tháo đường", "Tiểu đường",
    "Sốt xuất huyết", "Nhiễm trùng máu", "Sốc nhiễm khuẩn", "Suy đa tạng", "Đột tử",
    "Tai nạn giao thông", "Tai nạn lao động", "Tai nạn", "Đuối nước", "Ngộ độc", "Điện giật",
)
PHRASE_VOCABULARIES: dict[str, tuple[str, ...]] = {"cause_of_death": CAUSES_OF_DEATH}


def entries(name: str) -> tuple[str, ...]:
    return VOCABULARIES.get(name) or PHRASE_VOCABULARIES[name]


@cache
def _by_fold(name: str) -> dict[str, str]:
    table: dict[str, list[str]] = {}
    for entry in entries(name):
        table.setdefault(vocab_key(entry), []).append(entry)
    return {k: v[0] for k, v in table.items() if len(v) == 1}  # ambiguous folds: no repair


def canonical(vocabulary: str, text: str) -> str | None:
    """The vocabulary entry whose folded form equals the folded text, if exactly one."""
    return _by_fold(vocabulary).get(vocab_key(text))


def vocab_key(text: str) -> str:
    """Folded, letters only: OCR merges words ('ViệtNam') and drops hyphens."""
    return "".join(c for c in fold(text) if c.isalnum())


_DIGIT_LETTERS = str.maketrans("105", "ios")  # 'K1nh': digits OCR put for letters
SNAP_MIN = 75.0  # rapidfuzz ratio the best entry must reach on folded letters ...
SNAP_MARGIN = 12.0  # ... ahead of the runner-up


def snap_to_vocabulary(vocabulary: str, text: str) -> str | None:
    """The entry a misread value resembles clearly ('Knh' → 'Kinh', 'ViệtNarn' → 'Việt
    Nam'), or None: too short, too far, or two entries about as close ('Ty': Tày or Thổ?
    only a clear winner is taken). Snapped values are repairs; the caller flags them."""
    from rapidfuzz import fuzz

    key = vocab_key(text).translate(_DIGIT_LETTERS)
    if len(key) < 3:
        return None
    scored = sorted(((fuzz.ratio(key, vocab_key(e)), e) for e in entries(vocabulary)),
                    reverse=True)
    best, entry = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    return entry if best >= SNAP_MIN and best - runner_up >= SNAP_MARGIN else None
