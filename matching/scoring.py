"""Fellegi–Sunter scoring: each comparison level carries m = P(level | match) and
u = P(level | non-match); its weight is log2(m/u). The prior is one in N (a person matches at
most one of N registry rows), so the match probability of a pair is
2^W / (1 + 2^W) with W = log2(1/(N-1)) + Σ weights. Common names weigh less: at the exact
name levels u is the share of registry rows with that (folded) name (term frequency)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matching.comparators import LABELS, LEVELS
from matching.models import CandidateMatch, ExplanationTerm
from matching.settings import LinkSettings

EXPLAINED_KEPT = 20_000  # explanations shared by candidates with the same levels
TF_LEVELS = ("exact", "marks")  # name levels whose u is the value's own frequency
UNFITTED = {  # used for a comparison the parameter file lacks: (m, u) per kind and level
    "name": {"exact": (0.85, 0.001), "marks": (0.06, 0.0005), "middle": (0.03, 0.0002),
             "fuzzy_high": (0.03, 0.002), "fuzzy": (0.02, 0.02), "else": (0.01, 0.97)},
    "date": {"exact": (0.93, 0.0001), "transposed": (0.01, 0.0001),
             "year_month": (0.02, 0.002), "year_only": (0.97, 0.015),
             "same_year": (0.02, 0.012), "else": (0.02, 0.98),
             "year_differs": (0.03, 0.985)},
    "place": {"code": (0.8, 0.002), "text": (0.1, 0.01), "else": (0.1, 0.988)},
    "exact": {"equal": (0.99, 0.5), "else": (0.01, 0.5)},
    "id": {"equal": (0.995, 1e-6), "else": (0.005, 0.999999)},
}


@dataclass
class Parameters:
    """m and u per comparison and level (fitted; see matching.estimate)."""

    m: dict[str, dict[str, float]] = field(default_factory=dict)
    u: dict[str, dict[str, float]] = field(default_factory=dict)
    meta: dict[str, object] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None, settings: LinkSettings) -> Parameters:
        data = json.loads(Path(path).read_text(encoding="utf-8")) if path else {}
        params = cls(meta=data.get("meta", {}))
        for c in settings.comparisons:
            fitted = data.get("comparisons", {}).get(c.name, {})
            for level in LEVELS[c.kind]:
                m0, u0 = UNFITTED[c.kind][level]
                got = fitted.get(level, {})
                params.m.setdefault(c.name, {})[level] = float(got.get("m", m0))
                params.u.setdefault(c.name, {})[level] = float(got.get("u", u0))
        return params

    def save(self, path: Path) -> None:
        comparisons = {name: {level: {"m": round(self.m[name][level], 6),
                                      "u": round(self.u[name][level], 9)}
                              for level in self.m[name]} for name in self.m}
        path.write_text(json.dumps({"meta": self.meta, "comparisons": comparisons},
                                   ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def weight(self, comparison: str, level: str, tf: float | None = None) -> float:
        m = self.m[comparison][level]
        u = self.u[comparison][level] if tf is None else tf
        return math.log2(max(m, 1e-9) / max(u, 1e-9))


def prior_weight(n_rows: int) -> float:
    return math.log2(1.0 / max(n_rows - 1, 1))


def probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    odds = 2.0 ** weight
    return odds / (1.0 + odds)


Term = tuple[str, str, float, str]  # comparison, level, weight, label


def candidate_terms(levels: dict[str, int | None], settings: LinkSettings, params: Parameters,
                    prior: float, tf: dict[str, float] | None = None
                    ) -> tuple[float, list[Term]]:
    """Total weight (prior included) and one term per comparison made."""
    total = prior
    terms: list[Term] = []
    for c in settings.comparisons:
        idx = levels.get(c.name)
        if idx is None:
            continue
        level = LEVELS[c.kind][idx]
        freq = (tf or {}).get(c.name) if level in TF_LEVELS else None
        w = params.weight(c.name, level, freq)
        total += w
        common = freq is not None and freq >= 5 * params.u[c.name].get("exact", 1.0)
        text = LABELS[c.kind][level] + (" (common name)" if common else "")
        terms.append((c.name, level, w, f"{c.label} {text}"))
    return total, terms


class WeightTable:
    """The weight and label of every comparison level, computed once per Linker (only a
    term-frequency level needs its own weight per candidate): `terms` gives exactly what
    `candidate_terms` gives, `level_weights` the same weights per comparison for ranking
    many candidates at once, and `explained` the `CandidateMatch` of a kept candidate."""

    def __init__(self, settings: LinkSettings, params: Parameters) -> None:
        self.settings, self.params = settings, params
        self.rows: list[tuple[Any, ...]] = []
        for c in settings.comparisons:
            levels = LEVELS[c.kind]
            weights = [params.weight(c.name, level) for level in levels]
            labels = [LABELS[c.kind][level] for level in levels]
            tf_levels = frozenset(i for i, level in enumerate(levels) if level in TF_LEVELS)
            common_at = 5 * params.u[c.name].get("exact", 1.0)
            self.rows.append((c, levels, weights, labels, tf_levels, common_at))
        # per comparison: the level weights and a last 0.0 for "not compared" (index -1)
        self.level_weights = [[*weights, 0.0] for _, _, weights, *_ in self.rows]
        self._explained: dict[tuple[Any, ...], tuple[float, float, list[ExplanationTerm]]] = {}

    def tf_weight(self, index: int, level: int, freq: float) -> float:
        c, levels = self.rows[index][0], self.rows[index][1]
        return self.params.weight(c.name, levels[level], freq)

    def terms(self, levels: Sequence[int | None], prior: float,
              tf: Mapping[str, float] | None = None) -> tuple[float, list[Term]]:
        """`candidate_terms` with `levels` in comparison order (None: not compared)."""
        total = prior
        terms: list[Term] = []
        for (c, names, weights, labels, tf_levels, common_at), idx in zip(self.rows, levels):
            if idx is None:
                continue
            freq = tf.get(c.name) if tf and idx in tf_levels else None
            w = weights[idx] if freq is None else self.params.weight(c.name, names[idx], freq)
            total += w
            common = freq is not None and freq >= common_at
            terms.append((c.name, names[idx], w,
                          f"{c.label} {labels[idx]}{' (common name)' if common else ''}"))
        return total, terms

    def explained(self, entity_id: str, levels: Sequence[int | None], prior: float,
                  tf: Mapping[str, float] | None = None) -> CandidateMatch:
        """`candidate_match(entity_id, *candidate_terms(...))`. Candidates with the same
        levels (and term frequencies) share one explanation: its terms are never changed in
        place (joint linkage adds a term to a copy of the list)."""
        key = (prior, tuple(levels), tuple(sorted(tf.items())) if tf else ())
        got = self._explained.get(key)
        if got is None:
            total, terms = self.terms(levels, prior, tf)
            got = (round(probability(total), 6), round(total, 2),
                   [ExplanationTerm(comparison=name, level=level, weight=round(w, 2),
                                    label=f"{label}: {w:+.1f}")
                    for name, level, w, label in terms])
            if len(self._explained) >= EXPLAINED_KEPT:
                self._explained.clear()
            self._explained[key] = got
        return CandidateMatch(citizen_id=entity_id, score=got[0], weight=got[1],
                              explanation=list(got[2]))


def candidate_match(entity_id: str, total: float, terms: list[Term]) -> CandidateMatch:
    """The explained candidate (built only for candidates that are kept)."""
    explanation = [ExplanationTerm(comparison=name, level=level, weight=round(w, 2),
                                   label=f"{label}: {w:+.1f}")
                   for name, level, w, label in terms]
    return CandidateMatch(citizen_id=entity_id, score=round(probability(total), 6),
                          weight=round(total, 2), explanation=explanation)


def score_candidate(entity_id: str, levels: dict[str, int | None], settings: LinkSettings,
                    params: Parameters, prior: float,
                    tf: dict[str, float] | None = None) -> CandidateMatch:
    return candidate_match(entity_id, *candidate_terms(levels, settings, params, prior, tf))
