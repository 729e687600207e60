"""Bad corpora and bad predictions fail loudly, naming the file and the key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from collections.abc import Callable

import pytest

from evaluation import evaluate_folders, load_corpus
from evaluation.field_keys import FIELD_KEYS, is_field_key
from pipeline.errors import CorpusError, ExitCode
from test_eval_fixtures import field, record, standard_corpus, write_json, write_truth


def _break(pred: Path, stem: str, change: Callable[[dict[str, Any]], None]) -> Path:
    path = pred / f"{stem}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    write_json(path, data)
    return path


def test_corpus_without_truth_files(tmp_path: Path) -> None:
    (tmp_path / "scan.pdf").write_bytes(b"%PDF")
    with pytest.raises(CorpusError, match="truth.json") as info:
        load_corpus(tmp_path)
    assert str(tmp_path) in str(info.value)
    assert info.value.exit_code == ExitCode.input_error


def test_missing_corpus_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_truth_with_unknown_doc_type(tmp_path: Path) -> None:
    path = write_truth(tmp_path, "x1", "passport", {"full_name": "A"})
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    message = str(info.value)
    assert str(path) in message and "doc_type" in message and "passport" in message


def test_truth_with_unknown_key(tmp_path: Path) -> None:
    path = write_truth(tmp_path, "x1", "death_certificate", {"mother_name": "A"})
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    assert str(path) in str(info.value) and "fields.mother_name" in str(info.value)


def test_extension_keys_in_predictions_are_allowed_and_not_scored(tmp_path: Path) -> None:
    """records.md: "Extend it (new optional keys) freely" - an extra field is not an error."""
    corpus, pred = standard_corpus(tmp_path)
    before = evaluate_folders(corpus, pred)
    path = pred / "b1.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["fields"]["date_of_birth_digits_in_margin"] = field("2020-01-01", state="flagged")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    after = evaluate_folders(corpus, pred)
    assert after.field_overall == before.field_overall
    assert after.review_load == before.review_load


def test_prediction_not_json(tmp_path: Path) -> None:
    corpus, pred = standard_corpus(tmp_path)
    (pred / "b1.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match="not valid JSON") as info:
        evaluate_folders(corpus, pred)
    assert str(pred / "b1.json") in str(info.value)


@pytest.mark.parametrize(("change", "key", "words"), [
    (lambda d: d["fields"]["gender"].__setitem__("confidence", 1.5), "fields.gender.confidence",
     "outside [0, 1]"),
    (lambda d: d["fields"]["gender"].__setitem__("state", "guessed"), "fields.gender.state",
     "guessed"),
    (lambda d: d["fields"]["gender"].pop("value"), "fields.gender.value", "missing"),
    (lambda d: d.__setitem__("schema", "sohoa.record/2"), "schema", "sohoa.record/1"),
    (lambda d: d.pop("status"), "status", "missing required key"),
    (lambda d: d.__setitem__("status", "done"), "status", "Input should be"),
    (lambda d: d["persons"][0].__setitem__("match", "maybe"), "persons[0].match",
     "Input should be"),
    (lambda d: d["persons"][0].__setitem__("role", "uncle"), "persons[0].role", "uncle"),
    (lambda d: d["fields"]["gender"].__setitem__("value", ["male"]), "fields.gender.value",
     "string, a number or null"),
])
def test_malformed_prediction_names_file_and_key(
        tmp_path: Path, change: Callable[[dict[str, Any]], None], key: str, words: str) -> None:
    corpus, pred = standard_corpus(tmp_path)
    path = _break(pred, "b1", change)
    with pytest.raises(CorpusError) as info:
        evaluate_folders(corpus, pred)
    message = str(info.value)
    assert str(path) in message
    assert f"'{key}'" in message
    assert words in message


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    corpus, pred = standard_corpus(tmp_path)
    _break(pred, "b1", lambda d: d["fields"]["gender"].__setitem__("confidence", 1.5))
    _break(pred, "l1", lambda d: d["fields"].__setitem__("wife_name", field("A", state="maybe")))
    with pytest.raises(CorpusError) as info:
        evaluate_folders(corpus, pred)
    message = str(info.value)
    assert "2 problems in 2 file(s)" in message
    assert "b1.json: key 'fields.gender.confidence'" in message
    assert "l1.json: key 'fields.wife_name.state'" in message


def test_missing_and_extra_predictions_are_reported_not_errors(tmp_path: Path) -> None:
    corpus, pred = standard_corpus(tmp_path)
    write_json(pred / "stray.json", record("stray", "unknown", "rejected", {}))
    write_json(pred / "eval.json", {"schema": "sohoa.eval/1"})  # our own report: ignored
    scores = evaluate_folders(corpus, pred)
    assert scores.missing == ("m1",)
    assert scores.extra == ("stray",)


def test_field_keys_follow_the_spec() -> None:
    assert len(FIELD_KEYS["birth_certificate"]) == 23
    assert len(FIELD_KEYS["marriage_certificate"]) == 16
    assert len(FIELD_KEYS["death_certificate"]) == 14
    assert len(FIELD_KEYS["land_certificate"]) == 21
    assert is_field_key("birth_certificate", "place_of_birth_code")
    assert is_field_key("land_certificate", "parcel_address_units_version")
    assert not is_field_key("birth_certificate", "gender_code")  # not a place
    assert not is_field_key("unknown", "full_name")
