"""Re-estimate the Fellegi–Sunter parameters and save them as data.

u: level frequencies over random registry pairs (a registry row taken as the query against
other random rows). m: level frequencies over labelled pairs (generated documents' persons
and their true citizens, with OCR-like damage applied by `labelled.damage`: truth values are
clean), smoothed toward the unfitted defaults so a rare level keeps a plausible m.

    python -m matching.estimate --registry-size 20000 --docs 1500 --seed 101
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, select

from matching.comparators import LEVEL_GROUPS, LEVELS
from matching.labelled import damage, generate
from matching.linker import Linker
from matching.registry import load_registry
from matching.scoring import UNFITTED, Parameters
from matching.settings import VIETNAMESE_CITIZENS, LinkSettings
from matching.store import reference_table

SMOOTHING = 50.0  # pseudo-pairs drawn from the unfitted m


def registry_as_query(row: dict[str, Any], year_only: bool = False) -> dict[str, Any]:
    """A registry row in query form (what a document would say about that person)."""
    q = dict(row)
    q["birth_year"] = (row.get("date_of_birth") or "")[:4] or None
    q["place"] = row.get("place_of_birth")
    q["place_code"] = row.get("place_of_birth_code")
    if year_only:
        q["date_of_birth"] = None
    return q


def estimate_u(linker: Linker, sample: int = 4000, per_row: int = 100,
               seed: int = 0) -> dict[str, Counter[str]]:
    table = reference_table(linker.settings)
    with linker.engine.connect() as conn:
        rows = [json.loads(d) for d in conn.execute(select(table.c.data)).scalars()]
    rng = random.Random(seed)
    picked = rng.sample(rows, min(sample, len(rows)))
    counts: dict[str, Counter[str]] = {c.name: Counter() for c in linker.settings.comparisons}
    for i, row in enumerate(picked):
        others = [r for r in rng.sample(rows, min(per_row, len(rows))) if r is not row]
        for lv in linker.levels(registry_as_query(row, year_only=i % 2 == 1), others):
            _count(linker.settings, lv, counts)
    return counts


def _count(settings: LinkSettings, levels: dict[str, int | None],
           counts: dict[str, Counter[str]]) -> None:
    for c in settings.comparisons:
        idx = levels.get(c.name)
        if idx is not None:
            counts[c.name][LEVELS[c.kind][idx]] += 1


def estimate_m(linker: Linker, persons: list[Any]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {c.name: Counter() for c in linker.settings.comparisons}
    table = reference_table(linker.settings)
    with linker.engine.connect() as conn:
        for p in persons:
            if p.citizen_id is None:
                continue
            data = conn.execute(select(table.c.data).where(
                table.c.entity_id == p.citizen_id)).scalar()
            if data is None:
                continue
            _count(linker.settings, linker.levels(p.query.as_row(), [json.loads(data)])[0],
                   counts)
    return counts


def fit(settings: LinkSettings, m_counts: dict[str, Counter[str]],
        u_counts: dict[str, Counter[str]], meta: dict[str, Any]) -> Parameters:
    params = Parameters(meta=meta)
    for c in settings.comparisons:
        params.m[c.name], params.u[c.name] = {}, {}
        for group in LEVEL_GROUPS.get(c.kind, (LEVELS[c.kind],)):
            mn = sum(m_counts[c.name][lv] for lv in group)
            un = sum(u_counts[c.name][lv] for lv in group)
            m0n = sum(UNFITTED[c.kind][lv][0] for lv in group)
            for level in group:
                m0, u0 = UNFITTED[c.kind][level]
                params.m[c.name][level] = (m_counts[c.name][level] + SMOOTHING * m0 / m0n) / (
                    mn + SMOOTHING)
                # u: a level never seen among random pairs gets half a pair (or the default)
                seen = u_counts[c.name][level]
                params.u[c.name][level] = (seen / un if seen else min(u0, 0.5 / max(un, 1))) \
                    if un else u0
    return params


def run(engine: Engine, registry: Path, persons: list[Any], settings: LinkSettings,
        meta: dict[str, Any]) -> Parameters:
    load_registry(registry, engine, settings)
    linker = Linker(engine, settings)
    return fit(settings, estimate_m(linker, persons), estimate_u(linker), meta)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--registry-size", type=int, default=20_000)
    ap.add_argument("--docs", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=101)
    ap.add_argument("--out", type=Path, default=VIETNAMESE_CITIZENS.parameters)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="sohoa-estimate-") as tmp:
        registry, docs = generate(Path(tmp), args.registry_size, args.docs, args.seed)
        # m is fitted on OCR-like damaged copies (labelled.damage): truth values are clean,
        # and a clean-only m would make every misread mark look like a different person
        persons = [p for doc in damage(docs, args.seed + 1) for p in doc]
        engine = create_engine(f"sqlite:///{tmp}/estimate.db")
        meta = {"registry_size": args.registry_size, "docs": args.docs, "seed": args.seed,
                "labelled_persons": len(persons),
                "command": "python -m matching.estimate " + " ".join(
                    f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items() if k != "out")}
        params = run(engine, registry, persons, VIETNAMESE_CITIZENS, meta)
        engine.dispose()
    params.save(args.out)
    print(f"wrote {args.out} from {len(persons)} labelled persons")


if __name__ == "__main__":
    main()
