"""The linkage benchmark's inputs: a citizen registry and the persons of documents drawn from
it, each with its true citizen ID (or none: the ~2% of people absent from the registry).

Synthetic by default: `generate_registry` + `make_documents` give the documents' truth without
rendering a single image (the truth is all linkage needs), cached under the work folder so a
rerun reuses the ~30 s registry. Or an existing corpus (`--corpus DIR`: its registry.csv and
truth files), optionally with the pipeline's records (`--records DIR`: fields as read by OCR)."""

from __future__ import annotations

import gc
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

# Document types that carry persons (no `unknown` letters), in the corpus generator's shares.
PERSON_MIX: dict[str, float] = {"birth_certificate": 0.3, "marriage_certificate": 0.2,
                                "death_certificate": 0.15, "land_certificate": 0.3}
PERSONS_PER_DOC = 1.5  # a safe under-estimate (birth 3, marriage 2, death 1, land 1-2)


@dataclass(frozen=True, slots=True)
class TruthDocument:
    """One document: its fields (truth or as read) and the persons on it with their truth."""

    doc_id: str
    doc_type: str
    fields: dict[str, Any]  # key -> normalised value or None
    persons: list[dict[str, Any]]  # [{"role", "citizen_id"}] (truth)
    record_json: dict[str, Any] | None = None  # the pipeline's record, with --records


@dataclass(frozen=True, slots=True)
class Dataset:
    registry_csv: Path
    documents: list[TruthDocument]
    description: str

    @property
    def n_persons(self) -> int:
        return sum(len(d.persons) for d in self.documents)


def synthetic(work: Path, registry_size: int, n_persons: int, seed: int) -> Dataset:
    """Whole documents, in generated order, until at least `n_persons` persons."""
    work.mkdir(parents=True, exist_ok=True)
    n_docs = math.ceil(n_persons / PERSONS_PER_DOC) + 5
    registry_csv = work / f"registry_{registry_size}_s{seed}.csv"
    docs_json = work / f"documents_{registry_size}_s{seed}_d{n_docs}.json"
    if not (registry_csv.exists() and docs_json.exists()):
        _generate(registry_csv, docs_json, registry_size, n_docs, seed)
    documents = [TruthDocument(**d) for d in json.loads(docs_json.read_text(encoding="utf-8"))]
    chosen: list[TruthDocument] = []
    for doc in documents:
        if sum(len(d.persons) for d in chosen) >= n_persons:
            break
        chosen.append(doc)
    return Dataset(registry_csv, chosen,
                   f"synthetic: registry {registry_size:,} (seed {seed}), {len(chosen)} documents")


def _generate(registry_csv: Path, docs_json: Path, registry_size: int, n_docs: int,
              seed: int) -> None:
    from samples.documents import make_documents
    from samples.registry import generate_registry
    from samples.registry_io import write_registry_csv

    reg = generate_registry(registry_size, seed)
    docs = make_documents(reg, n_docs, seed, PERSON_MIX)
    tmp = registry_csv.with_suffix(".csv.part")
    write_registry_csv(reg, tmp)
    tmp.replace(registry_csv)
    docs_json.write_text(json.dumps(
        [{"doc_id": d.doc_id, "doc_type": d.doc_type, "fields": d.truth, "persons": d.persons}
         for d in docs], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    del reg, docs
    gc.collect()


def from_corpus(corpus: Path, records: Path | None, n_persons: int | None) -> Dataset:
    """A corpus folder's truth files (and registry.csv); with `records`, the fields come from
    the pipeline's `<stem>.json` records instead (documents without a record are skipped)."""
    registry_csv = corpus / "registry.csv"
    truths = sorted(corpus.glob("*.truth.json"))
    if not registry_csv.exists() or not truths:
        raise ConfigError(f"{corpus} has no registry.csv or no *.truth.json files",
                          stage="benchmark", hint="generate one with `sohoa generate corpus`")
    documents: list[TruthDocument] = []
    skipped = 0
    for path in truths:
        stem = path.name.removesuffix(".truth.json")
        truth = json.loads(path.read_text(encoding="utf-8"))
        if not truth.get("persons"):
            continue
        record_json = None
        if records is not None:
            rec_path = records / f"{stem}.json"
            if not rec_path.exists():
                skipped += 1
                continue
            record_json = json.loads(rec_path.read_text(encoding="utf-8"))
        persons = list(truth["persons"])
        if record_json is not None:
            persons += misread_persons(truth["doc_type"], persons, record_json)
        documents.append(TruthDocument(stem, truth["doc_type"], truth["fields"], persons,
                                       record_json))
        if n_persons and sum(len(d.persons) for d in documents) >= n_persons:
            break
    source = f"records {records} ({skipped} documents without a record skipped)" if records \
        else "truth fields"
    return Dataset(registry_csv, documents, f"corpus {corpus}: {len(documents)} documents, {source}")


def name_key(role: str) -> str:
    """The field naming a person of this role (records.md): `full_name` or `<role>_name`."""
    return "full_name" if role == "subject" else f"{role}_name"


def misread_persons(doc_type: str, persons: list[dict[str, Any]],
                    record_json: dict[str, Any]) -> list[dict[str, Any]]:
    """Persons the record names but the truth does not (OCR read a name into a blank field):
    they have no citizen, so linking them is a wrong link."""
    from evaluation.field_keys import PERSON_ROLES

    known = {p["role"] for p in persons}
    fields = record_json.get("fields", {})
    return [{"role": role, "citizen_id": None} for role in PERSON_ROLES.get(doc_type, ())
            if role not in known and (fields.get(name_key(role)) or {}).get("value")]


def truth_record(doc: TruthDocument) -> Any:
    """The document as a `pipeline.models.Record`: the pipeline's own record when given,
    else one built from the truth fields (every field read perfectly, confidence 1)."""
    from pipeline.models import FieldValue, Record, Source

    if doc.record_json is not None:
        return Record.model_validate(doc.record_json)
    sha = hashlib.sha256(doc.doc_id.encode()).hexdigest()
    return Record(
        record_id=f"bench-{doc.doc_id}",
        source=Source(filename=f"{doc.doc_id}.pdf", sha256=sha, pages=1,
                      media_type="application/pdf"),
        doc_type=doc.doc_type, status="verified",
        fields={k: FieldValue(value=v, raw=None if v is None else str(v), confidence=1.0)
                for k, v in doc.fields.items()},
    )
