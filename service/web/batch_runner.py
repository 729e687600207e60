"""Runs upload batches in the background of the web server, one at a time per process.

The default engine is the real Prefect flow (`flows.batch.batch_flow`), in a worker thread
of the server process: with no Prefect server configured, Prefect starts a temporary local
one on the first run (~12 s) and reuses it for every later run in the process; with
PREFECT_API_URL set, runs show up in that server's UI. The flow reads SoHoa's settings from
the SOHOA_* environment (as `sohoa serve` has it). The `local` engine runs the same stages
with `pipeline.batch.run_batch` and the web app's own settings (no orchestration)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime

from pipeline.config import Settings

log = logging.getLogger(__name__)
ENGINES = ("prefect", "local")


def run_source(source: str, settings: Settings, engine: str) -> dict:
    """Process one folder or file as a batch; returns the batch summary (JSON dict)."""
    if engine == "prefect":
        from flows.batch import batch_flow

        return batch_flow(source)
    from pipeline.batch import run_batch

    return run_batch(source, None, settings).model_dump(mode="json")


class BatchRunner:
    def __init__(self, settings: Settings, engine: str = "prefect") -> None:
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
        self.settings = settings
        self.engine = engine
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="web-batch")

    def submit(self, source: str, on_state: Callable[[str, str | None], None]) -> Future:
        """Queue a run; `on_state(state, error)` reports running/done/error."""
        def job() -> None:
            on_state("running", None)
            started = datetime.now(UTC)
            try:
                run_source(source, self.settings, self.engine)
            except Exception as exc:
                log.exception("batch run of %s failed", source)
                on_state("error", f"{type(exc).__name__}: {exc}")
                return
            log.info("batch %s done in %.1f s", source,
                     (datetime.now(UTC) - started).total_seconds())
            on_state("done", None)
        return self._pool.submit(job)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
