"""Web pages end to end in-process (TestClient, the pipeline's `local` engine; the browser
test runs the Prefect flow): upload → progress → queue with filters → claims that keep
reviewers apart and expire → confirm / correct (re-normalised and cross-checked at once) →
approve → verified in the index, history kept, decisions stored for calibration."""

from __future__ import annotations

import io
import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from pipeline.config import Settings
from pipeline.index import Index
from pipeline.models import Record
from pipeline.storage import keys
from samples import bundled_corpus
from service.app import create_app
from service.web.accounts import Role, create_user
from service.web.batch_runner import BatchRunner

DOC = "death_0004.pdf"  # a PDF with a real text layer: no OCR, processed in about a second
# Every field waits for a reviewer whatever the fitted model says (no confidence reaches the
# bar; the model's refits no longer decide whether this sample has anything to review)
REVIEW_ALL = 0.9995
USERS = {"staff1": Role.staff, "rev1": Role.reviewer, "rev2": Role.reviewer}
PASSWORD = "a-long-passphrase"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data = tmp_path_factory.mktemp("web-review")
    settings = Settings(data_dir=data, auto_accept_confidence=REVIEW_ALL,
                        identity_auto_accept_confidence=REVIEW_ALL)
    app = create_app(settings)
    app.state.web.runner = BatchRunner(settings, "local")
    for name, role in USERS.items():
        app.state.web.db.run(lambda c, n=name, r=role: create_user(c, n, PASSWORD, r))
    clients = {n: TestClient(app) for n in USERS}
    with clients["staff1"]:
        tokens = {n: _sign_in(c, n) for n, c in clients.items()}
        pdf = (bundled_corpus() / DOC).read_bytes()
        r = clients["staff1"].post(
            "/upload", headers={"accept": "application/json", "x-csrf-token": tokens["staff1"]},
            data={"archive_office": "UBND xã Hành Thiện", "register_book": "01", "year": "2019"},
            files=[("files", (DOC, io.BytesIO(pdf), "application/pdf")),
                   ("files", ("notes.txt", io.BytesIO(b"not a scan"), "text/plain"))])
        assert r.status_code == 201, r.text
        upload_id = r.json()["upload_id"]
        progress = _wait_done(clients["staff1"], upload_id)
        yield {"app": app, "c": clients, "csrf": tokens, "upload": upload_id,
               "progress": progress, "settings": settings}


def _sign_in(client: TestClient, user: str) -> str:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"username": user, "password": PASSWORD, "csrf_token": token})
    home = client.get("/")
    return re.search(r'name="csrf-token" content="([^"]+)"', home.text).group(1)  # type: ignore[union-attr]


