"""The reference table (the citizen registry) in the index database: one row per entity with
its attributes as JSON, a content hash (for incremental loads) and one indexed column per
blocking rule. SQLite by default, PostgreSQL in production (bulk loads use COPY there)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import (
    Column,
    Engine,
    Index,
    MetaData,
    String,
    Table,
    Text,
    func,
    inspect,
    select,
)

from matching.settings import LinkSettings


def _table(settings: LinkSettings) -> Table:
    return _table_for(settings.table, tuple(r.name for r in settings.blocking_rules))


@lru_cache(maxsize=32)
def _table_for(name: str, rules: tuple[str, ...]) -> Table:
    meta = MetaData()
    cols = [Column("entity_id", String(64), primary_key=True),
            Column("row_hash", String(32), nullable=False),
            Column("data", Text, nullable=False)]
    cols += [Column(f"key_{r}", String(256)) for r in rules]
    table = Table(name, meta, *cols)
    for r in rules:
        Index(f"ix_{name}_key_{r}", table.c[f"key_{r}"])
    return table


def reference_table(settings: LinkSettings) -> Table:
    return _table(settings)


def ensure_table(engine: Engine, settings: LinkSettings) -> Table:
    table = _table(settings)
    table.metadata.create_all(engine)
    return table


def drop_key_indexes(engine: Engine, settings: LinkSettings) -> None:
    for index in _table(settings).indexes:
        index.drop(engine, checkfirst=True)


def create_key_indexes(engine: Engine, settings: LinkSettings) -> None:
    """Create missing key indexes and refresh the planner's statistics (after a bulk load
    PostgreSQL knows nothing of the new rows and may plan lookups badly)."""
    for index in _table(settings).indexes:
        index.create(engine, checkfirst=True)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'ANALYZE "{settings.table}"')


def table_exists(engine: Engine, settings: LinkSettings) -> bool:
    return inspect(engine).has_table(settings.table)


def count_rows(engine: Engine, settings: LinkSettings) -> int:
    if not table_exists(engine, settings):
        return 0
    table = _table(settings)
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def existing_hashes(engine: Engine, settings: LinkSettings) -> dict[str, str]:
    table = _table(settings)
    with engine.connect() as conn:
        return dict(conn.execute(select(table.c.entity_id, table.c.row_hash)).all())


def fetch_by_key(conn: Any, settings: LinkSettings, rule: str, key: str,
                 limit: int) -> list[tuple[str, str]]:
    """(entity_id, data JSON) rows whose `rule` key equals `key`, at most `limit`."""
    table = _table(settings)
    q = select(table.c.entity_id, table.c.data).where(table.c[f"key_{rule}"] == key).limit(limit)
    return [tuple(r) for r in conn.execute(q).all()]


def _driver_rows(conn: Any, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows of one statement run on the driver's own cursor: the statements here are
    plain and built once per shape, and going through SQLAlchemy's compilation cost more
    than running them. `sql` uses `?` placeholders (rewritten for psycopg's `%s`)."""
    if conn.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    cur = conn.connection.cursor()
    try:
        cur.execute(sql, params)
        return cur.fetchall()
    finally:
        cur.close()


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def fetch_by_ids(conn: Any, settings: LinkSettings,
                 ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), BATCH_KEYS):
        chunk = list(ids[start:start + BATCH_KEYS])
        rows = _driver_rows(conn, f"SELECT entity_id, data FROM {settings.table} "
                                  f"WHERE entity_id IN ({_marks(len(chunk))})", chunk)
        out.update({r[0]: orjson.loads(r[1]) for r in rows})
    return out


BATCH_KEYS = 500  # keys per statement (well under SQLite's and PostgreSQL's parameter limits)


def _key_batches(keys: Mapping[str, Iterable[str]]) -> Iterator[dict[str, list[str]]]:
    """{rule: keys} split so that no statement carries more than `BATCH_KEYS` keys."""
    pending = [(rule, sorted(set(ks))) for rule, ks in keys.items()]
    batch: dict[str, list[str]] = {}
    room = BATCH_KEYS
    for rule, ks in pending:
        while ks:
            take, ks = ks[:room], ks[room:]
            batch[rule] = take
            room -= len(take)
            if room == 0:
                yield batch
                batch, room = {}, BATCH_KEYS
    if batch:
        yield batch


def block_sizes(conn: Any, settings: LinkSettings,
                keys: Mapping[str, Iterable[str]]) -> dict[str, dict[str, int]]:
    """rule -> key -> how many rows share it (keys no row has are absent), for the keys of
    every rule in one statement (a `UNION ALL` of grouped counts read from the key indexes
    alone). The same counts are the term frequencies of common names (`key_counts`)."""
    out: dict[str, dict[str, int]] = {rule: {} for rule in keys}
    for batch in _key_batches(keys):
        rules = list(batch)
        sql = " UNION ALL ".join(
            f"SELECT {i}, key_{r}, count(*) FROM {settings.table} "
            f"WHERE key_{r} IN ({_marks(len(batch[r]))}) GROUP BY key_{r}"
            for i, r in enumerate(rules))
        for i, key, n in _driver_rows(conn, sql, [k for r in rules for k in batch[r]]):
            out[rules[i]][key] = int(n)
    return out


def block_rows(conn: Any, settings: LinkSettings, keys: Mapping[str, Iterable[str]]
               ) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """rule -> key -> (entity_id, data JSON) rows of the blocks `keys`: the blocks of every
    rule for a batch of persons in one statement (keys no row has are absent)."""
    out: dict[str, dict[str, list[tuple[str, str]]]] = {rule: {} for rule in keys}
    for batch in _key_batches(keys):
        rules = list(batch)
        sql = " UNION ALL ".join(
            f"SELECT {i}, key_{r}, entity_id, data FROM {settings.table} "
            f"WHERE key_{r} IN ({_marks(len(batch[r]))})" for i, r in enumerate(rules))
        for i, key, entity_id, data in _driver_rows(conn, sql,
                                                    [k for r in rules for k in batch[r]]):
            out[rules[i]].setdefault(key, []).append((entity_id, data))
    return out


def key_counts(conn: Any, settings: LinkSettings, rule: str,
               keys: Iterable[str]) -> dict[str, int]:
    """How many rows share each key: the term frequencies of common names."""
    wanted = set(keys)
    return block_sizes(conn, settings, {rule: wanted})[rule] if wanted else {}


def write_rows(engine: Engine, settings: LinkSettings, rows: Sequence[Mapping[str, Any]],
               replace_ids: Sequence[str]) -> None:
    """Delete `replace_ids` then insert `rows` in one transaction (COPY on PostgreSQL)."""
    table = _table(settings)
    with engine.begin() as conn:
        for start in range(0, len(replace_ids), 1000):
            chunk = list(replace_ids[start:start + 1000])
            conn.execute(table.delete().where(table.c.entity_id.in_(chunk)))
        if not rows:
            return
        if engine.dialect.name == "postgresql":
            _copy_rows(conn, table, rows)
        else:  # the driver's executemany: SQLAlchemy's per-row parameter handling costs more
            names = [c.name for c in table.columns]
            sql = (f'INSERT INTO "{table.name}" ({", ".join(names)}) '
                   f'VALUES ({", ".join("?" for _ in names)})')
            conn.exec_driver_sql(sql, [tuple(r.get(n) for n in names) for r in rows])


def _copy_rows(conn: Any, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    names = [c.name for c in table.columns]
    raw = conn.connection.driver_connection  # psycopg 3 connection
    with raw.cursor() as cur, cur.copy(
            f'COPY "{table.name}" ({", ".join(names)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row.get(n) for n in names])
