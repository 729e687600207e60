"""Shared path/query parameter types and the JSON response helper for routers."""

from __future__ import annotations

from typing import Annotated, Any

import pydantic_core
from fastapi import Path, Query, Response

CitizenId = Annotated[str, Path(pattern=r"^\d{12}$", description="12-digit citizen id")]
CitizenQuery = Annotated[str, Query(pattern=r"^\d{12}$",
                                    description="the citizen the request is made for; the "
                                                "record must link them")]
RecordId = Annotated[str, Path(pattern=r"^rec-[0-9a-f]{6,64}$")]
PROBLEM = {"content": {"application/problem+json": {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": desc, **PROBLEM} for code, desc in (
        (400, "malformed request (e.g. cursor)"), (401, "missing, wrong or revoked API key"),
        (403, "the client's purpose and scopes do not allow this"),
        (404, "no such record for this citizen"), (409, "record waiting for review"),
        (422, "invalid parameters"), (429, "rate limit exceeded (see Retry-After)"))}


def json_response(payload: Any, request_id: str) -> Response:
    """Serialise once (payload already shaped by the allow-list models)."""
    return Response(pydantic_core.to_json(payload), media_type="application/json",
                    headers={"X-Request-Id": request_id, "Cache-Control": "no-store"})
