"""The review queue: records waiting for a reviewer, filterable by batch, document type and
issue code, and claims that keep two reviewers off the same record.

Issue codes live in the records (object store), not in the index, so the queue keeps a
small read model (`review_queue`: record id, type, issue codes) that it brings up to date
from `documents.updated_at` before each listing: only records changed since the last sync
are read from the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    Connection,
    DateTime,
    String,
    Table,
    and_,
    delete,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from pipeline.index.index import DOCS, NAMES
from pipeline.index.views import utc_aware
from pipeline.models import FieldState, MatchState, Record
from pipeline.storage import ObjectStore, keys
from service.web.tables import ClaimRow, WebBase

CLAIM_MINUTES = 30


class QueueRow(WebBase):
    __tablename__ = "review_queue"
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    doc_type: Mapped[str | None] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(1024))
    issues: Mapped[list[str]] = mapped_column(JSON, default=list)
    flagged: Mapped[list[str]] = mapped_column(JSON, default=list)  # field keys
    doc_updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


QUEUE: Table = QueueRow.__table__  # type: ignore[assignment]
CLAIMS: Table = ClaimRow.__table__  # type: ignore[assignment]


class QueueItem(BaseModel):
    record_id: str
    doc_type: str | None
    filename: str
    issues: list[str]
    flagged: list[str]
    claimed_by: str | None = None
    claim_expires: datetime | None = None


class ClaimResult(BaseModel):
    ok: bool
    holder: str
    expires_at: datetime


def queue_entry(record: Record) -> dict[str, Any]:
    flagged = [k for k, f in record.fields.items() if f.state == FieldState.flagged
               and not k.endswith(("_code", "_units_version"))]  # those follow their place
    codes = {i.split(":", 1)[0] for k in flagged for i in record.fields[k].issues}
    codes |= {i.split(":", 1)[0] for i in record.issues}
    if any(p.match == MatchState.candidate for p in record.persons):
        codes.add("ambiguous_person")
    return {"issues": sorted(codes), "flagged": flagged}


def sync(conn: Connection, store: ObjectStore) -> int:
    """Bring the read model up to date with the index; returns the rows refreshed."""
    last = conn.execute(select(QUEUE.c.record_id, QUEUE.c.doc_updated_at)).all()
    seen = {r.record_id: utc_aware(r.doc_updated_at) for r in last}
    docs = conn.execute(select(DOCS.c.record_id, DOCS.c.doc_type, DOCS.c.filename,
                               DOCS.c.updated_at)
                        .where(DOCS.c.status == "needs_review")).all()
    waiting = {d.record_id for d in docs}
    gone = [rid for rid in seen if rid not in waiting]
    if gone:
        conn.execute(delete(QUEUE).where(QUEUE.c.record_id.in_(gone)))
    n = 0
    for d in docs:
        if seen.get(d.record_id) == utc_aware(d.updated_at):
            continue
        record = Record.from_json(store.get_bytes(keys.record_key(d.record_id)))
        conn.execute(delete(QUEUE).where(QUEUE.c.record_id == d.record_id))
        conn.execute(QUEUE.insert().values(record_id=d.record_id, doc_type=d.doc_type,
                                           filename=d.filename, doc_updated_at=d.updated_at,
                                           **queue_entry(record)))
        n += 1
    return n


def list_queue(conn: Connection, *, batch: str | None = None, doc_type: str | None = None,
               issue: str | None = None, limit: int = 200) -> list[QueueItem]:
    q = (select(QUEUE, CLAIMS.c.reviewer, CLAIMS.c.expires_at)
         .join(CLAIMS, CLAIMS.c.record_id == QUEUE.c.record_id, isouter=True)
         .order_by(QUEUE.c.doc_updated_at, QUEUE.c.record_id))
    if doc_type:
        q = q.where(QUEUE.c.doc_type == doc_type)
    if batch:
        shas = select(NAMES.c.sha256).where(NAMES.c.batch_id == batch)
        q = q.where(QUEUE.c.record_id.in_(
            select(DOCS.c.record_id).where(DOCS.c.sha256.in_(shas))))
    rows = conn.execute(q).all()
    now = datetime.now(UTC)
    out = []
    for r in rows:
        if issue and issue not in (r.issues or []):
            continue
        live = r.expires_at is not None and utc_aware(r.expires_at) > now  # type: ignore[operator]
        out.append(QueueItem(record_id=r.record_id, doc_type=r.doc_type, filename=r.filename,
                             issues=r.issues or [], flagged=r.flagged or [],
                             claimed_by=r.reviewer if live else None,
                             claim_expires=utc_aware(r.expires_at) if live else None))
        if len(out) >= limit:
            break
    return out


def issue_codes(conn: Connection) -> list[str]:
    return sorted({c for (codes,) in conn.execute(select(QUEUE.c.issues)).all()
                   for c in (codes or [])})


def claim(conn: Connection, record_id: str, reviewer: str,
          minutes: int = CLAIM_MINUTES) -> ClaimResult:
    """Take (or renew) the claim on a record unless another reviewer holds a live one.
    One statement decides, so two reviewers racing for a record cannot both win."""
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=minutes)
    values = {"record_id": record_id, "reviewer": reviewer, "claimed_at": now,
              "expires_at": expires}
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    ins = insert(CLAIMS).values(**values)
    conn.execute(ins.on_conflict_do_update(
        index_elements=["record_id"], set_={k: ins.excluded[k] for k in values
                                            if k != "record_id"},
        where=or_(CLAIMS.c.reviewer == reviewer, CLAIMS.c.expires_at < now)))
    row = conn.execute(select(CLAIMS).where(CLAIMS.c.record_id == record_id)).one()
    return ClaimResult(ok=row.reviewer == reviewer, holder=row.reviewer,
                       expires_at=utc_aware(row.expires_at))  # type: ignore[arg-type]


def holds_claim(conn: Connection, record_id: str, reviewer: str) -> bool:
    row = conn.execute(select(CLAIMS.c.reviewer, CLAIMS.c.expires_at)
                       .where(CLAIMS.c.record_id == record_id)).first()
    return (row is not None and row.reviewer == reviewer
            and utc_aware(row.expires_at) > datetime.now(UTC))  # type: ignore[operator]


def release(conn: Connection, record_id: str, reviewer: str) -> None:
    conn.execute(delete(CLAIMS).where(and_(CLAIMS.c.record_id == record_id,
                                           CLAIMS.c.reviewer == reviewer)))


def next_record(conn: Connection, reviewer: str, after: str | None = None) -> str | None:
    """The next waiting record nobody else holds (after `after` in queue order)."""
    for item in list_queue(conn):
        if item.record_id == after:
            continue
        if item.claimed_by in (None, reviewer):
            return item.record_id
    return None
