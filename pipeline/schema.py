"""The record format's JSON Schema, generated from the pydantic model and committed, so
services outside the code can validate what SoHoa writes (a test keeps it in sync)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.models import Record

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "record.schema.json"


def record_schema() -> dict:
    schema = Record.model_json_schema(by_alias=True, mode="serialization")
    schema["$id"] = "https://sohoa.invalid/schema/sohoa.record-1.json"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def record_schema_text() -> str:
    return json.dumps(record_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
