"""Dependency aliases (`ServiceDep`, `ClientDep`, `RequestIdDep`) so routers stay short."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from starlette.concurrency import run_in_threadpool

from service.auth import Client
from service.context import ServiceContext

_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer sohoa_<id>_<secret>`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="alternative to Bearer")


# Dependencies are `async def`: a sync dependency costs a thread hop on every request.
async def get_service(request: Request) -> ServiceContext:
    return request.app.state.service  # type: ignore[no-any-return]


async def get_request_id(request: Request) -> str:
    return str(request.state.request_id)


ServiceDep = Annotated[ServiceContext, Depends(get_service)]
RequestIdDep = Annotated[str, Depends(get_request_id)]


async def get_client(svc: ServiceDep,
               bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
               api_key: Annotated[str | None, Depends(_header)]) -> Client:
    """Authenticate, then spend a rate-limit token (401 before 429: an unknown caller
    cannot drain a real client's bucket)."""
    key = bearer.credentials if bearer is not None else api_key
    client = svc.auth.authenticate_cached(key)  # no I/O when the client row is cached
    if client is None:
        client = await run_in_threadpool(svc.auth.authenticate, key)
    svc.limiter.take(client.key_id, client.rate_per_second, client.burst)
    return client


ClientDep = Annotated[Client, Depends(get_client)]
