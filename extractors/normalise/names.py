"""Person names: NFC, single spaces, each word capitalised ("NGUYỄN THỊ HƯƠNG GIANG" →
"Nguyễn Thị Hương Giang"), tone placement kept as printed (hoà stays hoà).

Tesseract drops tone marks on upper-case letters (NGUYỄN → NGUYÊN) and spaces between
upper-case syllables (VĂNHƯƠNG); merged words are split where exactly one split fits. The surname and a few
unambiguous middle names come from small closed sets, so a folded match puts the printed
diacritics back; given names are open-ended and are never guessed, except where OCR
garbled a word into something no name syllable can be ('VIÊT', 'MJNH', 'Đ1NH'): then the one
name syllable the reading is clearly nearest to is put back (name_repair.py), marked
`repaired` like the surname repairs. The evidence a name's confidence rests on (surname,
name words, all syllables: extractors/evidence.py) is taken from the reading without that
re-spelling, since a repair made of lexicon words is no evidence of itself.
"""

from __future__ import annotations

import re
from functools import cache

from extractors.normalise.name_repair import is_name_syllable, repair_name_word, split_repairing
from extractors.normalise.result import Normalised, strip_wrapping
from extractors.normalise.syllables import split_merged
from extractors.normalise.syllables import _untone
from extractors.normalise.vocab import NAME_WORDS, canonical

_NOT_NAME = re.compile(r"[^\w\s'\-]|_")


def title_word(word: str) -> str:
    """'NGUYỄN' → 'Nguyễn'; hyphenated parts each capitalised."""
    return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))


GIVEN_NAME_LOST = "name_given_lost"  # the name ends in a middle name: its last word lost
# Middle names that are no given name (domain.md: Văn a typical male middle name, Thị a
# female one): a name read as ending in one lost its given name ('Nguyễn Văn' for
# 'Nguyễn Văn Quyền', the last word past the edge of the scan).
MIDDLE_ONLY = frozenset({"Thị", "Văn"})
ONE_WORD_NAME = "name_one_word"  # the rest of the name lost (wrapped, faded): a person looks


def normalise_name(raw: str, *, repair: bool = True, syllables: bool = True) -> Normalised:
    """`repair`: any repair at all; `syllables`: also re-spell non-syllables (name_repair.py;
    off, the value is the reading the evidence of a name is judged on)."""
    text = strip_wrapping(_NOT_NAME.sub(" ", strip_wrapping(raw)))
    # a hyphen at a word's edge is a stroke of the dotted line or a dash, not part of a
    # hyphenated name ('-MINH' read at the start of the writing line)
    printed = [w for w in (w.strip("-") for w in text.split()) if w]
    split = [part for w in printed for part in (split_merged(w) if repair else [w])]
    repaired = len(split) != len(printed)
    words = [title_word(w) for w in split]
    if not words:
        return Normalised(None, ["missing"], clean=False)
    if repair and syllables:  # first: a merged word re-spelled may start with the surname
        words, respelled = _respell(words)
        repaired = repaired or respelled
    if repair:
        fixed = canonical("surname", words[0])
        if fixed and fixed != words[0]:
            words[0], repaired = fixed, True
        for i in range(1, len(words) - 1):
            fixed = canonical("middle_name", words[i])
            if fixed and fixed != words[i]:
                words[i], repaired = fixed, True
    issues: list[str] = []
    if any(any(c.isdigit() for c in w) for w in words):
        issues.append("name_has_digits")
    if len(words) == 1:  # a Vietnamese full name has a surname and a given name at least
        issues.append(ONE_WORD_NAME)
    elif words[-1] in MIDDLE_ONLY:  # 'Phan Thị': the given name after the middle one lost
        issues.append(GIVEN_NAME_LOST)
    return Normalised(" ".join(words), issues, clean=not issues, repaired=repaired)


def _respell(words: list[str]) -> tuple[list[str], bool]:
    """Each word no name syllable can be, re-spelled or, merged and garbled, split and
    re-spelled (name_repair.py); (words, whether any was)."""
    out: list[str] = []
    for i, word in enumerate(words):
        fixed = repair_name_word(word, surname=i == 0)
        if fixed is not None:
            out.append(fixed)
            continue
        parts = None if is_name_syllable(word) else split_repairing(word)
        out.extend(parts or [word])
    return out, out != words


@cache
def _name_words_by_base() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for w in sorted(NAME_WORDS):
        table.setdefault(_untone(w.lower())[0], []).append(w)
    return table


def retone_name_word(word: str) -> str:
    """NOT applied by normalise_name: measured, it re-toned correct readings of name words
    missing from NAME_WORDS (HUẤN → Huân). Kept for a fuller name lexicon.

    Tesseract swaps tone marks on upper-case letters (VĂN → VẶN, SƠN → SỢN): a name word
    that is no common name word gets the tone of the one common word with the same letters
    (none or several: kept as read)."""
    if word in NAME_WORDS:
        return word
    options = _name_words_by_base().get(_untone(word.lower())[0], [])
    return options[0] if len(options) == 1 else word
