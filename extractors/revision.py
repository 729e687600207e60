"""After a reviewer corrects a field: normalise the typed text with the field's own
normaliser, then re-run the form's cross-checks over the whole record, so the workstation
shows at once whether the correction agrees with the rest of the document.

Built on the extractors' public pieces (form specs, NORMALISERS, the cross-check RULES,
place evidence); it never re-reads the page. Confidence is not recomputed: a reviewer's
value is not a machine reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from extractors.evidence import family, place_issues, unit_code_fields
from extractors.form_spec import FieldSpec, FormSpec
from extractors.normalise import NORMALISERS, Normalised
from extractors.normalise.names import normalise_name
from extractors.registry import form_specs
from extractors.review import RULES, FieldDraft

try:  # newer extractors.review finds rules of extractors.cross_checks too
    from extractors.review import rule_for as _rule_for
except ImportError:  # pragma: no cover - older extractors
    _rule_for = RULES.__getitem__
from pipeline.models import FieldValue, Record

# what the cross-check rules can say (their default issue codes), plus each form's own
_RULE_ISSUES = {"dates_disagree", "id_dob_mismatch", "id_sex_mismatch",
                "birth_year_not_before_child", "date_order", "date_in_future",
                "implausible_parent_age", "book_year_mismatch", "personal_id_expected",
                "blank_among_filled", "id_province_mismatch", "under_legal_age",
                "name_of_block_unread", "year_in_words_unconfirmed", "address_above_ward",
                "book_digits_repaired", "serial_form_mismatch"}
_PLACE_ISSUES = ("unit_spelling_differs", "unit_spelling:", "unknown_admin_unit")
# normalisers whose value is an ISO date: a reviewer may type that form directly (the
# workstation shows it), which the printed-form normalisers do not read
_ISO_DATE_NORMALISERS = {"date", "date_words", "date_after_time", "issue_date"}
# free text kept "as printed": a person's typing is not an OCR reading, so where such a
# normaliser repaired a presumed OCR confusion, the typed text is kept (NFC, single spaces)
_FREE_TEXT = {"text", "place", "ethnicity", "nationality", "authority", "land_origin",
              "land_purpose", "usage_form", "land_term"}


def _typed_name(text: str) -> Normalised:
    """A typed name is not re-spelled syllable by syllable (a reviewer's 'Ann' or 'Ktor' is
    meant); the surname and middle-name diacritics still come back ('Nguyen' → 'Nguyễn')."""
    return normalise_name(text, syllables=False)


_TYPED = {"name": _typed_name}


@dataclass
class Revision:
    """A typed value, normalised, and what the cross-checks now say about every field."""

    key: str
    typed: str
    value: str | int | float | None
    normaliser: str
    issues: list[str]  # the corrected field's issues now (normaliser + checks + place)
    check_issues: dict[str, list[str]] = field(default_factory=dict)  # per key, after
    derived: dict[str, object] = field(default_factory=dict)  # `<key>_code`, `…_units_version`


def spec_for(record: Record) -> FormSpec | None:
    """The form spec the record was read with (the land variant named by the record)."""
    spec = form_specs().get(record.doc_type)
    if spec is None or not spec.variants:
        return spec
    chosen = record.fields.get(spec.variant_key or "")
    for v in spec.variants:
        if chosen is not None and v.variant == chosen.value:
            return v
    return spec


def field_spec(spec: FormSpec | None, key: str) -> FieldSpec | None:
    if spec is None:
        return None
    return next((f for f in spec.fields if f.key == key), None)


def canonical_value(normaliser: str, text: str) -> str | None:
    """`text` when it is already the record format's normalised form for this normaliser
    (an ISO date for the date normalisers), else None."""
    if normaliser in _ISO_DATE_NORMALISERS:
        try:
            return date.fromisoformat(text).isoformat() if len(text) == 10 else None
        except ValueError:
            return None
    return None


def check_issue_codes(spec: FormSpec | None) -> set[str]:
    codes = set(_RULE_ISSUES)
    if spec is not None:
        codes |= {c.issue for c in spec.cross_checks if c.issue}
    return codes


def run_cross_checks(fields: dict[str, FieldValue], spec: FormSpec | None, *,
                     today: date | None = None) -> dict[str, list[str]]:
    """The issues each field gets from the form's cross-checks, given these values."""
    if spec is None:
        return {}
    drafts = {k: FieldDraft(key=k, value=fv.value, raw=fv.raw)  # type: ignore[arg-type]
              for k, fv in fields.items()}
    for d in drafts.values():
        d.evidence.blank = d.value is None
        d.issues = []
    for check in spec.cross_checks:
        try:
            rule = _rule_for(check.rule)
        except KeyError:  # a rule this version of extractors.review does not know
            continue
        rule(drafts, check, today or date.today())
    return {k: list(dict.fromkeys(d.issues)) for k, d in drafts.items() if d.issues}


def revise(record: Record, key: str, typed: str, *, today: date | None = None) -> Revision:
    """Normalise `typed` as field `key` of `record` and re-run the cross-checks with it.
    The record itself is not changed."""
    spec = spec_for(record)
    fs = field_spec(spec, key)
    name = fs.normaliser if fs is not None else "text"
    text = typed.strip()
    if text:
        result = _TYPED.get(name, NORMALISERS[name])(text)
        if result.repaired and name in _FREE_TEXT:
            result = NORMALISERS["text"](text)
        value, issues = result.value, list(result.issues)
        if value is None and (canon := canonical_value(name, text)) is not None:
            value, issues = canon, []
        if value is None:
            issues.append("not_normalisable")
    else:
        value, issues = None, []
    fields = dict(record.fields)
    old = fields.get(key)
    fields[key] = FieldValue(value=value, raw=old.raw if old else None,
                             confidence=old.confidence if old else 0.0)
    checks = run_cross_checks(fields, spec, today=today)
    issues += checks.get(key, [])
    derived: dict[str, object] = {}
    if family(name) == "place":
        issues += place_issues(value)
        derived = dict(unit_code_fields(key, value))
    return Revision(key=key, typed=typed, value=value, normaliser=name,
                    issues=list(dict.fromkeys(issues)), check_issues=checks, derived=derived)


def refresh_issues(record: Record, checks: dict[str, list[str]],
                   spec: FormSpec | None = None) -> dict[str, list[str]]:
    """Each field's issues with its cross-check part replaced by `checks`; returns the
    fields whose issues changed (key -> new issues). Mutates `record`."""
    codes = check_issue_codes(spec or spec_for(record))
    changed: dict[str, list[str]] = {}
    for k, fv in record.fields.items():
        kept = [i for i in fv.issues if i not in codes]
        new = list(dict.fromkeys(kept + checks.get(k, [])))
        if new != fv.issues:
            fv.issues = new
            changed[k] = new
    return changed


def is_place_issue(issue: str) -> bool:
    return issue.startswith(_PLACE_ISSUES)
