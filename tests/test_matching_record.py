"""`Linker.link_record` on records built from the committed sample corpus's truth files (the
values a perfect reading would give): every truth person is linked to the right citizen or
left for review, never linked to the wrong one; the record carries the explanations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from matching import Linker, load_registry, person_queries
from pipeline.document import link_persons
from pipeline.models import FieldValue, Record, RecordStatus, Source

CORPUS = Path(__file__).resolve().parents[1] / "samples" / "corpus"


def _record(truth_path: Path) -> tuple[Record, dict[str, str | None]]:
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    fields = {k: FieldValue(value=v, confidence=1.0) for k, v in truth["fields"].items()}
    record = Record(record_id=f"rec-{truth_path.stem}", doc_type=truth["doc_type"],
                    status=RecordStatus.verified, fields=fields,
                    source=Source(filename=truth_path.name, sha256="0" * 64, pages=1,
                                  media_type="application/pdf"))
    return record, {p["role"]: p["citizen_id"] for p in truth["persons"]}


@pytest.fixture(scope="module")
def linker(tmp_path_factory: pytest.TempPathFactory) -> Linker:
    engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('reg')}/index.db")
    load_registry(CORPUS / "registry.csv", engine)
    return Linker(engine)


def test_truth_records_link_to_their_citizens(linker: Linker) -> None:
    linked = persons = 0
    for path in sorted(CORPUS.glob("*.truth.json")):
        record, truth = _record(path)
        assert {q.role for q in person_queries(record)} == set(truth), path.name
        link_persons(record, linker)
        for p in record.persons:
            persons += 1
            if p.match.value == "linked":
                assert p.citizen_id == truth[p.role], (path.name, p.role)
                linked += 1
            elif truth[p.role] is not None:
                assert record.status == RecordStatus.needs_review
        if any(p.match.value == "candidate" for p in record.persons):
            assert "person_needs_review" in record.issues
    assert persons == 28
    assert linked >= 25


def test_the_record_json_carries_candidates_and_explanations(linker: Linker) -> None:
    record, truth = _record(CORPUS / "birth_0001.truth.json")
    link_persons(record, linker)
    data = json.loads(record.to_json())
    subject = next(p for p in data["persons"] if p["role"] == "subject")
    assert subject["match"] == "linked" and subject["citizen_id"] == truth["subject"]
    best = subject["candidates"][0]
    assert best["citizen_id"] == truth["subject"] and best["weight"] > 0
    assert {t["comparison"] for t in best["explanation"]} >= {"full_name", "date_of_birth"}
    for term in best["explanation"]:
        assert float(term["label"].rsplit(": ", 1)[1]) == pytest.approx(term["weight"], abs=0.051)
    Record.from_json(record.to_json())  # still the record format


def _flag_all(record: Record) -> None:
    for f in record.fields.values():
        f.confidence, f.state, f.issues = 0.5, "flagged", ["low_confidence"]
    record.status = RecordStatus.needs_review


def test_fields_equal_to_the_linked_citizen_are_confirmed(linker: Linker) -> None:
    """A name, date of birth or ID read exactly as the registry holds it for the linked
    citizen is accepted; a value that differs (one tone mark) stays with the reviewer."""
    record, truth = _record(CORPUS / "birth_0001.truth.json")
    _flag_all(record)
    link_persons(record, linker)
    subject = next(p for p in record.persons if p.role == "subject")
    assert subject.match.value == "linked"
    name = record.fields["full_name"]
    assert name.state == "auto" and name.confidence >= 0.995 and name.registry_confirmed
    assert record.fields["date_of_birth"].state == "auto"
    assert record.fields["place_of_birth"].state == "flagged"  # not a registry comparison
    assert record.status == RecordStatus.needs_review  # other fields still wait

    changed, _ = _record(CORPUS / "birth_0001.truth.json")
    _flag_all(changed)
    value = str(changed.fields["full_name"].value)
    changed.fields["full_name"].value = value.replace("a", "á", 1) if "a" in value else value + "a"
    link_persons(changed, linker)
    assert changed.fields["full_name"].state == "flagged"


def test_repaired_figures_equal_to_the_registry_are_confirmed(linker: Linker) -> None:
    """A date whose figures were read back ('7990' as 1990) and come out as the registry's
    value is settled by it; a value flagged for another reason is not."""
    record, _ = _record(CORPUS / "birth_0001.truth.json")
    _flag_all(record)
    record.fields["date_of_birth"].issues = ["date_digits_repaired", "low_confidence"]
    record.fields["gender"].issues = ["unknown_gender", "low_confidence"]
    link_persons(record, linker)
    assert record.fields["date_of_birth"].state == "auto"
    assert record.fields["date_of_birth"].registry_confirmed
    assert record.fields["gender"].state == "flagged"


def test_a_record_whose_only_doubts_the_registry_settles_is_verified(linker: Linker) -> None:
    record, _ = _record(CORPUS / "birth_0001.truth.json")
    for key in ("full_name", "date_of_birth"):
        f = record.fields[key]
        f.confidence, f.state, f.issues = 0.6, "flagged", ["low_confidence"]
    record.status = RecordStatus.needs_review
    link_persons(record, linker)
    assert all(p.match.value == "linked" for p in record.persons)
    assert record.status == RecordStatus.verified


def test_a_field_with_a_failed_cross_check_is_not_overruled(linker: Linker) -> None:
    record, _ = _record(CORPUS / "birth_0001.truth.json")
    f = record.fields["date_of_birth"]
    f.confidence, f.state, f.issues = 0.6, "flagged", ["dob_words_mismatch"]
    link_persons(record, linker)
    assert record.fields["date_of_birth"].state == "flagged"


def test_a_name_misread_into_no_name_takes_the_registry_spelling(linker: Linker) -> None:
    """'Nguyễn Tậm Nhi' (a dot below misread: 'Tậm' is no name word) for the linked
    citizen's 'Nguyễn Tâm Nhi' is accepted as the registry spells it, and says so; a
    difference into another name word is not settled that way."""
    from matching.confirm import name_misread

    record, truth = _record(CORPUS / "birth_0001.truth.json")
    _flag_all(record)
    record.fields["full_name"].value = "Nguyễn Tậm Nhi"
    link_persons(record, linker)
    name = record.fields["full_name"]
    assert name.value == "Nguyễn Tâm Nhi" and name.state == "auto"
    assert name.issues == ["registry_spelling"] and name.registry_confirmed
    assert name_misread("Trần Cộng Dũng", "Trần Công Dũng") == "Trần Công Dũng"
    # only the misread word is respelled: the printed tone placement of the others stays
    assert name_misread("Phạm Thuý Mại", "Phạm Thúy Mai") == "Phạm Thuý Mai"
    assert name_misread("Phan Lệ Phượng", "Phan Lệ Phương") is None  # both are name words
    assert name_misread("Nguyễn Lệ Anh", "Nguyễn Lê Anh") is None
    assert name_misread("Nguyễn Tâm", "Nguyễn Tâm Nhi") is None


def test_a_name_in_capitals_takes_the_registry_marks_even_into_a_name_word(
        linker: Linker) -> None:
    """Printed in capitals, a name's marks are what OCR misreads most: 'PHAN LỆ PHƯỢNG'
    read for the linked citizen's 'Phan Lệ Phương' is settled as registered; in lower case
    the same reading stays a suggestion. Where the tone could be printed on either vowel and
    the reading shows no tone, nothing is settled; where it shows one, that placement stays."""
    from matching.confirm import name_misread

    assert name_misread("Phan Lệ Phượng", "Phan Lệ Phương", capitals=True) == "Phan Lệ Phương"
    assert name_misread("Nguyễn Thuý Lạm", "Nguyễn Thúy Lam", capitals=True) == \
        "Nguyễn Thuý Lam"  # 'Lam' in no list of name words, but the registry's spelling
    assert name_misread("Nguyên Gia Thuy", "Nguyễn Gia Thụy", capitals=True) is None
    assert name_misread("Nguyễn Hóa", "Nguyễn Hoà", capitals=True) == "Nguyễn Hòa"
    assert name_misread("Phan Lê Phương", "Phan Lê Phuong", capitals=True) == "Phan Lê Phuong"
    assert name_misread("Đào Văn", "Dao Văn", capitals=True) is None  # Đ is another letter
    assert name_misread("Lê Thu Hà", "Lê Thu Hằng", capitals=True) is None

    record, _ = _record(CORPUS / "birth_0001.truth.json")
    _flag_all(record)
    name = record.fields["full_name"]  # registered as 'Nguyễn Tâm Nhi'
    name.value, name.raw = "Nguyễn Tâm Nhị", "NGUYỄN TÂM NHỊ"
    link_persons(record, linker)
    assert name.value == "Nguyễn Tâm Nhi" and name.state == "auto"
    assert name.issues == ["registry_spelling"]

    record, _ = _record(CORPUS / "birth_0001.truth.json")  # accepted by the model as read
    name = record.fields["full_name"]
    name.value, name.raw, name.state = "Nguyễn Tâm Nhị", "NGUYỄN TÂM NHỊ", "auto"
    link_persons(record, linker)
    assert name.value == "Nguyễn Tâm Nhi" and name.state == "auto"
    assert name.issues == ["registry_spelling"]


def test_names_a_document_prints_otherwise_agree_with_the_registry(linker: Linker) -> None:
    """A document may print a name without its middle names, or with its tone on the other
    vowel: both agree with the registry's name, and a reading that lost a word does not."""
    from matching.confirm import name_agrees

    assert name_agrees("Nguyễn Vũ", "Nguyễn Văn Vũ")
    assert name_agrees("Nguyễn Thuý Thương", "Nguyễn Thúy Thương")
    assert name_agrees("Trần Hoà", "Trần Thị Hòa")  # both at once
    assert not name_agrees("Phan Thị", "Phan Thị Linh")  # the given name lost
    assert not name_agrees("Nguyễn Văn", "Nguyễn Văn Vũ")
    assert not name_agrees("Nguyễn Vũ", "Nguyễn Văn Vỹ")
    assert not name_agrees("Lê Vũ", "Nguyễn Văn Vũ")
    assert not name_agrees("Nguyễn Minh Vũ", "Nguyễn Văn Vũ")  # another middle name
    assert not name_agrees("Đặng Văn minh", "Đặng Văn Minh")  # case is not a spelling

    record, _ = _record(CORPUS / "birth_0001.truth.json")  # registered 'Nguyễn Tâm Nhi'
    _flag_all(record)
    record.fields["full_name"].value = "Nguyễn Nhi"
    link_persons(record, linker)
    name = record.fields["full_name"]
    assert name.value == "Nguyễn Nhi" and name.state == "auto" and name.registry_confirmed


