"""Cross-checks that catch values read wrong but confidently (extractors/cross_checks.py):
a spouse's ID sex digit and year, the legal marriage age, the ID's province prefix against
the registering province, the declarant's name read again as a parent's, the child's
surname. Each rule on drafts built by hand, and through the extractors on synthetic pages."""

from __future__ import annotations

from datetime import date

import pytest
from ocr_words import make_page

from extractors import extract_document
from extractors.birth_certificate import FORM as BIRTH_FORM
from extractors.form_spec import CrossCheck
from extractors.review import FieldDraft, _share_agreeing_confidence, rule_for
from pipeline.config import Settings
from pipeline.models import FieldState, FieldValue
from tests.test_extract_birth import BIRTH_LINES, TODAY
from tests.test_extract_marriage import MARRIAGE_LINES

DAY = date(2026, 1, 1)


def drafts(**values: object) -> dict[str, FieldDraft]:
    return {k: FieldDraft(k, v, str(v)) for k, v in values.items()}


def run(rule: str, d: dict[str, FieldDraft], *keys: str, param: object = None) -> None:
    rule_for(rule)(d, CrossCheck(rule, keys, param=param), DAY)


def test_spouse_id_sex_and_year() -> None:
    # 0 + province 54, digit 1 = female born 1900s, year 93
    d = drafts(wife_id="054193995723", wife_dob="1993-12-02")
    run("id_sex", d, "wife_id", "wife_dob", param="female")
    assert d["wife_id"].evidence.agreements == 2 and not d["wife_id"].issues
    assert d["wife_dob"].evidence.agreements == 1
    d = drafts(husband_id="054193995723", husband_dob="1991-01-06")
    run("id_sex", d, "husband_id", "husband_dob", param="male")
    assert d["husband_id"].issues == ["id_sex_mismatch", "id_dob_mismatch"]
    assert d["husband_dob"].evidence.disagreements == 0  # only the ID is flagged
    d = drafts(wife_id="221234567", wife_dob="1993-12-02")  # a 9-digit CMND: no sex digit
    run("id_sex", d, "wife_id", "wife_dob", param="female")
    assert d["wife_id"].evidence.agreements == d["wife_id"].evidence.disagreements == 0


@pytest.mark.parametrize(("dob", "age", "ok"), [
    ("2003-01-02", 18, True), ("2003-01-03", 18, False), ("1903-01-02", 18, False),
    ("2001-01-02", 20, True), ("2002-01-02", 20, False)])
def test_marriage_age(dob: str, age: int, ok: bool) -> None:
    d = drafts(reg="2021-01-02", dob=dob)
    run("min_age", d, "reg", "dob", param=age)
    assert (d["dob"].evidence.disagreements == 0) is ok
    assert (d["dob"].issues == []) is ok


def test_id_province_against_the_registering_province() -> None:
    d = drafts(pid="038316534916", place="Ủy ban nhân dân xã Xuân Lẹ, huyện Thường Xuân, "
                                         "tỉnh Thanh Hóa")
    run("id_province", d, "pid", "place")
    assert d["pid"].evidence.agreements == 1 and d["place"].evidence.agreements == 1
    d = drafts(pid="074316534916", place="Ủy ban nhân dân xã Xuân Lẹ, huyện Thường Xuân, "
                                         "tỉnh Thanh Hóa")
    run("id_province", d, "pid", "place")
    assert d["pid"].issues == ["id_province_mismatch"] and not d["place"].issues
    d = drafts(pid="074316534916", place="tỉnh Thanh Hoá xyz")  # not a resolved place: no say
    run("id_province", d, "pid", "place")
    assert d["pid"].evidence.agreements == d["pid"].evidence.disagreements == 0


def test_declarant_read_again_as_a_parent() -> None:
    d = drafts(declarant="Lê Đức Quang", father="Lê Đức Quang", mother="Lê Nguyệt")
    run("declarant_is_parent", d, "declarant", "father", "mother")
    assert d["father"].evidence.agreements == 1 and d["mother"].evidence.agreements == 0
    d = drafts(declarant="Lê Đức Quang", father="Lệ Đức Quang", mother="Lê Nguyệt")
    run("declarant_is_parent", d, "declarant", "father", "mother")
    assert d["father"].issues == ["declarant_name_differs"]
    d = drafts(declarant="Phạm Văn Tư", father="Lê Đức Quang", mother="Lê Nguyệt")
    run("declarant_is_parent", d, "declarant", "father", "mother")  # a grandparent
    assert not d["father"].issues and d["father"].evidence.agreements == 0


