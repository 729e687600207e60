"""One date read several ways settles a misread one (cross-check rule `settle_date`); an
area printed in figures and in words likewise (`settle_area`, at the end).

A birth certificate prints the date of birth in figures and again in words, and the personal
ID carries the century and the last two digits of the birth year (domain.md): one fact read
independently up to three times. When the reading in figures is impossible, or disagrees
with the others, each of its readings with slipped digits undone
(extractors.normalise.dates.numeric_readings) is held against the other readings: the words
must say it (or start to, when they are cut at the line end), the ID's year must be its
year. The one reading that fits with the fewest slips undone is taken, for the figures and
for the words (the ID alone only settles figures that are no date: a misread ID must not
overrule a date read whole); a year alone (a land holder's) that is no year takes the ID's
year when its figures are that year but for one digit.

A value settled this way is marked (`read_from_words`, `read_from_id`, `read_from_figures`),
counted as repaired and as a disagreement, so a person confirms it: the agreement it then
shows with the reading it came from is no evidence of its own. Figures whose words read as
another whole date keep that doubt (`other_reading_differs`): 'năm hai ngàn' may be cut
short of 2003, or be the whole of 2000.

keys: (the date or year, then its other readings: a date in words, a personal ID).
"""

from __future__ import annotations

from datetime import date

from extractors.evidence import TIEBREAK_AGREES, WITNESS_AGREES, WITNESS_DIFFERS
from extractors.form_spec import CrossCheck
from extractors.normalise.dates import (
    CONFIRMED_SLIPS,
    numeric_readings,
    words_say,
    year_digits_say,
)
from extractors.normalise.identity import decode_century_sex
from extractors.review import FROM_FIGURES, FROM_ID, FROM_WORDS, Drafts, FieldDraft

OTHER_READING_DIFFERS = "other_reading_differs"


def _id_year(d: FieldDraft) -> int | None:
    decoded = decode_century_sex(d.value) if isinstance(d.value, str) else None
    return decoded[0] if decoded else None


def _settle(d: FieldDraft, value: str | int | float, issue: str, *,
            contradicted: bool = True) -> None:
    """`d` takes `value`, read from another reading of its fact (`issue` says which); unless
    no reading of `d`'s own contradicts it any more, that is a disagreement."""
    d.value = value
    if issue not in d.issues:
        d.issues.append(issue)
    for stale in ("invalid_date", "unparsed_date", "unparsed_date_words", "invalid_year",
                  "unparsed_year"):
        if stale in d.issues:
            d.issues.remove(stale)
    d.evidence.parsed, d.evidence.clean, d.evidence.repaired = True, False, True
    d.evidence.disagreements += int(contradicted)


def check_settle_date(drafts: Drafts, check: CrossCheck, today: date) -> None:
    target = drafts.get(check.keys[0])
    if target is None or not target.raw:
        return
    others = [drafts[k] for k in check.keys[1:] if k in drafts and drafts[k].raw]
    words = [d for d in others if d.evidence.family == "date_words"]
    years = [y for d in others if d.evidence.family == "id_number"
             if (y := _id_year(d)) is not None and y <= today.year]
    if target.evidence.family == "year":
        _settle_year(target, years)
        return
    if not words and (not years or target.value is not None):
        return  # the ID alone settles an impossible date, never overrules a possible one
    readings = numeric_readings(target.raw, latest=today.year)
    fits = {iso: slips for iso, slips in readings.items()
            if all(words_say(w.raw or "", iso) for w in words)
            and all(date.fromisoformat(iso).year == y for y in years)}
    if not fits:
        _take_words(target, words, years)
        return
    fewest = min(fits.values())
    best = [iso for iso, slips in fits.items() if slips == fewest]
    said = {w.value for w in words} & set(fits)
    if len(best) != 1 or said - set(best):
        # also when the words' own date is a reading but not the best: '2008' and words
        # 'năm hai nghìn' are 2008 cut short or 2000 with an 8 for a 0
        return
    iso = best[0]
    if target.value != iso:
        _settle(target, iso, FROM_WORDS if words else FROM_ID)
    for w in words:
        if w.value == iso:
            continue
        if w.value is not None and target.evidence.disagreements == 0:
            # words that read as another whole date ('năm hai ngàn' is 2000) may be whole:
            # the figures they only start to confirm stay doubted, as before settling
            target.evidence.disagreements += 1
            target.issues.append(OTHER_READING_DIFFERS)
        _settle(w, iso, FROM_FIGURES)


def _take_words(target: FieldDraft, words: list[FieldDraft], years: list[int]) -> None:
    """Figures that are no date and have no reading the words say: the words' date, when
    they read as one (and the ID's year is its year), as a form's `fallback` would."""
    said = {w.value for w in words if isinstance(w.value, str)}
    if target.value is not None or len(said) != 1:
        return
    iso = said.pop()
    if all(date.fromisoformat(iso).year == y for y in years):
        _settle(target, iso, FROM_WORDS)


def _settle_year(target: FieldDraft, years: list[int]) -> None:
    """A year that is no year ('1296', '199)') and the ID's year it is one digit from."""
    if target.value is not None or len(set(years)) != 1:
        return
    if year_digits_say(target.raw or "", years[0]):
        _settle(target, years[0], FROM_ID)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def area_figures(value: float) -> str:
    """An area's figures as printed, decimal mark dropped: 401.0 -> '4010'."""
    return f"{value:.1f}".replace(".", "")


def check_settle_area(drafts: Drafts, check: CrossCheck, today: date) -> None:
    """An area whose figures differ from its words by one digit, a slip OCR makes ('401,0'
    read '407,0', '305,0' read '305,9'), takes the words' value: the words are why the
    certificate prints the area twice, and they read cleanly. Marked `read_from_words`, so
    a person confirms it like a date settled from its words - unless the figure witness read
    the words' value too (then only the first reading slipped, and the confidence model
    weighs it). Figures the witness read as they were first read stay as read: two models
    agree on them, and the figures-words check flags the difference. keys: (area, area in
    words)."""
    figures, words = (drafts.get(k) for k in check.keys)
    if (figures is None or words is None or not _number(figures.value)
            or not _number(words.value) or figures.value == words.value
            or not words.evidence.clean or words.issues):
        return
    features = figures.evidence.features
    if features.get(WITNESS_AGREES):  # two models read these figures: the words may be the
        return  # misread ones ('ba nghìn chín trăm tám mươi' for 3982); the check flags it
    read, meant = area_figures(float(figures.value)), area_figures(float(words.value))
    if len(read) != len(meant):
        return
    slips = [(r, m) for r, m in zip(read, meant, strict=True) if r != m]
    if len(slips) == 1 and slips[0][1] in CONFIRMED_SLIPS.get(slips[0][0], ""):
        # the figure witness read what the words say: the first reading alone slipped, no
        # reading contradicts the value (the model weighs it, repaired)
        witnessed = figures.witnessed == float(words.value)
        _settle(figures, float(words.value), FROM_WORDS, contradicted=not witnessed)
        if witnessed:
            features.pop(WITNESS_DIFFERS, None)
            features[WITNESS_AGREES] = 1.0
            if figures.witness_backed:
                features[TIEBREAK_AGREES] = 1.0
