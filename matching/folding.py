"""Folding names and values into comparison and blocking keys.

Folding is what lets a blocking key find 'NGUYÊN THI HUONG' under 'Nguyễn Thị Hương': strip
diacritics (đ → d), lower case, single spaces. Vietnamese spells some syllables with either
i or y ('Thúy'/'Thúi' do not alternate, but 'Mỹ'/'Mĩ', 'Kỳ'/'Kì', 'Lý'/'Lí' do): a final y
after a consonant folds to i. Tone placement ('Hòa' / 'Hoà') disappears with the marks, and
`tone_key` keeps the marks but moves each to the end of its word so both placements agree."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline.textnorm import fold

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_FINAL_Y = re.compile(r"(?<=[bcdghklmnpqrstvx])y\b")  # 'ky', 'ly', 'my', 'sy', 'ty', 'quy'…


@lru_cache(maxsize=50_000)
def _fold_word(word: str) -> str:
    return _FINAL_Y.sub("i", fold(word))


@lru_cache(maxsize=100_000)
def _fold_name(text: str) -> str:
    """Word by word (names are made of a few thousand syllables, so each is folded once):
    the same as folding the whole text, as folding never joins or splits words."""
    return " ".join(w for w in map(_fold_word, text.split()) if w)


def fold_name(text: str | None) -> str:
    """'NGUYỄN Thị Mỹ' -> 'nguyen thi mi': no marks, lower case, final consonant+y -> i."""
    return _fold_name(text) if text else ""


def _tone_last(word: str) -> str:
    nfd = unicodedata.normalize("NFD", word)
    tones = "".join(c for c in nfd if c in _TONES)
    base = "".join(c for c in nfd if c not in _TONES)
    return unicodedata.normalize("NFC", base) + tones


@lru_cache(maxsize=100_000)
def tone_key(text: str | None) -> str:
    """Diacritics kept, tone placement folded ('Hoà' == 'Hòa'), lower case, i/y folded for
    final consonant+y syllables ('Mỹ' == 'Mĩ'). Equal keys mean the same written name."""
    if not text:
        return ""
    return " ".join(map(_tone_word, unicodedata.normalize("NFC", text).lower().split()))


_TONE_FINAL_Y = re.compile(r"(?<=[bcdghklmnpqrstvx])y(?=[\u0300\u0301\u0303\u0309\u0323]*$)")


@lru_cache(maxsize=50_000)
def _tone_word(word: str) -> str:
    return _TONE_FINAL_Y.sub("i", _tone_last(word))


def marks_key(text: str | None) -> str:
    """Vowel marks kept (ư, ơ, â, ê, ô, ă, đ) but tones dropped: 'Nguyễn' -> 'nguyên'. Two
    names with equal `marks_key` but different `tone_key` differ only by tone marks."""
    if not text:
        return ""
    nfd = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).lower())
    return unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))


def name_parts(folded: str) -> tuple[str, str, str]:
    """(surname, middle, given) of a folded name: first word, inner words, last word."""
    words = folded.split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


_NON_DIGITS = re.compile(r"\D+")


def digits(text: object) -> str:
    return _NON_DIGITS.sub("", str(text)) if text not in (None, "") else ""


def year_of(value: object) -> str:
    """'1990-02-07' -> '1990'; 1990 -> '1990'; anything else -> ''."""
    if value in (None, ""):
        return ""
    text = str(value)
    return text[:4] if len(text) >= 4 and text[:4].isdigit() else ""
