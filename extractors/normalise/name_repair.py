"""Name words OCR garbled into something no Vietnamese syllable can be ('VIÊT', 'OUYÊN',
'MJNH', 'Đ1NH', 'KTIM', 'PAM'): put back the one name syllable the reading is nearest to.

A word that is not a possible Vietnamese name syllable (see `is_name_syllable`: the shape
of `syllables.is_vietnamese_syllable` plus the spelling rules c/k, g/gh, ng/ngh and no
bare 'p' onset, which only loanwords have) is certainly misread, so re-spelling it cannot
break a correct reading. A word that IS a syllable is never touched here, even when it is
probably wrong (Quận for Quân, Yên for Yến): nothing in the word says which one was meant.

The repair is the lexicon word at the smallest OCR distance (`ocr_distance`: a lost or
swapped tone/diacritic costs little, a Tesseract shape confusion such as O/Q, I/J, I/1, rn/m
more, any other letter edit most), taken only when it is near enough and clearly nearest:
alone at that distance, or far more frequent than the others there. Lexicons and
frequencies, none from our sample generator:
- surnames (first word): vocab.SURNAMES, weighted by the surname shares of domain.md;
- middle and given names: vocab.NAME_WORDS, MIDDLE_NAMES and syllables.EXTRA (common words
  of Vietnamese names), weighted by how often each syllable occurs in the names of
  Vietnam's administrative units (the vietnamadminunits data set: place names are made of
  the same Sino-Vietnamese syllables as given names).
Limit: names of some ethnic minorities (Ê Đê, Gia Rai: 'Ksor', 'H'Nhi') are not Vietnamese
syllables; the distance cap keeps such words as read unless a name syllable is one slip away.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import cache

from extractors.normalise.places import admin_unit_names
from extractors.normalise.syllables import EXTRA, _untone, is_vietnamese_syllable
from extractors.normalise.vocab import MIDDLE_NAMES, NAME_WORDS, SURNAMES
from pipeline.textnorm import fold, nfc

# Surname shares in % (shared/spec/domain.md; Hoàng/Huỳnh and Vũ/Võ split evenly). Surnames
# not listed there share what is left.
SURNAME_SHARES: dict[str, float] = {
    "Nguyễn": 38.0, "Trần": 11.0, "Lê": 9.5, "Phạm": 7.1, "Hoàng": 2.55, "Huỳnh": 2.55,
    "Phan": 4.5, "Vũ": 1.95, "Võ": 1.95, "Đặng": 2.1, "Bùi": 2.0, "Đỗ": 1.4, "Hồ": 1.3,
    "Ngô": 1.3, "Dương": 1.0, "Lý": 0.5,
}
OTHER_SURNAME_SHARE = 0.2

DIACRITIC = 0.25  # same letter, another tone or vowel mark (Ê/Ệ, U/Ư, D/Đ), or i/y
NEAR_SHAPE = 0.4  # letters that differ by a stroke (O/Q, I/J, I/l/1, O/0) or rn/m
CONFUSION = 0.6  # other letters Tesseract mistakes for each other in print
EDIT = 1.0  # any other letter put in, left out or replaced
MAX_COST = 1.0  # farther than this (or half the letters read), a word is kept as read
SURNAME_MAX_COST = 1.25  # the surname list is closed and small: one edit and one slip
FREQUENCY_RATIO = 3.0  # at equal distance, the winner must be this much more frequent

# Shape confusions of printed capitals and lower case (folded letters and figures): those
# one stroke apart, and the others.
_NEAR = frozenset(frozenset(p) for p in (
    ("o", "q"), ("o", "0"), ("i", "j"), ("i", "l"), ("i", "1"), ("l", "1"), ("j", "1"),
))
_CONFUSABLE = frozenset(frozenset(p) for p in (
    ("o", "d"), ("d", "0"), ("q", "0"), ("i", "t"), ("t", "1"), ("u", "v"), ("e", "f"),
    ("b", "8"), ("s", "5"), ("g", "6"), ("c", "g"), ("c", "e"), ("z", "2"), ("h", "n"),
))
# Two letters read as one, or one as two (rn/m).
_MULTI = {("r", "n"): "m", ("i", "i"): "u", ("c", "l"): "d"}


@cache
def _base(ch: str) -> str:
    return fold(ch) or ch


@cache
def _sub_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    fa, fb = _base(a), _base(b)
    if fa == fb or {fa, fb} == {"i", "y"}:
        return DIACRITIC
    pair = frozenset((fa, fb))
    if pair in _NEAR:
        return NEAR_SHAPE
    if pair in _CONFUSABLE:
        return CONFUSION
    return EDIT


@cache
def ocr_distance(read: str, word: str, cutoff: float = float("inf")) -> float:
    """How far a reading is from a word under OCR slips (lower-case NFC letters); past
    `cutoff` the search stops and some value above it is returned."""
    n, m = len(read), len(word)
    prev2: list[float] = []
    prev = [j * EDIT for j in range(m + 1)]
    for i in range(1, n + 1):
        row = [i * EDIT] + [0.0] * m
        for j in range(1, m + 1):
            best = min(prev[j] + EDIT, row[j - 1] + EDIT,
                       prev[j - 1] + _sub_cost(read[i - 1], word[j - 1]))
            if i > 1 and _MULTI.get((_base(read[i - 2]), _base(read[i - 1]))) == _base(
                    word[j - 1]):
                best = min(best, prev2[j - 1] + NEAR_SHAPE)
            if j > 1 and _MULTI.get((_base(word[j - 2]), _base(word[j - 1]))) == _base(
                    read[i - 1]):
                best = min(best, prev[j - 2] + NEAR_SHAPE)
            row[j] = best
        if min(row) > cutoff and (not prev or min(prev) > cutoff):
            return min(row)  # every way on costs more (a two-for-one step reaches back one row)
        prev2, prev = prev, row
    return prev[m]


# --- what a name syllable may look like ------------------------------------------------------

_FRONT = ("i", "e", "ê", "y")


def is_name_syllable(word: str) -> bool:
    """A possible syllable of a Vietnamese name: `is_vietnamese_syllable` and the spelling
    rules (k, gh, ngh only before i/e/ê/y; c, g, ng never before e/ê/i/y; no 'p' onset but
    'ph'; marks on vowels only), and a syllable ending in p, t, c or ch carries the sắc or
    nặng tone: no other, and not none ('Viêt' is no syllable)."""
    word = nfc(word).lower()
    if not is_vietnamese_syllable(word) or _mark_off_vowel(word):
        return False
    base, tones = _untone(word)
    if base.endswith(("p", "t", "c", "ch")) and not tones:
        return False
    front = base[1:2] in _FRONT
    if base.startswith("ngh") or base.startswith("gh"):
        return base[3 if base.startswith("ngh") else 2:][:1] in ("i", "e", "ê")
    if base.startswith("ng"):
        return base[2:3] not in _FRONT
    if base.startswith(("gi", "ph", "ch", "kh", "qu")):
        return True
    if base[:1] == "k":
        return front
    if base[:1] in ("c", "g"):
        return not front
    return base[:1] != "p"


_VOWELS = frozenset("aăâeêioôơuưy")
_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")


def _mark_off_vowel(word: str) -> bool:
    """A tone or vowel mark on a consonant ('VĂÑ'): Vietnamese writes them on vowels only."""
    letter = ""
    for ch in unicodedata.normalize("NFD", word):
        if ch in _MARKS:
            if letter not in _VOWELS:
                return True
        else:
            letter = ch
    return False


# --- lexicons ------------------------------------------------------------------------------


@cache
def _admin_syllable_counts() -> Counter[str]:
    counts: Counter[str] = Counter()
    for name in admin_unit_names():
        counts.update(w for w in nfc(name).lower().split() if w.isalpha())
    return counts


@cache
def _given_lexicon() -> dict[str, float]:
    """Middle/given name syllables (lower case) and their weights."""
    counts = _admin_syllable_counts()
    words = {nfc(w).lower() for w in (*NAME_WORDS, *MIDDLE_NAMES, *EXTRA)}
    return {w: float(counts.get(w, 0)) + 1.0 for w in words}


@cache
def _surname_lexicon() -> dict[str, float]:
    return {s.lower(): SURNAME_SHARES.get(s, OTHER_SURNAME_SHARE) for s in SURNAMES}


def _same_name(a: str, b: str) -> bool:
    """Old and new tone placement (hoà/hòa, thuỷ/thủy) spell one name."""
    return _untone(a) == _untone(b)


def nearest(read: str, lexicon: dict[str, float], max_cost: float) -> str | None:
    """The lexicon word a misread word clearly is, lower case; None when none is near
    enough or several are about as near (see the module's docstring)."""
    read = nfc(read).lower()
    max_cost = min(max_cost, len(read) / 2 - 0.01)  # most of what was read must stand
    # a length difference of k costs at least k two-for-one readings
    scored = sorted((ocr_distance(read, w, max_cost), -weight, w) for w, weight in lexicon.items()
                    if abs(len(w) - len(read)) * NEAR_SHAPE <= max_cost)
    if not scored:
        return None
    cost, neg_weight, best = scored[0]
    if cost > max_cost:
        return None
    rivals = [(c, -nw) for c, nw, w in scored[1:] if c <= cost and not _same_name(w, best)]
    if rivals and any(-neg_weight < FREQUENCY_RATIO * wt for _, wt in rivals):
        return None
    return best


def _cased(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() or like[:1].isdigit() else word


def repair_name_word(word: str, *, surname: bool) -> str | None:
    """The name syllable a word that cannot be one was, or None (a syllable already, or no
    clear winner). `surname`: the word is the name's first, matched against the surnames."""
    if not word or is_name_syllable(word):
        return None
    lexicon = _surname_lexicon() if surname else _given_lexicon()
    found = nearest(word, lexicon, SURNAME_MAX_COST if surname else MAX_COST)
    return None if found is None else _cased(found, word)


# --- merged words with a garbled syllable ('THỊKIMTUYT') ------------------------------------

UNKNOWN_SYLLABLE = 0.1  # a piece that is a name syllable but in no lexicon: kept, as a doubt
MAX_PIECES = 5
MAX_SYLLABLE = 7  # letters of the longest Vietnamese syllable ('nghiêng')
MIN_MERGED = 5


def _piece(piece: str) -> tuple[float, str] | None:
    """The cost of reading one piece of a merged word as a name syllable, and that syllable."""
    from extractors.normalise.syllables import known_syllables

    if piece in known_syllables():
        return 0.0, piece
    if is_name_syllable(piece):
        return UNKNOWN_SYLLABLE, piece
    found = _nearest_given(piece)
    return None if found is None else (ocr_distance(piece, found), found)


@cache
def _nearest_given(piece: str) -> str | None:
    return nearest(piece, _given_lexicon(), MAX_COST)


def split_repairing(word: str) -> list[str] | None:
    """The syllables of a merged word Tesseract also garbled ('THỊKIMTUYT' → THỊ KIM TUYẾT),
    or None. The pieces are name syllables as read or re-spelled (`repair_name_word`'s
    rules), all of them costing at most MAX_COST together, and no other cut as cheap."""
    lower = nfc(word).lower()
    if not MIN_MERGED <= len(lower) <= MAX_PIECES * MAX_SYLLABLE or not lower.isalnum():
        return None
    pieces: dict[tuple[int, int], tuple[float, str] | None] = {}

    def piece(i: int, j: int) -> tuple[float, str] | None:
        if (i, j) not in pieces:
            pieces[i, j] = _piece(lower[i:j])
        return pieces[i, j]

    @cache
    def ways(start: int, left: int) -> tuple[tuple[float, tuple[str, ...]], ...]:
        """The two cheapest readings of lower[start:] in at most `left` pieces."""
        if start == len(lower):
            return ((0.0, ()),)
        if left == 0:
            return ()
        out: list[tuple[float, tuple[str, ...]]] = []
        for end in range(start + 2, min(len(lower), start + MAX_SYLLABLE) + 1):
            got = piece(start, end)
            if got is None:
                continue
            for cost, rest in ways(end, left - 1):
                if got[0] + cost <= MAX_COST:
                    out.append((got[0] + cost, (got[1], *rest)))
        return tuple(sorted(out)[:2])

    found = [w for w in ways(0, MAX_PIECES) if len(w[1]) >= 2]
    if not found or (len(found) > 1 and found[1][0] <= found[0][0]):
        return None
    return [_cased(p, word) for p in found[0][1]]