def test_the_registry_settles_doubts_about_a_reading_it_equals(linker: Linker) -> None:
    """An ID equal to the linked citizen's, flagged because its province is not the
    registration place's, is accepted; so is a name flagged as ending in a middle name
    ('THỊ' may be 'THI' with a dot made up) when the registry's name has as many words and
    the reading differs from it only in capitals' marks; so is a parent's name the
    declarant's near-miss reading put in doubt. A name short of its given name
    stays with a person."""
    record, _ = _record(CORPUS / "land_0002.truth.json")  # holder 1's ID in the registry
    _flag_all(record)
    record.fields["holder_1_id_number"].issues = ["id_province_mismatch", "low_confidence"]
    link_persons(record, linker)
    assert record.fields["holder_1_id_number"].state == "auto"
    assert record.fields["holder_1_id_number"].issues == []

    record, _ = _record(CORPUS / "birth_0001.truth.json")
    _flag_all(record)
    name = record.fields["full_name"]  # registered 'Nguyễn Tâm Nhi'
    name.value, name.raw = "Nguyễn Tâm Nhị", "NGUYỄN TÂM NHỊ"
    name.issues = ["name_given_lost", "low_confidence"]
    link_persons(record, linker)
    assert name.value == "Nguyễn Tâm Nhi" and name.state == "auto"

    record, _ = _record(CORPUS / "birth_0001.truth.json")
    _flag_all(record)  # the declarant's name read a near miss of the mother's: this one is hers
    mother = record.fields["mother_name"]
    mother.issues = ["declarant_name_differs", "low_confidence"]
    link_persons(record, linker)
    assert mother.state == "auto" and mother.registry_confirmed

    record, _ = _record(CORPUS / "birth_0001.truth.json")
    _flag_all(record)
    name = record.fields["full_name"]
    name.value, name.raw = "Nguyễn Tâm", "NGUYỄN TÂM"
    name.issues = ["name_given_lost", "low_confidence"]
    link_persons(record, linker)
    assert name.state == "flagged"
