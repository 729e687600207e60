"""The `sohoa` command. Errors from the one hierarchy become exit codes here and only here."""

from __future__ import annotations

import gc

_GC_WAS_ENABLED = gc.isenabled()
gc.disable()  # the imports below build only long-lived objects: collecting meanwhile is waste

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.config import Settings, get_settings
from pipeline.errors import InputError, SohoaError
from pipeline.memory import keep_freed_memory
from pipeline.models import BatchItem, BatchSummary

app = typer.Typer(help="SoHoa: scanned Vietnamese civil-status and land records → verified "
                       "digital records.", no_args_is_help=True, pretty_exceptions_enable=False)
console = Console(stderr=True)
out = Console()


def _fail(err: SohoaError) -> None:
    console.print(f"[red]error:[/red] {escape(str(err))}")
    raise typer.Exit(int(err.exit_code))


def run_with_progress(source: str, out_dir: Path | None, settings: Settings, *,
                      registry: Path | None = None, reprocess: bool = False,
                      engine: str = "local") -> BatchSummary:
    """Run a batch showing a live progress bar (on stderr) and return its summary."""
    from pipeline.batch import run_batch

    if engine == "prefect":
        from flows.batch import batch_flow

        return BatchSummary.model_validate(batch_flow(
            source, str(out_dir) if out_dir else None, str(registry) if registry else None,
            reprocess))
    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.fields[last]}"))
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("receiving", total=None, last="")

        def planned(inputs: int, to_process: int) -> None:
            progress.update(task, description=f"processing ({inputs} files)", total=to_process,
                            completed=0)

        def item(it: BatchItem) -> None:
            state = it.status.value if it.status else it.outcome.value
            progress.update(task, advance=1, last=escape(f"{it.filename}: {state}"))

        return run_batch(source, out_dir, settings, registry=registry, reprocess=reprocess,
                         on_planned=planned, on_item=item)


@app.command()
def process(
    input: Annotated[str, typer.Argument(help="a file, a folder, or s3://bucket/prefix")],
    out_dir: Annotated[Path, typer.Option("--out", help="where <stem>.json and summary.json go")],
    registry: Annotated[Path | None, typer.Option(
        help="citizen registry (CSV or Parquet) to load or refresh, then link persons to; "
             "without it, persons link to a registry already in the index, if any")] = None,
    reprocess: Annotated[bool, typer.Option(help="re-read documents already processed")] = False,
    engine: Annotated[str, typer.Option(help="local (no server) or prefect (run the flow)")]
    = "local",
) -> None:
    """Process a batch of scans into records (exit 0 even if some documents are rejected)."""
    from pipeline.summary_report import print_summary

    settings = get_settings()
    if registry is not None:
        _check_registry(registry)
    try:
        summary = run_with_progress(input, out_dir, settings, registry=registry,
                                    reprocess=reprocess, engine=engine)
    except SohoaError as err:
        _fail(err)
    print_summary(summary, console)
    console.print(f"Records in [bold]{out_dir}[/bold]; summary in {out_dir / 'summary.json'}")


def _check_registry(registry: Path) -> None:
    if not registry.is_file():
        _fail(InputError("registry file not found", filename=str(registry), stage="registry",
                         hint="give the path of a registry.csv"))


@app.command()
def demo(
    out_dir: Annotated[Path | None, typer.Option("--out", help="default: <data dir>/demo-out")]
    = None,
) -> None:
    """Run the whole path on the bundled samples with embedded defaults."""
    from pipeline.summary_report import print_summary
    from samples import bundled_corpus

    settings = get_settings()
    corpus = bundled_corpus()
    target = out_dir or settings.data_dir / "demo-out"
    console.print(f"Processing the bundled samples in {corpus} (data folder {settings.data_dir})")
    try:
        registry = corpus / "registry.csv"
        summary = run_with_progress(str(corpus), target, settings,
                                    registry=registry if registry.is_file() else None)
    except SohoaError as err:
        _fail(err)
    print_summary(summary, console)
    _demo_scores(corpus, target)
    verified = [it for it in summary.items if it.status and it.status.value == "verified"]
    console.print(f"\nRecords: {target}/<file>.json · summary: {target / 'summary.json'}\n"
                  f"Originals and records: {settings.effective_store_url} · index: "
                  f"{settings.effective_database_url}")
    if verified:
        console.print(f"Look at a verified record: [bold]sohoa show {verified[0].record_id}[/bold]")


