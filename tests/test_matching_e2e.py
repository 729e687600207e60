"""End to end: committed sample scans processed with the sample registry; persons checked
against the truth files, links stored in the index, and a later batch without --registry
linking against the registry already loaded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.batch import run_batch
from pipeline.config import Settings
from pipeline.index import Index
from pipeline.models import Record

CORPUS = Path(__file__).resolve().parents[1] / "samples" / "corpus"
DOCS = ("birth_0001.pdf", "marriage_0001.pdf")


def _truth(stem: str) -> dict[str, str | None]:
    data = json.loads((CORPUS / f"{stem}.truth.json").read_text(encoding="utf-8"))
    return {p["role"]: p["citizen_id"] for p in data["persons"]}


@pytest.mark.slow
def test_sample_documents_link_their_persons(settings: Settings, tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    for name in DOCS:
        shutil.copy(CORPUS / name, inbox / name)
    out = tmp_path / "out"
    run_batch(str(inbox), out, settings, registry=CORPUS / "registry.csv")
    linked = 0
    for name in DOCS:
        stem = Path(name).stem
        record = Record.from_json((out / f"{stem}.json").read_text(encoding="utf-8"))
        truth = _truth(stem)
        for person in record.persons:
            if person.match.value == "linked":
                assert person.citizen_id == truth.get(person.role), (stem, person.role)
                linked += 1
                assert person.candidates[0].model_extra["explanation"]  # shown to reviewers
            elif person.match.value == "candidate":
                assert record.status.value == "needs_review"
        assert {p.role for p in record.persons} >= set(truth)
    assert linked >= 3
    index = Index(settings.effective_database_url)
    wife = _truth("marriage_0001")["wife"]
    assert wife is not None
    assert [h.role for h in index.records_for_citizen(wife)] == ["wife"]

    # no --registry: the registry already in the index is used
    out2 = tmp_path / "out2"
    run_batch(str(inbox), out2, settings, reprocess=True)
    again = Record.from_json((out2 / "marriage_0001.json").read_text(encoding="utf-8"))
    assert [p.citizen_id for p in again.persons if p.role == "wife"] == [wife]
