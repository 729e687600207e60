"""Loading an evaluation corpus (inputs + ground truth + registry) and a prediction folder.

Both are validated in full before scoring (see `contract.py`); a missing prediction is not
an error but a document with no fields, because a pipeline that drops a document must score
worse than one that reads it badly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.contract import Problem, check_prediction, check_truth, raise_problems, read_json
from pipeline.errors import CorpusError
from pipeline.models import Record
from pipeline.sources import is_skipped

TRUTH_SUFFIX = ".truth.json"
REGISTRY_NAME = "registry.csv"
SUMMARY_NAME = "summary.json"
# Files in a prediction folder that are not records (the batch summary, our own report).
NOT_RECORDS = frozenset({SUMMARY_NAME, "eval.json"})


@dataclass(frozen=True)
class TruthPerson:
    role: str
    citizen_id: str | None


@dataclass(frozen=True)
class Truth:
    stem: str
    path: Path
    doc_type: str
    fields: dict[str, Any]
    persons: tuple[TruthPerson, ...]


@dataclass(frozen=True)
class Corpus:
    root: Path
    truths: dict[str, Truth]  # by stem, sorted
    inputs: tuple[Path, ...]  # the scans to process (everything that is not truth/registry)
    registry: Path | None


@dataclass(frozen=True)
class Predictions:
    root: Path
    records: dict[str, Record]  # by stem, only stems that have truth
    missing: tuple[str, ...]  # truth stems with no `<stem>.json`
    extra: tuple[str, ...]  # `<stem>.json` files with no truth (not scored)
    summary: dict[str, Any] | None = field(default=None)


def truth_stem(path: Path) -> str:
    return path.name[: -len(TRUTH_SUFFIX)]


def _is_input(path: Path) -> bool:
    """A scan, by the same rule the batch runner lists inputs with."""
    return path.is_file() and not is_skipped(path.name)


def load_corpus(root: Path) -> Corpus:
    """Read every truth file of `root`; raise CorpusError listing all problems at once."""
    root = Path(root)
    if not root.is_dir():
        raise CorpusError("corpus folder does not exist or is not a folder", filename=str(root),
                          hint="pass the folder holding the scans and their .truth.json files")
    truth_paths = sorted(root.glob(f"*{TRUTH_SUFFIX}"))
    if not truth_paths:
        raise CorpusError(f"no *{TRUTH_SUFFIX} files: nothing to score against",
                          filename=str(root),
                          hint="each input needs <stem>.truth.json next to it (records.md)")
    problems: list[Problem] = []
    truths: dict[str, Truth] = {}
    for path in truth_paths:
        data = read_json(path, problems)
        if data is None:
            continue
        found = check_truth(path, data)
        problems += found
        if found:
            continue
        persons = tuple(TruthPerson(str(p["role"]), p.get("citizen_id"))
                        for p in data.get("persons", []))
        truths[truth_stem(path)] = Truth(truth_stem(path), path, data["doc_type"],
                                         dict(data["fields"]), persons)
    raise_problems(problems)
    registry = root / REGISTRY_NAME
    inputs = tuple(sorted(p for p in root.iterdir() if _is_input(p)))
    return Corpus(root, truths, inputs, registry if registry.is_file() else None)


def load_predictions(root: Path, stems: list[str] | tuple[str, ...]) -> Predictions:
    """Read `<stem>.json` for each truth stem and the optional `summary.json`."""
    root = Path(root)
    if not root.is_dir():
        raise CorpusError("prediction folder does not exist or is not a folder",
                          filename=str(root), hint="pass the --out folder of `sohoa process`")
    problems: list[Problem] = []
    records: dict[str, Record] = {}
    missing: list[str] = []
    for stem in stems:
        path = root / f"{stem}.json"
        if not path.is_file():
            missing.append(stem)
            continue
        data = read_json(path, problems)
        if data is None:
            continue
        record, found = check_prediction(path, data)
        problems += found
        if record is not None:
            records[stem] = record
    summary = None
    summary_path = root / SUMMARY_NAME
    if summary_path.is_file():
        summary = read_json(summary_path, problems)
        if summary is not None and not isinstance(summary, dict):
            problems.append(Problem(summary_path, "(file)", "summary must be a JSON object"))
    raise_problems(problems)
    wanted = set(stems)
    extra = tuple(sorted(p.stem for p in root.glob("*.json")
                         if p.name not in NOT_RECORDS and p.stem not in wanted
                         and not p.name.endswith(TRUTH_SUFFIX)))
    return Predictions(root, records, tuple(missing), extra,
                       summary if isinstance(summary, dict) else None)
