"""What a synthetic document says, before it is drawn: the hand-off from the content
generator (registry → documents, with ground truth) to the renderer (pixels and damage).

`printed` holds the exact strings printed on the form, keyed by the record-format field
keys of ../shared/spec/records.md (plus a few extra keys for things printed that are not
record fields, e.g. `declarant_name`, `signer_name`, `date_of_death_words`). `truth` holds the
normalised values per the spec; the two differ on purpose (case, date formats, words)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class DocumentContent:
    doc_id: str  # file stem, e.g. "birth_0001"
    doc_type: str  # birth_certificate | marriage_certificate | death_certificate | land_certificate | unknown
    printed: dict[str, str]  # key -> text printed on the form ("" = left blank)
    truth: dict[str, Any]  # spec field key -> normalised value or None
    persons: list[dict[str, Any]] = field(default_factory=list)  # [{"role", "citizen_id"}]
    form_version: str | None = None  # land: "pre-2024" | "2024"

    def truth_json(self) -> dict[str, Any]:
        return {"doc_type": self.doc_type, "fields": dict(self.truth), "persons": list(self.persons)}


@dataclass(slots=True)
class TextBox:
    """A string drawn on a page and where: used to build born-digital text layers."""

    text: str
    bbox: tuple[int, int, int, int]  # pixels at 300 DPI


@dataclass(slots=True)
class RenderedDocument:
    pages: list[Any]  # PIL.Image.Image, RGB, A4 at 300 DPI
    words: list[list[TextBox]]  # per page, every drawn word with its box
    dpi: int = 300
