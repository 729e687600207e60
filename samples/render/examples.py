"""Made-up printed values for each form, for the preview CLI and the renderer's tests.

Synthetic only: names are random combinations of common surname / middle / given names,
numbers are random digits. The real corpus comes from the content generator; this only has
to exercise every label, long wrapping values and every Vietnamese letter shape.
"""

from __future__ import annotations

import random

from samples.content import DocumentContent

_SURNAMES = ("NGUYỄN", "TRẦN", "LÊ", "PHẠM", "HOÀNG", "VŨ", "ĐẶNG", "BÙI", "ĐỖ", "HỒ", "NGÔ", "DƯƠNG")
_MIDDLE_F = ("THỊ", "THỊ THU", "NGỌC", "THỊ MỸ", "HỒNG")
_MIDDLE_M = ("VĂN", "ĐỨC", "QUANG", "HỮU", "MINH")
_GIVEN = ("HƯƠNG", "GIANG", "LỢI", "QUÂN", "TUẤN", "THẢO", "DŨNG", "YẾN", "KHẢI", "ỨNG", "HUỆ", "NGHĨA")
_PLACES = ("Trạm y tế xã Tân Phú, huyện Đồng Xuân, tỉnh Phú Yên",
           "Bệnh viện Phụ sản Trung ương, quận Hoàn Kiếm, thành phố Hà Nội",
           "Xã Nghĩa Hưng, huyện Lạng Giang, tỉnh Bắc Giang",
           "Số 12 ngõ 45 phố Hào Nam, phường Ô Chợ Dừa, quận Đống Đa, thành phố Hà Nội")


def _name(rng: random.Random, female: bool) -> str:
    middle = rng.choice(_MIDDLE_F if female else _MIDDLE_M)
    return f"{rng.choice(_SURNAMES)} {middle} {rng.choice(_GIVEN)}"


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def example(doc_type: str, rng: random.Random, form_version: str | None = None) -> DocumentContent:
    """A `DocumentContent` for `doc_type` with every printed key filled (truth left empty)."""
    common = {"registration_number": str(rng.randint(1, 400)), "book_number": f"0{rng.randint(1, 9)}/20{rng.randint(10, 24)}",
              "registration_place": f"Ủy ban nhân dân {rng.choice(_PLACES).split(', ', 1)[1]}",
              "registration_date": f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/20{rng.randint(10, 24)}",
              "signer_name": _name(rng, rng.random() < 0.5), "declarant_name": _name(rng, False)}
    if doc_type == "birth_certificate":
        printed = {**common, "full_name": _name(rng, True), "date_of_birth": "21/12/2005",
                   "date_of_birth_words": "Ngày hai mươi mốt, tháng mười hai, năm hai nghìn không trăm linh năm",
                   "gender": "Nữ", "ethnicity": "Kinh", "nationality": "Việt Nam",
                   "place_of_birth": rng.choice(_PLACES), "hometown": "Xã Ỷ La, huyện Chương Mỹ, Hà Nội",
                   "personal_id": "0013" + _digits(rng, 8),
                   "declarant_id_document": f"CCCD số 0010{_digits(rng, 8)} do Cục Cảnh sát cấp ngày 5/7/2021"}
        for key, female in (("mother", True), ("father", False)):
            printed |= {f"{key}_name": _name(rng, female), f"{key}_birth_year": str(rng.randint(1960, 1990)),
                        f"{key}_ethnicity": "Kinh", f"{key}_nationality": "Việt Nam",
                        f"{key}_residence": rng.choice(_PLACES)}
    elif doc_type == "marriage_certificate":
        printed = dict(common)
        for key, female in (("wife", True), ("husband", False)):
            num = "0010" + _digits(rng, 8)
            printed |= {f"{key}_name": _name(rng, female), f"{key}_date_of_birth": f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/199{rng.randint(0, 9)}",
                        f"{key}_ethnicity": "Kinh", f"{key}_nationality": "Việt Nam",
                        f"{key}_residence": rng.choice(_PLACES), f"{key}_id_number": num,
                        f"{key}_id_document": f"Căn cước công dân số {num} do Cục Cảnh sát quản lý hành chính về trật tự xã hội cấp ngày 12/3/2021"}
    elif doc_type == "death_certificate":
        printed = {**common, "full_name": _name(rng, False), "date_of_birth": "02/07/1941", "gender": "Nam",
                   "ethnicity": "Tày", "nationality": "Việt Nam", "personal_id": "0200" + _digits(rng, 8),
                   "id_document": "Chứng minh nhân dân số " + _digits(rng, 9),
                   "time_of_death": f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
                   "date_of_death": "14/03/2023", "date_of_death_words": "Ngày mười bốn, tháng ba, năm hai nghìn không trăm hai mươi ba",
                   "place_of_death": rng.choice(_PLACES), "cause_of_death": "Già yếu, bệnh tuổi già"}
    elif doc_type == "land_certificate":
        version = form_version or rng.choice(["pre-2024", "2024"])
        serial = f"{rng.choice(['BN', 'CS', 'AA', 'DĐ'][:3])} {_digits(rng, 8 if version == '2024' else 6)}"
        printed = {"certificate_serial": serial, "registry_number": f"CS {_digits(rng, 5)}",
                   "holder_1_title": "Ông", "holder_1_name": _name(rng, False), "holder_1_birth_year": "1968",
                   "holder_1_id_label": "CMND số", "holder_1_id_number": _digits(rng, 9),
                   "holder_1_address": rng.choice(_PLACES),
                   "holder_2_title": "Bà", "holder_2_name": _name(rng, True), "holder_2_birth_year": "1971",
                   "holder_2_id_label": "CCCD số", "holder_2_id_number": "0011" + _digits(rng, 8),
                   "holder_2_address": rng.choice(_PLACES), "parcel_number": str(rng.randint(1, 900)),
                   "map_sheet_number": str(rng.randint(1, 60)), "parcel_address": rng.choice(_PLACES),
                   "area_m2": "108,0", "area_words": "Một trăm linh tám mét vuông",
                   "usage_form": "Sử dụng riêng", "land_use_purpose": "Đất ở tại nông thôn",
                   "land_use_term": "Lâu dài", "land_use_origin": "Nhà nước công nhận quyền sử dụng đất",
                   "issue_place_date": f"Phú Yên, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm 2019",
                   "issuing_authority": "ỦY BAN NHÂN DÂN HUYỆN ĐỒNG XUÂN", "signer_name": _name(rng, False),
                   "form_version": version}
        return DocumentContent(doc_id="example_land", doc_type=doc_type, printed=printed, truth={},
                               form_version=version)
    else:
        printed = {"title": "ĐƠN ĐỀ NGHỊ CẤP BẢN SAO", "body": "Kính gửi Ủy ban nhân dân xã Tân Phú. "
                   "Tôi đề nghị được cấp bản sao giấy tờ hộ tịch để bổ sung hồ sơ.",
                   "signer_name": _name(rng, True)}
    return DocumentContent(doc_id=f"example_{doc_type}", doc_type=doc_type, printed=printed, truth={})
