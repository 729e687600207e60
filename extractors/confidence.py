"""Field confidence from the evidence gathered while reading a field.

This is the uncalibrated first version: a plain function of OCR word confidences, how cleanly
the value parsed, and the cross-checks. It sits behind `ConfidenceFn` so the calibrated model
(fit on the evaluation corpus) replaces it without touching the extractors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class FieldEvidence:
    ocr_min: float = 0.0
    ocr_mean: float = 0.0
    n_tokens: int = 0
    label_score: float = 0.0  # 0..100, how well the anchoring label matched
    parsed: bool = False  # the normaliser produced a value
    clean: bool = False  # ... without guessing
    repaired: bool = False  # ... after correcting a known OCR confusion
    wrapped: bool = False  # the value continued on another line
    blank: bool = False  # label found, nothing written after it
    agreements: int = 0  # cross-checks that confirmed the value
    disagreements: int = 0  # cross-checks that contradict it


ConfidenceFn = Callable[[FieldEvidence], float]


def heuristic_confidence(ev: FieldEvidence) -> float:
    """Worst word weighs in because one bad character spoils a word (and a value)."""
    if ev.blank:
        return round(0.92 * min(1.0, ev.label_score / 100.0), 4)
    if not ev.parsed or ev.n_tokens == 0:
        return 0.0
    conf = 0.6 * ev.ocr_mean + 0.4 * ev.ocr_min
    if not ev.clean:
        conf *= 0.75
    if ev.repaired:
        conf *= 0.92
    if ev.label_score < 90:
        conf *= 0.95
    if ev.wrapped:
        conf *= 0.97
    if ev.disagreements:
        conf *= 0.5
    elif ev.agreements:
        conf = 1.0 - (1.0 - conf) * 0.25
    return round(max(0.0, min(1.0, conf)), 4)
