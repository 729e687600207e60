"""The application factory: `create_app(settings)` → the FastAPI app serving `/v1`.

Handlers run the (blocking) database and store work in the thread pool; one
`ServiceContext` per process holds the engine, the store, the key cache and the rate
limiter. A tiny ASGI middleware gives every request an id (the caller's `X-Request-Id`
when it sends a sane one) that the audit rows and problem responses carry.
"""

from __future__ import annotations

import gc
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI

from pipeline import __version__
from pipeline.config import Settings, get_settings
from service import problems
from service.context import ServiceContext
from service.keepalive import ConnectionRecycler
from service.records import warm_session
from service.routers import citizens, health, records, search

API_PREFIX = "/v1"
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or ()).get(b"x-request-id", b"").decode("latin-1")
        scope.setdefault("state", {})["request_id"] = (
            given if _SANE_ID.match(given) else uuid.uuid4().hex)
        await self.app(scope, receive, send)


def create_app(settings: Settings | None = None, *, database_url: str | None = None,
               rate_share: float = 1.0, web: bool = True) -> FastAPI:
    """The service for `settings` (default: from SOHOA_* env). `database_url` overrides the
    settings' (e.g. to connect as the app role); `rate_share` is 1/workers."""
    settings = settings or get_settings()
    svc = ServiceContext.open(settings, database_url=database_url, rate_share=rate_share)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        svc.close()
        if getattr(app.state, "web", None) is not None:  # web pages (service/web)
            app.state.web.close()

    app = FastAPI(title="SoHoa service API", version=__version__, lifespan=lifespan,
                  description="Verified civil-status and land records for online public "
                              "services: purpose-bound, field allow-listed, every read "
                              "audited. Errors are application/problem+json (RFC 9457).")
    app.state.service = svc
    v1 = APIRouter(prefix=API_PREFIX)
    for module in (citizens, records, search, health):
        v1.include_router(module.router)
    app.include_router(v1)
    problems.install(app)
    if web:  # the reviewer and archive-staff web pages (service/web, issue 6)
        from service.web import mount

        mount(app, settings, svc.store)
    app.add_middleware(RequestIdMiddleware)
    return app


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` worker processes: `sohoa serve` sets
    SOHOA_SERVE_WORKERS so each worker takes its share of every client's rate limit. A
    worker opens its database pool before serving, and with several workers recycles
    keep-alive connections so they stay spread over the workers (docs/api-latency.md)."""
    import os

    workers = max(1, int(os.environ.get("SOHOA_SERVE_WORKERS", "1")))
    app = create_app(get_settings(), rate_share=1.0 / workers)
    if workers > 1:  # keep connections spread over the workers (service.keepalive)
        app.add_middleware(ConnectionRecycler)
    app.state.service.db.fill_pool(warm_session)  # no session opened under load
    freeze_startup_heap()
    return app


def freeze_startup_heap() -> None:
    """Move everything alive after start-up (~140k objects: FastAPI, SQLAlchemy, pydantic,
    Jinja) out of the collector's reach: a full collection otherwise walks them all, a pause
    of tens of milliseconds that lands on every request in flight."""
    gc.collect()
    gc.freeze()
