"""The field keys and person roles each document type may carry, as data.

Copied from ../shared/spec/records.md ("Field keys by document type") so that the scorer,
the extractors and the tests agree on one list; change it only when the spec changes.
"""

from __future__ import annotations

FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "birth_certificate": (
        "registration_number", "book_number", "full_name", "date_of_birth",
        "date_of_birth_words", "gender", "ethnicity", "nationality", "place_of_birth",
        "hometown", "personal_id", "mother_name", "mother_birth_year", "mother_ethnicity",
        "mother_nationality", "mother_residence", "father_name", "father_birth_year",
        "father_ethnicity", "father_nationality", "father_residence", "registration_place",
        "registration_date",
    ),
    "marriage_certificate": (
        "registration_number", "book_number", "wife_name", "wife_date_of_birth",
        "wife_ethnicity", "wife_nationality", "wife_residence", "wife_id_number",
        "husband_name", "husband_date_of_birth", "husband_ethnicity", "husband_nationality",
        "husband_residence", "husband_id_number", "registration_place", "registration_date",
    ),
    "death_certificate": (
        "registration_number", "book_number", "full_name", "date_of_birth", "gender",
        "ethnicity", "nationality", "personal_id", "date_of_death", "time_of_death",
        "place_of_death", "cause_of_death", "registration_place", "registration_date",
    ),
    "land_certificate": (
        "certificate_serial", "registry_number", "form_version", "holder_1_name",
        "holder_1_birth_year", "holder_1_id_number", "holder_1_address", "holder_2_name",
        "holder_2_birth_year", "holder_2_id_number", "holder_2_address", "parcel_number",
        "map_sheet_number", "parcel_address", "area_m2", "usage_form", "land_use_purpose",
        "land_use_term", "land_use_origin", "issue_date", "issuing_authority",
    ),
    "unknown": (),
}

PERSON_ROLES: dict[str, tuple[str, ...]] = {
    "birth_certificate": ("subject", "mother", "father"),
    "marriage_certificate": ("wife", "husband"),
    "death_certificate": ("subject",),
    "land_certificate": ("holder_1", "holder_2"),
    "unknown": (),
}

DOC_TYPES: tuple[str, ...] = tuple(FIELD_KEYS)

# Places that may resolve to an administrative unit; the spec then adds `<key>_code` and
# `<key>_units_version` next to them.
PLACE_KEYS: frozenset[str] = frozenset({
    "place_of_birth", "hometown", "mother_residence", "father_residence",
    "registration_place", "wife_residence", "husband_residence", "place_of_death",
    "holder_1_address", "holder_2_address", "parcel_address",
})
PLACE_SUFFIXES: tuple[str, ...] = ("_code", "_units_version")


def is_field_key(doc_type: str, key: str) -> bool:
    """True when `key` is a listed key of `doc_type` or an admin-unit key derived from one."""
    listed = FIELD_KEYS.get(doc_type, ())
    if key in listed:
        return True
    for suffix in PLACE_SUFFIXES:
        base = key.removesuffix(suffix)
        if base != key and base in PLACE_KEYS and base in listed:
            return True
    return False


def is_person_role(doc_type: str, role: str) -> bool:
    return role in PERSON_ROLES.get(doc_type, ())
