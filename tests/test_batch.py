"""A whole batch through the real stages (Tesseract, sandboxed PDF rendering, store, index),
on the embedded defaults and on S3 (SeaweedFS) + PostgreSQL: good scans become records, bad
input is rejected with file, stage and reason while its original is kept, the same bytes never
make a second record, and a rerun processes only what is missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

import bad_files
from pipeline.batch import open_context, run_batch
from pipeline.config import Settings
from pipeline.index.schema import DocumentRow
from pipeline.models import Outcome, Record
from pipeline.storage import keys
from samples import bundled_corpus

GOOD = ("birth_0002.jpg", "birth_0003.pdf")  # a clean JPEG scan; a PDF with a real text layer
BAD = {
    "empty.pdf": ("intake", "empty_file"),
    "random.bin": ("intake", "unsupported_format"),
    "letter.docx": ("intake", "unsupported_format"),
    "truncated.pdf": ("pages", "corrupt_document"),
    "locked.pdf": ("pages", "encrypted_pdf"),
    "bomb.png": ("pages", "image_too_large"),
    "huge_page.pdf": ("pages", "image_too_large"),
}


def make_inputs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in GOOD:
        shutil.copy(bundled_corpus() / name, folder / name)
    shutil.copy(bundled_corpus() / GOOD[0], folder / "copy_of_birth_0002.jpg")
    pdf = (bundled_corpus() / GOOD[1]).read_bytes()
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "random.bin").write_bytes(bad_files.random_bytes())
    (folder / "letter.docx").write_bytes(bad_files.docx())
    (folder / "truncated.pdf").write_bytes(pdf[: len(pdf) // 3])
    (folder / "locked.pdf").write_bytes(bad_files.encrypted_pdf(b"matkhau"))
    (folder / "bomb.png").write_bytes(bad_files.bomb_png())
    (folder / "huge_page.pdf").write_bytes(bad_files.huge_page_pdf())
    return folder


def documents_in_index(settings: Settings) -> int:
    ctx = open_context(settings)
    with ctx.index.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(DocumentRow)).scalar_one()


def limited(settings: Settings) -> Settings:
    """Small sandbox limits so the hostile PDF trips them quickly."""
    return settings.model_copy(update={"render_timeout_s": 20.0, "render_memory_mb": 1024,
                                       "max_page_pixels": 60_000_000})


def check_batch(settings: Settings, source: str, out: Path) -> None:
    summary = run_batch(source, out, settings)
    items = {Path(it.filename).name: it for it in summary.items}
    assert summary.documents == len(GOOD) + 1 + len(BAD)

    for name, (stage, code) in BAD.items():
        item = items[name]
        assert item.status is not None and item.status.value == "rejected", (name, item)
        assert item.stage == stage, (name, item)
        assert item.reason, name
        record = Record.from_json((out / f"{Path(name).stem}.json").read_text())
        assert record.issues == [code], (name, record.issues)
        assert record.rejected_reason, name

    for name in GOOD:
        record = Record.from_json((out / f"{Path(name).stem}.json").read_text())
        assert record.doc_type.value == "birth_certificate", name
        assert record.fields["full_name"].value, name
    copy = items["copy_of_birth_0002.jpg"]
    assert copy.outcome == Outcome.duplicate and copy.duplicate_of.endswith("birth_0002.jpg")
    assert copy.record_id == items["birth_0002.jpg"].record_id
    assert json.loads((out / "copy_of_birth_0002.json").read_text())["record_id"] == copy.record_id

    # every original is kept, bad ones included
    ctx = open_context(settings)
    for item in summary.items:
        assert item.sha256 and ctx.store.exists(keys.original_key(item.sha256)), item.filename
    n_docs = documents_in_index(settings)
    assert n_docs == len(GOOD) + len(BAD)  # the copy made no second record

    # a rerun processes nothing and duplicates nothing
    again = run_batch(source, out, settings)
    assert {it.outcome for it in again.items} <= {Outcome.unchanged, Outcome.duplicate}
    assert again.counts["unchanged"] == len(GOOD) + len(BAD)
    assert documents_in_index(settings) == n_docs
    summary_json = json.loads((out / "summary.json").read_text())
    assert summary_json["batch_id"] == again.batch_id


def test_batch_on_embedded_defaults(settings: Settings, tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path / "in")
    check_batch(limited(settings), str(inputs), tmp_path / "out")


@pytest.mark.s3
@pytest.mark.postgres
def test_batch_on_s3_and_postgresql(s3_settings: Settings, postgres_url: str, seaweedfs,
                                    tmp_path: Path) -> None:
    from pipeline.storage import minio_client

    settings = limited(s3_settings.model_copy(update={"database_url": postgres_url}))
    inputs = make_inputs(tmp_path / "in")
    client = minio_client(settings)
    bucket = "sohoa-incoming"
    if not client.bucket_exists(bucket):
        client.make_bucket(bucket)
    prefix = f"scans-{tmp_path.name}"
    for path in inputs.iterdir():
        client.fput_object(bucket, f"{prefix}/{path.name}", str(path))
    check_batch(settings, f"s3://{bucket}/{prefix}", tmp_path / "out")


def test_a_crash_midway_is_resumed_without_duplicates(settings: Settings, tmp_path: Path,
                                                      monkeypatch) -> None:
    """A document whose processing dies is marked failed; the rerun processes only it."""
    import pipeline.batch as batch

    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in GOOD:
        shutil.copy(bundled_corpus() / name, inputs / name)
    real = batch.process_original

    def crash_on_jpeg(rx, ctx):
        if rx.ref.filename.endswith(".jpg"):
            raise RuntimeError("worker killed")
        return real(rx, ctx)

    monkeypatch.setattr(batch, "process_original", crash_on_jpeg)
    in_process = settings.model_copy(update={"document_processes": 0})  # the patch applies here
    first = run_batch(str(inputs), tmp_path / "out", in_process)
    failed = [it for it in first.items if it.outcome == Outcome.failed]
    assert [Path(it.filename).name for it in failed] == ["birth_0002.jpg"]
    assert failed[0].stage == "process" and "worker killed" in failed[0].reason
    monkeypatch.setattr(batch, "process_original", real)
    second = run_batch(str(inputs), tmp_path / "out", settings)
    outcomes = {Path(it.filename).name: it.outcome for it in second.items}
    assert outcomes == {"birth_0002.jpg": Outcome.processed, "birth_0003.pdf": Outcome.unchanged}
    assert documents_in_index(settings) == 2


def test_a_worker_process_that_dies_fails_only_its_document(settings: Settings,
                                                            tmp_path: Path) -> None:
    """Documents run in worker processes; one that kills its worker (a native crash, the OOM
    killer) is marked failed, the others are processed, and a rerun retries only it."""
    from dying_worker import die_on_named
    from pipeline.batch import open_context, plan_batch, receive_all
    from pipeline.models import BatchItem
    from pipeline.sources import list_inputs
    from pipeline.workers import DocumentPool

    inputs = tmp_path / "in"
    inputs.mkdir()
    pdf = bundled_corpus() / GOOD[1]
    for name in ("a.pdf", "b.pdf", "dies.pdf", "c.pdf"):
        data = pdf.read_bytes() + name.encode()  # other bytes: no duplicates
        (inputs / name).write_bytes(data)
    ctx = open_context(settings)
    refs = list_inputs(str(inputs), settings)
    plan = plan_batch(receive_all(refs, ctx, 2), refs, ctx.index, batch_id="b-test")

    def died(rx, reason: str) -> BatchItem:
        return BatchItem(filename=rx.ref.relpath, sha256=rx.sha256, outcome=Outcome.failed,
                         stage="process", reason=reason)

    with DocumentPool(settings, 2) as pool:
        results = {item.filename: (item, record)
                   for item, record in pool.map(die_on_named, plan.to_process, died)}
    assert sorted(results) == ["a.pdf", "b.pdf", "c.pdf", "dies.pdf"]
    item, record = results["dies.pdf"]
    assert item.outcome == Outcome.failed and record is None and "died" in item.reason
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        item, record = results[name]
        assert item.outcome == Outcome.processed, item
        assert record is not None and record.doc_type.value == "birth_certificate"


def test_documents_in_worker_processes_match_in_process(settings: Settings,
                                                        tmp_path: Path) -> None:
    """The same batch gives the same records in worker processes as in this process."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in GOOD:
        shutil.copy(bundled_corpus() / name, inputs / name)
    pooled = run_batch(str(inputs), tmp_path / "out-p", settings.model_copy(
        update={"data_dir": tmp_path / "data-p", "document_processes": 2}))
    local = run_batch(str(inputs), tmp_path / "out-l", settings.model_copy(
        update={"data_dir": tmp_path / "data-l", "document_processes": 0}))
    assert pooled.counts == local.counts
    for name in GOOD:
        stem = Path(name).stem
        a = Record.from_json((tmp_path / "out-p" / f"{stem}.json").read_text())
        b = Record.from_json((tmp_path / "out-l" / f"{stem}.json").read_text())
        assert a.fields == b.fields and a.status == b.status, name


