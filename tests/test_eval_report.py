"""The JSON report, the PNG plots, the terminal tables and the `eval` command."""

from __future__ import annotations

import json
import sys
import tempfile
import types
from pathlib import Path

import typer
from rich.console import Console
from typer.testing import CliRunner

from evaluation import evaluate_folders
from evaluation.cli import eval_command, score_and_report
from evaluation.report import print_report, to_json
from pipeline.models import BatchSummary
from test_eval_fixtures import standard_corpus

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("eval")(eval_command)

    @app.command("noop")  # two commands, so `eval` is a subcommand as under `sohoa`
    def _noop() -> None: ...

    return app


def test_json_report_keys(tmp_path: Path) -> None:
    corpus, pred = standard_corpus(tmp_path)
    report = to_json(evaluate_folders(corpus, pred), corpus=corpus, pred=pred)
    assert {"schema", "documents", "missing_predictions", "doc_type_accuracy", "field_accuracy",
            "straight_through", "auto_accept_error", "review_load", "linkage", "throughput",
            "calibration", "worst_fields", "wrong_samples"} <= set(report)
    assert report["field_accuracy"]["overall"] == {"hits": 6, "total": 13, "rate": 6 / 13}
    assert report["field_accuracy"]["per_field"]["land_certificate"]["area_m2"]["rate"] == 1.0
    assert report["linkage"]["precision"]["rate"] == 2 / 3
    assert report["throughput"]["pages_per_minute"] == 12.0
    assert report["calibration"]["failed_thresholds"] == [0.9, 0.95]
    assert len(report["calibration"]["bins"]) == 10
    json.dumps(report)  # serialisable as is


def test_brief_report_for_the_demo(tmp_path: Path) -> None:
    corpus, pred = standard_corpus(tmp_path)
    console = Console(record=True, width=120)
    scores = score_and_report(corpus, pred, console=console, brief=True)
    text = console.export_text()
    assert "field accuracy" in text and "Calibration" not in text
    assert scores.field_overall.hits == 6
    assert (pred / "eval.json").is_file() and not (pred / "reliability.png").exists()


def test_terminal_report_shows_headline_figures(tmp_path: Path) -> None:
    corpus, pred = standard_corpus(tmp_path)
    console = Console(record=True, width=160)
    print_report(evaluate_folders(corpus, pred), console)
    text = console.export_text()
    for words in ("field accuracy", "46.2%", "6/13", "straight-through rate", "20.0%",
                  "linkage precision", "66.7%", "pages per minute", "12.0", "'female' → 'male'",
                  "No prediction for 1 document"):
        assert words in text


def test_eval_command_scores_existing_predictions(tmp_path: Path) -> None:
    corpus, pred = standard_corpus(tmp_path)
    out = tmp_path / "report" / "eval.json"
    result = CliRunner().invoke(_app(), ["eval", str(corpus), "--pred", str(pred),
                                         "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "field accuracy" in result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["documents"] == 5
    assert set(report["plots"]) == {"field_accuracy", "reliability"}
    for path in report["plots"].values():  # drawn next to the JSON report by default
        assert Path(path).parent == out.parent
        assert Path(path).read_bytes()[:8] == PNG_MAGIC


def _skip_drawing(monkeypatch) -> list[Path]:
    """Plots are checked elsewhere; drawing them again only slows the command tests."""
    folders: list[Path] = []

    def fake_write_plots(scores: object, folder: Path) -> dict[str, Path]:
        folders.append(folder)
        return {"reliability": folder / "reliability.png"}

    monkeypatch.setattr("evaluation.cli.write_plots", fake_write_plots)
    return folders


def test_eval_command_default_json_and_plots_folder(tmp_path: Path, monkeypatch) -> None:
    folders = _skip_drawing(monkeypatch)
    corpus, pred = standard_corpus(tmp_path)
    result = CliRunner().invoke(_app(), ["eval", str(corpus), "--pred", str(pred),
                                         "--plots", str(tmp_path / "pics")])
    assert result.exit_code == 0, result.output
    assert folders == [tmp_path / "pics"]
    report = json.loads((pred / "eval.json").read_text(encoding="utf-8"))
    assert report["plots"] == {"reliability": str(tmp_path / "pics" / "reliability.png")}


def test_eval_command_bad_corpus_exits_non_zero(tmp_path: Path) -> None:
    corpus, pred = standard_corpus(tmp_path)
    (pred / "b1.json").write_text('{"schema": "sohoa.record/1"}', encoding="utf-8")
    result = CliRunner().invoke(_app(), ["eval", str(corpus), "--pred", str(pred)])
    assert result.exit_code == 3
    assert "b1.json" in result.output and "record_id" in result.output


def test_eval_command_without_pred_runs_the_batch(tmp_path: Path, monkeypatch) -> None:
    """The pipeline path, with a stand-in `pipeline.batch` that writes known predictions."""
    corpus, ready = standard_corpus(tmp_path)
    seen: dict[str, object] = {}

    def run_batch(source: str, out_dir: Path, settings: object, *,
                  registry: Path | None = None, reprocess: bool = False) -> BatchSummary:
        seen.update(source=source, registry=registry, reprocess=reprocess)
        for p in ready.glob("*.json"):
            if p.name != "summary.json":
                (out_dir / p.name).write_bytes(p.read_bytes())
        return BatchSummary(batch_id="b", source=source, started_at="now", pages=8,
                            seconds=60.0)

    _skip_drawing(monkeypatch)
    fake = types.ModuleType("pipeline.batch")
    fake.run_batch = run_batch  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pipeline.batch", fake)
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the predictions folder
    out = tmp_path / "eval.json"
    result = CliRunner().invoke(_app(), ["eval", str(corpus), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert seen == {"source": str(corpus), "registry": corpus / "registry.csv",
                    "reprocess": True}  # a score describes the code as it is now
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["field_accuracy"]["overall"]["hits"] == 6
    assert report["predictions"].startswith(str(tmp_path / "sohoa-eval-"))
    assert report["throughput"] == {"pages": 8, "seconds": 60.0, "pages_per_minute": 8.0,
                                    "source": "batch run"}
