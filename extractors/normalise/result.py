"""What every normaliser returns: the value, whether it parsed cleanly, and why not."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.textnorm import clean

_LEADERS = re.compile(r"(?:\s*[.…·_]){2,}\s*")
_EDGE_PUNCT = " \t.,;:·…_-–—|'\"`"


@dataclass(slots=True)
class Normalised:
    value: Any  # str | int | None
    issues: list[str] = field(default_factory=list)
    clean: bool = True  # parsed without guessing or repair
    repaired: bool = False  # a known OCR confusion was corrected


def strip_leaders(text: str) -> str:
    """Drop dotted writing lines and edge punctuation left around a value."""
    text = _LEADERS.sub(" ", clean(text))
    return clean(text).strip(_EDGE_PUNCT).strip()


def strip_wrapping(text: str) -> str:
    """'(Ngày hai, …)' -> 'Ngày hai, …': brackets that wrap the whole value."""
    text = strip_leaders(text)
    while len(text) >= 2 and text[0] in "([" and text[-1] in ")]":
        text = strip_leaders(text[1:-1])
    if text.endswith((")", "]")) and not any(c in text for c in "(["):
        text = strip_leaders(text[:-1])
    if text.startswith(("(", "[")) and not any(c in text for c in ")]"):
        text = strip_leaders(text[1:])
    return text
