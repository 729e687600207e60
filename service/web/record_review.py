"""What a reviewer does to a record: confirm or correct a field, settle an ambiguous
person, approve, reject. Each action checks the reviewer's claim, changes the record,
writes its history row (and, for field decisions, a `review_decisions` row) in one
transaction, then stores the record and re-indexes it, so the /v1 API serves it at once.

The machine's reading is never lost: `raw` is kept as read, the value before the first
correction is kept on the field as `machine_value`, and every change is in the history."""

from __future__ import annotations

import functools
import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, Table, insert, select, update

from extractors.revision import refresh_issues, revise, run_cross_checks, spec_for
from pipeline.document import Context, save_record
from pipeline.errors import InputError
from pipeline.models import FieldState, FieldValue, MatchState, Record, RecordStatus
from pipeline.storage import keys
from service.db import ServiceDB
from service.errors import Conflict
from service.web.review_queue import claim, holds_claim, release
from service.web.tables import HistoryRow, ReviewDecisionRow

T = TypeVar("T")
log = logging.getLogger(__name__)
HISTORY: Table = HistoryRow.__table__  # type: ignore[assignment]
DECISIONS: Table = ReviewDecisionRow.__table__  # type: ignore[assignment]


class FieldOutcome(BaseModel):
    key: str
    value: Any
    state: str
    issues: list[str]
    changed: dict[str, list[str]] = {}  # other fields whose issues the checks changed
    derived: dict[str, Any] = {}
    flagged_left: int
    persons_left: int
    linked: list[dict[str, Any]] = []


# one writer per record per process: a reviewer pressing Enter quickly must not lose an update
_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)


def _one_writer(fn: Callable[..., T]) -> Callable[..., T]:
    """Serialise the actions on one record (its id is the third argument)."""
    @functools.wraps(fn)
    def wrapped(db: ServiceDB, ctx: Context, record_id: str, *args: Any, **kw: Any) -> T:
        with _locks[record_id]:
            return fn(db, ctx, record_id, *args, **kw)
    return wrapped


def load(ctx: Context, record_id: str) -> Record:
    return Record.from_json(ctx.store.get_bytes(keys.record_key(record_id)))


def _require_claim(conn: Connection, record_id: str, reviewer: str) -> None:
    """The reviewer must hold a live claim; each action renews it."""
    if not holds_claim(conn, record_id, reviewer):
        raise Conflict(f"record {record_id} is not claimed by {reviewer}",
                       hint="open it from the queue to claim it (claims expire)")
    claim(conn, record_id, reviewer)


def _history(conn: Connection, record_id: str, key: str | None, action: str, old: Any,
             new: Any, reason: str | None, actor: str) -> None:
    conn.execute(insert(HISTORY).values(record_id=record_id, field_key=key, action=action,
                                        old_value=old, new_value=new, reason=reason,
                                        actor=actor, at=datetime.now(UTC)))


def derived_keys(key: str) -> tuple[str, str]:
    return f"{key}_code", f"{key}_units_version"


def is_derived(key: str) -> bool:
    return key.endswith(("_code", "_units_version"))


