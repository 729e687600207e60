"""The read audit: no read path skips it (audit rows counted against responses over a
randomized sequence of calls), rows say who/what/when, the log is append-only for the app
(PostgreSQL grants for `sohoa_app`; a trigger on SQLite), and `sohoa audit` answers
"who read citizen X in this period"."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from pipeline.cli import app as cli_app
from pipeline.config import Settings
from service.audit import AUDIT, count_audit, query_audit
from service.db import APP_ROLE, ServiceDB
from service_env import BACKENDS, Env, module_env
from service_world import A, B, CHILD, STRANGER

DATA_PATHS = ("/v1/citizens/", "/v1/records/", "/v1/search")


@pytest.fixture(params=BACKENDS, scope="module")
def env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[Env]:
    yield from module_env(request, tmp_path_factory.mktemp("service"))


def _random_call(env: Env, rng: random.Random) -> tuple[str, str]:
    w = env.world
    who = rng.choice(sorted(w.keys))
    citizen = rng.choice([A, B, CHILD, STRANGER])
    rec = rng.choice(list(w.records.values()))
    kind = rng.choice(["list", "record", "evidence", "search", "bad"])
    if kind == "list":
        return who, f"/v1/citizens/{citizen}/records?limit={rng.randint(1, 5)}"
    if kind == "record":
        return who, f"/v1/records/{rec.record_id}?citizen_id={citizen}"
    if kind == "evidence":
        key = rng.choice(sorted(rec.fields) or ["full_name"])
        return who, f"/v1/records/{rec.record_id}/fields/{key}/evidence?citizen_id={citizen}"
    if kind == "search":
        return who, "/v1/search?full_name=Tran%20Van%20Binh&date_of_birth=1988-07-02"
    return who, f"/v1/citizens/{citizen[:5]}/records"


def test_no_read_path_skips_the_audit(env: Env) -> None:
    db = ServiceDB(env.owner_url)
    before = count_audit(db)
    rng = random.Random(13)
    ok: dict[str, dict] = {}  # request id → response facts
    for i in range(150):
        who, path = _random_call(env, rng)
        rid = f"r{i}"
        r = env.get(path, who, headers={"X-Request-Id": rid})
        assert r.status_code < 500, r.text
        if r.status_code == 200:
            ok[rid] = {"who": who, "path": path, "response": r}
    rows = db.run(lambda conn: conn.execute(AUDIT.select().order_by(AUDIT.c.id)).all())
    db.dispose()
    assert len(rows) - before == len(ok) > 20  # exactly one row per personal-data response
    by_id = {row.request_id: row for row in rows}
    assert set(by_id) == set(ok)
    for rid, facts in ok.items():
        row, r = by_id[rid], facts["response"]
        assert row.client == facts["who"]
        assert row.purpose == env.world.client_scopes[facts["who"]][0]
        if r.headers["content-type"] == "application/json" and "items" in r.json():
            items = r.json()["items"]
            assert json.loads(row.record_ids) == [i["record_id"] for i in items]
            returned = {f"{i['doc_type']}.{k}" for i in items for k in i["fields"]}
            assert set(json.loads(row.fields)) == returned
        elif "/evidence" in facts["path"]:
            assert row.action == "evidence" and len(json.loads(row.fields)) == 1


def test_audit_is_append_only_for_the_app(env: Env) -> None:
    env.get(f"/v1/citizens/{A}/records", "purpose:residence-registration")
    if env.backend == "postgres":
        eng = create_engine(env.app_url)  # connects as sohoa_app
        assert eng.connect().execute(text("select current_user")).scalar() == APP_ROLE
    else:
        eng = create_engine(env.app_url)
    for stmt in ("UPDATE audit_log SET client = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError) as info:
            with eng.begin() as conn:
                conn.execute(text(stmt))
        assert ("permission denied" in str(info.value)) or ("append-only" in str(info.value))
    with eng.begin() as conn:  # still readable, and intact
        assert conn.execute(text("select count(*) from audit_log where client <> "
                                 "'someone else'")).scalar() >= 1
    eng.dispose()


def test_who_read_citizen_in_a_period(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime.now(UTC)  # start on a whole second (the CLI takes seconds), after
    start = (now + timedelta(seconds=1)).replace(microsecond=0)  # earlier tests' reads
    time.sleep((start - now).total_seconds())
    land = env.world.records["land_ab"].record_id
    env.get(f"/v1/records/{land}", "purpose:residence-registration", params={"citizen_id": A},
            headers={"X-Request-Id": "read-a-land"})
    env.get(f"/v1/citizens/{A}/records", "purpose:civil-status-extract")
    db = ServiceDB(env.owner_url)
    rows = query_audit(db, citizen=B, since=start)  # B is holder_2 / husband on A's records
    assert {r.request_id for r in rows} >= {"read-a-land"}
    assert query_audit(db, citizen=A, since=start, until=start) == []
    db.dispose()
    monkeypatch.setenv("SOHOA_DATA_DIR", str(env.world.settings.data_dir))
    monkeypatch.setenv("SOHOA_DATABASE_URL", env.owner_url)
    import pipeline.config as config
    monkeypatch.setattr(config, "_cached", None)
    res = CliRunner().invoke(cli_app, ["audit", "--citizen", A, "--since",
                                       start.strftime("%Y-%m-%dT%H:%M:%S"), "--json"])
    assert res.exit_code == 0, res.output
    got = json.loads(res.stdout)
    assert [r["client"] for r in got] == ["purpose:residence-registration",
                                          "purpose:civil-status-extract"]
    assert got[0]["record_ids"] == [land] and "land_certificate.parcel_number" in got[0]["fields"]


def test_clients_cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOHOA_DATA_DIR", str(settings.data_dir))
    import pipeline.config as config
    monkeypatch.setattr(config, "_cached", None)
    run = CliRunner().invoke
    res = run(cli_app, ["clients", "create", "--name", "ho-khau", "--purpose",
                        "residence-registration", "--scope", "land.parcel", "--scope",
                        "land.holders"])
    assert res.exit_code == 0, res.output
    key = res.stdout.strip().splitlines()[-1]
    assert key.startswith("sohoa_")
    bad = run(cli_app, ["clients", "create", "--name", "x", "--purpose",
                        "residence-registration", "--scope", "search.candidates"])
    assert bad.exit_code != 0 and "not allowed for purpose" in str(bad.exception or bad.output)
    res = run(cli_app, ["clients", "rotate", "ho-khau"])
    assert res.exit_code == 0 and res.stdout.strip().splitlines()[-1] != key
    assert run(cli_app, ["clients", "revoke", "ho-khau"]).exit_code == 0
    res = run(cli_app, ["clients", "list", "--json"])
    listed = json.loads(res.stdout)
    assert listed[0]["name"] == "ho-khau" and listed[0]["revoked_at"]
    assert "key_hash" not in res.stdout and key not in res.stdout


def test_a_read_whose_audit_row_fails_answers_503_and_the_next_read_works(env: Env) -> None:
    """The audit INSERT is the read transaction's last statement (on PostgreSQL sent with
    the COMMIT in one round trip): when it fails no data goes out, and the pooled
    connections are fine for the next read."""
    path, who = f"/v1/citizens/{A}/records", "purpose:residence-registration"
    owner = create_engine(env.owner_url)
    if env.backend == "postgres":
        block = f"REVOKE INSERT ON audit_log FROM {APP_ROLE}"
        unblock = f"GRANT INSERT ON audit_log TO {APP_ROLE}"
    else:
        block = ("CREATE TRIGGER audit_log_blocked BEFORE INSERT ON audit_log "
                 "BEGIN SELECT RAISE(ABORT, 'blocked'); END")
        unblock = "DROP TRIGGER audit_log_blocked"
    with owner.begin() as conn:
        conn.execute(text(block))
    try:
        for _ in range(3):
            r = env.get(path, who)
            assert r.status_code == 503 and "items" not in r.text
    finally:
        with owner.begin() as conn:
            conn.execute(text(unblock))
        owner.dispose()
    for _ in range(20):  # more reads than pooled connections
        r = env.get(path, who)
        assert r.status_code == 200 and r.json()["items"]


def test_reads_recover_after_the_database_drops_the_sessions(env: Env) -> None:
    """A session killed under the pool (database restart, failover) fails its read with 503
    once and is dropped from the pool, also when the statement ran on the driver directly
    (the pipelined lookup and audit insert)."""
    if env.backend != "postgres":
        pytest.skip("PostgreSQL sessions")
    path, who = f"/v1/citizens/{A}/records", "purpose:residence-registration"
    assert env.get(path, who).status_code == 200
    owner = create_engine(env.owner_url)
    with owner.begin() as conn:
        killed = conn.execute(text("select count(pg_terminate_backend(pid)) from "
                                   "pg_stat_activity where usename = :role"),
                              {"role": APP_ROLE}).scalar()
    owner.dispose()
    assert killed and killed >= 1
    codes = [env.get(path, who).status_code for _ in range(40)]
    assert set(codes) <= {200, 503} and codes.count(503) <= killed
    assert codes[-20:] == [200] * 20
