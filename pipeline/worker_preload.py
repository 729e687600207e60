"""Imported once by the forkserver of `pipeline.workers`: the pipeline's modules and the
extractors' tables, loaded before any worker is forked, are shared by every worker."""

from __future__ import annotations

import gc

import pipeline.batch  # noqa: F401  - the document stages and everything they import
from extractors import warm_up
from pipeline.memory import keep_freed_memory

keep_freed_memory()  # inherited by every worker forked from here
warm_up()
gc.freeze()  # long-lived tables: out of every collection, in the forkserver and its forks
