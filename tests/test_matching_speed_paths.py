"""The fast paths of the linker give exactly what the plain definitions give: folding word by
word, name levels, ranking and explanations, chunked blocking, rows kept for confirmation,
and the same links on PostgreSQL as on SQLite."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein
from sqlalchemy import create_engine

import matching.linker as linker_module
from matching import Linker, PersonQuery, load_registry, store
from matching.comparators import (
    FUZZY,
    FUZZY_HIGH,
    MARK_COST,
    compare_dates,
    compare_exact,
    compare_ids,
    compare_names,
    compare_places,
)
from matching.folding import fold_name, name_parts, tone_key
from matching.scoring import candidate_match, candidate_terms
from matching.store import fetch_by_ids
from pipeline.index.engine import make_engine
from pipeline.textnorm import fold

SAMPLE_REGISTRY = Path(__file__).resolve().parents[1] / "samples" / "corpus" / "registry.csv"
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯYQ" + "\u0300\u0301\u0303\u0309\u0323" \
    + "áàảãạýỳỷỹỵ"
TEXT = st.text(alphabet=st.sampled_from([*LETTERS, " ", "\t", "\u00a0", "-"]), max_size=30)


def _fold_whole(text: str) -> str:
    return re.sub(r"(?<=[bcdghklmnpqrstvx])y\b", "i", fold(text))


def _tone_whole(text: str) -> str:
    out = []
    for w in unicodedata.normalize("NFC", text).lower().split():
        nfd = unicodedata.normalize("NFD", w)
        tones = "".join(c for c in nfd if c in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in tones))
        out.append(re.sub(r"(?<=[bcdghklmnpqrstvx])y(?=[\u0300\u0301\u0303\u0309\u0323]*$)",
                          "i", base + tones))
    return " ".join(out)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_folding_word_by_word_equals_folding_the_whole_text(text: str) -> None:
    assert fold_name(text) == _fold_whole(text)
    assert tone_key(text) == _tone_whole(text)


def _name_level(a: str, b: str) -> int:
    """The name levels as first defined: every test on every pair, similarity by cdist."""
    fa, fb = fold_name(a), fold_name(b)
    (sa, ma, ga), (sb, mb, gb) = name_parts(fa), name_parts(fb)
    df, dt = Levenshtein.distance(fa, fb), Levenshtein.distance(tone_key(a), tone_key(b))
    sim = max(0.0, 1.0 - (df + MARK_COST * max(dt - df, 0)) / max(len(fa), len(fb), 1))
    if tone_key(a) == tone_key(b):
        return 0
    if fa == fb:
        return 1
    if bool(sa) and sa == sb and ga == gb and (not ma or not mb) and ma != mb:
        return 2
    if bool(ga and gb) and Levenshtein.distance(ga, gb) > 1:
        return 5
    return 3 if sim >= FUZZY_HIGH else 4 if sim >= FUZZY else 5


NAME = st.text(alphabet=st.sampled_from([*"nguyễn văn hùng thị mỹ lê hoà hòa", " "]),
               min_size=1, max_size=24)


@settings(max_examples=300, deadline=None)
@given(NAME, st.lists(NAME, max_size=6))
def test_name_levels_equal_their_definition(a: str, bs: list[str]) -> None:
    expected = [_name_level(a, b) if b and a else None for b in bs]
    assert compare_names(a, bs) == expected


@pytest.fixture(scope="module")
def registry_rows() -> list[dict[str, str]]:
    with SAMPLE_REGISTRY.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def linker(tmp_path_factory: pytest.TempPathFactory) -> Linker:
    engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('reg')}/index.db")
    load_registry(SAMPLE_REGISTRY, engine)
    return Linker(engine)


def _queries(rows: list[dict[str, str]], n: int) -> list[PersonQuery]:
    """Persons as documents print them: every third with a birth year only, every fifth
    with a misspelled name, some with their mother's name."""
    out = []
    for i, r in enumerate(rows[:n]):
        name = r["full_name"] if i % 5 else fold_name(r["full_name"]).title()
        out.append(PersonQuery(
            full_name=name, gender=r["gender"] or None,  # type: ignore[arg-type]
            date_of_birth=None if i % 3 == 0 else r["date_of_birth"],
            birth_year=int(r["date_of_birth"][:4]) if i % 3 == 0 else None,
            mother_name=r["mother_name"] or None, place_code=r["place_of_birth_code"] or None))
    return out


