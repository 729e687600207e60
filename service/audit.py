"""The read audit: one row per response that carries personal data, written by the read
itself inside its transaction, so a response exists only if its audit row committed.

Kept cheap on the hot path: one INSERT of plain text columns (no JSON operators, no extra
index beyond time and the asked-about citizen).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Table, func, insert, or_, select

from pipeline.index.views import utc_aware
from service.auth import Client
from service.db import ServiceDB, execute_last
from service.tables import AuditRow

AUDIT: Table = AuditRow.__table__  # type: ignore[assignment]
# Built once: `insert().values(...)` per call cost ~1 ms of CPU (statement construction and
# cache-key generation) on every audited read; bound parameters reuse the compiled form.
# `inline()`: no `RETURNING id` (nothing reads the new row's id back).
_INSERT = insert(AUDIT).inline()


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    request_id: str
    client: str
    purpose: str
    action: str
    citizen_id: str | None
    record_ids: list[str]
    fields: list[str]


def write_audit(conn: Connection, client: Client, request_id: str, action: str, *,
                citizen_id: str | None, citizens: Iterable[str], record_ids: list[str],
                fields: Iterable[str]) -> None:
    """Append one audit row as the last statement of the caller's transaction (must be the
    read's transaction); on PostgreSQL the transaction is committed with it."""
    people = sorted({c for c in citizens if c} | ({citizen_id} if citizen_id else set()))
    execute_last(conn, _INSERT, {
        "at": datetime.now(UTC), "request_id": request_id, "client": client.name,
        "key_id": client.key_id, "purpose": client.purpose, "action": action,
        "citizen_id": citizen_id, "citizens": f" {' '.join(people)} " if people else "",
        "record_ids": json.dumps(record_ids), "fields": json.dumps(sorted(set(fields)))})


def query_audit(db: ServiceDB, *, citizen: str | None = None, since: datetime | None = None,
                until: datetime | None = None, limit: int = 10_000) -> list[AuditEntry]:
    """Who read what: rows about `citizen` (asked about, or on the returned data) in
    [since, until), oldest first."""
    q = select(AUDIT)
    if citizen:
        q = q.where(or_(AUDIT.c.citizen_id == citizen, AUDIT.c.citizens.contains(f" {citizen} ")))
    if since:
        q = q.where(AUDIT.c.at >= since)
    if until:
        q = q.where(AUDIT.c.at < until)
    q = q.order_by(AUDIT.c.at, AUDIT.c.id).limit(limit)
    rows = db.run(lambda conn: conn.execute(q).all())
    return [AuditEntry(id=r.id, at=utc_aware(r.at), request_id=r.request_id, client=r.client,
                       purpose=r.purpose, action=r.action, citizen_id=r.citizen_id,
                       record_ids=json.loads(r.record_ids), fields=json.loads(r.fields))
            for r in rows]


def count_audit(db: ServiceDB) -> int:
    return int(db.run(lambda conn: conn.execute(select(func.count()).select_from(AUDIT))
                      .scalar() or 0))
