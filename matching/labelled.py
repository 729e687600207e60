"""Labelled persons from the synthetic generator (no scans, no OCR): a registry written to
CSV and documents whose truth names the citizen of every person. Used to fit m (see
matching.estimate) and to measure linkage (matching.truth_eval) on fresh seeds."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path

from matching.models import PersonQuery
from matching.persons import queries_from_values
from pipeline.textnorm import fold


@dataclass(frozen=True)
class LabelledPerson:
    doc_id: str
    doc_type: str
    query: PersonQuery
    citizen_id: str | None  # None: absent from the registry


def generate(out_dir: Path, registry_size: int, n_docs: int, seed: int,
             profile_mix: dict[str, float] | None = None) -> tuple[Path, list[list[LabelledPerson]]]:
    """Write `registry.csv` into out_dir; return it and the persons grouped by document."""
    from samples.documents import make_documents
    from samples.registry import generate_registry
    from samples.registry_io import write_registry_csv

    reg = generate_registry(registry_size, seed)
    path = write_registry_csv(reg, Path(out_dir) / "registry.csv")
    docs = make_documents(reg, n_docs, seed, profile_mix, place_codes=True)
    return path, [document_persons(d.doc_id, d.doc_type, d.truth, d.persons) for d in docs]


def document_persons(doc_id: str, doc_type: str, fields: dict, persons: list[dict]
                     ) -> list[LabelledPerson]:
    truth = {p["role"]: p.get("citizen_id") for p in persons}
    return [LabelledPerson(doc_id, doc_type, q, truth.get(q.role))
            for q in queries_from_values(doc_type, fields) if q.role in truth]


def _damage_name(name: str | None, rng: random.Random) -> str | None:
    """What a misread looks like: a word loses its marks (NGUYỄN -> NGUYEN), or a letter is
    replaced, or the name is printed without diacritics at all."""
    if not name:
        return name
    words = name.split()
    roll = rng.random()
    if roll < 0.15:
        i = rng.randrange(len(words))
        words[i] = fold(words[i]).capitalize()
    elif roll < 0.20:
        i = rng.randrange(len(words))
        w = words[i]
        j = rng.randrange(len(w))
        words[i] = w[:j] + rng.choice("aeinoumrt") + w[j + 1:]
    elif roll < 0.25:
        words = [fold(w).capitalize() for w in words]
    return " ".join(words)


def damage(docs: list[list[LabelledPerson]], seed: int) -> list[list[LabelledPerson]]:
    """OCR-like damage on names and dates (the same person stays the same person)."""
    rng = random.Random(seed)
    out = []
    for doc in docs:
        new = []
        for p in doc:
            q = p.query
            dob = q.date_of_birth
            if dob and rng.random() < 0.02 and int(dob[8:]) <= 12:
                dob = f"{dob[:4]}-{dob[8:]}-{dob[5:7]}"
            q = q.model_copy(update={
                "full_name": _damage_name(q.full_name, rng), "date_of_birth": dob,
                "mother_name": _damage_name(q.mother_name, rng),
                "father_name": _damage_name(q.father_name, rng)})
            new.append(replace(p, query=q))
        out.append(new)
    return out
