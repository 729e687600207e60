"""A small synthetic world for the service tests: citizens, their records (stored and
indexed through the pipeline's own `save_record`), originals to crop evidence from, and
one API client per scope and per purpose. Synthetic data only."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from pipeline.config import Settings
from pipeline.document import Context, save_record
from pipeline.index import Index
from pipeline.models import (DocType, FieldState, FieldValue, MediaType, PersonLink, Record, RecordStatus,
                             Source, record_id_for)
from pipeline.storage import keys, open_store
from service.auth import create_client
from service.db import ServiceDB
from service.scopes import catalog

A, B, MOTHER, FATHER, CHILD, DEAD = ("001190000001", "001190000002", "001160000003",
                                     "001160000004", "001215000005", "001150000006")
STRANGER = "079199000099"  # no records at all
FIELD_KEYS = {
    "birth_certificate": [
        "registration_number", "book_number", "full_name", "date_of_birth",
        "date_of_birth_words", "gender", "ethnicity", "nationality", "place_of_birth",
        "hometown", "personal_id", "mother_name", "mother_birth_year", "mother_ethnicity",
        "mother_nationality", "mother_residence", "father_name", "father_birth_year",
        "father_ethnicity", "father_nationality", "father_residence", "registration_place",
        "registration_date"],
    "marriage_certificate": [
        "registration_number", "book_number", "wife_name", "wife_date_of_birth",
        "wife_ethnicity", "wife_nationality", "wife_residence", "wife_id_number",
        "husband_name", "husband_date_of_birth", "husband_ethnicity", "husband_nationality",
        "husband_residence", "husband_id_number", "registration_place", "registration_date"],
    "death_certificate": [
        "registration_number", "book_number", "full_name", "date_of_birth", "gender",
        "ethnicity", "nationality", "personal_id", "date_of_death", "time_of_death",
        "place_of_death", "cause_of_death", "registration_place", "registration_date"],
    "land_certificate": [
        "certificate_serial", "registry_number", "form_version", "holder_1_name",
        "holder_1_birth_year", "holder_1_id_number", "holder_1_address", "holder_2_name",
        "holder_2_birth_year", "holder_2_id_number", "holder_2_address", "parcel_number",
        "map_sheet_number", "parcel_address", "area_m2", "usage_form", "land_use_purpose",
        "land_use_term", "land_use_origin", "issue_date", "issuing_authority"],
}
NAMED = {"full_name": "Nguyễn Thị Hương Giang", "wife_name": "Nguyễn Thị Hương Giang",
         "husband_name": "Trần Văn Bình", "holder_1_name": "Nguyễn Thị Hương Giang",
         "holder_2_name": "Trần Văn Bình", "date_of_birth": "1990-03-14",
         "wife_date_of_birth": "1990-03-14", "husband_date_of_birth": "1988-07-02",
         "holder_1_birth_year": 1990, "holder_2_birth_year": 1988, "area_m2": 120.5}


@dataclass
class World:
    settings: Settings
    records: dict[str, Record] = field(default_factory=dict)  # name → record
    keys: dict[str, str] = field(default_factory=dict)  # client name → API key
    client_scopes: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)


def _image(label: str, fmt: str) -> bytes:
    img = Image.new("L", (1000, 1400), 255)
    draw = ImageDraw.Draw(img)
    draw.text((40, 40), label, fill=0)
    for i in range(28):
        draw.rectangle((100, 100 + i * 45, 100 + 30 * (i % 7 + 3), 130 + i * 45), fill=40)
    out = io.BytesIO()
    if fmt == "PDF":
        img.save(out, format="PDF", resolution=300.0)
    else:
        img.save(out, format=fmt, dpi=(300, 300))
    return out.getvalue()


def make_record(label: str, doc_type: str, status: str,
                persons: list[tuple[str, str, str]], *, pdf: bool = False,
                fields: dict[str, object] | None = None) -> tuple[Record, bytes]:
    data = _image(label, "PDF" if pdf else "PNG")
    sha = hashlib.sha256(data).hexdigest()
    values = {**NAMED, **(fields or {})}
    fvs = {}
    for i, k in enumerate(FIELD_KEYS[doc_type]):
        v = values.get(k, f"{k} value")
        flagged = status == "needs_review" and i == 0
        fvs[k] = FieldValue(value=v, raw=f"RAW {v}", confidence=0.97, page=1,
                            bbox=(100, 100 + i * 45, 400, 130 + i * 45),
                            state=FieldState.flagged if flagged else FieldState.auto,
                            issues=["low_confidence"] if flagged else [])
    if doc_type == "birth_certificate":
        fvs["registration_date"].state = FieldState.confirmed
        fvs["registration_date"].__pydantic_extra__["decided_at"] = "2026-01-05T09:30:00Z"  # type: ignore[index]
    rec = Record(record_id=record_id_for(sha),
                 source=Source(filename=f"{label}.{'pdf' if pdf else 'png'}", sha256=sha, pages=1,
                               media_type=MediaType.pdf if pdf else MediaType.png),
                 doc_type=DocType(doc_type), status=RecordStatus(status), fields=fvs,
                 persons=[PersonLink(role=r, citizen_id=c, match=m, score=0.99)
                          for r, c, m in persons])
    return rec, data


def build_world(settings: Settings, database_url: str | None = None) -> World:
    """Store and index the world's records with the pipeline's save_record (the real path)
    and create clients: `scope:<name>` (that scope alone) and `purpose:<name>` (all)."""
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    world = World(settings=settings)
    store = open_store(settings)
    index = Index(settings.effective_database_url)
    ServiceDB(settings.effective_database_url).create_all()
    ctx = Context(settings=settings, store=store, index=index)
    L, C = "linked", "candidate"
    specs = {
        "birth_a": ("birth_certificate", "verified",
                    [("subject", A, L), ("mother", MOTHER, L), ("father", FATHER, L)], False),
        "birth_child": ("birth_certificate", "verified",
                        [("subject", CHILD, L), ("mother", A, L), ("father", B, L)], False),
        "marriage_ab": ("marriage_certificate", "verified",
                        [("wife", A, L), ("husband", B, L)], False),
        "land_ab": ("land_certificate", "verified",
                    [("holder_1", A, L), ("holder_2", B, L)], True),
        "land_pending": ("land_certificate", "needs_review", [("holder_1", A, L)], True),
        "land_candidate": ("land_certificate", "verified", [("holder_1", A, C)], False),
        "birth_b": ("birth_certificate", "verified", [("subject", B, L)], False),
        "death_d": ("death_certificate", "verified", [("subject", DEAD, L)], False),
        "rejected_a": ("birth_certificate", "rejected", [("subject", A, L)], False),
    }
    for name, (doc_type, status, persons, pdf) in specs.items():
        extra = {"birth_b": {"full_name": "Trần Văn Bình", "date_of_birth": "1988-07-02"},
                 "birth_child": {"full_name": "Trần Minh Khang", "date_of_birth": "2015-09-01"},
                 "death_d": {"full_name": "Lê Văn Tư", "date_of_birth": "1950-01-20"},
                 }.get(name)
        rec, data = make_record(name, doc_type, status, persons, pdf=pdf, fields=extra)
        store.put_if_absent(keys.original_key(rec.source.sha256), data)
        save_record(rec, ctx)
        world.records[name] = rec
    index.dispose()
    db = ServiceDB(settings.effective_database_url)
    cat = catalog()
    for purpose, spec in cat.purposes.items():
        for scope in spec["scopes"]:
            cname = f"scope:{scope}"
            if cname not in world.keys:
                _, key = create_client(db, cname, purpose, [scope], rate_per_second=1000,
                                       burst=1000)
                world.keys[cname] = key
                world.client_scopes[cname] = (purpose, (scope,))
        _, key = create_client(db, f"purpose:{purpose}", purpose, list(spec["scopes"]),
                               rate_per_second=1000, burst=1000)
        world.keys[f"purpose:{purpose}"] = key
        world.client_scopes[f"purpose:{purpose}"] = (purpose, tuple(spec["scopes"]))
    db.dispose()
    return world
