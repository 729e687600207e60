"""A batch's documents processed in warm worker processes.

Reading a text-layer page, extraction, normalisation and building the record are Python
work that holds the GIL: in threads of one process, documents queue for one core while the
other idles (~40 ms a document). So `run_batch` hands each unique document to a pool of
worker processes. The pool is forked from a forkserver that has already imported the
pipeline and loaded the extractors' tables (`pipeline.worker_preload`), so a worker starts in
milliseconds and shares those tables copy-on-write; the forkserver itself is a fresh
interpreter, never a fork of the threaded parent.

What crosses the process boundary is small data: a `Received` (storage key, hash, name) in,
a `BatchItem` and the `Record` out. Each worker opens its own `Context` (store, index and,
when a registry is loaded, a linker) and its own OCR thread pool; one semaphore shared by
all workers caps the Tesseract processes at `ocr_workers` (`pipeline.tesseract_gate`).
PDF parsing stays in each worker's sandbox children (`pipeline.sandbox`).

A worker ends itself when the batch's process is gone (killed: nothing waits on the
workers any more). A worker that dies (a native crash, the OOM killer) breaks the pool: documents already
finished keep their results, the pool is restarted, and the documents that might have been
in the dead worker's hands are run again one at a time, so the one that kills a worker is
found and marked failed while the others are processed.
"""

from __future__ import annotations

import atexit
import gc
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from pipeline.config import Settings

if TYPE_CHECKING:
    from pipeline.document import Context, Received
    from pipeline.models import BatchItem, Record

log = logging.getLogger(__name__)

DocumentFn = Callable[["Received", "Context", dict[str, "Record"]], "BatchItem"]
"""Processes one document in a worker (`pipeline.batch.process_one`); module-level, so that
it is sent to the workers by name."""
Result = tuple["BatchItem", "Record | None"]

_ctx: Context | None = None  # the worker's live handles (set by `_start_worker`)


def process_count(settings: Settings, documents: int) -> int:
    """How many worker processes for `documents` documents; 0: process them in this process
    (one document does not pay for starting a pool)."""
    wanted = settings.document_processes
    if wanted is None:
        wanted = settings.ocr_workers + 1
    return 0 if documents <= 1 else max(0, min(wanted, documents))


PRELOAD = ["__main__", "pipeline.worker_preload"]
"""`__main__` too: the forkserver runs the main script once (as `__mp_main__`), so that each
worker does not run it again (multiprocessing re-imports the parent's main module in a child)."""


def _forkserver() -> Any:
    mp = multiprocessing.get_context("forkserver")
    mp.set_forkserver_preload(PRELOAD)
    return mp


def prestart() -> None:
    """Start the forkserver now: it imports the pipeline and loads the tables while this
    process receives the inputs, so the workers fork ready when the plan is made."""
    from multiprocessing import forkserver

    _forkserver()
    forkserver.ensure_running()
    global _stop_registered
    if not _stop_registered:
        _stop_registered = True
        atexit.register(_stop_forkserver)


_stop_registered = False


def _stop_forkserver() -> None:
    """At exit, stop the forkserver and wait for it, so that it and the workers it forked
    (and reaped) are reaped in turn: nothing is left behind, and their CPU time counts in
    this process's (what benchmarks/throughput.py measures). `_stop` is CPython's own
    (used by its tests); without it the forkserver still ends, on its own, at our exit."""
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)
    if stop is not None:
        try:
            stop()
        except OSError:
            log.debug("stopping the forkserver failed", exc_info=True)


WATCH_PARENT_S = 2.0


def _exit_with(parent: int) -> None:
    """A worker waits on its task queue for ever if the batch's process is killed (SIGKILL,
    OOM) - and keeps the forkserver alive with it: it ends itself once that process is gone."""
    while True:
        time.sleep(WATCH_PARENT_S)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)


def _start_worker(settings: Settings, link: bool, gate: Any, parent: int) -> None:
    from pipeline.batch import open_context, open_linker
    from pipeline.tesseract_gate import set_gate

    threading.Thread(target=_exit_with, args=(parent,), name="watch-parent", daemon=True).start()

    set_gate(gate)
    from multiprocessing.util import Finalize

    from pipeline import sandbox

    Finalize(None, sandbox.close_all, exitpriority=10)  # workers skip atexit
    pool = ThreadPoolExecutor(max_workers=settings.ocr_workers, thread_name_prefix="ocr")
    ctx = open_context(settings, page_pool=pool)
    if link:
        ctx.linker = open_linker(ctx, None)
    global _ctx
    _ctx = ctx
    from extractors import warm_up

    warm_up()  # already done in the forkserver (pipeline.worker_preload): a no-op then
    gc.freeze()


def _run(fn: DocumentFn, rx: Received) -> Result:
    assert _ctx is not None, "not a worker started by DocumentPool"
    records: dict[str, Record] = {}
    item = fn(rx, _ctx, records)
    return item, records.get(rx.sha256)


class DocumentPool:
    """`processes` warm workers running `fn(rx, ctx, records)` for each document."""

    def __init__(self, settings: Settings, processes: int, *, link: bool = False) -> None:
        self.settings, self.processes, self.link = settings, processes, link
        self._mp = _forkserver()
        self._gate = self._mp.BoundedSemaphore(max(1, settings.ocr_workers))
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.processes, mp_context=self._mp,
                                   initializer=_start_worker,
                                   initargs=(self.settings, self.link, self._gate,
                                             os.getpid()))

    def _restart(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor = self._new_executor()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> DocumentPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def map(self, fn: DocumentFn, docs: list[Received],
            on_death: Callable[[Received, str], BatchItem]) -> Iterator[Result]:
        """(item, record) per document as they finish. `on_death(rx, reason)` makes the
        failed item of a document whose worker died under it."""
        queue = list(docs)
        while queue:
            futures = [(rx, self._executor.submit(_run, fn, rx)) for rx in queue]
            queue = []
            for i, (_, future) in enumerate(futures):
                try:
                    result = future.result()
                except BrokenProcessPool:
                    queue = yield from self._after_death(fn, futures[i:], on_death)
                    break
                yield result

    def _after_death(self, fn: DocumentFn, rest: list[tuple[Received, Future[Result]]],
                     on_death: Callable[[Received, str], BatchItem]
                     ) -> Iterator[Result]:
        """A worker died: yield what finished, run the documents that may have been in
        the workers' hands (running or queued to them: at most 2 x processes + 1, the
        earliest unfinished) one at a time, and return the rest to be run as usual."""
        self._restart()
        unfinished = []
        for rx, future in rest:
            if future.done() and not future.cancelled() and future.exception() is None:
                yield future.result()
            else:
                unfinished.append(rx)
        suspects = unfinished[:2 * self.processes + 1]
        log.warning("a worker process died; re-running %d document(s) one at a time",
                    len(suspects))
        for rx in suspects:
            try:
                yield self._executor.submit(_run, fn, rx).result()
            except BrokenProcessPool:
                log.error("%s: the worker process died while processing it", rx.ref.relpath)
                self._restart()
                yield on_death(rx, "the worker process died while processing this document "
                                   "(a crash in native code, or out of memory)"), None
        return unfinished[len(suspects):]
