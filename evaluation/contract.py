"""Checks that truth and prediction files follow the record format, key by key.

A score over malformed input is worse than no score: it silently counts contract breaks as
extraction errors. So every break is reported as a `Problem` naming the file and the key,
and all problems are collected before anything is scored (one run shows them all).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from evaluation.field_keys import DOC_TYPES, is_field_key, is_person_role
from pipeline.errors import CorpusError
from pipeline.models import SCHEMA_ID, FieldState, Record

# Keys the scorer depends on: a default would hide a contract break, so they must be present.
RECORD_REQUIRED = ("schema", "record_id", "source", "doc_type", "status", "fields")
FIELD_REQUIRED = ("value", "confidence", "state")
PERSON_REQUIRED = ("role", "match")


@dataclass(frozen=True)
class Problem:
    file: Path
    key: str  # dotted path inside the file, e.g. `fields.full_name.confidence`
    message: str

    def __str__(self) -> str:
        return f"{self.file}: key '{self.key}': {self.message}"


def raise_problems(problems: list[Problem], *, limit: int = 30) -> None:
    """Turn collected problems into one CorpusError (no-op when there are none)."""
    if not problems:
        return
    files = {p.file for p in problems}
    if len(problems) == 1:
        p = problems[0]
        raise CorpusError(f"key '{p.key}': {p.message}", filename=str(p.file),
                          hint="fix the file so it follows shared/spec/records.md")
    lines = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"... and {len(problems) - limit} more")
    raise CorpusError(
        f"{len(problems)} problems in {len(files)} file(s):\n" + "\n".join(lines),
        filename=str(next(iter(files))) if len(files) == 1 else None,
        hint="fix the files so they follow shared/spec/records.md",
    )


def read_json(path: Path, problems: list[Problem]) -> Any:
    """The parsed JSON, or None after recording why it could not be read."""
    try:
        return json_loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        problems.append(Problem(path, "(file)", f"not valid JSON: {exc}"))
        return None


def json_loads(data: bytes) -> Any:
    """Strict JSON: NaN and Infinity are not JSON, and would poison every mean."""

    def _no_constant(name: str) -> float:
        raise ValueError(f"{name} is not allowed in JSON")

    return json.loads(data, parse_constant=_no_constant)


def _is_value(v: Any) -> bool:
    """A normalised field value: a string, a number, or null (never a bool, list or object)."""
    if isinstance(v, bool):
        return False
    return v is None or isinstance(v, str) or (isinstance(v, (int, float)) and math.isfinite(v))


def check_truth(path: Path, data: Any) -> list[Problem]:
    """Problems in one `<stem>.truth.json` (empty when it follows the ground-truth format)."""
    if not isinstance(data, dict):
        return [Problem(path, "(file)", "a truth file must be a JSON object")]
    out: list[Problem] = []
    doc_type = data.get("doc_type")
    if doc_type not in DOC_TYPES:
        out.append(Problem(path, "doc_type", f"unknown doc_type {doc_type!r}; expected one of "
                                             f"{', '.join(DOC_TYPES)}"))
        return out
    fields = data.get("fields")
    if not isinstance(fields, dict):
        out.append(Problem(path, "fields", "missing or not an object of key: value"))
    else:
        for key, value in fields.items():
            if not is_field_key(doc_type, key):
                out.append(Problem(path, f"fields.{key}", f"not a field key of {doc_type}"))
            elif not _is_value(value):
                out.append(Problem(path, f"fields.{key}", f"value must be a string, a number "
                                                          f"or null, got {value!r}"))
    persons = data.get("persons", [])
    if not isinstance(persons, list):
        out.append(Problem(path, "persons", "must be a list"))
        return out
    for i, person in enumerate(persons):
        where = f"persons[{i}]"
        if not isinstance(person, dict):
            out.append(Problem(path, where, "must be an object"))
            continue
        if not is_person_role(doc_type, str(person.get("role"))):
            out.append(Problem(path, f"{where}.role",
                               f"role {person.get('role')!r} is not a person of {doc_type}"))
        cid = person.get("citizen_id")
        if cid is not None and not isinstance(cid, str):
            out.append(Problem(path, f"{where}.citizen_id", "must be a string or null"))
    return out


def check_prediction(path: Path, data: Any) -> tuple[Record | None, list[Problem]]:
    """The parsed record and the problems in one prediction file (record is None if any)."""
    if not isinstance(data, dict):
        return None, [Problem(path, "(file)", "a record must be a JSON object")]
    out = [Problem(path, k, "missing required key") for k in RECORD_REQUIRED if k not in data]
    if "schema" in data and data["schema"] != SCHEMA_ID:
        out.append(Problem(path, "schema", f"expected {SCHEMA_ID!r}, got {data['schema']!r}"))
    doc_type = data.get("doc_type")
    fields = data.get("fields")
    if isinstance(fields, dict):
        for key, fv in fields.items():
            # keys beyond records.md's lists are extensions the contract allows ("new
            # optional keys"): checked for shape below, never scored
            if not isinstance(fv, dict):
                continue
            out += [Problem(path, f"fields.{key}.{k}", "missing required key")
                    for k in FIELD_REQUIRED if k not in fv]
            if "value" in fv and not _is_value(fv["value"]):
                out.append(Problem(path, f"fields.{key}.value",
                                   f"must be a string, a number or null, got {fv['value']!r}"))
            conf = fv.get("confidence")
            if isinstance(conf, (int, float)) and not isinstance(conf, bool) and not (
                    0.0 <= conf <= 1.0):
                out.append(Problem(path, f"fields.{key}.confidence",
                                   f"confidence {conf!r} is outside [0, 1]"))
            if "state" in fv and fv["state"] not in {s.value for s in FieldState}:
                out.append(Problem(path, f"fields.{key}.state",
                                   f"state {fv['state']!r} is not one of "
                                   f"{', '.join(s.value for s in FieldState)}"))
    persons = data.get("persons", [])
    if isinstance(persons, list):
        for i, person in enumerate(persons):
            if not isinstance(person, dict):
                continue
            out += [Problem(path, f"persons[{i}].{k}", "missing required key")
                    for k in PERSON_REQUIRED if k not in person]
            role = person.get("role")
            if doc_type in DOC_TYPES and "role" in person and not is_person_role(doc_type, role):
                out.append(Problem(path, f"persons[{i}].role",
                                   f"role {role!r} is not a person of {doc_type}"))
    record = None
    try:
        record = Record.model_validate(data)
    except ValidationError as exc:
        reported = {p.key for p in out}
        for err in exc.errors():
            key = _dotted(err["loc"])
            if key not in reported:
                out.append(Problem(path, key, err["msg"]))
    return (record if not out else None), out


def _dotted(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "(file)"
