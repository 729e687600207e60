"""Review claims on both backends: one statement decides who holds a record, so two
reviewers racing for it cannot both win; a claim expires; the holder renews it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from threading import Barrier

import pytest
from sqlalchemy import update

from pipeline.config import Settings
from service.db import ServiceDB
from service.web.review_queue import CLAIMS, claim, holds_claim, release
from service.web.tables import WebBase


def _db(url: str) -> ServiceDB:
    db = ServiceDB(url)
    db.run(lambda c: WebBase.metadata.create_all(c))
    return db


def _check_claims(db: ServiceDB) -> None:
    assert db.run(lambda c: claim(c, "rec-1", "an")).ok
    taken = db.run(lambda c: claim(c, "rec-1", "binh"))
    assert not taken.ok and taken.holder == "an"
    assert db.run(lambda c: holds_claim(c, "rec-1", "an"))
    assert not db.run(lambda c: holds_claim(c, "rec-1", "binh"))
    renewed = db.run(lambda c: claim(c, "rec-1", "an", minutes=60))
    assert renewed.ok and renewed.expires_at > datetime.now(UTC) + timedelta(minutes=50)
    db.run(lambda c: c.execute(update(CLAIMS).values(
        expires_at=datetime.now(UTC) - timedelta(seconds=1))))
    assert not db.run(lambda c: holds_claim(c, "rec-1", "an"))
    assert db.run(lambda c: claim(c, "rec-1", "binh")).ok  # expired: anyone may take it
    db.run(lambda c: release(c, "rec-1", "an"))  # not an's to release
    assert db.run(lambda c: holds_claim(c, "rec-1", "binh"))
    db.run(lambda c: release(c, "rec-1", "binh"))
    assert db.run(lambda c: claim(c, "rec-1", "an")).ok

    # eight reviewers race for one record: exactly one wins
    start = Barrier(8)

    def race(who: str) -> bool:
        start.wait()
        return db.run(lambda c: claim(c, "rec-2", who)).ok
    with ThreadPoolExecutor(8) as pool:
        wins = list(pool.map(race, [f"r{i}" for i in range(8)]))
    assert sum(wins) == 1


def test_claims_sqlite(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True)
    _check_claims(_db(settings.effective_database_url))


@pytest.mark.postgres
def test_claims_postgres(postgres_url: str) -> None:
    _check_claims(_db(postgres_url))
