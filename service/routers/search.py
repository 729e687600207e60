"""GET /v1/search: candidate citizen ids by full name and date of birth."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from service.deps import ClientDep, RequestIdDep, ServiceDep
from service.routers.common import ERRORS, json_response
from service.schemas import CandidatePage
from service.search import search

router = APIRouter(tags=["search"])


@router.get("/search", response_model=None, responses={200: {"model": CandidatePage}, **ERRORS},
            summary="Candidate citizen ids by name and date of birth")
async def search_candidates(
    full_name: Annotated[str, Query(min_length=2, max_length=200)],
    date_of_birth: Annotated[dt.date, Query()],
    svc: ServiceDep, client: ClientDep, request_id: RequestIdDep,
) -> Response:
    """Only for scopes with search; returns citizen ids and scores, never records.
    Audited (the candidates are personal data)."""
    page = await run_in_threadpool(search, svc, client, request_id, full_name, date_of_birth)
    return json_response(page, request_id)
