"""Free text (places, ethnicity, nationality, register numbers): NFC, single spaces, case
kept, dotted leaders and trailing punctuation stripped. Closed vocabularies (ethnicity,
nationality) get their diacritics back when the folded text matches one entry."""

from __future__ import annotations

import re

from extractors.normalise.digits import repair_digit_runs
from extractors.normalise.place_units import snap_units
from extractors.normalise.places import repair_place
from extractors.normalise.result import Normalised, strip_wrapping
from extractors.normalise.vocab import (
    CAUSES_OF_DEATH,
    VOCABULARIES,
    canonical,
    snap_to_vocabulary,
    vocab_key,
)


def normalise_text(raw: str) -> Normalised:
    text = strip_wrapping(raw)
    return Normalised(text or None, [] if text else ["missing"], clean=bool(text))


_MISREAD_COMMA = re.compile(r"\.\s+(?=[a-zà-ỹđ])")
# '... Xã Kim Đức. Huyện Gia Lâm': a period before the next unit of an address is its comma.
_UNIT_START = re.compile(r"(?<=\w)[.,]*\.\s*,?\s*(?=(?:Số|Tổ|Thôn|Ấp|Xóm|Xã|Phường|Thị trấn|Thị xã|"
                         r"Huyện|Quận|Thành phố|Tỉnh)\b)")
_DOUBLE_COMMA = re.compile(r"(?:\s*[,.]){2,}\s*(?=\S)")


def normalise_place(raw: str) -> Normalised:
    """A place: free text, with OCR-garbled unit names re-spelled (see places.py) and a
    period before a lower-case word read as the comma it was."""
    result = normalise_text(raw)
    if result.value is None:
        return result
    text = _MISREAD_COMMA.sub(", ", result.value)
    text = _UNIT_START.sub(", ", text)
    text = _DOUBLE_COMMA.sub(", ", text)
    text = text[:1].upper() + text[1:]  # a written value starts with a capital letter
    fixed, changed = repair_place(text)
    fixed, snapped = snap_units(fixed)
    result.repaired = changed or snapped or text != result.value
    result.value = fixed
    return result


def _from_vocabulary(raw: str, vocabulary: str) -> Normalised:
    result = normalise_text(raw)
    if result.value is None:
        return result
    fixed = canonical(vocabulary, result.value)
    if fixed is None:
        snapped = snap_to_vocabulary(vocabulary, result.value)
        result.clean = False  # not a known entry as read: worth a look
        if snapped is None:
            result.issues.append(f"unknown_{vocabulary}")
        else:  # 'Knh' → 'Kinh': the one entry it resembles by a clear margin
            result.value, result.repaired = snapped, True
    elif fixed != result.value:
        result.value, result.repaired = fixed, True
    if isinstance(result.value, str) and _longer_variant(vocabulary, result.value):
        result.issues.append(SHORT_VARIANT)
    return result


SHORT_VARIANT = "may_have_lost_prefix"


def _longer_variant(vocabulary: str, value: str) -> bool:
    """Another entry is this one behind a short prefix OCR loses ("H'Mông" for "Mông": the
    H and the apostrophe are thin strokes); both are printed, so the reading cannot tell."""
    for entry in VOCABULARIES[vocabulary]:
        head = entry[:-len(value)] if entry.endswith(value) and entry != value else ""
        if head and len(head.replace("'", "").replace("-", "").strip()) <= 2:
            return True
    return False


def normalise_cause_of_death(raw: str) -> Normalised:
    """Free text, with a common cause OCR garbled snapped back ('Đôt quy', 'Ung thư qan');
    a cause that resembles none clearly is kept as read, and is no issue: the list is open."""
    result = normalise_text(raw)
    if result.value is None:
        return result
    fixed = canonical("cause_of_death", result.value)
    if fixed is None:
        fixed = snap_to_vocabulary("cause_of_death", result.value) or _nearest_by_edits(
            result.value)
        result.clean = fixed is None  # letters changed, not only marks: worth a look
    if fixed is not None and fixed != result.value:
        result.value, result.repaired = fixed, True
    return result


def _nearest_by_edits(text: str) -> str | None:
    """The cause one or two letter edits away (on folded letters) when every other is at
    least two edits further ('Ung thư qan': Ung thư gan 1, Ung thư 3)."""
    from rapidfuzz.distance import Levenshtein

    key = vocab_key(text)
    if len(key) < 6:
        return None
    scored = sorted((Levenshtein.distance(key, vocab_key(e)), e) for e in CAUSES_OF_DEATH)
    best, entry = scored[0]
    if best <= min(2, len(key) // 5) and scored[1][0] - best >= 2:
        return entry
    return None


def normalise_ethnicity(raw: str) -> Normalised:
    return _from_vocabulary(raw, "ethnicity")


def normalise_nationality(raw: str) -> Normalised:
    return _from_vocabulary(raw, "nationality")


def normalise_register_number(raw: str) -> Normalised:
    """'Số: 125/2023' style entries: figures and slashes, spaces around '/' removed."""
    text, repaired = repair_digit_runs(strip_wrapping(raw))
    text = re.sub(r"\s*([/\-])\s*", r"\1", text)
    if not text:
        return Normalised(None, ["missing"], clean=False)
    clean = bool(re.fullmatch(r"[0-9A-Za-z/\-.]+", text)) and not repaired
    return Normalised(text, clean=clean, repaired=repaired)
