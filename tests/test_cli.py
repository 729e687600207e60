"""The `sohoa` command as outside evaluators script it (records.md's command-line contract)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import config
from pipeline.cli import app
from samples import bundled_corpus

runner = CliRunner()


@pytest.fixture
def data_env(settings, monkeypatch, tmp_path):
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(config, "_cached", None)
    yield
    config._cached = None


def test_process_then_show_then_batch(data_env, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(bundled_corpus() / "birth_0003.pdf", inputs / "birth_0003.pdf")  # text layer
    (inputs / "blank.pdf").write_bytes(b"")
    out = tmp_path / "out"
    result = runner.invoke(app, ["process", str(inputs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Files that need attention" in result.output and "blank.pdf" in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["documents"] == 2 and summary["counts"]["rejected"] == 1
    record = json.loads((out / "birth_0003.json").read_text())
    assert record["schema"] == "sohoa.record/1" and record["doc_type"] == "birth_certificate"

    for ref in (record["record_id"], record["source"]["sha256"], "birth_0003.pdf"):
        shown = runner.invoke(app, ["show", ref])
        assert shown.exit_code == 0, shown.output
        assert json.loads(shown.stdout)["record_id"] == record["record_id"]

    batch = runner.invoke(app, ["batch"])
    assert batch.exit_code == 0 and summary["batch_id"] in batch.output


def test_unknown_record_and_missing_input_fail_clearly(data_env, tmp_path: Path) -> None:
    shown = runner.invoke(app, ["show", "rec-does-not-exist"])
    assert shown.exit_code != 0 and "rec-does-not-exist" in shown.output
    missing = tmp_path / "nowhere"
    result = runner.invoke(app, ["process", str(missing), "--out", str(tmp_path / "out")])
    assert result.exit_code != 0 and "nowhere" in result.output


def test_schema_check_passes_on_the_committed_schema() -> None:
    assert runner.invoke(app, ["schema", "--check"]).exit_code == 0
