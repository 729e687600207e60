"""`Linker`: block, compare, score and decide, for one person or many, against the reference
table in the index database. One Linker per batch: it holds the fitted parameters and the
table size, and opens a connection per call (thread-safe through the engine's pool)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import Engine

from matching.comparators import (
    compare_dates,
    compare_exact,
    compare_ids,
    compare_names,
    compare_places,
)
from matching.keys import rule_key
from matching.models import CandidateMatch, LinkResult, PersonQuery
from matching.scoring import Parameters, WeightTable, prior_weight
from matching.settings import VIETNAMESE_CITIZENS, Comparison, LinkSettings
from matching.store import block_rows, block_sizes, count_rows, fetch_by_ids, key_counts

Row = Mapping[str, Any]
Counts = dict[str, dict[str, int]]  # rule -> key -> rows with that key (read once per call)
CHUNK = 200  # queries blocked together (two SQL statements per chunk)
SQLITE_MMAP_BYTES = 4 * 1024**3  # an upper bound on address space, not memory used
KEEP_SCORED = 25  # best scored candidates kept per person (for decisions and relatives)


def _as_row(query: PersonQuery | Row) -> dict[str, Any]:
    return query.as_row() if isinstance(query, PersonQuery) else dict(query)


class Linker:
    def __init__(self, engine: Engine, settings: LinkSettings = VIETNAMESE_CITIZENS) -> None:
        self.engine = engine
        self.settings = settings.check()
        self.params = Parameters.load(settings.parameters, settings)
        self.weights = WeightTable(self.settings, self.params)
        self.size = count_rows(engine, settings)
        self.prior = prior_weight(self.size)
        self._local = threading.local()  # the connection and rows of this thread's call

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """The connection of the call in progress on this thread (the joint linkage of one
        document reads through one connection), else a new one for this call."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
            return
        with self._connect() as conn:
            self._local.conn = conn
            try:
                yield conn
            finally:
                self._local.conn = None

    def keep_rows(self, rows: Mapping[str, Row]) -> None:
        """Remember the registry rows of the citizens just linked on this thread, so that
        confirming fields against them (`matching.confirm`) does not read them again."""
        self._local.rows = dict(rows)

    def rows(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Registry rows by id: those kept by the last `keep_rows` on this thread, the rest
        read from the table."""
        kept = getattr(self._local, "rows", None) or {}
        out = {i: dict(kept[i]) for i in ids if i in kept}
        missing = [i for i in ids if i not in out]
        if missing:
            with self.connection() as conn:
                out.update(fetch_by_ids(conn, self.settings, missing))
        return out

    def _connect(self) -> Any:
        """A connection; on SQLite, reads go through a memory map (the registry is read row
        by row for every person: mapping it cuts that cost by about a quarter)."""
        conn = self.engine.connect()
        if self.engine.dialect.name == "sqlite":
            conn.exec_driver_sql(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        return conn

    # --- blocking ---------------------------------------------------------------------

    def _block_many(self, conn: Any, rows: Sequence[Row], counts: Counts
                    ) -> list[dict[str, dict[str, Any]]]:
        """Per row, candidate rows by id: the union of every blocking rule's lookup, in rule
        order. A key shared by more rows than `max_block_size` is too common to block on and
        is skipped. All rows' keys of a rule are looked up together (`CHUNK` persons per
        query): their block sizes from the key index (kept in `counts`: the term frequencies
        of names are the same counts), then the rows of the usable blocks."""
        limit = self.settings.max_block_size
        keys = [{rule.name: key for rule in self.settings.blocking_rules
                 if (key := rule_key(rule, row)) is not None} for row in rows]
        wanted = {rule.name: {k[rule.name] for k in keys if rule.name in k}
                  for rule in self.settings.blocking_rules}
        wanted = {rule: ks for rule, ks in wanted.items() if ks}
        sizes = block_sizes(conn, self.settings, wanted) if wanted else {}
        for rule, ks in wanted.items():
            counts.setdefault(rule, {}).update({k: sizes[rule].get(k, 0) for k in ks})
        usable = {rule: [k for k in ks if 0 < sizes[rule].get(k, 0) <= limit]
                  for rule, ks in wanted.items()}
        usable = {rule: ks for rule, ks in usable.items() if ks}
        blocks = block_rows(conn, self.settings, usable) if usable else {}
        parsed: dict[str, dict[str, Any]] = {}
        out = []
        for k in keys:
            found: dict[str, dict[str, Any]] = {}
            for rule_name, key in k.items():
                for entity_id, data in blocks.get(rule_name, {}).get(key, ()):
                    if entity_id not in found:
                        row = parsed.get(entity_id)
                        if row is None:
                            row = parsed[entity_id] = orjson.loads(data)
                        found[entity_id] = row
            out.append(found)
        return out

    def _block(self, conn: Any, row: Row) -> dict[str, dict[str, Any]]:
        return self._block_many(conn, [row], {})[0]

    def blocking_candidates(self, query: PersonQuery | Row) -> list[str]:
        with self.connection() as conn:
            return sorted(self._block(conn, _as_row(query)))

    # --- comparing and scoring ----------------------------------------------------------

    def level_columns(self, row: Row, cands: Sequence[Row]) -> list[list[int | None]]:
        """Per comparison (settings order), the level index of every candidate (None: not
        compared)."""
        out: list[list[int | None]] = []
        for c in self.settings.comparisons:
            q = row.get(c.query)
            if c.kind == "place" and q:  # a ward code: most candidates have codes too
                out.append(self._compare_codes(c, q, row, cands))
                continue
            if c.kind == "place":
                codes = [[cand.get(col) for col in c.columns] for cand in cands]
                texts = [[cand.get(col) for col in c.text_columns] for cand in cands]
                text = row.get(c.query_fallback) if c.query_fallback else None
                out.append(compare_places(q, text, codes, texts))
                continue
            if (q is None or q == "") and c.kind != "date":  # nothing on the query's side
                out.append([None] * len(cands))
                continue
            if len(c.columns) == 1:
                col = c.columns[0]
                values = [cand.get(col) or None for cand in cands]
            else:
                values = [next((cand.get(col) for col in c.columns if cand.get(col)), None)
                          for cand in cands]
            if c.kind == "name":
                out.append(compare_names(q, values))
            elif c.kind == "date":
                year = row.get(c.query_fallback) if c.query_fallback else None
                out.append(compare_dates(q, year, values))
            elif c.kind == "id":
                out.append(compare_ids(q, values))
            else:
                out.append(compare_exact(q, values))
        return out

    @staticmethod
    def _compare_codes(c: Comparison, code: str, row: Row,
                       cands: Sequence[Row]) -> list[int | None]:
        """`compare_places` for a query with a ward code, reading a candidate's place texts
        only when it has no code."""
        text = row.get(c.query_fallback) if c.query_fallback else None
        out: list[int | None] = []
        for cand in cands:
            codes = [cand.get(col) for col in c.columns]
            if any(codes):
                out.append(0 if code in codes else 2)
            else:
                out.extend(compare_places(code, text, [codes],
                                          [[cand.get(col) for col in c.text_columns]]))
        return out

    def levels(self, row: Row, cands: Sequence[Row]) -> list[dict[str, int | None]]:
        """Per candidate, the level index of every comparison (None: not compared)."""
        columns = self.level_columns(row, cands)
        names = [c.name for c in self.settings.comparisons]
        return [dict(zip(names, lv)) for lv in zip(*columns)] if cands else []

    def _tf_keys(self, cands: Sequence[Row], columns: Sequence[Sequence[int | None]]
                 ) -> list[tuple[int, str, list[str | None]]]:
        """Per TF comparison: (its index, its rule, each candidate's key where its level
        uses the term frequency — an exact or mark-only name agreement — else None)."""
        out = []
        for i, (c, levels) in enumerate(zip(self.settings.comparisons, columns)):
            if c.term_frequency is None or not self.size:
                continue
            tf_levels = self.weights.rows[i][4]
            rule = self.settings.rule(c.term_frequency)
            out.append((i, rule.name, [rule_key(rule, cand) if lv in tf_levels else None
                                       for cand, lv in zip(cands, levels)]))
        return out

    def _known_counts(self, conn: Any, counts: Counts, rule: str,
                      keys: Iterable[str | None]) -> dict[str, int]:
        """Rows per key of `rule`: the counts blocking already read, the rest in one query."""
        known = counts.setdefault(rule, {})
        missing = {k for k in keys if k and k not in known}
        if missing:
            found = key_counts(conn, self.settings, rule, missing)
            known.update({k: found.get(k, 0) for k in missing})
        return known

    def _score_one(self, row: Row, cands: Mapping[str, Row], conn: Any,
                   counts: Counts) -> list[CandidateMatch]:
        """Rank every candidate on its total weight (one pass per comparison over all the
        candidates, level weights looked up in a table), then explain the best
        `KEEP_SCORED`."""
        ids = list(cands)
        if not ids:
            return []
        rows = [cands[i] for i in ids]
        columns = self.level_columns(row, rows)
        tf_keys = self._tf_keys(rows, columns)
        tf: list[dict[str, float]] = [{} for _ in ids]
        for index, rule, keys in tf_keys:
            known = self._known_counts(conn, counts, rule, keys)
            name = self.settings.comparisons[index].name
            for n, key in enumerate(keys):
                if key and known.get(key):
                    tf[n][name] = known[key] / self.size
        # totals summed in comparison order, exactly as `candidate_terms` sums them
        totals = [self.prior] * len(ids)
        for index, (levels, table) in enumerate(zip(columns, self.weights.level_weights)):
            name = self.settings.comparisons[index].name
            own = {n: self.weights.tf_weight(index, levels[n], freqs[name])  # type: ignore[arg-type]
                   for n, freqs in enumerate(tf) if name in freqs}
            if own:
                totals = [t + (own[n] if n in own else table[-1 if lv is None else lv])
                          for n, (t, lv) in enumerate(zip(totals, levels))]
            else:
                totals = [t + table[-1 if lv is None else lv] for t, lv in zip(totals, levels)]
        best = sorted(range(len(ids)), key=lambda n: (-totals[n], ids[n]))[:KEEP_SCORED]
        return [self.weights.explained(ids[n], [lv[n] for lv in columns], self.prior, tf[n])
                for n in best]

    def score(self, row: Row, cands: Mapping[str, Row], conn: Any) -> list[CandidateMatch]:
        return self._score_one(row, cands, conn, {})

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
        joint (per-document) linkage rescores. Blocking runs `CHUNK` queries at a time."""
        out = []
        rows = [_as_row(q) for q in queries]
        with self.connection() as conn:
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start:start + CHUNK]
                counts: Counts = {}
                for row, cands in zip(chunk, self._block_many(conn, chunk, counts)):
                    out.append((row, cands, self._score_one(row, cands, conn, counts)))
        return out

    def extend(self, row: Row, cands: dict[str, dict[str, Any]], ids: Sequence[str],
               scored: list[CandidateMatch]) -> list[CandidateMatch]:
        """Add rows `ids` (found through a relative, not by blocking) to a person's
        candidates and score them; returns the new scored list."""
        new = [i for i in dict.fromkeys(ids) if i and i not in cands]
        if not new:
            return scored
        with self.connection() as conn:
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

        with self.connection():
            return link_record(self, record)
