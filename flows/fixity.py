"""Scheduled fixity check of the originals (see pipeline.fixity); the report is published
as a Prefect artifact and a damaged store fails the run, so it shows red in the UI."""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.context import worker_context
from pipeline.fixity import check_originals


@flow(name="sohoa-fixity", log_prints=True)
def fixity_flow() -> dict:
    ctx = worker_context()
    report = check_originals(ctx.store, ctx.index.received_shas())
    lines = [f"Checked {report.checked} originals: {report.ok} intact, "
             f"{len(report.problems)} damaged."]
    lines += [f"- `{p.key}`: {p.problem} ({p.detail})" for p in report.problems]
    create_markdown_artifact("\n".join(lines), key="sohoa-fixity")
    print(lines[0])
    if not report.healthy:
        raise RuntimeError(f"{len(report.problems)} original(s) damaged: {lines[1:]}")
    return report.model_dump()
