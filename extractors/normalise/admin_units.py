"""Administrative-unit chain validation: does a place text name a real ward inside a real
district inside a real province, in one data version, spelled as the unit is?

    "Thôn 4, Xã Hà Bầu, Huyện Đak Đoa, Tỉnh Gia Lai"            pre-2025: ward, district, province
    "Ủy ban nhân dân phường Bến Nghé, quận 1, thành phố Hồ Chí Minh"
    "Phường Sài Gòn, Thành phố Hồ Chí Minh"                        2025: ward, province

The chain is read from the right: the last comma part must be a province, each part before it
a unit inside the one after it (a district then a ward in the pre-2025 data, a ward in the
2025 data). Parts before the chain (house number, hamlet) are `rest`; the first part of the
chain may carry an institution prefix ("Ủy ban nhân dân", "Trạm Y tế", "Bệnh viện Đa khoa").

Every unit part is either EXACT (its type word and name are the unit's, with diacritics: NFC,
old/new tone placement and all-caps printing tolerated, "TP."/"Tp" for Thành phố) or FUZZY
(the best candidate inside its parent by a clear margin: 'Bình Thanh' inside Huyện Cao Lãnh is
Xã Bình Thạnh). An exact chain is strong evidence the text was read right: OCR seldom turns a
name into another real unit inside the same parent. A fuzzy part is evidence of an OCR error:
the caller keeps the text as read and reports the unit's spelling (`UnitMatch.canonical`).

Data: the `vietnamadminunits` package (MIT), old (63 provinces) and 2025 (34) tables, read
straight from its SQLite file so that matching is strict and diacritic-aware (its own
`parse_address` is diacritic-blind by design).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

from rapidfuzz import fuzz

from pipeline.textnorm import TONE_MARKS, fold

PRE_2025 = "pre-2025"
V2025 = "2025"
VERSIONS = (V2025, PRE_2025)

# Institution prefixes printed before the first unit ("Ủy ban nhân dân xã …").
PREFIXES = ("Ủy ban nhân dân", "Uỷ ban nhân dân", "UBND", "Trạm Y tế", "Trạm y tế",
            "Trung tâm Y tế", "Trung tâm y tế", "Bệnh viện Đa khoa", "Bệnh viện đa khoa",
            "Bệnh viện Phụ sản", "Bệnh viện", "Nhà hộ sinh")
TYPE_ABBREVIATIONS = {"Thành phố": ("TP.", "TP", "Tp.", "Tp", "T.P.")}
FUZZY_MIN = 80.0  # rapidfuzz ratio (0..100) a fuzzy part must reach ...
FUZZY_MARGIN = 6.0  # ... and beat the next candidate inside the same parent by
MAX_PREFIX_WORDS = 6



@lru_cache(maxsize=1 << 16)
def _tone_key(word: str) -> str:
    """A word with its tone mark moved to the end: 'hoà' and 'hòa' (old and new placement)
    give the same key; case is kept."""
    nfd = unicodedata.normalize("NFD", word)
    tones = "".join(c for c in nfd if c in TONE_MARKS)
    base = "".join(c for c in nfd if c not in TONE_MARKS)
    return unicodedata.normalize("NFC", base) + tones


@lru_cache(maxsize=1 << 16)
def spelling_key(text: str) -> str:
    """Exact comparison key: NFC, single spaces, tone placement folded, case kept."""
    return " ".join(_tone_key(w) for w in unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True, slots=True)
class Unit:
    level: str  # "province" | "district" | "ward"
    type: str  # "Tỉnh", "Thành phố", "Quận", "Huyện", "Thị xã", "Phường", "Xã", "Thị trấn", …
    name: str  # short name as the data spells it: "Bình Thạnh", "1"
    code: str  # statistics code of that version (2, 3 or 5 digits)

    @property
    def full(self) -> str:
        return self.name if self.name.startswith(self.type + " ") else f"{self.type} {self.name}"


@dataclass(slots=True)
class _Tree:
    provinces: list[Unit] = field(default_factory=list)
    children: dict[str, list[Unit]] = field(default_factory=dict)  # parent code -> units
    wards_of_province: dict[str, list[Unit]] = field(default_factory=dict)


def _split_type(full: str, types: tuple[str, ...]) -> tuple[str, str]:
    """'Quận Bình Thạnh' → ('Quận', 'Bình Thạnh'); a numbered unit keeps its type in the
    name ('Quận 1', 'Phường 3'), as the data spells it."""
    for t in types:
        if full.startswith(t + " "):
            name = full[len(t) + 1:]
            return t, full if name.isdigit() else name
    return "", full


def _dataset() -> str | None:
    """The package's SQLite file, found without importing the package (its import is slow)."""
    from importlib.util import find_spec

    try:
        spec = find_spec("vietnamadminunits")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    from pathlib import Path

    for loc in spec.submodule_search_locations:
        db = Path(loc) / "data" / "dataset.db"
        if db.exists():
            return str(db)
    return None


