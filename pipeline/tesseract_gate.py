"""At most `ocr_workers` Tesseract processes at once, across the processes of a batch.

Inside one process the shared OCR thread pool caps concurrent Tesseract runs; when a batch
runs documents in several worker processes (`pipeline.workers`), each has its own pool, so
they share one counting semaphore instead, installed here by the worker's initialiser.
Every Tesseract call (page OCR, the re-read strips, OSD) runs inside `tesseract_slot()`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

_gate: AbstractContextManager[Any] = nullcontext()


def set_gate(gate: AbstractContextManager[Any] | None) -> None:
    """Install a process-wide gate (e.g. a multiprocessing semaphore); None removes it."""
    global _gate
    _gate = gate if gate is not None else nullcontext()


def tesseract_slot() -> AbstractContextManager[Any]:
    """Hold this while a Tesseract process runs."""
    return _gate
