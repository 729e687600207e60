"""Vietnamese numbers in words (0..9999), parsed on folded text.

Parsing on folded text is what makes it tolerant of OCR-dropped diacritics ("mot nghin chin
tram"), at the price of collisions: mười/mươi both fold to "muoi" and are told apart by
position (after a digit it multiplies, else it is ten).
"""

from __future__ import annotations

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

DIGITS: dict[str, int] = {
    "khong": 0, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5,
    "nham": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9,
    "gieng": 1,  # tháng giêng
}
TEN = "muoi"  # mười (10) and mươi (x10)
HUNDRED = "tram"
THOUSAND = ("nghin", "ngan")
ZERO_TENS = ("linh", "le")
FILLER = ("mong", "mung", "va")
VOCAB = [*DIGITS, TEN, HUNDRED, *THOUSAND, *ZERO_TENS, *FILLER]


def repair_token(token: str) -> str | None:
    """The number word a folded token most likely is (one OCR slip allowed on long words)."""
    if token in VOCAB:
        return token
    if len(token) < 4:
        return None
    match = process.extractOne(token, VOCAB, scorer=Levenshtein.distance, score_cutoff=1)
    return match[0] if match else None


def parse_number(tokens: list[str]) -> int | None:
    """'mot nghin chin tram chin muoi' -> 1990; None when the words are not a number."""
    total = 0
    group = 0  # below one thousand
    pending: int | None = None  # a digit word waiting for its multiplier
    tens_done = False
    seen = False
    for raw in tokens:
        tok = repair_token(raw)
        if tok is None:
            return None
        if tok in FILLER:
            continue
        seen = True
        if tok in DIGITS:
            if pending is not None:
                return None
            pending = DIGITS[tok]
        elif tok == TEN:
            if tens_done:
                return None
            group += (pending * 10) if pending is not None else 10
            pending, tens_done = None, True
        elif tok == HUNDRED:
            if pending is None or group:
                return None
            group, pending, tens_done = pending * 100, None, False
        elif tok in THOUSAND:
            if pending is None and not group:
                return None
            total += (group + (pending or 0)) * 1000
            group, pending, tens_done = 0, None, False
        elif tok in ZERO_TENS:
            if pending is not None or tens_done:
                return None
            tens_done = True
    if not seen:
        return None
    return total + group + (pending or 0)
