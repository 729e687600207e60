"""Extraction: OCR words → the fields of one document, keyed as the record format says.

`extract_document` classifies the pages and runs the matching form's reader; every form is a
module declaring a `FormSpec` (see `birth_certificate.py`), found by `registry.form_specs`.
"""

from __future__ import annotations

from datetime import date

from extractors.classify import Classification, classify
from extractors.confidence import (
    ConfidenceFn,
    FieldEvidence,
    calibrated_confidence,
    heuristic_confidence,
    load_model,
)
from extractors.extraction import Extraction
from extractors.layout import document_lines
from extractors.reader import extract_form
from extractors.registry import form_specs
from pipeline.config import Settings
from pipeline.models import DocType, PageText


def classify_pages(pages: list[PageText]) -> DocType:
    """Which form these pages are (unknown when none matches, or there is no text)."""
    if not pages or not any(p.words for p in pages):
        return DocType.unknown
    return classify(document_lines(pages)).doc_type


def extract_document(pages: list[PageText], settings: Settings, *, today: date | None = None,
                     confidence_fn: ConfidenceFn = calibrated_confidence) -> Extraction:
    """Classify, then read the fields of the matching form (none if it has no extractor)."""
    if not pages or not any(p.words for p in pages):
        return Extraction(doc_type=DocType.unknown, doc_type_confidence=0.0,
                          issues=["no_text"])
    found = classify(document_lines(pages))
    if found.doc_type is DocType.unknown:
        return Extraction(doc_type=DocType.unknown, doc_type_confidence=found.confidence,
                          issues=["unsupported_document"])
    spec = form_specs().get(found.doc_type)
    if spec is None:
        return Extraction(doc_type=found.doc_type, doc_type_confidence=found.confidence,
                          issues=["extractor_not_available"])
    fields = extract_form(pages, spec, settings, today=today, confidence_fn=confidence_fn)
    return Extraction(doc_type=found.doc_type, doc_type_confidence=found.confidence,
                      fields=fields)


def warm_up() -> None:
    """Load, once per process, the tables every extraction reads (the form specs, both
    versions of the administrative units, the place-name tables, syllables, the confidence
    model): about half a second that the first document would otherwise wait for. The
    batch runner calls it in a background thread while the first pages are received and
    read; each loader is cached, so a later call (or a race with a document) is harmless."""
    from extractors.normalise.admin_units import province_units, trees
    from extractors.normalise.identity import province_codes
    from extractors.normalise.places import (
        admin_unit_names,
        name_table,
        prefix_table,
        type_table,
    )
    from extractors.normalise.syllables import known_folded, known_syllables

    form_specs()
    trees()
    province_units()
    for table in (admin_unit_names, name_table, prefix_table, type_table, known_syllables,
                  known_folded, province_codes, load_model):
        table()


__all__ = ["Classification", "ConfidenceFn", "Extraction", "FieldEvidence", "classify",
           "classify_pages",
           "calibrated_confidence", "extract_document", "extract_form", "form_specs",
           "heuristic_confidence", "warm_up"]
