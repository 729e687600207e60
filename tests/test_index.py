"""The index contract on SQLite and PostgreSQL: idempotent upserts (also under races),
failures kept, citizen lookups, batches and rerun-after-crash."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pipeline.errors import NotFound
from pipeline.index import Index
from pipeline.index.index import DOCS, NAMES, PERSONS
from pipeline.models import (BatchItem, DocType, MatchState, MediaType, Outcome, PersonLink,
                             Record, RecordStatus, Source, record_id_for)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Index]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'data' / 'index.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    idx = Index(url)
    idx.create_all()
    idx.create_all()  # idempotent
    yield idx
    idx.dispose()


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def make_record(text: str, *, filename: str = "scan.pdf", status: RecordStatus =
                RecordStatus.verified, persons: list[PersonLink] | None = None) -> Record:
    digest = sha(text)
    return Record(record_id=record_id_for(digest),
                  source=Source(filename=filename, sha256=digest, pages=2,
                                media_type=MediaType.pdf),
                  doc_type=DocType.birth_certificate, status=status,
                  persons=persons if persons is not None else [
                      PersonLink(role="subject", citizen_id="001190012345",
                                 match=MatchState.linked, score=0.99),
                      PersonLink(role="mother", citizen_id="001160000001",
                                 match=MatchState.candidate, score=0.7),
                      PersonLink(role="father", match=MatchState.none)])


def count(index: Index, table, *where) -> int:  # type: ignore[no-untyped-def]
    with index.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_upsert_is_idempotent(index: Index) -> None:
    rec = make_record("doc-1")
    index.upsert_record(rec, "records/a.json", "0.1.0")
    first = index.lookup_sha(rec.source.sha256)
    assert first is not None and first.status == "verified" and first.pages == 2
    rec2 = rec.model_copy(update={"status": RecordStatus.needs_review,
                                  "source": rec.source.model_copy(update={"filename": "again.pdf"})})
    index.upsert_record(rec2, "records/a.json", "0.2.0")
    assert count(index, DOCS) == 1
    assert count(index, PERSONS) == 3  # replaced, not appended
    doc = index.get_document(rec.record_id)
    assert doc.status == "needs_review" and doc.pipeline_version == "0.2.0"
    assert doc.filename == "scan.pdf"  # the first name is kept
    assert doc.created_at == first.created_at and doc.updated_at >= first.updated_at
    assert doc.created_at.tzinfo is not None


def test_lookup_misses(index: Index) -> None:
    assert index.lookup_sha(sha("none")) is None
    with pytest.raises(NotFound):
        index.get_document("rec-none")


def test_concurrent_upserts_same_sha(index: Index) -> None:
    rec = make_record("raced")
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(5):
                index.upsert_record(rec, "records/r.json", f"w{n}.{i}")
                index.add_name(rec.source.sha256, f"name{n % 2}.pdf", "b1")
        except BaseException as exc:  # reported below
            errors.append(exc)
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert count(index, DOCS) == 1
    assert count(index, PERSONS) == 3
    assert count(index, NAMES) == 2


def test_records_for_citizen(index: Index) -> None:
    index.upsert_record(make_record("birth"), "records/b.json", "v")
    index.upsert_record(make_record("other", persons=[
        PersonLink(role="subject", citizen_id="001190012345", match=MatchState.linked)]),
        "records/o.json", "v")
    hits = index.records_for_citizen("001190012345")
    assert sorted(h.record_id for h in hits) == sorted([record_id_for(sha("birth")),
                                                        record_id_for(sha("other"))])
    assert {h.role for h in hits} == {"subject"}
    assert index.records_for_citizen("001160000001") == []  # a candidate is not a link
    [cand] = index.records_for_citizen("001160000001", include_candidates=True)
    assert cand.role == "mother" and cand.match == "candidate"
    assert index.records_for_citizen("999") == []


def test_mark_failed_keeps_file_visible(index: Index) -> None:
    digest = sha("broken")
    index.mark_failed(digest, "broken.pdf", "pages", "corrupt PDF")
    doc = index.lookup_sha(digest)
    assert doc is not None and (doc.status, doc.stage, doc.reason) == ("failed", "pages",
                                                                       "corrupt PDF")
    index.mark_failed(digest, "broken.pdf", "ocr", "tesseract crashed")
    assert index.lookup_sha(digest).stage == "ocr"  # type: ignore[union-attr]
    assert digest not in index.processed_shas()
    # a later success replaces the failure; a later failure does not clobber the record
    rec = make_record("broken", filename="broken.pdf")
    index.upsert_record(rec, "records/x.json", "v")
    index.mark_failed(digest, "broken.pdf", "ocr", "flaky")
    doc = index.lookup_sha(digest)
    assert doc is not None and doc.status == "verified" and doc.reason is None
    assert digest in index.processed_shas()
    with pytest.raises(ValueError):
        index.mark_failed(None, "x.pdf", "intake", "unreadable")


def test_batches_and_rerun(index: Index) -> None:
    bid = index.start_batch("/in/folder")
    assert index.start_batch("/in/folder", bid) == bid  # resuming keeps the batch
    ok = make_record("ok")
    index.upsert_record(ok, "records/ok.json", "v")
    index.record_batch_item(bid, BatchItem(filename="ok.pdf", sha256=ok.source.sha256,
                                           record_id=ok.record_id, outcome=Outcome.processed,
                                           status=RecordStatus.verified,
                                           doc_type=DocType.birth_certificate, pages=2,
                                           seconds=1.5))
    index.record_batch_item(bid, BatchItem(filename="copy.pdf", sha256=ok.source.sha256,
                                           outcome=Outcome.duplicate, duplicate_of="ok.pdf"))
    index.mark_failed(None, "unreadable.pdf", "intake", "permission denied", batch_id=bid)
    index.mark_failed(sha("bad"), "bad.pdf", "pages", "corrupt", batch_id=bid)
    # the same file recorded again (a rerun) replaces its item
    index.record_batch_item(bid, BatchItem(filename="ok.pdf", sha256=ok.source.sha256,
                                           record_id=ok.record_id, outcome=Outcome.processed,
                                           status=RecordStatus.verified, pages=2))
    items = {it.filename: it for it in index.batch_items(bid)}
    assert sorted(items) == ["bad.pdf", "copy.pdf", "ok.pdf", "unreadable.pdf"]
    assert items["unreadable.pdf"].outcome == Outcome.failed
    assert items["unreadable.pdf"].sha256 is None
    assert (items["bad.pdf"].stage, items["bad.pdf"].reason) == ("pages", "corrupt")
    assert items["copy.pdf"].duplicate_of == "ok.pdf"
    assert items["ok.pdf"].status == RecordStatus.verified and items["ok.pdf"].pages == 2
    assert index.processed_shas(bid) == {ok.source.sha256}
    assert index.processed_shas() == {ok.source.sha256}
    index.finish_batch(bid, {"verified": 1, "failed": 2, "duplicate": 1})
    info = index.get_batch(bid)
    assert info.finished_at is not None and info.counts["failed"] == 2
    assert index.batch_items("other") == []
    with pytest.raises(NotFound):
        index.finish_batch("no-such-batch", {})


def test_record_batch_items_in_one_call(index: Index) -> None:
    """`finish` writes a batch's items in one transaction: same rows as one call per item,
    a rerun's items replace the earlier ones."""
    bid = index.start_batch("/in/many")
    ok = make_record("many")
    items = [BatchItem(filename=f"f{i}.pdf", sha256=ok.source.sha256, outcome=Outcome.duplicate,
                       duplicate_of="f0.pdf") for i in range(1, 4)]
    items.insert(0, BatchItem(filename="f0.pdf", sha256=ok.source.sha256,
                              record_id=ok.record_id, outcome=Outcome.processed, pages=1))
    index.record_batch_items(bid, items)
    index.record_batch_items(bid, [items[0].model_copy(update={"pages": 2})])
    got = {it.filename: it for it in index.batch_items(bid)}
    assert sorted(got) == ["f0.pdf", "f1.pdf", "f2.pdf", "f3.pdf"]
    assert got["f0.pdf"].pages == 2 and got["f0.pdf"].record_id == ok.record_id
    assert got["f3.pdf"].outcome == Outcome.duplicate and got["f3.pdf"].duplicate_of == "f0.pdf"
    index.record_batch_items(bid, [])  # nothing to write is fine


