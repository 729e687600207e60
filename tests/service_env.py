"""The service under test on both backends: SQLite (default) and the real PostgreSQL,
where the app connects as the restricted `sohoa_app` role (so the grants are exercised).

The world is built once per test module (`module_env`): building it (records through the
pipeline, one client per scope and purpose) costs more than most tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from pg_schema import pg_schema
from pipeline.config import Settings
from service.app import create_app
from service.db import APP_ROLE, grant_app_role
from service_world import World, build_world

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@dataclass
class Env:
    backend: str
    world: World
    client: TestClient
    owner_url: str  # schema owner (the pipeline / admin side)
    app_url: str  # what the service connects as

    def get(self, path: str, who: str | None = None, **kw: object):  # type: ignore[no-untyped-def]
        headers = dict(kw.pop("headers", {}) or {})  # type: ignore[arg-type]
        if who is not None:
            headers["Authorization"] = f"Bearer {self.world.keys[who]}"
        return self.client.get(path, headers=headers, **kw)  # type: ignore[arg-type]


def _env(backend: str, settings: Settings, owner: str | None) -> Iterator[Env]:
    if owner is not None:
        world = build_world(settings, owner)
        eng = create_engine(owner)
        with eng.begin() as conn:
            grant_app_role(conn, APP_ROLE)
        eng.dispose()
        app_url = owner.replace("://postgres@", f"://{APP_ROLE}@", 1)
    else:
        world = build_world(settings)
        owner = app_url = settings.effective_database_url
    app = create_app(world.settings, database_url=app_url)
    with TestClient(app, raise_server_exceptions=False) as client:  # one portal: fast
        yield Env(backend, world, client, owner, app_url)


def module_env(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[Env]:
    settings = Settings(data_dir=data_dir, store_url=None, database_url=None)
    if request.param == "postgres":
        with pg_schema(request.getfixturevalue("postgres_server")) as owner:
            yield from _env("postgres", settings, owner)
    else:
        yield from _env("sqlite", settings, None)


def open_env(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Env]:
    """Per-test world (for tests that change it)."""
    owner = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    yield from _env(request.param, settings, owner)
