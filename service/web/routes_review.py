"""The reviewer pages: the queue, the workstation (page image with boxes, the flagged
field's crop, raw and normalised values, issues, person candidates) and its keyboard
actions, and the record page with its history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from pipeline.errors import InputError, NotFound
from pipeline.models import FieldState, MatchState, Record
from service.errors import Conflict
from service.web import record_review as rr
from service.web import review_queue as rq
from service.web.deps import AnyUser, Csrf, Reviewer, WebDep, session
from service.web.page_image import field_crop, page_image
from service.web.sessions import CSRF_FIELD

router = APIRouter()
IMAGE_CACHE = "private, max-age=86400, immutable"


class FieldDecision(BaseModel):
    typed: str | None = None  # None: confirm as shown
    reason: str | None = None


def _record(ctx: WebDep, record_id: str) -> Record:
    try:
        return rr.load(ctx.pipeline, record_id)
    except Exception as exc:  # the store says what is missing
        raise NotFound(f"no record {record_id!r}", hint="open it from the queue") from exc


@router.get("/review", response_class=HTMLResponse)
def queue(request: Request, ctx: WebDep, user: Reviewer, batch: str | None = None,
          doc_type: str | None = None, issue: str | None = None) -> Response:
    def read(conn: Any) -> tuple[list[rq.QueueItem], list[str]]:
        rq.sync(conn, ctx.store)
        return (rq.list_queue(conn, batch=batch or None, doc_type=doc_type or None,
                              issue=issue or None), rq.issue_codes(conn))
    items, codes = ctx.db.run(read)
    return ctx.templates.TemplateResponse(request, "queue.html", {
        "user": user, "csrf": session(request, ctx)[1], "csrf_field": CSRF_FIELD,
        "items": items, "codes": codes, "batch": batch or "", "doc_type": doc_type or "",
        "issue": issue or "", "doc_types": ["birth_certificate", "marriage_certificate",
                                            "death_certificate", "land_certificate"]})


@router.post("/review/{record_id}/claim", dependencies=[Csrf])
def claim(ctx: WebDep, user: Reviewer, record_id: str) -> Response:
    result = ctx.db.run(lambda conn: rq.claim(conn, record_id, user.username))
    if not result.ok:
        raise Conflict(f"{result.holder} is reviewing {record_id} until "
                       f"{result.expires_at:%H:%M} UTC", hint="pick another record")
    ctx.warm(record_id)
    return RedirectResponse(f"/review/{record_id}", status_code=303)


@router.post("/review/next", dependencies=[Csrf])
def next_record(ctx: WebDep, user: Reviewer, after: Annotated[str, Form()] = "") -> Response:
    def pick(conn: Any) -> str | None:
        rq.sync(conn, ctx.store)
        for item in rq.list_queue(conn):
            if item.record_id != after and item.claimed_by in (None, user.username) \
                    and rq.claim(conn, item.record_id, user.username).ok:
                return item.record_id
        return None
    rid = ctx.db.run(pick)
    if rid:
        ctx.warm(rid)
    return RedirectResponse(f"/review/{rid}" if rid else "/review", status_code=303)


def workstation_context(ctx: WebDep, record: Record, user: Any) -> dict[str, Any]:
    pages = ctx.geometry(record)
    fields = [(k, f) for k, f in record.fields.items() if not rr.is_derived(k)]
    flagged = [k for k, f in fields if f.state == FieldState.flagged]
    holder = ctx.db.run(lambda conn: rq.holds_claim(conn, record.record_id, user.username))
    hist = ctx.db.run(lambda conn: rr.history(conn, record.record_id))
    return {"user": user, "r": record, "fields": fields, "flagged": flagged, "pages": pages,
            "claimed": holder, "history": hist,
            "ambiguous": [p for p in record.persons if p.match == MatchState.candidate]}


@router.get("/review/{record_id}", response_class=HTMLResponse)
def workstation(request: Request, ctx: WebDep, user: Reviewer, record_id: str) -> Response:
    record = _record(ctx, record_id)
    data = workstation_context(ctx, record, user)
    data.update(csrf=session(request, ctx)[1], csrf_field=CSRF_FIELD)
    return ctx.templates.TemplateResponse(request, "workstation.html", data)


@router.get("/review/{record_id}/page/{page}.webp")
def page(ctx: WebDep, user: AnyUser, record_id: str, page: int) -> Response:
    record = _record(ctx, record_id)
    geometry = {g.page: g for g in ctx.geometry(record)}.get(page)
    try:
        body = page_image(ctx.store, record, page, geometry)
    except ValueError as exc:
        raise NotFound(str(exc)) from None
    return Response(body, media_type="image/webp", headers={"Cache-Control": IMAGE_CACHE})


@router.get("/review/{record_id}/crop/{key}.png")
def crop(ctx: WebDep, user: AnyUser, record_id: str, key: str) -> Response:
    record = _record(ctx, record_id)
    if key not in record.fields:
        raise NotFound(f"record {record_id} has no field {key!r}")
    try:
        body = field_crop(ctx.store, record, key, ctx.settings)
    except ValueError as exc:
        raise NotFound(str(exc), hint="the field was not read from the page") from None
    return Response(body, media_type="image/png", headers={"Cache-Control": IMAGE_CACHE})


@router.post("/review/{record_id}/fields/{key}", dependencies=[Csrf])
def decide(ctx: WebDep, user: Reviewer, record_id: str, key: str,
           body: FieldDecision) -> rr.FieldOutcome:
    return rr.decide_field(ctx.db, ctx.pipeline, record_id, key, body.typed, user.username,
                           body.reason, linker=ctx.linker())


@router.post("/review/{record_id}/persons/{role}", dependencies=[Csrf])
def settle(ctx: WebDep, user: Reviewer, record_id: str, role: str,
           citizen_id: Annotated[str, Form()] = "") -> Response:
    rr.settle_person(ctx.db, ctx.pipeline, record_id, role, citizen_id or None, user.username)
    return RedirectResponse(f"/review/{record_id}", status_code=303)


@router.post("/review/{record_id}/approve", dependencies=[Csrf])
def approve(ctx: WebDep, user: Reviewer, record_id: str) -> Response:
    rr.approve(ctx.db, ctx.pipeline, record_id, user.username)
    return RedirectResponse(f"/records/{record_id}", status_code=303)


@router.post("/review/{record_id}/reject", dependencies=[Csrf])
def reject(ctx: WebDep, user: Reviewer, record_id: str,
           reason: Annotated[str, Form()] = "") -> Response:
    if not reason.strip():
        raise InputError("a rejection needs a reason", stage="review",
                         hint="say what is wrong with the document")
    rr.reject(ctx.db, ctx.pipeline, record_id, user.username, reason)
    return RedirectResponse(f"/records/{record_id}", status_code=303)


@router.get("/records/{record_id}", response_class=HTMLResponse)
def record_page(request: Request, ctx: WebDep, user: AnyUser, record_id: str) -> Response:
    record = _record(ctx, record_id)
    hist = ctx.db.run(lambda conn: rr.history(conn, record_id))
    return ctx.templates.TemplateResponse(request, "record.html", {
        "user": user, "csrf": session(request, ctx)[1], "csrf_field": CSRF_FIELD,
        "r": record, "history": hist})
