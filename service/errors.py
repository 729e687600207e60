"""Service errors, as members of the one `pipeline.errors` hierarchy so the edge
(service.problems) maps every failure to an HTTP status in one place."""

from __future__ import annotations

from pipeline.errors import InputError, NotFound, SohoaError

__all__ = ["BadRequest", "Conflict", "Forbidden", "InputError", "NotFound", "RateLimited",
           "Unauthorized"]


class Unauthorized(SohoaError):
    http_status = 401
    stage = "auth"
    hint = "send `Authorization: Bearer <api key>`; ask the operator for a key"


class Forbidden(SohoaError):
    http_status = 403
    stage = "auth"
    hint = "the client's purpose and scopes do not allow this; ask for the right scope"


class BadRequest(SohoaError):
    http_status = 400
    stage = "request"


class Conflict(SohoaError):
    """The resource exists but its state does not allow the request (e.g. pending review)."""

    http_status = 409
    stage = "lookup"


class RateLimited(SohoaError):
    http_status = 429
    stage = "rate-limit"
    hint = "slow down; retry after the number of seconds in Retry-After"

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after
