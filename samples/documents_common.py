"""Shared printing rules for synthetic documents: how names, dates and identity papers appear
on a form, and which administrative-unit version a document of a given date shows.

Printed strings and truth values are produced together so they can never drift apart: the
truth is always the record-format normalisation of exactly what was printed."""

from __future__ import annotations

import random
from datetime import date, timedelta

from samples.names import swap_tone_style, title_case, upper_name
from samples.registry_io import Person
from samples.registry_places import Ward

UNITS_REFORM = date(2025, 7, 1)  # 63 → 34 provinces, districts abolished
CCCD_START = date(2016, 1, 1)  # personal ID numbers on civil-status papers from here on
CAN_CUOC_START = date(2024, 7, 1)  # "Căn cước" cards replace "Căn cước công dân"
LATEST = date(2025, 11, 15)  # documents are dated no later than this

# Hard linkage cases on the document side (the registry keeps the canonical spelling).
TONE_VARIANT_RATE = 0.35  # of the names that have an oa/oe/uy syllable to respell
DROP_MIDDLE_RATE = 0.04


def new_units(d: date) -> bool:
    """Documents dated on/after 1 July 2025 print 2025 units; earlier ones the old units."""
    return d >= UNITS_REFORM


def dmy(d: date, rng: random.Random) -> str:
    """'02/07/1990', or with leading zeros dropped ('2/7/1990') as some clerks write."""
    if rng.random() < 0.3:
        return f"{d.day}/{d.month}/{d.year}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def running_date(d: date, rng: random.Random) -> str:
    """'ngày 09 tháng 6 năm 2023' as in signature blocks."""
    day = f"{d.day:02d}" if rng.random() < 0.7 else str(d.day)
    month = f"{d.month:02d}" if d.month < 3 and rng.random() < 0.5 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


def printed_name(full_name: str, rng: random.Random, variants: bool = True) -> tuple[str, str]:
    """(as printed, truth). Sometimes the other tone-placement style or no middle name:
    the registry still holds the canonical spelling, which is what makes linkage hard."""
    name = full_name
    if variants:
        words = name.split(" ")
        if len(words) >= 3 and rng.random() < DROP_MIDDLE_RATE:
            name = f"{words[0]} {words[-1]}"
        swapped = swap_tone_style(name)
        if swapped != name and rng.random() < TONE_VARIANT_RATE:
            name = swapped
    return upper_name(name), title_case(name)


def random_between(rng: random.Random, lo: date, hi: date) -> date:
    if hi <= lo:
        return lo
    return lo + timedelta(days=rng.randrange((hi - lo).days + 1))


def id_document(p: Person, on: date, rng: random.Random) -> tuple[str, str, str]:
    """(printed 'Giấy tờ tùy thân' text, id number digits, short label) valid on date `on`;
    ('', '', '') when the person had no usable paper then."""
    adult = date(p.dob.year + 14, p.dob.month, min(p.dob.day, 28))
    use_cmnd = p.cmnd and (on < CCCD_START or (on < date(2021, 7, 1) and rng.random() < 0.3))
    if use_cmnd:
        issued = random_between(rng, adult, min(on, date(2015, 12, 31)))
        police = p.res_ward.province.replace("Thành phố", "thành phố").replace("Tỉnh", "tỉnh")
        text = f"Chứng minh nhân dân số {p.cmnd} do Công an {police} cấp ngày {dmy(issued, rng)}"
        return text, p.cmnd, "CMND số"
    if on < CCCD_START:
        return "", "", ""
    issued = random_between(rng, max(adult, CCCD_START), on)
    if issued >= CAN_CUOC_START:
        text = f"Căn cước số {p.personal_id} do Bộ Công an cấp ngày {dmy(issued, rng)}"
    else:
        text = (f"Căn cước công dân số {p.personal_id} do Cục Cảnh sát QLHC về TTXH "
                f"cấp ngày {dmy(issued, rng)}")
    return text, p.personal_id, "CCCD số"


def registration_numbers(on: date, rng: random.Random) -> tuple[str, str]:
    """('Số', 'Quyển số') as printed: entry number inside a yearly book."""
    number = str(rng.randint(1, 480))
    book = f"{rng.randint(1, 4):02d}/{on.year}" if rng.random() < 0.7 else f"{rng.randint(1, 4):02d}"
    return number, book


def gender_text(female: bool) -> tuple[str, str]:
    return ("Nữ", "female") if female else ("Nam", "male")


def blank_or(value: str | None) -> str:
    return value if value else ""


PLACE_SUFFIXES = ("_code", "_units_version")


def add_place_code(truth: dict, key: str, ward: Ward, new: bool) -> None:
    """records.md: a place that resolves to an administrative unit gets `<key>_code` (ward
    statistics code) and `<key>_units_version`; make_documents keeps them only on request."""
    truth[f"{key}_code"] = ward.new_ward_code if new else ward.ward_code
    truth[f"{key}_units_version"] = "2025" if new else "pre-2025"
