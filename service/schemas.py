"""Response models. Base/Public families: what a client sees is built from the allow-list,
never by deleting keys afterwards. A record's `fields` object is a pydantic model created
per (document type, allow-listed keys) that *has no attribute* for an unlisted field, and
`FieldPublic` has none for `raw` or `issues`, so nothing unlisted can be serialised.

The static `RecordPublic` documents the shape in OpenAPI; responses are built with
`record_model(doc_type, keys)`, its per-allow-list subclass.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from pipeline.models import BBox


class _Public(BaseModel):
    model_config = ConfigDict(extra="ignore")  # unlisted input keys are dropped on entry


class FieldPublic(_Public):
    """One allow-listed field with its provenance on the page."""

    value: str | int | float | None
    confidence: float
    state: str = Field(description="auto | flagged | corrected | confirmed (review state)")
    page: int | None = None
    bbox: BBox | None = Field(default=None, description="[x0, y0, x1, y1] pixels at `dpi`")
    decided_at: datetime | None = Field(default=None, description="reviewer decision time")


class PersonPublic(_Public):
    role: str
    citizen_id: str | None = None
    match: str


class Provenance(_Public):
    source_sha256: str
    media_type: str
    pages: int
    dpi: int = Field(description="resolution the boxes are in")
    review_state: str = Field(description="record status: verified | needs_review")
    reviewed_at: datetime | None = Field(default=None, description="last reviewer decision")
    indexed_at: datetime | None = None
    pipeline_version: str | None = None


class RecordBase(_Public):
    record_id: str
    doc_type: str
    status: str
    citizen_roles: list[str] = Field(description="roles of the asked-about citizen on it")
    persons: list[PersonPublic]
    provenance: Provenance


class RecordPublic(RecordBase):
    """A record as a client sees it: `fields` holds only the keys the client's scopes
    allow-list for this document type and the citizen's role on it."""

    fields: dict[str, FieldPublic]


class RecordPage(BaseModel):
    items: list[RecordPublic]
    next_cursor: str | None = Field(default=None, description="pass as `cursor` for more")


class Candidate(BaseModel):
    citizen_id: str
    score: float = Field(description="1.0: name and full date of birth agree; 0.8: name and "
                                     "birth year")


class CandidatePage(BaseModel):
    candidates: list[Candidate]


@lru_cache(maxsize=1024)
def fields_model(doc_type: str, keys: frozenset[str]) -> type[BaseModel]:
    """A model with exactly `keys` as optional FieldPublic attributes (and nothing else)."""
    defs: dict[str, Any] = {k: (FieldPublic | None, None) for k in sorted(keys)}
    name = f"Fields_{doc_type}_{abs(hash(keys)) % 10**8}"
    return create_model(name, __config__=ConfigDict(extra="ignore"), **defs)


@lru_cache(maxsize=1024)
def record_model(doc_type: str, keys: frozenset[str]) -> type[RecordBase]:
    fields_cls = fields_model(doc_type, keys)
    name = f"Record_{doc_type}_{abs(hash(keys)) % 10**8}"
    return create_model(name, __base__=RecordBase, fields=(fields_cls, ...))


def dump_record(model: RecordBase) -> dict[str, Any]:
    """JSON-ready dict; allow-listed fields absent from the record are left out."""
    out = model.model_dump(mode="json", exclude={"fields"})
    out["fields"] = model.fields.model_dump(mode="json", exclude_unset=True)  # type: ignore[attr-defined]
    return out
