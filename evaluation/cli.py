"""`sohoa eval CORPUS [--pred DIR] [--json OUT] [--plots DIR]`: score predictions against
ground truth, or run the pipeline over the corpus first and score what it wrote.

The lead registers `eval_command` on the main typer app; `score_and_report` is the same
path for other commands (the demo prints a brief report after its batch).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from evaluation.corpus import Corpus, load_corpus, load_predictions
from evaluation.report import print_report, to_json, write_json
from evaluation.scores import Scores, Timing, score
from pipeline.errors import SohoaError

EVAL_JSON = "eval.json"


def write_plots(scores: Scores, folder: Path) -> dict[str, Path]:
    """Draw the PNGs (matplotlib is imported only when plots are wanted)."""
    from evaluation.plots import write_plots as draw

    return draw(scores, folder)


def run_pipeline(corpus: Corpus, out_dir: Path) -> Timing:
    """Process the corpus's scans into `out_dir` with the project's batch runner.

    `reprocess=True`: a score must describe the code as it is now, so documents the data
    folder already knows are read again instead of being reported as unchanged."""
    from pipeline.batch import run_batch  # heavy; imported only when the pipeline runs
    from pipeline.config import get_settings

    started = time.perf_counter()
    summary = run_batch(str(corpus.root), out_dir, get_settings(), registry=corpus.registry,
                        reprocess=True)
    wall = time.perf_counter() - started
    seconds = summary.seconds if summary.seconds > 0 else wall
    pages = summary.pages or sum(item.pages for item in summary.items)
    return Timing(pages=pages, seconds=seconds, source="batch run")


def score_and_report(corpus: Path, pred: Path, *, console: Console | None = None,
                     brief: bool = False, json_out: Path | None = None,
                     plots: Path | None = None, timing: Timing | None = None) -> Scores:
    """Score `pred` against `corpus`, print the report and write `eval.json` (default
    `<pred>/eval.json`) and, unless `brief`, the PNG plots (default: next to the JSON).
    Raises CorpusError on input that does not follow the spec."""
    loaded = load_corpus(corpus)
    scores = score(loaded, load_predictions(pred, list(loaded.truths)), timing)
    json_path = json_out or Path(pred) / EVAL_JSON
    plot_paths = {} if brief else write_plots(scores, plots or json_path.parent)
    write_json(to_json(scores, corpus=corpus, pred=pred, plots=plot_paths), json_path)
    con = console or Console()
    print_report(scores, con, brief=brief)
    con.print(f"JSON report: {json_path}")
    if plot_paths:
        con.print("Plots: " + ", ".join(str(p) for p in plot_paths.values()))
    return scores


def eval_command(
    corpus: Annotated[Path, typer.Argument(
        help="corpus folder: scans, <stem>.truth.json per scan, registry.csv")],
    pred: Annotated[Path | None, typer.Option(
        "--pred", help="score the records already in this folder (else run the pipeline)")]
    = None,
    json_out: Annotated[Path | None, typer.Option(
        "--json", help="where to write the JSON report (default: <pred>/eval.json)")] = None,
    plots: Annotated[Path | None, typer.Option(
        "--plots", help="folder for the PNG plots (default: next to the JSON report)")] = None,
) -> None:
    """Score records against ground truth (field accuracy, straight-through, calibration…)."""
    err = Console(stderr=True)
    try:
        timing: Timing | None = None
        if pred is None:
            loaded = load_corpus(corpus)  # fail on a bad corpus before a long batch
            pred = Path(tempfile.mkdtemp(prefix="sohoa-eval-"))
            err.print(f"Processing {len(loaded.inputs)} scan(s) from {corpus} into {pred} …")
            timing = run_pipeline(loaded, pred)
        score_and_report(corpus, pred, json_out=json_out, plots=plots, timing=timing)
    except SohoaError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(code=int(exc.exit_code)) from exc


def main() -> None:  # pragma: no cover - `python -m evaluation.cli` without the sohoa app
    typer.run(eval_command)


if __name__ == "__main__":  # pragma: no cover
    main()
