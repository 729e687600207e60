"""Identity numbers: the 12-digit personal ID (số định danh cá nhân) and the old 9-digit CMND.

There is no check digit, so validation is shape, province prefix ('0' + the old 2-digit
statistics code of the 63 pre-2025 provinces, table in extractors/data), and consistency of
the century/sex digit and the two year digits with the document's date of birth and sex.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from extractors.normalise.digits import repair_digit_runs
from extractors.normalise.result import Normalised, strip_wrapping

PERSONAL_ID_LEN = 12
CMND_LEN = 9


@cache
def province_codes() -> dict[str, str]:
    """'001' -> 'Hà Nội': prefixes a personal ID may start with."""
    text = resources.files("extractors.data").joinpath("provinces_pre2025.json").read_text("utf-8")
    table = json.loads(text)
    return {"0" + code: name for code, name in table.items() if not code.startswith("_")}


ID_DIGITS_REPAIRED = "id_digits_repaired"  # an issue, like dates' `date_digits_repaired`


def normalise_id_number(raw: str) -> Normalised:
    """Digits only; a 12-digit ID or 9-digit CMND, else kept with `id_invalid_shape`."""
    text, repaired = repair_digit_runs(strip_wrapping(raw))
    runs = re.findall(r"\d+", text)
    digits = "".join(runs)
    if not digits:
        return Normalised(None, ["unparsed_id"], clean=False)
    issues: list[str] = []
    if len(digits) == PERSONAL_ID_LEN and digits[0] != "0" and ("0" + digits[1:])[:3] in \
            province_codes():
        # every province prefix starts with 0 ('001'-'096'): a first digit read otherwise
        # ('942303314503', a 0 read as 9) is that 0
        digits, repaired = "0" + digits[1:], True
    if len(digits) == PERSONAL_ID_LEN:
        issues += personal_id_issues(digits)
    elif len(digits) != CMND_LEN:
        issues.append("id_invalid_shape")
    # Letters left in the text (other than a short kind prefix like "CCCD") mean a bad read.
    leftovers = re.sub(r"[\d\s.\-]", "", text)
    clean = not repaired and not issues and len(leftovers) == 0
    if repaired:  # a letter or a first digit read back as a figure: a person confirms it
        issues.append(ID_DIGITS_REPAIRED)
    return Normalised(digits, issues, clean=clean, repaired=repaired)


def personal_id_issues(pid: str) -> list[str]:
    """Shape and prefix only; consistency with the document is `id_consistency_issues`."""
    if len(pid) != PERSONAL_ID_LEN or not pid.isdigit():
        return ["id_invalid_shape"]
    return [] if pid[:3] in province_codes() else ["id_invalid_prefix"]


def decode_century_sex(pid: str) -> tuple[int, str] | None:
    """Digit 4: 0/1 → 1900s male/female, 2/3 → 2000s, 4/5 → 2100s, … (Decree 137/2015)."""
    if len(pid) != PERSONAL_ID_LEN or not pid.isdigit():
        return None
    d = int(pid[3])
    century = 1900 + 100 * (d // 2)
    return century + int(pid[4:6]), ("male" if d % 2 == 0 else "female")


def id_consistency_issues(pid: str, birth_year: int | None, gender: str | None) -> list[str]:
    """`id_dob_mismatch` / `id_sex_mismatch` against what the document says."""
    decoded = decode_century_sex(pid)
    if decoded is None:
        return []
    year, sex = decoded
    issues: list[str] = []
    if birth_year is not None and year != birth_year:
        issues.append("id_dob_mismatch")
    if gender is not None and sex != gender:
        issues.append("id_sex_mismatch")
    return issues