def _demo_scores(corpus: Path, pred: Path) -> None:
    from evaluation.cli import score_and_report

    try:
        score_and_report(corpus, pred, console=console, brief=True)
    except SohoaError as err:
        console.print(f"[yellow]scores not available:[/yellow] {err}")


@app.command()
def show(record: Annotated[str, typer.Argument(help="record id, source sha256 or filename")],
         ) -> None:
    """Print a stored record (JSON, as in the record format)."""
    from pipeline.batch import open_context
    from pipeline.document import load_record

    ctx = open_context(get_settings())
    try:
        row = ctx.index.find(record)
        out.print_json(load_record(row.record_id, ctx).to_json())
    except SohoaError as err:
        _fail(err)


@app.command()
def schema(
    check: Annotated[bool, typer.Option(help="fail if the committed schema is stale")] = False,
) -> None:
    """Write (or check) the record format's JSON Schema, generated from the data model."""
    from pipeline.schema import SCHEMA_PATH, record_schema_text

    text = record_schema_text()
    if check:
        if not SCHEMA_PATH.exists() or SCHEMA_PATH.read_text(encoding="utf-8") != text:
            console.print(f"[red]{SCHEMA_PATH} is stale[/red]: run `sohoa schema`")
            raise typer.Exit(1)
        return
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    console.print(f"wrote {SCHEMA_PATH}")


@app.command()
def fixity() -> None:
    """Re-hash every kept original against its key (exit 1 if any is damaged or missing)."""
    from pipeline.batch import open_context
    from pipeline.fixity import check_originals

    ctx = open_context(get_settings())
    report = check_originals(ctx.store, ctx.index.received_shas())
    for p in report.problems:
        console.print(f"[red]{p.problem}[/red] {p.key}: {escape(p.detail)}")
    out.print(f"{report.checked} originals checked: {report.ok} intact, "
              f"{len(report.problems)} damaged")
    if not report.healthy:
        raise typer.Exit(1)


@app.command("batch")
def batch_status(batch_id: Annotated[str | None, typer.Argument()] = None) -> None:
    """Show a batch's summary (the latest batch when no id is given)."""
    from pipeline.batch import open_context
    from pipeline.storage import keys
    from pipeline.summary_report import print_summary

    ctx = open_context(get_settings())
    try:
        bid = batch_id or ctx.index.latest_batch_id()
        summary = BatchSummary.model_validate_json(ctx.store.get_bytes(keys.batch_summary_key(bid)))
    except SohoaError as err:
        _fail(err)
    print_summary(summary, out)


# command -> (module, attribute, is a group, help): imported only when asked for, so that
# `sohoa process` does not pay for the web service and the generator at start-up.
_LAZY: dict[str, tuple[str, str, bool, str | None]] = {
    "generate": ("samples.cli", "generate_app", True, "Generate synthetic corpora and registries."),
    "eval": ("evaluation.cli", "eval_command", False, None),
    "calibrate": ("extractors.calibrate_cli", "calibrate_command", False, None),
    "serve": ("service.cli", "serve", False, None),
    "clients": ("service.cli", "clients_app", True, "Create, rotate, revoke and list API clients."),
    "audit": ("service.cli", "audit", False, None),
    "users": ("service.web.cli", "users_app", True, "Create, list and disable web-page accounts."),
}


def _register_subcommands(argv: list[str]) -> None:
    """Register the lazily imported commands: only the one asked for, or all of them when
    no known command is asked for (help, or a typo that typer will report with the list)."""
    import importlib

    core = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    asked = next((a for a in argv if not a.startswith("-")), None)
    if asked in core:
        return
    for name, (module, attr, group, help_) in _LAZY.items():
        if asked in _LAZY and asked != name:
            continue
        target = getattr(importlib.import_module(module), attr)
        if group:
            app.add_typer(target, name=name, help=help_)
        else:
            app.command(name)(target)


_register_subcommands(sys.argv[1:])
gc.freeze()  # ... and what they built is left out of every later collection (~0.4 s a batch)
if _GC_WAS_ENABLED:
    gc.enable()


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    keep_freed_memory()  # documents read in this process too (one document, or no pool)
    try:
        app()
    except SohoaError as err:
        console.print(f"[red]error:[/red] {escape(str(err))}")
        sys.exit(int(err.exit_code))


if __name__ == "__main__":
    main()
