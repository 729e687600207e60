"""`sohoa generate …`: synthetic registries and corpora from the command line.

The lead mounts `generate_app` under the main `sohoa` command; `python -m samples.cli` runs
it standalone. Errors are the pipeline's own (`ConfigError` …) so they print the file, the
stage and the fix, and exit with the project's exit codes."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from pipeline.errors import SohoaError

generate_app = typer.Typer(help="Generate synthetic citizen registries and scan corpora.",
                           no_args_is_help=True)


def _weights(items: list[str] | None, option: str) -> dict[str, float] | None:
    """'jpeg' or 'jpeg=3' (repeatable) -> {'jpeg': 3.0}; repeats add up."""
    if not items:
        return None
    out: dict[str, float] = {}
    for item in items:
        name, _, weight = item.partition("=")
        try:
            value = float(weight) if weight else 1.0
        except ValueError:
            raise typer.BadParameter(f"{item!r}: weight must be a number", param_hint=option) from None
        out[name.strip()] = out.get(name.strip(), 0.0) + value
    return out


def _fail(exc: SohoaError) -> None:
    typer.echo(str(exc), err=True)
    raise typer.Exit(int(exc.exit_code))


@generate_app.command("registry")
def registry_command(
    n: Annotated[int, typer.Option("--n", help="number of citizens generated")] = 100_000,
    seed: Annotated[int, typer.Option("--seed", help="random seed (same seed, same file)")] = 0,
    out: Annotated[Path, typer.Option("--out", help="CSV file to write")] = Path("registry.csv"),
) -> None:
    """Write a synthetic citizen registry CSV (families, IDs, old and new addresses)."""
    from samples.registry import generate_registry
    from samples.registry_io import write_registry_csv

    started = time.perf_counter()
    try:
        reg = generate_registry(n, seed)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--n") from exc
    write_registry_csv(reg, out)
    typer.echo(f"wrote {int(reg.in_registry.sum())} of {n} citizens to {out} "
               f"in {time.perf_counter() - started:.1f}s")


@generate_app.command("corpus")
def corpus_command(
    out: Annotated[Path, typer.Argument(help="folder to write scans, truth files, registry.csv")],
    n: Annotated[int, typer.Option("--n", help="number of documents")] = 36,
    profile: Annotated[list[str] | None, typer.Option(
        "--profile", help="damage profile: clean, office or poor (repeat for a mix; "
                          "repeats weight it)")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    registry_size: Annotated[int, typer.Option("--registry-size")] = 2000,
    fmt: Annotated[list[str] | None, typer.Option(
        "--format", help="scan format, optionally weighted: jpeg=3 (repeatable; default: a mix)")] = None,
    doc_type: Annotated[list[str] | None, typer.Option(
        "--doc-type", help="document type, optionally weighted: land_certificate=2 (repeatable)")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1)] = 2,
    place_codes: Annotated[bool, typer.Option(
        "--place-codes", help="add <place>_code/_units_version to the truth files")] = False,
) -> None:
    """Write a corpus: one scan and one `<stem>.truth.json` per document, plus registry.csv."""
    from samples.corpus import build_corpus

    started = time.perf_counter()
    try:
        path = build_corpus(out, n, profile or ["office"], seed=seed, registry_size=registry_size,
                            formats=_weights(fmt, "--format"),
                            doc_types=_weights(doc_type, "--doc-type"), workers=workers,
                            place_codes=place_codes)
    except SohoaError as exc:
        _fail(exc)
        return
    typer.echo(f"wrote {n} documents to {path} in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    generate_app()