def _wait_done(client: TestClient, upload_id: str, timeout: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        p = client.get(f"/uploads/{upload_id}/progress").json()
        if p["state"] in ("done", "error"):
            return p  # type: ignore[no-any-return]
        assert time.monotonic() < deadline, p
        time.sleep(0.3)


def _record_id(world: dict[str, Any]) -> str:
    return next(r["record_id"] for r in world["progress"]["records"] if r["filename"] == DOC)


def _post(world: dict[str, Any], who: str, path: str, **kw: Any) -> Any:
    return world["c"][who].post(path, headers={"x-csrf-token": world["csrf"][who]},
                                follow_redirects=False, **kw)


def test_upload_progress_counts_every_file(world: dict[str, Any]) -> None:
    p = world["progress"]
    assert p["state"] == "done" and p["files"] == 2
    assert (p["received"], p["processed"], p["needs_review"], p["rejected"]) == (2, 2, 1, 1)
    page = world["c"]["staff1"].get(f"/uploads/{world['upload']}")
    assert "UBND xã Hành Thiện" in page.text and "notes.txt" in page.text
    assert [r["filename"] for r in p["rejections"]] == ["notes.txt"]
    assert p["rejections"][0]["stage"] and p["rejections"][0]["reason"]


def test_retry_stays_inside_the_upload(world: dict[str, Any]) -> None:
    up = world["upload"]
    assert _post(world, "staff1", f"/uploads/{up}/retry",
                 data={"filename": "../../index.db"}).status_code == 404
    r = _post(world, "staff1", f"/uploads/{up}/retry", data={"filename": DOC})
    assert r.status_code == 303
    p = _wait_done(world["c"]["staff1"], up)
    assert len(p["batches"]) == 2 and p["processed"] == 2  # nothing counted twice


def test_queue_filters(world: dict[str, Any]) -> None:
    c, rid = world["c"]["rev1"], _record_id(world)
    assert rid in c.get("/review").text
    assert rid in c.get("/review?doc_type=death_certificate").text
    assert rid not in c.get("/review?doc_type=birth_certificate").text
    assert rid in c.get("/review?issue=low_confidence").text
    assert rid not in c.get("/review?issue=dob_words_mismatch").text
    batch = world["progress"]["batches"][0]
    assert rid in c.get(f"/review?batch={batch}").text
    assert rid not in c.get("/review?batch=b-none").text


def test_claims_keep_reviewers_apart_and_expire(world: dict[str, Any]) -> None:
    rid = _record_id(world)
    assert _post(world, "rev1", f"/review/{rid}/claim").status_code == 303
    assert _post(world, "rev2", f"/review/{rid}/claim").status_code == 409
    r = _post(world, "rev2", f"/review/{rid}/fields/place_of_death", json={"typed": None})
    assert r.status_code == 409  # not rev2's record
    assert "read-only" in world["c"]["rev2"].get(f"/review/{rid}").text
    db = world["app"].state.web.db
    db.run(lambda c: c.execute(text("update review_claims set expires_at = '2000-01-01' "
                                    "where record_id = :r"), {"r": rid}))
    assert _post(world, "rev2", f"/review/{rid}/claim").status_code == 303  # expired: taken
    assert _post(world, "rev1", f"/review/{rid}/claim").status_code == 409
    db.run(lambda c: c.execute(text("delete from review_claims")))


def test_review_correct_approve_history_and_decisions(world: dict[str, Any]) -> None:
    rid, app = _record_id(world), world["app"]
    c = world["c"]["rev1"]
    assert _post(world, "rev1", f"/review/{rid}/claim").status_code == 303
    page = c.get(f"/review/{rid}")
    assert page.status_code == 200 and "<svg" in page.text and "rect" in page.text
    flagged = re.findall(r'class="field flagged todo" id="f-([^"]+)"', page.text)
    assert flagged, "the sample must have flagged fields"
    img = c.get(f"/review/{rid}/page/1.webp")
    assert img.status_code == 200 and img.content[8:12] == b"WEBP"
    store = app.state.web.store
    assert any(k.startswith("derivatives/") for k in store.list("derivatives/"))

    # a correction is normalised and cross-checked at once
    r = _post(world, "rev1", f"/review/{rid}/fields/date_of_death",
              json={"typed": "3/4/2099"}).json()
    assert r["value"] == "2099-04-03" and r["state"] == "corrected"
    assert "date_in_future" in r["issues"]
    original = Record.from_json(store.get_bytes(keys.record_key(rid))).fields["date_of_death"]
    assert original.model_extra["machine_value"] != "2099-04-03"  # the machine's value kept
    machine_value = original.model_extra["machine_value"]
    r = _post(world, "rev1", f"/review/{rid}/fields/date_of_death",
              json={"typed": machine_value}).json()
    assert r["value"] == machine_value and "date_in_future" not in r["issues"]

    assert _post(world, "rev1", f"/review/{rid}/approve").status_code == 409  # still flagged
    others = [k for k in flagged if k != "date_of_death"]  # that one was corrected above
    for key in others:
        r = _post(world, "rev1", f"/review/{rid}/fields/{key}", json={"typed": None})
        assert r.status_code == 200 and r.json()["state"] == "confirmed"
    assert r.json()["flagged_left"] == 0
    r = _post(world, "rev1", f"/review/{rid}/approve")
    assert r.status_code == 303 and r.headers["location"] == f"/records/{rid}"

    rec = Record.from_json(store.get_bytes(keys.record_key(rid)))
    assert rec.status.value == "verified"
    assert {rec.fields[k].state.value for k in others} == {"confirmed"}
    assert rec.fields["date_of_death"].state.value == "corrected"
    assert rec.fields["date_of_death"].raw == original.raw  # the OCR text is never lost
    index = Index(world["settings"].effective_database_url)
    assert index.get_document(rid).status == "verified"
    index.dispose()

    hist = c.get(f"/records/{rid}").text
    assert hist.count("<td>corrected</td>") == 2 and "<td>approved</td>" in hist
    assert "2099-04-03" in hist
    rows = app.state.web.db.run(lambda conn: conn.execute(text(
        "select record_id, doc_type, field_key, confidence, state_before, action, "
        "value_before, value_after, reviewer, decided_at from review_decisions "
        "where record_id = :r order by id"), {"r": rid}).all())
    # one row per field; date_of_death went back to the machine's value: it was right
    assert sorted(r.field_key for r in rows) == sorted({"date_of_death", *flagged})
    dod = next(r for r in rows if r.field_key == "date_of_death")
    assert dod.action == "confirmed" and dod.state_before in ("flagged", "auto")
    assert json.loads(dod.value_before) == machine_value == json.loads(dod.value_after)
    assert dod.doc_type == "death_certificate" and dod.reviewer == "rev1"
    assert dod.confidence == original.confidence
    assert all(r.action == "confirmed" for r in rows)
    # approved records leave the queue; their claim is released
    assert rid not in c.get("/review").text


def test_reject_needs_a_reason(world: dict[str, Any], tmp_path: Path) -> None:
    # a second record: the same death extract under different bytes would need OCR, so
    # reuse the processed record by resetting its status through the store
    rid, app = _record_id(world), world["app"]
    store = app.state.web.store
    rec = Record.from_json(store.get_bytes(keys.record_key(rid)))
    rec.status = rec.status.__class__("needs_review")
    store.put_bytes(keys.record_key(rid), rec.to_json().encode())
    assert _post(world, "rev2", f"/review/{rid}/claim").status_code == 303
    assert _post(world, "rev2", f"/review/{rid}/reject", data={"reason": " "}).status_code == 422
    r = _post(world, "rev2", f"/review/{rid}/reject", data={"reason": "page 2 missing"})
    assert r.status_code == 303
    rec = Record.from_json(store.get_bytes(keys.record_key(rid)))
    assert rec.status.value == "rejected" and rec.rejected_reason == "page 2 missing"
    assert "page 2 missing" in world["c"]["rev2"].get(f"/records/{rid}").text
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_ambiguous_person_is_settled_before_approval(world: dict[str, Any]) -> None:
    from pipeline.document import save_record
    from pipeline.models import (
        Candidate,
        FieldState,
        MatchState,
        PersonLink,
        RecordStatus,
    )

    rid, app = _record_id(world), world["app"]
    ctx = app.state.web.pipeline
    rec = Record.from_json(ctx.store.get_bytes(keys.record_key(rid)))
    rec.status = RecordStatus.needs_review
    for f in rec.fields.values():
        if f.state == FieldState.flagged:
            f.state = FieldState.confirmed
    explanation = [{"comparison": "full_name", "level": "exact", "weight": 9.5,
                    "label": "full name exact: +9.5"},
                   {"comparison": "date_of_birth", "level": "else", "weight": -6.2,
                    "label": "date of birth differs: -6.2"}]
    rec.persons = [PersonLink(role="subject", match=MatchState.candidate, candidates=[
        Candidate(citizen_id="051190000111", score=0.61, explanation=explanation),
        Candidate(citizen_id="051190000222", score=0.58, explanation=explanation)])]
    save_record(rec, ctx)
    c = world["c"]["rev1"]
    assert rid in c.get("/review?issue=ambiguous_person").text
    assert _post(world, "rev1", f"/review/{rid}/claim").status_code == 303
    page = c.get(f"/review/{rid}").text
    assert "full name exact: +9.5" in page and "051190000222" in page
    assert _post(world, "rev1", f"/review/{rid}/approve").status_code == 409
    assert _post(world, "rev1", f"/review/{rid}/persons/subject",
                 data={"citizen_id": "999"}).status_code == 422  # not a candidate
    assert _post(world, "rev1", f"/review/{rid}/persons/subject",
                 data={"citizen_id": "051190000222"}).status_code == 303
    assert _post(world, "rev1", f"/review/{rid}/approve").status_code == 303
    index = Index(world["settings"].effective_database_url)
    hits = index.records_for_citizen("051190000222")
    index.dispose()
    assert [(h.record_id, h.match) for h in hits] == [(rid, "linked")]
    assert "person:subject" in c.get(f"/records/{rid}").text


def test_a_correction_relinks_persons_when_a_registry_is_loaded(world: dict[str, Any]) -> None:
    from matching import load_registry
    from pipeline.document import save_record
    from pipeline.models import RecordStatus

    rid, app = _record_id(world), world["app"]
    web = app.state.web
    assert web.linker() is None  # no registry yet: persons are left alone
    load_registry(bundled_corpus() / "registry.csv", web.pipeline.index.engine)
    web._linker = None  # as after the cache's lifetime
    assert web.linker() is not None
    rec = Record.from_json(web.store.get_bytes(keys.record_key(rid)))
    rec.status, rec.persons = RecordStatus.needs_review, []
    save_record(rec, web.pipeline)
    assert _post(world, "rev1", f"/review/{rid}/claim").status_code == 303
    truth = json.loads((bundled_corpus() / DOC.replace(".pdf", ".truth.json")).read_text())
    r = _post(world, "rev1", f"/review/{rid}/fields/full_name",
              json={"typed": truth["fields"]["full_name"].upper()}).json()
    assert r["value"] == truth["fields"]["full_name"]
    assert [p["role"] for p in r["linked"]] == ["subject"]
    subject = r["linked"][0]
    assert subject["candidates"] and subject["candidates"][0].get("explanation")
    stored = Record.from_json(web.store.get_bytes(keys.record_key(rid)))
    assert [p.role for p in stored.persons] == ["subject"]
