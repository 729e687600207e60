"""Splitting words OCR merged ('VĂNHƯƠNG' → 'VĂN HƯƠNG'), for names.

Tesseract often drops the space between upper-case syllables. A word is split only when it is
not itself a known syllable and splits into exactly one pair of known syllables; the known
syllables are those of administrative-unit names and the name vocabularies (place names are
mostly made of the same Sino-Vietnamese syllables as given names).
"""

from __future__ import annotations

from functools import cache

from extractors.normalise.places import admin_unit_names
from extractors.normalise.vocab import VOCABULARIES
from pipeline.textnorm import fold, nfc

# Frequent given-name syllables that may be missing from place names.
EXTRA = ("thu", "hương", "lợi", "khải", "tuấn", "quân", "thảo", "dũng", "yến", "huệ", "nghĩa",
         "ứng", "giang", "hồng", "minh", "đức", "văn", "thị", "ngọc", "anh", "linh", "trang",
         "lan", "mai", "hoa", "hùng", "long", "nam", "hải", "sơn", "thanh", "thủy", "thuỷ", "mỹ",
         "tú", "tâm", "phương", "hà", "vân", "trung", "quang", "huy", "hiếu", "thắng", "bình",
         "cường", "hạnh", "nhung", "oanh", "phúc", "thành", "tiến", "việt", "xuân", "yên")
MIN_PART = 2


@cache
def known_syllables() -> frozenset[str]:
    """Lower-case NFC syllables with their diacritics."""
    words: set[str] = set(EXTRA)
    for name in admin_unit_names():
        words.update(nfc(name).lower().split())
    for vocab in VOCABULARIES.values():
        for entry in vocab:
            words.update(nfc(entry).lower().split())
    return frozenset(w for w in words if w.isalpha())


@cache
def known_folded() -> frozenset[str]:
    return frozenset(fold(w) for w in known_syllables())


def _cuts(key: str, known: frozenset[str]) -> list[int]:
    return [i for i in range(MIN_PART, len(key) - MIN_PART + 1)
            if key[:i] in known and key[i:] in known]


def split_merged(word: str) -> list[str]:
    """The syllables of a merged word, or [word] when not exactly one split fits.

    Splits are judged with diacritics first ('VĂNHƯƠNG': only 'văn|hương' is two real
    syllables, 'vănh|ương' is not), then, for words OCR mis-accented, on folded letters.
    """
    word = nfc(word)
    lower, key = word.lower(), fold(word)
    if len(key) != len(word) or len(key) < 2 * MIN_PART + 1:
        return [word]
    if lower in known_syllables() or key in known_folded():
        return [word]
    found = _segmentations(lower, known_syllables())
    if len(found) == 1:  # one reading into known syllables, however many ('NGUYỄNNAMQUẬN')
        out, at = [], 0
        for n in found[0]:
            out.append(word[at:at + n])
            at += n
        return out
    if found:
        return [word]
    # mis-accented: only after a common name syllable ('THULỢI' → 'THU|LỢI')
    common = {fold(w) for w in EXTRA}
    cuts = [i for i in _cuts(key, known_folded()) if key[:i] in common]
    if len(cuts) != 1:
        return [word]
    return [word[:cuts[0]], word[cuts[0]:]]


MAX_SEGMENTS = 5


def _segmentations(text: str, known: frozenset[str]) -> list[tuple[int, ...]]:
    """Up to two ways (piece lengths) to cut `text` into 2..MAX_SEGMENTS known syllables."""
    @cache
    def ways(start: int, left: int) -> tuple[tuple[int, ...], ...]:
        if start == len(text):
            return ((),)
        if left == 0:
            return ()
        out: list[tuple[int, ...]] = []
        for end in range(start + MIN_PART, len(text) + 1):
            if text[start:end] in known:
                out += [(end - start, *rest) for rest in ways(end, left - 1)]
                if len(out) > 1:
                    break
        return tuple(out[:2])

    return [w for w in ways(0, MAX_SEGMENTS) if len(w) >= 2][:2]


# --- Vietnamese syllable shape (phonotactics), for judging names OCR may have garbled -----

_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d",
           "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
_NUCLEI = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay",
           "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "oo",
           "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê", "iêu",
           "oai", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyê", "yêu", "uyu")
_OPEN_ONLY = {"ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi",
              "ua", "ui", "ưa", "ưi", "ưu", "iêu", "oai", "oay", "oeo", "uây", "uôi", "ươi",
              "ươu", "uya", "yêu", "uyu"}
_CODAS = ("ng", "nh", "ch", "c", "k", "m", "n", "p", "t", "")  # k: Đắk Lắk, minority names
_STOPS = ("c", "ch", "k", "p", "t")
_TONES = {"\u0300": "huyen", "\u0301": "sac", "\u0309": "hoi", "\u0303": "nga",
          "\u0323": "nang"}


def _untone(word: str) -> tuple[str, list[str]]:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", word)
    tones = [_TONES[c] for c in decomposed if c in _TONES]
    base = "".join(c for c in decomposed if c not in _TONES)
    return unicodedata.normalize("NFC", base), tones


@cache
def is_vietnamese_syllable(word: str) -> bool:
    """Could this be one written Vietnamese syllable? ('Nguyễn', 'Hương' yes; 'Irường',
    'Phượơng', 'Nguyênthanh' no). Shape only: onset + vowel nucleus + coda, one tone mark,
    stop codas only with the sắc or nặng tone."""
    base, tones = _untone(nfc(word).lower())
    if len(tones) > 1 or not base.isalpha():
        return False
    for onset in _ONSETS:
        if not base.startswith(onset):
            continue
        rest = base[len(onset):]
        if not rest and onset == "gi":
            return True
        for coda in _CODAS:
            if coda and not rest.endswith(coda):
                continue
            nucleus = rest[:len(rest) - len(coda)] if coda else rest
            if nucleus not in _NUCLEI or (coda and nucleus in _OPEN_ONLY):
                continue
            if coda in _STOPS and tones and tones[0] not in ("sac", "nang"):
                continue
            return True
    return False
