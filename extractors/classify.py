"""Which form is this? Decided from titles and labels found fuzzily on the page.

Titles are the strong signal but OCR may miss one; labels typical of one form (`Nơi chết:`,
`Tờ bản đồ số:`) back it up. Titles of every form known today are listed here, even for forms
whose extractor does not exist yet, so those documents are recognised and routed rather than
misread as birth certificates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractors.labels import find_phrases
from extractors.layout import Line
from extractors.registry import form_specs
from pipeline.models import DocType

TITLES: dict[DocType, tuple[str, ...]] = {
    DocType.birth_certificate: ("GIẤY KHAI SINH", "TRÍCH LỤC KHAI SINH",
                                "SỔ ĐĂNG KÝ KHAI SINH"),
    DocType.marriage_certificate: ("GIẤY CHỨNG NHẬN KẾT HÔN", "TRÍCH LỤC KẾT HÔN",
                                   "SỔ ĐĂNG KÝ KẾT HÔN"),
    DocType.death_certificate: ("TRÍCH LỤC KHAI TỬ", "GIẤY CHỨNG TỬ", "SỔ ĐĂNG KÝ KHAI TỬ"),
    DocType.land_certificate: (
        "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT",
        "QUYỀN SỬ DỤNG ĐẤT QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT",
        "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT",
    ),
}
LABELS: dict[DocType, tuple[str, ...]] = {
    DocType.birth_certificate: ("Họ, chữ đệm, tên người mẹ:", "Họ, chữ đệm, tên người cha:",
                                "Nơi đăng ký khai sinh:", "Họ, chữ đệm, tên người đi khai sinh:",
                                "Quê quán:"),
    DocType.marriage_certificate: ("Họ, chữ đệm, tên vợ:", "Họ, chữ đệm, tên chồng:",
                                   "Nơi đăng ký kết hôn:"),
    DocType.death_certificate: ("Đã chết vào lúc:", "Nơi chết:", "Nguyên nhân chết:",
                                "Nơi đăng ký khai tử:", "Họ, chữ đệm, tên người đi khai tử:"),
    DocType.land_certificate: ("Thửa đất số:", "Tờ bản đồ số:", "Mục đích sử dụng:",
                               "Thời hạn sử dụng:", "Nguồn gốc sử dụng:", "Hình thức sử dụng:",
                               "Loại đất:", "Số vào sổ cấp GCN:",
                               # the holder page of the old form carries none of the above
                               "Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền",
                               "Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:",
                               "Thửa đất, nhà ở và tài sản khác gắn liền với đất",
                               "Thông tin thửa đất:", "Địa chỉ thường trú:"),
}
TITLE_WEIGHT = 0.7
LABEL_WEIGHT = 0.3
LABELS_ONLY_WEIGHT = 0.55  # title lost to OCR: three typical labels still decide
MIN_CONFIDENCE = 0.45


@dataclass(frozen=True, slots=True)
class Classification:
    doc_type: DocType
    confidence: float
    scores: dict[DocType, float]


def _titles() -> dict[DocType, tuple[str, ...]]:
    titles = {k: tuple(v) for k, v in TITLES.items()}
    for doc_type, spec in form_specs().items():
        titles[doc_type] = tuple(dict.fromkeys(titles.get(doc_type, ()) + spec.titles))
    return titles


def classify(lines: Sequence[Line]) -> Classification:
    titles = _titles()
    owner = {t: dt for dt, ts in titles.items() for t in ts}
    title_score: dict[DocType, float] = dict.fromkeys(titles, 0.0)
    # One best title per line: 'TRÍCH LỤC KHAI TỬ' also resembles 'TRÍCH LỤC KHAI SINH'.
    for hit in find_phrases(lines, list(owner), needs_colon=False):
        first_page = lines[hit.line].page == min(ln.page for ln in lines)
        s = hit.score / 100.0 * (1.0 if first_page else 0.8)
        title_score[owner[hit.phrase]] = max(title_score[owner[hit.phrase]], s)
    label_score: dict[DocType, float] = {}
    for doc_type, labels in LABELS.items():
        found = {h.phrase for h in find_phrases(lines, labels)}
        label_score[doc_type] = min(1.0, len(found) / max(1, min(3, len(labels))))
    scores = {dt: round(max(TITLE_WEIGHT * title_score.get(dt, 0.0)
                            + LABEL_WEIGHT * label_score.get(dt, 0.0),
                            LABELS_ONLY_WEIGHT * label_score.get(dt, 0.0)), 4)
              for dt in titles}
    best = max(scores, key=lambda dt: scores[dt])
    ranked = sorted(scores.values(), reverse=True)
    margin = ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0)
    if ranked[0] < MIN_CONFIDENCE:
        return Classification(DocType.unknown, round(1.0 - ranked[0], 4), scores)
    confidence = min(1.0, ranked[0] * (0.5 + min(0.5, margin)) / 0.85)
    return Classification(best, round(min(1.0, confidence), 4), scores)
