"""Fixity: every kept original must still hash to the key it is stored under.

Originals are immutable and keyed by SHA-256, so a mismatch or a missing object is damage
(bit rot, an overwrite, a lost volume) that archive staff must hear about; nothing here
repairs anything."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from pydantic import BaseModel, Field

from pipeline.errors import StorageError
from pipeline.storage import ObjectStore

ORIGINALS = "originals/"


class FixityProblem(BaseModel):
    key: str
    problem: str  # "mismatch" | "unreadable" | "missing"
    detail: str


class FixityReport(BaseModel):
    checked: int = 0
    ok: int = 0
    problems: list[FixityProblem] = Field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems


def check_original(store: ObjectStore, key: str) -> FixityProblem | None:
    expected = key.removeprefix(ORIGINALS)
    try:
        actual = hashlib.sha256(store.get_bytes(key)).hexdigest()
    except StorageError as err:
        return FixityProblem(key=key, problem="unreadable", detail=str(err))
    if actual != expected:
        return FixityProblem(key=key, problem="mismatch", detail=f"bytes now hash to {actual}")
    return None


def check_originals(store: ObjectStore, expected_shas: Iterable[str] = (),
                    on_checked: Callable[[str, FixityProblem | None], None] | None = None,
                    ) -> FixityReport:
    """Re-hash every stored original; `expected_shas` (from the index) also catches
    originals that vanished, which a listing of the store cannot show."""
    report = FixityReport()
    stored = set(store.list(ORIGINALS))
    for sha in sorted(expected_shas):
        key = ORIGINALS + sha
        if key not in stored:
            report.checked += 1
            report.problems.append(FixityProblem(key=key, problem="missing",
                                                 detail="indexed but not in the store"))
    for key in sorted(stored):
        problem = check_original(store, key)
        report.checked += 1
        if problem is None:
            report.ok += 1
        else:
            report.problems.append(problem)
        if on_checked:
            on_checked(key, problem)
    return report
