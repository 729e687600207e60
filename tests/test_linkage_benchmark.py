"""The linkage benchmark (benchmarks/linkage.py): its scores follow records.md on hand-checked
cases, Splink's predictions are read at a threshold as documented, a document's persons become
the right Splink rows, and (slow) the quick run goes end to end with a well-formed report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from linkage import best_threshold, main, splink_outcomes
from linkage_data import TruthDocument, from_corpus, truth_record
from linkage_metrics import PersonOutcome, by_role, score, table
from linkage_splink import person_rows


def _o(truth: str | None, match: str, linked: str | None = None, cands: tuple = (),
       blocked: bool | None = None) -> PersonOutcome:
    return PersonOutcome("doc", "subject", truth, match, linked, None, list(cands), blocked)


def test_scores_follow_records_md_on_a_hand_checked_case() -> None:
    outcomes = [
        _o("A", "linked", "A", blocked=True),          # right link
        _o("B", "linked", "Z", blocked=True),          # wrong citizen
        _o(None, "linked", "Q"),                       # absent person linked: a wrong link
        _o("D", "candidate", cands=("X", "D"), blocked=True),
        _o("E", "none", blocked=False),                # missed, not even blocked
        _o(None, "none"),                              # absent person, rightly none
    ]
    s = score(outcomes)
    assert (s["persons"], s["persons_in_registry"], s["linked"]) == (6, 4, 3)
    assert (s["linked_correct"], s["linked_wrong"], s["linked_absent_person"]) == (1, 2, 1)
    assert s["precision"] == pytest.approx(1 / 3)
    assert s["recall"] == pytest.approx(1 / 4)  # in-registry persons A, B, D, E
    assert s["f1"] == pytest.approx(2 / 7)
    assert (s["share_candidate"], s["share_none"]) == (pytest.approx(1 / 6), pytest.approx(2 / 6))
    assert s["candidate_has_truth"] == 1.0
    assert s["blocking_recall"] == pytest.approx(3 / 4)
    assert "33.33%" in table({"x": s})


def test_nothing_linked_leaves_precision_undefined() -> None:
    s = score([_o("A", "none"), _o("B", "candidate", cands=("C",))])
    assert s["precision"] is None and s["f1"] is None and s["recall"] == 0.0
    assert s["candidate_has_truth"] == 0.0 and s["blocking_recall"] is None


def test_splink_predictions_are_read_at_the_threshold() -> None:
    people = [
        {"doc_id": "d", "role": "subject", "truth_id": "A", "blocked_truth": True,
         "best": [("A", 0.999), ("B", 0.4)]},
        {"doc_id": "d", "role": "mother", "truth_id": "C", "blocked_truth": True,
         "best": [("X", 0.97), ("C", 0.6)]},
        {"doc_id": "d", "role": "father", "truth_id": "F", "blocked_truth": True,
         "best": [("F", 0.8)]},
        {"doc_id": "e", "role": "subject", "truth_id": None, "blocked_truth": False, "best": []},
    ]
    at_99 = splink_outcomes(people, 0.99)
    assert [o.match for o in at_99] == ["linked", "candidate", "candidate", "none"]
    assert at_99[1].candidate_ids == ["X", "C"]
    assert score(at_99)["precision"] == 1.0 and score(at_99)["recall"] == pytest.approx(1 / 3)
    # at 0.8 the mother links to the wrong X: F1 2/3 (P 2/3, R 2/3) beats F1 1/2 at 0.999
    assert best_threshold(people) == 0.8
    assert score(splink_outcomes(people, 0.8))["f1"] == pytest.approx(2 / 3)


def test_document_persons_become_splink_rows_by_role() -> None:
    birth = TruthDocument("birth_0001", "birth_certificate", {
        "full_name": "Lê Văn An", "date_of_birth": "2001-02-03", "gender": "male",
        "personal_id": None, "place_of_birth": "Xã A", "hometown": "Xã B",
        "mother_name": "Trần Thị Bình", "mother_birth_year": 1975, "mother_residence": "Thôn 1",
        "father_name": None, "father_birth_year": None, "father_residence": None},
        [{"role": "subject", "citizen_id": "001201000001"},
         {"role": "mother", "citizen_id": None}])
    marriage = TruthDocument("marriage_0001", "marriage_certificate", {
        "wife_name": "Trần Thị Bình", "wife_date_of_birth": "1975-05-06",
        "wife_residence": "Thôn 1", "wife_id_number": "123456789",
        "husband_name": "Lê Văn Cường", "husband_date_of_birth": "1970-01-01",
        "husband_residence": "Thôn 1", "husband_id_number": "001070000002"},
        [{"role": "wife", "citizen_id": "001175000003"},
         {"role": "husband", "citizen_id": "001070000002"}])
    rows, keys = person_rows([birth, marriage])
    assert keys[1] == ("birth_0001", "mother", None)
    subject, mother, wife, husband = rows
    assert subject["mother_name"] == "Trần Thị Bình" and subject["dob"] == "2001-02-03"
    assert (mother["full_name"], mother["birth_year"], mother["gender"], mother["dob"]) == \
        ("Trần Thị Bình", "1975", "female", None)
    assert mother["residence"] == "Thôn 1" and mother["mother_name"] is None
    assert (wife["cmnd"], wife["id_number"]) == ("123456789", None)  # 9 digits: an old CMND
    assert (husband["id_number"], husband["cmnd"]) == ("001070000002", None)
    assert len({r["unique_id"] for r in rows}) == 4


def _check_report(report: dict, path: Path, linkers: set[str]) -> None:
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(json.dumps(report))
    assert set(report["results"]) == set(report["by_role"]) == linkers
    for result in report["results"].values():
        assert result["persons"] == report["data"]["persons"] >= 100
        assert result["precision"] == pytest.approx(result["linked_correct"] / result["linked"])
        assert result["recall"] == pytest.approx(result["linked_correct"] /
                                                 result["persons_in_registry"])
        shares = result["share_linked"] + result["share_candidate"] + result["share_none"]
        assert shares == pytest.approx(1.0)
    ours = report["results"]["ours"]
    assert ours["persons_per_second"] > 0 and ours["peak_rss_mb"] > 0
    assert ours["load_report"]["inserted"] > 19_000  # a 20k registry less ~2% absent
    assert 0 < ours["blocking_recall"] <= 1
    wanted = {f"{linker}.{target}" for linker in ("ours", "ours_joint")
              for target in ("precision", "recall", "persons_per_second", "peak_rss_mb")}
    assert wanted <= set(report["targets"])
    assert set(report["failures"]["ours"]) == {"wrong_links", "missed"}


@pytest.mark.slow
def test_quick_run_end_to_end(tmp_path: Path) -> None:
    pytest.importorskip("splink", reason="the bench extra: pip install -e '.[bench]'")
    out = tmp_path / "linkage.json"
    report = main(["--quick", "--work", str(tmp_path / "work"), "--json", str(out)])
    _check_report(report, out, {"ours", "ours_joint", "splink", "splink_best"})
    splink = report["results"]["splink"]
    assert splink["pairs_scored"] > 0 and splink["train_seconds"] > 0
    assert "ours_joint.f1_vs_splink" in report["targets"]


@pytest.mark.slow
@pytest.mark.postgres
def test_quick_run_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    out = tmp_path / "linkage.json"
    report = main(["--quick", "--no-splink", "--work", str(tmp_path / "work"),
                   "--db-url", postgres_url, "--json", str(out)])
    _check_report(report, out, {"ours", "ours_joint"})


def test_corpus_persons_take_fields_from_the_pipeline_records_when_given(tmp_path: Path) -> None:
    corpus, records = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    records.mkdir()
    (corpus / "registry.csv").write_text("citizen_id,full_name\n001190012345,Lê An\n",
                                         encoding="utf-8")
    birth = {"doc_type": "birth_certificate",
             "fields": {"full_name": "Lê An", "mother_name": "Hà Thị Mai", "father_name": None},
             "persons": [{"role": "subject", "citizen_id": "001190012345"},
                         {"role": "mother", "citizen_id": None}]}
    for stem, truth in (("birth_0001", birth), ("birth_0002", birth),
                        ("unknown_0001", {"doc_type": "unknown", "fields": {}, "persons": []})):
        (corpus / f"{stem}.truth.json").write_text(json.dumps(truth), encoding="utf-8")
    as_read = truth_record(from_corpus(corpus, None, None).documents[0]).model_dump(
        mode="json", by_alias=True)
    as_read["fields"]["full_name"].update(value="Lê Ân", confidence=0.6)  # an OCR slip
    as_read["fields"]["father_name"].update(value="2222 Na", confidence=0.2)  # read from a blank
    (records / "birth_0001.json").write_text(json.dumps(as_read), encoding="utf-8")

    from_truth = from_corpus(corpus, None, None)
    assert [d.doc_id for d in from_truth.documents] == ["birth_0001", "birth_0002"]
    assert from_truth.n_persons == 4
    from_records = from_corpus(corpus, records, None)
    assert [d.doc_id for d in from_records.documents] == ["birth_0001"]  # no record: skipped
    assert from_records.documents[0].persons[2] == {"role": "father", "citizen_id": None}
    record = truth_record(from_records.documents[0])
    assert record.fields["full_name"].value == "Lê Ân"
    rows, keys = person_rows(from_records.documents)
    assert rows[0]["full_name"] == "Lê Ân" and rows[2]["full_name"] == "2222 Na"
    assert keys[2] == ("birth_0001", "father", None)  # linking it would be a wrong link
    assert truth_record(from_truth.documents[0]).fields["full_name"].value == "Lê An"


def test_figures_per_role_split_the_same_outcomes() -> None:
    outcomes = [_o("A", "linked", "A"), _o("B", "none"),
                PersonOutcome("doc", "mother", "C", "candidate", None, None, ["C"], True)]
    roles = by_role(outcomes)
    assert set(roles) == {"subject", "mother"}
    assert roles["subject"]["recall"] == 0.5 and roles["subject"]["persons"] == 2
    assert roles["mother"]["share_candidate"] == 1.0 and roles["mother"]["precision"] is None


def test_cpu_run_links_against_a_built_index_and_compares_outputs(tmp_path: Path) -> None:
    """benchmarks/linkage_cpu.py: the sample corpus's persons against its registry, twice;
    the second run finds its outputs identical to the first's."""
    from dataclasses import asdict

    import linkage_cpu
    from sqlalchemy import create_engine

    from matching import load_registry

    corpus = Path(__file__).resolve().parents[1] / "samples" / "corpus"
    data = from_corpus(corpus, None, None)
    docs = tmp_path / "documents.json"
    docs.write_text(json.dumps([asdict(d) for d in data.documents], ensure_ascii=False),
                    encoding="utf-8")
    db = f"sqlite:///{tmp_path}/index.db"
    load_registry(data.registry_csv, create_engine(db))
    first = linkage_cpu.main(["--db", db, "--documents", str(docs),
                              "--out", str(tmp_path / "a.json")])
    assert first["persons"] == data.n_persons and first["link_many"]["cpu_ms_per_person"] > 0
    linked = [r for r in first["outputs"]["link_many"] if r["match"] == "linked"]
    assert linked and all(r["candidates"][0]["explanation"] for r in linked)
    again = linkage_cpu.main(["--db", db, "--documents", str(docs),
                              "--compare", str(tmp_path / "a.json")])
    assert again["outputs"] == first["outputs"]
