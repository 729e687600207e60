"""Keep-alive connections are recycled so they spread over the server workers
(service.keepalive): one worker held 18 of wrk's 20 connections for a whole load run."""

from __future__ import annotations

import gc

from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.keepalive import ConnectionRecycler


def _app(max_requests: int) -> FastAPI:
    app = FastAPI()

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    app.add_middleware(ConnectionRecycler, max_requests=max_requests)
    return app


def test_every_nth_response_on_a_connection_closes_it() -> None:
    with TestClient(_app(3)) as client:  # one client address and port: one connection
        closing = [client.get("/ping").headers.get("connection") for _ in range(7)]
    assert closing == [None, None, "close", None, None, "close", None]


def test_served_app_recycles_only_with_several_workers(  # type: ignore[no-untyped-def]
        monkeypatch, tmp_path) -> None:
    from service.app import app_from_env

    monkeypatch.setattr("pipeline.config._cached", None)
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path))
    for name in ("SOHOA_DATABASE_URL", "SOHOA_STORE_URL", "SOHOA_WEB_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    try:
        for workers, expected in (("1", False), ("2", True)):
            monkeypatch.setenv("SOHOA_SERVE_WORKERS", workers)
            app = app_from_env()
            assert any(m.cls is ConnectionRecycler for m in app.user_middleware) is expected
            app.state.service.close()
            app.state.web.close()
    finally:
        gc.unfreeze()  # app_from_env froze the test process's heap