def test_child_surname_from_a_parent() -> None:
    d = drafts(child="Lê Liên Mai", father="Phạm Quang", mother="Lê Nguyệt")
    run("surname_from_parent", d, "child", "father", "mother")
    assert d["child"].evidence.agreements == 1
    d = drafts(child="Lệ Liên Mai", father="Lê Quang", mother="Lê Nguyệt")
    run("surname_from_parent", d, "child", "father", "mother")
    assert d["child"].evidence.agreements == 0 and not d["child"].issues


def test_marriage_form_flags_a_husband_under_age(settings: Settings) -> None:
    lines = [ln if not (isinstance(ln, list) and "06/01/1991" in str(ln)) else
             [(s[0], s[1].replace("06/01/1991", "06/01/2005")) for s in ln]
             for ln in MARRIAGE_LINES]
    fields = extract_document([make_page(lines)], settings, today=TODAY).fields
    assert fields["husband_date_of_birth"].value == "2005-01-06"
    assert "under_legal_age" in fields["husband_date_of_birth"].issues
    assert fields["husband_date_of_birth"].state is FieldState.flagged
    ok = extract_document([make_page(MARRIAGE_LINES)], settings, today=TODAY).fields
    assert "under_legal_age" not in ok["husband_date_of_birth"].issues
    assert "id_sex_mismatch" not in ok["wife_id_number"].issues


def test_birth_declarant_is_read_but_not_a_record_key(settings: Settings) -> None:
    fields = extract_document([make_page(BIRTH_LINES)], settings, today=TODAY).fields
    assert "declarant_name" not in fields


def test_document_quality_is_evidence_on_every_field() -> None:
    from extractors.birth_certificate import FORM as BIRTH
    from extractors.layout import document_lines
    from extractors.reader import read_drafts

    full = read_drafts(document_lines([make_page(BIRTH_LINES)]), BIRTH)
    cut = read_drafts(document_lines([make_page(BIRTH_LINES[:8])]), BIRTH)  # half lost
    for drafts in (full, cut):
        assert all({"doc_ocr_mean", "doc_labels"} <= set(d.evidence.features)
                   for d in drafts.values())
    assert full["full_name"].evidence.features["doc_labels"] > 0.9
    assert cut["full_name"].evidence.features["doc_labels"] < 0.6


# --- a date printed twice shares the surer side's confidence (review._share_agreeing_confidence)


def _field(value: str | None, conf: float, state: FieldState, issues: list[str]) -> FieldValue:
    return FieldValue(value=value, raw=value, confidence=conf, state=state, issues=issues)


def test_words_agreeing_with_accepted_figures_are_accepted_too() -> None:
    out = {"date_of_birth": _field("1987-02-02", 0.994, FieldState.auto, []),
           "date_of_birth_words": _field("1987-02-02", 0.974, FieldState.flagged,
                                         ["low_confidence"])}
    _share_agreeing_confidence(BIRTH_FORM, out, {"date_of_birth": 0.98, "date_of_birth_words": 0.98})
    words = out["date_of_birth_words"]
    assert words.confidence == 0.994 and words.state is FieldState.auto and words.issues == []


def test_repaired_figures_confirmed_by_the_words_are_accepted() -> None:
    # '7⁄02⁄7987': a 1 read as 7, the one possible reading 1987-02-07; the words, read
    # apart and as printed, say the same date
    out = {"date_of_birth": _field("1987-02-07", 0.97, FieldState.flagged,
                                   ["date_digits_repaired", "low_confidence"]),
           "date_of_birth_words": _field("1987-02-07", 0.99, FieldState.auto, [])}
    _share_agreeing_confidence(BIRTH_FORM, out, {"date_of_birth": 0.98, "date_of_birth_words": 0.98})
    figures = out["date_of_birth"]
    assert figures.state is FieldState.auto and figures.confidence == 0.99
    # the words doubted for their own confidence are settled by the agreement too
    out = {"date_of_birth": _field("1987-02-07", 0.99, FieldState.flagged,
                                   ["date_digits_repaired", "low_confidence"]),
           "date_of_birth_words": _field("1987-02-07", 0.9, FieldState.flagged,
                                         ["low_confidence"])}
    _share_agreeing_confidence(BIRTH_FORM, out, {"date_of_birth": 0.98, "date_of_birth_words": 0.98})
    assert {f.state for f in out.values()} == {FieldState.auto}
    # ... but not when the words say another date
    out["date_of_birth"] = _field("1987-02-07", 0.97, FieldState.flagged,
                                  ["date_digits_repaired", "low_confidence"])
    out["date_of_birth_words"] = _field("1987-02-01", 0.99, FieldState.auto, [])
    _share_agreeing_confidence(BIRTH_FORM, out, {"date_of_birth": 0.98, "date_of_birth_words": 0.98})
    assert out["date_of_birth"].state is FieldState.flagged


