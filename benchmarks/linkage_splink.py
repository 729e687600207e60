"""The reference linker: Splink 4 (DuckDB backend), set up the way its documentation's
person-linkage examples do (febrl4, deduplicate_50k_synthetic): light cleaning (lower case,
names split into surname / middle / given), `NameComparison` and `DateOfBirthComparison` from
the comparison library with term-frequency adjustments on names and places, ExactMatch on the
rest, blocking rules for prediction whose union should catch every true match, then
`estimate_probability_two_random_records_match` from deterministic rules,
`estimate_u_using_random_sampling` and two EM sessions blocked on different columns.

Both tables carry the same columns (Splink's link_only concatenates them). A document
person's columns come from the record's fields through matching's role table (the fields our
linker reads, matching.persons.ROLE_FIELDS); what a role lacks is null, which Splink scores
as neutral. The registry carries every citizen's `birth_year`; a document person has one only
when the document gives no full date (parents, land holders), so a date and its year are
never counted twice."""

from __future__ import annotations

import logging
import resource
import time
from typing import Any

from linkage_data import TruthDocument

from matching.persons import ROLE_FIELDS


def role_columns(spec: dict[str, Any]) -> dict[str, str]:
    """{Splink column: field key} of one role, from matching's role table (the same fields
    our linker reads); "=female"/"=male" is a constant (the role implies the sex). A place
    that is a Splink column of its own (place_of_birth, hometown) keeps its name; the first
    other place is the residence."""
    cols = {"full_name": spec["name"]}
    for ours, theirs in (("dob", "dob"), ("year", "birth_year"), ("gender_key", "gender"),
                         ("id", "id_number"), ("mother", "mother_name"),
                         ("father", "father_name")):
        if ours in spec:
            cols[theirs] = spec[ours]
    if "gender" in spec:
        cols["gender"] = f"={spec['gender']}"
    for place in spec.get("places", ()):
        if place in RAW_COLUMNS:
            cols[place] = place
        else:
            cols.setdefault("residence", place)
    return cols


RAW_COLUMNS = ("unique_id", "full_name", "dob", "birth_year", "gender", "id_number", "cmnd",
               "place_of_birth", "hometown", "residence", "mother_name", "father_name")
ROLE_COLUMNS: dict[tuple[str, str], dict[str, str]] = {
    (doc_type, role): role_columns(spec)
    for doc_type, roles in ROLE_FIELDS.items() for role, spec in roles.items()}

# The same cleaning for both tables (DuckDB SQL over RAW_COLUMNS).
PREPARE_SQL = """
select unique_id,
       lower(trim(full_name)) as full_name,
       split_part(lower(trim(full_name)), ' ', 1) as surname,
       nullif(trim(regexp_replace(regexp_replace(lower(trim(full_name)), '^\\S+\\s*', ''),
                                  '\\s*\\S+$', '')), '') as middle_name,
       regexp_extract(lower(trim(full_name)), '(\\S+)$', 1) as given_name,
       nullif(dob, '') as dob,
       case when {year_always} or nullif(dob, '') is null then nullif(birth_year, '')
            end as birth_year,
       coalesce(substr(nullif(dob, ''), 1, 4), nullif(birth_year, '')) as block_year,
       nullif(gender, '') as gender,
       nullif(id_number, '') as id_number, nullif(cmnd, '') as cmnd,
       nullif(place_of_birth, '') as place_of_birth, nullif(hometown, '') as hometown,
       nullif(residence, '') as residence,
       lower(nullif(mother_name, '')) as mother_name, lower(nullif(father_name, '')) as father_name
from {source}
"""


def person_rows(documents: list[TruthDocument]) -> tuple[list[dict[str, Any]], list[tuple]]:
    """(rows for Splink, [(doc_id, role, truth_id)] in the same order)."""
    rows, keys = [], []
    for doc in documents:
        fields = doc.fields if doc.record_json is None else {
            k: (v or {}).get("value") for k, v in doc.record_json.get("fields", {}).items()}
        for person in doc.persons:
            mapping = ROLE_COLUMNS.get((doc.doc_type, person["role"]), {})
            row: dict[str, Any] = dict.fromkeys(RAW_COLUMNS)
            row["unique_id"] = f"p{len(rows):05d}"
            for col, key in mapping.items():
                value = key[1:] if key.startswith("=") else fields.get(key)
                row[col] = None if value is None else str(value)
            ident = "".join(c for c in (row["id_number"] or "") if c.isdigit())
            row["id_number"], row["cmnd"] = (ident, None) if len(ident) == 12 else \
                (None, ident or None)
            rows.append(row)
            keys.append((doc.doc_id, person["role"], person.get("citizen_id")))
    return rows, keys


