"""Exact figures on a hand-made corpus (derivations in test_eval_fixtures.standard_corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation import Ratio, Timing, evaluate_folders, values_equal
from evaluation.scores import Scores
from test_eval_fixtures import nfd, standard_corpus


@pytest.fixture()
def scores(tmp_path: Path) -> Scores:
    corpus, pred = standard_corpus(tmp_path)
    return evaluate_folders(corpus, pred)


def test_doc_type_accuracy_counts_missing_and_wrong(scores: Scores) -> None:
    assert scores.documents == 5
    assert scores.doc_type == Ratio(3, 5)
    assert scores.doc_type_confusion["birth_certificate"] == {"birth_certificate": 1,
                                                              "unknown": 1}
    assert scores.doc_type_confusion["marriage_certificate"] == {"(missing)": 1}
    assert scores.missing == ("m1",)


def test_field_accuracy_overall_per_doc_type_per_field(scores: Scores) -> None:
    assert scores.field_overall == Ratio(6, 13)
    assert scores.field_per_doc_type == {
        "birth_certificate": Ratio(3, 6), "death_certificate": Ratio(1, 2),
        "land_certificate": Ratio(2, 3), "marriage_certificate": Ratio(0, 2)}
    birth = scores.field_per_key["birth_certificate"]
    assert birth["full_name"] == Ratio(1, 2)  # b1 right (NFD, spaces), u1 missing
    assert birth["mother_birth_year"] == Ratio(1, 1)  # "1965.0" == 1965
    assert birth["hometown"] == Ratio(1, 1)  # null == null
    assert birth["personal_id"] == Ratio(0, 1)  # int 1190012345 != "001190012345"
    land = scores.field_per_key["land_certificate"]
    assert land == {"area_m2": Ratio(1, 1), "certificate_serial": Ratio(1, 1),
                    "holder_1_name": Ratio(0, 1)}
    assert "parcel_address_code" not in land  # predicted, but no truth: not scored


def test_straight_through_auto_accept_error_review_load(scores: Scores) -> None:
    assert scores.straight_through == Ratio(1, 5)  # only l1
    assert scores.auto_accept_error == Ratio(1, 5)  # b1 gender, among 5 auto fields with truth
    # 2 flagged among the 9 predicted fields that are records.md keys of their form
    # (parcel_address_code is a derived key: not counted)
    assert scores.review_load == Ratio(2, 9)


def test_linkage_precision_recall(scores: Scores) -> None:
    assert scores.linkage_precision == Ratio(2, 3)  # father linked though truth has no id
    assert scores.linkage_recall == Ratio(2, 4)  # mother (candidate) and m1 wife missed
    assert scores.link_candidates == 1


def test_pages_per_minute_from_summary_or_given(tmp_path: Path, scores: Scores) -> None:
    assert scores.timing is not None and scores.timing.pages_per_minute == pytest.approx(12.0)
    corpus, pred = standard_corpus(tmp_path / "again")
    given = evaluate_folders(corpus, pred, Timing(pages=10, seconds=120, source="given"))
    assert given.timing is not None and given.timing.pages_per_minute == pytest.approx(5.0)
    (pred / "summary.json").unlink()
    assert evaluate_folders(corpus, pred).timing is None


def test_reliability_bins_and_calibration_property(scores: Scores) -> None:
    counts = [b.count for b in scores.bins]
    assert counts == [0, 0, 0, 0, 1, 1, 1, 0, 1, 5]
    top = scores.bins[9]
    assert top.mean_confidence == pytest.approx(0.96)
    assert top.accuracy == pytest.approx(0.8)
    by_c = {c.threshold: c for c in scores.thresholds}
    assert (by_c[0.8].count, by_c[0.8].wrong, by_c[0.8].ok) == (5, 1, True)  # 20 % ≤ 20 %
    assert (by_c[0.95].count, by_c[0.95].wrong, by_c[0.95].ok) == (4, 1, False)
    assert by_c[0.99].ok is True
    assert scores.failed_thresholds == [0.9, 0.95]


def test_worst_fields_and_wrong_samples(scores: Scores) -> None:
    worst = scores.worst_fields(3)
    assert all(r.rate == 0.0 for _, _, r in worst)
    samples = scores.wrong_samples()
    assert samples["birth_certificate.gender"] == [
        {"doc": "b1", "truth": "female", "predicted": "male", "present": True,
         "confidence": 0.97, "state": "auto"}]
    assert samples["marriage_certificate.wife_name"][0]["present"] is False


@pytest.mark.parametrize(("truth", "predicted", "equal"), [
    (108, "108.0", True),
    (108.5, "108.50", True),
    ("108", 108.0, True),
    (1965, 1965.0, True),
    (108, "108,0", False),  # a decimal comma is not normalised
    ("001190012345", 1190012345, False),  # identifiers keep leading zeros
    ("Nguyễn Văn A", nfd("Nguyễn Văn A"), True),
    ("Nguyễn Văn A", " Nguyễn \n Văn  A ", True),
    ("Nguyễn Văn A", "NGUYỄN VĂN A", False),  # case is part of the normalised value
    ("Nguyễn Văn A", "Nguyen Van A", False),  # so are diacritics
    (None, None, True),
    (None, "", False),
    ("x", None, False),
])
def test_values_equal(truth: object, predicted: object, equal: bool) -> None:
    assert values_equal(truth, predicted) is equal
