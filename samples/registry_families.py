"""How the registry's families grow: founding couples, their children (with twins), marriages
inside the generation or to outsiders, and the next generation, until N people exist.

Rows are appended generation by generation, so every person's parents precede them: trimming
the tail to exactly N never orphans anyone (only spouse links past N are cut)."""

from __future__ import annotations

import numpy as np

from samples.names import middle_weights, name_pools
from samples.registry_places import ward_arrays

EPOCH_YEAR = 1970
CUTOFF = np.datetime64("2025-06-30", "D").astype(np.int64)  # no birth after this
ETHNICITIES = ("Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "H'Mông", "Dao", "Gia Rai",
               "Ê Đê", "Ba Na", "Sán Chay", "Chăm")
ETHNICITY_P = np.array([85.3, 1.9, 1.9, 1.5, 1.4, 0.8, 1.1, 1.4, 0.9, 0.5, 0.4, 0.3, 0.2, 0.2])
TWIN_RATE = 0.015
NAMESAKE_RATE = 0.004
ABSENT_RATE = 0.02


class _Builder:
    """Accumulates generation blocks; later edits (moves on marriage, spouse pairs) are kept
    as overrides and applied when a column is read, so blocks are never copied in place."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.cols: dict[str, list[np.ndarray]] = {}
        self.overrides: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        self.n = 0

    def add(self, **cols: np.ndarray) -> np.ndarray:
        k = len(next(iter(cols.values())))
        for name, arr in cols.items():
            self.cols.setdefault(name, []).append(arr)
        idx = np.arange(self.n, self.n + k, dtype=np.int32)
        self.n += k
        return idx

    def set(self, name: str, idx: np.ndarray, values: np.ndarray) -> None:
        self.overrides.setdefault(name, []).append((idx, values))

    def column(self, name: str) -> np.ndarray:
        if name == "spouse":
            col = np.full(self.n, -1, np.int32)
        else:
            col = np.concatenate(self.cols[name])
        for idx, values in self.overrides.get(name, []):
            col[idx] = values
        return col

    def pair(self, husbands: np.ndarray, wives: np.ndarray) -> None:
        self.set("spouse", husbands, wives)
        self.set("spouse", wives, husbands)
        self.cols.setdefault("spouse", [])


def _years_to_days(years: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Integer birth years -> a random day in that year."""
    start = (years.astype("int64") - EPOCH_YEAR).astype("datetime64[Y]").astype("datetime64[D]")
    return (start.astype(np.int64) + rng.integers(0, 365, len(years))).astype(np.int32)


def year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + EPOCH_YEAR


