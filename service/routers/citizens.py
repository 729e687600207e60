"""GET /v1/citizens/{citizen_id}/records: the citizen's records the client may read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from service.deps import ClientDep, RequestIdDep, ServiceDep
from service.records import citizen_records
from service.routers.common import ERRORS, CitizenId, json_response
from service.schemas import RecordPage

router = APIRouter(prefix="/citizens", tags=["citizens"])


@router.get("/{citizen_id}/records", response_model=None,
            responses={200: {"model": RecordPage}, **ERRORS},
            summary="Records of a citizen (verified; pending too if the scope allows)")
async def list_citizen_records(
    citizen_id: CitizenId, svc: ServiceDep, client: ClientDep, request_id: RequestIdDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Civil-status records where the citizen is subject, parent or spouse and land
    certificates where they are a holder — as far as the client's scopes cover — with
    provenance and only the allow-listed fields. Every call is audited."""
    page = await run_in_threadpool(citizen_records, svc, client, request_id, citizen_id,
                                   limit=limit, cursor=cursor)
    return json_response(page, request_id)
