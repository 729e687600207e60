"""Loading a reference table (the citizen registry, CSV or Parquet) into the index database,
incrementally: each row's content hash is compared with the stored one, and only new and
changed rows are written. Rows missing from a later file are kept (a registry extract is not
a deletion notice)."""

from __future__ import annotations

import csv
import hashlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine

from matching.keys import row_keys
from matching.settings import VIETNAMESE_CITIZENS, LinkSettings
from matching.store import (
    create_key_indexes,
    drop_key_indexes,
    ensure_table,
    existing_hashes,
    write_rows,
)
from pipeline.errors import InputError, MissingDependencyError

BATCH_ROWS = 100_000


class RegistryLoadReport(BaseModel):
    source: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # rows without an id
    seconds: float = 0.0


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        yield from csv.DictReader(fh)


def _parquet_rows(path: Path) -> Iterator[dict[str, Any]]:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingDependencyError("reading a Parquet registry needs pyarrow",
                                     filename=str(path), stage="registry",
                                     hint="pip install pyarrow, or give a CSV") from exc
    for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS):
        yield from batch.to_pylist()


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        raise InputError("registry file not found", filename=str(path), stage="registry",
                         hint="give the path of a registry CSV or Parquet file")
    if path.suffix.lower() in (".parquet", ".pq"):
        return _parquet_rows(path)
    return _csv_rows(path)


def _clean(value: Any) -> Any:
    if value is None or value == "":
        return None
    value = (value if isinstance(value, str) else str(value)).strip()
    return value or None


def prepare_row(raw: dict[str, Any], settings: LinkSettings) -> dict[str, Any] | None:
    """The stored form of one source row: id, attributes JSON, content hash (blocking keys
    are added by `with_keys`, only for rows that are written)."""
    entity_id = _clean(raw.get(settings.id_column))
    if entity_id is None:
        return None
    data = {c: _clean(raw.get(c)) for c in settings.columns}
    data[settings.id_column] = entity_id
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
    return {"entity_id": entity_id, "row_hash": digest, "data": text, "_row": data}


def with_keys(row: dict[str, Any], settings: LinkSettings) -> dict[str, Any]:
    data = row.pop("_row")
    row.update(row_keys(settings, data))
    return row


def load_registry(source: Path | str, engine: Engine,
                  settings: LinkSettings = VIETNAMESE_CITIZENS) -> RegistryLoadReport:
    """Insert new and changed rows of `source` into `settings.table` (created if missing)."""
    start = time.perf_counter()
    settings.check()
    path = Path(source)
    rows = read_rows(path)
    ensure_table(engine, settings)
    known = existing_hashes(engine, settings)
    if not known:  # a first load: build the key indexes once, after the rows are in
        drop_key_indexes(engine, settings)
    report = RegistryLoadReport(source=str(path))
    pending: list[dict[str, Any]] = []
    replaced: list[str] = []
    seen: set[str] = set()
    for raw in rows:
        report.rows += 1
        row = prepare_row(raw, settings)
        if row is None or row["entity_id"] in seen:
            report.skipped += 1
            continue
        seen.add(row["entity_id"])
        old = known.get(row["entity_id"])
        if old == row["row_hash"]:
            report.unchanged += 1
            continue
        if old is None:
            report.inserted += 1
        else:
            report.updated += 1
            replaced.append(row["entity_id"])
        pending.append(with_keys(row, settings))
        if len(pending) >= BATCH_ROWS:
            write_rows(engine, settings, pending, replaced)
            pending, replaced = [], []
    write_rows(engine, settings, pending, replaced)
    create_key_indexes(engine, settings)
    report.seconds = round(time.perf_counter() - start, 3)
    return report
