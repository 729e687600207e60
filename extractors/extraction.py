"""What the extraction stage hands on: the document type and the fields, keyed by the record
format's keys for that type (../shared/spec/records.md)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from pipeline.models import DocType, FieldValue


class Extraction(BaseModel):
    doc_type: DocType
    doc_type_confidence: float = Field(ge=0.0, le=1.0)
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    issues: list[str] = Field(default_factory=list)
