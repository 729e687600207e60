"""The web pages' own tables, in their own metadata: accounts and sessions, uploads, review
claims, the change history of records, and the reviewers' field decisions (which
`sohoa calibrate --from-reviews` reads: keep `review_decisions` and its column names)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class WebBase(DeclarativeBase):
    pass


class UserRow(WebBase):
    __tablename__ = "web_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # staff | reviewer | admin
    password_hash: Mapped[str] = mapped_column(Text)  # argon2id, encoded with its parameters
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled: Mapped[bool] = mapped_column(default=False)


class SessionRow(WebBase):
    """A signed-in browser. Only the SHA-256 of the cookie's token is kept."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UploadRow(WebBase):
    """One upload from the staff page: its files on disk and the batch runs made of them."""

    __tablename__ = "web_uploads"
    upload_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    folder: Mapped[str] = mapped_column(Text)  # the folder the batch flow reads
    archive_office: Mapped[str] = mapped_column(Text)
    register_book: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None] = mapped_column(Integer)
    files: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(16), default="queued")  # queued|running|done|error
    error: Mapped[str | None] = mapped_column(Text)
    runs: Mapped[list[Any]] = mapped_column(JSON, default=list)  # sources given to the flow


class ClaimRow(WebBase):
    """A reviewer's hold on a record; another reviewer may take it only after `expires_at`."""

    __tablename__ = "review_claims"
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    reviewer: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HistoryRow(WebBase):
    """Every change to a record made on the web pages: who, when, old → new, why."""

    __tablename__ = "record_history"
    __table_args__ = (Index("ix_record_history_record", "record_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(String(64))
    field_key: Mapped[str | None] = mapped_column(String(64))  # None: the record itself
    action: Mapped[str] = mapped_column(String(32))  # confirmed|corrected|approved|rejected|linked
    old_value: Mapped[Any] = mapped_column(JSON)
    new_value: Mapped[Any] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewDecisionRow(WebBase):
    """One reviewer decision on one field, with the machine's confidence before review:
    the outcomes `sohoa calibrate --from-reviews` re-fits thresholds from."""

    __tablename__ = "review_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(String(64), index=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    field_key: Mapped[str] = mapped_column(String(64))
    confidence: Mapped[float] = mapped_column(Float)
    state_before: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)  # confirmed | corrected
    value_before: Mapped[Any] = mapped_column(JSON)
    value_after: Mapped[Any] = mapped_column(JSON)
    reviewer: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
