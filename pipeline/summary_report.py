"""A batch summary a person can read: counts, then every file that needs attention."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.models import BatchSummary, Outcome, RecordStatus


def print_summary(summary: BatchSummary, console: Console) -> None:
    c = summary.counts or summary.count()
    minutes = summary.seconds / 60 if summary.seconds else 0.0
    rate = f", {summary.pages / minutes:.1f} pages/min" if minutes and summary.pages else ""
    console.print(
        f"[bold]Batch {summary.batch_id}[/bold] — {summary.documents} files from "
        f"{escape(summary.source)} in {summary.seconds:.1f} s ({summary.pages} pages processed{rate})")
    counts = Table(show_header=True, header_style="bold")
    for name in ("verified", "needs_review", "rejected", "failed", "duplicate", "unchanged"):
        counts.add_column(name.replace("_", " "), justify="right")
    counts.add_row(*(str(c.get(k, 0)) for k in ("verified", "needs_review", "rejected",
                                                "failed", "duplicate", "unchanged")))
    console.print(counts)
    attention = [it for it in summary.items
                 if it.outcome == Outcome.failed or it.status == RecordStatus.rejected]
    if attention:
        table = Table(title="Files that need attention (originals are kept)", show_lines=False)
        for col in ("file", "outcome", "stage", "reason"):
            table.add_column(col, overflow="fold")
        for it in attention:
            outcome = it.outcome.value if it.outcome == Outcome.failed else "rejected"
            table.add_row(escape(it.filename), outcome, it.stage or "", escape(it.reason or ""))
        console.print(table)
    review = [it for it in summary.items if it.status == RecordStatus.needs_review]
    if review:
        console.print(f"{len(review)} record(s) wait for a reviewer, e.g. "
                      f"`sohoa show {review[0].record_id}`.")