def _names(rng: np.random.Generator, female: np.ndarray, years: np.ndarray) -> tuple[np.ndarray, ...]:
    """Surname, middle and given indices; middle depends on sex and birth decade."""
    pools = name_pools()
    mid, giv = middle_pool(), given_pool()
    n = len(female)
    surname = rng.choice(len(pools.surnames), n, p=pools.surname_p).astype(np.int16)
    middle = np.zeros(n, dtype=np.int16)
    given = np.zeros(n, dtype=np.int16)
    decade = np.clip(years // 10 * 10, 1920, 2020)
    for is_f, pool, typical, gpool, gp in (
        (False, pools.male_middle, "Văn", pools.male_given, pools.male_given_p),
        (True, pools.female_middle, "Thị", pools.female_given, pools.female_given_p),
    ):
        gmap = np.array([giv.index(g) for g in gpool], dtype=np.int16)
        given[female == is_f] = gmap[rng.choice(len(gpool), int((female == is_f).sum()), p=gp)]
        for d in np.unique(decade):
            sel = np.flatnonzero((female == is_f) & (decade == d))
            if not len(sel):
                continue
            choices = [mid.index(m) for m in pool]
            w = middle_weights(pool, typical, int(d) + 5)
            middle[sel] = np.array(choices, dtype=np.int16)[rng.choice(len(pool), len(sel), p=w)]
            if is_f:  # "Thị Hương Giang"-style two-word middles, more common for older women
                compound = sel[rng.random(len(sel)) < 0.06]
                second = rng.choice(pool[1:12], len(compound))
                middle[compound] = [mid.index(f"Thị {s}") for s in second]
    # "Lê Thành Thành": a middle name ending in the given name is not given; use Văn/Thị.
    clash = _middle_last_word()[middle] == _given_word()[given]
    for male_alt, female_alt in (("Văn", "Thị"), ("Đức", "Ngọc")):
        middle[clash & ~female] = mid.index(male_alt)
        middle[clash & female] = mid.index(female_alt)
        clash = _middle_last_word()[middle] == _given_word()[given]
    middle[rng.random(n) < 0.01] = 0  # a few people really have no middle name
    return surname, middle, given


def _word_ids() -> dict[str, int]:
    words = {w for m in middle_pool() for w in m.split()} | set(given_pool())
    return {w: i for i, w in enumerate(sorted(words))}


def _middle_last_word() -> np.ndarray:
    ids = _word_ids()
    return np.array([ids[m.split()[-1]] if m else -1 for m in middle_pool()], dtype=np.int32)


def _given_word() -> np.ndarray:
    ids = _word_ids()
    return np.array([ids[g] for g in given_pool()], dtype=np.int32)


_MIDDLE: tuple[str, ...] | None = None
_GIVEN: tuple[str, ...] | None = None


def middle_pool() -> tuple[str, ...]:
    """Index 0 is "" (no middle name); then single and "Thị X" two-word middles."""
    global _MIDDLE
    if _MIDDLE is None:
        p = name_pools()
        _MIDDLE = tuple(dict.fromkeys(["", *p.male_middle, *p.female_middle,
                                       *(f"Thị {s}" for s in p.female_middle[1:12])]))
    return _MIDDLE


def given_pool() -> tuple[str, ...]:
    global _GIVEN
    if _GIVEN is None:
        p = name_pools()
        _GIVEN = tuple(dict.fromkeys([*p.male_given, *p.female_given]))
    return _GIVEN


def _people(b: _Builder, female: np.ndarray, dob: np.ndarray, **links: np.ndarray) -> np.ndarray:
    """Add a block of people; links not given default to 'none'/inherited-by-caller values."""
    rng, n = b.rng, len(female)
    surname, middle, given = _names(rng, female, year_of(dob))
    if "surname" in links:
        surname = links.pop("surname")
    cols = dict(surname=surname, middle=middle, given=given, female=female, dob=dob,
                mother=np.full(n, -1, np.int32), father=np.full(n, -1, np.int32),
                twin=np.zeros(n, bool),
                house_no=rng.integers(1, 400, n).astype(np.int16),
                hamlet_no=rng.integers(1, 25, n).astype(np.int8))
    cols.update(links)
    return b.add(**cols)


def _random_wards(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.choice(len(ward_arrays()["weight"]), n, p=ward_arrays()["weight"]).astype(np.int16)


def _outsiders(b: _Builder, partner_dob: np.ndarray, female: bool, res: np.ndarray) -> np.ndarray:
    """Spouses from outside the registry's families (no parents recorded)."""
    rng, n = b.rng, len(partner_dob)
    shift = np.clip(rng.normal(2.5, 2.5, n), -3, 12) * 365.25 * (1 if female else -1)
    dob = (partner_dob + shift).astype(np.int32)
    dob = np.minimum(dob, CUTOFF - 18 * 365).astype(np.int32)
    eth = rng.choice(len(ETHNICITIES), n, p=ETHNICITY_P / ETHNICITY_P.sum()).astype(np.int8)
    wards = _random_wards(rng, n)
    return _people(b, np.full(n, female), dob, birth_ward=wards, home_ward=wards, res_ward=res,
                   ethnicity=eth)




def _founders(b: _Builder, count: int) -> tuple[np.ndarray, np.ndarray]:
    rng = b.rng
    hdob = _years_to_days(rng.integers(1920, 1966, count), rng)
    wdob = (hdob + np.clip(rng.normal(2.5, 2.5, count), -3, 12) * 365.25).astype(np.int32)
    res = _random_wards(rng, count)
    home = np.where(rng.random(count) < 0.7, res, _random_wards(rng, count)).astype(np.int16)
    eth = rng.choice(len(ETHNICITIES), count, p=ETHNICITY_P / ETHNICITY_P.sum()).astype(np.int8)
    husbands = _people(b, np.zeros(count, bool), hdob, birth_ward=home, home_ward=home,
                       res_ward=res, ethnicity=eth)
    wards = _random_wards(rng, count)
    wife_eth = np.where(rng.random(count) < 0.9, eth, rng.choice(len(ETHNICITIES), count)).astype(np.int8)
    house, hamlet = b.column("house_no")[husbands], b.column("hamlet_no")[husbands]
    wives = _people(b, np.ones(count, bool), wdob, birth_ward=wards, home_ward=wards, res_ward=res,
                    ethnicity=wife_eth, house_no=house, hamlet_no=hamlet)
    b.pair(husbands, wives)
    return husbands, wives


def _children(b: _Builder, husbands: np.ndarray, wives: np.ndarray) -> np.ndarray:
    """Children per couple fall from ~5 (mothers born 1925) to ~1.8; twins share a birthday."""
    rng = b.rng
    dob, res, home, eth, surname = (b.column(c) for c in ("dob", "res_ward", "home_ward",
                                                          "ethnicity", "surname"))
    mdob = dob[wives]
    mean = np.clip(5.5 - (year_of(mdob) - 1925) * 0.06, 1.8, 5.5)
    k = np.clip(rng.poisson(mean), 0, 9)
    fam = np.repeat(np.arange(len(wives)), k)
    order = np.arange(len(fam)) - np.repeat(np.cumsum(k) - k, k)
    first_age = np.clip(rng.normal(23.5, 3.5, len(wives)), 17, 36)
    age = first_age[fam] + order * 2.6 + rng.uniform(-0.9, 0.9, len(fam))
    cdob = (mdob[fam] + age * 365.25).astype(np.int32)
    twin = (order > 0) & (rng.random(len(fam)) < TWIN_RATE)
    twin_of = np.flatnonzero(twin) - 1
    cdob[twin] = cdob[twin_of]
    age[twin] = age[twin_of]
    twin[twin_of] = True
    father_age = (cdob - dob[husbands][fam]) / 365.25
    keep = (cdob <= CUTOFF) & (age <= 46) & (father_age >= 18) & (father_age <= 65)
    fam, cdob, twin = fam[keep], cdob[keep], twin[keep]
    h, w = husbands[fam], wives[fam]
    n = len(fam)
    births = np.where(rng.random(n) < 0.9, res[w], _random_wards(rng, n)).astype(np.int16)
    house, hamlet = b.column("house_no"), b.column("hamlet_no")
    return _people(b, rng.random(n) < 0.487, cdob, surname=surname[h], mother=w, father=h,
                   twin=twin, birth_ward=births, home_ward=home[h], res_ward=res[h],
                   ethnicity=eth[h], house_no=house[h], hamlet_no=hamlet[h])


def _marry(b: _Builder, children: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Adults marry (85%): half to someone of the same generation in the registry (from
    another family, similar age), the rest to an outsider; the couple lives with the husband's
    family or moves to a new ward."""
    rng = b.rng
    dob, female, mother, res = (b.column(c)[children] for c in ("dob", "female", "mother",
                                                               "res_ward"))
    eligible = (year_of(dob) <= 2003) & (rng.random(len(children)) < 0.85)
    inside = rng.random(len(children)) < 0.5
    males = np.flatnonzero(eligible & inside & ~female)
    fems = np.flatnonzero(eligible & inside & female)
    m = min(len(males), len(fems))
    males = rng.permutation(males)[:m]
    fems = rng.permutation(fems)[:m]
    males = males[np.argsort(dob[males] + rng.normal(0, 400, m))]
    fems = fems[np.argsort(dob[fems] + rng.normal(0, 400, m))]
    ok = (mother[males] != mother[fems]) & (np.abs(dob[males] - dob[fems]) < 12 * 365)
    males, fems = males[ok], fems[ok]
    paired = np.zeros(len(children), bool)
    paired[males] = paired[fems] = True
    lone_m = np.flatnonzero(eligible & ~paired & ~female)
    lone_f = np.flatnonzero(eligible & ~paired & female)
    wives_out = _outsiders(b, dob[lone_m], True, res[lone_m])
    husbands_out = _outsiders(b, dob[lone_f], False, res[lone_f])
    husbands = np.concatenate([children[males], children[lone_m], husbands_out])
    wives = np.concatenate([children[fems], wives_out, children[lone_f]])
    b.pair(husbands, wives)
    all_res = b.column("res_ward")
    moved = rng.random(len(husbands)) < 0.3
    new_res = np.where(moved, _random_wards(rng, len(husbands)), all_res[husbands]).astype(np.int16)
    house, hamlet = b.column("house_no")[husbands], b.column("hamlet_no")[husbands]
    house = np.where(moved, rng.integers(1, 400, len(husbands)), house).astype(np.int16)
    hamlet = np.where(moved, rng.integers(1, 25, len(husbands)), hamlet).astype(np.int8)
    for who in (husbands, wives):
        b.set("res_ward", who, new_res)
        b.set("house_no", who, house)
        b.set("hamlet_no", who, hamlet)
    return husbands, wives


def _grow(founders: int, seed: int) -> _Builder:
    b = _Builder(np.random.default_rng(seed))
    husbands, wives = _founders(b, founders)
    for _ in range(8):
        children = _children(b, husbands, wives)
        if not len(children):
            break
        husbands, wives = _marry(b, children)
    return b


def grow_families(n: int, seed: int) -> _Builder:
    """Grow whole lineages (until no more births before the cut-off) from as many founding
    couples as a small pilot run says are needed for n people; the caller trims the few
    youngest extra rows. Deterministic for a seed."""
    pilot_founders = max(2, min(n // 20, 3000))
    pilot = _grow(pilot_founders, seed)
    founders = max(2, int(np.ceil(pilot_founders * n / pilot.n * 1.03)))
    for _ in range(8):
        b = _grow(founders, seed)
        if b.n >= n:
            return b
        founders = int(founders * n / max(b.n, 1) * 1.05) + 2
    raise RuntimeError(f"registry: could not grow {n} people from {founders} founding couples")
