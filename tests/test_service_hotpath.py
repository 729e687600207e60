"""What keeps the citizen lookup cheap (issue 7: p99 < 50 ms at 200 req/s on 2 cores): the
statements it runs every request compile to fixed SQL, and server workers start with their
start-up heap frozen. Behaviour (allow-lists, audit) is pinned by the authz and audit tests."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from service.audit import _INSERT
from service.records import _links_stmt

COVERAGE = (("birth_certificate", ("mother", "subject")), ("land_certificate", ("holder_1",)))
DIALECTS = [postgresql.psycopg.dialect(), sqlite.dialect()]


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_lookup_statement_has_no_expanding_parameters(dialect) -> None:  # type: ignore[no-untyped-def]
    """Expanding IN parameters are re-rendered into the SQL on every execution (~0.25 ms of
    CPU per lookup); the lookup binds one plain parameter per status, type and role."""
    stmt = _links_stmt(False, True, True, ("verified", "needs_review"), COVERAGE)
    compiled = stmt.compile(dialect=dialect)
    assert "POSTCOMPILE" not in str(compiled)
    values = set(compiled.params.values())
    assert {"verified", "needs_review", "birth_certificate", "land_certificate", "mother",
            "subject", "holder_1"} <= values
    assert {"cid", "after", "lim"} <= set(compiled.params)


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_audit_insert_reads_nothing_back(dialect) -> None:  # type: ignore[no-untyped-def]
    sql = str(_INSERT.compile(dialect=dialect, column_keys=["at", "request_id", "client"]))
    assert sql.startswith("INSERT INTO audit_log") and "RETURNING" not in sql


def test_server_worker_freezes_its_start_up_heap(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from service.app import app_from_env

    monkeypatch.setattr("pipeline.config._cached", None)  # settings from this env
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path))
    for name in ("SOHOA_DATABASE_URL", "SOHOA_STORE_URL", "SOHOA_WEB_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    gc.unfreeze()
    try:
        app = app_from_env()
        assert gc.get_freeze_count() > 10_000  # FastAPI, SQLAlchemy, pydantic, Jinja
        app.state.service.close()
        app.state.web.close()
    finally:
        gc.unfreeze()


@pytest.mark.postgres
def test_pool_keeps_its_sessions_through_bursts(postgres_server: str) -> None:
    """A burst as wide as the pool, twice: the second reuses the first's PostgreSQL sessions
    (an overflow pool closed its extra connections on return and opened new ones: a backend
    start and a fresh plan per request)."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from sqlalchemy import text

    from service.db import POOL_SIZE, ServiceDB

    db = ServiceDB(postgres_server)
    barrier = Barrier(POOL_SIZE)

    def backend_pid(_: int) -> int:
        with db.engine.connect() as conn:
            pid = int(conn.execute(text("select pg_backend_pid()")).scalar_one())
            barrier.wait(timeout=30)  # all connections checked out at once
            return pid

    try:
        with ThreadPoolExecutor(POOL_SIZE) as pool:
            first = set(pool.map(backend_pid, range(POOL_SIZE)))
            barrier.reset()
            second = set(pool.map(backend_pid, range(POOL_SIZE)))
    finally:
        db.dispose()
    assert len(first) == POOL_SIZE and second == first


@pytest.mark.postgres
def test_worker_opens_and_warms_its_whole_pool_before_serving(postgres_url: str) -> None:
    """Sessions opened under load (a backend start and a cold catalogue on the first
    lookup) were up to 16 per measured load run; a served worker opens them all first."""
    from sqlalchemy import text

    from service.db import POOL_SIZE, ServiceDB
    from service.records import warm_session

    db = ServiceDB(postgres_url)
    try:
        db.create_all()
        assert db.fill_pool(warm_session) == POOL_SIZE
        assert db.engine.pool.checkedin() == POOL_SIZE  # type: ignore[attr-defined]
        with db.engine.connect() as conn:  # a pooled session, back idle: nothing left open
            assert conn.execute(text("select count(*) from audit_log")).scalar() == 0
    finally:
        db.dispose()
