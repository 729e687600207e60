"""The service's database handle: the pipeline's index tables (read) and the service's own
tables (clients, audit, search), in one engine so a read and its audit row share a
transaction. SQLite by default, PostgreSQL in production (`SOHOA_DATABASE_URL`).

The audit log is append-only for the application: on PostgreSQL the app role (`sohoa_app`)
gets INSERT and SELECT on it and nothing else; on SQLite (no roles) triggers abort any
UPDATE or DELETE.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, MetaData, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from pipeline.errors import StorageError
from pipeline.index.engine import make_engine, normalise_url, write_engine
from pipeline.index.schema import Base as IndexBase
from service.tables import ServiceBase

T = TypeVar("T")
APP_ROLE = "sohoa_app"
POOL_SIZE = 16  # connections per server process (PostgreSQL)
_SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
]
_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _engine(url: str) -> Engine:
    """SQLite: the pipeline's tuned engine. PostgreSQL: the service's own pool, without the
    per-checkout pre-ping (one extra round trip on every request); a connection broken by
    a database restart fails its request with 503 and is replaced. No overflow: an overflow
    connection is closed when it is returned, so every burst above the pool size opened a
    new PostgreSQL session per request (backend start, and the lookup planned afresh before
    psycopg prepares it): 273 sessions in 30 s at 200 req/s. A request beyond the pool
    waits for a connection instead (pool_timeout)."""
    url = normalise_url(url)
    if make_url(url).get_backend_name() != "postgresql":
        return make_engine(url)
    return create_engine(url, pool_size=POOL_SIZE, max_overflow=0, pool_timeout=10,
                         pool_recycle=1800, pool_pre_ping=False)


class ServiceDB:
    def __init__(self, url: str) -> None:
        self.engine: Engine = _engine(url)
        self.writer: Engine = write_engine(self.engine)  # SQLite: BEGIN IMMEDIATE
        self.dialect = self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write-capable transaction; database errors become StorageError (503)."""
        try:
            with self.writer.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            cause = getattr(exc, "orig", None) or exc
            raise StorageError(f"database: {type(cause).__name__}: {cause}",
                               hint="check SOHOA_DATABASE_URL and that the database is up"
                               ) from exc

    def run(self, fn: Callable[[Connection], T]) -> T:
        with self.transaction() as conn:
            return fn(conn)

    def create_all(self, *extra: MetaData) -> None:
        """Create the index and service tables and any `extra` ones (idempotent) and, on
        SQLite, the triggers that keep the audit log append-only. On PostgreSQL an
        advisory lock serialises it: server workers starting together would otherwise race
        on the catalogue ("duplicate key … pg_type_typname_nsp_index")."""
        def create(conn: Connection) -> None:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('sohoa-schema'))"))
            IndexBase.metadata.create_all(conn)
            ServiceBase.metadata.create_all(conn)
            for metadata in extra:
                metadata.create_all(conn)
            if self.dialect == "sqlite":
                for stmt in _SQLITE_TRIGGERS:
                    conn.exec_driver_sql(stmt)
        self.run(create)

    def dispose(self) -> None:
        self.engine.dispose()


def grant_app_role(conn: Connection, role: str = APP_ROLE) -> str:
    """PostgreSQL: create (if missing) the login role the service runs as, and grant it
    exactly what it needs in the current schema. On `audit_log` that is INSERT and SELECT:
    an UPDATE or DELETE as this role fails with "permission denied". Returns the schema."""
    if not _IDENT.match(role):
        raise ValueError(f"bad role name {role!r}")
    schema = str(conn.execute(text("select current_schema()")).scalar())
    q = f'"{schema}"'
    conn.execute(text(
        f"DO $$ BEGIN CREATE ROLE {role} LOGIN; "
        f"EXCEPTION WHEN duplicate_object THEN NULL; END $$"))
    for stmt in (
        f"GRANT USAGE ON SCHEMA {q} TO {role}",
        f"GRANT SELECT ON {q}.documents, {q}.persons, {q}.document_names, {q}.batches, "
        f"{q}.batch_items, {q}.api_clients TO {role}",
        f"REVOKE ALL ON {q}.audit_log FROM PUBLIC, {role}",
        f"GRANT SELECT, INSERT ON {q}.audit_log TO {role}",
        f"GRANT USAGE ON SEQUENCE {q}.audit_log_id_seq TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {q}.search_people, {q}.search_sync "
        f"TO {role}",
    ):
        conn.execute(text(stmt))
    return schema


def row_dict(row: Any) -> dict[str, Any]:
    return dict(row._mapping)
