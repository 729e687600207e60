"""The layout engine on its own: lines from words, labels found fuzzily, values between
labels, repeated labels resolved by order, and fields bound to columns (the marriage
certificate prints wife | husband side by side)."""

from __future__ import annotations

from extractors.engine import read_form
from extractors.form_spec import ColumnSpec, FieldSpec, FormSpec
from extractors.labels import find_phrases
from extractors.layout import build_lines, split_leader_tail, Token
from pipeline.models import DocType, PageText, Word


def words_at(rows: list[list[tuple[int, str]]], *, source: str = "text_layer",
             jitter: int = 0) -> PageText:
    words, lid = [], 0
    for r, row in enumerate(rows):
        for x, text in row:
            lid += 1
            for i, tok in enumerate(text.split()):
                y = 100 + r * 60 + (jitter if i % 2 else 0)
                words.append(Word(text=tok, bbox=(x, y, x + 15 * len(tok), y + 40),
                                  confidence=0.9, line_id=lid if source == "ocr" else 0))
                x += 15 * len(tok) + 15
    return PageText(page=1, width=2000, height=3000, dpi=300, source=source, words=words)


def test_lines_from_a_text_layer_with_jitter() -> None:
    page = words_at([[(100, "Giới tính: Nam"), (900, "Dân tộc: Kinh")],
                     [(100, "Nơi sinh: Hà Nội")]], jitter=8)
    lines = build_lines(page)
    assert [ln.text for ln in lines] == ["Giới tính: Nam Dân tộc: Kinh", "Nơi sinh: Hà Nội"]


def test_colon_glued_value_and_leaders() -> None:
    page = words_at([[(100, "Quốc tịch:Việt Nam......")]])
    tokens = build_lines(page)[0].tokens
    assert [t.text for t in tokens] == ["Quốc", "tịch:", "Việt", "Nam......"]
    head, ends = split_leader_tail(tokens[-1])
    assert head is not None and head.text == "Nam" and ends
    tok = Token("......Kinh", "kinh", (0, 0, 100, 10), 0.9, 1)
    head, ends = split_leader_tail(tok)
    assert head is not None and head.text == "Kinh" and not ends


def test_fuzzy_labels_and_short_label_needs_colon() -> None:
    page = words_at([[(100, "Ho, chu dem, ten: A")], [(100, "Dan toc: Kinh")],
                     [(100, "CCCD số 001 Quyển số: 3")], [(100, "Số: 12")]])
    lines = build_lines(page)
    hits = find_phrases(lines, ["Họ, chữ đệm, tên:", "Dân tộc:", "Số:", "Quyển số:"])
    assert [(h.phrase, h.line) for h in hits] == [
        ("Họ, chữ đệm, tên:", 0), ("Dân tộc:", 1), ("Quyển số:", 2), ("Số:", 3)]


TWO_COLUMNS = FormSpec(
    doc_type=DocType.marriage_certificate,
    titles=("TOY",),
    columns=(ColumnSpec("wife", 0.0, 0.5), ColumnSpec("husband", 0.5, 1.0)),
    fields=(
        FieldSpec("wife_name", ("Họ, chữ đệm, tên:",), "name", column="wife"),
        FieldSpec("husband_name", ("Họ, chữ đệm, tên:",), "name", column="husband"),
        FieldSpec("wife_ethnicity", ("Dân tộc:",), "ethnicity", column="wife"),
        FieldSpec("husband_ethnicity", ("Dân tộc:",), "ethnicity", column="husband"),
    ),
)


def test_fields_bound_to_columns() -> None:
    page = words_at([[(100, "Họ, chữ đệm, tên: LÊ THỊ AN"), (1050, "Họ, chữ đệm, tên: VŨ BÌNH")],
                     [(1050, "Dân tộc: Tày")]])
    raw = read_form(build_lines(page), TWO_COLUMNS, {1: page.width})
    assert raw["wife_name"].raw == "LÊ THỊ AN"
    assert raw["husband_name"].raw == "VŨ BÌNH"
    assert "wife_ethnicity" not in raw  # the only 'Dân tộc:' is in the husband's column
    assert raw["husband_ethnicity"].raw == "Tày"
    assert TWO_COLUMNS.validate() == []


def test_declaration_errors_are_reported_together() -> None:
    bad = FormSpec(doc_type=DocType.unknown, titles=(), fields=(
        FieldSpec("a", (), column="nowhere"), FieldSpec("a", ("X:",))))
    errors = bad.validate()
    assert len(errors) == 3


def _cap(text: str, x0: int, height: int = 40, conf: float = 0.9) -> Token:
    from pipeline.textnorm import fold

    return Token(text, fold(text), (x0, 100, x0 + 25 * len(text), 100 + height), conf, 1)