def settings() -> tuple[Any, list[Any], list[Any]]:
    """(SettingsCreator, deterministic rules, EM blocking rules)."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    names_tf = {"term_frequency_adjustments": True}
    creator = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("dob"),
            block_on("surname", "given_name", "block_year"),
            block_on("full_name"),
            block_on("id_number"),
            block_on("cmnd"),
        ],
        comparisons=[
            cl.NameComparison("surname").configure(**names_tf),
            cl.NameComparison("middle_name").configure(**names_tf),
            cl.NameComparison("given_name").configure(**names_tf),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("birth_year"),
            cl.ExactMatch("gender"),
            cl.ExactMatch("id_number"),
            cl.ExactMatch("cmnd"),
            cl.NameComparison("mother_name"),
            cl.NameComparison("father_name"),
            cl.ExactMatch("place_of_birth").configure(**names_tf),
            cl.ExactMatch("hometown").configure(**names_tf),
            cl.ExactMatch("residence").configure(**names_tf),
        ],
    )
    deterministic = [block_on("id_number"), block_on("cmnd"), block_on("full_name", "dob")]
    # Each EM session trains the comparisons it does not block on; the second is kept
    # narrow (given name within a birth year) because a million Vietnamese names share few
    # surnames: surname + given name alone yields millions of pairs.
    em_rules = [block_on("dob"), block_on("given_name", "block_year")]
    return creator, deterministic, em_rules


def run(registry_csv: str, documents: list[TruthDocument], max_pairs: float = 1e7,
        top: int = 5, seed: int = 0) -> dict[str, Any]:
    """Load, train, predict. Returns timings and, per person (in `person_rows` order), the
    best few predictions [(citizen_id, probability)] and whether the truth was blocked."""
    import duckdb
    import pandas as pd
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.WARNING)  # training progress is INFO
    rows, keys = person_rows(documents)
    con = duckdb.connect()
    started = time.perf_counter()
    con.execute("create table registry as " + PREPARE_SQL.format(year_always="true", source=f"""(
        select citizen_id as unique_id, full_name, date_of_birth as dob,
               substr(date_of_birth, 1, 4) as birth_year,
               gender, citizen_id as id_number, cmnd, place_of_birth, hometown,
               permanent_address as residence, mother_name, father_name
        from read_csv('{registry_csv}', all_varchar = true, header = true))"""))
    load_seconds = time.perf_counter() - started
    load_rss = _peak_rss_mb()

    started = time.perf_counter()
    raw = pd.DataFrame(rows, columns=list(RAW_COLUMNS)).astype("string")
    con.register("persons_raw", raw)
    con.execute("create table persons as " + PREPARE_SQL.format(year_always="false", source="persons_raw"))
    creator, deterministic, em_rules = settings()
    linker = Linker(["persons", "registry"], creator, db_api=DuckDBAPI(connection=con),
                    set_up_basic_logging=False)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True)
    train_seconds = time.perf_counter() - started
    train_rss = _peak_rss_mb()

    started, cpu = time.perf_counter(), time.process_time()
    predictions = linker.inference.predict()
    pairs = con.sql(f"""
        select unique_id_l as person, unique_id_r as citizen_id, match_probability as p
        from {predictions.physical_name}
        where source_dataset_l <> source_dataset_r""").fetchall()
    link_seconds, link_cpu = time.perf_counter() - started, time.process_time() - cpu

    by_person: dict[str, list[tuple[str, float]]] = {}
    for person, citizen_id, p in pairs:
        if person.startswith("p"):
            by_person.setdefault(person, []).append((citizen_id, float(p)))
        else:  # the pair came out the other way round
            by_person.setdefault(citizen_id, []).append((person, float(p)))
    people = []
    for row, (doc_id, role, truth_id) in zip(rows, keys):
        found = sorted(by_person.get(row["unique_id"], []), key=lambda t: -t[1])
        people.append({"doc_id": doc_id, "role": role, "truth_id": truth_id,
                       "best": found[:top],
                       "blocked_truth": truth_id is not None and
                       any(cid == truth_id for cid, _ in found)})
    return {"people": people, "pairs_scored": len(pairs), "load_seconds": load_seconds,
            "train_seconds": train_seconds, "link_seconds": link_seconds,
            "link_cpu_seconds": link_cpu,
            "load_peak_rss_mb": load_rss, "train_peak_rss_mb": train_rss,
            "peak_rss_mb": _peak_rss_mb()}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
