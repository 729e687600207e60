"""`Index`: the database side of the record store (SQLite or PostgreSQL via SQLAlchemy).

Every write is an upsert keyed by content (`sha256`) or by (batch, filename), so rerunning a
batch — after a crash, or by two workers racing on the same file — never makes a second row.
Upserts use INSERT … ON CONFLICT on both dialects; SQLite write transactions begin IMMEDIATE.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Table, delete, insert, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from pipeline.config import Settings
from pipeline.errors import NotFound, StorageError
from pipeline.index.engine import make_engine, write_engine
from pipeline.index.schema import (Base, BatchItemRow, BatchRow, DocumentNameRow, DocumentRow,
                                   PersonRow)
from pipeline.index.views import BatchInfo, CitizenHit, DocumentInfo
from pipeline.models import BatchItem, Outcome, Record, RecordStatus, record_id_for

DOCS: Table = DocumentRow.__table__  # type: ignore[assignment]
NAMES: Table = DocumentNameRow.__table__  # type: ignore[assignment]
PERSONS: Table = PersonRow.__table__  # type: ignore[assignment]
BATCHES: Table = BatchRow.__table__  # type: ignore[assignment]
ITEMS: Table = BatchItemRow.__table__  # type: ignore[assignment]
FAILED = "failed"


def _now() -> datetime:
    return datetime.now(UTC)


def new_batch_id() -> str:
    """Sortable by start time, unique across machines."""
    return f"{_now():%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


class Index:
    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        """Open the index at `url`, or over an engine the caller already holds (one pool
        per database in a process, e.g. the web pages share the service's)."""
        if (url is None) == (engine is None):
            raise ValueError("Index needs exactly one of url or engine")
        self.engine = engine if engine is not None else make_engine(url or "")
        self._writer = write_engine(self.engine)
        self.dialect = self.engine.dialect.name
        self._upserts: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Any] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Index:
        return cls(settings.effective_database_url)

    def __repr__(self) -> str:
        return f"Index({self.engine.url.render_as_string(hide_password=True)!r})"

    def create_all(self) -> None:
        """Create missing tables (idempotent; migrations come when the schema must change)."""
        self._run("create tables", lambda conn: Base.metadata.create_all(conn), write=True)

    def dispose(self) -> None:
        self.engine.dispose()

    # --- plumbing ---------------------------------------------------------------------

    def _insert(self, table: Table) -> Any:
        if self.dialect == "postgresql":  # imported here: the dialect costs ~0.3 s to import
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert(table)
        return sqlite_insert(table)

    def _upsert(self, table: Table, conflict: tuple[str, ...], update: tuple[str, ...]) -> Any:
        """INSERT … ON CONFLICT (conflict) DO UPDATE SET update = the new row's values, without
        values: they are passed at execution, so one statement (built once, its compiled form
        cached) serves every row - building `excluded` anew per row cost more than the write."""
        key = (table.name, conflict, update)
        stmt = self._upserts.get(key)
        if stmt is None:
            ins = self._insert(table)
            stmt = ins.on_conflict_do_update(index_elements=list(conflict),
                                             set_={k: ins.excluded[k] for k in update})
            self._upserts[key] = stmt
        return stmt

    def _run(self, action: str, fn: Any, *, write: bool = False) -> Any:
        """Run `fn(conn)` in one transaction; database errors become StorageError."""
        try:
            with (self._writer if write else self.engine).begin() as conn:
                return fn(conn)
        except SQLAlchemyError as exc:
            cause = getattr(exc, "orig", None) or exc
            raise StorageError(f"index: cannot {action}: {type(cause).__name__}: {cause}",
                               hint="check SOHOA_DATABASE_URL and that the database is up "
                                    "(run create_all / `sohoa` once to create tables)") from exc

    # --- documents --------------------------------------------------------------------

    def upsert_record(self, record: Record, record_key: str, pipeline_version: str, *,
                      stage: str | None = None, reason: str | None = None) -> None:
        """Insert or update the document row for `record.source.sha256` and replace its
        persons. Keeps the first filename and created_at; everything else is the latest."""
        now = _now()
        if reason is None and record.status == RecordStatus.rejected and record.issues:
            reason = "; ".join(record.issues)
        values = {
            "sha256": record.source.sha256, "record_id": record.record_id,
            "filename": record.source.filename, "media_type": record.source.media_type.value,
            "pages": record.source.pages, "doc_type": record.doc_type.value,
            "status": record.status.value, "stage": stage, "reason": reason,
            "record_key": record_key, "created_at": now, "updated_at": now,
            "pipeline_version": pipeline_version,
        }
        keep = {"sha256", "filename", "created_at"}
        stmt = self._upsert(DOCS, ("sha256",), tuple(k for k in values if k not in keep))
        persons = [{"record_id": record.record_id, "role": p.role, "citizen_id": p.citizen_id,
                    "match": p.match.value, "score": p.score} for p in record.persons]

        def write(conn: Any) -> None:
            conn.execute(stmt, values)  # takes the row lock first: racing upserts serialise here
            conn.execute(delete(PERSONS).where(PERSONS.c.record_id == record.record_id))
            if persons:
                conn.execute(insert(PERSONS), persons)
        self._run(f"store record {record.record_id}", write, write=True)

    def mark_failed(self, sha256: str | None, filename: str, stage: str, reason: str, *,
                    batch_id: str | None = None, pipeline_version: str | None = None) -> None:
        """Remember a failure wherever it can be remembered: on the document (when the bytes
        were hashed) and as a batch item (when in a batch). A document that already has a
        record keeps it — the failed rerun shows in the batch item, not over the record."""
        if sha256 is None and batch_id is None:
            raise ValueError("mark_failed needs a sha256 or a batch_id to attach the failure to")
        now = _now()

        def write(conn: Any) -> None:
            if sha256 is not None:
                values = {"sha256": sha256, "record_id": record_id_for(sha256),
                          "filename": filename, "status": FAILED, "stage": stage,
                          "reason": reason, "created_at": now, "updated_at": now,
                          "pipeline_version": pipeline_version, "pages": 0}
                ins = self._insert(DOCS).values(**values)
                conn.execute(ins.on_conflict_do_update(
                    index_elements=["sha256"],
                    set_={"stage": stage, "reason": reason, "updated_at": now,
                          "pipeline_version": pipeline_version},
                    where=DOCS.c.status == FAILED))
            if batch_id is not None:
                item = BatchItem(filename=filename, sha256=sha256, outcome=Outcome.failed,
                                 stage=stage, reason=reason)
                conn.execute(self._items_upsert(), self._item_values(batch_id, item))
        self._run(f"mark {filename} failed", write, write=True)

    def add_name(self, sha256: str, filename: str, batch_id: str | None = None) -> None:
        """Remember that these bytes arrived under `filename` (idempotent)."""
        stmt = self._insert(NAMES).values(sha256=sha256, filename=filename,
                                          batch_id=batch_id or "", seen_at=_now())
        self._run(f"add name {filename}",
                  lambda conn: conn.execute(stmt.on_conflict_do_nothing()), write=True)

    def names(self, sha256: str) -> list[tuple[str, str | None]]:
        """(filename, batch_id) pairs under which these bytes arrived, oldest first."""
        q = select(NAMES.c.filename, NAMES.c.batch_id).where(NAMES.c.sha256 == sha256) \
            .order_by(NAMES.c.seen_at, NAMES.c.id)
        rows = self._run("list names", lambda conn: conn.execute(q).all())
        return [(r.filename, r.batch_id or None) for r in rows]

    def lookup_sha(self, sha256: str) -> DocumentInfo | None:
        """The document with these bytes, or None (the dedupe check at intake)."""
        q = select(DOCS).where(DOCS.c.sha256 == sha256)
        row = self._run("look up hash", lambda conn: conn.execute(q).first())
        return DocumentInfo.model_validate(dict(row._mapping)) if row else None

    def get_document(self, record_id: str) -> DocumentInfo:
        """The document for `record_id`; NotFound if there is none."""
        q = select(DOCS).where(DOCS.c.record_id == record_id)
        row = self._run("look up record", lambda conn: conn.execute(q).first())
        if row is None:
            raise NotFound(f"no record {record_id!r}", hint="check the record id")
        return DocumentInfo.model_validate(dict(row._mapping))

    def find(self, ref: str) -> DocumentInfo:
        """The document named by a record id, a source sha256 or a filename (the latest
        document that arrived under that name); NotFound if nothing matches."""
        by_name = (select(NAMES.c.sha256).where(NAMES.c.filename == ref)
                   .order_by(NAMES.c.seen_at.desc(), NAMES.c.id.desc()).limit(1)
                   .scalar_subquery())
        for cond in (DOCS.c.record_id == ref, DOCS.c.sha256 == ref.lower(),
                     DOCS.c.sha256 == by_name, DOCS.c.filename == ref):
            q = select(DOCS).where(cond).order_by(DOCS.c.updated_at.desc()).limit(1)
            row = self._run("find document", lambda conn: conn.execute(q).first())
            if row is not None:
                return DocumentInfo.model_validate(dict(row._mapping))
        raise NotFound(f"no document with record id, sha256 or filename {ref!r}",
                       hint="`sohoa batch` lists the files of the latest batch")

    def records_for_citizen(self, citizen_id: str, *,
                            include_candidates: bool = False) -> list[CitizenHit]:
        """Records on which the citizen appears: linked persons only, unless asked for
        candidate links too (those wait for a reviewer and must not feed services)."""
        matches = ["linked", "candidate"] if include_candidates else ["linked"]
        q = (select(PERSONS.c.record_id, PERSONS.c.role, PERSONS.c.citizen_id, PERSONS.c.match,
                    PERSONS.c.score, DOCS.c.sha256, DOCS.c.filename, DOCS.c.doc_type,
                    DOCS.c.status, DOCS.c.record_key)
             .join(DOCS, DOCS.c.record_id == PERSONS.c.record_id)
             .where(PERSONS.c.citizen_id == citizen_id, PERSONS.c.match.in_(matches))
             .order_by(DOCS.c.created_at, PERSONS.c.record_id, PERSONS.c.role))
        rows = self._run("find records for citizen", lambda conn: conn.execute(q).all())
        return [CitizenHit.model_validate(dict(r._mapping)) for r in rows]

    # --- batches ----------------------------------------------------------------------

    def start_batch(self, source: str, batch_id: str | None = None) -> str:
        """Open a batch (or resume it: an existing id keeps its start time)."""
        batch_id = batch_id or new_batch_id()
        stmt = self._insert(BATCHES).values(batch_id=batch_id, source=source,
                                            started_at=_now(), counts={})
        self._run(f"start batch {batch_id}",
                  lambda conn: conn.execute(stmt.on_conflict_do_nothing()), write=True)
        return batch_id

    def finish_batch(self, batch_id: str, counts: Mapping[str, int]) -> None:
        stmt = BATCHES.update().where(BATCHES.c.batch_id == batch_id) \
            .values(finished_at=_now(), counts=dict(counts))
        n = self._run(f"finish batch {batch_id}",
                      lambda conn: conn.execute(stmt).rowcount, write=True)
        if n == 0:
            raise NotFound(f"no batch {batch_id!r}", hint="start_batch() first")

    def latest_batch_id(self) -> str:
        """The most recently started batch; NotFound when there is none yet."""
        q = select(BATCHES.c.batch_id).order_by(BATCHES.c.started_at.desc(),
                                                BATCHES.c.batch_id.desc()).limit(1)
        bid = self._run("find latest batch", lambda conn: conn.execute(q).scalar())
        if bid is None:
            raise NotFound("no batch has run yet", hint="run `sohoa process INPUT --out DIR`")
        return str(bid)

    def get_batch(self, batch_id: str) -> BatchInfo:
        q = select(BATCHES).where(BATCHES.c.batch_id == batch_id)
        row = self._run("look up batch", lambda conn: conn.execute(q).first())
        if row is None:
            raise NotFound(f"no batch {batch_id!r}", hint="check the batch id")
        return BatchInfo.model_validate(dict(row._mapping))

    def _item_values(self, batch_id: str, item: BatchItem) -> dict[str, Any]:
        return {
            "batch_id": batch_id, "filename": item.filename, "sha256": item.sha256,
            "outcome": item.outcome.value, "status": item.status.value if item.status else None,
            "stage": item.stage, "reason": item.reason, "record_id": item.record_id,
            "doc_type": item.doc_type.value if item.doc_type else None, "pages": item.pages,
            "duplicate_of": item.duplicate_of, "seconds": item.seconds, "updated_at": _now(),
        }

    def _items_upsert(self) -> Any:
        return self._upsert(ITEMS, ("batch_id", "filename"), (
            "sha256", "outcome", "status", "stage", "reason", "record_id", "doc_type", "pages",
            "duplicate_of", "seconds", "updated_at"))

    def record_batch_item(self, batch_id: str, item: BatchItem) -> None:
        """Insert or replace the item for (batch_id, item.filename)."""
        self.record_batch_items(batch_id, [item])

    def record_batch_items(self, batch_id: str, items: Iterable[BatchItem]) -> None:
        """Insert or replace many items in one transaction (one commit for a whole batch)."""
        rows = [self._item_values(batch_id, item) for item in items]
        if not rows:
            return
        stmt = self._items_upsert()
        self._run(f"record the items of batch {batch_id}", lambda conn: conn.execute(stmt, rows),
                  write=True)

    def batch_items(self, batch_id: str) -> list[BatchItem]:
        q = select(ITEMS).where(ITEMS.c.batch_id == batch_id).order_by(ITEMS.c.filename)
        rows = self._run("list batch items", lambda conn: conn.execute(q).all())
        return [BatchItem.model_validate(
            {k: v for k, v in r._mapping.items() if k in BatchItem.model_fields and v is not None})
            for r in rows]

    def received_shas(self) -> set[str]:
        """Every document ever received, failed ones included: each has a kept original."""
        q = select(DOCS.c.sha256)
        return {r[0] for r in self._run("list hashes", lambda conn: conn.execute(q).all())}

    def processed_shas(self, batch_id: str | None = None) -> set[str]:
        """Hashes that need no more work: in a batch, items processed or deduplicated (so a
        rerun after a crash skips them and retries failures); overall, documents that have
        a record (not failed)."""
        if batch_id is not None:
            done: Iterable[str] = (Outcome.processed.value, Outcome.duplicate.value)
            q = select(ITEMS.c.sha256).where(ITEMS.c.batch_id == batch_id,
                                             ITEMS.c.outcome.in_(done),
                                             ITEMS.c.sha256.is_not(None))
        else:
            q = select(DOCS.c.sha256).where(DOCS.c.status != FAILED)
        rows = self._run("list processed hashes", lambda conn: conn.execute(q).all())
        return {r[0] for r in rows}
