"""Index tables. The object store holds the records; these rows exist to find them: by
hash (dedupe), by record id, by citizen id, and by batch (what happened to each file)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (JSON, DateTime, Float, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    """One row per distinct original (by SHA-256): its latest processing state."""

    __tablename__ = "documents"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(Text)  # the first name these bytes arrived under
    media_type: Mapped[str | None] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    doc_type: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # verified|needs_review|rejected|failed
    stage: Mapped[str | None] = mapped_column(String(32))  # where it failed / was rejected
    reason: Mapped[str | None] = mapped_column(Text)
    record_key: Mapped[str | None] = mapped_column(Text)  # object-store key of the record
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    pipeline_version: Mapped[str | None] = mapped_column(String(64))


class DocumentNameRow(Base):
    """Every name under which the same bytes arrived (batch_id '' when outside a batch)."""

    __tablename__ = "document_names"
    __table_args__ = (UniqueConstraint("sha256", "filename", "batch_id",
                                       name="uq_document_names"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(Text)
    batch_id: Mapped[str] = mapped_column(String(64), default="")
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PersonRow(Base):
    """A person on a record and its link to the citizen registry (replaced on re-upsert)."""

    __tablename__ = "persons"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("documents.record_id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    citizen_id: Mapped[str | None] = mapped_column(String(32), index=True)
    match: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)


class BatchRow(Base):
    __tablename__ = "batches"
    batch_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class BatchItemRow(Base):
    """What happened to one file of a batch; `filename` must be unique within the batch
    (use the InputRef's relpath when a folder has subfolders)."""

    __tablename__ = "batch_items"
    __table_args__ = (UniqueConstraint("batch_id", "filename", name="uq_batch_items"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("batches.batch_id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    status: Mapped[str | None] = mapped_column(String(16))
    stage: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    record_id: Mapped[str | None] = mapped_column(String(64))
    doc_type: Mapped[str | None] = mapped_column(String(32))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_of: Mapped[str | None] = mapped_column(Text)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

