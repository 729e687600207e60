"""Linkage figures on generated documents' truth persons (no scans, no OCR): precision and
recall of `linked`, share `candidate`, blocking recall and persons per second.

    python -m matching.truth_eval --registry-size 100000 --docs 3000 --seed 7 [--ocr-noise]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from matching.joint import link_document
from matching.labelled import LabelledPerson, damage, generate
from matching.linker import Linker
from matching.registry import load_registry
from pipeline.index.engine import make_engine


def evaluate(linker: Linker, docs: list[list[LabelledPerson]]) -> dict[str, float]:
    persons = [p for doc in docs for p in doc]
    start, cpu = time.perf_counter(), time.process_time()
    results = [r for doc in docs if doc
               for r in link_document(linker, doc[0].doc_type, [p.query for p in doc])]
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    linked = [(p, r) for p, r in zip(persons, results) if r.match == "linked"]
    right = sum(r.citizen_id == p.citizen_id for p, r in linked)
    linkable = [p for p in persons if p.citizen_id is not None]
    recalled = sum(r.citizen_id == p.citizen_id and p.citizen_id is not None
                   for p, r in linked)
    blocked = sum(p.citizen_id in set(linker.blocking_candidates(p.query)) for p in linkable)
    in_candidates = sum(p.citizen_id in {c.citizen_id for c in r.candidates}
                        for p, r in zip(persons, results) if p.citizen_id is not None)
    candidates = sum(r.match == "candidate" for r in results)
    absent_linked = sum(p.citizen_id is None for p, _ in linked)
    return {"persons": len(persons), "linkable": len(linkable), "linked": len(linked),
            "wrong_links": len(linked) - right, "absent_linked": absent_linked,
            "precision": right / max(len(linked), 1), "recall": recalled / max(len(linkable), 1),
            "candidate_share": candidates / max(len(persons), 1),
            "blocking_recall": blocked / max(len(linkable), 1),
            "true_in_candidates": in_candidates / max(len(linkable), 1),
            "persons_per_s": len(persons) / max(seconds, 1e-9),
            "persons_per_cpu_s": len(persons) / max(cpu, 1e-9)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--registry-size", type=int, default=100_000)
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    ap.add_argument("--ocr-noise", action="store_true",
                    help="damage names and dates as OCR does before linking")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="sohoa-truth-eval-") as tmp:
        t0 = time.perf_counter()
        registry, docs = generate(Path(tmp), args.registry_size, args.docs, args.seed)
        engine = make_engine(args.database or f"sqlite:///{tmp}/eval.db")
        t1 = time.perf_counter()
        report = load_registry(registry, engine)
        print(f"generated in {t1 - t0:.1f}s; loaded {report.inserted} citizens in "
              f"{report.seconds:.1f}s")
        if args.ocr_noise:
            docs = damage(docs, args.seed)
        figures = evaluate(Linker(engine), docs)
        engine.dispose()
    for k, v in figures.items():
        print(f"{k:>16}: {v:.4f}" if isinstance(v, float) else f"{k:>16}: {v}")


if __name__ == "__main__":
    main()
