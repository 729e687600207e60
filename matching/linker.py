"""`Linker`: block, compare, score and decide, for one person or many, against the reference
table in the index database. One Linker per batch: it holds the fitted parameters and the
table size, and opens a connection per call (thread-safe through the engine's pool)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Engine

from matching.comparators import (
    LEVELS,
    compare_dates,
    compare_exact,
    compare_ids,
    compare_names,
    compare_places,
)
from matching.keys import rule_key
from matching.models import CandidateMatch, LinkResult, PersonQuery
from matching.scoring import (
    TF_LEVELS,
    Parameters,
    candidate_match,
    candidate_terms,
    prior_weight,
)
from matching.settings import VIETNAMESE_CITIZENS, LinkSettings
from matching.store import count_rows, fetch_blocks, fetch_by_ids, key_counts

Row = Mapping[str, Any]
SQLITE_MMAP_BYTES = 4 * 1024**3  # an upper bound on address space, not memory used
KEEP_SCORED = 25  # best scored candidates kept per person (for decisions and relatives)


def _as_row(query: PersonQuery | Row) -> dict[str, Any]:
    return query.as_row() if isinstance(query, PersonQuery) else dict(query)


class Linker:
    def __init__(self, engine: Engine, settings: LinkSettings = VIETNAMESE_CITIZENS) -> None:
        self.engine = engine
        self.settings = settings.check()
        self.params = Parameters.load(settings.parameters, settings)
        self.size = count_rows(engine, settings)
        self.prior = prior_weight(self.size)

    def _connect(self) -> Any:
        """A connection; on SQLite, reads go through a memory map (the registry is read row
        by row for every person: mapping it cuts that cost by about a quarter)."""
        conn = self.engine.connect()
        if self.engine.dialect.name == "sqlite":
            conn.exec_driver_sql(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        return conn

    # --- blocking ---------------------------------------------------------------------

    def _block(self, conn: Any, row: Row) -> dict[str, dict[str, Any]]:
        """Candidate rows by id: the union of every blocking rule's lookup; a key shared by
        more rows than `max_block_size` is too common to block on and is skipped."""
        import json

        limit = self.settings.max_block_size
        found: dict[str, dict[str, Any]] = {}
        keys = {rule.name: key for rule in self.settings.blocking_rules
                if (key := rule_key(rule, row)) is not None}
        for rows in fetch_blocks(conn, self.settings, keys, limit).values():
            if rows is None:  # too common to block on
                continue
            for entity_id, data in rows:
                if entity_id not in found:
                    found[entity_id] = json.loads(data)
        return found

    def blocking_candidates(self, query: PersonQuery | Row) -> list[str]:
        with self._connect() as conn:
            return sorted(self._block(conn, _as_row(query)))

    # --- comparing and scoring ----------------------------------------------------------

    def levels(self, row: Row, cands: Sequence[Row]) -> list[dict[str, int | None]]:
        """Per candidate, the level index of every comparison (None: not compared)."""
        out: list[dict[str, int | None]] = [{} for _ in cands]
        for c in self.settings.comparisons:
            q = row.get(c.query)
            if c.kind == "place":
                codes = [[cand.get(col) for col in c.columns] for cand in cands]
                texts = [[cand.get(col) for col in c.text_columns] for cand in cands]
                text = row.get(c.query_fallback) if c.query_fallback else None
                lv = compare_places(q, text, codes, texts)
            else:
                values = [next((cand.get(col) for col in c.columns if cand.get(col)), None)
                          for cand in cands]
                if c.kind == "name":
                    lv = compare_names(q, values)
                elif c.kind == "date":
                    year = row.get(c.query_fallback) if c.query_fallback else None
                    lv = compare_dates(q, year, values)
                elif c.kind == "id":
                    lv = compare_ids(q, values)
                else:
                    lv = compare_exact(q, values)
            for d, level in zip(out, lv):
                d[c.name] = level
        return out

    def _term_frequencies(self, conn: Any, cands: Mapping[str, Row],
                          levels: Mapping[str, dict[str, int | None]]
                          ) -> dict[str, dict[str, float]]:
        """Per candidate id, per TF comparison: the share of rows with the candidate's key —
        counted only where the level uses it (an exact or mark-only name agreement)."""
        out: dict[str, dict[str, float]] = {cid: {} for cid in cands}
        for c in self.settings.comparisons:
            if c.term_frequency is None or not self.size:
                continue
            tf_levels = {i for i, lv in enumerate(LEVELS[c.kind]) if lv in TF_LEVELS}
            rule = self.settings.rule(c.term_frequency)
            keys = {cid: rule_key(rule, cand) for cid, cand in cands.items()
                    if levels[cid].get(c.name) in tf_levels}
            counts = key_counts(conn, self.settings, rule.name, [k for k in keys.values() if k])
            for cid, key in keys.items():
                if key and counts.get(key):
                    out[cid][c.name] = counts[key] / self.size
        return out

    def score(self, row: Row, cands: Mapping[str, Row], conn: Any) -> list[CandidateMatch]:
        ids = list(cands)
        if not ids:
            return []
        levels = self.levels(row, [cands[i] for i in ids])
        tf = self._term_frequencies(conn, cands, dict(zip(ids, levels)))
        totals = [(*candidate_terms(lv, self.settings, self.params, self.prior, tf[cid]), cid)
                  for cid, lv in zip(ids, levels)]
        totals.sort(key=lambda t: (-t[0], t[2]))
        return [candidate_match(cid, total, terms)
                for total, terms, cid in totals[:KEEP_SCORED]]

    # --- deciding ---------------------------------------------------------------------

    def decide(self, role: str, scored: list[CandidateMatch]) -> LinkResult:
        t = self.settings.thresholds
        kept = [s for s in scored if s.score >= t.candidate][: t.max_candidates]
        if not kept:
            return LinkResult(role=role, match="none")
        best = kept[0]
        runner_up = scored[1].weight if len(scored) > 1 else float("-inf")
        vetoed = any(term.comparison in t.must_agree and term.level == "else"
                     for term in best.explanation)
        if best.score >= t.link and best.weight - runner_up >= t.margin and not vetoed:
            return LinkResult(role=role, match="linked", citizen_id=best.citizen_id,
                              score=best.score, candidates=kept)
        return LinkResult(role=role, match="candidate", score=best.score, candidates=kept)

    def link_scored(self, queries: Sequence[PersonQuery | Row]
                    ) -> list[tuple[dict[str, Any], dict[str, dict[str, Any]], list[CandidateMatch]]]:
        """(query row, candidate rows, scored candidates) per query: the raw material the
        joint (per-document) linkage rescores."""
        out = []
        with self._connect() as conn:
            for q in queries:
                row = _as_row(q)
                cands = self._block(conn, row)
                out.append((row, cands, self.score(row, cands, conn)))
        return out

    def extend(self, row: Row, cands: dict[str, dict[str, Any]], ids: Sequence[str],
               scored: list[CandidateMatch]) -> list[CandidateMatch]:
        """Add rows `ids` (found through a relative, not by blocking) to a person's
        candidates and score them; returns the new scored list."""
        new = [i for i in dict.fromkeys(ids) if i and i not in cands]
        if not new:
            return scored
        with self._connect() as conn:
            rows = fetch_by_ids(conn, self.settings, new)
            cands.update(rows)
            extra = self.score(row, rows, conn)
        return sorted([*scored, *extra], key=lambda s: (-s.weight, s.citizen_id))

    def link_many(self, queries: Sequence[PersonQuery | Row]) -> list[LinkResult]:
        results = []
        for q, (_row, _cands, scored) in zip(queries, self.link_scored(queries)):
            role = q.role if isinstance(q, PersonQuery) else str(q.get("role", "subject"))
            results.append(self.decide(role, scored))
        return results

    def link(self, query: PersonQuery | Row) -> LinkResult:
        return self.link_many([query])[0]

    def link_record(self, record: Any) -> list[Any]:
        """The persons of one document, linked jointly (family and spouse consistency, ID
        verification): `pipeline.models.PersonLink`s in the record's role order."""
        from matching.joint import link_record

        return link_record(self, record)
