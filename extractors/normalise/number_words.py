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


# How a number is said, word by word (domain.md "Dates"), folded: the spellings a printed
# form may use. After mươi: 1 → mốt, 4 → tư/bốn, 5 → lăm/nhăm; after mười: 5 → lăm.
_SAY = {0: ("khong",), 1: ("mot",), 2: ("hai",), 3: ("ba",), 4: ("bon", "tu"), 5: ("nam",),
        6: ("sau",), 7: ("bay",), 8: ("tam",), 9: ("chin",)}
_AFTER_TEN = {**_SAY, 5: ("lam", "nam", "nham")}  # after mười and mươi alike


def _below_hundred(n: int) -> list[list[str]]:
    if n == 0:
        return [[]]
    if n < 10:
        return [[w] for w in _SAY[n]]
    tens, units = divmod(n, 10)
    heads = [[TEN]] if tens == 1 else [[w, TEN] for w in _SAY[tens]]
    tails = [[]] if units == 0 else [[w] for w in _AFTER_TEN[units]]
    return [h + t for h in heads for t in tails]


def _zero_tens(n: int) -> list[list[str]]:
    """1..9 after a hundred or a thousand: 'linh năm' / 'lẻ năm'."""
    return [[z, w] for z in ZERO_TENS for w in _SAY[n]]


def _below_thousand(n: int, *, after_thousand: bool) -> list[list[str]]:
    hundreds, rest = divmod(n, 100)
    if hundreds == 0 and not after_thousand:
        return _below_hundred(rest)
    if hundreds == 0:  # 2005: 'hai nghìn không trăm linh năm', also without 'không trăm'
        if rest == 0:
            return [[]]
        tail = _zero_tens(rest) if rest < 10 else _below_hundred(rest)
        return [["khong", HUNDRED] + t for t in tail] + tail
    tail = [[]] if rest == 0 else _zero_tens(rest) if rest < 10 else _below_hundred(rest)
    return [[w, HUNDRED] + t for w in _SAY[hundreds] for t in tail]


def renderings(n: int) -> list[list[str]]:
    """The folded word sequences that say `n` (0..9999): 1990 → ['mot', 'nghin', 'chin',
    'tram', 'chin', 'muoi'], with 'ngan' for 'nghin', 'le' for 'linh', … ."""
    if not 0 <= n <= 9999:
        raise ValueError(f"{n} is outside 0..9999")
    if n == 0:
        return [["khong"]]
    thousands, rest = divmod(n, 1000)
    if thousands == 0:
        return _below_thousand(rest, after_thousand=False)
    return [[w, t] + r for w in _SAY[thousands] for t in THOUSAND
            for r in _below_thousand(rest, after_thousand=True)]


def says_start_of(tokens: list[str], n: int) -> bool:
    """Whether the words, up to the first one that is no number word (OCR debris, or the
    line end where the words wrap), are the start of a way of saying `n`: 'hai ngàn không'
    is the start of 2001 ('hai ngàn không trăm linh một'). At least one word must be read."""
    words: list[str] = []
    for raw in tokens:
        tok = repair_token(raw)
        if tok is None:
            break
        if tok not in FILLER:
            words.append(tok)
    if not words:
        return False
    return any(r[:len(words)] == words for r in renderings(n))
