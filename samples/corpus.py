"""Build an evaluation corpus: scans + `<stem>.truth.json` + `registry.csv` (+ manifest).

Reads like a script: check the request → registry → document contents → truth files →
render in parallel → manifest. Content is made in this process (cheap, and the only place
randomness for people lives); each worker gets a small picklable `ScanJob` and its own seed,
so the bytes of every file depend on the seed alone, not on which worker drew it."""

from __future__ import annotations

import json
import multiprocessing as mp
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from samples.content import DocumentContent
from samples.documents import DEFAULT_MIX, FIELD_KEYS, make_documents, validate_truth
from samples.registry import generate_registry
from samples.registry_io import write_registry_csv

DEFAULT_FORMATS: dict[str, float] = {"jpeg": 0.35, "pdf_image": 0.25, "pdf_text": 0.15,
                                     "png": 0.1, "tiff": 0.1, "pdf_garbage": 0.05}


@dataclass(frozen=True, slots=True)
class ScanJob:
    """Everything a worker needs for one file; plain data so it pickles cheaply."""

    content: DocumentContent
    profile: str
    fmt: str
    out_stem: str
    seed: int


def _render(job: ScanJob) -> tuple[str, str]:
    """(doc_id, written file name). Heavy imports stay here: workers load the renderer."""
    from samples.render import render_document, write_scan

    rng = random.Random(job.seed)
    doc = render_document(job.content, rng)
    paths = write_scan(doc, job.profile, job.fmt, Path(job.out_stem), rng)
    return job.content.doc_id, paths[0].name


def _render_safe(job: ScanJob) -> tuple[str, str | None, str | None]:
    """Worker entry: errors come back as text (custom exceptions may not unpickle)."""
    try:
        doc_id, name = _render(job)
        return doc_id, name, None
    except Exception as exc:  # noqa: BLE001 - reported in the parent with the doc id
        return job.content.doc_id, None, f"{type(exc).__name__}: {exc}"


def check_request(profiles: Sequence[str], formats: Mapping[str, float],
                  doc_types: Mapping[str, float] | None = None) -> None:
    """All request errors at once, each naming the valid choices."""
    from samples.render import FORMATS, PROFILES

    problems = []
    bad_profiles = [p for p in profiles if p not in PROFILES]
    if not profiles or bad_profiles:
        problems.append(f"unknown damage profile(s) {bad_profiles or '(none given)'}; "
                        f"valid profiles: {', '.join(PROFILES)}")
    bad_formats = [f for f in formats if f not in FORMATS]
    if bad_formats:
        problems.append(f"unknown scan format(s) {bad_formats}; valid formats: {', '.join(FORMATS)}")
    bad_types = [t for t in (doc_types or {}) if t not in FIELD_KEYS]
    if bad_types:
        problems.append(f"unknown document type(s) {bad_types}; valid types: {', '.join(FIELD_KEYS)}")
    if problems:
        raise ConfigError("; ".join(problems), stage="corpus",
                          hint="see `python -m samples.cli corpus --help`")


def _weighted(rng: random.Random, mix: Mapping[str, float]) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


def plan_jobs(docs: list[DocumentContent], out_dir: Path, profiles: Sequence[str],
              formats: Mapping[str, float], seed: int) -> list[ScanJob]:
    """Profiles rotate within each document type (from a random offset), so even a small
    corpus has every type under every profile; formats follow the weighted mix."""
    rng = random.Random(seed * 7919 + 1)
    offset: dict[str, int] = {}
    jobs = []
    for i, d in enumerate(docs):
        k = offset.setdefault(d.doc_type, rng.randrange(len(profiles)))
        offset[d.doc_type] = k + 1
        fmt = _weighted(rng, formats)
        if fmt in ("png", "jpeg") and d.form_version == "pre-2024":
            fmt = "pdf_image"  # two pages: the renderer would fall back to a (large) TIFF
        jobs.append(ScanJob(d, profiles[k % len(profiles)], fmt, str(out_dir / d.doc_id),
                            seed * 1_000_003 + i))
    return jobs


def _write_truth(docs: list[DocumentContent], out_dir: Path) -> None:
    for d in docs:
        problems = validate_truth(d)
        if problems:
            raise RuntimeError(f"corpus: invalid truth generated: {problems}")
        (out_dir / f"{d.doc_id}.truth.json").write_text(
            json.dumps(d.truth_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _run(jobs: list[ScanJob], workers: int, progress: bool) -> dict[str, str]:
    """Render all jobs; the first in this process so a setup error (e.g. a missing font)
    surfaces as the renderer raised it, the rest across `workers` processes."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    written: dict[str, str] = {}
    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, disable=not progress) as bar:
        task = bar.add_task("rendering scans", total=len(jobs))
        if jobs:
            doc_id, name = _render(jobs[0])
            written[doc_id] = name
            bar.advance(task)
        rest = jobs[1:]
        if rest and workers > 1:
            with mp.get_context("spawn").Pool(workers) as pool:
                results = pool.imap_unordered(_render_safe, rest, chunksize=1)
                for doc_id, name, error in results:
                    if error:
                        pool.terminate()
                        raise RuntimeError(f"corpus: rendering {doc_id} failed: {error}")
                    written[doc_id] = name or ""
                    bar.advance(task)
        else:
            for job in rest:
                doc_id, name = _render(job)
                written[doc_id] = name
                bar.advance(task)
    return written


def build_corpus(out_dir: Path | str, n_docs: int, profiles: Sequence[str] = ("office",),
                 seed: int = 0, registry_size: int = 2000,
                 formats: Mapping[str, float] | None = None,
                 doc_types: Mapping[str, float] | None = None, workers: int = 2,
                 progress: bool = True, place_codes: bool = False) -> Path:
    """Write a complete corpus to `out_dir` and return it; deterministic for a seed."""
    out = Path(out_dir)
    formats = dict(formats or DEFAULT_FORMATS)
    check_request(list(profiles), formats, doc_types)
    out.mkdir(parents=True, exist_ok=True)
    registry = generate_registry(registry_size, seed)
    docs = make_documents(registry, n_docs, seed, doc_types or DEFAULT_MIX, place_codes)
    write_registry_csv(registry, out / "registry.csv")
    _write_truth(docs, out)
    jobs = plan_jobs(docs, out, list(profiles), formats, seed)
    written = _run(jobs, workers, progress)
    manifest: dict[str, Any] = {
        "generator": "samples.corpus.build_corpus", "seed": seed, "n_docs": n_docs,
        "registry_size": registry_size, "profiles": list(profiles), "formats": formats,
        "doc_types": dict(doc_types or DEFAULT_MIX), "place_codes": place_codes,
        "documents": [{"file": written[j.content.doc_id], "doc_type": j.content.doc_type,
                       "profile": j.profile, "format": j.fmt,
                       "truth": f"{j.content.doc_id}.truth.json"} for j in jobs],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")
    return out