def test_a_misread_capital_word_ends_a_name_and_dotted_scraps_do_not() -> None:
    """'PHAN THỊ LTNH': the last syllable with its I read as T has no vowel, like the scraps
    Tesseract makes of a dotted line, but it is a word as tall as the capitals before it
    and a space after them: it stays, and the name normaliser re-spells it. Low marks, lower
    case or a word far off are still dropped."""
    from extractors.engine import trim_garbage
    from extractors.normalise.names import normalise_name

    name = [_cap("PHAN", 0), _cap("THỊ", 130)]
    kept = trim_garbage([*name, _cap("LTNH", 240)])
    assert [t.text for t in kept] == ["PHAN", "THỊ", "LTNH"]
    assert normalise_name(" ".join(t.text for t in kept)).value == "Phan Thị Linh"
    assert len(trim_garbage([*name, _cap("TTT", 240, height=12)])) == 2  # dots read as T
    assert len(trim_garbage([*name, Token("nnh", "nnh", (240, 110, 300, 140), 0.3, 1)])) == 2
    assert len(trim_garbage([*name, _cap("HHH", 600)])) == 2  # not the next word
    assert len(trim_garbage([_cap("Phan", 0), _cap("THỊ", 130), _cap("NNH", 240)])) == 2


def test_a_unit_letter_ends_a_place_and_a_dot_read_as_a_letter_does_not() -> None:
    """'xã Trường Xuân B': the commune's letter has no vowel, like a scrap, but it is a
    capital as tall as the name's, a space after a capitalised word."""
    from extractors.engine import trim_garbage

    place = [_cap("xã", 0), _cap("Trường", 70), _cap("Xuân", 240)]
    assert [t.text for t in trim_garbage([*place, _cap("B", 360)])][-1] == "B"
    assert len(trim_garbage([*place, _cap("B", 360, height=10)])) == 3  # a low mark
    assert len(trim_garbage([*place, _cap("B", 700)])) == 3  # far off: not the name's
    assert len(trim_garbage([_cap("xã", 0), _cap("B", 70)])) == 1  # after a lower-case word
    assert len(trim_garbage([*place, _cap("n", 360)])) == 3


def test_a_dash_between_the_words_of_a_name_is_part_of_it() -> None:
    """'Tỉnh Bà Rịa - Vũng Tàu' (pre-2025 province): the lone dash is a hyphen, not the
    dotted line a value ends at; a dash followed by dots or by nothing still ends it."""
    spec = FormSpec(doc_type=DocType.birth_certificate, titles=("GIẤY KHAI SINH",),
                    fields=(FieldSpec("place_of_birth", ("Nơi sinh:",), "place"),))
    for row, value in (
            ("Nơi sinh: Bệnh viện Đa khoa tỉnh Bà Rịa - Vũng Tàu",
             "Bệnh viện Đa khoa tỉnh Bà Rịa - Vũng Tàu"),
            ("Nơi sinh: Bệnh viện Đa khoa tỉnh Bà Rịa - ........", "Bệnh viện Đa khoa tỉnh Bà Rịa"),
            ("Nơi sinh: Bệnh viện Đa khoa tỉnh Bà Rịa -", "Bệnh viện Đa khoa tỉnh Bà Rịa"),
            ("Nơi sinh: Trạm Y tế xã An Phú - nnh", "Trạm Y tế xã An Phú")):
        raw = read_form(build_lines(words_at([[(100, row)]], source="ocr")), spec, {1: 2000})
        assert raw["place_of_birth"].raw == value, row


def test_a_wrapped_value_is_not_cut_at_a_word_that_nearly_reads_as_a_short_label() -> None:
    """'Hóa' (of 'Tỉnh Thanh Hóa') scores 83 against the label 'Hộ bà:' at the tolerance
    a continuation line is checked with: one word for a two-word label, no colon, it is the
    address going on. A line that does start with that label still ends the address."""
    spec = FormSpec(doc_type=DocType.land_certificate, titles=("GIẤY CHỨNG NHẬN",), fields=(
        FieldSpec("holder_1_address", ("Địa chỉ thường trú:",), "place", multiline=True),
        FieldSpec("holder_2_name", ("Hộ bà:",), "name", required=False)))
    wrapped = words_at([[(100, "Địa chỉ thường trú: Số 185, tổ 3, Thị xã Nghi")],
                        [(100, "Sơn, Tỉnh Thanh Hóa")]], source="ocr")
    raw = read_form(build_lines(wrapped), spec, {1: 2000})
    assert raw["holder_1_address"].raw.endswith("Nghi Sơn, Tỉnh Thanh Hóa")
    labelled = words_at([[(100, "Địa chỉ thường trú: Số 185, tổ 3, Thị xã Nghi Sơn")],
                         [(100, "Hộ bà: LÊ THỊ AN")]], source="ocr")
    raw = read_form(build_lines(labelled), spec, {1: 2000})
    assert raw["holder_1_address"].raw.endswith("Nghi Sơn")
    assert raw["holder_2_name"].raw == "LÊ THỊ AN"
