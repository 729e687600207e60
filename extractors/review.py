"""Cross-checks between fields and the first review rule (auto-accept or flag).

A cross-check that holds is strong evidence both fields were read right (the date of birth
in figures and in words are read independently); one that fails means at least one is wrong,
so both lose confidence and carry the issue. Rules are named; forms choose which apply to
which keys (`FormSpec.cross_checks`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources

from extractors.confidence import (
    ConfidenceFn,
    FieldEvidence,
    calibrated_confidence,
)
from extractors.evidence import place_issues, unit_code_fields
from extractors.form_spec import CrossCheck, FormSpec
from extractors.normalise.admin_units import resolve_place
from extractors.normalise.dates import DIGITS_REPAIRED
from extractors.normalise.identity import ID_DIGITS_REPAIRED, id_consistency_issues
from extractors.normalise.land import CODE_LETTERS_GUESSED
from extractors.normalise.names import GIVEN_NAME_LOST, ONE_WORD_NAME, normalise_name
from extractors.normalise.text import SHORT_VARIANT
from extractors.normalise.vocab import vocab_key
from pipeline.config import Settings
from pipeline.models import BBox, DocType, FieldState, FieldValue


@dataclass(slots=True)
class FieldDraft:
    """A field between reading and review: value plus the evidence for its confidence."""

    key: str
    value: str | int | None
    raw: str | None
    page: int | None = None
    bbox: BBox | None = None
    issues: list[str] = field(default_factory=list)
    evidence: FieldEvidence = field(default_factory=FieldEvidence)
    found: bool = True  # its label was on the page
    # the figure witness's value where it was not taken (extractors.alternatives), and
    # whether its tie-break reading gave it too: a cross-check may settle on it later
    witnessed: str | int | float | None = None
    witness_backed: bool = False


Drafts = dict[str, FieldDraft]

# Issues that mean the value is a guess at what OCR misread (an impossible date read back
# through a known digit slip): another reading of the same fact settles them (CONFIRMABLE).
BOOK_REPAIRED = "book_digits_repaired"
GUESSED = frozenset({DIGITS_REPAIRED, BOOK_REPAIRED, ID_DIGITS_REPAIRED})
# Issues of a value that reads well but may be only part of what is printed (a name of
# one word, 'Mông' where 'H'Mông' may have lost its H'): never accepted unreviewed.
PARTIAL = frozenset({ONE_WORD_NAME, GIVEN_NAME_LOST, SHORT_VARIANT})
# Issues of a value that is not a valid one as read: a closed vocabulary's unknown entry
# (`unknown_ethnicity`, 'pao' for Dao), an impossible date: a person reads the scan.
# A land code that is none as read ('Œ§ 13726': no two letters; 'AK 35453': a serial's
# figures short) likewise.
INVALID = frozenset({"invalid_term_date", "invalid_date", "unparsed_code", "code_invalid_shape"})
UNKNOWN_PREFIX = "unknown_"
# Figures read back by a known slip ('7990' as 1990, book '91' as 01) are weighed by the
# confidence model (its `repaired` feature), not held by rule: on the four dev corpora
# (2026-11-24) 39 of 40 repaired dates and 17 of 17 repaired book numbers that raised no
# other issue were right. An identity number's repaired digits were right 4 times in 11:
# a person confirms them.
# A land code's letter read in lower case unlike its capital ('cr 62874' for CT 62874).
NEVER_AUTO = frozenset({ID_DIGITS_REPAIRED, CODE_LETTERS_GUESSED}) | PARTIAL | INVALID
# What an independent reading of the same value settles: its own low confidence, and a
# repair of misread figures (the other reading shows which figures are printed).
CONFIRMABLE = frozenset({"low_confidence"}) | GUESSED
DECLARANT_DIFFERS = "declarant_name_differs"  # extractors.cross_checks.check_declarant_is_parent
# ... and what the linked citizen's registry value, equal to the reading, settles besides
# (`pipeline.document.confirm_from_registry`): an ID whose province prefix is not the
# registration place's (born in one province, registered in another) is the citizen's own
# ID; a name read as ending in a middle name ('PHẠM HOÀNG THỊ') is whole when the
# registry's name has as many words ('Phạm Hoàng Thi': a dot below made up in capitals); a
# parent's name the declarant's near-miss reading put in doubt ('TÂN VĂN NGỌC' declaring for
# 'Trần Văn Ngọc': one of the two readings is wrong) is the one the registry spells.
REGISTRY_SETTLES = frozenset({"id_province_mismatch", GIVEN_NAME_LOST, DECLARANT_DIFFERS})


def never_auto(issues: list[str]) -> bool:
    """Whether a field with these issues is held for a person whatever its confidence."""
    return bool(NEVER_AUTO.intersection(issues)) or any(
        i.startswith(UNKNOWN_PREFIX) for i in issues)
# Issues of a value taken from another reading of the same fact (extractors.date_settle,
# and `from_<key>` of a field's `fallback`): its agreement with that reading is made, not
# found, and confirms neither.
FROM_WORDS, FROM_ID, FROM_FIGURES = "read_from_words", "read_from_id", "read_from_figures"
SETTLED = frozenset({FROM_WORDS, FROM_ID, FROM_FIGURES})
FALLBACK_PREFIX = "from_"


def _settled(*drafts: FieldDraft | FieldValue) -> bool:
    return any(i in SETTLED or i.startswith(FALLBACK_PREFIX) for d in drafts for i in d.issues)


def _date(value: object) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _year(value: object) -> int | None:
    if isinstance(value, int):
        return value
    d = _date(value)
    return d.year if d else None


def _mark(drafts: Drafts, keys: tuple[str, ...], ok: bool, issue: str) -> None:
    for k in keys:
        d = drafts.get(k)
        if d is None or d.value is None:
            continue
        if ok:
            d.evidence.agreements += 1
        else:
            d.evidence.disagreements += 1
            if issue not in d.issues:
                d.issues.append(issue)


def _round_year(value: object) -> bool:
    d = _date(value)
    return d is not None and d.year % 100 == 0


def check_dates_agree(drafts: Drafts, check: CrossCheck, today: date) -> None:
    a, b = (drafts.get(k) for k in check.keys)
    if a and b and a.value is not None and b.value is not None and not _settled(a, b):
        _mark(drafts, check.keys, a.value == b.value, check.issue or "dates_disagree")
    elif a and b and a.value is None and _round_year(b.value):
        # 'năm một nghìn chín trăm' and the line's end: a year in words cut where it
        # wrapped reads as a round hundred, and with no figures nothing says it is whole
        b.evidence.disagreements += 1
        b.issues.append("year_in_words_unconfirmed")


def check_id_consistent(drafts: Drafts, check: CrossCheck, today: date) -> None:
    id_key, dob_key, gender_key = check.keys
    pid = drafts.get(id_key)
    if pid is None or not isinstance(pid.value, str) or len(pid.value) != 12:
        return
    dob, gender = drafts.get(dob_key), drafts.get(gender_key)
    if dob is not None and _settled(dob):  # settled with the ID's help: no check of it
        dob = None
    issues = id_consistency_issues(pid.value, _year(dob.value) if dob else None,
                                   gender.value if gender and isinstance(gender.value, str)
                                   else None)
    for issue in issues:
        _mark(drafts, (id_key,), False, issue)
    if "id_dob_mismatch" not in issues and dob and dob.value is not None:
        _mark(drafts, (id_key,), True, "")
    if "id_sex_mismatch" not in issues and gender and gender.value is not None:
        _mark(drafts, (id_key,), True, "")


def check_year_before(drafts: Drafts, check: CrossCheck, today: date) -> None:
    """A parent's birth year comes before the child's birth (only the year is flagged)."""
    year_key, date_key = check.keys
    y, d = drafts.get(year_key), drafts.get(date_key)
    if y and d and _year(y.value) is not None and _year(d.value) is not None:
        if _year(y.value) >= _year(d.value):  # type: ignore[operator]
            _mark(drafts, (year_key,), False, check.issue or "birth_year_not_before_child")


def check_not_before(drafts: Drafts, check: CrossCheck, today: date) -> None:
    later_key, earlier_key = check.keys
    later, earlier = drafts.get(later_key), drafts.get(earlier_key)
    if later and earlier:
        a, b = _date(later.value), _date(earlier.value)
        if a and b and a < b:
            _mark(drafts, (later_key,), False, check.issue or "date_order")


def check_not_future(drafts: Drafts, check: CrossCheck, today: date) -> None:
    for key in check.keys:
        d = drafts.get(key)
        if d is None:
            continue
        when = _date(d.value)
        year = d.value if isinstance(d.value, int) else None
        if (when and when > today) or (year and year > today.year):
            _mark(drafts, (key,), False, check.issue or "date_in_future")


PARENT_AGE = (12, 70)  # a parent's age at the child's birth, in years
PERSONAL_ID_SINCE = 2016  # birth registrations carry the personal ID from 2016 (Law 60/2014)


def check_parent_age(drafts: Drafts, check: CrossCheck, today: date) -> None:
    """A parent's birth year 12-70 years before the child's: a misread digit ('7952' for
    1952, '1932' for 1982) rarely lands in that window."""
    year_key, date_key = check.keys
    y, d = drafts.get(year_key), drafts.get(date_key)
    if y and d and _year(y.value) is not None and _year(d.value) is not None:
        age = _year(d.value) - _year(y.value)  # type: ignore[operator]
        ok = PARENT_AGE[0] <= age <= PARENT_AGE[1]
        _mark(drafts, (year_key,), ok, check.issue or "implausible_parent_age")


_SLIPPED_BOOK = re.compile(r"9(\d)(/\d{4})?")


def _undo_book_slip(book: FieldDraft) -> None:
    """A register holds a year's entries in a few books ('Quyển số: 01/2013'); a book
    numbered 90-99 is a 0 read as 9 (a known slip of these figures), so it is read back
    and a person confirms it."""
    m = _SLIPPED_BOOK.fullmatch(book.value or "")
    if m is not None:
        book.value = f"0{m.group(1)}{m.group(2) or ''}"
        book.issues.append(BOOK_REPAIRED)
        book.evidence.repaired = True  # for the confidence model


def check_book_year(drafts: Drafts, check: CrossCheck, today: date) -> None:
    """'Quyển số: 02/2019' names the year of the register book: it is the registration
    year. Agreement confirms both; disagreement flags the book number only."""
    book_key, date_key = check.keys
    b, d = drafts.get(book_key), drafts.get(date_key)
    if b is not None and isinstance(b.value, str):
        _undo_book_slip(b)
    if not (b and d and isinstance(b.value, str)):
        return
    m = re.fullmatch(r"\d{1,4}/(\d{4})", b.value)
    reg = _year(d.value)
    if m is None or reg is None:
        return
    ok = int(m.group(1)) == reg
    _mark(drafts, (book_key, date_key) if ok else (book_key,), ok,
          check.issue or "book_year_mismatch")


def check_id_expected(drafts: Drafts, check: CrossCheck, today: date) -> None:
    """A blank personal ID is expected on registrations before 2016 and suspicious after."""
    id_key, date_key = check.keys
    pid, d = drafts.get(id_key), drafts.get(date_key)
    reg = _year(d.value) if d else None
    if pid is None or not pid.evidence.blank or reg is None:
        return
    if reg < PERSONAL_ID_SINCE:
        pid.evidence.agreements += 1
    else:
        pid.evidence.disagreements += 1
        pid.issues.append(check.issue or "personal_id_expected")


def check_blank_together(drafts: Drafts, check: CrossCheck, today: date) -> None:
    """A parent left off the form leaves all of their lines blank: a blank line among
    filled ones of the same person is a value OCR lost."""
    blanks = [drafts[k].evidence.blank for k in check.keys if k in drafts]
    for k in check.keys:
        d = drafts.get(k)
        if d is None or not d.evidence.blank:
            continue
        if all(blanks):
            d.evidence.agreements += 1
        else:
            d.evidence.disagreements += 1
            d.issues.append(check.issue or "blank_among_filled")


def check_block_anchor(drafts: Drafts, check: CrossCheck, today: date) -> None:
    """Two persons printed under the same labels (a land certificate's holders: `Ông/Bà`,
    `Năm sinh`, `Số CCCD`, `Địa chỉ thường trú` twice): a value of a person whose name line
    (the first key) was not read may be the other person's line read under this person's
    labels, so it goes to a person. A block with a name, or with nothing at all, is left."""
    anchor = drafts.get(check.keys[0])
    if anchor is None or anchor.value is not None:
        return
    for k in check.keys[1:]:
        d = drafts.get(k)
        if d is not None and d.value is not None:
            d.evidence.disagreements += 1
            d.issues.append(check.issue or "name_of_block_unread")


def check_down_to_ward(drafts: Drafts, check: CrossCheck, today: date) -> None:
    """A residence or a parcel's address names its commune-level unit (xã, phường, thị
    trấn, before and after the 2025 reform alike): one that resolves only to a district or
    a province ('Vinh, Tỉnh Nghệ An') lost its first lines, however well the rest reads."""
    for k in check.keys:
        d = drafts.get(k)
        if d is None or not isinstance(d.value, str):
            continue
        m = resolve_place(d.value)
        if m is not None and m.level != "ward":
            d.evidence.disagreements += 1
            d.issues.append(check.issue or "address_above_ward")


def check_foreign_name(drafts: Drafts, check: CrossCheck, today: date) -> None:
    """A spouse of another nationality has a name in another language ('MARIA GARCIA',
    'WANG XIAO MING'): the Vietnamese syllable repairs of extractors.normalise.names would
    turn it into Vietnamese words ('Đặng Giao Ming'), so it is read as printed."""
    name_key, nationality_key = check.keys
    name, nationality = drafts.get(name_key), drafts.get(nationality_key)
    if not (name and nationality and name.raw and isinstance(nationality.value, str)):
        return
    if vocab_key(nationality.value) == vocab_key("Việt Nam"):
        return
    printed = normalise_name(name.raw, repair=False)
    if printed.value is not None and printed.value != name.value:
        name.value = printed.value
        name.evidence.repaired = False


RULES: dict[str, Callable[[Drafts, CrossCheck, date], None]] = {
    "foreign_name": check_foreign_name,
    "parent_age": check_parent_age,
    "book_year": check_book_year,
    "id_expected": check_id_expected,
    "blank_together": check_blank_together,
    "block_anchor": check_block_anchor,
    "down_to_ward": check_down_to_ward,
    "dates_agree": check_dates_agree,
    "id_consistent": check_id_consistent,
    "year_before": check_year_before,
    "not_before": check_not_before,
    "not_future": check_not_future,
}


def rule_for(name: str) -> Callable[[Drafts, CrossCheck, date], None]:
    """A rule of this module, or of extractors.cross_checks (imported late: it uses this
    module's helpers)."""
    if name in RULES:
        return RULES[name]
    from extractors import cross_checks, date_settle

    return {"settle_date": date_settle.check_settle_date,
            "settle_area": date_settle.check_settle_area,
            "id_sex": cross_checks.check_id_sex, "min_age": cross_checks.check_min_age,
            "id_province": cross_checks.check_id_province,
            "declarant_is_parent": cross_checks.check_declarant_is_parent,
            "surname_from_parent": cross_checks.check_surname_from_parent,
            "serial_form": cross_checks.check_serial_form,
            "authority_province": cross_checks.check_authority_province,
            "place_echo": cross_checks.check_place_echo}[name]


@cache
def identity_fields(doc_type: DocType) -> frozenset[str]:
    text = resources.files("extractors.data").joinpath("identity_fields.json").read_text("utf-8")
    return frozenset(json.loads(text).get(doc_type.value, []))


def review(drafts: Drafts, spec: FormSpec, settings: Settings, *, today: date | None = None,
           confidence_fn: ConfidenceFn = calibrated_confidence) -> dict[str, FieldValue]:
    """Cross-checks, confidence and state for every field the form declares, in its order."""
    today = today or date.today()
    for check in spec.cross_checks:
        rule_for(check.rule)(drafts, check, today)
    identity = identity_fields(spec.doc_type)
    out: dict[str, FieldValue] = {}
    bars: dict[str, float] = {}
    for key in spec.keys:
        d = drafts.get(key)
        if d is None or not d.found:
            out[key] = FieldValue(value=None, raw=None, confidence=0.0,
                                  state=FieldState.flagged, issues=["missing"])
            continue
        conf = confidence_fn(d.evidence)
        threshold = (settings.identity_auto_accept_confidence if key in identity
                     else settings.auto_accept_confidence)
        model_threshold = getattr(confidence_fn, "accept_threshold", None)
        if model_threshold is not None:  # the fitted model's per-family bar, if higher
            threshold = max(threshold, model_threshold(d.evidence) or 0.0)
        bars[key] = threshold
        issues = list(d.issues)
        units = place_issues(d.value) if d.evidence.family == "place" else []
        issues += units
        state = FieldState.auto if conf >= threshold else FieldState.flagged
        if d.evidence.disagreements or units:  # a failed check always goes to a person
            state = FieldState.flagged
        # a repair by guess, a reading that may be partial or is invalid: a person confirms
        # it (a check such as the ID's birth year confirms a part only)
        if never_auto(issues):
            state = FieldState.flagged
        doubted = (not d.evidence.from_text_layer
                   and d.evidence.ocr_min < settings.min_ocr_word_confidence)
        if doubted:  # Tesseract itself doubts a word: a person looks, whatever the model says
            state = FieldState.flagged
            issues.append("low_ocr_word")
        elif state is FieldState.flagged:
            issues.append("low_confidence")
        out[key] = FieldValue(value=d.value, raw=d.raw, confidence=conf, page=d.page,
                              bbox=d.bbox, state=state, issues=issues)
        if d.evidence.family == "place":  # `<key>_code`, `<key>_units_version` (records.md)
            for k, v in unit_code_fields(key, d.value).items():
                out[k] = FieldValue(value=v, raw=d.raw, confidence=conf, page=d.page,
                                    bbox=d.bbox, state=state)
    _share_agreeing_confidence(spec, out, bars)
    return out


def _share_agreeing_confidence(spec: FormSpec, out: dict[str, FieldValue],
                               bars: dict[str, float]) -> None:
    """A date printed twice, in figures and in words, that reads the same both ways: the
    value is right whenever either reading is, so each side is at least as sure as the
    surer one (domain.md: agreement is strong evidence). A side flagged for any reason other
    than its own low confidence stays flagged."""
    for check in spec.cross_checks:
        if check.rule != "dates_agree" or len(check.keys) != 2:
            continue
        a, b = (out.get(k) for k in check.keys)
        if a is None or b is None or a.value is None or a.value != b.value or _settled(a, b):
            continue
        # Figures read back (`date_digits_repaired`: '7990' as 1990) are a guess of their
        # own; the other side, read apart and as printed, saying the same settles it. Two
        # guesses that agree settle nothing.
        if all(GUESSED.intersection(f.issues) for f in (a, b)):
            continue
        sure = max(a.confidence, b.confidence)
        for key, f in zip(check.keys, (a, b), strict=True):
            if not set(f.issues) <= CONFIRMABLE:  # flagged for a reason of its own
                continue
            f.confidence = max(f.confidence, sure)
            if f.state is FieldState.flagged and sure >= bars.get(key, 1.0):
                f.state, f.issues = FieldState.auto, []
