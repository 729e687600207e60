"""The /v1 API over real HTTP (TestClient) on SQLite and PostgreSQL: lookups, provenance,
pagination, search, the problem+json error shape for 400/401/403/404/409/422/429 (and a
bare 500), and the published OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pipeline.config import Settings
from service.app import create_app
from service.auth import create_client, revoke_client, rotate_client
from service.db import ServiceDB
from service.openapi import OPENAPI_PATH, openapi_text
from service_env import BACKENDS, Env, module_env
from service_world import A, B, build_world

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "request_id"}


@pytest.fixture(params=BACKENDS, scope="module")
def env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[Env]:
    yield from module_env(request, tmp_path_factory.mktemp("service"))


def assert_problem(r, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert set(body) == PROBLEM_KEYS and body["status"] == status
    assert "Traceback" not in r.text and 'File "' not in r.text
    return body


def test_citizen_records_with_provenance_and_pages(env: Env) -> None:
    who = "purpose:civil-status-extract"
    r = env.get(f"/v1/citizens/{A}/records", who, headers={"X-Request-Id": "req-1"})
    assert r.status_code == 200 and r.headers["x-request-id"] == "req-1"
    items = r.json()["items"]
    names = {rec.record_id: n for n, rec in env.world.records.items()}
    assert sorted(names[i["record_id"]] for i in items) == ["birth_a", "birth_child",
                                                             "marriage_ab"]
    for i in items:
        prov = i["provenance"]
        assert set(prov) >= {"source_sha256", "pages", "dpi", "review_state", "reviewed_at"}
        assert all(f["page"] == 1 and len(f["bbox"]) == 4 for f in i["fields"].values())
    seen, cursor = [], None
    while True:
        r = env.get(f"/v1/citizens/{A}/records", who,
                    params={"limit": 1, **({"cursor": cursor} if cursor else {})})
        page = r.json()
        seen += [i["record_id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(i["record_id"] for i in items)


def test_pending_records_only_for_pending_scope(env: Env) -> None:
    pending = env.world.records["land_pending"].record_id
    r = env.get(f"/v1/citizens/{A}/records", "purpose:land-administration")
    assert pending in [i["record_id"] for i in r.json()["items"]]
    r = env.get(f"/v1/citizens/{A}/records", "purpose:residence-registration")
    assert pending not in [i["record_id"] for i in r.json()["items"]]
    r = env.get(f"/v1/records/{pending}", "purpose:land-administration", params={"citizen_id": A})
    assert r.json()["provenance"]["review_state"] == "needs_review"


def test_search_returns_candidates_only(env: Env) -> None:
    r = env.get("/v1/search", "purpose:identity-reconciliation",
                params={"full_name": "TRẦN VĂN BÌNH", "date_of_birth": "1988-07-02"})
    assert r.status_code == 200
    assert r.json() == {"candidates": [{"citizen_id": B, "score": 1.0}]}
    r = env.get("/v1/search", "purpose:identity-reconciliation",
                params={"full_name": "Nobody Here", "date_of_birth": "1988-07-02"})
    assert r.json() == {"candidates": []}


def test_error_statuses_are_problems(env: Env) -> None:
    w = env.world
    birth = w.records["birth_a"].record_id
    who = "purpose:residence-registration"
    assert_problem(env.get(f"/v1/citizens/{A}/records", who, params={"cursor": "!!"}), 400)
    assert_problem(env.client.get(f"/v1/citizens/{A}/records"), 401)
    r = env.client.get(f"/v1/citizens/{A}/records", headers={"Authorization": "Bearer nope"})
    assert_problem(r, 401)
    assert r.headers["www-authenticate"].startswith("Bearer")
    bad = w.keys[who][:-4] + "AAAA"
    assert_problem(env.client.get(f"/v1/citizens/{A}/records", headers={"X-API-Key": bad}), 401)
    assert_problem(env.get("/v1/search", who, params={"full_name": "Ab",
                                                      "date_of_birth": "1990-01-01"}), 403)
    assert_problem(env.get(f"/v1/records/{birth}", who, params={"citizen_id": B}), 404)
    assert_problem(env.get("/v1/records/rec-000000", who, params={"citizen_id": A}), 404)
    assert_problem(env.get("/v1/nowhere", who), 404)
    pending = w.records["land_pending"].record_id
    assert_problem(env.get(f"/v1/records/{pending}", who, params={"citizen_id": A}), 409)
    assert_problem(env.get("/v1/citizens/12ab/records", who), 422)
    assert_problem(env.get(f"/v1/records/{birth}", who), 422)  # citizen_id is required
    assert_problem(env.get(f"/v1/citizens/{A}/records", who, params={"limit": 0}), 422)


def test_rate_limit_429_with_retry_after(env: Env) -> None:
    db = ServiceDB(env.owner_url)
    _, key = create_client(db, "slow", "residence-registration", ["land.parcel"],
                           rate_per_second=0.5, burst=2)
    db.dispose()
    h = {"Authorization": f"Bearer {key}"}
    codes = [env.client.get(f"/v1/citizens/{A}/records", headers=h).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]
    r = env.client.get(f"/v1/citizens/{A}/records", headers=h)
    assert_problem(r, 429)
    assert 1 <= int(r.headers["retry-after"]) <= 3


def test_rotate_and_revoke_take_effect(settings: Settings) -> None:
    world = build_world(settings)
    app = create_app(world.settings)
    app.state.service.auth.ttl_s = 0  # no cache: see the change at once
    db = ServiceDB(world.settings.effective_database_url)
    name = "purpose:residence-registration"
    with TestClient(app) as c:
        old = {"Authorization": f"Bearer {world.keys[name]}"}
        assert c.get(f"/v1/citizens/{A}/records", headers=old).status_code == 200
        _, new_key = rotate_client(db, name)
        assert c.get(f"/v1/citizens/{A}/records", headers=old).status_code == 401
        new = {"Authorization": f"Bearer {new_key}"}
        assert c.get(f"/v1/citizens/{A}/records", headers=new).status_code == 200
        revoke_client(db, name)
        assert_problem(c.get(f"/v1/citizens/{A}/records", headers=new), 401)
    db.dispose()


def test_unexpected_error_is_a_bare_500(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/v1/boom")
    body = assert_problem(r, 500)
    assert "secret" not in r.text and body["request_id"]


def test_published_openapi_is_in_sync() -> None:
    assert OPENAPI_PATH.read_text(encoding="utf-8") == openapi_text(), \
        "the API changed: run `python -m service.openapi` and commit docs/openapi.json"
