"""The data model: scan file → pages → words → fields → record.

`Record` serialises exactly to the shared record format (`sohoa.record/1`,
../shared/spec/records.md); everything else here is internal hand-off between stages.
Hand-off objects are small and picklable: workers get data, not live handles.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_ID = "sohoa.record/1"

BBox = tuple[int, int, int, int]
"""[x0, y0, x1, y1] in pixels of the page image at the resolution it was OCR'd."""


class DocType(str, Enum):
    birth_certificate = "birth_certificate"
    marriage_certificate = "marriage_certificate"
    death_certificate = "death_certificate"
    land_certificate = "land_certificate"
    unknown = "unknown"


class RecordStatus(str, Enum):
    verified = "verified"
    needs_review = "needs_review"
    rejected = "rejected"


class FieldState(str, Enum):
    auto = "auto"
    flagged = "flagged"
    corrected = "corrected"
    confirmed = "confirmed"


class MatchState(str, Enum):
    linked = "linked"
    candidate = "candidate"
    none = "none"


class MediaType(str, Enum):
    pdf = "application/pdf"
    tiff = "image/tiff"
    png = "image/png"
    jpeg = "image/jpeg"
    unknown = "application/octet-stream"  # only on rejected records: not a supported type


# --- internal hand-off between stages -------------------------------------------------


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScanFile(_Frozen):
    """One input document as received: its bytes are in the object store under `sha256`."""

    filename: str
    sha256: str
    size: int
    media_type: MediaType
    original_key: str  # object-store key of the immutable original


class Word(_Frozen):
    text: str  # NFC
    bbox: BBox
    confidence: float  # [0, 1]
    line_id: int = 0  # words with the same (block, paragraph, line) from the OCR engine


class LineReread(_Frozen):
    """A line read a second time, alone (pipeline/reread.py): `words` may replace the words
    of the first reading inside `box` (the first reading's line, page pixels)."""

    box: BBox
    words: list[Word]
    psm: int = 6  # Tesseract's page segmentation for this reading (one reading per psm)
    slant: float = 0.0  # > 0: an italic run read sheared upright by this (pipeline/slant.py)
    # None: read in the pipeline's language; else the language of the figure witness
    # (`Settings.figure_witness`): another model's reading of a figure, a witness, not a
    # rival reading
    reader: str | None = None


class PageText(_Frozen):
    """The words of one page, from OCR or from the PDF's own text layer."""

    page: int  # 1-based
    width: int
    height: int
    dpi: int
    source: Literal["ocr", "text_layer"]
    words: list[Word]
    rotation: int = 0  # degrees applied to upright the page before OCR
    skew: float = 0.0  # degrees corrected
    image_key: str | None = None  # object-store key of the cleaned page image
    rereads: list[LineReread] | None = None  # weak lines read again (kept apart, see reread)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


# --- the record format (contract) ------------------------------------------------------


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filename: str
    sha256: str
    pages: int
    media_type: MediaType


class FieldValue(BaseModel):
    """One field of a record. `value` is normalised (or null when absent on the form)."""

    model_config = ConfigDict(extra="allow")
    value: str | int | float | None
    raw: str | None = None
    confidence: float = Field(ge=0.0, le=1.0)
    page: int | None = None
    bbox: BBox | None = None
    state: FieldState = FieldState.auto
    issues: list[str] = Field(default_factory=list)


class Candidate(BaseModel):
    model_config = ConfigDict(extra="allow")
    citizen_id: str
    score: float


class PersonLink(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    citizen_id: str | None = None
    match: MatchState = MatchState.none
    score: float | None = None
    candidates: list[Candidate] = Field(default_factory=list)


class Record(BaseModel):
    """A processed document, exactly as the shared record format describes it."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    schema_: Literal["sohoa.record/1"] = Field(default=SCHEMA_ID, alias="schema")
    record_id: str
    source: Source
    doc_type: DocType
    status: RecordStatus
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    persons: list[PersonLink] = Field(default_factory=list)
    issues: list[str] = Field(default_factory=list)
    # extensions (optional keys, allowed by the contract)
    rejected_stage: str | None = None  # the stage that rejected the document
    rejected_reason: str | None = None  # for people: what is wrong and what to do
    pipeline_version: str | None = None  # code version that produced the record

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> Record:
        return cls.model_validate_json(text)


def record_id_for(sha256: str) -> str:
    """Stable for the same source bytes: derived from their hash, never from the name."""
    return f"rec-{sha256[:24]}"


# --- batches ----------------------------------------------------------------------------


class Outcome(str, Enum):
    processed = "processed"  # a record was produced (any status, incl. rejected)
    duplicate = "duplicate"  # same bytes as another document, under another name
    unchanged = "unchanged"  # rerun: these bytes under this name were already processed
    failed = "failed"  # a stage raised; the original is kept and marked


class BatchItem(BaseModel):
    filename: str
    sha256: str | None = None
    record_id: str | None = None
    outcome: Outcome
    status: RecordStatus | None = None
    doc_type: DocType | None = None
    pages: int = 0
    stage: str | None = None  # where it failed or was rejected
    reason: str | None = None
    duplicate_of: str | None = None  # filename first seen with these bytes
    seconds: float = 0.0


class BatchSummary(BaseModel):
    batch_id: str
    source: str
    started_at: str
    finished_at: str | None = None
    documents: int = 0
    pages: int = 0
    counts: dict[str, int] = Field(default_factory=dict)
    items: list[BatchItem] = Field(default_factory=list)
    seconds: float = 0.0

    def count(self) -> dict[str, int]:
        """Documents per outcome; processed ones are split by record status."""
        c = {"verified": 0, "needs_review": 0, "rejected": 0, "failed": 0, "duplicate": 0,
             "unchanged": 0}
        for it in self.items:
            if it.outcome == Outcome.processed and it.status is not None:
                c[it.status.value] += 1
            elif it.outcome != Outcome.processed:
                c[it.outcome.value] += 1
        return c
