"""Is a PDF's own text layer real Vietnamese, or a scanner's non-Vietnamese OCR?

Scanners often embed their own OCR, made without Vietnamese: diacritics stripped or turned
into digits ("Nguy6n Anh Quin"). Trusting it would skip our OCR and poison every field, so
a layer is used only when its tokens look like Vietnamese syllables *with* the diacritics
real Vietnamese text carries. Pure functions: this module is imported by the render child,
so it must stay light (no pydantic, numpy or OCR imports).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from pipeline.textnorm import TONE_MARKS, untoned

TextLayerStatus = Literal["none", "real", "garbage"]

# Tone marks (pipeline.textnorm.TONE_MARKS) are stripped before the syllable match;
# vowel-quality marks (circumflex, breve, horn) stay, since they change the letter.

_ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
_NUCLEUS = r"[aăâeêioôơuưy]{1,3}"
_CODA = r"(?:ch|ng|nh|[cmnptk])?"  # k: minority place names (Đắk Lắk)
_SYLLABLE = re.compile(f"{_ONSET}{_NUCLEUS}{_CODA}")

_VIETNAMESE_ONLY = frozenset("đăâêôơư")  # base letters outside ASCII
_VOWEL_MARKS = frozenset("\u0302\u0306\u031b")  # circumflex, breve, horn
_EDGE_PUNCT = "\"'()[]{}<>.,:;!?-–—/\\|*«»“”‘’…"


def _strip_tones(token: str) -> str:
    return untoned(token.lower())


def is_vietnamese_syllable(token: str) -> bool:
    """A full match of onset + vowel nucleus + coda, tones ignored ('Nguyễn' yes, 'Quin'
    also yes: shape alone cannot tell, which is why diacritics are scored too)."""
    return _SYLLABLE.fullmatch(_strip_tones(token)) is not None


def has_vietnamese_diacritic(token: str) -> bool:
    """Any tone mark or Vietnamese-only letter (đ ă â ê ô ơ ư)."""
    low = token.lower()
    if any(c in _VIETNAMESE_ONLY for c in low):
        return True
    return any(c in TONE_MARKS for c in unicodedata.normalize("NFD", low))


def has_foreign_mark(token: str) -> bool:
    """A letter or mark Vietnamese does not use (ç, ü, ñ, ¢...): a Latin-1 OCR's guess."""
    for c in unicodedata.normalize("NFD", token.lower()):
        if unicodedata.combining(c):
            if c not in TONE_MARKS and c not in _VOWEL_MARKS:
                return True
        elif not (c.isascii() or c == "đ") and c not in _EDGE_PUNCT:
            return True
    return False


@dataclass(frozen=True, slots=True)
class TextLayerScore:
    tokens: int  # tokens with letters (numbers and punctuation are not evidence)
    syllable_share: float
    diacritic_share: float
    digit_mix_share: float  # letters and digits in one token: 'Nguy6n'
    foreign_share: float  # marks Vietnamese does not use: 'Lçi'
    status: TextLayerStatus


MIN_TOKENS = 5
MIN_SYLLABLE_SHARE = 0.75
MIN_DIACRITIC_SHARE = 0.25  # real prose and forms run at 0.5-0.8; stripped OCR near 0
MAX_DIGIT_MIX_SHARE = 0.05
MAX_FOREIGN_SHARE = 0.05  # allows the odd 'm²'


def score_tokens(texts: list[str]) -> TextLayerScore:
    """Score a page's words and decide whether the layer is real Vietnamese text.

    Thresholds are deliberately strict: a false "real" skips OCR and loses the page,
    a false "garbage" only costs an OCR run.
    """
    tokens = [t.strip(_EDGE_PUNCT) for t in texts]
    tokens = [t for t in tokens if any(c.isalpha() for c in t)]
    n = len(tokens)
    if n == 0:
        return TextLayerScore(0, 0.0, 0.0, 0.0, 0.0, "none" if not texts else "garbage")
    mixed = sum(any(c.isdigit() for c in t) for t in tokens)
    words = [t for t in tokens if t.isalpha()]
    syllables = sum(is_vietnamese_syllable(t) for t in words)
    diacritics = sum(has_vietnamese_diacritic(t) for t in tokens)
    foreign = sum(has_foreign_mark(t) for t in tokens)
    shares = (syllables / n, diacritics / n, mixed / n, foreign / n)
    real = (n >= MIN_TOKENS and shares[0] >= MIN_SYLLABLE_SHARE
            and shares[1] >= MIN_DIACRITIC_SHARE and shares[2] <= MAX_DIGIT_MIX_SHARE
            and shares[3] <= MAX_FOREIGN_SHARE)
    return TextLayerScore(n, *shares, status="real" if real else "garbage")


def classify_text_layer(texts: list[str]) -> TextLayerStatus:
    """'none' without words, else 'real' or 'garbage' (see `score_tokens`)."""
    if not texts:
        return "none"
    return score_tokens(texts).status