def test_find_and_latest_batch(index: Index) -> None:
    with pytest.raises(NotFound):
        index.latest_batch_id()
    rec = make_record("findme", filename="giay_khai_sinh.pdf")
    index.upsert_record(rec, "records/f.json", "v")
    index.add_name(rec.source.sha256, "renamed.pdf", "b1")
    for ref in (rec.record_id, rec.source.sha256, "giay_khai_sinh.pdf", "renamed.pdf"):
        assert index.find(ref).record_id == rec.record_id
    with pytest.raises(NotFound):
        index.find("nothing.pdf")
    index.start_batch("a", "20250101T000000Z-aaaaaa")
    later = index.start_batch("b")
    assert index.latest_batch_id() == later


def test_names(index: Index) -> None:
    digest = sha("named")
    index.add_name(digest, "a.pdf", "b1")
    index.add_name(digest, "a.pdf", "b1")
    index.add_name(digest, "b.pdf", None)
    assert index.names(digest) == [("a.pdf", "b1"), ("b.pdf", None)]


def test_sqlite_is_wal(tmp_path: Path) -> None:
    idx = Index(f"sqlite:///{tmp_path / 'deep' / 'i.db'}")
    idx.create_all()
    with idx.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    idx.dispose()


def _process_worker(url: str, n: int) -> int:
    idx = Index(url)
    rec = make_record("multi-process")
    for i in range(10):
        idx.upsert_record(rec, "records/m.json", f"p{n}.{i}")
        idx.record_batch_item("b", BatchItem(filename=f"f{i}.pdf", sha256=rec.source.sha256,
                                             outcome=Outcome.processed))
    idx.dispose()
    return n


def test_sqlite_parallel_processes(tmp_path: Path) -> None:
    """Worker processes on one machine share the SQLite file: no 'database is locked'."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    url = f"sqlite:///{tmp_path / 'index.db'}"
    idx = Index(url)
    idx.create_all()
    idx.start_batch("src", "b")
    with ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("fork")) as pool:
        assert sorted(pool.map(_process_worker, [url] * 4, range(4))) == [0, 1, 2, 3]
    assert count(idx, DOCS) == 1 and count(idx, PERSONS) == 3
    assert len(idx.batch_items("b")) == 10
    idx.dispose()


def test_an_index_can_share_an_engine(tmp_path: Path) -> None:
    """The web pages open the index over the service's engine: one pool per database."""
    first = Index(f"sqlite:///{tmp_path / 'i.db'}")
    first.create_all()
    shared = Index(engine=first.engine)
    assert shared.engine is first.engine
    shared.add_name("ab" * 32, "scan.pdf")
    assert first.names("ab" * 32) == [("scan.pdf", None)]
    with pytest.raises(ValueError):
        Index()
    with pytest.raises(ValueError):
        Index("sqlite://", engine=first.engine)
