"""Cross-validate the calibration target: how many fields the fitted bars accept, and how
many of those are wrong, on documents the fit never saw.

    python -m evaluation.calibration_cv CORPUS[:DATA_DIR] ... [--targets 0.004 0.005]
        [--folds 4] [--seed 7]

Documents (not fields: a document's fields share a scan) are dealt into folds; for each
fold the model is fitted (`extractors.calibrate.fit`) on the others and its bars applied to
it. Corpora whose folder name starts with "office" are reported apart from the rest ("poor"),
as the promises differ (0.5% and 1% wrong among auto-accepted). The figures are field-level,
before the registry's confirmations and the rules that always flag (a failed check, a
guessed repair), so the pipeline accepts somewhat less than they say.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter, defaultdict
from pathlib import Path

from extractors.calibrate import corpus_readings, field_rows, fit
from extractors.calibrate_cli import split_corpus_arg
from extractors.confidence import family_params, model_probability
from pipeline.config import get_settings


def rows_of(corpora: list[tuple[Path, Path | None]]) -> list[dict]:
    settings = get_settings()
    rows: list[dict] = []
    for corpus, data_dir in corpora:
        where = settings if data_dir is None else settings.model_copy(
            update={"data_dir": data_dir, "store_url": None})
        for row in field_rows(corpus, corpus_readings(corpus, where), settings):
            rows.append({**row, "doc": f"{corpus.name}/{row['stem']}",
                         "kind": "office" if corpus.name.startswith("office") else "poor"})
    return rows


def accepted(families: dict, row: dict) -> bool:
    """Whether the fitted `families` auto-accept a field row, as the pipeline scores it."""
    if row.get("registry") is not None:  # decided by the linked citizen's registry value
        return bool(row["registry"])
    if row.get("held"):  # held for a person by a rule, whatever its confidence
        return False
    params, x = family_params(families, row["family"], row["x"])
    return params is not None and model_probability(params, x) >= params["threshold"]


def cross_validate(rows: list[dict], target: float, folds: int = 4,
                   seed: int = 7) -> dict[str, dict[str, int]]:
    """Per kind: fields, accepted, accepted_wrong, documents, documents_all_accepted."""
    docs = sorted({r["doc"] for r in rows})
    random.Random(seed).shuffle(docs)
    fold = {d: i % folds for i, d in enumerate(docs)}
    out: dict[str, Counter] = defaultdict(Counter)
    for k in range(folds):
        families = fit([r for r in rows if fold[r["doc"]] != k], target)
        by_doc: dict[tuple[str, str], list[bool]] = defaultdict(list)
        for r in rows:
            if fold[r["doc"]] != k:
                continue
            ok = accepted(families, r)
            c = out[r["kind"]]
            c["fields"] += 1
            c["accepted"] += ok
            c["accepted_wrong"] += ok and not r.get("registry_correct", r["correct"])
            by_doc[(r["kind"], r["doc"])].append(ok)
        for (kind, _), oks in by_doc.items():
            out[kind]["documents"] += 1
            out[kind]["documents_all_accepted"] += all(oks)
    return {kind: dict(c) for kind, c in sorted(out.items())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="+", help="CORPUS or CORPUS:DATA_DIR")
    parser.add_argument("--targets", nargs="+", type=float, default=[0.004, 0.005, 0.006])
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rows = rows_of([split_corpus_arg(Path(a)) for a in args.corpora])
    print(f"{len(rows)} fields of {len({r['doc'] for r in rows})} documents")
    for target in args.targets:
        for kind, c in cross_validate(rows, target, args.folds, args.seed).items():
            share = c["accepted_wrong"] / max(1, c["accepted"])
            print(f"target {target:.4f} {kind:6}: accepted {c['accepted']}/{c['fields']}, "
                  f"wrong {c['accepted_wrong']} ({share:.2%}), documents with every field "
                  f"accepted {c['documents_all_accepted']}/{c['documents']}")


if __name__ == "__main__":
    main()
