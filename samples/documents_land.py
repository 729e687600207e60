"""Land-use-right certificates ("sổ đỏ"): one holder or a household (husband and wife), the
parcel, its area in figures and words, and the form version the issue date implies.

Categories, usage forms, terms and origins are real wording from certificates, so the
extractor meets the phrases it will meet in production."""

from __future__ import annotations

import random
import string
from datetime import date, timedelta
from typing import Any

from samples.content import DocumentContent
from samples.documents_common import (
    add_place_code,
    id_document,
    new_units,
    printed_name,
    random_between,
    running_date,
)
from samples.registry_io import Person
from samples.registry_places import address, lower_unit_type
from samples.vietnamese_words import area_words, random_style

NEW_FORM_START = date(2024, 8, 1)  # Thông tư 10/2024
AGENCY_RENAMED = date(2025, 3, 1)  # Sở Tài nguyên và Môi trường -> Sở Nông nghiệp và Môi trường
RESIDENTIAL_URBAN = "Đất ở tại đô thị"
RESIDENTIAL_RURAL = "Đất ở tại nông thôn"
AGRICULTURAL = ("Đất trồng lúa", "Đất trồng cây lâu năm", "Đất trồng cây hằng năm khác",
                "Đất nuôi trồng thủy sản", "Đất rừng sản xuất")
ORIGINS = (
    "Nhà nước công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
    "Nhà nước giao đất có thu tiền sử dụng đất",
    "Nhà nước giao đất không thu tiền sử dụng đất",
    "Nhận chuyển nhượng đất được Nhà nước công nhận quyền sử dụng đất như giao đất có thu tiền "
    "sử dụng đất",
    "Nhận thừa kế đất được Nhà nước công nhận quyền sử dụng đất như giao đất có thu tiền sử "
    "dụng đất",
    "Công nhận quyền sử dụng đất như giao đất không thu tiền sử dụng đất",
)
SERIAL_LETTERS = ("AA", "AB", "AC", "AD", "AE", "AG", "AK", "AL", "AM", "AN", "BA", "BB", "BC",
                  "BD", "BE", "BG", "BH", "BK", "BL", "BM", "BN", "BO", "BP", "BR", "BS", "BT",
                  "BU", "BV", "BX", "BY", "CA", "CB", "CC", "CD", "CE", "CG", "CH", "CI", "CK",
                  "CL", "CM", "CN", "CO", "CP", "CQ", "CR", "CS", "CT", "CU", "CV", "CX", "DA",
                  "DB", "DC", "DĐ")
REGISTRY_PREFIXES = ("CS", "CH", "VP", "CT")


def _serial(form_2024: bool, rng: random.Random) -> str:
    letters = rng.choice([s for s in SERIAL_LETTERS if all(c in string.ascii_uppercase for c in s)])
    if form_2024:
        return f"AA {rng.randint(0, 99_999_999):08d}" if rng.random() < 0.5 else \
            f"{letters} {rng.randint(0, 99_999_999):08d}"
    return f"{letters} {rng.randint(0, 999_999):06d}"


def _area(purpose: str, rng: random.Random) -> float:
    if purpose == RESIDENTIAL_URBAN:
        tenths = rng.randint(300, 2500)
    elif purpose == RESIDENTIAL_RURAL:
        tenths = rng.randint(800, 8000)
    else:
        tenths = rng.randint(1500, 60000)
    if rng.random() < 0.6:
        tenths -= tenths % 10  # most areas are whole square metres
    return tenths / 10


