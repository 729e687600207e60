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
