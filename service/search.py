"""Search by full name and date of birth, for scopes with the `search` flag: returns
candidate citizen ids only (no record, no field), so a client that must confirm who a
person is still reads the records through the citizen lookup, purpose-bound and audited.

The index holds no names, so a small read model (`search_people`) follows
`documents.updated_at` and keeps, per linked person on each record, the folded name and
birth date from the record in the store. It is refreshed incrementally before each search.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from matching.persons import ROLE_FIELDS
from pipeline.index.index import DOCS
from pipeline.models import MatchState, Record
from pipeline.textnorm import fold
from service.audit import write_audit
from service.auth import Client
from service.context import ServiceContext
from service.errors import Forbidden
from service.records import load, statuses
from service.tables import SearchPersonRow, SearchSyncRow

PEOPLE: Table = SearchPersonRow.__table__  # type: ignore[assignment]
SYNC: Table = SearchSyncRow.__table__  # type: ignore[assignment]
SYNC_BATCH = 500
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# role → (name field, date-of-birth or birth-year field), per document type: the roles and
# their fields as matching reads them (one table: matching.persons.ROLE_FIELDS)
NAME_FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    doc_type: {role: (spec["name"], spec.get("dob") or spec["year"])
               for role, spec in roles.items()}
    for doc_type, roles in ROLE_FIELDS.items()}


def name_key(name: str) -> str:
    return " ".join(fold(name).lower().split())


def people_rows(rec: Record) -> list[dict[str, Any]]:
    roles = NAME_FIELDS.get(rec.doc_type.value, {})
    out = []
    for p in rec.persons:
        if p.role not in roles or p.match != MatchState.linked or not p.citizen_id:
            continue
        name_f, born_f = roles[p.role]
        name = rec.fields.get(name_f)
        born = rec.fields.get(born_f)
        if name is None or not isinstance(name.value, str):
            continue
        dob = born.value if born is not None else None
        iso = dob if isinstance(dob, str) and len(dob) == 10 else None
        year = int(dob) if isinstance(dob, int) else (int(iso[:4]) if iso else None)
        out.append({"record_id": rec.record_id, "role": p.role, "doc_type": rec.doc_type.value,
                    "status": rec.status.value, "citizen_id": p.citizen_id,
                    "name_key": name_key(name.value), "date_of_birth": iso, "birth_year": year})
    return out


def refresh(svc: ServiceContext, max_batches: int = 20) -> int:
    """Follow documents changed since the watermark; returns how many were read."""
    done = 0
    for _ in range(max_batches):
        n = svc.db.run(lambda conn: _refresh_batch(svc, conn))
        done += n
        if n < SYNC_BATCH:
            break
    return done


def _refresh_batch(svc: ServiceContext, conn: Connection) -> int:
    mark = conn.execute(select(SYNC.c.watermark).where(SYNC.c.id == 1)).scalar()
    if mark is None:
        conn.execute(_insert(svc, SYNC).values(id=1, watermark=EPOCH).on_conflict_do_nothing())
        mark = EPOCH
    docs = conn.execute(select(DOCS.c.record_id, DOCS.c.status, DOCS.c.updated_at)
                        .where(DOCS.c.updated_at > mark).order_by(DOCS.c.updated_at)
                        .limit(SYNC_BATCH)).all()
    for d in docs:
        conn.execute(delete(PEOPLE).where(PEOPLE.c.record_id == d.record_id))
        if d.status in ("verified", "needs_review"):
            rows = people_rows(Record.model_validate(load(svc, d.record_id)))
            if rows:
                ins = _insert(svc, PEOPLE)
                conn.execute(ins.on_conflict_do_nothing(), rows)
    if docs:
        conn.execute(update(SYNC).where(SYNC.c.id == 1).values(watermark=docs[-1].updated_at))
    return len(docs)


def _insert(svc: ServiceContext, table: Table) -> Any:
    return (pg_insert if svc.db.dialect == "postgresql" else sqlite_insert)(table)


def search(svc: ServiceContext, client: Client, request_id: str, full_name: str,
           date_of_birth: date) -> dict[str, Any]:
    if not client.grant.allows("search"):
        raise Forbidden("the client's scopes do not include search")
    refresh(svc)
    key = name_key(full_name)
    iso = date_of_birth.isoformat()
    with svc.db.transaction() as conn:
        rows = conn.execute(select(PEOPLE.c.citizen_id, PEOPLE.c.date_of_birth,
                                   PEOPLE.c.birth_year)
                            .where(PEOPLE.c.name_key == key,
                                   PEOPLE.c.status.in_(statuses(client)),
                                   (PEOPLE.c.date_of_birth == iso)
                                   | ((PEOPLE.c.date_of_birth.is_(None))
                                      & (PEOPLE.c.birth_year == date_of_birth.year)))).all()
        best: dict[str, float] = {}
        for r in rows:
            score = 1.0 if r.date_of_birth == iso else 0.8
            best[r.citizen_id] = max(best.get(r.citizen_id, 0.0), score)
        cands = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
        write_audit(conn, client, request_id, "search", citizen_id=None,
                    citizens=[c for c, _ in cands], record_ids=[], fields=["search.citizen_id"])
    return {"candidates": [{"citizen_id": c, "score": s} for c, s in cands]}
