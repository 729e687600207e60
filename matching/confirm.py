"""Registry agreement: a field read off the page that equals, character for character, what
the registry holds for the citizen the person was *linked* to is confirmed by an independent
source.

Why it is strong evidence: for a wrong reading to agree, OCR would have to turn the printed
value into exactly the registry's value for the very citizen the link chose - and links are
made only at ≥ 0.999 match probability with a clear lead. Why only exact equality: a reading
that merely resembles the registry (a tone mark off, a dropped middle name) may be the
document's own spelling or an OCR error, and stays with the reviewer. The registry is never
written into the record: a confirmed field keeps its own reading and gains only confidence.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from matching.persons import ROLE_FIELDS

CONFIRMED_CONFIDENCE = 0.995  # checked on the evaluation corpora: see docs/matching.md


def _same_text(a: Any, b: Any) -> bool:
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    norm = [" ".join(unicodedata.normalize("NFC", x).split()) for x in (a, b)]
    return bool(norm[0]) and norm[0] == norm[1]


def _same_year(value: Any, dob: Any) -> bool:
    return isinstance(dob, str) and len(dob) >= 4 and str(value).strip() == dob[:4]


def agreeing_fields(doc_type: str, values: Mapping[str, Any],
                    citizens: Mapping[str, Mapping[str, Any]],
                    links: Mapping[str, str]) -> set[str]:
    """Field keys whose value equals the registry's for the citizen linked to their role.
    `links`: role -> linked citizen id; `citizens`: registry rows by citizen id."""
    out: set[str] = set()
    for role, spec in ROLE_FIELDS.get(doc_type, {}).items():
        row = citizens.get(links.get(role, ""))
        if row is None:
            continue
        if _same_text(values.get(spec["name"]), row.get("full_name")):
            out.add(spec["name"])
        if "dob" in spec and _same_text(values.get(spec["dob"]), row.get("date_of_birth")):
            out.add(spec["dob"])
        if "year" in spec and values.get(spec["year"]) is not None \
                and _same_year(values[spec["year"]], row.get("date_of_birth")):
            out.add(spec["year"])
        if "gender_key" in spec and _same_text(values.get(spec["gender_key"]), row.get("gender")):
            out.add(spec["gender_key"])
        if "id" in spec and values.get(spec["id"]) and str(values[spec["id"]]) in (
                row.get("citizen_id"), row.get("cmnd")):
            out.add(spec["id"])
    return out


def registry_confirmed(record: Any, linker: Any) -> set[str]:
    """The keys of `record` (a `pipeline.models.Record` with persons linked) that the
    registry confirms."""
    links = {p.role: p.citizen_id for p in record.persons
             if p.match.value == "linked" and p.citizen_id}
    if not links:
        return set()
    citizens = linker.rows(sorted(set(links.values())))  # kept from linking, else read
    values = {k: f.value for k, f in record.fields.items()}
    return agreeing_fields(record.doc_type.value, values, citizens, links)
