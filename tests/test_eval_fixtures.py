"""Hand-made tiny corpora with answers worked out by hand (shared by the test_eval_* files).

The "standard" corpus below has five documents; the expected figures are derived in the
comments next to each document so a failing test can be checked against arithmetic.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any


def field(value: Any, confidence: float = 0.95, state: str = "auto") -> dict[str, Any]:
    return {"value": value, "raw": None if value is None else str(value),
            "confidence": confidence, "page": 1, "bbox": [0, 0, 10, 10], "state": state,
            "issues": []}


def record(stem: str, doc_type: str, status: str, fields: dict[str, Any],
           persons: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"schema": "sohoa.record/1", "record_id": f"rec-{stem}",
            "source": {"filename": f"{stem}.png", "sha256": "0" * 64, "pages": 1,
                       "media_type": "image/png"},
            "doc_type": doc_type, "status": status, "fields": fields,
            "persons": persons or [], "issues": []}


def person(role: str, citizen_id: str | None, match: str) -> dict[str, Any]:
    return {"role": role, "citizen_id": citizen_id, "match": match, "score": 0.9,
            "candidates": []}


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def write_truth(corpus: Path, stem: str, doc_type: str, fields: dict[str, Any],
                persons: list[dict[str, Any]] | None = None) -> Path:
    (corpus / f"{stem}.png").write_bytes(b"\x89PNG fake")
    return write_json(corpus / f"{stem}.truth.json",
                      {"doc_type": doc_type, "fields": fields, "persons": persons or []})


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def standard_corpus(tmp: Path) -> tuple[Path, Path]:
    """Five documents (truth fields 13, right 6) and their predictions; see test_eval_scores."""
    corpus, pred = tmp / "corpus", tmp / "pred"
    corpus.mkdir(parents=True)
    pred.mkdir(parents=True)
    (corpus / "registry.csv").write_text("citizen_id,full_name\n", encoding="utf-8")

    # b1 birth, needs_review: 5 truth fields, 3 right (NFD+spaces name, "1965.0", null=null);
    # gender wrong (auto), personal_id as an int loses its leading zeros (flagged).
    write_truth(corpus, "b1", "birth_certificate",
                {"full_name": "Nguyễn Thị Hương", "mother_birth_year": 1965, "gender": "female",
                 "hometown": None, "personal_id": "001190012345"},
                [{"role": "subject", "citizen_id": "001190012345"},
                 {"role": "mother", "citizen_id": "001165000001"},
                 {"role": "father", "citizen_id": None}])
    write_json(pred / "b1.json", record("b1", "birth_certificate", "needs_review", {
        "full_name": field(nfd("  Nguyễn  Thị\tHương ")),
        "mother_birth_year": field("1965.0", 0.9),
        "gender": field("male", 0.97),
        "hometown": field(None, 0.4, "flagged"),
        "personal_id": field(1190012345, 0.5, "flagged"),
    }, [person("subject", "001190012345", "linked"),
        person("mother", "001165000001", "candidate"),
        person("father", "009999999999", "linked")]))

    # l1 land, verified, all auto: straight-through. area 108 vs "108.0" right, serial right,
    # holder_1_name missing (wrong); parcel_address_code has no truth (not scored).
    write_truth(corpus, "l1", "land_certificate",
                {"area_m2": 108, "certificate_serial": "AA 09273289",
                 "holder_1_name": "Trần Văn An"},
                [{"role": "holder_1", "citizen_id": "079080000001"}])
    write_json(pred / "l1.json", record("l1", "land_certificate", "verified", {
        "area_m2": field("108.0", 0.99),
        "certificate_serial": field("AA 09273289", 0.99),
        "parcel_address_code": field("26734", 0.9),
    }, [person("holder_1", "079080000001", "linked")]))

    # d1 death, verified but touched by a reviewer: not straight-through.
    write_truth(corpus, "d1", "death_certificate",
                {"full_name": "Lê Văn Bình", "date_of_death": "2020-01-02"},
                [{"role": "subject", "citizen_id": None}])
    write_json(pred / "d1.json", record("d1", "death_certificate", "verified", {
        "full_name": field("Lê Văn Bình", 0.6, "confirmed"),
        "date_of_death": field("2020-01-03", 0.8, "corrected"),
    }))

    # m1 marriage: no prediction at all (2 fields wrong, wife link not recalled).
    write_truth(corpus, "m1", "marriage_certificate",
                {"wife_name": "Phạm Thị Cúc", "husband_name": "Hoàng Văn Dũng"},
                [{"role": "wife", "citizen_id": "001170000002"},
                 {"role": "husband", "citizen_id": None}])

    # u1 birth predicted as unknown and rejected: doc type wrong, its one field wrong.
    write_truth(corpus, "u1", "birth_certificate", {"full_name": "Đỗ An"})
    write_json(pred / "u1.json", record("u1", "unknown", "rejected", {}))

    write_json(pred / "summary.json", {"batch_id": "t", "pages": 6, "seconds": 30.0})
    return corpus, pred
