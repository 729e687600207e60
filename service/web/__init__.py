"""The web pages of `sohoa serve`: sign-in, the staff upload pages, the review queue and
workstation, record history, account administration. Server-rendered (Jinja2) with a little
JavaScript (static/app.js) for drag-and-drop, live progress and the keyboard.

`mount(app, settings, store)` adds them to the FastAPI app that serves /v1."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from pipeline.config import Settings
from pipeline.storage import ObjectStore
from service.web.context import HERE, WebContext
from service.web.deps import LoginRequired

MAX_UPLOAD_BYTES = 4 * 1024 * 1024 * 1024


class UploadSizeLimit:
    """Refuse an upload whose declared size is over the limit before it is spooled to disk
    (the per-file and per-zip limits in service.web.uploads catch the rest)."""

    def __init__(self, app: Any, limit: int = MAX_UPLOAD_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/upload":
            size = dict(scope.get("headers") or ()).get(b"content-length", b"0")
            if size.isdigit() and int(size) > self.limit:
                resp = JSONResponse({"title": "upload too large", "status": 413,
                                     "detail": f"over {self.limit} bytes: split the upload"},
                                    status_code=413, media_type="application/problem+json")
                await resp(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    if request.method != "GET" or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"title": "sign in first", "status": 401}, status_code=401,
                            media_type="application/problem+json")
    return RedirectResponse(f"/login?next={quote(exc.next_url)}", status_code=303)


def mount(app: FastAPI, settings: Settings, store: ObjectStore, *,
          engine: str | None = None) -> WebContext:
    from service.web import routes_admin, routes_auth, routes_review, routes_upload

    ctx = WebContext.open(settings, store, engine=engine)
    app.state.web = ctx
    for module in (routes_auth, routes_upload, routes_review, routes_admin):
        app.include_router(module.router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_middleware(UploadSizeLimit)
    return ctx
