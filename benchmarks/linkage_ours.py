"""Our linker (`matching`) on the benchmark's persons. Each function runs in its own child
process (see linkage.py) so its peak RSS is its own: loading the registry into the index
database, then linking in a fresh process that only connects to it (as the pipeline does)."""

from __future__ import annotations

import resource
import time
from typing import Any

from linkage_data import TruthDocument, truth_record


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(registry_csv: str, db_url: str) -> dict[str, Any]:
    from pathlib import Path

    from sqlalchemy import create_engine

    from matching import load_registry

    engine = create_engine(db_url)
    started = time.perf_counter()
    report = load_registry(Path(registry_csv), engine)
    seconds = time.perf_counter() - started
    engine.dispose()
    return {"load_seconds": seconds, "load_report": report.model_dump(mode="json"),
            "load_peak_rss_mb": peak_rss_mb()}


def _aligned_queries(documents: list[TruthDocument]) -> tuple[list[Any], list[tuple], list[Any]]:
    """(queries, [(doc_id, role, truth_id)] per truth person, records). A truth person the
    query builder found nothing for gets the query None (it counts as `none`)."""
    from matching import person_queries

    queries, keys, records = [], [], []
    for doc in documents:
        record = truth_record(doc)
        records.append(record)
        by_role = {q.role: q for q in person_queries(record)}
        for person in doc.persons:
            queries.append(by_role.get(person["role"]))
            keys.append((doc.doc_id, person["role"], person.get("citizen_id")))
    return queries, keys, records


def _person(key: tuple, result: Any, blocked: list[str] | None) -> dict[str, Any]:
    doc_id, role, truth_id = key
    if result is None:
        return {"doc_id": doc_id, "role": role, "truth_id": truth_id, "match": "none",
                "blocked_truth": False if truth_id else None}
    best = result.candidates[0] if result.candidates else None
    return {
        "doc_id": doc_id, "role": role, "truth_id": truth_id,
        "match": getattr(result.match, "value", result.match),
        "citizen_id": result.citizen_id if result.match == "linked" else None,
        "score": result.score,
        "candidate_ids": [c.citizen_id for c in result.candidates],
        "blocked_truth": (truth_id in blocked) if (blocked is not None and truth_id) else None,
        "explanation": [{"citizen_id": c.citizen_id, "score": c.score, "weight": c.weight,
                         "terms": [t.label for t in c.explanation]}
                        for c in result.candidates[:3]] if best else [],
    }


def link(db_url: str, documents: list[TruthDocument]) -> dict[str, Any]:
    """Persons one by one (`link_many`), then blocking recall, then joint per document."""
    from sqlalchemy import create_engine

    from matching import Linker

    queries, keys, records = _aligned_queries(documents)
    engine = create_engine(db_url)
    linker = Linker(engine)
    present = [q for q in queries if q is not None]
    started, cpu = time.perf_counter(), time.process_time()
    results = iter(linker.link_many(present))
    link_seconds, link_cpu = time.perf_counter() - started, time.process_time() - cpu
    linked = [next(results) if q is not None else None for q in queries]
    link_peak = peak_rss_mb()

    started = time.perf_counter()
    blocked = [linker.blocking_candidates(q) if q is not None else None for q in queries]
    blocking_seconds = time.perf_counter() - started
    people = [_person(k, r, b) for k, r, b in zip(keys, linked, blocked)]

    started, cpu = time.perf_counter(), time.process_time()
    joint_links = [linker.link_record(record) for record in records]
    joint_seconds, joint_cpu = time.perf_counter() - started, time.process_time() - cpu
    joint = []
    for doc, links in zip(documents, joint_links):
        by_role = {p.role: p for p in links}
        for person in doc.persons:
            found = by_role.get(person["role"])
            joint.append({
                "doc_id": doc.doc_id, "role": person["role"], "truth_id": person.get("citizen_id"),
                "match": getattr(found.match, "value", found.match) if found else "none",
                "citizen_id": found.citizen_id if found and found.match == "linked" else None,
                "score": found.score if found else None,
                "candidate_ids": [c.citizen_id for c in found.candidates] if found else []})
    engine.dispose()
    return {"people": people, "joint_people": joint, "link_seconds": link_seconds,
            "link_cpu_seconds": link_cpu, "joint_cpu_seconds": joint_cpu,
            "blocking_seconds": blocking_seconds, "joint_seconds": joint_seconds,
            "link_peak_rss_mb": link_peak, "peak_rss_mb": peak_rss_mb(),
            "queries_missing": sum(q is None for q in queries)}
