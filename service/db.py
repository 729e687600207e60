"""The service's database handle: the pipeline's index tables (read) and the service's own
tables (clients, audit, search), in one engine so a read and its audit row share a
transaction. SQLite by default, PostgreSQL in production (`SOHOA_DATABASE_URL`).

The audit log is append-only for the application: on PostgreSQL the app role (`sohoa_app`)
gets INSERT and SELECT on it and nothing else; on SQLite (no roles) triggers abort any
UPDATE or DELETE.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, TypeVar

import psycopg
from psycopg.rows import namedtuple_row
from sqlalchemy import Connection, Engine, MetaData, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql import ClauseElement

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
        """One write-capable transaction; database errors become StorageError (503)
        (also those of the pipelined statements below, which run on the driver itself)."""
        try:
            with self.writer.begin() as conn:
                yield conn  # a session psycopg found dead fails its reset on return and is dropped
        except (SQLAlchemyError, psycopg.Error) as exc:
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

    def fill_pool(self, warm: Callable[[Connection], None]) -> int:
        """PostgreSQL: open every pooled session now and run `warm` on each (to load the
        catalogue entries the hot path needs), instead of on first use under load: a
        session opened mid-run costs a backend start and a cold catalogue, and load runs
        opened up to 16 of them while measured. Returns the sessions opened."""
        if self.dialect != "postgresql":
            return 0
        with ExitStack() as held:  # all at once, so the pool cannot hand one out twice
            conns = [held.enter_context(self.engine.connect()) for _ in range(POOL_SIZE)]
            for conn in conns:
                warm(conn)
                conn.rollback()
        return len(conns)

    def dispose(self) -> None:
        self.engine.dispose()


# The hot path's statements on PostgreSQL, compiled once: SQL text and fixed parameters.
_COMPILED: dict[tuple[int, tuple[str, ...]], tuple[ClauseElement, str, dict[str, Any]]] = {}


def _compiled(conn: Connection, stmt: ClauseElement,
              keys: Iterable[str] = ()) -> tuple[str, dict[str, Any]]:
    """SQL text for the connection's dialect and the values bound in the statement itself
    (e.g. `literal(...)`); `keys`: the columns an INSERT is given."""
    columns = tuple(sorted(keys))
    hit = _COMPILED.get((id(stmt), columns))
    if hit is None or hit[0] is not stmt:  # (an id can be reused by a new statement)
        c = stmt.compile(dialect=conn.dialect, column_keys=list(columns) or None)
        fixed = {k: v for k, v in c.params.items() if v is not None}
        hit = _COMPILED[(id(stmt), columns)] = (stmt, str(c), fixed)
    return hit[1], hit[2]


def select_rows(conn: Connection, stmt: ClauseElement, params: dict[str, Any]) -> list[Any]:
    """The rows of `stmt` in `conn`'s transaction. On PostgreSQL the transaction's BEGIN
    and the query go in one round trip (psycopg pipeline) instead of two; rows have the
    selected columns as attributes, as SQLAlchemy's do."""
    if conn.dialect.name != "postgresql":
        return list(conn.execute(stmt, params).all())
    sql, fixed = _compiled(conn, stmt)
    raw: psycopg.Connection = conn.connection.driver_connection  # type: ignore[assignment]
    with raw.pipeline(), raw.cursor(row_factory=namedtuple_row) as cur:
        cur.execute(sql, {**fixed, **params})
        return cur.fetchall()


def execute_last(conn: Connection, stmt: ClauseElement, params: dict[str, Any]) -> None:
    """Execute `stmt` as the last statement of `conn`'s transaction. On PostgreSQL it is
    sent together with the COMMIT (one round trip, psycopg pipeline) and returns once the
    commit is durable; the caller's `transaction()` then finds nothing left to commit.
    Elsewhere the transaction commits as usual when its block ends."""
    if conn.dialect.name != "postgresql":
        conn.execute(stmt, params)
        return
    sql, fixed = _compiled(conn, stmt, params)
    raw: psycopg.Connection = conn.connection.driver_connection  # type: ignore[assignment]
    with raw.pipeline():
        raw.execute(sql, {**fixed, **params})
        raw.commit()


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
