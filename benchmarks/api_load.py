"""Load test of the citizen lookup (`GET /v1/citizens/{id}/records`) against PostgreSQL
holding N indexed records (default 1M), with the per-read audit insert included.

    python benchmarks/api_load.py [--rows 1000000] [--rate 200] [--duration 30]
                                  [--workers 2] [--connections 20] [--reuse]

1. A dedicated database `sohoa_bench` on 127.0.0.1:5432: index tables created, the app role
   `sohoa_app` granted (the server runs as it: INSERT/SELECT only on audit_log).
2. N synthetic records: rows COPYed into `documents`/`persons` (citizen_id indexed), record
   JSON written to a local store under --workdir (see benchmarks/api_load_data.py for why
   the JSON lives in the store and why the lookup never reads more than one citizen's files).
   --reuse skips this when the database already holds N documents.
3. `sohoa serve --workers W` (uvicorn) on loopback; `wrk` (apt: wrk) with
   benchmarks/api_load.lua rotating 5,000 citizen ids and the API key, paced to about
   --rate requests/s over --connections connections.
4. Reports p50/p90/p99 latency, achieved requests/s, and audit rows added against 2xx
   responses (zero unaudited reads: rows ≥ responses; the difference is requests cut in
   flight when wrk stops); CPU ms per request of the server and of PostgreSQL (all its
   processes: an upper bound on a shared machine), and the PostgreSQL sessions opened
   during the run (a steady pool opens none).
Target (issue 7): p99 < 50 ms at 200 req/s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_load_data import copy_index, sample_citizens, write_store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql://postgres@127.0.0.1:5432"
DB = "sohoa_bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(args: argparse.Namespace, store: Path) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", (DB,)).fetchone():
            conn.execute(f"CREATE DATABASE {DB}")
    from service.db import ServiceDB, grant_app_role

    db = ServiceDB(f"{PG.replace('postgresql', 'postgresql+psycopg')}/{DB}")
    db.create_all()
    db.run(grant_app_role)
    db.dispose()
    with psycopg.connect(f"{PG}/{DB}") as conn:
        row = conn.execute("select count(*) from documents").fetchone()
    have = row[0] if row else 0
    marker = store / f".complete-{args.rows}-{args.citizens}"
    if args.reuse and have == args.rows and marker.exists():
        print(f"reusing {have:,} records in {DB} and {store}")
        return
    t = time.perf_counter()
    copy_index(f"{PG}/{DB}", args.rows, args.citizens)
    print(f"index loaded in {time.perf_counter() - t:.0f}s", flush=True)
    t = time.perf_counter()
    write_store(store, args.rows, args.citizens)
    marker.touch()
    print(f"store written in {time.perf_counter() - t:.0f}s", flush=True)


def audit_rows() -> int:
    with psycopg.connect(f"{PG}/{DB}") as conn:
        row = conn.execute("select count(*) from audit_log").fetchone()
    return int(row[0]) if row else 0


def explain(citizen: str) -> str:
    with psycopg.connect(f"{PG}/{DB}") as conn:
        rows = conn.execute(
            "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT p.record_id, p.role, d.doc_type, "
            "d.status, d.record_key FROM persons p JOIN documents d ON d.record_id = "
            "p.record_id WHERE p.citizen_id = %s AND p.match = 'linked' ORDER BY p.record_id, "
            "p.role LIMIT 84", (citizen,)).fetchall()
    return "\n".join(r[0] for r in rows)


def cpu_seconds(pgid: int) -> tuple[float, float]:
    """CPU seconds used so far by the server's process group and by PostgreSQL: every
    `postgres` process plus, through the postmaster's children times, the sessions that
    ended (a pool that churns connections pays for each new backend). The machine is
    shared, so the PostgreSQL figure includes other databases' work: an upper bound."""
    tick = os.sysconf("SC_CLK_TCK")
    server = db = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        comm = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        if int(fields[2]) == pgid:
            server += (int(fields[11]) + int(fields[12])) / tick
        elif comm == "postgres":
            db += sum(int(f) for f in fields[11:15]) / tick
    return server, db


def pg_sessions() -> int:
    """Sessions ever opened on the bench database (pg_stat_database.sessions)."""
    with psycopg.connect(f"{PG}/{DB}") as conn:
        row = conn.execute("select sessions from pg_stat_database where datname = %s",
                           (DB,)).fetchone()
    return int(row[0]) if row else 0


