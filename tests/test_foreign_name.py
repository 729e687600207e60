"""A spouse of another nationality keeps the name as printed: the Vietnamese syllable
repairs are for Vietnamese names (extractors.review.check_foreign_name)."""

from datetime import date

from extractors.confidence import FieldEvidence
from extractors.form_spec import CrossCheck
from extractors.normalise.names import normalise_name
from extractors.review import RULES, FieldDraft

CHECK = CrossCheck("foreign_name", ("wife_name", "wife_nationality"))


def drafts(raw: str, nationality: str) -> dict[str, FieldDraft]:
    name = normalise_name(raw)
    return {"wife_name": FieldDraft("wife_name", name.value, raw,
                                    evidence=FieldEvidence(repaired=name.repaired)),
            "wife_nationality": FieldDraft("wife_nationality", nationality, nationality)}


def test_foreign_spouse_name_read_as_printed() -> None:
    d = drafts("WANG XIAO MING", "Trung Quốc")
    assert d["wife_name"].value != "Wang Xiao Ming"  # what the Vietnamese repairs make of it
    RULES["foreign_name"](d, CHECK, date(2026, 1, 1))
    assert d["wife_name"].value == "Wang Xiao Ming"
    assert not d["wife_name"].evidence.repaired


def test_vietnamese_spouse_keeps_the_repairs() -> None:
    d = drafts("NGUYÊN ĐỨC VIÊT", "Việt Nam")
    RULES["foreign_name"](d, CHECK, date(2026, 1, 1))
    assert d["wife_name"].value == "Nguyễn Đức Việt"
