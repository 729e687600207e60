"""Scores of a linker over the benchmark's persons, as records.md defines them: precision and
recall of `linked` against the truth citizen ID, plus the shares `candidate` and `none` and
blocking recall (the true citizen among the candidates the blocking keys returned).

A person whose truth is null (absent from the registry) counts against precision when linked
and is outside recall's denominator; a true citizen linked to someone else is a wrong link."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class PersonOutcome:
    """What one linker decided for one person, next to the truth."""

    doc_id: str
    role: str
    truth_id: str | None
    match: str  # linked | candidate | none
    citizen_id: str | None = None  # the linked citizen (match == linked)
    score: float | None = None
    candidate_ids: list[str] = field(default_factory=list)  # best first
    blocked_truth: bool | None = None  # truth id among the blocking candidates (None: unknown)
    explanation: list[Any] = field(default_factory=list)  # the linker's own, for failures

    @property
    def correct(self) -> bool:
        return self.match == "linked" and self.truth_id is not None and \
            self.citizen_id == self.truth_id

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def score(outcomes: list[PersonOutcome]) -> dict[str, Any]:
    """The benchmark's figures for one linker (ratios are None when undefined)."""
    n = len(outcomes)
    with_truth = [o for o in outcomes if o.truth_id is not None]
    linked = [o for o in outcomes if o.match == "linked"]
    correct = sum(o.correct for o in linked)
    candidates = [o for o in outcomes if o.match == "candidate"]
    blocked_known = [o for o in with_truth if o.blocked_truth is not None]
    precision = _ratio(correct, len(linked))
    recall = _ratio(correct, len(with_truth))
    f1 = (2 * precision * recall / (precision + recall)
          if precision is not None and recall is not None and precision + recall > 0 else None)
    return {
        "persons": n,
        "persons_in_registry": len(with_truth),
        "persons_absent": n - len(with_truth),
        "linked": len(linked),
        "linked_correct": correct,
        "linked_wrong": len(linked) - correct,
        "linked_absent_person": sum(o.truth_id is None for o in linked),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "share_linked": _ratio(len(linked), n),
        "share_candidate": _ratio(len(candidates), n),
        "share_none": _ratio(sum(o.match == "none" for o in outcomes), n),
        "candidate_has_truth": _ratio(sum(o.truth_id in o.candidate_ids for o in candidates
                                          if o.truth_id is not None),
                                      sum(o.truth_id is not None for o in candidates)),
        "blocking_recall": _ratio(sum(bool(o.blocked_truth) for o in blocked_known),
                                  len(blocked_known)),
    }


def failures(outcomes: list[PersonOutcome], limit: int = 10) -> dict[str, list[dict[str, Any]]]:
    """A few persons of each failure kind, for the engine's authors to read."""
    wrong = [o for o in outcomes if o.match == "linked" and not o.correct]
    missed = [o for o in outcomes if o.truth_id is not None and o.match != "linked"]
    return {"wrong_links": [o.to_dict() for o in wrong[:limit]],
            "missed": [o.to_dict() for o in missed[:limit]]}


def by_role(outcomes: list[PersonOutcome]) -> dict[str, dict[str, Any]]:
    """Where the misses are: the main figures per role (subject, mother, holder_1, …)."""
    roles = sorted({o.role for o in outcomes})
    keep = ("persons", "precision", "recall", "share_candidate", "share_none", "blocking_recall")
    return {role: {k: v for k, v in score([o for o in outcomes if o.role == role]).items()
                   if k in keep} for role in roles}


ROWS: tuple[tuple[str, str], ...] = (
    ("persons", "persons"), ("persons_in_registry", "in registry (truth id)"),
    ("precision", "precision of linked"), ("recall", "recall of linked"), ("f1", "F1"),
    ("linked_wrong", "wrong links"), ("share_linked", "share linked"),
    ("share_candidate", "share candidate"), ("share_none", "share none"),
    ("candidate_has_truth", "truth among candidates"), ("blocking_recall", "blocking recall"),
    ("load_seconds", "registry load s"), ("train_seconds", "training s"),
    ("link_seconds", "linking s"), ("link_cpu_seconds", "linking CPU s (process)"),
    ("cpu_ms_per_person", "linking CPU ms/person"),
    ("persons_per_second", "persons/s (linking)"),
    ("load_peak_rss_mb", "peak RSS load MB"), ("train_peak_rss_mb", "peak RSS training MB"),
    ("peak_rss_mb", "peak RSS MB"),
)
RATIOS = {"precision", "recall", "f1", "share_linked", "share_candidate", "share_none",
          "candidate_has_truth", "blocking_recall"}


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key in RATIOS:
        return f"{100 * value:.2f}%"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def table(results: dict[str, dict[str, Any]]) -> str:
    """A plain-text table, one column per linker."""
    names = list(results)
    width = max(len(label) for _, label in ROWS) + 2
    cols = [max(14, len(n) + 2) for n in names]
    lines = ["".ljust(width) + "".join(n.rjust(c) for n, c in zip(names, cols))]
    for key, label in ROWS:
        if all(results[n].get(key) is None for n in names):
            continue
        lines.append(label.ljust(width) + "".join(_cell(key, results[n].get(key)).rjust(c)
                                                  for n, c in zip(names, cols)))
    return "\n".join(lines)
