"""The same engine on a non-Vietnamese people table (the second configuration documented in
docs/matching.md), and settings errors reported all at once."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from matching import (
    BlockingRule,
    Comparison,
    KeyPart,
    Linker,
    LinkSettings,
    Thresholds,
    load_registry,
)
from pipeline.errors import ConfigError

PEOPLE = LinkSettings(
    table="people",
    id_column="person_id",
    columns=("first_name", "surname", "dob", "city"),
    blocking_rules=(
        BlockingRule("dob", (KeyPart("date", ("dob",)),)),
        BlockingRule("surname_year", (KeyPart("name", ("surname",)),
                                      KeyPart("year", ("dob",)))),
    ),
    comparisons=(
        Comparison("first_name", "name", "first_name", ("first_name",), "first name"),
        Comparison("surname", "name", "surname", ("surname",), "surname",
                   term_frequency="surname_year"),
        Comparison("dob", "date", "dob", ("dob",), "date of birth"),
        Comparison("city", "exact", "city", ("city",), "city"),
    ),
    thresholds=Thresholds(link=0.99, margin=4.0, candidate=0.05),
)

REFERENCE = [
    ("p1", "Margaret", "Thompson", "1950-03-14", "Leeds"),
    ("p2", "John", "Smith", "1982-11-02", "London"),
    ("p3", "John", "Smith", "1982-06-21", "Bristol"),
    ("p4", "Siobhán", "O'Neill", "1975-08-30", "Cork"),
    ("p5", "Ahmed", "Khan", "1990-01-09", "Bradford"),
    ("p6", "Aisha", "Khan", "1990-01-09", "Bradford"),
    ("p7", "Peter", "Jones", "1964-12-25", "Cardiff"),
    ("p8", "Emma", "Wilson", "2001-07-04", "York"),
]


@pytest.fixture()
def linker(tmp_path: Path) -> Linker:
    path = tmp_path / "people.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["person_id", "first_name", "surname", "dob", "city"])
        out.writerows(REFERENCE)
    engine = create_engine(f"sqlite:///{tmp_path}/people.db")
    report = load_registry(path, engine, PEOPLE)
    assert report.inserted == len(REFERENCE)
    return Linker(engine, PEOPLE)


def test_a_second_table_links_with_the_same_engine(linker: Linker) -> None:
    queries = [
        {"first_name": "Margret", "surname": "Thompson", "dob": "1950-03-14", "city": "Leeds"},
        {"first_name": "Siobhan", "surname": "O'Neill", "dob": "1975-08-30", "city": "Cork"},
        {"first_name": "Peter", "surname": "Jones", "dob": "1964-25-12", "city": "Cardiff"},
        {"first_name": "Aisha", "surname": "Khan", "dob": "1990-01-09", "city": "Bradford"},
        {"first_name": "John", "surname": "Smith", "dob": "1982", "city": None},
        {"first_name": "Oliver", "surname": "Brown", "dob": "1999-02-02", "city": "Hull"},
    ]
    results = linker.link_many(queries)
    assert [(r.match, r.citizen_id) for r in results[:4]] == [
        ("linked", "p1"), ("linked", "p4"), ("linked", "p7"), ("linked", "p6")]
    assert results[4].match == "candidate"  # two John Smiths born 1982: a person chooses
    assert {c.citizen_id for c in results[4].candidates} >= {"p2", "p3"}
    assert results[5].match == "none"
    labels = [t.label for t in results[2].candidates[0].explanation]
    assert any(lbl.startswith("date of birth day and month swapped") for lbl in labels)


def test_settings_errors_are_reported_all_at_once() -> None:
    bad = LinkSettings(
        table="people table", id_column="id", columns=("a",),
        blocking_rules=(BlockingRule("k", (KeyPart("soundex", ("zz",)),)),),
        comparisons=(Comparison("c", "fuzzy", "a", ("b",), "c", term_frequency="nope"),),
        thresholds=Thresholds(link=0.5, candidate=0.9))
    with pytest.raises(ConfigError) as info:
        bad.check()
    message = str(info.value)
    for expected in ("not a plain identifier", "unknown transform 'soundex'",
                     "none of ('zz',)", "unknown kind 'fuzzy'", "column 'b'",
                     "term_frequency", "thresholds"):
        assert expected in message
