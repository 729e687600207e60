"""Scopes and purposes (service/data/scopes.json) compiled into a `Grant`: what one client
may read. Kept as data so the allow-lists can be reviewed by the data-protection officer
without reading code; compiled once, and every settings error is reported at once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from pipeline.errors import ConfigError

FLAGS = ("pending", "evidence", "search")


@dataclass(frozen=True)
class DocAccess:
    roles: frozenset[str]
    fields: frozenset[str]


@dataclass(frozen=True)
class Grant:
    """Union of a client's scopes: per document type, per role of the asked-about citizen,
    the allow-listed fields; plus the flags."""

    scopes: tuple[str, ...]
    access: dict[str, dict[str, frozenset[str]]]  # doc_type → role → fields
    flags: frozenset[str]

    def doc_types(self) -> list[str]:
        return sorted(self.access)

    def roles(self, doc_type: str) -> frozenset[str]:
        return frozenset(self.access.get(doc_type, {}))

    def fields_for(self, doc_type: str, citizen_roles: set[str]) -> frozenset[str]:
        """Fields of a `doc_type` record on which the citizen appears in `citizen_roles`."""
        by_role = self.access.get(doc_type, {})
        out: set[str] = set()
        for role in citizen_roles:
            out |= by_role.get(role, frozenset())
        return frozenset(out)

    def allows(self, flag: str) -> bool:
        return flag in self.flags


@dataclass(frozen=True, eq=False)  # hashed by identity: one catalog per process
class Catalog:
    scopes: dict[str, dict[str, Any]]
    purposes: dict[str, dict[str, Any]]

    def check_client(self, purpose: str, scopes: list[str]) -> None:
        """Every problem with a client's purpose and scopes, reported at once."""
        problems = []
        if purpose not in self.purposes:
            problems.append(f"unknown purpose {purpose!r} (known: {', '.join(self.purposes)})")
        else:
            allowed = set(self.purposes[purpose]["scopes"])
            for s in scopes:
                if s not in self.scopes:
                    problems.append(f"unknown scope {s!r}")
                elif s not in allowed:
                    problems.append(f"scope {s!r} is not allowed for purpose {purpose!r} "
                                    f"(allowed: {', '.join(sorted(allowed))})")
        if not scopes:
            problems.append("give at least one --scope")
        if problems:
            raise ConfigError("; ".join(problems), stage="clients",
                              hint="see service/data/scopes.json")

    def grant(self, purpose: str, scopes: tuple[str, ...]) -> Grant:
        return _compile(self, purpose, scopes)


@cache
def _compile(catalog: Catalog, purpose: str, scopes: tuple[str, ...]) -> Grant:
    allowed = set(catalog.purposes.get(purpose, {}).get("scopes", ()))
    access: dict[str, dict[str, set[str]]] = {}
    flags: set[str] = set()
    live = tuple(s for s in scopes if s in catalog.scopes and s in allowed)
    for name in live:
        spec = catalog.scopes[name]
        flags |= set(spec.get("flags", ()))
        for doc_type, doc in spec.get("documents", {}).items():
            for role in doc["roles"]:
                access.setdefault(doc_type, {}).setdefault(role, set()).update(doc["fields"])
    frozen = {d: {r: frozenset(f) for r, f in roles.items()} for d, roles in access.items()}
    return Grant(scopes=live, access=frozen, flags=frozenset(flags))


def _validate(data: dict[str, Any]) -> list[str]:
    problems = []
    for name, spec in data["scopes"].items():
        for flag in spec.get("flags", ()):
            if flag not in FLAGS:
                problems.append(f"scope {name}: unknown flag {flag!r}")
        for doc_type, doc in spec.get("documents", {}).items():
            if not doc.get("roles") or not doc.get("fields"):
                problems.append(f"scope {name}/{doc_type}: needs roles and fields")
    for name, spec in data["purposes"].items():
        for s in spec["scopes"]:
            if s not in data["scopes"]:
                problems.append(f"purpose {name}: unknown scope {s!r}")
    return problems


@cache
def catalog() -> Catalog:
    text = resources.files("service").joinpath("data/scopes.json").read_text("utf-8")
    data = json.loads(text)
    problems = _validate(data)
    if problems:
        raise ConfigError("; ".join(problems), stage="scopes", hint="fix service/data/scopes.json")
    return Catalog(scopes=data["scopes"], purposes=data["purposes"])
