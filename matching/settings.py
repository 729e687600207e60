"""Typed link settings: which columns, which comparisons, which blocking rules, which
thresholds. The same engine links any two tables; `VIETNAMESE_CITIZENS` is the default.

Settings are authored as plain dataclasses and checked in one pass (`check()`), so a wrong
configuration reports every problem at once instead of one per run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import ConfigError

COMPARISON_KINDS = ("name", "date", "place", "exact", "id")
KEY_TRANSFORMS = ("date", "year", "name", "surname", "given", "digits", "exact")
DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class KeyPart:
    """One part of a blocking key: `transform` applied to the first non-empty column."""

    transform: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class BlockingRule:
    """An indexed lookup: rows whose key equals the query's key are candidates. A key that
    returns more than `LinkSettings.max_block_size` rows is too common to block on."""

    name: str
    parts: tuple[KeyPart, ...]


@dataclass(frozen=True)
class Comparison:
    """Compare `query` (a key of the query) with `columns` of a table row; for `place`,
    `columns` are code columns and `text_columns` the text fallback. `term_frequency`: the
    blocking rule whose key counts adjust the exact level's u (common names weigh less)."""

    name: str
    kind: str
    query: str
    columns: tuple[str, ...]
    label: str
    text_columns: tuple[str, ...] = ()
    query_fallback: str | None = None  # date: year-only key if no date; place: the text key
    term_frequency: str | None = None


@dataclass(frozen=True)
class Thresholds:
    """Decisions on the match probability of the best candidate (precision first)."""

    link: float = 0.999  # best at or above this ... (and clear of the runner-up by margin)
    margin: float = 6.0  # match-weight bits the best must lead the second by to be linked
    candidate: float = 0.05  # best at or above this (but not linked): a reviewer chooses
    max_candidates: int = 5  # candidates kept on a person, best first
    # comparisons that may not be at their worst level ("else") in a link, whatever the rest
    # says: a twin shares date, place and parents, so only the name tells them apart
    must_agree: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkSettings:
    table: str  # database table holding the reference rows
    id_column: str
    columns: tuple[str, ...]  # every column kept from the source (besides the id)
    blocking_rules: tuple[BlockingRule, ...]
    comparisons: tuple[Comparison, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)
    parameters: Path | None = None  # fitted m/u as JSON (see matching.estimate)
    max_block_size: int = 200
    relations: dict[str, str] = field(default_factory=dict)  # mother/father/spouse -> column

    def check(self) -> LinkSettings:
        """Raise one ConfigError listing every problem; return self when all is well."""
        errors: list[str] = []
        known = set(self.columns) | {self.id_column}
        if not self.table.isidentifier():
            errors.append(f"table {self.table!r} is not a plain identifier")
        names = [r.name for r in self.blocking_rules]
        if len(set(names)) != len(names):
            errors.append(f"blocking rule names repeat: {names}")
        for rule in self.blocking_rules:
            if not rule.name.isidentifier():
                errors.append(f"blocking rule {rule.name!r}: name is not an identifier")
            if not rule.parts:
                errors.append(f"blocking rule {rule.name!r}: no parts")
            for part in rule.parts:
                if part.transform not in KEY_TRANSFORMS:
                    errors.append(f"blocking rule {rule.name!r}: unknown transform "
                                  f"{part.transform!r} (one of {', '.join(KEY_TRANSFORMS)})")
                if not set(part.columns) & known:
                    errors.append(f"blocking rule {rule.name!r}: none of {part.columns} is a "
                                  "table column")
        cnames = [c.name for c in self.comparisons]
        if len(set(cnames)) != len(cnames):
            errors.append(f"comparison names repeat: {cnames}")
        for c in self.comparisons:
            if c.kind not in COMPARISON_KINDS:
                errors.append(f"comparison {c.name!r}: unknown kind {c.kind!r} "
                              f"(one of {', '.join(COMPARISON_KINDS)})")
            for col in (*c.columns, *c.text_columns):
                if col not in known:
                    errors.append(f"comparison {c.name!r}: column {col!r} is not a table column")
            if c.term_frequency is not None and c.term_frequency not in names:
                errors.append(f"comparison {c.name!r}: term_frequency names no blocking rule "
                              f"({c.term_frequency!r})")
        for role, col in self.relations.items():
            if col not in known:
                errors.append(f"relation {role!r}: column {col!r} is not a table column")
        t = self.thresholds
        for name in t.must_agree:
            if name not in cnames:
                errors.append(f"thresholds.must_agree: no comparison named {name!r}")
        if not 0 < t.candidate <= t.link < 1:
            errors.append(f"thresholds: need 0 < candidate ({t.candidate}) <= link ({t.link}) < 1")
        if self.parameters is not None and not Path(self.parameters).is_file():
            errors.append(f"parameters file {self.parameters} does not exist")
        if errors:
            raise ConfigError("link settings: " + "; ".join(errors),
                              hint="fix every listed setting (see docs/matching.md)")
        return self

    def rule(self, name: str) -> BlockingRule:
        return next(r for r in self.blocking_rules if r.name == name)


def _part(transform: str, *columns: str) -> KeyPart:
    return KeyPart(transform, columns)


VIETNAMESE_CITIZENS = LinkSettings(
    table="citizens",
    id_column="citizen_id",
    columns=("full_name", "date_of_birth", "gender", "place_of_birth", "hometown",
             "mother_name", "father_name", "permanent_address", "mother_id", "father_id",
             "spouse_id", "cmnd", "date_of_death", "place_of_birth_code", "hometown_code",
             "permanent_address_code", "permanent_address_code_old"),
    blocking_rules=(
        BlockingRule("dob", (_part("date", "date_of_birth"),)),
        BlockingRule("year_name", (_part("year", "date_of_birth", "birth_year"),
                                   _part("surname", "full_name"), _part("given", "full_name"))),
        BlockingRule("name", (_part("name", "full_name"),)),
        BlockingRule("id", (_part("digits", "citizen_id"),)),
        BlockingRule("cmnd", (_part("digits", "cmnd"),)),
    ),
    comparisons=(
        Comparison("full_name", "name", "full_name", ("full_name",), "name",
                   term_frequency="name"),
        Comparison("date_of_birth", "date", "date_of_birth", ("date_of_birth",),
                   "date of birth", query_fallback="birth_year"),
        Comparison("gender", "exact", "gender", ("gender",), "sex"),
        Comparison("place", "place", "place_code",
                   ("place_of_birth_code", "hometown_code", "permanent_address_code",
                    "permanent_address_code_old"), "place",
                   text_columns=("place_of_birth", "hometown", "permanent_address")),
        Comparison("mother_name", "name", "mother_name", ("mother_name",), "mother's name"),
        Comparison("father_name", "name", "father_name", ("father_name",), "father's name"),
        Comparison("date_of_death", "date", "date_of_death", ("date_of_death",),
                   "date of death"),
        Comparison("id_number", "id", "citizen_id", ("citizen_id",), "ID number"),
        Comparison("cmnd", "id", "cmnd", ("cmnd",), "CMND number"),
    ),
    thresholds=Thresholds(must_agree=("full_name",)),
    parameters=DATA_DIR / "vietnamese_citizens.json",
    relations={"mother": "mother_id", "father": "father_id", "spouse": "spouse_id"},
)
