"""Forms declared as data: what a form prints, in which order, and how each value is read.

A `FormSpec` is everything the layout engine needs to read one form type; adding a form is
adding a module that declares one (see `birth_certificate.py`), never editing the engine.
Fields are listed in reading order; the engine aligns that order to the labels it finds, which
is how the three `Dân tộc:` of a birth certificate are told apart. A field may be bound to a
column (the marriage certificate prints wife | husband side by side); `stop_labels` are printed
texts that end a value without being fields (signature block, declarant lines).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.models import DocType


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """A vertical band of the page, as fractions of the page width."""

    name: str
    x0: float
    x1: float
    # A label printed at the column's left edge ('Họ, chữ đệm, tên chồng:'): where it is
    # found, the column's band follows it instead of the fixed fractions (scans are cropped
    # and shifted; some forms print the columns the other way round).
    anchor: str | None = None


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str | None  # record-format key; None for a label that only ends other values
    labels: tuple[str, ...]  # printed label variants, with diacritics and colon
    normaliser: str = "text"  # name in extractors.normalise.NORMALISERS
    section: str = "subject"  # person or block the field belongs to
    column: str | None = None  # ColumnSpec.name when the form has columns
    multiline: bool = False  # value may wrap onto following lines that hold no label
    required: bool = True  # missing -> flagged `missing`
    # A value printed without a label (a serial number, the date line of a signature block):
    # regexes tried in order on each line's folded text; the value starts where the match
    # (or its group 'value') starts and is read like a labelled value from there. On a
    # labelled field they are the fallback when no label was found.
    patterns: tuple[str, ...] = ()
    # The value is running text (a land's origin): a wrapped line that merely resembles a
    # label still continues it unless that label ends in a colon.
    prose: bool = False
    # Read and cross-checked but not a record key (the land area in words backs the area).
    internal: bool = False
    # The label opens a printed sentence with several blanks ('… giờ … phút, ngày …'):
    # dotted blanks and the printed words between them do not end the value.
    through_leaders: bool = False
    # Key of an earlier field whose label and raw value this one reads too, with its own
    # normaliser (the time and the date of death are filled into one sentence).
    shares: str | None = None
    # Key of a field printing the same value another way (the date again in words): its
    # value stands in when this one cannot be read, flagged for a person to confirm.
    fallback: str | None = None


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """A named rule of extractors.review applied to some field keys."""

    rule: str
    keys: tuple[str, ...]
    issue: str | None = None  # issue name when the rule fails (else the rule's default)
    param: str | int | None = None  # what the rule needs besides the keys (a sex, an age)


@dataclass(frozen=True, slots=True)
class FormSpec:
    doc_type: DocType
    titles: tuple[str, ...]  # printed titles, for the classifier
    fields: tuple[FieldSpec, ...]  # in reading order
    stop_labels: tuple[str, ...] = ()
    columns: tuple[ColumnSpec, ...] = ()
    cross_checks: tuple[CrossCheck, ...] = ()
    label_tolerance: float = 0.0  # lowers fuzzy thresholds for badly printed forms
    # A form printed in several versions (the old and new land certificate): each variant is
    # a FormSpec of its own; the reader uses the one whose distinctive titles and labels are
    # found on the page and records its `variant` name under `variant_key`.
    variants: tuple[FormSpec, ...] = ()
    variant: str | None = None
    variant_key: str | None = None

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields if f.key is not None]

    def column(self, name: str) -> ColumnSpec:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.doc_type.value}: no column {name!r} declared")

    def validate(self) -> list[str]:
        """All declaration errors at once (a form module is data; check it like data)."""
        errors: list[str] = []
        keys = [f.key for f in self.fields if f.key is not None]
        dupes = {k for k in keys if keys.count(k) > 1}
        if dupes:
            errors.append(f"duplicate keys: {sorted(dupes)}")
        names = {c.name for c in self.columns}
        for f in self.fields:
            if not f.labels and not f.patterns and not (self.variants
                                                         and f.key == self.variant_key):
                errors.append(f"{f.key}: no label")
            if f.column is not None and f.column not in names:
                errors.append(f"{f.key}: unknown column {f.column!r}")
            if f.fallback is not None and f.fallback not in keys:
                errors.append(f"{f.key}: unknown fallback {f.fallback!r}")
            if f.shares is not None and (f.key is None
                                         or f.shares not in keys[:keys.index(f.key)]):
                errors.append(f"{f.key}: shares {f.shares!r}, not an earlier field")
        for check in self.cross_checks:
            missing = [k for k in check.keys if k not in keys]
            if missing:
                errors.append(f"cross-check {check.rule}: unknown keys {missing}")
        for v in self.variants:
            errors += [f"variant {v.variant}: {e}" for e in v.validate()]
            if v.variant is None:
                errors.append("a variant without a `variant` name")
        if self.variants and self.variant_key not in keys:
            errors.append(f"variant_key {self.variant_key!r} is not a field")
        return errors
