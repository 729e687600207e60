"""A document function for `pipeline.workers` tests, importable by name in a worker process:
the worker process dies (as in a native crash) on a document named `dies*`, and processes the
others for real."""

from __future__ import annotations

import os

from pipeline.batch import process_one


def die_on_named(rx, ctx, records):  # type: ignore[no-untyped-def]
    if rx.ref.filename.startswith("dies"):
        os._exit(70)
    return process_one(rx, ctx, records)