def _with_derived(fields: dict[str, FieldValue], key: str,
                  derived: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """`fields` with `key`'s derived unit fields replaced by `derived`, in record order
    (right after `key` when they are new)."""
    out: dict[str, FieldValue] = {}
    for k, v in fields.items():
        if k in derived_keys(key):
            continue
        out[k] = v
        if k == key:
            out.update(derived)
    return out


def _decision(conn: Connection, record: Record, key: str, before: FieldValue, after: Any,
              reviewer: str, now: datetime) -> None:
    """One `review_decisions` row per field: the machine's confidence, state and value
    before any review, and the reviewer's final value (a field decided again updates its
    row, so calibration counts each field once: `confirmed` iff the machine was right)."""
    first = conn.execute(select(DECISIONS.c.id, DECISIONS.c.value_before).where(
        DECISIONS.c.record_id == record.record_id, DECISIONS.c.field_key == key)).first()
    if first is None:
        action = "confirmed" if after == before.value else "corrected"
        conn.execute(insert(DECISIONS).values(
            record_id=record.record_id, doc_type=record.doc_type.value, field_key=key,
            confidence=before.confidence, state_before=before.state.value, action=action,
            value_before=before.value, value_after=after, reviewer=reviewer, decided_at=now))
        return
    action = "confirmed" if after == first.value_before else "corrected"
    conn.execute(update(DECISIONS).where(DECISIONS.c.id == first.id).values(
        action=action, value_after=after, reviewer=reviewer, decided_at=now))


def _counts(record: Record) -> tuple[int, int]:
    return (sum(f.state == FieldState.flagged for k, f in record.fields.items()
                if not is_derived(k)),
            sum(p.match == MatchState.candidate for p in record.persons))


def _relink(record: Record, linker: Any | None) -> list[dict[str, Any]]:
    """Re-link the persons with matching's Linker (when a registry is loaded); persons a
    reviewer already settled are kept. Without a linker the persons stay as they are."""
    if linker is None:
        return []
    try:
        links = linker.link_record(record)
    except Exception:
        log.warning("re-linking %s failed; persons kept", record.record_id, exc_info=True)
        return []
    decided = {p.role for p in record.persons if (p.model_extra or {}).get("reviewed_by")}
    record.persons = [p for p in record.persons if p.role in decided] + [
        p for p in links if p.role not in decided]
    return [p.model_dump(mode="json") for p in record.persons]


@_one_writer
def decide_field(db: ServiceDB, ctx: Context, record_id: str, key: str, typed: str | None,
                 reviewer: str, reason: str | None = None, *,
                 linker: Any | None = None) -> FieldOutcome:
    """`typed` None (or equal to the shown value) confirms the field; anything else is a
    correction, normalised and cross-checked at once."""
    db.run(lambda conn: _require_claim(conn, record_id, reviewer))
    record = load(ctx, record_id)
    fv = record.fields.get(key)
    if fv is None:
        raise InputError(f"record {record_id} has no field {key!r}", stage="review")
    before = fv.model_copy(deep=True)
    shown = "" if fv.value is None else str(fv.value)
    if typed is None or typed.strip() == shown:
        fv.state = FieldState.confirmed
        action, revision = "confirmed", None
    else:
        revision = revise(record, key, typed)
        if fv.model_extra is not None and "machine_value" not in fv.model_extra:
            fv.machine_value = before.value
        fv.value, fv.state, fv.issues = revision.value, FieldState.corrected, revision.issues
        derived = {dk: FieldValue(value=dv, raw=fv.raw, confidence=fv.confidence,  # type: ignore[arg-type]
                                  page=fv.page, bbox=fv.bbox, state=FieldState.corrected)
                   for dk, dv in revision.derived.items()}
        record.fields = _with_derived(record.fields, key, derived)
        action = "corrected"
    for dk in derived_keys(key):  # `<key>_code`, `<key>_units_version` follow their place
        if dk in record.fields and record.fields[dk].state == FieldState.flagged:
            record.fields[dk].state = fv.state
    spec = spec_for(record)
    changed = refresh_issues(record, run_cross_checks(record.fields, spec), spec)
    changed.pop(key, None)
    linked = _relink(record, linker) if action == "corrected" else []
    now = datetime.now(UTC)

    def audit(conn: Connection) -> None:  # written before the record: no change unaudited
        _decision(conn, record, key, before, fv.value, reviewer, now)
        _history(conn, record_id, key, action, before.value, fv.value,
                 reason or (f"typed {typed!r}" if action == "corrected" else None), reviewer)
    db.run(audit)
    save_record(record, ctx)
    flagged, persons = _counts(record)
    return FieldOutcome(key=key, value=fv.value, state=fv.state.value, issues=fv.issues,
                        changed=changed, derived=revision.derived if revision else {},
                        flagged_left=flagged, persons_left=persons, linked=linked)


@_one_writer
def settle_person(db: ServiceDB, ctx: Context, record_id: str, role: str,
                  citizen_id: str | None, reviewer: str) -> Record:
    """Link the person to one of its candidates, or to nobody (`citizen_id` None)."""
    db.run(lambda conn: _require_claim(conn, record_id, reviewer))
    record = load(ctx, record_id)
    person = next((p for p in record.persons if p.role == role), None)
    if person is None:
        raise InputError(f"record {record_id} has no person {role!r}", stage="review")
    if citizen_id is not None and citizen_id not in {c.citizen_id for c in person.candidates}:
        raise InputError(f"{citizen_id} is not a candidate for {role}", stage="review")
    old = {"citizen_id": person.citizen_id, "match": person.match.value}
    person.citizen_id = citizen_id
    person.match = MatchState.linked if citizen_id else MatchState.none
    cand = next((c for c in person.candidates if c.citizen_id == citizen_id), None)
    person.score = cand.score if cand else None
    person.reviewed_by = reviewer
    db.run(lambda conn: _history(
        conn, record_id, f"person:{role}", "linked" if citizen_id else "unlinked", old,
        {"citizen_id": citizen_id, "match": person.match.value}, None, reviewer))
    save_record(record, ctx)
    return record


@_one_writer
def approve(db: ServiceDB, ctx: Context, record_id: str, reviewer: str) -> Record:
    db.run(lambda conn: _require_claim(conn, record_id, reviewer))
    record = load(ctx, record_id)
    flagged, persons = _counts(record)
    if flagged or persons:
        raise Conflict(f"record {record_id} still has {flagged} flagged field(s) and "
                       f"{persons} ambiguous person(s)",
                       hint="confirm or correct every flagged field (Enter) first")
    old = record.status.value
    record.status = RecordStatus.verified
    record.reviewed_by = reviewer
    record.reviewed_at = datetime.now(UTC).isoformat(timespec="seconds")
    db.run(lambda conn: _history(conn, record_id, None, "approved", old, record.status.value,
                                 None, reviewer))
    save_record(record, ctx)
    db.run(lambda conn: release(conn, record_id, reviewer))
    return record


@_one_writer
def reject(db: ServiceDB, ctx: Context, record_id: str, reviewer: str,
           reason: str) -> Record:
    if not reason.strip():
        raise InputError("a rejection needs a reason", stage="review",
                         hint="say what is wrong with the document")
    db.run(lambda conn: _require_claim(conn, record_id, reviewer))
    record = load(ctx, record_id)
    old = record.status.value
    record.status = RecordStatus.rejected
    record.rejected_stage, record.rejected_reason = "review", reason.strip()
    if "rejected_by_reviewer" not in record.issues:
        record.issues.append("rejected_by_reviewer")
    db.run(lambda conn: _history(conn, record_id, None, "rejected", old, record.status.value,
                                 reason.strip(), reviewer))
    save_record(record, ctx)
    db.run(lambda conn: release(conn, record_id, reviewer))
    return record


def history(conn: Connection, record_id: str) -> list[Any]:
    return list(conn.execute(select(HISTORY).where(HISTORY.c.record_id == record_id)
                             .order_by(HISTORY.c.id)).all())
