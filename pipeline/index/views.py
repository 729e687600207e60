"""What the index returns: small pydantic views of rows, safe to hand to the API layer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, field_validator

T = TypeVar("T")


def utc_aware(value: T) -> T:
    """SQLite gives back naive datetimes; everything we write is UTC. Anything else
    (None, an aware datetime, a non-date) passes through unchanged."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class DocumentInfo(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    sha256: str
    record_id: str
    filename: str
    media_type: str | None = None
    pages: int = 0
    doc_type: str | None = None
    status: str  # verified | needs_review | rejected | failed
    stage: str | None = None
    reason: str | None = None
    record_key: str | None = None
    created_at: datetime
    updated_at: datetime
    pipeline_version: str | None = None

    _tz = field_validator("created_at", "updated_at", mode="before")(utc_aware)


class CitizenHit(BaseModel):
    """A record on which a citizen appears, and in which role."""

    record_id: str
    role: str
    citizen_id: str
    match: str
    score: float | None = None
    sha256: str
    filename: str
    doc_type: str | None = None
    status: str
    record_key: str | None = None


class BatchInfo(BaseModel):
    batch_id: str
    source: str
    started_at: datetime
    finished_at: datetime | None = None
    counts: dict[str, Any] = {}

    _tz = field_validator("started_at", "finished_at", mode="before")(utc_aware)