PROVINCE_TYPES = ("Thành phố", "Tỉnh")
DISTRICT_TYPES = ("Thành phố", "Thị xã", "Quận", "Huyện")
WARD_TYPES = ("Thị trấn", "Phường", "Xã", "Đặc khu")
FOLDED_TYPE_WORDS = frozenset(fold(t) for t in (*PROVINCE_TYPES, *DISTRICT_TYPES, *WARD_TYPES))
TYPE_SLIP = 75.0  # rapidfuzz ratio a printed type word needs to be read as a type word


def dataset_rows(*queries: str) -> list[list[tuple]]:
    """The rows of each query on the package's dataset, read-only ([] per query when the
    package or its file is missing): the one way this project reads `vietnamadminunits`."""
    db = _dataset()
    if db is None:
        return [[] for _ in queries]
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    except sqlite3.Error:
        return [[] for _ in queries]
    with con:
        return [con.execute(q).fetchall() for q in queries]


@cache
def trees() -> dict[str, _Tree]:
    """The unit hierarchy of both data versions (empty if the package is missing)."""
    out = {V2025: _Tree(), PRE_2025: _Tree()}
    legacy, new = dataset_rows(
        "select province, provinceCode, district, districtCode, ward, wardCode"
        " from admin_units_legacy",
        "select province, provinceCode, ward, wardCode from admin_units")
    t = out[PRE_2025]
    seen: set[str] = set()
    for prov, pcode, dist, dcode, ward, wcode in legacy:
        if pcode not in seen:
            seen.add(pcode)
            ptype, pname = _split_type(prov, PROVINCE_TYPES)
            t.provinces.append(Unit("province", ptype, pname, pcode))
        if dcode and f"d{dcode}" not in seen:
            seen.add(f"d{dcode}")
            t.children.setdefault(pcode, []).append(
                Unit("district", *_split_type(dist, DISTRICT_TYPES), dcode))
        if wcode and ward:
            w = Unit("ward", *_split_type(ward, WARD_TYPES), wcode)
            t.children.setdefault(f"d{dcode}", []).append(w)
            t.wards_of_province.setdefault(pcode, []).append(w)
    t = out[V2025]
    seen = set()
    for prov, pcode, ward, wcode in new:
        if pcode not in seen:
            seen.add(pcode)
            ptype, pname = _split_type(prov, PROVINCE_TYPES)
            t.provinces.append(Unit("province", ptype, pname, pcode))
        if wcode and ward:
            w = Unit("ward", *_split_type(ward, WARD_TYPES), wcode)
            t.children.setdefault(pcode, []).append(w)
            t.wards_of_province.setdefault(pcode, []).append(w)
    return out


@cache
def _exact_forms(unit: Unit) -> frozenset[str]:
    """Spelling keys a part may have and still be this unit exactly as printed: its type word
    (capitalised, lower or upper case, 'TP.'/'Tp' for Thành phố) and its name (as spelled or
    all caps); a name alone names the unit too unless it is a number ('Quận 1')."""
    numbered = unit.name == unit.full
    name = unit.full[len(unit.type) + 1:] if numbered else unit.name
    types = [unit.type, unit.type.lower(), unit.type.upper(),
             *TYPE_ABBREVIATIONS.get(unit.type, ())]
    names = [name, name.upper()]
    forms = {f"{t} {n}" for t in types for n in names}
    if not numbered:
        forms.update(names)
    return frozenset(spelling_key(f) for f in forms)


