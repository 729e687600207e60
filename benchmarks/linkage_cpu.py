"""CPU per person of our linker against an index that is already built (no registry load):
the in-process measure for comparing two versions of `matching/` on the same persons.

    python benchmarks/linkage_cpu.py --db sqlite:///WORK/index.db --documents DOCS.json
        [--out OUT.json] [--compare OTHER.json] [--profile OUT.prof]

`--documents`: a documents file cached by benchmarks/linkage.py under its `--work` folder
(`documents_<size>_s<seed>_d<n>.json`), whose registry the index holds (copy
`linkage_index.db` after a run: the next run deletes it). Runs `link_many` over all persons,
then `link_record` + the registry confirmation per document (as the pipeline does), and
prints CPU ms per person (user+sys of each phase) and persons per second. `--out` writes
every result, so the outputs of two versions can be compared (`--compare`): same links,
candidates, weights and explanations.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from linkage_data import TruthDocument, truth_record


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run(db_url: str, documents: list[TruthDocument], profile: Path | None) -> dict[str, Any]:
    from sqlalchemy import create_engine

    from matching import Linker, person_queries
    from matching.confirm import registry_confirmed

    records = [truth_record(d) for d in documents]
    queries = [q for r in records for q in person_queries(r)]
    engine = create_engine(db_url)
    linker = Linker(engine)
    linker.link_many(queries[:5])  # warm: connections, caches of the admin-unit data
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    wall, cpu = time.perf_counter(), cpu_seconds()
    many = linker.link_many(queries)
    many_wall, many_cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    wall, cpu = time.perf_counter(), cpu_seconds()
    joint = []
    for record in records:
        record.persons = linker.link_record(record)
        joint.append({"persons": [p.model_dump(mode="json") for p in record.persons],
                      "confirmed": sorted(registry_confirmed(record, linker))})
    joint_wall, joint_cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    if prof is not None and profile is not None:
        prof.disable()
        prof.dump_stats(profile)
    engine.dispose()
    n = len(queries)
    return {"persons": n, "documents": len(records),
            "link_many": {"cpu_ms_per_person": 1000 * many_cpu / n,
                          "persons_per_second": n / many_wall},
            "joint_and_confirm": {"cpu_ms_per_person": 1000 * joint_cpu / n,
                                  "persons_per_second": n / joint_wall},
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "outputs": {"link_many": [r.model_dump(mode="json") for r in many],
                        "joint": joint}}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, help="index database URL holding the registry")
    ap.add_argument("--documents", type=Path, required=True)
    ap.add_argument("--out", type=Path, help="write figures and every result here")
    ap.add_argument("--compare", type=Path, help="an earlier --out: are the results equal?")
    ap.add_argument("--profile", type=Path, help="cProfile both phases into this file")
    args = ap.parse_args(argv)
    docs = [TruthDocument(**d) for d in json.loads(args.documents.read_text(encoding="utf-8"))]
    report = run(args.db, docs, args.profile)
    print(f"{report['persons']} persons, {report['documents']} documents")
    for phase in ("link_many", "joint_and_confirm"):
        r = report[phase]
        print(f"{phase}: {r['cpu_ms_per_person']:.2f} CPU ms/person, "
              f"{r['persons_per_second']:.0f} persons/s (wall)")
    print(f"peak RSS {report['peak_rss_mb']:.0f} MB")
    if args.compare:
        earlier = json.loads(args.compare.read_text(encoding="utf-8"))["outputs"]
        for phase, results in report["outputs"].items():
            same = earlier.get(phase) == results
            print(f"{phase}: {'identical to' if same else 'DIFFERENT from'} {args.compare}")
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
