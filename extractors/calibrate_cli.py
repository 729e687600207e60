"""`sohoa calibrate CORPUS… | --from-reviews`: re-fit the field-confidence model.

From corpora (generated folders with truth files): the logistic model per field family and
its auto-accept bar (extractors/calibrate.py). From reviewers' decisions in the index
database (`--from-reviews`): a re-mapping of each family's confidence on top of the current
model (extractors/review_calibration.py). Either way the model is written with its
provenance (source, corpora or database, date, counts) to `--out` (default: the packaged
model the pipeline loads), and a copy is kept under `calibrations/` beside it, so every
calibration stays on record.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from pipeline.errors import ConfigError, SohoaError

DEFAULT_MODEL = Path(__file__).parent / "data" / "confidence_model.json"
HISTORY = "calibrations"
DEFAULT_TARGET = 0.005
"""Wrong share allowed among auto-accepted fields when the bars are picked. The bars also
count the wrong fields the model itself expects, so the share realised is lower: 4-fold
cross-validation by document on the 720 dev documents (2026-11-24, evaluation.calibration_cv)
gave 0.34% on office scans and 0.88% on poor ones at 0.005 (promises: 0.5% and 1%), against
0.22% and 0.67% at 0.004, for documents whose every field is accepted 103 against 73 of 399
office ones; 0.006 gave 0.43% / 0.91%: too close to the promise for scans unlike the corpus."""


def model_document(families: dict, provenance: dict, target: float) -> dict:
    return {"_note": "Fitted by `sohoa calibrate` (extractors/calibrate_cli.py): logistic "
                     "weights per field family over extractors.confidence.feature_vector, "
                     "an optional re-mapping fitted on reviewer decisions, and the "
                     "auto-accept confidence per family.",
            "provenance": provenance, "target_error": target, "families": families}


def write_model(model: dict, out: Path) -> Path:
    """Write the model and a dated copy under `<out dir>/calibrations/` (the copy's path is
    recorded in the provenance); return the copy's path."""
    prov = model["provenance"]
    stamp = prov["fitted_at"].replace(":", "").replace("-", "")
    copy = out.parent / HISTORY / f"{stamp}-{prov['source']}.json"
    prov["history_copy"] = str(copy)
    body = json.dumps(model, ensure_ascii=False, indent=1) + "\n"
    copy.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, "utf-8")
    copy.write_text(body, "utf-8")
    return copy


def load_model_file(path: Path) -> dict:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the confidence model {path}: {exc}",
                          hint="fit one from a corpus first: sohoa calibrate CORPUS") from exc


def calibrate_from_corpora(corpora: list[Path], out: Path, target: float,
                           workers: int = 2) -> dict:
    from extractors.calibrate import fit_corpora
    from pipeline.config import get_settings

    pairs = [split_corpus_arg(c) for c in corpora]
    for c, data_dir in pairs:
        if not c.is_dir():
            raise ConfigError(f"no corpus folder {c}", hint="sohoa generate corpus DIR …")
        if data_dir is not None and not data_dir.is_dir():
            raise ConfigError(f"no data folder {data_dir}",
                              hint="CORPUS:DATA_DIR names the data folder `sohoa eval` used")
    settings = get_settings()
    families, counts = fit_corpora(pairs, settings, target, workers)
    if not families:
        raise ConfigError("no field of these corpora could be scored",
                          hint="a corpus needs scans with <stem>.truth.json files")
    provenance = {"source": "corpus", "corpora": [str(c.resolve()) for c, _ in pairs],
                  "fitted_at": _now(), "counts": counts}
    model = model_document(families, provenance, target)
    write_model(model, out)
    return model


def split_corpus_arg(arg: Path) -> tuple[Path, Path | None]:
    """'CORPUS' or 'CORPUS:DATA_DIR' (the data folder whose store has its readings)."""
    text = str(arg)
    if ":" in text:
        corpus, data_dir = text.split(":", 1)
        return Path(corpus), Path(data_dir)
    return arg, None


def calibrate_from_reviews(database_url: str, out: Path, target: float,
                           min_decisions: int) -> dict:
    from extractors.review_calibration import load_decisions, recalibrate

    base = load_model_file(out)
    decisions = load_decisions(database_url)
    if not decisions:
        raise ConfigError("no review decisions (confirmed or corrected) to calibrate from",
                          hint="reviewers confirm or correct flagged fields first")
    families, counts = recalibrate(base.get("families", {}), decisions, target, min_decisions)
    provenance = {"source": "reviews", "database": _safe_url(database_url),
                  "fitted_at": _now(), "counts": counts, "decisions": len(decisions),
                  "base": base.get("provenance")}
    model = model_document(families, provenance, target)
    write_model(model, out)
    return model


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _safe_url(url: str) -> str:
    """The database URL without its password (provenance is not a place for secrets)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an odd URL is still worth naming
        return url.split("@")[-1]


def calibrate_command(
    corpora: Annotated[list[Path] | None, typer.Argument(
        help="corpus folders (scans + <stem>.truth.json) to fit the model on, each "
             "optionally CORPUS:DATA_DIR (the data folder `sohoa eval` stored its readings "
             "in; default: the configured one)")] = None,
    from_reviews: Annotated[bool, typer.Option(
        "--from-reviews", help="re-map confidences from reviewer decisions in the index "
                               "database (table review_decisions)")] = False,
    database_url: Annotated[str | None, typer.Option(
        "--database-url", help="index database (default: the configured one)")] = None,
    out: Annotated[Path, typer.Option(
        "--out", help="model file to write (default: the packaged model)")] = DEFAULT_MODEL,
    target: Annotated[float, typer.Option(
        "--target", help="wrong share allowed among auto-accepted fields")] = DEFAULT_TARGET,
    min_decisions: Annotated[int, typer.Option(
        "--min-decisions", help="decisions a family needs before it is re-mapped")] = 30,
    workers: Annotated[int, typer.Option("--workers", min=1,
                                         help="OCR processes for unread scans")] = 2,
) -> None:
    """Re-fit field confidences from a corpus, or from reviewers' decisions."""
    console, err = Console(), Console(stderr=True)
    try:
        if from_reviews == bool(corpora):
            raise ConfigError("give corpus folders or --from-reviews (one of them)",
                              hint="sohoa calibrate CORPUS, or sohoa calibrate --from-reviews")
        if from_reviews:
            from pipeline.config import get_settings

            url = database_url or get_settings().effective_database_url
            model = calibrate_from_reviews(url, out, target, min_decisions)
        else:
            model = calibrate_from_corpora(list(corpora or []), out, target, workers)
    except SohoaError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(code=int(exc.exit_code)) from exc
    _print(model, out, console)


def _print(model: dict, out: Path, console: Console) -> None:
    prov = model["provenance"]
    for fam, f in model["families"].items():
        fit = f.get("fit", {})
        remap = f.get("remap")
        console.print(f"{fam:16s} threshold={f['threshold']:.4f} n={fit.get('n', '-')} "
                      f"accepted={fit.get('accepted', '-')} wrong={fit.get('accepted_wrong', '-')}"
                      + (f" remap=({remap['a']}, {remap['b']})" if remap else ""),
                      highlight=False)
    console.print(f"{prov['source']} calibration written to {out} "
                  f"(copy: {prov['history_copy']}); counts: {json.dumps(prov['counts'])}",
                  highlight=False)


def main() -> None:  # pragma: no cover - `python -m extractors.calibrate`
    typer.run(calibrate_command)
