"""Dates: numeric (2/7/1990, 02-07-1990, 02.07.1990), running text ("ngày 09 tháng 6 năm
2023") and the date in words of birth and death forms ("Ngày hai, tháng bảy, năm một nghìn
chín trăm chín mươi"). Parsed on folded text so OCR-dropped diacritics do not matter.
Values are ISO strings; an impossible date is None with an issue, never a guess."""

from __future__ import annotations

import re
from datetime import date

from rapidfuzz.distance import Levenshtein

from extractors.normalise.digits import repair_digit_runs
from extractors.normalise.number_words import parse_number, says_start_of
from extractors.normalise.result import Normalised, strip_wrapping
from pipeline.textnorm import fold

# A separator may come doubled: '13⁄10⁄/2022' (a slash read twice).
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]{1,2}\s*(\d{1,2})\s*[/.\-]{1,2}\s*(\d{4})(?!\d)")
_RUNNING = re.compile(r"ngay\W*(\d{1,2})\W*thang\W*(\d{1,2})\W*nam\W*(\d{4})(?!\d)")
_WORD = re.compile(r"[a-z]+")
MIN_YEAR, MAX_YEAR = 1850, 2150
# A slash read as another stroke between the digit groups of a date: '12|5|1990',
# '12l5l1990', '12I5I1990', '12\\5\\1990' (a letter there would otherwise be taken for a 1).
_SEP = r"[/⁄∕／|lI\\.\-]"
_SLASHED = re.compile(rf"(?<![\dA-Za-z])(\d{{1,2}})\s*({_SEP}{{1,2}})\s*(\d{{1,2}})"
                      rf"\s*({_SEP}{{1,2}})\s*(\d{{4}})(?![\dA-Za-z])")
_STROKES = re.compile(r"[|lI\\]")
_SPACED_YEAR = re.compile(r"\d(?:[\s.,'\-]?\d){3}")


def _make(year: int, month: int, day: int) -> Normalised:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return Normalised(None, ["invalid_date"], clean=False)
    try:
        return Normalised(date(year, month, day).isoformat())
    except ValueError:
        return Normalised(None, ["invalid_date"], clean=False)


def parse_numeric_date(raw: str) -> Normalised | None:
    """dd/mm/yyyy in any of its printed shapes; None when there is no numeric date."""
    text, stroked = _strokes_as_slashes(strip_wrapping(raw))
    text, repaired = repair_digit_runs(text)
    repaired = repaired or stroked
    folded = fold(text)
    m = _NUMERIC.search(folded) or _RUNNING.search(folded)
    if m is None:
        return None
    day, month, year = m.group(1), m.group(2), m.group(3)
    apart = _DIGIT_APART.search(folded[:m.start(1)])
    if apart is not None:  # '1 9/6/2017': the day's first digit read apart from the rest
        joined = apart.group(1) + day
        day = joined if len(joined) == 2 and 1 <= int(joined) <= 31 else day
        repaired = True
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
        result.issues = [*result.issues, DIGITS_REPAIRED]
    return result


_DIGIT_APART = re.compile(r"(?<!\d)(\d)\s+$")


def _strokes_as_slashes(text: str) -> tuple[str, bool]:
    """'12|5|1990' -> '12/5/1990': a stroke between the digit groups of a date is its slash
    (marked: the value is read through a repair)."""
    changed = False

    def fix(m: re.Match[str]) -> str:
        nonlocal changed
        seps = [_STROKES.sub("/", m.group(i)) for i in (2, 4)]
        changed = changed or seps != [m.group(2), m.group(4)]
        return f"{m.group(1)}{seps[0]}{m.group(3)}{seps[1]}{m.group(5)}"

    return _SLASHED.sub(fix, text), changed


# Digit-for-digit slips Tesseract makes in dates printed beside a slash ('21⁄41⁄2008' for
# 21/11/2008, '79⁄70⁄2020' for 19/10/2020, '20/10/2822' for 20/10/2022; office-dev, 2026-11;
# a 0 read as 9 in a typewriter face: '26/09/2907', '26/96/1994', office-dev v8).
DIGIT_SLIPS = {"4": "1", "7": "1", "8": "0", "9": "0"}
DIGITS_REPAIRED = "date_digits_repaired"  # an issue: a person confirms the reading back


def _slip_reading(figures: str, low: int, high: int) -> str | None:
    """The one reading of `figures` within [low, high] that undoes one slipped digit; None
    when no reading or more than one fits."""
    options = {figures[:i] + DIGIT_SLIPS[c] + figures[i + 1:]
               for i, c in enumerate(figures) if c in DIGIT_SLIPS}
    options = {o for o in options if low <= int(o) <= high}
    return options.pop() if len(options) == 1 else None


def slip_read_parts(parts: list[str], limits: list[tuple[int, int]]) -> list[str] | None:
    """Each part of a date as read when within its limits, else its one reading with one
    slipped digit undone; None when a part out of its limits has no such reading or several."""
    fixed: list[str] = []
    for part, (low, high) in zip(parts, limits, strict=True):
        reading = part if low <= int(part) <= high else _slip_reading(part, low, high)
        if reading is None:
            return None
        fixed.append(reading)
    return fixed


