"""Comparators: one query value against many candidate values, each pair put on a level of an
ordered list (best first). `None` means not compared (a value missing on either side).

Names cost less for what OCR and spelling habits change: a differing tone or vowel mark
(NGUYÊN/NGUYỄN, u/ư, o/ơ, d/đ) costs `MARK_COST` of a differing letter, tone placement
(Hòa/Hoà) and final i/y (Mỹ/Mĩ) cost nothing, a missing middle name has its own level."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from matching.folding import digits, fold_name, name_parts, tone_key, year_of

MARK_COST = 0.3
FUZZY_HIGH = 0.9
FUZZY = 0.75
PLACE_TEXT_MIN = 90.0

LEVELS: dict[str, tuple[str, ...]] = {
    "name": ("exact", "marks", "middle", "fuzzy_high", "fuzzy", "else"),
    "date": ("exact", "transposed", "year_month", "year_only", "same_year", "else",
             "year_differs"),
    "place": ("code", "text", "else"),
    "exact": ("equal", "else"),
    "id": ("equal", "else"),
}

# Levels whose m and u are estimated within their group: a year-only query can only land on
# the year levels, so their probabilities are conditional on the query having just a year.
LEVEL_GROUPS: dict[str, tuple[tuple[str, ...], ...]] = {
    "date": (("exact", "transposed", "year_month", "same_year", "else"),
             ("year_only", "year_differs")),
}

LABELS: dict[str, dict[str, str]] = {
    "name": {"exact": "same", "marks": "differs only by tone or vowel marks",
             "middle": "same without the middle name", "fuzzy_high": "nearly the same",
             "fuzzy": "similar", "else": "different"},
    "date": {"exact": "exact", "transposed": "day and month swapped",
             "year_month": "same year and month", "year_only": "same birth year (no date)",
             "same_year": "same year, other day", "else": "different",
             "year_differs": "different birth year"},
    "place": {"code": "same ward (administrative code)", "text": "similar text",
              "else": "different"},
    "exact": {"equal": "same", "else": "different"},
    "id": {"equal": "same", "else": "different"},
}


@lru_cache(maxsize=100_000)
def name_info(text: str) -> tuple[str, str, str, str, str]:
    """(folded, tone key, surname, middle, given) of a name, computed once per name."""
    folded = fold_name(text)
    return (folded, tone_key(text), *name_parts(folded))


def _similarity(fa: str, ta: str, fb: str, tb: str) -> float:
    df, dt = Levenshtein.distance(fa, fb), Levenshtein.distance(ta, tb)
    cost = df + MARK_COST * max(dt - df, 0)
    return max(0.0, 1.0 - cost / max(len(fa), len(fb), 1))


def name_similarity(a: str, bs: Sequence[str]) -> list[float]:
    """OCR-aware similarity in [0, 1] of name `a` to each of `bs`."""
    fa, ta = fold_name(a), tone_key(a)
    return [_similarity(fa, ta, fold_name(b), tone_key(b)) for b in bs]


def compare_names(a: str | None, bs: Sequence[str | None]) -> list[int | None]:
    """Levels in order: equal tone keys, equal folds, a middle name dropped, given names
    more than a letter apart (else), then the similarity (computed only for those left)."""
    levels: list[int | None] = [None] * len(bs)
    if not a:
        return levels
    fa, ta, sa, ma, ga = name_info(a)
    for i, b in enumerate(bs):
        if not b:
            continue
        fb, tb, sb, mb, gb = name_info(b)
        if tb == ta:
            levels[i] = 0
        elif fb == fa:
            levels[i] = 1
        elif sa and sa == sb and ga == gb and (not ma or not mb) and ma != mb:
            levels[i] = 2
        elif ga and gb and Levenshtein.distance(ga, gb) > 1:
            levels[i] = 5
        else:
            sim = _similarity(fa, ta, fb, tb)
            levels[i] = 3 if sim >= FUZZY_HIGH else 4 if sim >= FUZZY else 5
    return levels


def compare_dates(a: str | None, year: object, bs: Sequence[str | None]) -> list[int | None]:
    """`a` an ISO date, or None with `year` the birth year alone."""
    qy = year_of(a) or year_of(year)
    out: list[int | None] = []
    for b in bs:
        if not b or not qy:
            out.append(None)
        elif not a:
            out.append(3 if year_of(b) == qy else 6)
        elif a == b:
            out.append(0)
        elif len(a) == len(b) == 10 and a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
            out.append(1)
        elif a[:7] == b[:7]:
            out.append(2)
        elif a[:4] == b[:4]:
            out.append(4)
        else:
            out.append(5)
    return out


def compare_places(code: str | None, text: str | None, codes: Sequence[Sequence[str | None]],
                   texts: Sequence[Sequence[str | None]]) -> list[int | None]:
    """Codes first (a shared 2025 ward code); text similarity when there is no code."""
    out: list[int | None] = []
    folded = fold_name(text) if text else ""
    for cand_codes, cand_texts in zip(codes, texts):
        have = {c for c in cand_codes if c}
        if code and have:
            out.append(0 if code in have else 2)
            continue
        options = [fold_name(t) for t in cand_texts if t]
        if not folded or not options:
            out.append(None)
            continue
        best = max(fuzz.token_set_ratio(folded, o) for o in options)
        out.append(1 if best >= PLACE_TEXT_MIN else 2)
    return out


def compare_exact(a: object, bs: Sequence[object]) -> list[int | None]:
    if a in (None, ""):
        return [None] * len(bs)
    key = str(a).strip().casefold()
    seen: dict[object, int] = {}  # the same few values (a sex) recur across candidates
    out: list[int | None] = []
    for b in bs:
        if b in (None, ""):
            out.append(None)
            continue
        level = seen.get(b) if isinstance(b, str) else None
        if level is None:
            level = 0 if str(b).strip().casefold() == key else 1
            if isinstance(b, str):
                seen[b] = level
        out.append(level)
    return out


def compare_ids(a: object, bs: Sequence[object]) -> list[int | None]:
    key = digits(a)
    if not key:
        return [None] * len(bs)
    out: list[int | None] = []
    for b in bs:
        other = digits(b)
        out.append(None if not other else (0 if other == key else 1))
    return out
