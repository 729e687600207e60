"""Linkage benchmark (issue 5): our `matching` engine against Splink 4 (DuckDB) on the same
persons and the same citizen registry.

    python benchmarks/linkage.py [--registry-size 1000000] [--persons 400] [--seed 7]
        [--work DIR] [--db-url URL] [--corpus DIR [--records DIR]] [--json OUT] [--quick]

1. Data (linkage_data.py): a synthetic registry of `--registry-size` citizens and the persons
   of whole documents drawn from it (birth, marriage, death, land; each person with the true
   citizen ID, or none for people absent from the registry), cached under `--work`. Each
   document becomes a record whose fields are the truth (or, with `--records`, the
   pipeline's own records: fields as OCR read them).
2. Ours (linkage_ours.py), each phase in its own child process so peak RSS does not mix:
   `load_registry` into the index database (a fresh SQLite file by default, or `--db-url`),
   then `Linker.link_many` over all persons (timed: persons/s), `blocking_candidates` per
   person (blocking recall), and `link_record` per document (joint linkage, reported as
   `ours_joint`).
3. Splink (linkage_splink.py, child process): trained and run as its documentation does;
   a person links to its best prediction at or above `--splink-threshold` (0.99), is a
   candidate at or above 0.5, else none. `splink_best` re-reads the same predictions at the
   threshold that maximises Splink's F1 against the truth: an oracle, its most favourable
   reading.
4. Scores (linkage_metrics.py, records.md definitions), a table on stdout, `--json OUT`.
Targets (issue 5): precision ≥ 99.9%, recall ≥ 97%, F1 not below Splink's, ≥ 200 persons/s,
peak RSS ≤ 4 GB.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from pipeline.errors import MissingDependencyError, SohoaError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from linkage_data import Dataset, from_corpus, synthetic
from linkage_metrics import PersonOutcome, by_role, failures, score, table

TARGETS = {"precision": 0.999, "recall": 0.97, "persons_per_second": 200.0,
           "peak_rss_mb": 4096.0}
CANDIDATE_PROBABILITY = 0.5
QUICK = {"registry_size": 20_000, "persons": 100, "splink_max_pairs": 1e6}


def in_child(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run fn in a fresh (spawned) process: its peak RSS is its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def outcomes(people: list[dict[str, Any]]) -> list[PersonOutcome]:
    return [PersonOutcome(**p) for p in people]


def splink_outcomes(people: list[dict[str, Any]], threshold: float) -> list[PersonOutcome]:
    """Splink's best prediction per person read at a threshold."""
    out = []
    for p in people:
        best = p["best"]
        top_id, top_p = best[0] if best else (None, 0.0)
        match = "linked" if best and top_p >= threshold else \
            "candidate" if best and top_p >= CANDIDATE_PROBABILITY else "none"
        out.append(PersonOutcome(
            doc_id=p["doc_id"], role=p["role"], truth_id=p["truth_id"], match=match,
            citizen_id=top_id if match == "linked" else None, score=top_p if best else None,
            candidate_ids=[cid for cid, prob in best if prob >= CANDIDATE_PROBABILITY],
            blocked_truth=p["blocked_truth"] if p["truth_id"] else None,
            explanation=[list(b) for b in best]))
    return out


def best_threshold(people: list[dict[str, Any]]) -> float:
    """The link threshold at which Splink's F1 against the truth is highest (ties: higher)."""
    tried = sorted({p["best"][0][1] for p in people if p["best"]}, reverse=True)
    best_t, best_f1 = 1.0, -1.0
    for t in tried:
        f1 = score(splink_outcomes(people, t))["f1"] or 0.0
        if f1 > best_f1:
            best_t, best_f1 = t, f1
    return best_t


