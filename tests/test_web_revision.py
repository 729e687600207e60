"""extractors.revision: a reviewer's typed value is normalised by the field's own normaliser
and the form's cross-checks are re-run over the whole record at once."""

from __future__ import annotations

from extractors.revision import refresh_issues, revise, run_cross_checks, spec_for
from pipeline.models import (
    DocType,
    FieldState,
    FieldValue,
    Record,
    RecordStatus,
    Source,
)


def _birth(**values: object) -> Record:
    fields = {k: FieldValue(value=v, raw=str(v), confidence=0.5,  # type: ignore[arg-type]
                            state=FieldState.flagged) for k, v in values.items()}
    return Record(record_id="rec-x", source=Source(filename="b.pdf", sha256="0" * 64, pages=1,
                                                   media_type="application/pdf"),
                  doc_type=DocType.birth_certificate, status=RecordStatus.needs_review,
                  fields=fields)


def test_typed_text_is_normalised_like_the_printed_form() -> None:
    rec = _birth(full_name="Nguyen", date_of_birth="1990-07-02")
    assert revise(rec, "full_name", "  NGUYỄN  THỊ hương ").value == "Nguyễn Thị Hương"
    assert revise(rec, "date_of_birth", "2/7/1990").value == "1990-07-02"
    assert revise(rec, "date_of_birth", "1990-07-02").value == "1990-07-02"  # as shown
    bad = revise(rec, "date_of_birth", "sometime")
    assert bad.value is None and "not_normalisable" in bad.issues
    assert revise(rec, "date_of_birth", "").value is None  # blank on the form


def test_typed_names_are_not_respelled() -> None:
    """OCR's non-syllables are re-spelled (extractors/normalise/name_repair.py); a reviewer's
    typing is meant as typed, but gets its surname's diacritics back."""
    rec = _birth(full_name="Nguyen")
    assert revise(rec, "full_name", "NGUYEN THU ANN").value == "Nguyễn Thu Ann"


def test_cross_checks_run_with_the_correction() -> None:
    rec = _birth(date_of_birth="1990-07-02", date_of_birth_words="1990-07-02",
                 personal_id="001090012345", gender="male")
    r = revise(rec, "date_of_birth", "2/7/1991")
    assert "dob_words_mismatch" in r.issues
    assert "dob_words_mismatch" in r.check_issues["date_of_birth_words"]
    assert revise(rec, "date_of_birth", "02/07/1990").issues == []
    r = revise(rec, "personal_id", "001190012345")  # century digit 1: female
    assert "id_sex_mismatch" in r.issues


def test_refresh_drops_check_issues_that_no_longer_hold() -> None:
    rec = _birth(date_of_birth="1990-07-02", date_of_birth_words="1991-07-02")
    rec.fields["date_of_birth"].issues = ["dob_words_mismatch", "low_confidence"]
    rec.fields["date_of_birth_words"].issues = ["dob_words_mismatch"]
    rec.fields["date_of_birth_words"].value = "1990-07-02"
    changed = refresh_issues(rec, run_cross_checks(rec.fields, spec_for(rec)))
    assert rec.fields["date_of_birth"].issues == ["low_confidence"]
    assert set(changed) == {"date_of_birth", "date_of_birth_words"}


def test_place_corrections_resolve_their_unit_codes() -> None:
    rec = _birth(place_of_birth="x")
    r = revise(rec, "place_of_birth", "Xã Hành Thiện, Huyện Nghĩa Hành, Tỉnh Quảng Ngãi")
    assert r.derived.get("place_of_birth_code")
    assert r.derived.get("place_of_birth_units_version") in ("2025", "pre-2025")
