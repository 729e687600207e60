"""Concurrent writers (the pipeline re-saving records through `save_record`) and readers
(the API) on SQLite and PostgreSQL: no errors, no record shown for a citizen it does not
link, and exactly one audit row per successful read."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from pipeline.config import Settings
from pipeline.document import Context, save_record
from pipeline.index import Index
from pipeline.models import MatchState, RecordStatus
from pipeline.storage import open_store
from service.audit import count_audit
from service.db import ServiceDB
from service_env import BACKENDS, Env, open_env
from service_world import A, STRANGER

READERS, READS_EACH, WRITES = 3, 25, 40


@pytest.fixture(params=BACKENDS)
def env(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Env]:
    yield from open_env(request, settings)


def test_concurrent_pipeline_writes_and_api_reads(env: Env) -> None:
    w = env.world
    settings = w.settings.model_copy(update={"database_url": env.owner_url})
    index = Index(env.owner_url)
    ctx = Context(settings=settings, store=open_store(settings), index=index)
    land = w.records["land_ab"]
    db = ServiceDB(env.owner_url)
    before = count_audit(db)
    stop = threading.Event()
    errors: list[str] = []

    def writer() -> None:
        for i in range(WRITES):
            rec = land.model_copy(deep=True)
            rec.persons[0].citizen_id = A if i % 2 else STRANGER  # link moves back and forth
            rec.status = RecordStatus.verified if i % 3 else RecordStatus.needs_review
            save_record(rec, ctx)
        stop.set()

    def reader(n: int) -> int:
        ok = 0
        key = w.keys["purpose:residence-registration"]
        with TestClient(env.client.app) as c:
            for j in range(READS_EACH):
                r = c.get(f"/v1/citizens/{A}/records",
                          headers={"Authorization": f"Bearer {key}"})
                if r.status_code != 200:
                    errors.append(r.text)
                    continue
                ok += 1
                for item in r.json()["items"]:
                    assert item["citizen_roles"], item
                    assert item["status"] == "verified"
                    assert any(p["citizen_id"] == A for p in item["persons"]), item
                g = c.get(f"/v1/records/{land.record_id}", params={"citizen_id": A},
                          headers={"Authorization": f"Bearer {key}"})
                if g.status_code == 200:
                    ok += 1
                    assert any(p["citizen_id"] == A and p["match"] == MatchState.linked.value
                               for p in g.json()["persons"])
                elif g.status_code not in (404, 409):
                    errors.append(g.text)
        return ok

    with ThreadPoolExecutor(READERS + 1) as pool:
        wfut = pool.submit(writer)
        oks = list(pool.map(reader, range(READERS)))
        wfut.result()
    assert not errors, errors[:3]
    assert count_audit(db) - before == sum(oks)
    db.dispose()
    index.dispose()