def run_ours(data: Dataset, db_url: str) -> tuple[dict[str, Any], dict[str, Any],
                                                  dict[str, list[PersonOutcome]]]:
    import linkage_ours

    loaded = in_child(linkage_ours.load, str(data.registry_csv), db_url)
    linked = in_child(linkage_ours.link, db_url, data.documents)
    people = outcomes(linked["people"])
    n = len(people)
    ours = {**score(people), "load_seconds": loaded["load_seconds"],
            "link_seconds": linked["link_seconds"],
            "persons_per_second": n / linked["link_seconds"] if linked["link_seconds"] else None,
            "link_cpu_seconds": linked["link_cpu_seconds"],
            "cpu_ms_per_person": 1000 * linked["link_cpu_seconds"] / n if n else None,
            "load_peak_rss_mb": loaded["load_peak_rss_mb"], "peak_rss_mb": linked["peak_rss_mb"],
            "blocking_seconds": linked["blocking_seconds"],
            "queries_missing": linked["queries_missing"], "load_report": loaded["load_report"]}
    joint_people = outcomes(linked["joint_people"])
    joint = {**score(joint_people), "link_seconds": linked["joint_seconds"],
             "link_cpu_seconds": linked["joint_cpu_seconds"],
             "cpu_ms_per_person": 1000 * linked["joint_cpu_seconds"] / n if n else None,
             "persons_per_second": n / linked["joint_seconds"] if linked["joint_seconds"] else None}
    return ours, joint, {"ours": people, "ours_joint": joint_people}


def run_splink(data: Dataset, threshold: float, max_pairs: float,
               seed: int) -> tuple[dict[str, Any], dict[str, Any],
                                   dict[str, list[PersonOutcome]]]:
    import linkage_splink

    if importlib.util.find_spec("splink") is None or importlib.util.find_spec("duckdb") is None:
        raise MissingDependencyError(
            "the Splink side of the linkage benchmark needs splink and duckdb", stage="benchmark",
            hint="pip install -c constraints.txt -e '.[bench]', or pass --no-splink")
    ran = in_child(linkage_splink.run, str(data.registry_csv), data.documents, max_pairs, 5, seed)
    people = splink_outcomes(ran["people"], threshold)
    n = len(people)
    timing = {"load_seconds": ran["load_seconds"], "train_seconds": ran["train_seconds"],
              "link_seconds": ran["link_seconds"], "link_cpu_seconds": ran["link_cpu_seconds"],
              "cpu_ms_per_person": 1000 * ran["link_cpu_seconds"] / n if n else None,
              "persons_per_second": n / ran["link_seconds"] if ran["link_seconds"] else None,
              "load_peak_rss_mb": ran["load_peak_rss_mb"],
              "train_peak_rss_mb": ran["train_peak_rss_mb"], "peak_rss_mb": ran["peak_rss_mb"],
              "pairs_scored": ran["pairs_scored"]}
    oracle_t = best_threshold(ran["people"])
    splink = {**score(people), **timing, "threshold": threshold}
    oracle_people = splink_outcomes(ran["people"], oracle_t)
    oracle = {**score(oracle_people), "threshold": oracle_t}
    return splink, oracle, {"splink": people, "splink_best": oracle_people}


