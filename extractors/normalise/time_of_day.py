"""Time of day, as the death extract prints it inside a sentence: "Đã chết vào lúc: 16 giờ
30 phút, ngày 12 tháng 3 năm 2020" (figures filled into the printed blanks), sometimes
"16h30" or "16:30", and again in words on the next line ("mười sáu giờ ba mươi phút").

Values are "HH:MM". The sentence also carries the date; `normalise_date_after_time` reads
it from the same raw text, with the time taken out first so its figures cannot pass for a day.
Parsed on folded text (OCR drops tone marks: "gio", "phut"); the printed unit words may be
misread by one letter ("qiờ", "phủt") and dotted blanks may leave scraps between the figures.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from extractors.normalise.dates import normalise_date
from extractors.normalise.digits import repair_digit_runs
from extractors.normalise.number_words import parse_number
from extractors.normalise.result import Normalised, strip_wrapping
from pipeline.textnorm import fold

HOUR_WORDS = ("gio",)
MINUTE_WORDS = ("phut",)
_COMPACT = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s*(?:[:hg]|gio)\s*([0-5]\d)(?!\d)")
_TOKEN = re.compile(r"\d+|[a-z]+")
_DATE_START = re.compile(r"\bngay\b|\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}")
SCRAP_SPAN = 3  # tokens of dotted-line debris tolerated between a figure and its unit


def _is_unit(token: str, units: tuple[str, ...]) -> bool:
    return token in units or any(
        len(token) >= 3 and Levenshtein.distance(token, u) <= 1 for u in units)


def _time(hour: int, minute: int, *, clean: bool = True,
          repaired: bool = False) -> Normalised:
    if not (0 <= hour <= 24 and 0 <= minute <= 59) or (hour == 24 and minute):
        return Normalised(None, ["invalid_time"], clean=False)
    return Normalised(f"{hour % 24:02d}:{minute:02d}", clean=clean, repaired=repaired)


def _time_span(folded: str) -> tuple[int, int] | None:
    """Where the time ends in the folded text: up to the minute unit, or the hour unit."""
    tokens = list(_TOKEN.finditer(folded))
    for i, tok in enumerate(tokens):
        if _is_unit(tok.group(), MINUTE_WORDS):
            return 0, tok.end()
    for i, tok in enumerate(tokens):
        if _is_unit(tok.group(), HOUR_WORDS):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            end = nxt.end() if nxt is not None and nxt.group().isdigit() and len(
                nxt.group()) <= 2 else tok.end()
            return 0, end
    m = _COMPACT.search(folded)
    return (0, m.end()) if m else None


def _figures_before(tokens: list[str], at: int) -> int | None:
    """The figure written in the blank before a unit word (debris in between skipped)."""
    for k in range(at - 1, max(-1, at - 1 - SCRAP_SPAN), -1):
        if tokens[k].isdigit() and len(tokens[k]) <= 2:
            return int(tokens[k])
    return None


def parse_time_figures(raw: str) -> Normalised | None:
    """'16 giờ 30 phút', '16 giờ', '16h30', '16:30'; None when no figures are there."""
    text, repaired = repair_digit_runs(strip_wrapping(raw))
    folded = fold(text)
    tokens = _TOKEN.findall(folded)
    hours = [i for i, t in enumerate(tokens) if _is_unit(t, HOUR_WORDS)]
    if hours:
        hour = _figures_before(tokens, hours[0])
        if hour is not None:
            minutes = [i for i, t in enumerate(tokens) if i > hours[0]
                       and _is_unit(t, MINUTE_WORDS)]
            if minutes:
                minute = _figures_before(tokens, minutes[0])
                if minute is None:
                    return Normalised(None, ["unparsed_time"], clean=False)
            else:  # '16 giờ' alone, or the minute unit lost after the figure
                nxt = tokens[hours[0] + 1] if hours[0] + 1 < len(tokens) else ""
                minute = int(nxt) if nxt.isdigit() and len(nxt) <= 2 else 0
            exact = bool(re.search(r"\d\s*gi[oờ]\S*\s+\d+\s*ph[uú]t|\d\s*gi[oờ]\b", folded))
            return _time(hour, minute, clean=not repaired and exact, repaired=repaired)
    m = _COMPACT.search(folded)
    if m:
        return _time(int(m.group(1)), int(m.group(2)), repaired=repaired,
                     clean=not repaired)
    return None


def parse_time_words(raw: str) -> Normalised | None:
    """'mười sáu giờ ba mươi phút' -> '16:30'; None when the hour is not in words."""
    tokens = _TOKEN.findall(fold(strip_wrapping(raw)))
    hours = [i for i, t in enumerate(tokens) if _is_unit(t, HOUR_WORDS)]
    if not hours:
        return None
    at = hours[0]
    hour = None
    for start in range(max(0, at - 3), at):  # the longest run of number words before 'giờ'
        hour = parse_number(tokens[start:at])
        if hour is not None:
            break
    if hour is None:
        return None
    minute = 0
    minutes = [i for i, t in enumerate(tokens) if i > at and _is_unit(t, MINUTE_WORDS)]
    if minutes:
        minute = parse_number(tokens[at + 1:minutes[0]])
        if minute is None:
            return Normalised(None, ["unparsed_time_words"], clean=False)
    return _time(hour, minute)


def normalise_time_of_day(raw: str) -> Normalised:
    """The time in figures, or failing that in words."""
    result = parse_time_figures(raw) or parse_time_words(raw)
    return result or Normalised(None, ["unparsed_time"], clean=False)


def normalise_date_after_time(raw: str) -> Normalised:
    """The date of a '… giờ … phút, ngày …' sentence (figures or words): the time part is
    cut off first so '16 giờ 30' is never read as a day."""
    text = strip_wrapping(raw)
    folded = fold(text)
    m = _DATE_START.search(folded)
    if m is not None:
        cut = m.start()
    else:
        span = _time_span(folded)
        cut = span[1] if span else 0
    # fold() keeps one character per character for Vietnamese text, so offsets carry over.
    tail = text[cut:] if len(folded) == len(text) else text
    result = normalise_date(tail)
    if result.value is None and tail != text:
        result = normalise_date(text)
    return result
