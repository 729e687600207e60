"""Loading the registry into the index database: keys, incremental refresh, PostgreSQL."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select

from matching import Linker, PersonQuery, load_registry
from matching.settings import VIETNAMESE_CITIZENS
from matching.store import count_rows, reference_table
from pipeline.index.engine import make_engine

SAMPLE_REGISTRY = Path(__file__).resolve().parents[1] / "samples" / "corpus" / "registry.csv"


def _rows() -> list[dict[str, str]]:
    with SAMPLE_REGISTRY.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(rows)
    return path


def _incremental(engine: Engine, tmp_path: Path) -> None:
    rows = _rows()
    first = load_registry(_write(tmp_path / "a.csv", rows[:1500]), engine)
    assert (first.inserted, first.updated, first.unchanged) == (1500, 0, 0)
    changed = [dict(r) for r in rows]
    changed[0]["permanent_address"] = "Số 1, " + changed[0]["permanent_address"]
    changed[1]["full_name"] = "Hoàng Văn Mới"
    second = load_registry(_write(tmp_path / "b.csv", changed), engine)
    assert (second.inserted, second.updated, second.unchanged) == (len(rows) - 1500, 2, 1498)
    assert count_rows(engine, VIETNAMESE_CITIZENS) == len(rows)
    again = load_registry(tmp_path / "b.csv", engine)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(rows))
    table = reference_table(VIETNAMESE_CITIZENS)
    with engine.connect() as conn:
        row = conn.execute(select(table).where(
            table.c.entity_id == changed[1]["citizen_id"])).one()
    assert json.loads(row.data)["full_name"] == "Hoàng Văn Mới"
    assert row.key_name == "hoang van moi"  # keys follow the change
    linker = Linker(engine)
    r = linker.link(PersonQuery(full_name="Hoàng Văn Mới",
                                date_of_birth=changed[1]["date_of_birth"],
                                gender=changed[1]["gender"]))  # type: ignore[arg-type]
    assert r.citizen_id == changed[1]["citizen_id"]


def test_incremental_load_on_sqlite(tmp_path: Path) -> None:
    _incremental(create_engine(f"sqlite:///{tmp_path}/index.db"), tmp_path)


@pytest.mark.postgres
def test_incremental_load_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    engine = make_engine(postgres_url)
    try:
        _incremental(engine, tmp_path)
    finally:
        engine.dispose()


def test_blocking_finds_the_citizen_by_each_key(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/index.db")
    load_registry(SAMPLE_REGISTRY, engine)
    linker = Linker(engine)
    row = next(r for r in _rows() if r["cmnd"] and len(r["full_name"].split()) == 3)
    cid = row["citizen_id"]
    by = {
        "id": PersonQuery(id_number=cid),
        "cmnd": PersonQuery(id_number=row["cmnd"]),
        "dob": PersonQuery(full_name="X", date_of_birth=row["date_of_birth"]),
        "year+name": PersonQuery(full_name=row["full_name"].upper(),
                                 birth_year=int(row["date_of_birth"][:4])),
    }
    for how, query in by.items():
        assert cid in linker.blocking_candidates(query), how


def test_a_missing_registry_file_is_an_input_error(tmp_path: Path) -> None:
    from pipeline.errors import InputError

    with pytest.raises(InputError, match="registry file not found"):
        load_registry(tmp_path / "nope.csv", create_engine("sqlite://"))


def test_a_parquet_registry_loads_like_the_csv(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = _rows()
    table = pa.Table.from_pylist(rows)
    pq.write_table(table, tmp_path / "registry.parquet")
    engine = create_engine(f"sqlite:///{tmp_path}/index.db")
    report = load_registry(tmp_path / "registry.parquet", engine)
    assert report.inserted == len(rows)
    again = load_registry(SAMPLE_REGISTRY, engine)  # same content as CSV: nothing changes
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(rows))
