"""Linking persons on documents to the citizen registry (or any two tables).

Blocking keys in indexed columns, comparators that know Vietnamese names and OCR, Fellegi–
Sunter weights with per-term explanations, and joint linkage of the persons of a document.
See docs/matching.md."""

from matching.linker import Linker
from matching.models import CandidateMatch, ExplanationTerm, LinkResult, PersonQuery
from matching.persons import person_queries, queries_from_values
from matching.registry import RegistryLoadReport, load_registry
from matching.settings import (
                               VIETNAMESE_CITIZENS,
                               BlockingRule,
                               Comparison,
                               KeyPart,
                               LinkSettings,
                               Thresholds,
)

__all__ = ["VIETNAMESE_CITIZENS", "BlockingRule", "CandidateMatch", "Comparison",
           "ExplanationTerm", "KeyPart", "LinkResult", "LinkSettings", "Linker", "PersonQuery",
           "RegistryLoadReport", "Thresholds", "load_registry", "person_queries",
           "queries_from_values"]
