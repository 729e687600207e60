"""`sohoa calibrate`: from reviewer decisions (a real `review_decisions` table on
PostgreSQL and SQLite) and from a corpus (slow: real OCR of a small generated corpus)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from extractors.calibrate_cli import DEFAULT_MODEL, calibrate_command
from extractors.confidence import FieldEvidence
from extractors.review_calibration import Remap, decision_family, load_decisions

REVIEW_TABLE = """create table review_decisions (
    id integer primary key, record_id text not null, doc_type text not null,
    field_key text not null, confidence double precision, state_before text,
    action text not null, value_before text, value_after text, reviewer text,
    decided_at timestamp)"""


def _app():
    import typer

    app = typer.Typer()
    app.command()(calibrate_command)
    return app


def _insert_decisions(url: str, rows: list[tuple]) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(REVIEW_TABLE))
        conn.execute(text(
            "insert into review_decisions (id, record_id, doc_type, field_key, confidence, "
            "state_before, action, value_before, value_after, reviewer, decided_at) values "
            "(:id, :rid, :dt, :key, :conf, 'flagged', :action, :before, :after, 'lan', "
            "'2026-11-23 03:00:00')"),
            [{"id": i, "rid": f"r{i}", "dt": dt, "key": key, "conf": conf, "action": action,
              "before": before, "after": before if action == "confirmed" else "Sửa"}
             for i, (dt, key, conf, action, before) in enumerate(rows, 1)])
    engine.dispose()


def _overconfident_names(n: int = 60) -> list[tuple]:
    """Names shown at 0.8-0.95 confidence of which reviewers corrected half: the model
    promised more than it kept, so the re-mapping must lower name confidences."""
    rows = []
    for i in range(n):
        conf = 0.8 + 0.15 * (i // 2 % 10) / 10
        action = "corrected" if i % 2 else "confirmed"
        rows.append(("birth_certificate", "full_name", conf, action, "Nguyễn Văn An"))
    rows.append(("birth_certificate", "no_such_key", 0.5, "confirmed", "x"))
    rows.append(("birth_certificate", "full_name", 0.5, "rejected_record", "x"))
    return rows


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    out = tmp_path / "model" / "confidence_model.json"
    out.parent.mkdir()
    shutil.copy(DEFAULT_MODEL, out)
    return out


def _check_recalibrated(model_path: Path, before: dict, url_fragment: str) -> None:
    model = json.loads(model_path.read_text("utf-8"))
    prov = model["provenance"]
    assert prov["source"] == "reviews" and url_fragment in prov["database"]
    assert prov["decisions"] == 61  # the unknown action is not a decision on the value
    assert prov["counts"]["name"] == {"decisions": 60, "confirmed": 30, "updated": True}
    remap = Remap(**model["families"]["name"]["remap"])
    assert remap(0.9) < 0.75  # half of them were wrong
    assert model["families"]["place"] == before["families"]["place"]  # no decisions: as was
    assert Path(prov["history_copy"]).exists()
    assert json.loads(Path(prov["history_copy"]).read_text("utf-8")) == model


@pytest.mark.postgres
def test_from_reviews_on_postgresql(postgres_url: str, model_copy: Path) -> None:
    _insert_decisions(postgres_url, _overconfident_names())
    before = json.loads(model_copy.read_text("utf-8"))
    result = CliRunner().invoke(_app(), ["--from-reviews", "--database-url", postgres_url,
                                         "--out", str(model_copy)])
    assert result.exit_code == 0, result.output
    assert "reviews calibration written" in result.output
    _check_recalibrated(model_copy, before, "127.0.0.1")


def test_from_reviews_on_sqlite_replaces_the_earlier_remap(tmp_path: Path,
                                                            model_copy: Path) -> None:
    url = f"sqlite:///{tmp_path / 'index.db'}"
    _insert_decisions(url, _overconfident_names())
    before = json.loads(model_copy.read_text("utf-8"))
    args = ["--from-reviews", "--database-url", url, "--out", str(model_copy)]
    assert CliRunner().invoke(_app(), args).exit_code == 0
    _check_recalibrated(model_copy, before, "index.db")
    first = json.loads(model_copy.read_text("utf-8"))
    assert first["provenance"]["base"] == before.get("provenance")
    # The same decisions again: the re-mapping is fitted to the shown confidences afresh,
    # never stacked on the previous one.
    assert CliRunner().invoke(_app(), args).exit_code == 0
    second = json.loads(model_copy.read_text("utf-8"))
    assert second["families"]["name"]["remap"] == first["families"]["name"]["remap"]


def test_a_remap_never_reverses_the_order_of_confidences() -> None:
    from extractors.review_calibration import ReviewDecision, fit_remap

    # Higher confidences were corrected more often: a free fit would slope downwards.
    decisions = [ReviewDecision(doc_type="birth_certificate", field_key="full_name",
                                confidence=c, action=a, value_before="x")
                 for c, a in [(0.6, "confirmed")] * 20 + [(0.95, "corrected")] * 12
                 + [(0.95, "confirmed")] * 8]
    remap = fit_remap(decisions)
    assert remap.a > 0 and remap(0.95) >= remap(0.6)
    shown = sum(d.confidence for d in decisions) / len(decisions)
    assert remap(shown) < shown  # 28 of 40 right, shown at 0.78 on average: lowered


def test_remap_is_applied_by_the_confidence_model(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractors import confidence

    ev = FieldEvidence(ocr_min=0.9, ocr_mean=0.95, n_tokens=3, label_score=100, parsed=True,
                       clean=True, key="full_name", family="name")
    plain = confidence.calibrated_confidence(ev)
    model = json.loads(json.dumps(confidence.load_model()))
    model["name"]["remap"] = {"a": 1.0, "b": -2.0}
    monkeypatch.setattr(confidence, "load_model", lambda: model)
    lowered = confidence.calibrated_confidence(ev)
    assert lowered < plain
    assert abs(lowered - Remap(1.0, -2.0)(plain)) < 2e-3


def test_decision_family_follows_the_forms_normalisers() -> None:
    from extractors.review_calibration import ReviewDecision

    def fam(doc_type: str, key: str, before: str | None = "x") -> str | None:
        return decision_family(ReviewDecision(doc_type=doc_type, field_key=key,
                                              confidence=0.5, action="confirmed",
                                              value_before=before))

    assert fam("birth_certificate", "full_name") == "name"
    assert fam("land_certificate", "holder_2_address") == "place"
    assert fam("marriage_certificate", "wife_id_number") == "id_number"
    assert fam("death_certificate", "personal_id", None) == "blank"
    assert fam("letter", "full_name") is None


def test_errors_name_the_fix(tmp_path: Path, model_copy: Path) -> None:
    runner = CliRunner()
    neither = runner.invoke(_app(), ["--out", str(model_copy)])
    assert neither.exit_code != 0 and "--from-reviews" in neither.output
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    no_table = runner.invoke(_app(), ["--from-reviews", "--database-url", url,
                                      "--out", str(model_copy)])
    assert no_table.exit_code != 0 and "review_decisions" in no_table.output
    with pytest.raises(Exception, match="review_decisions"):
        load_decisions(url)


@pytest.mark.slow
def test_from_a_corpus(tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A small generated corpus, read by real OCR: every family fitted has its counts."""
    from samples.cli import generate_app

    corpus = tmp_path / "corpus"
    gen = CliRunner().invoke(generate_app, ["corpus", str(corpus), "--n", "4", "--profile",
                                            "clean", "--seed", "5", "--workers", "1"])
    assert gen.exit_code == 0, gen.output
    monkeypatch.setenv("SOHOA_DATA_DIR", str(settings.data_dir))
    out = tmp_path / "model.json"
    result = CliRunner().invoke(_app(), [str(corpus), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    model = json.loads(out.read_text("utf-8"))
    prov = model["provenance"]
    assert prov["source"] == "corpus" and prov["counts"]["documents"] == 4
    assert prov["counts"]["fields"] == prov["counts"]["held"] + sum(
        f["fit"]["n"] for f in model["families"].values())
    assert (corpus / ".ocr-cache").is_dir()  # nothing stored in the data folder: OCR'd once


def test_small_families_share_one_pooled_model() -> None:
    import numpy as np

    from extractors.calibrate import fit
    from extractors.confidence import POOLED_FAMILY, pooled_feature

    rng = np.random.default_rng(0)

    def rows(family: str, n: int) -> list[dict]:
        out = []
        for _ in range(n):
            ocr = float(rng.uniform(0.3, 1.0))
            out.append({"family": family, "x": {"bias": 1.0, "ocr_min": ocr},
                        "correct": bool(rng.uniform() < ocr)})
        return out

    families = fit(rows("place", 150) + rows("area", 20) + rows("land_term", 15), 0.004)
    assert set(families) == {"place", POOLED_FAMILY}
    assert pooled_feature("area") in families[POOLED_FAMILY]["weights"]
    assert families[POOLED_FAMILY]["fit"]["n"] == 35


def test_a_family_read_right_every_time_joins_the_pooled_model() -> None:
    """A large family without wrong examples (every vocabulary value right) gives its own
    logistic model nothing to separate: it would map garbled values to the top too."""
    from extractors.calibrate import fit
    from extractors.confidence import POOLED_FAMILY, pooled_feature

    always = [{"family": "vocab", "x": {"bias": 1.0, "debris": float(i % 7 == 0)},
               "correct": True} for i in range(300)]
    mixed = [{"family": "place", "x": {"bias": 1.0, "debris": float(i % 3 == 0)},
              "correct": i % 3 != 0 or i % 2 == 0} for i in range(300)]
    families = fit(always + mixed, 0.004)
    assert set(families) == {"place", POOLED_FAMILY}
    assert pooled_feature("vocab") in families[POOLED_FAMILY]["weights"]


def test_a_bar_needs_more_than_a_lucky_sample() -> None:
    """All 20 examples right above 0.9: the wrong ones the model expects (sum of 1 - p)
    still count, so the bar is not set at 0.9 on their say-so."""
    import numpy as np

    from extractors.calibrate import pick_threshold

    p = np.linspace(0.90, 0.999, 20)
    y = np.ones(20)
    assert pick_threshold(p, y, 0.004) > 0.97  # seen alone would allow 0.90
    assert pick_threshold(np.full(2000, 0.999), np.ones(2000), 0.004) == pytest.approx(0.999)


def test_a_familys_own_bar_allows_for_chance_in_a_few_wrong_fields() -> None:
    import numpy as np

    from extractors.calibrate import pick_threshold

    # 150 fields, one wrong at the top: by itself it holds the bar above everything
    p = np.linspace(0.95, 0.99, 150)
    y = np.ones(150)
    y[-1] = 0
    assert pick_threshold(p, y, 0.004, expected_weight=0.0) == 1.0
    assert pick_threshold(p, y, 0.004, expected_weight=0.0, slack=2) == pytest.approx(0.95)
    y[-3:] = 0  # three wrong at the top: more than chance, the bar stays up there
    assert pick_threshold(p, y, 0.004, expected_weight=0.0, slack=2) > 0.985


def test_cross_validation_scores_each_document_on_a_fit_that_never_saw_it() -> None:
    """evaluation.calibration_cv: every field is scored once, on bars fitted without its
    document; a looser target accepts at least as many fields; office and poor corpora are
    counted apart."""
    import numpy as np

    from evaluation.calibration_cv import cross_validate

    rng = np.random.default_rng(1)
    rows = []
    for d in range(120):
        kind = "office" if d % 3 else "poor"
        for _ in range(12):
            ocr = float(rng.uniform(0.5, 1.0)) if kind == "office" else float(rng.uniform(0.2, 1.0))
            rows.append({"family": "place", "x": {"bias": 1.0, "ocr_min": ocr},
                         "correct": bool(rng.uniform() < ocr ** 0.3), "doc": f"{kind}/{d}",
                         "kind": kind})
    strict, loose = cross_validate(rows, 0.002), cross_validate(rows, 0.05)
    assert set(strict) == {"office", "poor"}
    assert strict["office"]["fields"] == 80 * 12 and strict["poor"]["documents"] == 40
    for kind in strict:
        assert strict[kind]["accepted"] <= loose[kind]["accepted"] <= strict[kind]["fields"]
        assert strict[kind]["accepted_wrong"] <= strict[kind]["accepted"]
        assert loose[kind]["documents_all_accepted"] <= loose[kind]["documents"]
    assert loose["office"]["accepted"] > strict["office"]["accepted"]


def test_fields_a_rule_holds_back_do_not_set_the_bar() -> None:
    """Wrong fields that a rule never lets through (a name short of its given name, a
    repaired figure) are no part of the accepted fields' error: the same wrong fields, held,
    leave the family's bar where its acceptable fields put it; and cross-validation does not
    count a held field as accepted."""
    from evaluation.calibration_cv import accepted
    from extractors.calibrate import fit

    def rows(held: bool) -> list[dict]:
        out = [{"family": "name", "x": {"bias": 1.0, "good": 1.0}, "correct": True,
                "held": False} for _ in range(2000)]
        out += [{"family": "name", "x": {"bias": 1.0, "good": 1.0}, "correct": False,
                 "held": held} for _ in range(20)]
        out += [{"family": "name", "x": {"bias": 1.0}, "correct": i % 2 == 0,
                 "held": False} for i in range(100)]
        return out

    free, held = fit(rows(False), 0.005), fit(rows(True), 0.005)
    assert free["name"]["threshold"] == 1.0  # 20 wrong among the best: nothing passes
    assert held["name"]["threshold"] < 1.0 and held["name"]["fit"]["accepted"] >= 2000
    assert held["name"]["fit"]["accepted_wrong"] == 0
    row = {"family": "name", "x": {"bias": 1.0, "good": 1.0}, "held": True}
    assert not accepted(held, row) and accepted(held, {**row, "held": False})


def test_a_familys_own_record_is_judged_by_what_chance_gives_at_the_target() -> None:
    """Two wrong among 300 accepted is chance at 0.5% (44%); two among 35 is not (1.3%)."""
    import numpy as np

    from extractors.calibrate import binomial_tail, pick_threshold

    assert binomial_tail(0, 10, 0.005) == 1.0
    assert binomial_tail(2, 35, 0.005) == pytest.approx(0.0133, abs=1e-4)
    assert binomial_tail(2, 300, 0.005) == pytest.approx(0.4426, abs=1e-4)
    for n, bar_low in ((300, True), (35, False)):
        p = np.linspace(0.95, 0.99, n)
        y = np.ones(n)
        y[-2:] = 0  # two wrong at the top
        bar = pick_threshold(p, y, 0.005, expected_weight=0.0, chance=0.05)
        assert (bar == pytest.approx(0.95)) is bar_low


def test_fields_the_registry_decides_are_known_with_their_outcome(tmp_path: Path) -> None:
    """The calibration reads a corpus's documents as the pipeline ends them: a linked
    citizen's name read as registered, or with a mark misread into no name word, is
    accepted by the registry; a date of birth a digit off is overruled by its suggestion;
    none of them is the model's to decide."""
    from extractors.calibrate import corpus_linker, registry_decided
    from pipeline.models import DocType, FieldState, FieldValue

    corpus = Path(__file__).resolve().parents[1] / "samples" / "corpus"
    truth = json.loads((corpus / "birth_0001.truth.json").read_text("utf-8"))
    linker = corpus_linker(corpus, tmp_path)
    assert linker is not None and corpus_linker(tmp_path, tmp_path) is None

    def fields() -> dict[str, FieldValue]:
        return {k: FieldValue(value=v, raw=str(v), confidence=0.5, state=FieldState.flagged,
                              issues=["low_confidence"]) for k, v in truth["fields"].items()}

    decided = registry_decided(DocType.birth_certificate, fields(), linker)
    assert decided["full_name"] == (True, truth["fields"]["full_name"])
    assert "place_of_birth" not in decided  # the registry says nothing of it
    changed = fields()
    changed["full_name"].value = "Nguyễn Tâm Nhị"  # registered 'Nguyễn Tâm Nhi'
    dob = str(truth["fields"]["date_of_birth"])
    changed["date_of_birth"].value = dob[:-1] + ("1" if dob[-1] != "1" else "2")
    decided = registry_decided(DocType.birth_certificate, changed, linker)
    assert decided["full_name"] == (True, "Nguyễn Tâm Nhi")  # respelled as registered
    assert decided["date_of_birth"] == (False, dob)  # suggested, left to a person


def test_evidence_of_known_direction_never_takes_the_other_sign() -> None:
    """Debris that happens to come with right values in the sample (collinear with a strong
    feature) is left out rather than fitted as a sign of being right."""
    from extractors.calibrate import SIGNS, fit_signed

    rng = np.random.default_rng(3)
    n = 600
    ocr = rng.uniform(0.3, 1.0, n)
    y = (rng.uniform(0, 1, n) < ocr).astype(float)
    debris = ((ocr > 0.8) & (rng.uniform(0, 1, n) < 0.5)).astype(float)  # rides on ocr
    X = np.column_stack([np.ones(n), ocr, debris])
    names = ["bias", "ocr_mean", "debris"]
    assert SIGNS["debris"] == -1
    free = fit_signed(X, y, ["bias", "ocr_mean", "free_debris"])
    signed = fit_signed(X, y, names)
    assert free[2] > 0  # unconstrained, the collinear debris looks like good news
    assert signed[2] == 0.0 and signed[1] > 0
