"""The batch flow: list the inputs, receive each (in parallel), plan (duplicates and reruns
recognised by hash), process the unique documents in parallel, then write outputs and the
summary, also published as a Prefect table artifact."""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.context import worker_context
from flows.document import process_task, receive_task
from pipeline.batch import finish, new_batch_id, now_iso, open_linker, plan_batch
from pipeline.config import get_settings
from pipeline.models import BatchItem, BatchSummary, Outcome
from pipeline.sources import InputRef, list_inputs


@task(name="list-inputs", retries=3, retry_delay_seconds=[2, 10, 30], cache_policy=NO_CACHE)
def list_inputs_task(source: str) -> list[InputRef]:
    return list_inputs(source, worker_context().settings)


@task(name="finish-batch", retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)
def finish_task(plan, results: dict[str, BatchItem], out_dir: str | None,
                summary: BatchSummary) -> BatchSummary:
    return finish(plan, results, worker_context(), Path(out_dir) if out_dir else None, summary)


def _publish(summary: BatchSummary) -> None:
    rows = [{"file": it.filename, "outcome": it.outcome.value,
             "status": it.status.value if it.status else "", "doc_type":
             it.doc_type.value if it.doc_type else "", "stage": it.stage or "",
             "reason": it.reason or "", "record_id": it.record_id or ""} for it in summary.items]
    counts = ", ".join(f"{k}: {v}" for k, v in summary.counts.items())
    create_table_artifact(table=rows, key="sohoa-batch-summary",
                          description=f"Batch {summary.batch_id} from {summary.source} — {counts}")


@flow(name="sohoa-batch", log_prints=True,
      task_runner=ThreadPoolTaskRunner(max_workers=get_settings().ocr_workers + 1))
def batch_flow(source: str, out_dir: str | None = None, registry: str | None = None,
               reprocess: bool = False) -> dict:
    """Process a folder or an s3://bucket/prefix of scans; returns the batch summary."""
    start = time.perf_counter()
    ctx = worker_context()
    # the registry loaded (or refreshed) once per batch; persons link against the index's
    ctx.linker = open_linker(ctx, Path(registry) if registry else None)
    batch_id = new_batch_id(source)
    summary = BatchSummary(batch_id=batch_id, source=source, started_at=now_iso())
    refs = list_inputs_task(source)
    ctx.index.start_batch(source, batch_id)
    print(f"batch {batch_id}: {len(refs)} files from {source}")
    received = []
    for ref, fut in zip(refs, receive_task.map(refs), strict=True):
        try:
            received.append(fut.result())
        except Exception as err:  # noqa: BLE001 - receiving failed after its retries
            received.append(BatchItem(filename=ref.relpath, outcome=Outcome.failed,
                                      stage="intake", reason=str(err)))
    plan = plan_batch(received, refs, ctx.index, batch_id=batch_id, reprocess=reprocess)
    print(f"{len(plan.to_process)} to process, {len(refs) - len(plan.to_process)} already known")
    results = {}
    for done, item in enumerate((f.result() for f in process_task.map(plan.to_process)), 1):
        results[item.sha256 or ""] = item
        print(f"[{done}/{len(plan.to_process)}] {item.filename}: "
              f"{item.status.value if item.status else item.outcome.value}")
    summary.seconds = round(time.perf_counter() - start, 3)
    summary = finish_task(plan, results, out_dir, summary)
    _publish(summary)
    print(f"batch {batch_id} done: {summary.counts}")
    return summary.model_dump(mode="json")