def targets(results: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each of our readings (persons one by one; joint per document, as the pipeline links)
    against the issue's targets. Peak RSS is the larger of the load and link processes."""
    out: dict[str, dict[str, Any]] = {}
    ours = results.get("ours")
    for name in ("ours", "ours_joint"):
        if name not in results:
            continue
        r = results[name]
        peak = max(ours.get("peak_rss_mb") or 0, ours.get("load_peak_rss_mb") or 0)
        checks = {
            "precision": (r["precision"], ">=", TARGETS["precision"]),
            "recall": (r["recall"], ">=", TARGETS["recall"]),
            "persons_per_second": (r["persons_per_second"], ">=", TARGETS["persons_per_second"]),
            "peak_rss_mb": (peak, "<=", TARGETS["peak_rss_mb"]),
        }
        if "splink" in results:
            checks["f1_vs_splink"] = (r["f1"], ">=", results["splink"]["f1"])
            checks["f1_vs_splink_best"] = (r["f1"], ">=", results["splink_best"]["f1"])
        for check, (value, op, bar) in checks.items():
            met = value is not None and bar is not None and \
                (value >= bar if op == ">=" else value <= bar)
            out[f"{name}.{check}"] = {"value": value, "target": f"{op} {round(bar, 4)}",
                                        "met": met}
    return out


def engine_fingerprint() -> str:
    """A hash of matching/'s source: ties the figures to the engine version they measured."""
    import hashlib

    root = Path(__file__).resolve().parents[1] / "matching"
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--registry-size", type=int, default=1_000_000)
    ap.add_argument("--persons", type=int, default=400, help="at least this many persons "
                    "(whole documents are taken)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "sohoa-linkage",
                    help="cache for the registry and documents, and the SQLite database")
    ap.add_argument("--db-url", help="index database (default: a fresh SQLite file in --work), "
                    "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--corpus", type=Path, help="take registry.csv and truth from this corpus")
    ap.add_argument("--records", type=Path, help="with --corpus: the pipeline's output records "
                    "(fields as read, with OCR errors)")
    ap.add_argument("--splink-threshold", type=float, default=0.99,
                    help="Splink links its best prediction at or above this probability")
    ap.add_argument("--splink-max-pairs", type=float, default=1e7,
                    help="estimate_u_using_random_sampling(max_pairs=…)")
    ap.add_argument("--no-splink", action="store_true", help="only our engine")
    ap.add_argument("--no-ours", action="store_true", help="only Splink")
    ap.add_argument("--failures", type=int, default=10, help="failing persons listed per kind")
    ap.add_argument("--quick", action="store_true",
                    help="20k registry, 100 persons, smaller Splink u-sampling (a smoke run)")
    ap.add_argument("--json", type=Path, help="write the full report here")
    args = ap.parse_args(argv)
    if args.quick:
        for key, value in QUICK.items():
            setattr(args, key, value)
    if args.records and not args.corpus:
        ap.error("--records needs --corpus (the truth and the registry the records link to)")
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    started = time.perf_counter()
    if args.corpus:
        data = from_corpus(args.corpus, args.records, args.persons)
    else:
        data = synthetic(args.work, args.registry_size, args.persons, args.seed)
    prepare_seconds = time.perf_counter() - started
    print(f"data: {data.description}; {data.n_persons} persons ({prepare_seconds:.1f} s)",
          flush=True)

    db_url = args.db_url
    if not db_url:
        db = args.work / "linkage_index.db"
        db.parent.mkdir(parents=True, exist_ok=True)
        db.unlink(missing_ok=True)
        db_url = f"sqlite:///{db}"
    results: dict[str, dict[str, Any]] = {}
    people: dict[str, list[PersonOutcome]] = {}
    if not args.no_ours:
        results["ours"], results["ours_joint"], found = run_ours(data, db_url)
        people.update(found)
        print(f"ours: done in {time.perf_counter() - started:.1f} s", flush=True)
    if not args.no_splink:
        results["splink"], results["splink_best"], found = run_splink(
            data, args.splink_threshold, args.splink_max_pairs, args.seed)
        people.update(found)
        print(f"splink: done in {time.perf_counter() - started:.1f} s", flush=True)

    report = {
        "load_average_1_5_15": os.getloadavg(),  # a shared machine: context for the timings
        "matching_source_sha256": engine_fingerprint(),
        "command": " ".join([Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])]),
        "data": {"description": data.description, "persons": data.n_persons,
                 "documents": len(data.documents), "registry_csv": str(data.registry_csv),
                 "db_url": db_url.split("@")[-1]},
        "results": results,
        "targets": targets(results),
        "by_role": {name: by_role(p) for name, p in people.items()},
        "failures": {name: failures(p, args.failures) for name, p in people.items()},
    }
    print(f"\nload average at the end (1/5/15 min): "
          f"{', '.join(f'{v:.1f}' for v in report['load_average_1_5_15'])}")
    print(table(results))
    for name, check in report["targets"].items():
        value = check["value"]
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        print(f"target {name}: {shown} {check['target']} -> {'met' if check['met'] else 'MISSED'}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
    return report


if __name__ == "__main__":
    try:
        main()
    except SohoaError as exc:
        print(exc, file=sys.stderr)
        sys.exit(int(exc.exit_code))