def _reference_levels(linker: Linker, row: dict[str, Any],
                      cands: list[dict[str, Any]]) -> list[dict[str, int | None]]:
    """Every comparison on every candidate through the comparators' general entry points."""
    out: list[dict[str, int | None]] = [{} for _ in cands]
    for c in linker.settings.comparisons:
        q = row.get(c.query)
        fallback = row.get(c.query_fallback) if c.query_fallback else None
        values = [next((cand.get(col) for col in c.columns if cand.get(col)), None)
                  for cand in cands]
        if c.kind == "place":
            lv = compare_places(q, fallback, [[cand.get(col) for col in c.columns]
                                              for cand in cands],
                                [[cand.get(col) for col in c.text_columns] for cand in cands])
        elif c.kind == "name":
            lv = compare_names(q, values)
        elif c.kind == "date":
            lv = compare_dates(q, fallback, values)
        elif c.kind == "id":
            lv = compare_ids(q, values)
        else:
            lv = compare_exact(q, values)
        for d, level in zip(out, lv):
            d[c.name] = level
    return out


def _reference_score(linker: Linker, query: PersonQuery) -> list[Any]:
    """Scored candidates as first defined: every candidate's terms, then the best 25."""
    row = query.as_row()
    with linker.engine.connect() as conn:
        cands = linker._block(conn, row)
        by_id = dict(zip(cands, _reference_levels(linker, row, list(cands.values()))))
        tf: dict[str, dict[str, float]] = {cid: {} for cid in cands}
        rule = linker.settings.rule("name")
        for cid, cand in cands.items():
            if by_id[cid]["full_name"] in (0, 1):
                key = linker_module.rule_key(rule, cand)
                n = linker_module.key_counts(conn, linker.settings, "name", [key]).get(key)
                if n:
                    tf[cid]["full_name"] = n / linker.size
    totals = [(*candidate_terms(by_id[cid], linker.settings, linker.params, linker.prior,
                                tf[cid]), cid) for cid in cands]
    totals.sort(key=lambda t: (-t[0], t[2]))
    return [candidate_match(cid, total, terms) for total, terms, cid in totals[:25]]


def test_ranking_and_explanations_equal_their_definition(
        linker: Linker, registry_rows: list[dict[str, str]]) -> None:
    queries = _queries(registry_rows, 120)
    scored = [s for _, _, s in linker.link_scored(queries)]
    assert sum(len(s) for s in scored) > 200  # not only the true citizen
    for query, got in zip(queries, scored):
        want = _reference_score(linker, query)
        assert [c.model_dump() for c in got] == [c.model_dump() for c in want]


def test_chunked_blocking_equals_linking_one_by_one(
        linker: Linker, registry_rows: list[dict[str, str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    queries = _queries(registry_rows, 60)
    one_by_one = [linker.link(q).model_dump() for q in queries]
    monkeypatch.setattr(linker_module, "CHUNK", 7)
    assert [r.model_dump() for r in linker.link_many(queries)] == one_by_one
    monkeypatch.setattr(store, "BATCH_KEYS", 3)  # a chunk's keys over several statements
    assert [r.model_dump() for r in linker.link_many(queries)] == one_by_one
    assert any(r["match"] == "linked" for r in one_by_one)


def test_rows_kept_for_confirmation_equal_the_table(linker: Linker,
                                                    registry_rows: list[dict[str, str]]) -> None:
    from matching.joint import link_document

    queries = [q.model_copy(update={"role": "subject"}) for q in _queries(registry_rows, 2)]
    results = link_document(linker, "death_certificate", queries[1:])
    ids = [r.citizen_id for r in results if r.citizen_id]
    assert ids
    with linker.engine.connect() as conn:
        assert linker.rows(ids) == fetch_by_ids(conn, linker.settings, ids)
    linker.keep_rows({})
    with linker.engine.connect() as conn:
        assert linker.rows(ids) == fetch_by_ids(conn, linker.settings, ids)


@pytest.mark.postgres
def test_postgresql_links_exactly_as_sqlite(postgres_url: str, linker: Linker,
                                            registry_rows: list[dict[str, str]]) -> None:
    pg = Linker(_loaded(make_engine(postgres_url)))
    queries = _queries(registry_rows, 80)
    assert [r.model_dump() for r in pg.link_many(queries)] == \
        [r.model_dump() for r in linker.link_many(queries)]
    assert pg.blocking_candidates(queries[1]) == linker.blocking_candidates(queries[1])


def _loaded(engine: Any) -> Any:
    load_registry(SAMPLE_REGISTRY, engine)
    return engine
