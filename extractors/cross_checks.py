"""Cross-checks that catch values read wrong but confidently, beyond review.py's date rules.

- `id_sex`: a spouse's personal ID carries the sex (digit 4: even male, odd female) and the
  birth year; on a marriage certificate the wife's and husband's are known by their column.
- `min_age`: the law's marriage age (Luật Hôn nhân và gia đình 2014, art. 8: women 18,
  men 20) at the registration date - a misread year of birth usually breaks it.
- `id_province`: a personal ID issued at birth registration starts with the code of the
  province that registered the birth (Thông tư 59/2021): a misread prefix, or a misread
  province, shows as a mismatch. Only pre-2025 province codes are on IDs; a place resolved
  to a 2025 province is compared by name where the province kept its name.

- `serial_form`: a land certificate's serial has 6 digits on the old form and 8 on the 2024
  form (domain.md): a serial of the other length lost or gained a digit, or the form was
  told wrongly.
- `authority_province`: the body that issued a land certificate belongs to the province the
  parcel lies in; the province read twice (the issuer's name and the parcel's address)
  confirms both. A different province says nothing (a district's office, or names that
  changed in the 2025 reform), so only agreement counts.
- `place_echo`: a place of birth or death names a commune, district or province ('Trạm Y
  tế xã Tân Tiến', 'Bệnh viện Đa khoa tỉnh Yên Bái', 'Tại nhà, …, Xã Tham Đôn, …') that the
  registration place or a parent's residence names too, spelled the same: the unit was
  read twice, independently. A place naming other units says nothing (births in another
  province's hospital are common), so only agreement counts.

Rules take the form's `CrossCheck.param` (the sex, the age) so one rule serves both spouses.
"""

from __future__ import annotations

import re
from datetime import date

from extractors.form_spec import CrossCheck
from extractors.normalise.admin_units import resolve_place
from extractors.normalise.identity import decode_century_sex, province_codes
from extractors.normalise.land import SERIAL_DIGITS_BY_FORM
from extractors.review import DECLARANT_DIFFERS, Drafts, _date, _mark, _settled, _year
from pipeline.textnorm import fold


def check_id_sex(drafts: Drafts, check: CrossCheck, today: date) -> None:
    id_key, dob_key = check.keys
    pid, dob = drafts.get(id_key), drafts.get(dob_key)
    if pid is None or not isinstance(pid.value, str):
        return
    decoded = decode_century_sex(pid.value)
    if decoded is None:
        return
    year, sex = decoded
    ok_sex = sex == check.param
    _mark(drafts, (id_key,), ok_sex, check.issue or "id_sex_mismatch")
    birth_year = _year(dob.value) if dob and not _settled(dob) else None
    if birth_year is not None:
        ok_year = year == birth_year
        _mark(drafts, (id_key, dob_key) if ok_year else (id_key,), ok_year, "id_dob_mismatch")


def check_min_age(drafts: Drafts, check: CrossCheck, today: date) -> None:
    """keys: (the event's date, the person's date of birth); param: the age in years."""
    event_key, dob_key = check.keys
    event, dob = drafts.get(event_key), drafts.get(dob_key)
    when, born = (_date(event.value) if event else None), (_date(dob.value) if dob else None)
    if when is None or born is None or not isinstance(check.param, int):
        return
    age = when.year - born.year - ((when.month, when.day) < (born.month, born.day))
    ok = check.param <= age <= 100
    _mark(drafts, (dob_key,), ok, check.issue or "under_legal_age")


def _province_name(place: object) -> str | None:
    if not isinstance(place, str):
        return None
    m = resolve_place(place)
    if m is None or not m.exact:
        return None
    return m.parts[-1].unit.name


def check_id_province(drafts: Drafts, check: CrossCheck, today: date) -> None:
    """keys: (personal ID, the place whose province issued it)."""
    id_key, place_key = check.keys
    pid, place = drafts.get(id_key), drafts.get(place_key)
    if pid is None or place is None or not isinstance(pid.value, str) or len(pid.value) != 12:
        return
    issued_in = province_codes().get(pid.value[:3])
    printed = _province_name(place.value)
    if issued_in is None or printed is None:
        return
    if fold(issued_in) == fold(printed):
        _mark(drafts, (id_key, place_key), True, "")
    elif printed in province_codes().values():  # a pre-2025 province that is not the ID's
        _mark(drafts, (id_key,), False, check.issue or "id_province_mismatch")


NAME_NEAR = 85.0  # rapidfuzz ratio on folded names: the same name, one of them misread


