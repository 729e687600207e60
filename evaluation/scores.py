"""The scores of records.md ("what accuracy means everywhere"), computed one way only.

Every figure is a `Ratio` (hits over total) so a report can show the counts behind a rate
and an empty denominator stays visibly empty (None), never a flattering 0 % or 100 %.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.field_keys import FIELD_KEYS
from evaluation.calibration import (
    ReliabilityBin, ThresholdCheck, reliability_bins, threshold_checks,
)
from evaluation.corpus import Corpus, Predictions, load_corpus, load_predictions
from pipeline.models import FieldState, MatchState, Record, RecordStatus
from pipeline.textnorm import same_text

REVIEWER_STATES = frozenset({FieldState.corrected, FieldState.confirmed})
_IDENTIFIER = re.compile(r"^\s*[+-]?0\d")  # "001190012345": digits, but not a number


@dataclass(frozen=True)
class Ratio:
    hits: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.hits / self.total if self.total else None

    def to_json(self) -> dict[str, int | float | None]:
        return {"hits": self.hits, "total": self.total, "rate": self.rate}


@dataclass(frozen=True)
class FieldOutcome:
    """One truth field against its prediction (`present` False: no predicted field)."""

    stem: str
    doc_type: str  # the truth's doc type
    key: str
    truth: Any
    predicted: Any
    present: bool
    correct: bool
    confidence: float | None
    state: str | None


@dataclass(frozen=True)
class Timing:
    pages: int
    seconds: float
    source: str  # "summary.json", "batch run", "given"

    @property
    def pages_per_minute(self) -> float | None:
        return self.pages * 60.0 / self.seconds if self.seconds > 0 else None


@dataclass
class Scores:
    documents: int
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    doc_type: Ratio
    doc_type_confusion: dict[str, dict[str, int]]
    field_overall: Ratio
    field_per_doc_type: dict[str, Ratio]
    field_per_key: dict[str, dict[str, Ratio]]  # doc type -> key -> ratio
    straight_through: Ratio
    auto_accept_error: Ratio
    review_load: Ratio
    linkage_precision: Ratio
    linkage_recall: Ratio
    link_candidates: int  # persons waiting for review (match = candidate)
    timing: Timing | None
    bins: list[ReliabilityBin]
    thresholds: list[ThresholdCheck]
    outcomes: list[FieldOutcome] = field(repr=False)

    @property
    def failed_thresholds(self) -> list[float]:
        return [t.threshold for t in self.thresholds if t.ok is False]

    def worst_fields(self, n: int = 10) -> list[tuple[str, str, Ratio]]:
        """Lowest accuracy first; ties broken by more errors, then by name."""
        rows = [(dt, key, r) for dt, keys in self.field_per_key.items() for key, r in keys.items()]
        rows.sort(key=lambda x: (x[2].rate if x[2].rate is not None else 2.0,
                                 -(x[2].total - x[2].hits), x[0], x[1]))
        return [r for r in rows if r[2].hits < r[2].total][:n]

    def wrong_samples(self, per_field: int = 3) -> dict[str, list[dict[str, Any]]]:
        """A few wrong values per `doc_type.key`, for debugging an extractor."""
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for o in self.outcomes:
            name = f"{o.doc_type}.{o.key}"
            if not o.correct and len(out[name]) < per_field:
                out[name].append({"doc": o.stem, "truth": o.truth, "predicted": o.predicted,
                                  "present": o.present, "confidence": o.confidence,
                                  "state": o.state})
        return dict(out)


def _as_number(v: Any) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str) and not _IDENTIFIER.match(v):
        try:
            x = float(v.strip())
        except ValueError:
            return None
        return x if math.isfinite(x) else None
    return None


def values_equal(truth: Any, predicted: Any) -> bool:
    """The scorer's equality: null = null; numbers as numbers when either side is a JSON
    number ("108.0" = 108, but "0011" stays an identifier); text after NFC and whitespace
    folding (case and diacritics matter)."""
    if truth is None or predicted is None:
        return truth is None and predicted is None
    num_side = (isinstance(truth, (int, float)) and not isinstance(truth, bool)) or (
        isinstance(predicted, (int, float)) and not isinstance(predicted, bool))
    if num_side:
        a, b = _as_number(truth), _as_number(predicted)
        if a is not None and b is not None:
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
        return False
    if isinstance(truth, str) and isinstance(predicted, str):
        return same_text(truth, predicted)
    return truth == predicted


def field_outcomes(corpus: Corpus, preds: Predictions) -> list[FieldOutcome]:
    out = []
    for stem, truth in corpus.truths.items():
        record = preds.records.get(stem)
        fields = record.fields if record is not None else {}
        for key, tv in truth.fields.items():
            fv = fields.get(key)
            if fv is None:
                out.append(FieldOutcome(stem, truth.doc_type, key, tv, None, False,
                                        False, None, None))
            else:
                out.append(FieldOutcome(stem, truth.doc_type, key, tv, fv.value, True,
                                        values_equal(tv, fv.value), fv.confidence,
                                        fv.state.value))
    return out


def _ratio(items: list[FieldOutcome]) -> Ratio:
    return Ratio(sum(o.correct for o in items), len(items))


def _straight_through(record: Record | None) -> bool:
    if record is None or record.status != RecordStatus.verified:
        return False
    return not any(fv.state in REVIEWER_STATES for fv in record.fields.values())


def _linkage(corpus: Corpus, preds: Predictions) -> tuple[Ratio, Ratio, int]:
    """Precision over predicted links, recall over truth persons with a citizen id; persons
    are matched by role (a link for a role the truth lacks is a wrong link)."""
    linked = right = candidates = 0
    recalled = truth_linkable = 0
    for stem, truth in corpus.truths.items():
        by_role = {p.role: p.citizen_id for p in truth.persons}
        record = preds.records.get(stem)
        persons = record.persons if record is not None else []
        found: set[str] = set()
        for p in persons:
            if p.match == MatchState.candidate:
                candidates += 1
            if p.match != MatchState.linked:
                continue
            linked += 1
            want = by_role.get(p.role)
            if want is not None and p.citizen_id is not None and same_text(want, p.citizen_id):
                right += 1
                found.add(p.role)
        for p in truth.persons:
            if p.citizen_id is not None:
                truth_linkable += 1
                recalled += p.role in found
    return Ratio(right, linked), Ratio(recalled, truth_linkable), candidates


def timing_from(preds: Predictions, given: Timing | None) -> Timing | None:
    """A given timing wins; else summary.json's `seconds` (pages from it or the records)."""
    if given is not None:
        return given
    s = preds.summary or {}
    seconds = s.get("seconds")
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds <= 0:
        return None
    pages = s.get("pages")
    if not isinstance(pages, int) or isinstance(pages, bool) or pages <= 0:
        pages = sum(r.source.pages for r in preds.records.values())
    return Timing(pages=pages, seconds=float(seconds), source="summary.json")