def _area_text(area: float) -> str:
    """'108,0 m²' with a decimal comma and '.' thousands grouping for large parcels."""
    whole, frac = f"{area:.1f}".split(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{frac} m²"


def _authority(issue: date, parcel: Person, household: bool, rng: random.Random) -> str:
    ward = parcel.res_ward
    if new_units(issue):
        if rng.random() < 0.5:
            return f"Ủy ban nhân dân {lower_unit_type(ward.new_ward)}"
        return f"Sở Nông nghiệp và Môi trường {lower_unit_type(ward.new_province)}"
    if issue >= AGENCY_RENAMED:
        return f"Sở Nông nghiệp và Môi trường {lower_unit_type(ward.province)}"
    if household and issue < date(2015, 1, 1):
        return f"Ủy ban nhân dân {lower_unit_type(ward.district)}"
    return f"Sở Tài nguyên và Môi trường {lower_unit_type(ward.province)}"


def _place_short(p: Person, new: bool) -> str:
    """'Hà Nội' / 'Nam Định': the place before the date in the issue line."""
    prov = p.res_ward.new_province if new else p.res_ward.province
    for unit_type in ("Thành phố ", "Tỉnh "):
        prov = prov.removeprefix(unit_type)
    return prov


def _holder(slot: int, p: Person | None, issue: date, new: bool, rng: random.Random,
            printed: dict[str, str], truth: dict[str, Any]) -> None:
    key = f"holder_{slot}"
    if p is None:
        for k in ("name", "birth_year", "id_number", "address"):
            printed[f"{key}_{k}"] = ""
            truth[f"{key}_{k}"] = None
        return
    shown, norm = printed_name(p.full_name, rng)
    _, id_number, label = id_document(p, issue, rng)
    if not id_number:  # before CCCD and without a CMND: land offices still record a CMND
        label, id_number = "", ""
    residence = p.residence(new)
    printed.update({f"{key}_name": shown, f"{key}_birth_year": str(p.dob.year),
                    f"{key}_id_number": id_number, f"{key}_address": residence,
                    f"{key}_title": "Bà" if p.female else "Ông", f"{key}_id_label": label})
    truth.update({f"{key}_name": norm, f"{key}_birth_year": p.dob.year,
                  f"{key}_id_number": id_number or None, f"{key}_address": residence})
    add_place_code(truth, f"{key}_address", p.res_ward, new)


def land_certificate(doc_id: str, holder_1: Person, holder_2: Person | None, signer: str,
                     rng: random.Random) -> DocumentContent:
    """holder_2 is the wife in a household certificate ("Hộ gia đình, gồm ông … và bà …")."""
    youngest = max(p.dob for p in (holder_1, holder_2) if p is not None)
    earliest = max(date(youngest.year + 20, 1, 1), date(1994, 1, 1))
    form_2024 = rng.random() < 0.4 and earliest < date(2025, 10, 1)
    if form_2024:
        issue = random_between(rng, max(earliest, NEW_FORM_START), date(2025, 11, 15))
    else:
        issue = random_between(rng, earliest, max(earliest, NEW_FORM_START - timedelta(days=1)))
    form_2024 = issue >= NEW_FORM_START
    new = new_units(issue)
    ward = holder_1.res_ward
    if rng.random() < 0.65:
        purpose = RESIDENTIAL_URBAN if ward.urban else RESIDENTIAL_RURAL
        term = "Lâu dài"
    else:
        purpose = rng.choice(AGRICULTURAL)
        end = date(issue.year + 50, issue.month, min(issue.day, 28))
        term = f"Đến ngày {end.day:02d}/{end.month:02d}/{end.year}"
    area = _area(purpose, rng)
    if purpose in (RESIDENTIAL_URBAN, RESIDENTIAL_RURAL):
        parcel_address = address(ward, rng.randint(1, 400), rng.randint(1, 25), new=new)
    else:
        parcel_address = ward.text(new)
    serial = _serial(form_2024, rng)
    registry_number = f"{rng.choice(REGISTRY_PREFIXES)} {rng.randint(1, 99_999):05d}"
    parcel, sheet = str(rng.randint(1, 1200)), str(rng.randint(1, 95))
    usage_form = "Sử dụng riêng" if rng.random() < 0.9 else "Sử dụng chung"
    origin = rng.choice(ORIGINS)
    authority = _authority(issue, holder_1, holder_2 is not None, rng)
    printed: dict[str, str] = {}
    truth: dict[str, Any] = {"certificate_serial": serial, "registry_number": registry_number,
                             "form_version": "2024" if form_2024 else "pre-2024"}
    _holder(1, holder_1, issue, new, rng, printed, truth)
    _holder(2, holder_2, issue, new, rng, printed, truth)
    printed.update({
        "certificate_serial": serial, "registry_number": registry_number,
        "form_version": truth["form_version"], "parcel_number": parcel,
        "map_sheet_number": sheet, "parcel_address": parcel_address,
        "area_m2": _area_text(area), "area_words": area_words(area, random_style(rng)),
        "usage_form": usage_form, "land_use_purpose": purpose, "land_use_term": term,
        "land_use_origin": origin, "issue_date": running_date(issue, rng),
        "issue_place_date": f"{_place_short(holder_1, new)}, {running_date(issue, rng)}",
        "issuing_authority": authority, "signer_name": signer,
    })
    truth.update({
        "parcel_number": parcel, "map_sheet_number": sheet, "parcel_address": parcel_address,
        "area_m2": area, "usage_form": usage_form, "land_use_purpose": purpose,
        "land_use_term": term, "land_use_origin": origin, "issue_date": issue.isoformat(),
        "issuing_authority": authority,
    })
    add_place_code(truth, "parcel_address", ward, new)
    persons = [{"role": "holder_1", "citizen_id": holder_1.citizen_id}]
    if holder_2 is not None:
        persons.append({"role": "holder_2", "citizen_id": holder_2.citizen_id})
    return DocumentContent(doc_id, "land_certificate", printed, truth, persons,
                           form_version=truth["form_version"])
