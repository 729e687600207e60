"""Reads of records for a citizen, each with its audit row in the same transaction.

Where the JSON lives: the object store (`records/<record_id>.json`, written by the
pipeline) is the one source of truth; the index (`persons` ⨝ `documents`, indexed on
`citizen_id`) says which few records concern a citizen, so a lookup reads only that
citizen's record files, never a scan. Authorization is re-checked on the record body
itself (the citizen must be linked in an allowed role), so a record re-processed between
the index read and the store read can never leak to the wrong citizen.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Integer, and_, bindparam, literal, or_, select

from pipeline.errors import NotFound
from pipeline.index.index import DOCS, PERSONS
from pipeline.models import MatchState
from pipeline.storage import keys
from service.audit import AUDIT, write_audit
from service.auth import Client
from service.context import ServiceContext
from service.db import select_rows
from service.errors import BadRequest, Conflict, Forbidden
from service.schemas import dump_record, record_model

VERIFIED, PENDING = "verified", "needs_review"
LINKED = MatchState.linked.value


@dataclass
class Built:
    """A serialised record plus what the audit row must say about it."""

    body: dict[str, Any]
    fields: list[str] = field(default_factory=list)
    citizens: list[str] = field(default_factory=list)


def statuses(client: Client) -> list[str]:
    return [VERIFIED, PENDING] if client.grant.allows("pending") else [VERIFIED]


def encode_cursor(record_id: str) -> str:
    return base64.urlsafe_b64encode(record_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        value = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        value = ""
    if not value.startswith("rec-"):
        raise BadRequest("malformed cursor", hint="pass back `next_cursor` unchanged")
    return value


Coverage = tuple[tuple[str, tuple[str, ...]], ...]  # (doc_type, roles) pairs


def _coverage(client: Client) -> Coverage:
    g = client.grant
    return tuple((d, tuple(sorted(g.roles(d)))) for d in g.doc_types())


@lru_cache(maxsize=256)
def _links_stmt(by_record: bool, after: bool, limited: bool, wanted: tuple[str, ...] | None,
                coverage: Coverage | None) -> Any:
    """The link query, built once per shape (bound parameters; the hot path only binds)."""
    q = (select(PERSONS.c.record_id, PERSONS.c.role, DOCS.c.doc_type, DOCS.c.status,
                DOCS.c.record_key, DOCS.c.updated_at)
         .join(DOCS, DOCS.c.record_id == PERSONS.c.record_id)
         .where(PERSONS.c.citizen_id == bindparam("cid"),
                PERSONS.c.match == MatchState.linked.value))
    if by_record:
        q = q.where(PERSONS.c.record_id == bindparam("rid"))
    if after:
        q = q.where(PERSONS.c.record_id > bindparam("after"))
    if wanted is not None and coverage is not None:
        # One plain bound parameter per value (`literal`), not an expanding IN: the values
        # belong to the shape, and expanding parameters are re-rendered on every execution
        # (~0.25 ms of CPU per lookup).
        q = q.where(DOCS.c.status.in_([literal(s) for s in wanted]),
                    or_(*[and_(DOCS.c.doc_type == literal(d),
                               PERSONS.c.role.in_([literal(r) for r in roles]))
                          for d, roles in coverage]))
    q = q.order_by(PERSONS.c.record_id, PERSONS.c.role)
    if limited:
        q = q.limit(bindparam("lim", type_=Integer))
    return q


def _links(conn: Connection, citizen_id: str, *, record_id: str | None = None,
           after: str | None = None, max_rows: int | None = None,
           client: Client | None = None) -> list[Any]:
    """Index rows linking the citizen to records; with `client`, only statuses, document
    types and roles its scopes cover (so pages stay full)."""
    stmt = _links_stmt(record_id is not None, after is not None, max_rows is not None,
                       tuple(statuses(client)) if client else None,
                       _coverage(client) if client else None)
    params = {"cid": citizen_id, "rid": record_id, "after": after, "lim": max_rows}
    return select_rows(conn, stmt, {k: v for k, v in params.items() if v is not None})


def warm_session(conn: Connection) -> None:
    """Load a new session's catalogue entries for the lookup's tables and indexes (a link
    query for no citizen) and for the audit log; writes nothing."""
    _links(conn, "", max_rows=1)
    conn.execute(select(AUDIT.c.id).where(AUDIT.c.id < 0).limit(1)).all()


def load(svc: ServiceContext, record_id: str) -> dict[str, Any]:
    """The stored record as JSON data (the pipeline wrote it through `Record`)."""
    return json.loads(svc.store.get_bytes(keys.record_key(record_id)))


def build(svc: ServiceContext, client: Client, doc: dict[str, Any], citizen_id: str,
          indexed_at: datetime | None) -> Built | None:
    """The public view of record `doc` for `citizen_id`, or None if the body does not (or
    no longer) link the citizen in a role the client's scopes cover. The allow-list models
    take the stored field objects as they are and keep only what they declare."""
    g = client.grant
    doc_type = doc["doc_type"]
    allowed_roles = g.roles(doc_type)
    persons_in = doc.get("persons") or []
    roles = {p["role"] for p in persons_in if p.get("citizen_id") == citizen_id
             and p.get("match") == LINKED and p["role"] in allowed_roles}
    if not roles or doc["status"] not in statuses(client):
        return None
    allowed = g.fields_for(doc_type, roles)
    fields_in = doc.get("fields") or {}
    decided = [str(f["decided_at"]) for f in fields_in.values() if f.get("decided_at")]
    persons = [{"role": p["role"], "match": p.get("match", "none"),
                "citizen_id": p.get("citizen_id") if p.get("match") == LINKED else None}
               for p in persons_in if p["role"] in allowed_roles]
    source = doc["source"]
    provenance = {
        "source_sha256": source["sha256"], "media_type": source["media_type"],
        "pages": source["pages"], "dpi": int(doc.get("dpi") or svc.settings.dpi),
        "review_state": doc["status"],
        "reviewed_at": doc.get("reviewed_at") or (max(decided) if decided else None),
        "indexed_at": indexed_at, "pipeline_version": doc.get("pipeline_version")}
    model = record_model(doc_type, allowed).model_validate({
        "record_id": doc["record_id"], "doc_type": doc_type, "status": doc["status"],
        "citizen_roles": sorted(roles), "persons": persons, "provenance": provenance,
        "fields": fields_in})
    body = dump_record(model)
    return Built(body=body, fields=[f"{doc_type}.{k}" for k in body["fields"]],
                 citizens=[p["citizen_id"] for p in persons if p["citizen_id"]])


def citizen_records(svc: ServiceContext, client: Client, request_id: str, citizen_id: str,
                    *, limit: int, cursor: str | None) -> dict[str, Any]:
    """A page of the citizen's records that the client's scopes cover, audited."""
    if not client.grant.doc_types():
        raise Forbidden("the client's scopes cover no document type")
    after = decode_cursor(cursor)
    wanted = set(statuses(client))
    doc_types = set(client.grant.doc_types())
    with svc.db.transaction() as conn:
        cap = (limit + 1) * 4  # a citizen holds at most a few roles on one record
        rows = _links(conn, citizen_id, after=after, max_rows=cap, client=client)
        grouped: dict[str, list[Any]] = defaultdict(list)
        for r in rows:
            grouped[r.record_id].append(r)
        ids = list(grouped)
        if len(rows) == cap and len(ids) > 1:
            ids = ids[:-1]  # the last group may be cut by the row cap
        items: list[Built] = []
        last, processed = None, 0
        for rid in ids:
            if len(items) == limit:
                break
            last, processed = rid, processed + 1
            first = grouped[rid][0]
            if first.status not in wanted or first.doc_type not in doc_types:
                continue
            if not any(r.role in client.grant.roles(first.doc_type) for r in grouped[rid]):
                continue
            built = build(svc, client, load(svc, rid), citizen_id, first.updated_at)
            if built is not None:
                items.append(built)
        more = processed < len(ids) or len(rows) == cap
        write_audit(conn, client, request_id, "citizen_records", citizen_id=citizen_id,
                    citizens=[c for b in items for c in b.citizens],
                    record_ids=[b.body["record_id"] for b in items],
                    fields=[f for b in items for f in b.fields])
    return {"items": [b.body for b in items],
            "next_cursor": encode_cursor(last) if more and last else None}


def authorise_record(conn: Connection, client: Client, record_id: str,
                     citizen_id: str) -> Any:
    """The index row linking `citizen_id` to `record_id`, checked against the scopes:
    404 if not linked (another citizen's record looks like no record), 403 if the scopes
    do not cover the document type or the role, 409 if it waits for review."""
    rows = _links(conn, citizen_id, record_id=record_id)
    if not rows or rows[0].status not in (VERIFIED, PENDING):
        raise NotFound(f"no record {record_id!r} for citizen {citizen_id}",
                       hint="list the citizen's records first")
    first = rows[0]
    roles = client.grant.roles(first.doc_type)
    if not any(r.role in roles for r in rows):
        raise Forbidden(f"the client's scopes do not cover this {first.doc_type} "
                        "for this citizen's role on it")
    if first.status not in statuses(client):
        raise Conflict(f"record {record_id!r} is waiting for review",
                       hint="retry when it is verified")
    return first


def record_by_id(svc: ServiceContext, client: Client, request_id: str, record_id: str,
                 citizen_id: str) -> dict[str, Any]:
    with svc.db.transaction() as conn:
        row = authorise_record(conn, client, record_id, citizen_id)
        built = build(svc, client, load(svc, record_id), citizen_id, row.updated_at)
        if built is None:  # changed between the index and the store: treat as not linked
            raise NotFound(f"no record {record_id!r} for citizen {citizen_id}")
        write_audit(conn, client, request_id, "record", citizen_id=citizen_id,
                    citizens=built.citizens, record_ids=[record_id], fields=built.fields)
    return built.body