def test_disagreeing_or_otherwise_flagged_sides_are_left_alone() -> None:
    out = {"date_of_birth": _field("1987-02-02", 0.994, FieldState.auto, []),
           "date_of_birth_words": _field("1987-02-03", 0.5, FieldState.flagged,
                                         ["low_confidence"])}
    _share_agreeing_confidence(BIRTH_FORM, out, {"date_of_birth": 0.98, "date_of_birth_words": 0.98})
    assert out["date_of_birth_words"].confidence == 0.5
    # both sides read back from misread figures: neither confirms the other
    out["date_of_birth"] = _field("1987-02-02", 0.994, FieldState.flagged,
                                  ["date_digits_repaired", "low_confidence"])
    out["date_of_birth_words"] = _field("1987-02-02", 0.5, FieldState.flagged,
                                        ["date_digits_repaired", "low_confidence"])
    _share_agreeing_confidence(BIRTH_FORM, out, {"date_of_birth": 0.98, "date_of_birth_words": 0.98})
    assert out["date_of_birth_words"].state is FieldState.flagged  # a guess stays a guess
    assert out["date_of_birth"].state is FieldState.flagged
    out["date_of_birth"] = _field("1987-02-02", 0.9, FieldState.flagged, ["low_confidence"])
    out["date_of_birth_words"] = _field("1987-02-02", 0.7, FieldState.flagged,
                                        ["low_confidence"])
    _share_agreeing_confidence(BIRTH_FORM, out, {"date_of_birth": 0.98, "date_of_birth_words": 0.98})
    assert out["date_of_birth_words"].confidence == 0.9  # surer, still under the bar
    assert out["date_of_birth_words"].state is FieldState.flagged


def test_serial_length_against_the_form_version() -> None:
    d = drafts(serial="BS 278611", form="pre-2024")
    run("serial_form", d, "serial", "form")
    assert d["serial"].evidence.agreements == 1 and not d["serial"].issues
    d = drafts(serial="AA 09273289", form="2024")
    run("serial_form", d, "serial", "form")
    assert d["serial"].evidence.agreements == 1
    d = drafts(serial="BT 07377", form="pre-2024")  # a digit lost
    run("serial_form", d, "serial", "form")
    assert d["serial"].issues == ["serial_form_mismatch"]
    assert d["form"].evidence.disagreements == 0  # only the serial is doubted


def test_issuing_authority_of_the_parcels_province() -> None:
    parcel = "Thôn 3, xã Tân Phú, huyện Đồng Phú, tỉnh Bình Phước"
    d = drafts(authority="Sở Tài nguyên và Môi trường tỉnh Bình Phước", parcel=parcel)
    run("authority_province", d, "authority", "parcel")
    assert d["authority"].evidence.agreements == 1 and d["parcel"].evidence.agreements == 1
    # another province, or a district's office: no say either way
    for other in ("Sở Tài nguyên và Môi trường tỉnh Đồng Nai",
                  "Ủy ban nhân dân huyện Đồng Phú"):
        d = drafts(authority=other, parcel=parcel)
        run("authority_province", d, "authority", "parcel")
        assert d["authority"].evidence.agreements == d["authority"].evidence.disagreements == 0
        assert not d["authority"].issues


def test_place_of_birth_or_death_echoed_by_another_place() -> None:
    reg = "Ủy ban nhân dân xã Tân Tiến, huyện Bù Đốp, tỉnh Bình Phước"
    d = drafts(pob="Trạm Y tế xã Tân Tiến", reg=reg)
    run("place_echo", d, "pob", "reg")
    assert d["pob"].evidence.agreements == 1 and d["pob"].evidence.features["echoed"] == 1.0
    assert d["pob"].evidence.features["echo_alone"] == 1.0  # no district, no province
    d = drafts(pod="Tại nhà, Ấp 2, Xã Tham Đôn, Huyện Mỹ Xuyên, Tỉnh Sóc Trăng",
               reg="Ủy ban nhân dân xã Tham Đôn, huyện Mỹ Xuyên, tỉnh Sóc Trăng")
    d["pod"].evidence.features["chain_exact"] = 1.0  # (value_features: a chain of its own)
    run("place_echo", d, "pod", "reg")
    assert d["pod"].evidence.agreements == 1 and "echo_alone" not in d["pod"].evidence.features
    # misread once ('Tân Tiền'), or another commune: no agreement, and no finding either
    for pob in ("Trạm Y tế xã Tân Tiền", "Bệnh viện Đa khoa tỉnh Yên Bái"):
        d = drafts(pob=pob, reg=reg, mother=None)
        run("place_echo", d, "pob", "reg", "mother")
        assert d["pob"].evidence.agreements == d["pob"].evidence.disagreements == 0
