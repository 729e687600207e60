"""The data model speaks the shared record format exactly, and its schema stays in sync."""

import json

import jsonschema
import pytest
from pydantic import ValidationError

from pipeline.models import Record, record_id_for
from pipeline.schema import SCHEMA_PATH, record_schema, record_schema_text

SPEC_EXAMPLE = {
    "schema": "sohoa.record/1",
    "record_id": "rec-0123",
    "source": {"filename": "scan_0001.pdf", "sha256": "ab" * 32, "pages": 1,
               "media_type": "application/pdf"},
    "doc_type": "birth_certificate",
    "status": "verified",
    "fields": {
        "full_name": {"value": "Nguyễn Thị Hương Giang", "raw": "NGUYÊN THỊ HƯƠNG GIANG",
                      "confidence": 0.97, "page": 1, "bbox": [412, 880, 1630, 940],
                      "state": "auto", "issues": []}
    },
    "persons": [
        {"role": "subject", "citizen_id": "001190012345", "match": "linked", "score": 0.991,
         "candidates": [{"citizen_id": "001190012345", "score": 0.991}]}
    ],
    "issues": [],
}


def test_spec_example_round_trips_with_the_same_keys_and_values():
    record = Record.model_validate(SPEC_EXAMPLE)
    dumped = record.to_json_dict()
    for key, value in SPEC_EXAMPLE.items():
        assert dumped[key] == value, key
    assert Record.from_json(record.to_json()) == record


def test_written_records_validate_against_the_published_schema():
    jsonschema.validate(Record.model_validate(SPEC_EXAMPLE).to_json_dict(), record_schema())


@pytest.mark.parametrize("bad", [
    {"doc_type": "passport"},
    {"status": "done"},
    {"schema": "sohoa.record/2"},
])
def test_values_outside_the_contract_are_refused(bad):
    with pytest.raises(ValidationError):
        Record.model_validate({**SPEC_EXAMPLE, **bad})


def test_confidence_is_bounded():
    doc = json.loads(json.dumps(SPEC_EXAMPLE))
    doc["fields"]["full_name"]["confidence"] = 1.2
    with pytest.raises(ValidationError):
        Record.model_validate(doc)


def test_committed_schema_is_in_sync_with_the_model():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == record_schema_text(), \
        "the record schema changed: run `sohoa schema` and commit schema/record.schema.json"


def test_record_id_is_stable_for_the_same_bytes():
    assert record_id_for("f" * 64) == record_id_for("f" * 64)
    assert record_id_for("f" * 64) != record_id_for("e" * 64)