def check_declarant_is_parent(drafts: Drafts, check: CrossCheck, today: date) -> None:
    """keys: (declarant's name, parent's name, other parent's name). A birth is mostly
    declared by a parent, whose name is then printed twice and read twice: the same
    reading confirms both; a near miss ('Lệ Đức Quang' / 'Lê Đức Quang') means one of
    the two readings is wrong. A declarant far from both (a grandparent) says nothing."""
    from rapidfuzz import fuzz

    declarant = drafts.get(check.keys[0])
    if declarant is None or not isinstance(declarant.value, str):
        return
    parents = [k for k in check.keys[1:] if drafts.get(k) is not None
               and isinstance(drafts[k].value, str)]
    same = [k for k in parents if drafts[k].value == declarant.value]
    if same:
        _mark(drafts, (check.keys[0], *same), True, "")
        return
    near = [k for k in parents
            if fuzz.ratio(fold(drafts[k].value), fold(declarant.value)) >= NAME_NEAR]
    if len(near) == 1:
        _mark(drafts, (near[0],), False, check.issue or DECLARANT_DIFFERS)


def check_surname_from_parent(drafts: Drafts, check: CrossCheck, today: date) -> None:
    """keys: (child's name, father's name, mother's name): a child takes a parent's
    surname, so the same first word read in two places confirms the child's."""
    child = drafts.get(check.keys[0])
    if child is None or not isinstance(child.value, str) or not child.value.split():
        return
    surname = child.value.split()[0]
    for k in check.keys[1:]:
        parent = drafts.get(k)
        if parent is not None and isinstance(parent.value, str) and parent.value.split()[:1] == [
                surname]:
            _mark(drafts, (check.keys[0],), True, "")
            return


# A confidence-model feature (extractors.confidence): a unit of this place was read again,
# spelled the same, in another field of the form (`place_echo`, `authority_province`).
ECHOED = "echoed"
ECHO_ALONE = "echo_alone"  # echoed, and its own units make no exact chain


def check_serial_form(drafts: Drafts, check: CrossCheck, today: date) -> None:
    """keys: (the certificate's serial, the form version)."""
    serial_key, form_key = check.keys
    serial, form = drafts.get(serial_key), drafts.get(form_key)
    if serial is None or form is None or not isinstance(serial.value, str):
        return
    want = SERIAL_DIGITS_BY_FORM.get(str(form.value))
    digits = serial.value.split(" ")[-1]
    if want is None or not digits.isdigit():
        return
    _mark(drafts, (serial_key,), len(digits) == want, check.issue or "serial_form_mismatch")


def _authority_province(value: object) -> str | None:
    from extractors.evidence import authority_unit

    if not isinstance(value, str):
        return None
    m = resolve_place(authority_unit(value))
    if m is None or not m.exact or m.level != "province":
        return None
    return m.parts[-1].unit.name


def check_authority_province(drafts: Drafts, check: CrossCheck, today: date) -> None:
    """keys: (the issuing authority, the parcel's address)."""
    authority_key, address_key = check.keys
    authority, address = drafts.get(authority_key), drafts.get(address_key)
    if authority is None or address is None:
        return
    issuer, parcel = _authority_province(authority.value), _province_name(address.value)
    if issuer is not None and parcel is not None and fold(issuer) == fold(parcel):
        _mark(drafts, (authority_key, address_key), True, "")
        authority.evidence.features[ECHOED] = 1.0


_ADMIN_TYPES = ("thành phố", "thị trấn", "thị xã", "tỉnh", "huyện", "quận", "phường", "xã")
_MENTION = re.compile(r"(?<!\w)(" + "|".join(_ADMIN_TYPES) + r")\s+([^,;()]+)", re.IGNORECASE)


def unit_mentions(text: object) -> list[tuple[str, str]]:
    """('xã', 'Tân Tiến'), … : the administrative units a place text names, in order, the
    type folded to lower case and the name as printed (tone placement folded)."""
    from extractors.normalise.admin_units import spelling_key

    if not isinstance(text, str):
        return []
    return [(m.group(1).lower(), spelling_key(m.group(2).strip(" .")))
            for m in _MENTION.finditer(text)]


def check_place_echo(drafts: Drafts, check: CrossCheck, today: date) -> None:
    """keys: (the place, then the fields that may name the same units)."""
    place = drafts.get(check.keys[0])
    if place is None:
        return
    mine = unit_mentions(place.value)
    if not mine:
        return
    others = {u for k in check.keys[1:] if (d := drafts.get(k)) is not None
              for u in unit_mentions(d.value)}
    if mine[0] in others:  # its most specific unit
        _mark(drafts, (check.keys[0],), True, "")
        place.evidence.features[ECHOED] = 1.0  # evidence of its own kind for the model
        if not place.evidence.features.get("chain_exact"):
            # 'Trạm Y tế xã Lộc Thịnh' names no district or province, so it resolves to no
            # chain of its own: the echo is all that corroborates it, and the model learns
            # its weight apart from that of places whose own chain is exact too
            place.evidence.features[ECHO_ALONE] = 1.0
