"""Per-document task chain: receive (fetch, hash, keep the original) → process the stored
original into a record. Retries only around I/O: receiving may meet a flaky store or
bucket; processing is deterministic and its failures are recorded, not retried."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.context import worker_context
from pipeline.batch import process_one
from pipeline.document import Received, receive
from pipeline.models import BatchItem, Outcome
from pipeline.sources import InputRef


@task(name="receive", retries=3, retry_delay_seconds=[2, 10, 30], cache_policy=NO_CACHE)
def receive_task(ref: InputRef) -> Received:
    return receive(ref, worker_context())


@task(name="process-document", cache_policy=NO_CACHE, task_run_name="process {rx.ref.filename}")
def process_task(rx: Received) -> BatchItem:
    return process_one(rx, worker_context())


@flow(name="sohoa-document", log_prints=True)
def document_flow(uri: str, filename: str | None = None) -> dict:
    """One document on its own (e.g. a single upload, or a retry from the staff page)."""
    from pipeline.sources import list_inputs

    refs = list_inputs(uri, worker_context().settings)
    if filename:
        refs = [r for r in refs if r.filename == filename]
    items = [process_task(receive_task(ref)) for ref in refs]
    return {"items": [i.model_dump(mode="json") for i in items],
            "failed": sum(i.outcome == Outcome.failed for i in items)}
