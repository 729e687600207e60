"""The persons of a record (roles per records.md) as link queries, from its field values."""

from __future__ import annotations

from typing import Any

from matching.models import PersonQuery

# role -> field keys: name, date of birth, birth year, gender (a key or a fixed value),
# id number, places (first that resolves to a ward wins), mother's and father's names
ROLE_FIELDS: dict[str, dict[str, dict[str, Any]]] = {
    "birth_certificate": {
        "subject": {"name": "full_name", "dob": "date_of_birth", "gender_key": "gender",
                    "id": "personal_id", "places": ("place_of_birth", "hometown"),
                    "mother": "mother_name", "father": "father_name"},
        "mother": {"name": "mother_name", "year": "mother_birth_year", "gender": "female",
                   "places": ("mother_residence",)},
        "father": {"name": "father_name", "year": "father_birth_year", "gender": "male",
                   "places": ("father_residence",)},
    },
    "marriage_certificate": {
        "wife": {"name": "wife_name", "dob": "wife_date_of_birth", "gender": "female",
                 "id": "wife_id_number", "places": ("wife_residence",)},
        "husband": {"name": "husband_name", "dob": "husband_date_of_birth", "gender": "male",
                    "id": "husband_id_number", "places": ("husband_residence",)},
    },
    "death_certificate": {
        "subject": {"name": "full_name", "dob": "date_of_birth", "gender_key": "gender",
                    "id": "personal_id", "dod": "date_of_death"},
    },
    "land_certificate": {
        "holder_1": {"name": "holder_1_name", "year": "holder_1_birth_year",
                     "id": "holder_1_id_number", "places": ("holder_1_address",)},
        "holder_2": {"name": "holder_2_name", "year": "holder_2_birth_year",
                     "id": "holder_2_id_number", "places": ("holder_2_address",)},
    },
}


def _place(values: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """The first place with a ward code (given on the record or resolved from the text);
    else the first place text."""
    from matching.admin_codes import place_code

    texts = [(k, values.get(k)) for k in keys if values.get(k)]
    for key, text in texts:
        code = place_code(text, values.get(f"{key}_code"), values.get(f"{key}_units_version"))
        if code:
            return {"place": text, "place_code": code, "place_units_version": "2025"}
    return {"place": texts[0][1]} if texts else {}


def _year(value: Any) -> int | None:
    try:
        return int(str(value)[:4]) if value not in (None, "") else None
    except ValueError:
        return None


def queries_from_values(doc_type: str, values: dict[str, Any]) -> list[PersonQuery]:
    """Persons from plain field values (a record's, or a truth file's)."""
    out = []
    for role, spec in ROLE_FIELDS.get(doc_type, {}).items():
        name = values.get(spec["name"])
        if not name:
            continue
        gender = spec.get("gender") or values.get(spec.get("gender_key", ""))
        dob = values.get(spec["dob"]) if "dob" in spec else None
        out.append(PersonQuery(
            role=role, full_name=str(name), date_of_birth=str(dob) if dob else None,
            birth_year=_year(values.get(spec["year"])) if "year" in spec else None,
            gender=gender if gender in ("male", "female") else None,
            id_number=str(values[spec["id"]]) if values.get(spec.get("id", "")) else None,
            mother_name=values.get(spec["mother"]) if "mother" in spec else None,
            father_name=values.get(spec["father"]) if "father" in spec else None,
            date_of_death=str(values[spec["dod"]]) if values.get(spec.get("dod", "")) else None,
            **_place(values, spec.get("places", ()))))
    return out


def person_queries(record: Any) -> list[PersonQuery]:
    """The persons of a `pipeline.models.Record` that should link to the registry."""
    values = {k: f.value for k, f in record.fields.items()}
    for key, f in record.fields.items():  # `<key>_code` may ride on the field as extras
        extra = f.model_extra or {}
        for suffix in ("code", "units_version"):
            if extra.get(suffix) and f"{key}_{suffix}" not in values:
                values[f"{key}_{suffix}"] = extra[suffix]
    return queries_from_values(record.doc_type.value, values)
