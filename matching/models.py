"""Boundary models: a person as a document names them, and the outcome of linking them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from matching.folding import digits


class PersonQuery(BaseModel):
    """One person on a document, in record-format values (names title-cased NFC, ISO dates)."""

    role: str = "subject"
    full_name: str | None = None
    date_of_birth: str | None = None  # ISO YYYY-MM-DD
    birth_year: int | None = None
    gender: Literal["male", "female"] | None = None
    id_number: str | None = None  # 12-digit personal ID or 9-digit CMND
    place: str | None = None
    place_code: str | None = None  # 2025 ward code (or with place_units_version pre-2025)
    place_units_version: str | None = None
    mother_name: str | None = None
    father_name: str | None = None
    date_of_death: str | None = None  # ISO: a death certificate's subject

    def as_row(self) -> dict[str, Any]:
        """The query in the registry's column names (what blocking and comparisons read)."""
        from matching.admin_codes import place_code

        ident = digits(self.id_number) if self.id_number else ""
        year = self.birth_year or (int(self.date_of_birth[:4]) if self.date_of_birth else None)
        return {
            "full_name": self.full_name, "date_of_birth": self.date_of_birth,
            "birth_year": str(year) if year else None, "gender": self.gender,
            "citizen_id": ident if len(ident) == 12 else None,
            "cmnd": ident if len(ident) == 9 else None,
            "place": self.place,
            "place_code": place_code(self.place, self.place_code, self.place_units_version)
            if (self.place or self.place_code) else None,
            "mother_name": self.mother_name, "father_name": self.father_name,
            "date_of_death": self.date_of_death,
        }


class ExplanationTerm(BaseModel):
    comparison: str
    level: str
    weight: float
    label: str  # "date of birth exact: +9.1"


class CandidateMatch(BaseModel):
    citizen_id: str
    score: float  # match probability in [0, 1]
    weight: float  # total match weight (bits), prior included
    explanation: list[ExplanationTerm] = Field(default_factory=list)


class LinkResult(BaseModel):
    role: str = "subject"
    match: Literal["linked", "candidate", "none"] = "none"
    citizen_id: str | None = None
    score: float | None = None
    candidates: list[CandidateMatch] = Field(default_factory=list)
    issues: list[str] = Field(default_factory=list)
