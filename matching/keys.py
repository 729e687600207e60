"""Blocking keys: each rule turns a row (a registry row or a query) into one string, or None
when a part is missing. Registry rows store their keys in indexed columns; a query's keys are
looked up there, so blocking is a handful of indexed equality lookups per person."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

from matching.folding import digits, fold_name, name_parts, year_of
from matching.settings import BlockingRule, LinkSettings


@lru_cache(maxsize=200_000)
def _folded(text: str) -> str:
    return fold_name(text)


def _name(v: object) -> str:
    return _folded(str(v)) if v else ""


def _date(v: object) -> str:
    text = str(v) if v else ""
    return text if len(text) == 10 and text[4] == "-" and text[7] == "-" else ""


TRANSFORMS: dict[str, Callable[[object], str]] = {
    "date": _date,
    "year": year_of,
    "name": _name,
    "surname": lambda v: name_parts(_name(v))[0],
    "given": lambda v: name_parts(_name(v))[2],
    "digits": digits,
    "exact": lambda v: str(v).strip() if v not in (None, "") else "",
}


def rule_key(rule: BlockingRule, row: Mapping[str, object]) -> str | None:
    parts = []
    for part in rule.parts:
        value = next((row[c] for c in part.columns if row.get(c) not in (None, "")), None)
        text = TRANSFORMS[part.transform](value)
        if not text:
            return None
        parts.append(text)
    return "|".join(parts)


def row_keys(settings: LinkSettings, row: Mapping[str, object]) -> dict[str, str | None]:
    """`key_<rule>` -> key for every blocking rule of the settings."""
    return {f"key_{r.name}": rule_key(r, row) for r in settings.blocking_rules}
