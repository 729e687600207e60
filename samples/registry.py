"""Synthetic citizen registry built as families across generations, vectorised with numpy.

Why families: documents link people (a birth certificate names a mother and a father; a land
certificate a husband and wife), so linkage can only be tested on a registry whose parents,
children and spouses are consistent. Why numpy struct-of-arrays: a million citizens must be
generated in well under three minutes and held in a few tens of MB; strings are only made when
a row is written or a document is drawn (see registry_io.py).

Hard cases made on purpose: twins, namesakes (same full name, sex and birth year), persons
left out of the written registry, and (document side) tone-placement variants and dropped
middle names."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from samples.registry_families import ABSENT_RATE, CUTOFF, NAMESAKE_RATE, grow_families, year_of
from samples.registry_ids import assign_cmnd, assign_personal_ids


@dataclass(slots=True)
class CitizenRegistry:
    """One row per person; -1 marks a missing link. Dates are days since 1970-01-01."""

    surname: np.ndarray  # int16 -> name_pools().surnames
    middle: np.ndarray  # int16 -> middle_pool()
    given: np.ndarray  # int16 -> given_pool()
    female: np.ndarray  # bool
    dob: np.ndarray  # int32 days
    dod: np.ndarray  # int32 days, -1 = alive
    birth_ward: np.ndarray  # int16 -> registry_places.wards()
    home_ward: np.ndarray  # int16 (quê quán, inherited from the father)
    res_ward: np.ndarray  # int16 (permanent residence)
    house_no: np.ndarray  # int16
    hamlet_no: np.ndarray  # int8
    mother: np.ndarray  # int32
    father: np.ndarray  # int32
    spouse: np.ndarray  # int32
    twin: np.ndarray  # bool
    ethnicity: np.ndarray  # int8 -> ETHNICITIES
    personal_id: np.ndarray  # int64, 12 digits with leading zero
    cmnd: np.ndarray  # int64, 0 = none
    in_registry: np.ndarray  # bool: False = generated but not written (absent from registry)
    seed: int = 0

    def __len__(self) -> int:
        return int(self.surname.shape[0])


def generate_registry(n: int = 100_000, seed: int = 0) -> CitizenRegistry:
    """Exactly n citizens (the written registry omits ~2% of them: see `in_registry`)."""
    if n < 10:
        raise ValueError(f"registry size must be at least 10, got {n}")
    b = grow_families(n, seed)
    rng = np.random.default_rng([seed, 7])
    cols = {name: b.column(name)[:n] for name in b.cols}
    spouse = cols.pop("spouse")
    spouse[spouse >= n] = -1
    reg = CitizenRegistry(**cols, spouse=spouse, dod=np.full(n, -1, np.int32),
                          personal_id=np.zeros(n, np.int64), cmnd=np.zeros(n, np.int64),
                          in_registry=rng.random(n) >= ABSENT_RATE, seed=seed)
    _namesakes(reg, rng)
    _deaths(reg, rng)
    assign_personal_ids(reg, rng)
    assign_cmnd(reg, rng)
    return reg


def _namesakes(reg: CitizenRegistry, rng: np.random.Generator) -> None:
    """Copy the full name of a neighbour with the same sex and birth year onto a few people."""
    year = year_of(reg.dob)
    order = np.lexsort((rng.random(len(reg)), year, reg.female))
    a, b = order[:-1], order[1:]
    same = (year[a] == year[b]) & (reg.female[a] == reg.female[b])
    pick = same & (rng.random(len(a)) < NAMESAKE_RATE)
    src, dst = a[pick], b[pick]
    for col in (reg.surname, reg.middle, reg.given):
        col[dst] = col[src]


def _deaths(reg: CitizenRegistry, rng: np.random.Generator) -> None:
    """Older people may have died (1995–2025): the pool death certificates draw from."""
    year = year_of(reg.dob)
    p = np.clip((2025 - year - 55) / 60.0, 0.0, 0.8)
    dead = rng.random(len(reg)) < p
    lo = np.maximum(reg.dob[dead] + 45 * 365, np.datetime64("1995-01-01", "D").astype(np.int64))
    span = np.maximum(CUTOFF - lo, 1)
    reg.dod[dead] = (lo + (rng.random(int(dead.sum())) * span)).astype(np.int32)
