"""GET /v1/records/{record_id} and its field evidence (a PNG crop of the source page)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from service.deps import ClientDep, RequestIdDep, ServiceDep
from service.errors import BadRequest
from service.evidence import field_evidence
from service.records import record_by_id
from service.routers.common import ERRORS, CitizenQuery, RecordId, json_response
from service.schemas import RecordPublic

router = APIRouter(prefix="/records", tags=["records"])
FIELD_KEY = r"^[a-z][a-z0-9_]{0,63}$"


@router.get("/{record_id}", response_model=None,
            responses={200: {"model": RecordPublic}, **ERRORS}, summary="One record")
async def get_record(record_id: RecordId, citizen_id: CitizenQuery, svc: ServiceDep,
                     client: ClientDep, request_id: RequestIdDep) -> Response:
    """The record, if it links `citizen_id` in a role the client's scopes cover (another
    citizen's record answers 404, like a missing one). Audited."""
    body = await run_in_threadpool(record_by_id, svc, client, request_id, record_id,
                                   citizen_id)
    return json_response(body, request_id)


@router.get("/{record_id}/fields/{field_key}/evidence", response_model=None,
            responses={200: {"content": {"image/png": {}},
                             "description": "crop of the source page around the field"},
                       **ERRORS}, summary="Field evidence (page crop)")
async def get_field_evidence(record_id: RecordId, field_key: str, citizen_id: CitizenQuery,
                             svc: ServiceDep, client: ClientDep,
                             request_id: RequestIdDep) -> Response:
    """The source page cropped to the field's box, for allow-listed fields and scopes
    with evidence. Audited."""
    if not re.match(FIELD_KEY, field_key):
        raise BadRequest(f"bad field key {field_key!r}")
    png = await run_in_threadpool(field_evidence, svc, client, request_id, record_id,
                                  field_key, citizen_id)
    return Response(png, media_type="image/png",
                    headers={"X-Request-Id": request_id, "Cache-Control": "no-store"})
