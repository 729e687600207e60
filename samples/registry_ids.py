"""Identity numbers for synthetic citizens, following domain.md's rules so that the pipeline's
validators (prefix, century/sex digit, birth-year digits) can be tested against the corpus.

12-digit personal ID: "0" + old 2-digit province code of birth registration, century/sex digit
(0/1 1900s male/female, 2/3 2000s), two birth-year digits, six random digits; unique. Old 9-digit
CMND: shape only (two-digit issuing-police prefix + seven digits), for some older people."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from samples.registry_families import year_of
from samples.registry_places import ward_arrays

if TYPE_CHECKING:
    from samples.registry import CitizenRegistry


def century_sex_digit(year: np.ndarray, female: np.ndarray) -> np.ndarray:
    return (year // 100 - 19) * 2 + female.astype(np.int64)


def _unique_draw(rng: np.random.Generator, base: np.ndarray, high: int) -> np.ndarray:
    """base + random suffix in [0, high), re-drawing the suffix of any duplicate."""
    out = base + rng.integers(0, high, len(base))
    for _ in range(50):
        _, first, counts = np.unique(out, return_index=True, return_counts=True)
        dup = np.ones(len(out), bool)
        dup[first] = False  # every later occurrence of a value is a duplicate
        if not dup.any():
            return out
        out[dup] = base[dup] + rng.integers(0, high, int(dup.sum()))
    raise RuntimeError("personal IDs: could not draw unique suffixes")


def assign_personal_ids(reg: CitizenRegistry, rng: np.random.Generator) -> None:
    year = year_of(reg.dob)
    province = ward_arrays()["province"][reg.birth_ward].astype(np.int64)
    base = (province * 10**9 + century_sex_digit(year, reg.female) * 10**8
            + (year % 100) * 10**6)
    reg.personal_id[:] = _unique_draw(rng, base, 10**6)


def assign_cmnd(reg: CitizenRegistry, rng: np.random.Generator) -> None:
    """People born before 1995 kept an old CMND more often the older they are."""
    year = year_of(reg.dob)
    p = np.clip((1995 - year) / 40.0, 0.0, 0.8)
    has = np.flatnonzero(rng.random(len(reg)) < p)
    province = ward_arrays()["province"][reg.res_ward[has]].astype(np.int64)
    prefix = province % 38 + 1  # stands in for the issuing police's two-digit prefix
    reg.cmnd[has] = _unique_draw(rng, prefix * 10**7, 10**7)


def format_personal_id(value: int) -> str:
    return f"{value:012d}"


def format_cmnd(value: int) -> str:
    return f"{value:09d}" if value else ""
