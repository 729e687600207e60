"""The service's own tables, in their own metadata (the pipeline's index tables are not
touched): API clients, the append-only read audit, and the search read model."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

BigId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only


class ServiceBase(DeclarativeBase):
    pass


class ApiClientRow(ServiceBase):
    """A calling service. Only the SHA-256 of its secret is kept; `key_id` (public, in the
    key itself) finds the row without scanning."""

    __tablename__ = "api_clients"
    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    purpose: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(Text)  # space-separated scope names
    key_hash: Mapped[str] = mapped_column(String(64))
    rate_per_second: Mapped[float] = mapped_column(Float, default=20.0)
    burst: Mapped[int] = mapped_column(Integer, default=40)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditRow(ServiceBase):
    """One row per response that carried personal data. Append-only: the application role
    may INSERT and SELECT only (PostgreSQL grants; a trigger on SQLite)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    request_id: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(128))  # client name (stable, human-readable)
    key_id: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))  # citizen_records | record | evidence | search
    citizen_id: Mapped[str | None] = mapped_column(String(32), index=True)  # asked about
    citizens: Mapped[str] = mapped_column(Text, default="")  # ' id1 id2 ' on returned data
    record_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    fields: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of doc_type.field


class SearchPersonRow(ServiceBase):
    """Search read model: name and birth date of each linked person on a record, refreshed
    from the store as documents change (the index itself holds no names)."""

    __tablename__ = "search_people"
    __table_args__ = (Index("ix_search_people_name", "name_key"),)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    citizen_id: Mapped[str | None] = mapped_column(String(32))
    name_key: Mapped[str] = mapped_column(Text)  # folded: lower case, no diacritics
    date_of_birth: Mapped[str | None] = mapped_column(String(10))
    birth_year: Mapped[int | None] = mapped_column(Integer)


class SearchSyncRow(ServiceBase):
    """How far the search read model has followed `documents.updated_at`."""

    __tablename__ = "search_sync"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watermark: Mapped[datetime] = mapped_column(DateTime(timezone=True))
