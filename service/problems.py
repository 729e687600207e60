"""One error shape for clients: RFC 9457 problem+json (type, title, status, detail, instance).

Errors are mapped from the `pipeline.errors` hierarchy here and nowhere else. A client never
sees a stack trace: anything unexpected becomes a bare 500 problem and is logged server-side
with the request id, so an operator can find it from the id the client reports.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline.errors import SohoaError
from service.errors import RateLimited, Unauthorized

log = logging.getLogger("sohoa.service")
PROBLEM_TYPE_BASE = "https://sohoa.invalid/problems/"
MEDIA_TYPE = "application/problem+json"


def request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", "") or "")


def problem(request: Request, status: int, detail: str, *, code: str | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    title = HTTPStatus(status).phrase
    slug = code or title.lower().replace(" ", "-")
    body: dict[str, Any] = {"type": PROBLEM_TYPE_BASE + slug, "title": title, "status": status,
                            "detail": detail, "instance": request.url.path,
                            "request_id": request_id(request)}
    hdrs = {"X-Request-Id": request_id(request), **(headers or {})}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=hdrs)


async def _sohoa_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SohoaError)
    status = exc.http_status
    if status >= 500:
        log.error("request %s failed: %s", request_id(request), exc)
        detail = "the service could not complete the request; quote the request id"
    else:
        detail = f"{exc.message} ({exc.hint})" if exc.hint else exc.message
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(max(1, round(exc.retry_after + 0.5)))
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = 'Bearer realm="sohoa"'
    return problem(request, status, detail, code=exc.code.replace("_", "-"), headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return problem(request, 422, "; ".join(parts) or "invalid request", code="validation")


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return problem(request, exc.status_code, detail, headers=dict(exc.headers or {}))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("request %s: unexpected error", request_id(request))
    return problem(request, 500, "the service could not complete the request; quote the "
                                 "request id", code="internal")


def install(app: FastAPI) -> None:
    app.add_exception_handler(SohoaError, _sohoa_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
