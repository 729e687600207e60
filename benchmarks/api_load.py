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
   flight when wrk stops); CPU ms per request of the server, of PostgreSQL (all its
   processes: an upper bound on a shared machine) and of wrk itself, and the PostgreSQL
   sessions opened during the run (a steady pool opens none), and how wrk's connections sat
   on the workers (sampled from /proc: one worker holding most of them is a tail).
5. The tail over time: every response's send time and latency (benchmarks/api_load.lua
   logs them to <workdir>/latency.log), summed up per second (p99, max, count over 50 ms)
   next to what PostgreSQL did during the run (checkpoints, WAL written and flushed), so
   a spike can be put next to its cause.
Target (issue 7): p99 < 50 ms at 200 req/s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
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


def pg_activity() -> dict[str, int]:
    """Cluster-wide counters that could stall a commit: checkpoints, buffers the backends
    had to write themselves, WAL records/bytes and WAL flushes."""
    with psycopg.connect(f"{PG}/{DB}") as conn:
        bg = conn.execute("select checkpoints_timed + checkpoints_req, buffers_backend, "
                          "buffers_backend_fsync from pg_stat_bgwriter").fetchone()
        wal = conn.execute("select wal_records, wal_bytes, wal_write, wal_sync, "
                           "wal_buffers_full from pg_stat_wal").fetchone()
    assert bg is not None and wal is not None
    names = ("checkpoints", "buffers_backend", "backend_fsyncs", "wal_records", "wal_bytes",
             "wal_writes", "wal_syncs", "wal_buffers_full")
    return {k: int(v) for k, v in zip(names, (*bg, *wal), strict=True)}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def timeline(log: Path, slow_ms: float = 50.0) -> list[dict[str, float]]:
    """Per second of the run (by send time): responses, p50, p99, max, and how many took
    longer than `slow_ms`."""
    by_second: dict[int, list[float]] = {}
    for line in log.read_text().splitlines():
        sent, ms, _status = line.split()
        by_second.setdefault(int(float(sent) // 1000), []).append(float(ms))
    if not by_second:
        return []
    start = min(by_second)
    return [{"s": sec - start, "n": len(v), "p50": round(percentile(v, 50), 1),
             "p99": round(percentile(v, 99), 1), "max": round(max(v), 1),
             "slow": sum(1 for x in v if x > slow_ms)}
            for sec, v in sorted(by_second.items())]


class ConnectionSplit(threading.Thread):
    """Samples, every 0.5 s, how wrk's keep-alive connections sit on the server's worker
    processes (from /proc: no child process, so wrk's CPU figure stays wrk's): a worker
    holding most of them is the tail (see service.keepalive)."""

    def __init__(self, port: int, pgid: int) -> None:
        super().__init__(daemon=True)
        self.port, self.pgid = port, pgid
        self.samples: list[tuple[float, list[int]]] = []
        self.stop = threading.Event()

    def sample(self) -> list[int]:
        established = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                f = line.split()
                if f[3] == "01" and int(f[1].rsplit(":", 1)[1], 16) == self.port:
                    established.add(f[9])
        counts = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
                if int(text[text.rindex(")") + 2:].split()[2]) != self.pgid:
                    continue
                links = [os.readlink(fd) for fd in (stat.parent / "fd").iterdir()]
            except (OSError, ValueError):
                continue
            n = sum(1 for x in links if x.startswith("socket:[") and x[8:-1] in established)
            if n:
                counts.append(n)
        return sorted(counts, reverse=True)

    def run(self) -> None:
        t0 = time.monotonic()
        while not self.stop.wait(0.5):
            self.samples.append((round(time.monotonic() - t0, 1), self.sample()))

    def summary(self) -> dict[str, object]:
        """The first samples ("seconds: connections per worker") and the busiest worker's
        share of the connections over the run (median and 90th percentile of samples)."""
        shares = [s[1][0] / sum(s[1]) for s in self.samples if s[1]]
        return {"first_samples": [f"{t}s: {'/'.join(map(str, c)) or '-'}"
                                  for t, c in self.samples[:4]],
                "busiest_worker_share_p50": round(percentile(shares, 50), 2) if shares else None,
                "busiest_worker_share_p90": round(percentile(shares, 90), 2) if shares else None}


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
        deadline = time.monotonic() + 120  # workers import, then open their pools
        while True:
            try:
                urllib.request.urlopen(f"{base}/v1/health", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not come up") from None
                time.sleep(0.1)
        wenv = {**os.environ, "SOHOA_BENCH_KEY": key, "SOHOA_BENCH_IDS": str(ids_file),
                "SOHOA_BENCH_GAP_MS": str(args.threads * 1000.0 / args.rate)}
        run_wrk(args, base, wenv, 5)  # warm-up: connections, caches, JIT of plans
        log = args.workdir / "latency.log"
        log.unlink(missing_ok=True)
        before, sessions0, pg0 = audit_rows(), pg_sessions(), pg_activity()
        cpu0 = cpu_seconds(server.pid)
        wrk0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        split = ConnectionSplit(port, server.pid)
        split.start()
        res = run_wrk(args, base, {**wenv, "SOHOA_BENCH_LOG": str(log)}, args.duration)
        split.stop.set()
        split.join()
        wrk1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu1 = cpu_seconds(server.pid)
        pg1 = pg_activity()
        time.sleep(0.5)
        added = audit_rows() - before
        new_sessions = pg_sessions() - sessions0 - 4  # minus this script's own four
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
        "wrk_cpu_ms_per_request": round(
            (wrk1.ru_utime + wrk1.ru_stime - wrk0.ru_utime - wrk0.ru_stime) * 1000
            / res["requests"], 2),
        "new_db_sessions": new_sessions,
        "connections_per_worker": split.summary(),
        "postgres_during_run": {k: pg1[k] - pg0[k] for k in pg0},
        "load_average": os.getloadavg()[0],
    }
    seconds_ = timeline(log)
    slow = [s for s in seconds_ if s["p99"] >= 50 or s["slow"]]
    summary["seconds_with_a_response_over_50ms"] = len(slow)
    print(json.dumps(summary, indent=2))
    print("seconds with a response over 50 ms (s = second of the run by send time):")
    for s in slow:
        print("  " + json.dumps(s))
    (args.workdir / "timeline.json").write_text(json.dumps(seconds_))
    print("lookup plan (one citizen):\n" + explain(ids[0]))
    (args.workdir / "result.json").write_text(json.dumps(summary, indent=2))
    return 0 if summary["unaudited_reads"] == 0 and res["non2xx"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
