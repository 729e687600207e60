"""Place names: put back diacritics and case OCR garbled ('Ủy bạn nhân dân', 'Đống Đạ',
'Hà NỘI'), using the administrative-unit names shipped by `vietnamadminunits` (old and 2025
units) and a few words every address uses.

Each comma-separated part is read as [prefix] [unit type] [unit name] ('Ủy ban nhân dân' |
'huyện' | 'Lạng Giang'); a chunk is re-spelled only when its folded syllables stand for exactly
one known spelling ('Lạng Giang' and 'Làng Giàng' both exist: neither is touched), so a wrong
guess needs OCR to have produced another real name. Resolving a place to its unit code is a
later stage; this only cleans the text.
"""

from __future__ import annotations

import re
from functools import cache

from extractors.normalise.admin_units import dataset_rows
from pipeline.textnorm import fold

COMMON_PHRASES = (
    "Ủy ban nhân dân", "UBND", "Bệnh viện", "Trạm y tế", "Trung tâm y tế", "Nhà hộ sinh",
    "Bệnh viện Đa khoa", "Bệnh viện Phụ sản", "Việt Nam",
)
UNIT_TYPES = ("huyện", "tỉnh", "quận", "phường", "xã", "thôn", "xóm", "ấp", "thành phố",
              "thị xã", "thị trấn", "tổ dân phố", "khu phố")


@cache
def admin_unit_names() -> list[str]:
    """Every province, district and ward short name, in both data versions."""
    names: set[str] = set()
    for rows in dataset_rows("select provinceShort, districtShort, wardShort"
                             " from admin_units_legacy",
                             "select provinceShort, wardShort from admin_units"):
        for row in rows:
            names.update(n for n in row if n)
    return sorted(names)


def _unique_spellings(phrases: list[str] | tuple[str, ...]) -> dict[tuple[str, ...], str]:
    spellings: dict[tuple[str, ...], set[str]] = {}
    for phrase in phrases:
        spellings.setdefault(tuple(fold(phrase).split()), set()).add(phrase)
    return {k: next(iter(v)) for k, v in spellings.items() if len(v) == 1}


@cache
def name_table() -> dict[tuple[str, ...], str]:
    """Folded syllables → the one unit name they stand for (ambiguous folds left out)."""
    return _unique_spellings([n for n in admin_unit_names() if len(n.split()) >= 2])


@cache
def prefix_table() -> dict[tuple[str, ...], str]:
    return _unique_spellings(COMMON_PHRASES)


@cache
def type_table() -> dict[tuple[str, ...], str]:
    return _unique_spellings(UNIT_TYPES)


def _respell(printed: str, canonical: str, upper: bool) -> str:
    """Canonical letters; upper case kept only when the whole phrase was printed upper
    ('Hà NỘI' is an OCR case slip, 'HÀ NỘI' a printing choice)."""
    if upper:
        return canonical.upper()
    first = canonical[:1].upper() if printed[:1].isupper() else canonical[:1].lower()
    return first + canonical[1:]


def _respell_chunk(tokens: list[str], table: dict[tuple[str, ...], str]) -> list[str]:
    """Re-spell a whole chunk if it is one known phrase; punctuation kept at its edges."""
    if not tokens:
        return tokens
    lead = re.match(r"^\W*", tokens[0]).group(0)  # type: ignore[union-attr]
    trail = re.search(r"\W*$", tokens[-1]).group(0)  # type: ignore[union-attr]
    core = " ".join(tokens)[len(lead):len(" ".join(tokens)) - len(trail) or None]
    words = core.split()
    if not words or any(not w.isalpha() for w in words):
        return tokens
    canonical = table.get(tuple(fold(w) for w in words))
    if canonical is None or len(canonical.split()) != len(words):
        return tokens
    upper = all(w.isupper() for w in words) and any(len(w) > 1 for w in words)
    fixed = [_respell(p, c, upper) for p, c in zip(words, canonical.split())]
    fixed[0], fixed[-1] = lead + fixed[0], fixed[-1] + trail
    return fixed


def _repair_segment(tokens: list[str]) -> list[str]:
    """'Ủy bạn nhân dận huyện Làng Giang' → prefix | unit type | unit name, each re-spelled."""
    types = type_table()
    for i in range(len(tokens)):
        for n in (3, 2, 1):
            window = tokens[i:i + n]
            if len(window) == n and tuple(fold(t) for t in window) in types and i + n < len(
                    tokens):
                return (_respell_chunk(tokens[:i], prefix_table())
                        + _respell_chunk(window, types)
                        + _respell_chunk(tokens[i + n:], name_table()))
    fixed = _respell_chunk(tokens, prefix_table())
    return fixed if fixed is not tokens else _respell_chunk(tokens, name_table())


def repair_place(text: str) -> tuple[str, bool]:
    """Re-spell known place phrases, segment by segment (commas); returns (text, changed)."""
    out: list[str] = []
    for segment in re.split(r"(?<=[,.;])\s+", text):
        out.extend(_repair_segment(segment.split()))
    fixed = " ".join(out)
    return fixed, fixed != text
