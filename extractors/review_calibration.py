"""Re-calibrating the confidence model from reviewers' decisions.

Every field a reviewer looked at is a labelled example: `confirmed` means the value shown
was right, `corrected` that it was wrong. The decisions (table `review_decisions` of the
index database, written by the review workstation) carry the confidence the field was shown
with, not the evidence behind it, so the model's weights stay as fitted on a corpus and each
field family gets a monotone re-mapping of its confidence on top (Platt scaling:
logit p' = a·logit p + b, fitted on the decisions) and its auto-accept confidence re-chosen
on the re-mapped decisions. A family with fewer than `min_decisions` decisions is left as it
was. The re-mapping replaces an earlier one: it maps the confidences the records were shown
with, which assumes they were scored by the corpus-fitted model (re-process the records, or
re-fit from a corpus, before decisions pile up under a re-mapped model: the table does not
record which model scored a field).

Reviewers mostly see flagged fields (confidence below the bar), so the decisions say most
about the low range; the bar only moves when the decisions above it support the move.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from extractors.calibrate import MIN_THRESHOLD, fit_logistic, pick_threshold
from extractors.confidence import MAX_CONFIDENCE
from extractors.evidence import family as normaliser_family
from extractors.registry import form_specs
from pipeline.errors import StorageError
from pipeline.models import DocType

MIN_DECISIONS = 30
MIN_SLOPE = 0.05
_EPS = 1e-4
ACTIONS = ("confirmed", "corrected")
DECISIONS_SQL = text("select doc_type, field_key, confidence, action, value_before "
                     "from review_decisions order by id")


class ReviewDecision(BaseModel):
    """One row of `review_decisions`, as far as calibration needs it."""

    doc_type: str
    field_key: str
    confidence: float
    action: str
    value_before: str | None = None

    @property
    def correct(self) -> bool:
        return self.action == "confirmed"


def load_decisions(database_url: str) -> list[ReviewDecision]:
    """Decisions of the index database (confirmed or corrected fields only)."""
    from pipeline.index.engine import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(DECISIONS_SQL).mappings().all()
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot read review_decisions: {exc.__class__.__name__}",
                           hint="run the review workstation first, or check "
                                "SOHOA_DATABASE_URL") from exc
    finally:
        engine.dispose()
    return [ReviewDecision.model_validate(dict(r)) for r in rows
            if r["action"] in ACTIONS and r["confidence"] is not None]


def decision_family(d: ReviewDecision) -> str | None:
    """The model family of the decided field: `blank` for an empty value, else its form's
    normaliser's family (extractors.evidence.family); None for an unknown form or key."""
    if d.value_before is None or not str(d.value_before).strip():
        return "blank"
    try:
        spec = form_specs().get(DocType(d.doc_type))
    except ValueError:
        return None
    if spec is None:
        return None
    for fspec in (*spec.fields, *(f for v in spec.variants for f in v.fields)):
        if fspec.key == d.field_key:
            return normaliser_family(fspec.normaliser)
    return None


def _logit(p: float) -> float:
    p = min(1 - _EPS, max(_EPS, p))
    return math.log(p / (1 - p))


@dataclass(frozen=True, slots=True)
class Remap:
    a: float = 1.0
    b: float = 0.0

    def __call__(self, p: float) -> float:
        z = self.a * _logit(p) + self.b
        return min(MAX_CONFIDENCE, 1 / (1 + math.exp(-max(-30.0, min(30.0, z)))))



def fit_remap(decisions: Sequence[ReviewDecision]) -> Remap:
    """Platt scaling of the shown confidences; a fit that would turn the order of the
    confidences around (slope ≤ 0: too few or too odd decisions) shifts them instead."""
    z = np.array([_logit(d.confidence) for d in decisions])
    y = np.array([float(d.correct) for d in decisions])
    w = fit_logistic(np.column_stack([np.ones_like(z), z]), y, l2=0.1)
    if w[1] > MIN_SLOPE:
        return Remap(a=float(w[1]), b=float(w[0]))
    b = 0.0  # intercept only, with the confidences as offset (Newton's method)
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(z + b, -30, 30)))
        step = (p - y).sum() / max(1e-9, (p * (1 - p)).sum())
        b -= step
        if abs(step) < 1e-9:
            break
    return Remap(a=1.0, b=float(b))


def recalibrate(families: dict, decisions: Sequence[ReviewDecision], target: float,
                min_decisions: int = MIN_DECISIONS) -> tuple[dict, dict]:
    """(updated families, per-family counts). Families are the model's `families` dict."""
    by_family: dict[str, list[ReviewDecision]] = defaultdict(list)
    for d in decisions:
        fam = decision_family(d)
        if fam is not None:
            by_family[fam].append(d)
    out = {k: dict(v) for k, v in families.items()}
    counts: dict[str, dict] = {}
    for fam, items in sorted(by_family.items()):
        right = sum(d.correct for d in items)
        counts[fam] = {"decisions": len(items), "confirmed": right,
                       "updated": False}
        if fam not in out or len(items) < min_decisions or right in (0, len(items)):
            continue  # too few, or nothing to tell right from wrong by
        params = out[fam]
        new = fit_remap(items)
        params["remap"] = {"a": round(new.a, 4), "b": round(new.b, 4)}
        p = np.array([new(d.confidence) for d in items])
        y = np.array([float(d.correct) for d in items])
        if (p >= MIN_THRESHOLD).any():  # re-choose the bar only where decisions reach it
            params["threshold"] = pick_threshold(np.round(p, 4), y, target)
        counts[fam]["updated"] = True
    return out, counts