def test_reprocessing_reuses_the_stored_page_reading(settings: Settings, tmp_path: Path,
                                                     monkeypatch) -> None:
    """Re-processing (e.g. after the extractors change) does not run OCR again, unless the
    reading stages changed (another fingerprint)."""
    import pipeline.document as document
    from pipeline import readings

    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(bundled_corpus() / GOOD[0], inputs / GOOD[0])
    first = run_batch(str(inputs), tmp_path / "out", settings)
    calls = []
    real = document.read_pages
    monkeypatch.setattr(document, "read_pages", lambda *a: calls.append(a) or real(*a))
    again = run_batch(str(inputs), tmp_path / "out", settings, reprocess=True)
    assert calls == [] and again.items[0].outcome == Outcome.processed
    assert again.items[0].record_id == first.items[0].record_id
    monkeypatch.setattr(readings, "READING_VERSION", "test-changed")
    run_batch(str(inputs), tmp_path / "out", settings, reprocess=True)
    assert len(calls) == 1


def test_an_upside_down_scan_is_read_upright(settings: Settings, tmp_path: Path) -> None:
    """An upside-down page OCRs into confident garbage that matches no form; the document
    is then re-read upright (OSD on the page as scanned) and recognised."""
    from PIL import Image

    inputs = tmp_path / "in"
    inputs.mkdir()
    with Image.open(bundled_corpus() / GOOD[0]) as scan:
        scan.rotate(180).save(inputs / "turned.jpg", dpi=scan.info.get("dpi", (300, 300)))
    summary = run_batch(str(inputs), tmp_path / "out", settings)
    record = Record.from_json((tmp_path / "out" / "turned.json").read_text())
    assert summary.items[0].outcome == Outcome.processed
    assert record.doc_type.value == "birth_certificate"
