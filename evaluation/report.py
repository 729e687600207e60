"""The evaluation report: rich tables for a person, one JSON document for machines.

The JSON holds every figure the tables show (plus calibration bins and wrong-value samples),
so trend tracking and outside evaluators never need to parse the terminal output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from evaluation.calibration import expected_calibration_error
from evaluation.scores import Ratio, Scores

REPORT_SCHEMA = "sohoa.eval/1"


def _pct(r: Ratio | float | None) -> str:
    rate = r.rate if isinstance(r, Ratio) else r
    return "—" if rate is None else f"{rate:.1%}"


def _counts(r: Ratio) -> str:
    return f"{r.hits}/{r.total}"


def to_json(scores: Scores, *, corpus: Path, pred: Path,
            plots: dict[str, Path] | None = None) -> dict[str, Any]:
    t = scores.timing
    return {
        "schema": REPORT_SCHEMA,
        "corpus": str(corpus),
        "predictions": str(pred),
        "documents": scores.documents,
        "missing_predictions": list(scores.missing),
        "extra_predictions": list(scores.extra),
        "doc_type_accuracy": scores.doc_type.to_json(),
        "doc_type_confusion": scores.doc_type_confusion,
        "field_accuracy": {
            "overall": scores.field_overall.to_json(),
            "per_doc_type": {dt: r.to_json() for dt, r in scores.field_per_doc_type.items()},
            "per_field": {dt: {k: r.to_json() for k, r in sorted(keys.items())}
                          for dt, keys in scores.field_per_key.items()},
        },
        "straight_through": scores.straight_through.to_json(),
        "auto_accept_error": scores.auto_accept_error.to_json(),
        "review_load": scores.review_load.to_json(),
        "linkage": {"precision": scores.linkage_precision.to_json(),
                    "recall": scores.linkage_recall.to_json(),
                    "candidates": scores.link_candidates},
        "throughput": None if t is None else {
            "pages": t.pages, "seconds": t.seconds, "pages_per_minute": t.pages_per_minute,
            "source": t.source},
        "calibration": {
            "bins": [b.to_json() for b in scores.bins],
            "expected_calibration_error": expected_calibration_error(scores.bins),
            "thresholds": [c.to_json() for c in scores.thresholds],
            "failed_thresholds": scores.failed_thresholds,
        },
        "worst_fields": [{"doc_type": dt, "key": k, **r.to_json()}
                         for dt, k, r in scores.worst_fields()],
        "wrong_samples": scores.wrong_samples(),
        "plots": {name: str(p) for name, p in (plots or {}).items()},
    }


def write_json(report: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def print_report(scores: Scores, console: Console | None = None, *, brief: bool = False) -> None:
    """The terminal report: headline figures, then (unless `brief`, as in the demo) per doc
    type, per field and calibration."""
    con = console or Console()
    head = Table(title="SoHoa evaluation", show_header=True, header_style="bold")
    head.add_column("score")
    head.add_column("value", justify="right")
    head.add_column("counts", justify="right")
    head.add_row("documents", str(scores.documents),
                 f"{len(scores.missing)} without prediction" if scores.missing else "")
    head.add_row("doc-type accuracy", _pct(scores.doc_type), _counts(scores.doc_type))
    head.add_row("field accuracy", _pct(scores.field_overall), _counts(scores.field_overall))
    head.add_row("straight-through rate", _pct(scores.straight_through),
                 _counts(scores.straight_through))
    head.add_row("auto-accept error", _pct(scores.auto_accept_error),
                 _counts(scores.auto_accept_error))
    head.add_row("review load (flagged fields)", _pct(scores.review_load),
                 _counts(scores.review_load))
    head.add_row("linkage precision", _pct(scores.linkage_precision),
                 _counts(scores.linkage_precision))
    head.add_row("linkage recall", _pct(scores.linkage_recall), _counts(scores.linkage_recall))
    t = scores.timing
    ppm = t.pages_per_minute if t else None
    head.add_row("pages per minute", "—" if ppm is None else f"{ppm:.1f}",
                 f"{t.pages} pages / {t.seconds:.1f} s ({t.source})" if t else "no timing")
    con.print(head)
    if brief:
        return

    per_doc = Table(title="Field accuracy per document type", header_style="bold")
    for col in ("doc type", "accuracy", "correct/total"):
        per_doc.add_column(col, justify="left" if col == "doc type" else "right")
    for dt, r in scores.field_per_doc_type.items():
        per_doc.add_row(dt, _pct(r), _counts(r))
    con.print(per_doc)

    per_field = Table(title="Field accuracy per field (worst first)", header_style="bold")
    per_field.add_column("doc type", no_wrap=True)
    per_field.add_column("field", no_wrap=True)
    per_field.add_column("accuracy", justify="right", no_wrap=True)
    per_field.add_column("right", justify="right", no_wrap=True)
    per_field.add_column("e.g. truth → predicted", overflow="fold", min_width=20)
    samples = scores.wrong_samples(per_field=1)
    rows = [(dt, k, r) for dt, keys in scores.field_per_key.items() for k, r in keys.items()]
    rows.sort(key=lambda x: (x[2].rate if x[2].rate is not None else 2.0, x[0], x[1]))
    for dt, k, r in rows:
        ex = samples.get(f"{dt}.{k}")
        example = ""
        if ex:
            shown = repr(ex[0]["predicted"]) if ex[0]["present"] else "(no field)"
            example = f"{ex[0]['truth']!r} → {shown}"
        per_field.add_row(dt.removesuffix("_certificate"), k, _pct(r), _counts(r), example)
    con.print(per_field)

    cal = Table(title="Calibration: auto-accepted at confidence ≥ c, error ≤ 1 − c?",
                header_style="bold")
    for col in ("c", "fields", "wrong", "error", "limit", "holds"):
        cal.add_column(col, justify="right")
    for c in scores.thresholds:
        holds = {True: "[green]yes[/]", False: "[red]NO[/]", None: "—"}[c.ok]
        cal.add_row(f"{c.threshold:g}", str(c.count), str(c.wrong), _pct(c.error),
                    f"{c.limit:.0%}" if c.limit >= 0.01 else f"{c.limit:.1%}", holds)
    con.print(cal)
    if scores.missing:
        con.print(f"[yellow]No prediction for {len(scores.missing)} document(s) "
                  f"(scored as all fields wrong):[/] {', '.join(scores.missing[:20])}"
                  + (" …" if len(scores.missing) > 20 else ""))
    if scores.extra:
        con.print(f"[dim]{len(scores.extra)} prediction(s) without truth were not scored.[/]")
