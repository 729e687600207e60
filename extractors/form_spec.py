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


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str | None  # record-format key; None for a label that only ends other values
    labels: tuple[str, ...]  # printed label variants, with diacritics and colon
    normaliser: str = "text"  # name in extractors.normalise.NORMALISERS
    section: str = "subject"  # person or block the field belongs to
    column: str | None = None  # ColumnSpec.name when the form has columns
    multiline: bool = False  # value may wrap onto following lines that hold no label
    required: bool = True  # missing -> flagged `missing`


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """A named rule of extractors.review applied to some field keys."""

    rule: str
    keys: tuple[str, ...]
    issue: str | None = None  # issue name when the rule fails (else the rule's default)


@dataclass(frozen=True, slots=True)
class FormSpec:
    doc_type: DocType
    titles: tuple[str, ...]  # printed titles, for the classifier
    fields: tuple[FieldSpec, ...]  # in reading order
    stop_labels: tuple[str, ...] = ()
    columns: tuple[ColumnSpec, ...] = ()
    cross_checks: tuple[CrossCheck, ...] = ()
    label_tolerance: float = 0.0  # lowers fuzzy thresholds for badly printed forms

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
            if not f.labels:
                errors.append(f"{f.key}: no label")
            if f.column is not None and f.column not in names:
                errors.append(f"{f.key}: unknown column {f.column!r}")
        for check in self.cross_checks:
            missing = [k for k in check.keys if k not in keys]
            if missing:
                errors.append(f"cross-check {check.rule}: unknown keys {missing}")
        return errors
