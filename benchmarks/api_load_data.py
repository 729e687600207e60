"""Synthetic data for benchmarks/api_load.py: N indexed records in a dedicated PostgreSQL
database (COPY into `documents` and `persons`), and their record JSON in a local store.

Where the record JSON lives: in the object store (`records/<record_id>.json`), as the
pipeline writes it. The lookup path reads the index (persons.citizen_id is indexed) and
then only that citizen's few record files, so it never touches the other N files; they are
written anyway so the file system holds the full 1M, as in production.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from datetime import UTC, datetime
from multiprocessing import Pool
from pathlib import Path

import psycopg

DOC_TYPES = ["birth_certificate", "marriage_certificate", "death_certificate",
             "land_certificate"]
ROLES = {"birth_certificate": ["subject", "mother"], "marriage_certificate": ["wife", "husband"],
         "death_certificate": ["subject"], "land_certificate": ["holder_1", "holder_2"]}
FIELDS = {
    "birth_certificate": ["registration_number", "full_name", "date_of_birth", "gender",
                          "place_of_birth", "personal_id", "mother_name", "father_name",
                          "registration_place", "registration_date"],
    "marriage_certificate": ["registration_number", "wife_name", "wife_date_of_birth",
                             "husband_name", "husband_date_of_birth", "registration_date"],
    "death_certificate": ["registration_number", "full_name", "date_of_birth",
                          "date_of_death", "registration_date"],
    "land_certificate": ["certificate_serial", "holder_1_name", "holder_1_birth_year",
                         "holder_2_name", "parcel_number", "map_sheet_number",
                         "parcel_address", "area_m2", "land_use_purpose", "issue_date"],
}


def sha_of(i: int) -> str:
    return hashlib.sha256(f"bench-{i}".encode()).hexdigest()


def citizen_of(n: int) -> str:
    return f"0{n:011d}"


def plan(i: int, n_citizens: int) -> tuple[str, list[tuple[str, str]]]:
    """Doc type and (role, citizen id) links of record i (deterministic)."""
    rng = random.Random(i)
    doc_type = DOC_TYPES[i % 4]
    roles = ROLES[doc_type]
    if doc_type == "land_certificate" and rng.random() < 0.5:
        roles = roles[:1]
    return doc_type, [(r, citizen_of(rng.randrange(n_citizens))) for r in roles]


def record_json(i: int, n_citizens: int) -> str:
    sha = sha_of(i)
    doc_type, links = plan(i, n_citizens)
    fields = {k: {"value": f"{k} {i}", "raw": f"{k} {i}", "confidence": 0.97, "page": 1,
                  "bbox": [100, 100 + 40 * j, 900, 135 + 40 * j], "state": "auto",
                  "issues": []} for j, k in enumerate(FIELDS[doc_type])}
    return json.dumps({
        "schema": "sohoa.record/1", "record_id": f"rec-{sha[:24]}",
        "source": {"filename": f"scan_{i:07d}.pdf", "sha256": sha, "pages": 1,
                   "media_type": "application/pdf"},
        "doc_type": doc_type, "status": "verified", "fields": fields,
        "persons": [{"role": r, "citizen_id": c, "match": "linked", "score": 0.99,
                     "candidates": []} for r, c in links],
        "issues": [], "pipeline_version": "bench"}, ensure_ascii=False)


def _write_files(args: tuple[Path, int, int, int]) -> int:
    root, start, stop, n_citizens = args
    folder = root / "records"
    for i in range(start, stop):
        path = folder / f"rec-{sha_of(i)[:24]}.json"
        path.write_text(record_json(i, n_citizens), encoding="utf-8")
    return stop - start


def write_store(root: Path, n: int, n_citizens: int, procs: int = 2) -> None:
    (root / "records").mkdir(parents=True, exist_ok=True)
    step = 20_000
    chunks = [(root, s, min(n, s + step), n_citizens) for s in range(0, n, step)]
    with Pool(procs) as pool:
        done = 0
        for k in pool.imap_unordered(_write_files, chunks):
            done += k
            if done % 200_000 < step:
                print(f"  store: {done:,} record files", flush=True)


def copy_index(dsn: str, n: int, n_citizens: int) -> None:
    """COPY the rows (indexes dropped first and rebuilt after: much faster than upkeep)."""
    now = datetime.now(UTC)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("TRUNCATE persons, documents CASCADE")
        conn.execute("DROP INDEX IF EXISTS ix_persons_citizen_id, ix_persons_record_id")
        with conn.cursor() as cur:
            with cur.copy("COPY documents (sha256, record_id, filename, media_type, pages, "
                          "doc_type, status, record_key, created_at, updated_at, "
                          "pipeline_version) FROM STDIN") as cp:
                for i in range(n):
                    sha = sha_of(i)
                    rid = f"rec-{sha[:24]}"
                    cp.write_row((sha, rid, f"scan_{i:07d}.pdf", "application/pdf", 1,
                                  DOC_TYPES[i % 4], "verified", f"records/{rid}.json", now,
                                  now, "bench"))
            print(f"  index: {n:,} documents", flush=True)
            with cur.copy("COPY persons (record_id, role, citizen_id, match, score) "
                          "FROM STDIN") as cp:
                for i in range(n):
                    rid = f"rec-{sha_of(i)[:24]}"
                    for role, cid in plan(i, n_citizens)[1]:
                        cp.write_row((rid, role, cid, "linked", 0.99))
        conn.execute("CREATE INDEX ix_persons_citizen_id ON persons (citizen_id)")
        conn.execute("CREATE INDEX ix_persons_record_id ON persons (record_id)")
        conn.execute("VACUUM ANALYZE documents")
        conn.execute("VACUUM ANALYZE persons")
        rows = conn.execute("select count(*) from persons").fetchone()
        print(f"  index: {rows[0] if rows else 0:,} person links; indexes rebuilt", flush=True)


def sample_citizens(dsn: str, k: int, seed: int = 7) -> list[str]:
    """Citizens that hold at least one record (what a public service asks about)."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("select citizen_id from persons tablesample system (1) "
                            "limit %s", (k,)).fetchall()
    ids = sorted({r[0] for r in rows})
    random.Random(seed).shuffle(ids)
    return ids


if __name__ == "__main__":  # quick look at one synthetic record
    print(record_json(int(os.environ.get("I", "0")), 400_000))