def _undo_digit_slips(day: str, month: str, year: str) -> Normalised | None:
    """An impossible date whose impossible parts each have exactly one possible reading with
    one slipped digit undone: that reading, marked repaired and `date_digits_repaired` (a
    person confirms it: extractors.review never auto-accepts it). Possible parts are kept as
    read; None when it stays ambiguous."""
    fixed = slip_read_parts([day, month, year],
                            [(1, 31), (1, 12), (MIN_YEAR, date.today().year + 1)])
    if fixed is None:
        return None
    result = _make(int(fixed[2]), int(fixed[1]), int(fixed[0]))
    if result.value is None:
        return None
    return Normalised(result.value, [DIGITS_REPAIRED], clean=False, repaired=True)


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
    """A year of birth alone ('Năm sinh: 1965') as an integer; one still to come is no year
    (read back through a slipped digit when exactly one reading is possible)."""
    text, repaired = repair_digit_runs(strip_wrapping(raw))
    stroke = re.fullmatch(r"[/|!lI](\d{3})[/|]?", text)
    if stroke:  # the leading 1 read as a stroke: '/977'
        text, repaired = "1" + stroke.group(1), True
    spaced = _SPACED_YEAR.fullmatch(text)
    if spaced and not text.isdigit():  # the year's digits read apart: '1 989', '19.89'
        text, repaired = re.sub(r"\D", "", text), True
    m = re.search(r"(?<!\d)(\d{4})(?!\d)", text)
    if m is None:
        words = _WORD.findall(fold(text))
        year = parse_number(words) if words else None
        if year is None:
            return Normalised(None, ["unparsed_year"], clean=False)
        clean = True
    else:
        year, clean = int(m.group(1)), not repaired and m.group(1) == text.strip()
    if not MIN_YEAR <= year <= date.today().year:  # a year of birth is never to come
        reading = _slip_reading(str(year), MIN_YEAR, date.today().year)
        if reading is not None:  # '7995': a 1 read as 7
            return Normalised(int(reading), [DIGITS_REPAIRED], clean=False,
                              repaired=True)
        return Normalised(None, ["invalid_year"], clean=False)
    return Normalised(year, clean=clean, repaired=repaired)


# Slips seen when another reading of the same date settles which digit was meant: besides
# DIGIT_SLIPS, a 1 or a 0 read as 2 ('27⁄21⁄1978' for 27/01/1978, '5⁄22⁄2985' for
# 5/12/1985) and a 0 read as 9 ('93/12/2903' for 03/12/2003; office-dev, 2026-11). Too
# ambiguous to undo alone ('22' is 12 or 02), they only choose among readings that the
# date in words or the personal ID confirms (extractors.date_settle).
CONFIRMED_SLIPS: dict[str, str] = {**DIGIT_SLIPS, "2": "10", "9": "0"}


def _part_readings(figures: str, low: int, high: int) -> dict[int, int]:
    """The values `figures` may stand for within [low, high]: as read (no slip) and with
    one confirmed slip undone (one slip), value -> slips."""
    out: dict[int, int] = {}
    for i, c in enumerate(figures):
        for meant in CONFIRMED_SLIPS.get(c, ""):
            v = int(figures[:i] + meant + figures[i + 1:])
            if low <= v <= high:
                out.setdefault(v, 1)
    if low <= int(figures) <= high:
        out[int(figures)] = 0
    return out


def numeric_readings(raw: str, *, latest: int | None = None) -> dict[str, int]:
    """Every date the figures in `raw` may be, with how many slipped digits each reading
    undoes (at most one per part): '93/12/2903' -> {'2003-12-03': 2, '1903-12-03': 2}.
    Empty when `raw` holds no date in figures."""
    text, _ = _strokes_as_slashes(strip_wrapping(raw))
    text, _ = repair_digit_runs(text)
    m = _NUMERIC.search(fold(text)) or _RUNNING.search(fold(text))
    if m is None:
        return {}
    latest = latest if latest is not None else date.today().year + 1
    days = _part_readings(m.group(1), 1, 31)
    months = _part_readings(m.group(2), 1, 12)
    years = _part_readings(m.group(3), MIN_YEAR, latest)
    out: dict[str, int] = {}
    for y, sy in years.items():
        for mo, sm in months.items():
            for d, sd in days.items():
                try:
                    out[date(y, mo, d).isoformat()] = sy + sm + sd
                except ValueError:
                    continue
    return out


def words_say(raw: str, iso: str) -> bool:
    """Whether the date in words in `raw` says the date `iso`, or starts to: day and month
    as the words give them and the year's words the start of a way of saying the year
    ('năm hai ngàn không' cut at the line end, or followed by debris, says 2001 as far as
    it goes). False when `raw` is no date in words."""
    when = date.fromisoformat(iso)
    words = [_keyword(w) for w in _WORD.findall(fold(strip_wrapping(raw)))]
    if "ngay" not in words or "thang" not in words[words.index("ngay") + 1:]:
        return False
    i_day = words.index("ngay")
    i_month = words.index("thang", i_day + 1)
    if parse_number(words[i_day + 1:i_month]) != when.day:
        return False
    return any(words[k] == "nam" and parse_number(words[i_month + 1:k]) == when.month
               and says_start_of(words[k + 1:], when.year)
               for k in range(i_month + 1, len(words)))


def year_digits_say(raw: str, year: int) -> bool:
    """Whether the figures read for a year alone are `year` but for one digit misread, lost
    or doubled ('1296', '199)', '1 9977' for 1996, 1999, 1997). At least three digits must
    be read."""
    text, _ = repair_digit_runs(strip_wrapping(raw))
    digits = re.sub(r"\D", "", text)
    return len(digits) >= 3 and Levenshtein.distance(digits, str(year)) <= 1
