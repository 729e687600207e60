"""Scoring, explanations, decisions and joint (per-document) linkage on a real registry: the
committed sample registry plus a few hand-made hard cases (twins, namesakes, families)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from matching import Linker, PersonQuery, load_registry
from matching.joint import link_document
from matching.scoring import probability

SAMPLE_REGISTRY = Path(__file__).resolve().parents[1] / "samples" / "corpus" / "registry.csv"
PLACE = "Phường Nam Sầm Sơn, Tỉnh Thanh Hóa"
CODE = "16516"
# citizen_id, full_name, date_of_birth, gender, mother_id, father_id, spouse_id, cmnd
HARD_CASES = [
    ("038190000001", "Trần Thị Mai", "1962-04-11", "female", "", "", "038090000003", ""),
    ("038090000003", "Lê Văn Quang", "1960-09-30", "male", "", "", "038190000001", ""),
    ("038301000010", "Lê Minh Khoa", "2001-05-20", "male", "038190000001", "038090000003", "", ""),
    ("038301000011", "Lê Minh Khang", "2001-05-20", "male", "038190000001", "038090000003", "", ""),
    ("038085000020", "Phạm Văn Hùng", "1985-03-02", "male", "", "", "", "173000020"),
    ("038085000021", "Phạm Văn Hùng", "1985-10-17", "male", "", "", "", "173000021"),
    ("038160000030", "Đỗ Thị Hạnh", "1960-01-15", "female", "", "", "", ""),
]


@pytest.fixture(scope="module")
def linker(tmp_path_factory: pytest.TempPathFactory) -> Linker:
    tmp = tmp_path_factory.mktemp("registry")
    path = tmp / "registry.csv"
    shutil.copy(SAMPLE_REGISTRY, path)
    with path.open("a", newline="", encoding="utf-8") as fh:
        header = SAMPLE_REGISTRY.open(encoding="utf-8").readline().strip().split(",")
        out = csv.DictWriter(fh, fieldnames=header)
        names = {c[0]: c[1] for c in HARD_CASES}
        for cid, name, dob, sex, mid, fid, sid, cmnd in HARD_CASES:
            out.writerow({"citizen_id": cid, "full_name": name, "date_of_birth": dob,
                          "gender": sex, "place_of_birth": PLACE, "hometown": PLACE,
                          "permanent_address": f"Tổ 6, {PLACE}", "mother_id": mid,
                          "father_id": fid, "spouse_id": sid, "cmnd": cmnd,
                          "mother_name": names.get(mid, ""), "father_name": names.get(fid, ""),
                          "place_of_birth_code": CODE, "hometown_code": CODE,
                          "permanent_address_code": CODE})
    engine = create_engine(f"sqlite:///{tmp}/index.db")
    load_registry(path, engine)
    return Linker(engine)


def q(**kw: object) -> PersonQuery:
    return PersonQuery(**kw)  # type: ignore[arg-type]


def test_a_full_match_links_with_an_explanation(linker: Linker) -> None:
    r = linker.link(q(full_name="LÊ MINH KHOA", date_of_birth="2001-05-20", gender="male",
                      place=PLACE, mother_name="Trần Thị Mai", father_name="Lê Văn Quang"))
    assert (r.match, r.citizen_id) == ("linked", "038301000010")
    best = r.candidates[0]
    labels = [t.label for t in best.explanation]
    assert any(lbl.startswith("date of birth exact: +") for lbl in labels)
    assert any(lbl.startswith("name same: +") for lbl in labels)
    assert best.weight == pytest.approx(linker.prior + sum(t.weight for t in best.explanation),
                                        abs=0.05)
    assert best.score == pytest.approx(probability(best.weight), abs=1e-5)


def test_twins_link_each_to_their_own_row(linker: Linker) -> None:
    for name, cid in (("Lê Minh Khoa", "038301000010"), ("Lê Minh Khang", "038301000011")):
        r = linker.link(q(full_name=name, date_of_birth="2001-05-20", gender="male"))
        assert (r.match, r.citizen_id) == ("linked", cid)
        twin = [c for c in r.candidates if c.citizen_id != cid]
        assert all(c.score < 0.5 for c in twin)


def test_namesakes_with_only_a_birth_year_are_never_linked(linker: Linker) -> None:
    r = linker.link(q(role="holder_1", full_name="Phạm Văn Hùng", birth_year=1985))
    assert r.match == "candidate"
    assert {c.citizen_id for c in r.candidates[:2]} == {"038085000020", "038085000021"}
    r = linker.link(q(full_name="Phạm Văn Hùng", date_of_birth="1985-10-17", gender="male"))
    assert (r.match, r.citizen_id) == ("linked", "038085000021")


def test_an_absent_person_is_never_linked(linker: Linker) -> None:
    for person in (q(full_name="Phạm Văn Hưng", date_of_birth="1985-03-09", gender="male"),
                   q(full_name="Hoàng Thị Thu Trang", date_of_birth="1999-12-31"),
                   q(full_name="Lê Minh Khôi", date_of_birth="2001-05-20", gender="male")):
        assert linker.link(person).match != "linked"


def test_an_id_on_the_document_verifies_or_flags(linker: Linker) -> None:
    ok = link_document(linker, "land_certificate", [
        q(role="holder_1", full_name="Phạm Văn Hùng", birth_year=1985, id_number="173000021")])
    assert (ok[0].match, ok[0].citizen_id) == ("linked", "038085000021")
    assert "id_verified" in ok[0].issues
    bad = link_document(linker, "death_certificate", [
        q(full_name="Phạm Văn Hùng", date_of_birth="1985-10-17", gender="male",
          id_number="038190000001")])  # the ID of someone else
    assert bad[0].match == "candidate" and "id_mismatch" in bad[0].issues


def test_family_on_the_document_lifts_a_weak_child_link(linker: Linker) -> None:
    child = q(full_name="Lê Minh Khao", birth_year=2001, gender="male")  # misread, no date
    alone = linker.link(child)
    assert alone.match != "linked"
    joint = link_document(linker, "birth_certificate", [
        child.model_copy(update={"mother_name": "Trần Thị Mai", "father_name": "Lê Văn Quang",
                                 "date_of_birth": "2001-05-20", "birth_year": None,
                                 "full_name": "Lê Minh Khoa"}),
        q(role="mother", full_name="Trần Thị Mai", birth_year=1962, gender="female"),
        q(role="father", full_name="Lê Văn Quang", birth_year=1960, gender="male")])
    assert [r.citizen_id for r in joint] == ["038301000010", "038190000001", "038090000003"]
    assert all(r.match == "linked" for r in joint)
    terms = [t.comparison for t in joint[1].candidates[0].explanation]
    assert "family_mother" in terms


def test_a_mother_the_registry_contradicts_sends_both_to_review(linker: Linker) -> None:
    results = link_document(linker, "birth_certificate", [
        q(full_name="Lê Minh Khoa", date_of_birth="2001-05-20", gender="male", place=PLACE),
        q(role="mother", full_name="Đỗ Thị Hạnh", birth_year=1960, gender="female",
          place=f"Tổ 6, {PLACE}")])
    assert all(r.match == "candidate" for r in results)
    assert all("family_mismatch_mother" in r.issues for r in results)


def test_a_misread_mother_is_found_through_the_child(linker: Linker) -> None:
    mother = q(role="mother", full_name="Trần Thị Maj", birth_year=1962, gender="female")
    assert "038190000001" not in linker.blocking_candidates(mother)  # no key finds her
    child = q(full_name="Lê Minh Khoa", date_of_birth="2001-05-20", gender="male",
              mother_name="Trần Thị Maj", place=PLACE)
    results = link_document(linker, "birth_certificate", [child, mother])
    assert results[0].citizen_id == "038301000010"
    assert results[1].candidates[0].citizen_id == "038190000001"
    assert results[1].match in ("linked", "candidate")


def test_an_absent_twin_is_not_linked_to_the_registered_one(linker: Linker) -> None:
    """Date, place and both parents agree with the registered twin: only the name differs,
    and a differing name vetoes a link however strong the rest."""
    results = link_document(linker, "birth_certificate", [
        q(full_name="Lê Minh Hoàng", date_of_birth="2001-05-20", gender="male", place=PLACE,
          mother_name="Trần Thị Mai", father_name="Lê Văn Quang"),
        q(role="mother", full_name="Trần Thị Mai", birth_year=1962, gender="female"),
        q(role="father", full_name="Lê Văn Quang", birth_year=1960, gender="male")])
    assert results[0].match == "candidate"
    assert results[0].candidates[0].score > 0.999  # the weights alone would have linked
    assert [r.match for r in results[1:]] == ["linked", "linked"]
