"""Comparators: one query value against many candidate values, each pair put on a level of an
ordered list (best first). `None` means not compared (a value missing on either side).

Names cost less for what OCR and spelling habits change: a differing tone or vowel mark
(NGUYÊN/NGUYỄN, u/ư, o/ơ, d/đ) costs `MARK_COST` of a differing letter, tone placement
(Hòa/Hoà) and final i/y (Mỹ/Mĩ) cost nothing, a missing middle name has its own level."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process
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


def name_similarity(a: str, bs: Sequence[str]) -> list[float]:
    """OCR-aware similarity in [0, 1] of name `a` to each of `bs` (vectorised with cdist)."""
    fa, ta = fold_name(a), tone_key(a)
    fbs, tbs = [fold_name(b) for b in bs], [tone_key(b) for b in bs]
    d_fold = process.cdist([fa], fbs, scorer=Levenshtein.distance)[0]
    d_tone = process.cdist([ta], tbs, scorer=Levenshtein.distance)[0]
    out = []
    for df, dt, fb in zip(d_fold.tolist(), d_tone.tolist(), fbs):
        cost = df + MARK_COST * max(dt - df, 0)
        out.append(max(0.0, 1.0 - cost / max(len(fa), len(fb), 1)))
    return out


def _middle_dropped(fa: str, fb: str) -> bool:
    sa, ma, ga = name_parts(fa)
    sb, mb, gb = name_parts(fb)
    return bool(sa) and sa == sb and ga == gb and (not ma or not mb) and ma != mb


def _given_differs(fa: str, fb: str) -> bool:
    """Different given names (more than one letter apart): twins and siblings, not OCR."""
    ga, gb = name_parts(fa)[2], name_parts(fb)[2]
    return bool(ga and gb) and Levenshtein.distance(ga, gb) > 1


def compare_names(a: str | None, bs: Sequence[str | None]) -> list[int | None]:
    levels: list[int | None] = [None] * len(bs)
    if not a:
        return levels
    idx = [i for i, b in enumerate(bs) if b]
    if not idx:
        return levels
    present = [bs[i] or "" for i in idx]
    sims = name_similarity(a, present)
    ta, fa = tone_key(a), fold_name(a)
    for i, b, sim in zip(idx, present, sims):
        fb = fold_name(b)
        if tone_key(b) == ta:
            levels[i] = 0
        elif fb == fa:
            levels[i] = 1
        elif _middle_dropped(fa, fb):
            levels[i] = 2
        elif _given_differs(fa, fb):
            levels[i] = 5
        elif sim >= FUZZY_HIGH:
            levels[i] = 3
        elif sim >= FUZZY:
            levels[i] = 4
        else:
            levels[i] = 5
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
    return [None if b in (None, "") else (0 if str(b).strip().casefold() == key else 1)
            for b in bs]


def compare_ids(a: object, bs: Sequence[object]) -> list[int | None]:
    key = digits(a)
    if not key:
        return [None] * len(bs)
    return [None if not digits(b) else (0 if digits(b) == key else 1) for b in bs]