def score(corpus: Corpus, preds: Predictions, timing: Timing | None = None) -> Scores:
    """All figures of records.md for one corpus and one prediction folder."""
    outcomes = field_outcomes(corpus, preds)
    per_doc: dict[str, list[FieldOutcome]] = defaultdict(list)
    per_key: dict[str, dict[str, list[FieldOutcome]]] = defaultdict(lambda: defaultdict(list))
    for o in outcomes:
        per_doc[o.doc_type].append(o)
        per_key[o.doc_type][o.key].append(o)

    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    doc_right = straight = 0
    review_flagged = review_total = 0
    for stem, truth in corpus.truths.items():
        record = preds.records.get(stem)
        predicted_type = record.doc_type.value if record is not None else "(missing)"
        confusion[truth.doc_type][predicted_type] += 1
        doc_right += predicted_type == truth.doc_type
        straight += _straight_through(record)
        if record is not None:  # over the form's records.md keys: extensions do not count
            spec_fields = [fv for key, fv in record.fields.items()
                           if key in FIELD_KEYS.get(record.doc_type.value, ())]
            review_total += len(spec_fields)
            review_flagged += sum(fv.state == FieldState.flagged for fv in spec_fields)

    auto = [o for o in outcomes if o.state == FieldState.auto.value]
    # (confidence, correct) for every predicted field that has truth; auto ones for the check
    pairs = [(o.confidence, o.correct) for o in outcomes if o.confidence is not None]
    auto_pairs = [(o.confidence, o.correct) for o in auto if o.confidence is not None]
    precision, recall, candidates = _linkage(corpus, preds)
    n_docs = len(corpus.truths)
    return Scores(
        documents=n_docs, missing=preds.missing, extra=preds.extra,
        doc_type=Ratio(doc_right, n_docs),
        doc_type_confusion={t: dict(c) for t, c in sorted(confusion.items())},
        field_overall=_ratio(outcomes),
        field_per_doc_type={dt: _ratio(v) for dt, v in sorted(per_doc.items())},
        field_per_key={dt: {k: _ratio(v) for k, v in keys.items()}
                       for dt, keys in sorted(per_key.items())},
        straight_through=Ratio(straight, n_docs),
        auto_accept_error=Ratio(sum(not o.correct for o in auto), len(auto)),
        review_load=Ratio(review_flagged, review_total),
        linkage_precision=precision, linkage_recall=recall, link_candidates=candidates,
        timing=timing_from(preds, timing),
        bins=reliability_bins(pairs),
        thresholds=threshold_checks(auto_pairs),
        outcomes=outcomes,
    )


def evaluate_folders(corpus: Path, pred: Path, timing: Timing | None = None) -> Scores:
    """Load and validate a corpus and a prediction folder, then score them (no output)."""
    loaded = load_corpus(corpus)
    return score(loaded, load_predictions(pred, list(loaded.truths)), timing)
