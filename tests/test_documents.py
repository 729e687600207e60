"""Document content: truth files carry exactly records.md's keys with normalised values, the
printed strings agree with the truth, and linkage hard cases reach the documents."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest

from samples.content import DocumentContent
from samples.documents import FIELD_KEYS, PERSON_ROLES, make_documents, validate_truth
from samples.names import title_case
from samples.registry import CitizenRegistry, generate_registry
from samples.registry_io import full_names
from tests.test_documents_words import parse_date

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SPEC_KEYS_FROM_RECORDS_MD = 23 + 16 + 14 + 21


@pytest.fixture(scope="module")
def reg() -> CitizenRegistry:
    return generate_registry(6000, seed=21)


@pytest.fixture(scope="module")
def docs(reg: CitizenRegistry) -> list[DocumentContent]:
    return make_documents(reg, 600, seed=21)


def test_field_key_lists_match_records_md() -> None:
    assert sum(len(v) for v in FIELD_KEYS.values()) == SPEC_KEYS_FROM_RECORDS_MD
    for keys in FIELD_KEYS.values():
        assert len(set(keys)) == len(keys)


def test_every_truth_validates(docs: list[DocumentContent]) -> None:
    assert {d.doc_type for d in docs} == set(FIELD_KEYS)
    for d in docs:
        assert validate_truth(d) == []
        assert set(d.truth_json()) == {"doc_type", "fields", "persons"}
        roles = [p["role"] for p in d.persons]
        assert len(set(roles)) == len(roles) and set(roles) <= set(PERSON_ROLES[d.doc_type])


def _check_value(key: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, str):
        assert value == unicodedata.normalize("NFC", value) and "  " not in value
    if key.endswith(("_name",)) or key == "full_name":
        assert value == title_case(value)
    elif key.endswith(("date", "date_of_birth", "date_of_death", "_words")):
        assert ISO.match(value), (key, value)
    elif key.endswith("_birth_year"):
        assert isinstance(value, int) and 1900 < value < 2026
    elif key == "gender":
        assert value in ("male", "female")
    elif key.endswith(("_id_number", "personal_id")):
        assert value.isdigit() and len(value) in (9, 12)
    elif key == "certificate_serial":
        assert re.fullmatch(r"[A-Z]{2} (\d{6}|\d{8})", value)
    elif key == "registry_number":
        assert re.fullmatch(r"[A-Z]{2} \d{5}", value)
    elif key == "area_m2":
        assert isinstance(value, float) and value > 0
    elif key == "time_of_death":
        assert re.fullmatch(r"\d{2}:\d{2}", value)


def test_truth_values_are_normalised(docs: list[DocumentContent]) -> None:
    for d in docs:
        for key, value in d.truth.items():
            _check_value(key, value)


def test_printed_agrees_with_truth(docs: list[DocumentContent]) -> None:
    for d in docs:
        p, t = d.printed, d.truth
        for key, value in t.items():
            if key.endswith("name") and value:
                assert p[key] == p[key].upper() and title_case(p[key]) == value
        if d.doc_type == "birth_certificate":
            assert parse_date(p["date_of_birth_words"]).isoformat() == t["date_of_birth_words"]
            day, month, year = (int(x) for x in p["date_of_birth"].split("/"))
            assert date(year, month, day).isoformat() == t["date_of_birth"]
        if d.doc_type == "land_certificate":
            assert p["area_m2"].replace(".", "").replace(",", ".").removesuffix(" m²") == f"{t['area_m2']:.1f}"
            assert (t["form_version"] == "2024") == (len(t["certificate_serial"]) == 11)
            assert (t["issue_date"] >= "2024-08-01") == (t["form_version"] == "2024")


def test_old_units_before_reform_new_after(docs: list[DocumentContent]) -> None:
    district_types = ("huyện ", "quận ", "thị xã ", "thành phố ")
    seen = set()
    for d in docs:
        if d.doc_type != "birth_certificate" or not d.truth["mother_residence"]:
            continue
        new = d.truth["registration_date"] >= "2025-07-01"
        parts = d.truth["mother_residence"].split(", ")
        has_district = any(p.lower().startswith(district_types) for p in parts[:-1])
        assert has_district != new, (new, parts)
        seen.add(new)
    assert seen == {True, False}


def test_persons_link_to_registry(reg: CitizenRegistry, docs: list[DocumentContent]) -> None:
    ids = {f"{v:012d}" for v, keep in zip(reg.personal_id.tolist(), reg.in_registry.tolist()) if keep}
    linked = [p["citizen_id"] for d in docs for p in d.persons]
    assert all(c is None or c in ids for c in linked)
    assert any(c is None for c in linked), "some persons are absent from the registry"


def test_document_side_hard_cases(reg: CitizenRegistry, docs: list[DocumentContent]) -> None:
    by_id = {f"{v:012d}": i for i, v in enumerate(reg.personal_id.tolist())}
    name_key = {"subject": "full_name", "mother": "mother_name", "father": "father_name",
                "wife": "wife_name", "husband": "husband_name", "holder_1": "holder_1_name",
                "holder_2": "holder_2_name"}
    tone, dropped = 0, 0
    for d in docs:
        for p in d.persons:
            if p["citizen_id"] is None:
                continue
            canonical = full_names(reg, [by_id[p["citizen_id"]]])[0]
            shown = d.truth[name_key[p["role"]]]
            if shown != canonical and len(shown.split()) == len(canonical.split()):
                tone += 1
            if len(shown.split()) < len(canonical.split()):
                dropped += 1
    assert tone >= 1 and dropped >= 1


def test_deterministic(reg: CitizenRegistry) -> None:
    a = [d.truth_json() for d in make_documents(reg, 40, seed=4)]
    b = [d.truth_json() for d in make_documents(reg, 40, seed=4)]
    assert a == b


def test_unknown_documents_have_title_and_body(docs: list[DocumentContent]) -> None:
    unknown = [d for d in docs if d.doc_type == "unknown"]
    assert unknown and all(d.printed["title"] and d.printed["body"] and d.truth == {}
                           for d in unknown)


def test_place_codes_on_request(reg: CitizenRegistry) -> None:
    from samples.registry_places import wards

    old_codes = {w.ward_code for w in wards()}
    new_codes = {w.new_ward_code for w in wards()}
    docs = make_documents(reg, 120, seed=8, place_codes=True)
    with_codes = 0
    for d in docs:
        assert validate_truth(d) == []
        for key, value in d.truth.items():
            if key.endswith("_units_version"):
                with_codes += 1
                base = key.removesuffix("_units_version")
                assert d.truth[base] is not None
                assert d.truth[f"{base}_code"] in (new_codes if value == "2025" else old_codes)
    assert with_codes > 100
