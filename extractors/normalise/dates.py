"""Dates: numeric (2/7/1990, 02-07-1990, 02.07.1990), running text ("ngày 09 tháng 6 năm
2023") and the date in words of birth and death forms ("Ngày hai, tháng bảy, năm một nghìn
chín trăm chín mươi"). Parsed on folded text so OCR-dropped diacritics do not matter.
Values are ISO strings; an impossible date is None with an issue, never a guess."""

from __future__ import annotations

import re
from datetime import date

from rapidfuzz.distance import Levenshtein

from extractors.normalise.digits import repair_digit_runs
from extractors.normalise.number_words import parse_number
from extractors.normalise.result import Normalised, strip_wrapping
from pipeline.textnorm import fold

# A separator may come doubled: '13⁄10⁄/2022' (a slash read twice).
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]{1,2}\s*(\d{1,2})\s*[/.\-]{1,2}\s*(\d{4})(?!\d)")
_RUNNING = re.compile(r"ngay\W*(\d{1,2})\W*thang\W*(\d{1,2})\W*nam\W*(\d{4})(?!\d)")
_WORD = re.compile(r"[a-z]+")
MIN_YEAR, MAX_YEAR = 1850, 2150


def _make(year: int, month: int, day: int) -> Normalised:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return Normalised(None, ["invalid_date"], clean=False)
    try:
        return Normalised(date(year, month, day).isoformat())
    except ValueError:
        return Normalised(None, ["invalid_date"], clean=False)


def parse_numeric_date(raw: str) -> Normalised | None:
    """dd/mm/yyyy in any of its printed shapes; None when there is no numeric date."""
    text, repaired = repair_digit_runs(strip_wrapping(raw))
    folded = fold(text)
    m = _NUMERIC.search(folded) or _RUNNING.search(folded)
    if m is None:
        return None
    day, month, year = m.group(1), m.group(2), m.group(3)
    result = _make(int(year), int(month), int(day))
    if result.value is None:
        slipped = _undo_digit_slips(day, month, year)
        if slipped is not None:
            return slipped
    result.repaired = repaired
    result.clean = result.clean and not repaired
    if result.value is not None and re.search(r"[/.\-]{2}", m.group(0)):
        # A doubled separator is a glyph misread ('18⁄4/⁄1976' was 18/01/1976): the date is
        # a guess, shown to a person, never accepted unreviewed (extractors.review GUESSED).
        result.repaired, result.clean = True, False
        result.issues = [*result.issues, "date_digits_repaired"]
    return result


# Digit-for-digit slips Tesseract makes in dates printed beside a slash ('21⁄41⁄2008' for
# 21/11/2008, '79⁄70⁄2020' for 19/10/2020, '20/10/2822' for 20/10/2022; office-dev, 2026-11).
DIGIT_SLIPS = {"4": "1", "7": "1", "8": "0"}


def _slip_reading(figures: str, low: int, high: int) -> str | None:
    """The one reading of `figures` within [low, high] that undoes one slipped digit; None
    when no reading or more than one fits."""
    options = {figures[:i] + DIGIT_SLIPS[c] + figures[i + 1:]
               for i, c in enumerate(figures) if c in DIGIT_SLIPS}
    options = {o for o in options if low <= int(o) <= high}
    return options.pop() if len(options) == 1 else None


def _undo_digit_slips(day: str, month: str, year: str) -> Normalised | None:
    """An impossible date whose impossible parts each have exactly one possible reading with
    one slipped digit undone: that reading, marked repaired and `date_digits_repaired` (a
    person confirms it: extractors.review never auto-accepts it). Possible parts are kept as
    read; None when it stays ambiguous."""
    limits = ((day, 1, 31), (month, 1, 12), (year, MIN_YEAR, date.today().year + 1))
    fixed: list[str] = []
    for part, low, high in limits:
        if low <= int(part) <= high:
            fixed.append(part)
            continue
        reading = _slip_reading(part, low, high)
        if reading is None:
            return None
        fixed.append(reading)
    result = _make(int(fixed[2]), int(fixed[1]), int(fixed[0]))
    if result.value is None:
        return None
    return Normalised(result.value, ["date_digits_repaired"], clean=False, repaired=True)


def parse_date_words(raw: str) -> Normalised | None:
    """'Ngày mồng hai, tháng bảy, năm một nghìn …' -> '1990-07-02'; None when not words.

    The year keyword 'năm' folds like the number five, so every 'nam' after 'thang' is tried
    as the split point and the first one giving a valid month and year wins.
    """
    words = [_keyword(w) for w in _WORD.findall(fold(strip_wrapping(raw)))]
    if "ngay" not in words or "thang" not in words:
        return None
    i_day = words.index("ngay")
    i_month = words.index("thang", i_day + 1) if "thang" in words[i_day + 1:] else -1
    if i_month < 0:
        return None
    day = parse_number(words[i_day + 1:i_month])
    if day is None:
        return Normalised(None, ["unparsed_date_words"], clean=False)
    for k in range(i_month + 1, len(words)):
        if words[k] != "nam":
            continue
        month = parse_number(words[i_month + 1:k])
        year = parse_number(words[k + 1:])
        if month is not None and year is not None and 1 <= month <= 12 and year >= 1000:
            return _make(year, month, day)
    return Normalised(None, ["unparsed_date_words"], clean=False)


def _keyword(word: str) -> str:
    """'naay'/'nsay' → 'ngay', 'thag' → 'thang': one OCR slip in the two long keywords."""
    for key in ("ngay", "thang"):
        if word != key and len(word) >= 3 and Levenshtein.distance(word, key) == 1:
            return key
    return word


def normalise_date(raw: str) -> Normalised:
    """A date printed in figures (or, failing that, in words)."""
    result = parse_numeric_date(raw) or parse_date_words(raw)
    return result or Normalised(None, ["unparsed_date"], clean=False)


def normalise_date_words(raw: str) -> Normalised:
    """The date in words; figures are accepted too (some copies print them there)."""
    result = parse_date_words(raw)
    if result is None or result.value is None:
        numeric = parse_numeric_date(raw)
        if numeric is not None:
            return numeric
    return result or Normalised(None, ["unparsed_date_words"], clean=False)


def normalise_year(raw: str) -> Normalised:
    """A year alone ('Năm sinh: 1965') as an integer."""
    text, repaired = repair_digit_runs(strip_wrapping(raw))
    stroke = re.fullmatch(r"[/|!lI](\d{3})[/|]?", text)
    if stroke:  # the leading 1 read as a stroke: '/977'
        text, repaired = "1" + stroke.group(1), True
    m = re.search(r"(?<!\d)(\d{4})(?!\d)", text)
    if m is None:
        words = _WORD.findall(fold(text))
        year = parse_number(words) if words else None
        if year is None:
            return Normalised(None, ["unparsed_year"], clean=False)
        clean = True
    else:
        year, clean = int(m.group(1)), not repaired and m.group(1) == text.strip()
    if not MIN_YEAR <= year <= MAX_YEAR:
        reading = _slip_reading(str(year), MIN_YEAR, date.today().year)
        if reading is not None:  # '7995': a 1 read as 7
            return Normalised(int(reading), ["date_digits_repaired"], clean=False,
                              repaired=True)
        return Normalised(None, ["invalid_year"], clean=False)
    return Normalised(year, clean=clean, repaired=repaired)
