"""A batch: every input received (hashed, original kept), planned (duplicates and reruns
recognised by hash), the unique documents processed in parallel, every name given its
output JSON, and a summary a person can read.

The Prefect flow (`flows/batch.py`) composes the same three steps as tasks; this module is
the plain, serverless runner behind `sohoa process`."""

from __future__ import annotations

import gc
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.config import Settings
from pipeline.document import (
    Context,
    Received,
    load_record,
    process_original,
    receive,
    write_output,
)
from pipeline.errors import SohoaError
from pipeline.index import Index
from pipeline.models import BatchItem, BatchSummary, Outcome, Record
from pipeline.sources import InputRef, list_inputs
from pipeline.storage import keys, open_store
from pipeline.workers import DocumentPool, prestart, process_count

log = logging.getLogger(__name__)

ItemCallback = Callable[[BatchItem], None]


def open_context(settings: Settings, *, page_pool: ThreadPoolExecutor | None = None) -> Context:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    index = Index(settings.effective_database_url)
    index.create_all()
    return Context(settings=settings, store=open_store(settings), index=index,
                   page_pool=page_pool)


def open_linker(ctx: Context, registry: Path | None) -> Any | None:
    """Load (or refresh) the registry into the index when one is given, and return a Linker
    over the registry in the index; None when no registry was ever loaded."""
    from matching import Linker, load_registry
    from matching.store import count_rows
    from pipeline.index.engine import write_engine

    engine = ctx.index.engine
    if registry is not None:
        report = load_registry(registry, write_engine(engine))
        log.info("registry %s: %d new, %d changed, %d unchanged in %.1fs", registry,
                 report.inserted, report.updated, report.unchanged, report.seconds)
    elif count_rows(engine, _default_link_settings()) == 0:
        return None
    return Linker(engine)


def _default_link_settings() -> Any:
    from matching import VIETNAMESE_CITIZENS

    return VIETNAMESE_CITIZENS


