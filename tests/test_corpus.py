"""Corpus builder: request errors name the valid choices, a missing font surfaces as the
renderer's error, and a small corpus is complete and deterministic."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from samples.corpus import build_corpus, check_request
from samples.documents import FIELD_KEYS

SMALL_MIX = {"birth_certificate": 1, "land_certificate": 1, "unknown": 1}


def test_unknown_profile_lists_valid_ones() -> None:
    with pytest.raises(ConfigError) as err:
        check_request(["office", "blurry"], {"jpeg": 1.0})
    assert "blurry" in str(err.value) and "clean, office, poor" in str(err.value)


def test_unknown_format_lists_valid_ones() -> None:
    with pytest.raises(ConfigError, match="valid formats: png, jpeg"):
        check_request(["office"], {"gif": 1.0})


def _build(out: Path) -> Path:
    return build_corpus(out, 3, ["clean", "poor"], seed=9, registry_size=300,
                        formats={"jpeg": 1.0}, doc_types=SMALL_MIX, workers=1, progress=False)


def test_small_corpus_is_complete_and_deterministic(tmp_path: Path) -> None:
    a, b = _build(tmp_path / "a"), _build(tmp_path / "b")
    manifest = json.loads((a / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["documents"]) == 3
    for entry in manifest["documents"]:
        scan = a / entry["file"]
        assert scan.exists() and scan.stat().st_size > 10_000
        truth = json.loads((a / entry["truth"]).read_text(encoding="utf-8"))
        assert set(truth) == {"doc_type", "fields", "persons"}
        assert set(truth["fields"]) == set(FIELD_KEYS[truth["doc_type"]])
        assert Path(entry["truth"]).name.removesuffix(".truth.json") == scan.stem
        assert (b / entry["truth"]).read_text(encoding="utf-8") == (a / entry["truth"]).read_text(encoding="utf-8")
        if scan.suffix == ".jpg":
            assert (b / entry["file"]).read_bytes() == scan.read_bytes()
    with (a / "registry.csv").open(encoding="utf-8") as fh:
        ids = {row["citizen_id"] for row in csv.DictReader(fh)}
    for truth_file in a.glob("*.truth.json"):
        for p in json.loads(truth_file.read_text(encoding="utf-8"))["persons"]:
            assert p["citizen_id"] is None or p["citizen_id"] in ids


def test_missing_font_surfaces_renderer_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from samples.render import fonts

    monkeypatch.setattr(fonts, "_FONT_DIRS", (tmp_path / "no-fonts",))
    fonts.usable.cache_clear()
    try:
        with pytest.raises(ConfigError, match="font"):
            _build(tmp_path / "c")
    finally:
        fonts.usable.cache_clear()


def test_cli_registry_and_bad_profile(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from samples.cli import generate_app

    runner = CliRunner()
    out = tmp_path / "registry.csv"
    result = runner.invoke(generate_app, ["registry", "--n", "300", "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("citizen_id,full_name,date_of_birth")
    bad = runner.invoke(generate_app, ["corpus", str(tmp_path / "c"), "--n", "1", "--profile", "blurry"])
    assert bad.exit_code == 6
    assert "valid profiles: clean, office, poor" in bad.output