@cache
def _fuzzy_forms(unit: Unit) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(lower-case spellings, folded spellings) a misread part is compared with."""
    forms = [unit.full.lower(), unit.full.lower()]
    if not unit.name[:1].isdigit() and unit.name != unit.full:
        forms[1] = unit.name.lower()
    forms += [f"{a} {unit.name}".lower() for a in TYPE_ABBREVIATIONS.get(unit.type, ())]
    return tuple(forms), (fold(unit.full), fold(unit.name))


def _similarity(low: str, folded: str, unit: Unit) -> float:
    forms, folds = _fuzzy_forms(unit)
    if folded in folds:
        return 95.0  # only diacritics differ
    best = max(fuzz.ratio(low, f) for f in forms)
    return best


@dataclass(frozen=True, slots=True)
class PartMatch:
    unit: Unit
    exact: bool
    score: float
    prefix: str = ""  # institution prefix stripped from the part ("" if none)
    prefix_exact: bool = True
    text: str = ""  # the part as printed, prefix stripped

    @property
    def suggested(self) -> str:
        """The part as printed where it matched exactly, else the unit's spelling with the
        printed case of the type word ('xã Bình Thanh' → 'xã Bình Thạnh')."""
        if self.exact:
            body = self.text
        else:
            lower = self.text[:1].islower()
            full = self.unit.full
            body = full[:1].lower() + full[1:] if lower else full
        return f"{self.prefix} {body}" if self.prefix else body


@cache
def _scope(version: str, parent: str) -> tuple[tuple[Unit, ...], dict[str, Unit]]:
    """The units one parent holds ('' = provinces, a province code, 'd' + district code,
    'p' + province code for every ward of a province) and their exact spellings."""
    tree = trees()[version]
    if parent == "":
        units = tree.provinces
    elif parent.startswith("p"):
        units = tree.wards_of_province.get(parent[1:], [])
    else:
        units = tree.children.get(parent, [])
    exact: dict[str, Unit] = {}
    for u in units:
        for form in _exact_forms(u):
            exact.setdefault(form, u)
    return tuple(units), exact


def _match_unit(text: str, scope: tuple[str, str]) -> tuple[Unit, bool, float] | None:
    candidates, exact = _scope(*scope)
    hit = exact.get(spelling_key(text))
    if hit is not None:
        return hit, True, 100.0
    low, folded = unicodedata.normalize("NFC", text).lower(), fold(text)
    scored = sorted(((_similarity(low, folded, u), i) for i, u in enumerate(candidates)),
                    reverse=True)
    if not scored or scored[0][0] < FUZZY_MIN:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < FUZZY_MARGIN:
        return None
    return candidates[scored[0][1]], False, scored[0][0]


def match_part(text: str, scope: tuple[str, str], allow_prefix: bool) -> PartMatch | None:
    """One comma part against the units one parent holds (`scope`: see `_scope`)."""
    text = text.strip()
    if not text or not _scope(*scope)[0]:
        return None
    found = _match_unit(text, scope)
    if found is not None and (found[1] or not allow_prefix):
        return PartMatch(*found, text=text)
    if not allow_prefix:
        return None
    for p in PREFIXES:  # a known prefix exactly as printed
        if text.startswith(p + " "):
            m = _match_unit(text[len(p) + 1:], scope)
            if m is not None:
                return PartMatch(*m, prefix=p, prefix_exact=True, text=text[len(p) + 1:])
    words = text.split()
    best: PartMatch | None = None
    for i in range(1, min(len(words), MAX_PREFIX_WORDS + 1)):
        m = _match_unit(" ".join(words[i:]), scope)
        if m is not None and (best is None or (m[1], m[2]) > (best.exact, best.score)):
            best = PartMatch(*m, prefix=" ".join(words[:i]), prefix_exact=False,
                             text=" ".join(words[i:]))
    if found is not None and (best is None or found[2] >= best.score):
        return PartMatch(*found, text=text)
    return best


@dataclass(frozen=True, slots=True)
class UnitMatch:
    """A place text resolved to an administrative unit."""

    version: str  # "2025" | "pre-2025"
    level: str  # deepest unit named: "ward" | "district" | "province"
    code: str  # that unit's statistics code (5, 3 or 2 digits) in `version`
    parts: tuple[PartMatch, ...]  # the chain, first (deepest) to last (province)
    rest: tuple[str, ...]  # comma parts before the chain, as printed

    @property
    def exact(self) -> bool:
        """Every unit part (and a prefix, if any) is spelled exactly as the unit is."""
        return all(p.exact and p.prefix_exact for p in self.parts)

    @property
    def depth(self) -> int:
        return len(self.parts)

    @property
    def canonical(self) -> str:
        """The chain as the data spells it (prefix and `rest` as printed)."""
        parts = [p.unit.full for p in self.parts]
        if self.parts and self.parts[0].prefix:
            parts[0] = f"{self.parts[0].prefix} {parts[0]}"
        return ", ".join([*self.rest, *parts])

    @property
    def suggested(self) -> str:
        """The text as printed with only the misread unit names re-spelled."""
        return ", ".join([*self.rest, *(p.suggested for p in self.parts)])

    @property
    def differs(self) -> tuple[str, ...]:
        """Unit names that only fuzzy-matched: 'Bình Thanh → Bình Thạnh'."""
        return tuple(p.unit.full for p in self.parts if not p.exact)


def _chains(parts: list[str], version: str) -> list[UnitMatch]:
    n = len(parts)
    prov = match_part(parts[-1], (version, ""), allow_prefix=n == 1)
    if prov is None:
        return []
    out = [UnitMatch(version, "province", prov.unit.code, (prov,), tuple(parts[:-1]))]
    if n < 2:
        return out
    if version == PRE_2025:
        dist = match_part(parts[-2], (version, prov.unit.code), allow_prefix=n == 2)
        if dist is not None:
            out.append(UnitMatch(version, "district", dist.unit.code, (dist, prov),
                                 tuple(parts[:-2])))
            if n >= 3:
                ward = match_part(parts[-3], (version, f"d{dist.unit.code}"),
                                  allow_prefix=n == 3)
                if ward is not None:
                    out.append(UnitMatch(version, "ward", ward.unit.code, (ward, dist, prov),
                                         tuple(parts[:-3])))
            return out
    # 2025 (and a pre-2025 text that leaves the district out): ward inside province
    ward = match_part(parts[-2], (version, f"p{prov.unit.code}"), allow_prefix=n == 2)
    if ward is not None and (version == V2025 or ward.exact):
        out.append(UnitMatch(version, "ward", ward.unit.code, (ward, prov), tuple(parts[:-2])))
    return out


@cache
def province_units() -> tuple[Unit, ...]:
    """Every province of both data versions (a name in both counts once per version)."""
    return tuple(u for version in VERSIONS for u in trees()[version].provinces)


_LEVEL_RANK = {"province": 0, "district": 1, "ward": 2}


@lru_cache(maxsize=4096)
def resolve_place(text: str | None) -> UnitMatch | None:
    """The best chain for a place text in either data version, or None.

    Best: the deepest chain, then the one with most exact parts, then a full pre-2025 chain
    (ward, district, province) over a 2025 one, then 2025 (its 2-part chains are the norm)."""
    if not text:
        return None
    parts = [p.strip() for p in unicodedata.normalize("NFC", text).split(",")]
    if not parts or not parts[-1]:
        return None
    found: list[UnitMatch] = []
    for version in VERSIONS:
        found += _chains(parts, version)
    if not found:
        return None

    def rank(m: UnitMatch) -> tuple:
        return (_LEVEL_RANK[m.level], m.exact, sum(p.exact for p in m.parts), m.depth,
                m.version == V2025)

    return max(found, key=rank)


NUMBERED_PART = re.compile(
    r"^(Số|số|Tổ|tổ|Thôn|thôn|Ấp|ấp|Xóm|xóm|Khu|khu|Khu phố|khu phố|Tổ dân phố|tổ dân phố|"
    r"Bản|bản|Buôn|buôn|Làng|làng|Đội|đội|Khóm|khóm)\s+[0-9]{1,4}[A-Z]?$")


def rest_plausible(rest: tuple[str, ...]) -> bool:
    """The parts before the chain are house numbers, groups and hamlets as forms print them."""
    return all(NUMBERED_PART.match(p) for p in rest)