def run_wrk(args: argparse.Namespace, url: str, env: dict[str, str], seconds: int) -> dict:
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s",
           "--timeout", "5s", "-s", str(Path(__file__).with_name("api_load.lua")), url]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    return json.loads(line[len("WRKJSON "):])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--citizens", type=int, default=400_000)
    ap.add_argument("--rate", type=float, default=200.0, help="offered requests/s")
    ap.add_argument("--duration", type=int, default=30)
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    ap.add_argument("--connections", type=int, default=20,
                    help="connections the paced arrivals share (the most requests in flight)")
    ap.add_argument("--threads", type=int, default=1, help="wrk threads")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/sohoa-api-bench"))
    ap.add_argument("--reuse", action="store_true", help="keep data from an earlier run")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("wrk not found: apt-get install wrk (install.sh does)", file=sys.stderr)
        return 2
    store = args.workdir / "store"
    store.mkdir(parents=True, exist_ok=True)
    prepare(args, store)

    from service.auth import create_client
    from service.db import ServiceDB

    owner = ServiceDB(f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}")
    _, key = create_client(owner, f"bench-{int(time.time())}", "residence-registration",
                           ["civil.identity", "land.parcel", "land.holders"],
                           rate_per_second=100_000, burst=100_000)
    owner.dispose()
    ids = sample_citizens(f"{PG}/{DB}", 5000)
    ids_file = args.workdir / "citizens.txt"
    ids_file.write_text("\n".join(ids) + "\n")

    port = free_port()
    senv = {**os.environ, "SOHOA_DATA_DIR": str(args.workdir / "data"),
            "SOHOA_STORE_URL": store.as_uri(),
            "SOHOA_DATABASE_URL": f"postgresql+psycopg://sohoa_app@127.0.0.1:5432/{DB}",
            # the web pages (mounted as in production) write, so they connect as the owner
            "SOHOA_WEB_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}",
            "SOHOA_WEB_ENGINE": "local"}
    sohoa = Path(sys.executable).with_name("sohoa")
    server = subprocess.Popen([str(sohoa), "serve", "--port", str(port), "--workers",
                               str(args.workers)], env=senv, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/v1/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        wenv = {**os.environ, "SOHOA_BENCH_KEY": key, "SOHOA_BENCH_IDS": str(ids_file),
                "SOHOA_BENCH_GAP_MS": str(args.threads * 1000.0 / args.rate)}
        run_wrk(args, base, wenv, 5)  # warm-up: connections, caches, JIT of plans
        before, sessions0 = audit_rows(), pg_sessions()
        cpu0 = cpu_seconds(server.pid)
        res = run_wrk(args, base, wenv, args.duration)
        cpu1 = cpu_seconds(server.pid)
        time.sleep(0.5)
        added = audit_rows() - before
        new_sessions = pg_sessions() - sessions0 - 2  # minus this script's own two
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    ok = res["requests"] - res["non2xx"]
    seconds = res["duration_us"] / 1e6
    summary = {
        "rows": args.rows, "workers": args.workers, "connections": args.connections,
        "offered_rps": args.rate, "achieved_rps": round(res["requests"] / seconds, 1),
        "p50_ms": res["p50_us"] / 1000, "p90_ms": res["p90_us"] / 1000,
        "p99_ms": res["p99_us"] / 1000, "max_ms": res["max_us"] / 1000,
        "responses": res["requests"], "non2xx": res["non2xx"],
        "socket_errors": res["connect"] + res["read"] + res["write"] + res["timeout"],
        "audit_rows_added": added, "unaudited_reads": max(0, ok - added),
        "server_cpu_ms_per_request": round((cpu1[0] - cpu0[0]) * 1000 / res["requests"], 2),
        "postgres_cpu_ms_per_request": round((cpu1[1] - cpu0[1]) * 1000 / res["requests"], 2),
        "new_db_sessions": new_sessions,
        "load_average": os.getloadavg()[0],
    }
    print(json.dumps(summary, indent=2))
    print("lookup plan (one citizen):\n" + explain(ids[0]))
    (args.workdir / "result.json").write_text(json.dumps(summary, indent=2))
    return 0 if summary["unaudited_reads"] == 0 and res["non2xx"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
