"""Turning registry rows into text: the `registry.csv` the pipeline links against, and a
per-person view (`Person`) the document generator prints from.

Strings are made in chunks so writing a million rows never holds a million-row table of
Python strings at once."""

from __future__ import annotations

import csv
import gc
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from samples.names import name_pools
from samples.registry import CitizenRegistry
from samples.registry_families import ETHNICITIES, given_pool, middle_pool
from samples.registry_ids import format_cmnd, format_personal_id
from samples.registry_places import Ward, address, wards

REGISTRY_COLUMNS = (
    "citizen_id", "full_name", "date_of_birth", "gender", "place_of_birth", "hometown",
    "mother_name", "father_name", "permanent_address", "mother_id", "father_id", "spouse_id",
    "cmnd", "ethnicity", "nationality", "date_of_death", "place_of_birth_code", "hometown_code",
    "permanent_address_code", "units_version", "place_of_birth_old", "hometown_old",
    "permanent_address_old", "permanent_address_code_old",
)
EPOCH = date(1970, 1, 1)
CHUNK = 100_000


def full_names(reg: CitizenRegistry, idx: np.ndarray) -> list[str]:
    surnames, mids, givens = name_pools().surnames, middle_pool(), given_pool()
    return [f"{surnames[s]} {mids[m]} {givens[g]}" if m else f"{surnames[s]} {givens[g]}"
            for s, m, g in zip(reg.surname[idx].tolist(), reg.middle[idx].tolist(),
                               reg.given[idx].tolist())]


def _iso(days: np.ndarray) -> list[str]:
    return np.datetime_as_string(days.astype("datetime64[D]")).tolist()


def _chunk_rows(reg: CitizenRegistry, idx: np.ndarray) -> list[tuple[str, ...]]:
    ws = wards()
    new_place = [w.new_text() for w in ws]
    old_place = [w.old_text() for w in ws]
    names = full_names(reg, idx)
    pid = [format_personal_id(v) for v in reg.personal_id[idx].tolist()]
    parent_names: dict[str, list[str]] = {}
    parent_ids: dict[str, list[str]] = {}
    for role in ("mother", "father", "spouse"):
        link = getattr(reg, role)[idx]
        has = link >= 0
        safe = np.where(has, link, 0)
        linked_names = full_names(reg, safe)
        written = has & reg.in_registry[safe]
        ids = reg.personal_id[safe].tolist()
        parent_names[role] = [n if h else "" for n, h in zip(linked_names, has.tolist())]
        parent_ids[role] = [format_personal_id(v) if w else "" for v, w in zip(ids, written.tolist())]
    dod = reg.dod[idx]
    dod_text = [d if dead else "" for d, dead in zip(_iso(np.maximum(dod, 0)),
                                                     (dod >= 0).tolist())]
    rows = []
    for k, i in enumerate(idx.tolist()):
        bw, hw, rw = ws[reg.birth_ward[i]], ws[reg.home_ward[i]], ws[reg.res_ward[i]]
        house, hamlet = int(reg.house_no[i]), int(reg.hamlet_no[i])
        rows.append((
            pid[k], names[k], "", "female" if reg.female[i] else "male",
            new_place[reg.birth_ward[i]], new_place[reg.home_ward[i]],
            parent_names["mother"][k], parent_names["father"][k],
            address(rw, house, hamlet, new=True), parent_ids["mother"][k],
            parent_ids["father"][k], parent_ids["spouse"][k], format_cmnd(int(reg.cmnd[i])),
            ETHNICITIES[reg.ethnicity[i]], "Việt Nam", dod_text[k], bw.new_ward_code,
            hw.new_ward_code, rw.new_ward_code, "2025", old_place[reg.birth_ward[i]],
            old_place[reg.home_ward[i]], address(rw, house, hamlet, new=False), rw.ward_code,
        ))
    dobs = _iso(reg.dob[idx])
    return [r[:2] + (d,) + r[3:] for r, d in zip(rows, dobs)]


def write_registry_csv(reg: CitizenRegistry, path: Path) -> Path:
    """Write the rows with `in_registry` set (absent persons are left out on purpose)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = np.flatnonzero(reg.in_registry)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of short-lived tuples, no cycles: the collector only slows us down
    try:
        with path.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(REGISTRY_COLUMNS)
            for start in range(0, len(written), CHUNK):
                out.writerows(_chunk_rows(reg, written[start:start + CHUNK]))
    finally:
        if gc_was_enabled:
            gc.enable()
    return path


@dataclass(frozen=True, slots=True)
class Person:
    """One citizen as documents need them; `citizen_id` is None when absent from the registry."""

    index: int
    full_name: str
    female: bool
    dob: date
    dod: date | None
    birth_ward: Ward
    home_ward: Ward
    res_ward: Ward
    house_no: int
    hamlet_no: int
    personal_id: str
    cmnd: str
    ethnicity: str
    in_registry: bool
    mother: int
    father: int
    spouse: int

    @property
    def citizen_id(self) -> str | None:
        return self.personal_id if self.in_registry else None

    def residence(self, new: bool) -> str:
        return address(self.res_ward, self.house_no, self.hamlet_no, new=new)


def person(reg: CitizenRegistry, i: int) -> Person:
    ws = wards()
    dod = int(reg.dod[i])
    return Person(
        index=i, full_name=full_names(reg, np.array([i]))[0], female=bool(reg.female[i]),
        dob=EPOCH + timedelta(days=int(reg.dob[i])),
        dod=EPOCH + timedelta(days=dod) if dod >= 0 else None,
        birth_ward=ws[reg.birth_ward[i]], home_ward=ws[reg.home_ward[i]],
        res_ward=ws[reg.res_ward[i]], house_no=int(reg.house_no[i]),
        hamlet_no=int(reg.hamlet_no[i]), personal_id=format_personal_id(int(reg.personal_id[i])),
        cmnd=format_cmnd(int(reg.cmnd[i])), ethnicity=ETHNICITIES[reg.ethnicity[i]],
        in_registry=bool(reg.in_registry[i]), mother=int(reg.mother[i]),
        father=int(reg.father[i]), spouse=int(reg.spouse[i]),
    )
