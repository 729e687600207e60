"""The synthetic registry keeps domain.md's identity rules and family logic for every
citizen, and contains the hard linkage cases on purpose."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from samples.names import new_tone_style, old_tone_style, swap_tone_style, title_case
from samples.registry import CitizenRegistry, generate_registry
from samples.registry_families import year_of
from samples.registry_io import REGISTRY_COLUMNS, full_names, person, write_registry_csv
from samples.registry_places import ward_arrays, wards

N = 20_000
REQUIRED = ("citizen_id", "full_name", "date_of_birth", "gender", "place_of_birth", "hometown",
            "mother_name", "father_name", "permanent_address")


@pytest.fixture(scope="module")
def reg() -> CitizenRegistry:
    return generate_registry(N, seed=11)


def test_exact_size(reg: CitizenRegistry) -> None:
    assert len(reg) == N
    assert all(len(getattr(reg, f)) == N for f in ("dob", "mother", "personal_id", "spouse"))


def test_personal_id_rules_hold_for_every_citizen(reg: CitizenRegistry) -> None:
    ids = [f"{v:012d}" for v in reg.personal_id.tolist()]
    assert all(len(s) == 12 and s.isdigit() and s[0] == "0" for s in ids)
    assert len(set(ids)) == N, "personal IDs must be unique"
    legacy_codes = {w.province_code for w in wards()}
    year = year_of(reg.dob)
    birth_province = ward_arrays()["province"][reg.birth_ward]
    for s, y, f, prov in zip(ids, year.tolist(), reg.female.tolist(), birth_province.tolist()):
        assert s[1:3] in legacy_codes and int(s[1:3]) == prov
        assert int(s[3]) == (y // 100 - 19) * 2 + int(f)
        assert s[4:6] == f"{y % 100:02d}"


def test_cmnd_shape_unique_and_only_for_older_people(reg: CitizenRegistry) -> None:
    has = reg.cmnd > 0
    assert has.any()
    values = reg.cmnd[has]
    assert len(np.unique(values)) == len(values)
    assert (values < 10**9).all()
    assert (year_of(reg.dob[has]) < 1995).all()


def test_families_are_consistent(reg: CitizenRegistry) -> None:
    idx = np.arange(N)
    kids = reg.mother >= 0
    m, c = reg.mother[kids], idx[kids]
    assert reg.female[m].all(), "every mother is female"
    assert (m < c).all(), "parents precede children"
    gap = (reg.dob[c] - reg.dob[m]) / 365.25
    assert (gap >= 15).all() and (gap <= 50).all()
    fk = reg.father >= 0
    assert (~reg.female[reg.father[fk]]).all(), "every father is male"
    assert ((reg.dob[idx[fk]] - reg.dob[reg.father[fk]]) / 365.25 >= 15).all()
    # children carry their father's surname
    assert (reg.surname[idx[fk]] == reg.surname[reg.father[fk]]).mean() > 0.98
    s = reg.spouse >= 0
    assert (reg.spouse[reg.spouse[s]] == idx[s]).all(), "spouse links are symmetric"
    assert (reg.female[reg.spouse[s]] != reg.female[s]).all()
    assert (reg.res_ward[s] == reg.res_ward[reg.spouse[s]]).mean() > 0.95, "couples live together"
    assert (reg.house_no[s] == reg.house_no[reg.spouse[s]]).mean() > 0.95
    # no one is married to a sibling
    both = s & (reg.mother >= 0)
    partner = reg.spouse[both]
    assert not ((reg.mother[partner] == reg.mother[both]) & (reg.mother[partner] >= 0)).any()


def test_births_before_cutoff_and_ages_spread(reg: CitizenRegistry) -> None:
    year = year_of(reg.dob)
    assert year.max() <= 2025 and year.min() >= 1900
    assert ((year >= 2000).mean() > 0.1) and ((year < 1960).mean() > 0.05)


def test_hard_cases_present(reg: CitizenRegistry) -> None:
    assert reg.twin.sum() >= 20
    twins = np.flatnonzero(reg.twin)
    pairs = Counter(zip(reg.mother[twins].tolist(), reg.dob[twins].tolist()))
    assert max(pairs.values()) >= 2, "twins share mother and birthday"
    names = full_names(reg, np.arange(N))
    key = Counter(zip(names, year_of(reg.dob).tolist()))
    assert sum(1 for v in key.values() if v > 1) >= 20, "namesakes: same full name and birth year"
    assert 0.005 < (~reg.in_registry).mean() < 0.05, "some people are absent from the registry"
    assert any(n.startswith(("Tôn Thất ", "Âu Dương ", "Nguyễn Phúc ")) for n in names)
    share = Counter(n.split()[0] for n in names)["Nguyễn"] / N
    assert 0.33 < share < 0.43
    assert sum(" Văn " in f" {n} " for n in names) > N * 0.1
    assert sum(" Thị " in f" {n} " for n in names) > N * 0.1
    assert not [n for n in names if len(n.split()) >= 3 and n.split()[-1] == n.split()[-2]]


def test_deterministic_per_seed() -> None:
    a, b, c = generate_registry(3000, 5), generate_registry(3000, 5), generate_registry(3000, 6)
    for f in ("surname", "middle", "given", "dob", "mother", "personal_id", "res_ward", "cmnd"):
        assert np.array_equal(getattr(a, f), getattr(b, f))
    assert not np.array_equal(a.personal_id, c.personal_id)


def test_csv_columns_and_links(tmp_path: Path) -> None:
    r = generate_registry(2000, 3)
    path = write_registry_csv(r, tmp_path / "registry.csv")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == REGISTRY_COLUMNS and set(REQUIRED) <= set(rows[0])
    assert len(rows) == int(r.in_registry.sum())
    ids = {row["citizen_id"] for row in rows}
    for row in rows:
        for link in ("mother_id", "father_id", "spouse_id"):
            assert row[link] == "" or row[link] in ids
        assert row["gender"] in ("male", "female")
        assert row["full_name"] == title_case(row["full_name"])
        assert row["permanent_address"].count(",") < row["permanent_address_old"].count(",")
    mothers = [row for row in rows if row["mother_name"]]
    assert mothers, "children list their mother's name"


def test_person_view_old_and_new_address() -> None:
    r = generate_registry(500, 2)
    p = person(r, 10)
    assert p.residence(new=False) != p.residence(new=True) or p.res_ward.old_text() == p.res_ward.new_text()
    assert p.citizen_id in (None, p.personal_id)


@pytest.mark.parametrize("new,old", [("Hòa", "Hoà"), ("Thủy", "Thuỷ"), ("Khỏe", "Khoẻ"),
                                     ("Thúy", "Thuý")])
def test_tone_placement_variants(new: str, old: str) -> None:
    assert old_tone_style(new) == old and new_tone_style(old) == new
    assert swap_tone_style(f"Nguyễn Thị {new}") == f"Nguyễn Thị {old}"
    for word in ("Hoàng", "Quý", "Loan", "Tuyết", "Hoa"):
        assert old_tone_style(word) == word and new_tone_style(word) == word