def new_batch_id(source: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    return f"b-{stamp}-{hashlib.sha256(source.encode()).hexdigest()[:6]}"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Plan:
    """Which received inputs need processing; the rest are duplicates or reruns."""

    def __init__(self) -> None:
        self.to_process: list[Received] = []
        self.items: dict[str, BatchItem] = {}  # by stem, in input order
        self.first_name: dict[str, str] = {}  # sha -> stem of its first occurrence here

    @property
    def stems_by_sha(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for stem, item in self.items.items():
            if item.sha256:
                out.setdefault(item.sha256, []).append(stem)
        return out


def plan_batch(received: Iterable[Received | BatchItem], refs: list[InputRef], index: Index, *,
               batch_id: str, reprocess: bool = False) -> Plan:
    """Recognise the same bytes within this batch and across batches (by SHA-256), so no
    second record is ever made; a failed or never-finished document is processed again."""
    plan = Plan()
    for ref, rx in zip(refs, received, strict=True):
        if isinstance(rx, BatchItem):  # receiving failed: nothing to plan
            plan.items[ref.stem] = rx
            continue
        seen_names = {name for name, _ in index.names(rx.sha256)}
        index.add_name(rx.sha256, ref.relpath, batch_id)
        item = BatchItem(filename=ref.relpath, sha256=rx.sha256, outcome=Outcome.processed)
        plan.items[ref.stem] = item
        if rx.sha256 in plan.first_name:
            first = plan.items[plan.first_name[rx.sha256]]
            item.outcome, item.duplicate_of = Outcome.duplicate, first.filename
            continue
        plan.first_name[rx.sha256] = ref.stem
        known = index.lookup_sha(rx.sha256)
        if known is not None and known.status != "failed" and not reprocess:
            item.record_id = known.record_id
            if ref.relpath in seen_names:
                item.outcome = Outcome.unchanged
            else:
                item.outcome, item.duplicate_of = Outcome.duplicate, known.filename
            continue
        item.outcome = Outcome.processed
        plan.to_process.append(rx)
    return plan


def receive_all(refs: list[InputRef], ctx: Context, workers: int) -> list[Received | BatchItem]:
    def one(ref: InputRef) -> Received | BatchItem:
        try:
            return receive(ref, ctx)
        except SohoaError as err:
            return BatchItem(filename=ref.relpath, outcome=Outcome.failed, stage=err.stage,
                             reason=str(err))

    with ThreadPoolExecutor(max_workers=max(2, workers)) as pool:
        return list(pool.map(one, refs))


def process_one(rx: Received, ctx: Context,
                records: dict[str, Record] | None = None) -> BatchItem:
    """Process one unique document; any error is caught, logged and marked in the index
    (the original stays stored), so the batch goes on. The stored record is also left in
    `records` (by sha256) when given, so that `finish` need not read it back."""
    start = time.perf_counter()
    try:
        record = process_original(rx, ctx)
    except Exception as err:  # noqa: BLE001 - the batch must survive any document
        stage = err.stage if isinstance(err, SohoaError) else "process"
        reason = str(err) if isinstance(err, SohoaError) else f"{type(err).__name__}: {err}"
        log.exception("%s failed at %s", rx.ref.relpath, stage)
        ctx.index.mark_failed(rx.sha256, rx.ref.relpath, stage, reason)
        return BatchItem(filename=rx.ref.relpath, sha256=rx.sha256, outcome=Outcome.failed,
                         stage=stage, reason=reason, seconds=round(time.perf_counter() - start, 3))
    if records is not None:
        records[rx.sha256] = record
    return item_for(record, rx.ref.relpath, Outcome.processed, time.perf_counter() - start)


def item_for(record: Record, filename: str, outcome: Outcome, seconds: float = 0.0,
             duplicate_of: str | None = None) -> BatchItem:
    return BatchItem(
        filename=filename, sha256=record.source.sha256, record_id=record.record_id,
        outcome=outcome, status=record.status, doc_type=record.doc_type,
        pages=record.source.pages, stage=record.rejected_stage,
        reason=record.rejected_reason or (", ".join(record.issues) or None),
        duplicate_of=duplicate_of, seconds=round(seconds, 3))


def _mark_failed(plan: Plan, stems: list[str], failed: BatchItem) -> None:
    """The first name carries the failure; other names of the same bytes say so."""
    plan.items[stems[0]] = failed
    for stem in stems[1:]:
        item = plan.items[stem]
        item.outcome, item.stage = Outcome.failed, failed.stage
        item.reason = f"same bytes as {failed.filename}, which failed: {failed.reason}"


def finish(plan: Plan, results: dict[str, BatchItem], ctx: Context, out_dir: Path | None,
           summary: BatchSummary, records: dict[str, Record] | None = None) -> BatchSummary:
    """Give every input name its outcome and its output JSON, then store the summary.
    `records`: the records this run made, by sha256 (the others are read from the store)."""
    records = records or {}
    for sha, stems in plan.stems_by_sha.items():
        result = results.get(sha)  # None: known before this batch, not processed again
        if result is not None and result.outcome == Outcome.failed:
            _mark_failed(plan, stems, result)
            continue
        record_id = result.record_id if result is not None else plan.items[stems[0]].record_id
        if record_id is None:
            continue
        record = records.get(sha) or load_record(record_id, ctx)
        for n, stem in enumerate(stems):
            item = plan.items[stem]
            seconds = result.seconds if (result is not None and n == 0) else 0.0
            plan.items[stem] = item_for(record, item.filename, item.outcome, seconds,
                                        item.duplicate_of)
            if out_dir is not None:
                write_output(record, out_dir, stem)
    summary.items = list(plan.items.values())
    summary.documents = len(summary.items)
    summary.pages = sum(it.pages for it in summary.items if it.outcome == Outcome.processed)
    summary.counts = summary.count()
    summary.finished_at = now_iso()
    ctx.index.record_batch_items(summary.batch_id, summary.items)
    ctx.index.finish_batch(summary.batch_id, summary.counts)
    body = summary.model_dump_json(indent=2).encode("utf-8")
    ctx.store.put_bytes(keys.batch_summary_key(summary.batch_id), body,
                        content_type="application/json")
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "summary.json").write_bytes(body)
    return summary


_tables_frozen = False


def start_warm_up() -> threading.Thread:
    """Load the extractors' tables in a background thread, so that the first document does
    not wait for them: they load while the inputs are hashed and stored and the first pages
    rendered or OCR'd (mostly waiting on I/O and on Tesseract, not on this process)."""
    def warm() -> None:
        from extractors import warm_up

        try:
            warm_up()
        except Exception:  # only a head start: the first document loads them again
            log.warning("warming up the extractors failed", exc_info=True)
        global _tables_frozen
        if not _tables_frozen:  # once: a long-lived process (the web app) runs many batches
            _tables_frozen = True
            gc.freeze()  # the tables live as long as the process: out of every collection

    thread = threading.Thread(target=warm, name="warm-up", daemon=True)
    thread.start()
    return thread


def process_all(docs: list[Received], ctx: Context, records: dict[str, Record]
                ) -> Iterator[BatchItem]:
    """Process every document, yielding its item as it is done, its record left in
    `records`. In worker processes (`pipeline.workers`) when there are several documents
    (extraction is Python work: in threads it would hold one core); otherwise in threads
    here, every page's OCR through `ctx.page_pool` (at most `ocr_workers` Tesseracts at
    once), one more document thread than that keeping rendering and extraction overlapped."""
    processes = process_count(ctx.settings, len(docs))
    if processes == 0:
        with ThreadPoolExecutor(max_workers=ctx.settings.ocr_workers + 1,
                                thread_name_prefix="doc") as doc_pool:
            yield from doc_pool.map(lambda rx: process_one(rx, ctx, records), docs)
        return

    def died(rx: Received, reason: str) -> BatchItem:
        ctx.index.mark_failed(rx.sha256, rx.ref.relpath, "process", reason)
        return BatchItem(filename=rx.ref.relpath, sha256=rx.sha256, outcome=Outcome.failed,
                         stage="process", reason=reason)

    with DocumentPool(ctx.settings, processes, link=ctx.linker is not None) as pool:
        for item, record in pool.map(process_one, docs, died):
            if record is not None:
                records[record.source.sha256] = record
            yield item


def run_batch(source: str, out_dir: Path | None, settings: Settings, *,
              registry: Path | None = None, reprocess: bool = False,
              on_planned: Callable[[int, int], None] | None = None,
              on_item: ItemCallback | None = None) -> BatchSummary:
    """Run a whole batch without any orchestration server. `on_planned(inputs, to_process)`
    and `on_item(item)` report progress."""
    start = time.perf_counter()
    refs = list_inputs(source, settings)
    if process_count(settings, len(refs)):
        prestart()  # the workers' forkserver loads the pipeline while the inputs are received
    else:
        start_warm_up()
    workers = settings.ocr_workers
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr") as page_pool:
        ctx = open_context(settings, page_pool=page_pool)
        ctx.linker = open_linker(ctx, registry)
        batch_id = new_batch_id(source)
        summary = BatchSummary(batch_id=batch_id, source=source, started_at=now_iso())
        ctx.index.start_batch(source, batch_id)
        plan = plan_batch(receive_all(refs, ctx, workers), refs, ctx.index,
                          batch_id=batch_id, reprocess=reprocess)
        if on_planned:
            on_planned(len(refs), len(plan.to_process))
        results: dict[str, BatchItem] = {}
        records: dict[str, Record] = {}
        for item in process_all(plan.to_process, ctx, records):
            results[item.sha256 or ""] = item
            if on_item:
                on_item(item)
        summary.seconds = round(time.perf_counter() - start, 3)
        return finish(plan, results, ctx, out_dir, summary, records)
