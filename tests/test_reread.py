"""Weak lines read a second time: strips stacked into one image, words mapped back to their
line in page pixels (real Tesseract), and the extractors choosing between two readings."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from ocr_words import make_page
from PIL import Image, ImageDraw, ImageFont

from extractors import extract_document
from extractors.alternatives import (
    alternative_pages,
    choose_drafts,
    weigh_tiebreak,
    weigh_witness,
    witness_boxes,
    witness_pages,
)
from extractors.confidence import FieldEvidence
from extractors.evidence import (
    REREAD_AGREES,
    REREAD_DIFFERS,
    REREAD_USED,
    TIEBREAK_AGREES,
    TIEBREAK_DIFFERS,
    WITNESS_AGREES,
    WITNESS_DIFFERS,
    WITNESS_USED,
)
from extractors.review import FieldDraft
from pipeline.config import Settings
from pipeline.models import LineReread, PageText, Word
from pipeline.reread import (
    SIDE,
    TIEBREAK_PSM,
    WITNESS_PSM,
    Strip,
    crop_box,
    figure_text,
    needs_tiebreak,
    map_words,
    read_strips,
    reread_lines,
    stack_strips,
    weak_lines,
    witness_figures,
)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
LINES = ["Số định danh cá nhân: 070190012345", "Nơi sinh: Bệnh viện Phụ sản Hà Nội",
         "Năm sinh: 1965", "Quê quán: xã Nghĩa Hưng, tỉnh Bắc Giang"]


def lines_image(lines: list[str]) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A white page with one printed line every 110 px, and each line's ink box."""
    img = Image.new("L", (1800, 120 + 110 * len(lines)), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 44)
    boxes = []
    for i, line in enumerate(lines):
        d.text((80, 60 + 110 * i), line, font=font, fill=0)
        boxes.append(tuple(int(v) for v in d.textbbox((80, 60 + 110 * i), line, font=font)))
    return np.asarray(img), boxes


def test_stack_strips_copies_each_box_below_the_last_with_white_between() -> None:
    image = np.full((300, 400), 255, dtype=np.uint8)
    image[10:30, 50:150] = 0
    image[200:240, 20:380] = 7
    stacked, strips = stack_strips(image, [(50, 10, 150, 30), (20, 200, 380, 240)])
    assert [s.source for s in strips] == [(50, 10, 150, 30), (20, 200, 380, 240)]
    first, second = strips
    assert first.top > 0 and second.top > first.top + 20  # a white gap between them
    assert (stacked[first.top:first.top + 20, SIDE:SIDE + 100] == 0).all()
    assert (stacked[second.top:second.top + 40, SIDE:SIDE + 360] == 7).all()
    assert (stacked[first.top + 20:second.top] == 255).all()
    assert stacked.shape[1] == 360 + 2 * SIDE


def test_map_words_puts_each_word_in_its_strip_in_page_pixels() -> None:
    strips = [Strip(source=(100, 500, 900, 540), top=30),
              Strip(source=(40, 1200, 700, 1250), top=110)]
    data = {"text": ["Năm", "1965", "  ", "Kinh"], "conf": [91, 42, -1, 88],
            "left": [SIDE + 5, SIDE + 200, 0, SIDE + 10], "top": [32, 31, 0, 112],
            "width": [80, 90, 0, 100], "height": [36, 38, 0, 45],
            "block_num": [1, 1, 1, 2], "par_num": [1, 1, 1, 1], "line_num": [1, 1, 2, 1]}
    first, second = map_words(data, strips)
    assert [w.text for w in first] == ["Năm", "1965"]
    assert first[0].bbox == (105, 502, 185, 538)
    assert first[1].confidence == pytest.approx(0.42)
    assert [w.text for w in second] == ["Kinh"]
    assert second[0].bbox == (50, 1202, 150, 1247)
    assert first[0].line_id != second[0].line_id


def test_crop_box_adds_a_margin_inside_the_page() -> None:
    assert crop_box((5, 100, 600, 140), 40, (620, 1000)) == (0, 86, 620, 154)


def test_strips_read_by_one_tesseract_call_come_back_on_their_lines() -> None:
    image, boxes = lines_image(LINES)
    size = (image.shape[1], image.shape[0])
    picked = [crop_box(boxes[i], boxes[i][3] - boxes[i][1], size) for i in (0, 2, 3)]
    words = read_strips(image, picked, Settings())
    assert len(words) == 3
    texts = [" ".join(w.text for w in ws) for ws in words]
    assert "070190012345" in texts[0]
    assert texts[1].endswith("1965") and "Giang" in texts[2]
    for box, ws in zip(picked, words, strict=True):
        for w in ws:  # page coordinates, inside the strip they were cut from
            assert box[0] <= w.bbox[0] < w.bbox[2] <= box[2]
            assert box[1] <= w.bbox[1] < w.bbox[3] <= box[3]


def test_only_lines_with_a_weak_word_are_read_again() -> None:
    image, boxes = lines_image(LINES)
    words = []
    for i, (line, box) in enumerate(zip(LINES, boxes, strict=True)):
        parts = line.split()
        step = (box[2] - box[0]) // len(parts)  # the line's words share its ink box
        words += [Word(text=t, bbox=(box[0] + step * k, box[1], box[0] + step * (k + 1) - 5,
                                     box[3]),
                       confidence=0.3 if (i, k) == (2, 2) else 0.9, line_id=i)
                  for k, t in enumerate(parts)]
    page = PageText(page=1, width=image.shape[1], height=image.shape[0], dpi=300,
                    source="ocr", words=words)
    assert len(weak_lines(page)) == 1
    lines_only = Settings(reread_figures=False, figure_witness="")
    assert [r.psm for r in reread_lines(image, page, lines_only)] == [4]  # the default
    readings = reread_lines(image, page, lines_only.model_copy(update={"reread_modes": (4, 6)}))
    assert sorted(r.psm for r in readings) == [4, 6]  # one reading per segmentation mode
    for again in readings:
        assert again.box[1] == boxes[2][1] and "1965" in [w.text for w in again.words]
    with pytest.raises(ValueError):
        reread_lines(image[:-10], page, Settings())


def draft(key: str, value: object, *, conf: float = 0.9, clean: bool = True,
          bbox: tuple[int, int, int, int] = (100, 100, 400, 140), **features: float
          ) -> FieldDraft:
    ev = FieldEvidence(ocr_min=conf, ocr_mean=conf, n_tokens=1, label_score=100.0,
                       parsed=value is not None, clean=clean, key=key, family="name",
                       features=dict(features))
    return FieldDraft(key, value, str(value), page=1, bbox=bbox, evidence=ev)


BOX = {1: [(90, 90, 900, 150)]}


def test_choice_takes_the_second_reading_when_the_first_does_not_parse() -> None:
    out = choose_drafts({"a": draft("a", None)}, {"a": draft("a", "1965")}, BOX)
    assert out["a"].value == "1965" and out["a"].evidence.features[REREAD_USED] == 1.0


def test_agreeing_readings_keep_the_first_and_say_so() -> None:
    out = choose_drafts({"a": draft("a", "Kinh", conf=0.4)}, {"a": draft("a", "Kinh")}, BOX)
    assert out["a"].evidence.features == {REREAD_AGREES: 1.0}


def test_a_well_formed_value_beats_a_more_confident_malformed_one() -> None:
    first = draft("a", "Nguyễn Văn An", conf=0.5, all_syllables=1.0, surname=1.0)
    second = draft("a", "Ngyễn Vn An", conf=0.95)
    out = choose_drafts({"a": first}, {"a": second}, BOX)
    assert out["a"] is first and out["a"].evidence.features[REREAD_DIFFERS] == 1.0
    out = choose_drafts({"a": draft("a", "Ngyễn Vn An", conf=0.95)},
                        {"a": draft("a", "Nguyễn Văn An", conf=0.5, all_syllables=1.0)}, BOX)
    assert out["a"].value == "Nguyễn Văn An"


def test_a_blank_line_takes_only_a_clean_second_reading() -> None:
    blank = FieldDraft("a", None, None, page=1, bbox=(100, 100, 400, 140),
                       evidence=FieldEvidence(blank=True, label_score=100.0, key="a"))
    assert choose_drafts({"a": blank}, {"a": draft("a", "7", clean=False)}, BOX)["a"] is blank
    assert choose_drafts({"a": blank}, {"a": draft("a", "Kinh")}, BOX)["a"].value == "Kinh"


def test_equal_footing_needs_clearly_higher_word_confidence() -> None:
    first = draft("a", "04/2010", conf=0.53)
    assert choose_drafts({"a": first}, {"a": draft("a", "04/2019", conf=0.6)}, BOX)["a"] is first
    out = choose_drafts({"a": draft("a", "J3/2018", conf=0.14)},
                        {"a": draft("a", "03/2018", conf=0.48)}, BOX)
    assert out["a"].value == "03/2018"


def test_a_field_away_from_reread_lines_is_left_alone() -> None:
    first = draft("a", None, bbox=(100, 600, 400, 640))
    out = choose_drafts({"a": first}, {"a": draft("a", "x", bbox=(100, 600, 400, 640))}, BOX)
    assert out["a"] is first and not first.evidence.features


def test_alternative_pages_swap_the_words_of_reread_lines_only() -> None:
    page = make_page(["Năm sinh: l9G5", "Dân tộc: Kinh"])
    y0, y1 = page.words[0].bbox[1], page.words[0].bbox[3]
    again = [Word(text="Năm", bbox=(100, y0, 150, y1), confidence=0.9, line_id=0),
             Word(text="sinh:", bbox=(160, y0, 250, y1), confidence=0.9, line_id=0),
             Word(text="1965", bbox=(260, y0, 340, y1), confidence=0.9, line_id=0)]
    box = (90, y0 - 2, 400, y1 + 2)
    empty = LineReread(box=(0, 0, 10, 10), words=[])
    page = page.model_copy(update={"rereads": [LineReread(box=box, words=again), empty]})
    ((alt,),) = alternative_pages([page])
    assert alt.text == "Dân tộc: Kinh Năm sinh: 1965"
    assert alt.rereads is None and len({w.line_id for w in alt.words}) == 2
    assert alternative_pages([make_page(["Dân tộc: Kinh"])]) == []
    other = LineReread(box=box, words=again[:2], psm=4)
    four, six = alternative_pages([page.model_copy(update={"rereads": [*page.rereads, other]})])
    assert four[0].text.endswith("Năm sinh:") and six[0].text.endswith("1965")


def test_extraction_uses_the_second_reading_of_a_garbled_line() -> None:
    lines = ["Số: 125/2023", "Quyển số:01", "GIẤY KHAI SINH",
             "Họ, chữ đệm, tên: NGUYỄN THỊ HƯƠNG",
             "Ngày, tháng, năm sinh: 02/07/1990", "Giới tính: Nữ",
             "Số định danh cá nhân: O7Ol9OO@2345"]
    page = make_page(lines, low={"O7Ol9OO@2345": 0.2})
    bad = next(w for w in page.words if w.text == "O7Ol9OO@2345")
    y0, y1 = bad.bbox[1], bad.bbox[3]
    line = [w for w in page.words if w.bbox[1] == y0]
    again = [w.model_copy(update={"confidence": 0.9}) for w in line[:-1]]
    again.append(bad.model_copy(update={"text": "070190012345", "confidence": 0.8}))
    reread = LineReread(box=(90, y0 - 2, 1500, y1 + 2), words=again)
    settings = Settings()
    first = extract_document([page], settings, today=date(2024, 1, 1))
    second = extract_document([page.model_copy(update={"rereads": [reread]})], settings,
                              today=date(2024, 1, 1))
    assert first.fields["personal_id"].value != "070190012345"
    assert second.fields["personal_id"].value == "070190012345"
    assert second.fields["full_name"].value == first.fields["full_name"].value


def test_rereads_are_stored_apart_from_the_first_reading(settings: Settings) -> None:
    from pipeline.readings import load_reading, save_reading
    from pipeline.reread import attach, load_rereads, save_rereads
    from pipeline.storage import open_store

    store = open_store(settings)
    page = make_page(["Năm sinh: l9G5"])
    again = LineReread(box=(90, 100, 900, 200), words=page.words[:1], psm=4)
    pages = attach([page], [[again]])
    save_reading(store, "ab" * 32, settings, pages)
    save_rereads(store, "ab" * 32, settings, pages)
    (first,) = load_reading(store, "ab" * 32, settings)
    assert first.rereads is None and first.words == page.words
    assert load_rereads(store, "ab" * 32, settings) == [[again]]
    assert load_rereads(store, "cd" * 32, settings) is None


def printed_page(lines: list[str], boxes: list[tuple[int, int, int, int]],
                 confidence: dict[tuple[int, str], float]) -> PageText:
    """The words of `lines_image(lines)` boxed as OCR boxes them (each word's own ink),
    scored 0.97 unless `confidence` says otherwise for (line, word)."""
    font = ImageFont.truetype(FONT, 44)
    words = []
    for i, (line, box) in enumerate(zip(lines, boxes, strict=True)):
        parts = line.split()
        starts = [80 + round(font.getlength(" ".join(parts[:k]) + (" " if k else "")))
                  for k in range(len(parts))]
        words += [Word(text=t, bbox=(starts[k], box[1], starts[k] + round(font.getlength(t)),
                                     box[3]),
                       confidence=confidence.get((i, t), 0.97), line_id=i)
                  for k, t in enumerate(parts)]
    width = max(b[2] for b in boxes) + 80
    return PageText(page=1, width=width, height=boxes[-1][3] + 60, dpi=300, source="ocr",
                    words=words)


def test_upright_figures_tesseract_was_unsure_of_are_read_again_alone() -> None:
    """The ID on line 0 scored 0.9: cut out and read again in the weak line's call, as a
    reading of its own box; at 0.97 it is not; the weak line's figures are read with their
    line, not twice."""
    image, boxes = lines_image(LINES)

    def page(id_confidence: float) -> PageText:
        return printed_page(LINES, boxes, {(2, "Năm"): 0.3, (0, "070190012345"): id_confidence}
                            ).model_copy(update={"width": image.shape[1],
                                                 "height": image.shape[0]})

    no_witness = Settings(figure_witness="")
    unsure = reread_lines(image, page(0.9), no_witness)
    assert len(unsure) == 2  # the weak line, and the ID alone
    alone = next(r for r in unsure if r.box[1] == boxes[0][1] and r.slant == 0.0
                 and r.box[0] > boxes[0][0])
    assert [w.text for w in alone.words] == ["070190012345"]
    assert len(reread_lines(image, page(0.97), no_witness)) == 1


WITNESSED = ["Số vào sổ cấp GCN: CS 05494", "Quyển số: 02/1989", "Dân tộc: Kinh"]


def test_the_witness_reads_every_figure_of_the_page_with_its_own_model() -> None:
    """Each figure run (the register number with its letters, the book number), however sure
    the first reading was, is read by `eng` in a call of its own; words are not."""
    image, boxes = lines_image(WITNESSED)
    page = printed_page(WITNESSED, boxes, {}).model_copy(
        update={"width": image.shape[1], "height": image.shape[0]})
    found = witness_figures(image, page, Settings())
    assert [r.reader for r in found] == ["eng", "eng"]
    assert ["".join(w.text for w in r.words) for r in found] == ["CS05494", "02/1989"]
    assert found[0].box[1] == boxes[0][1] and found[1].box[1] == boxes[1][1]
    everything = reread_lines(image, page, Settings())  # no weak line: the witness only
    assert [r.reader for r in everything] == ["eng", "eng"]
    assert reread_lines(image, page, Settings(figure_witness="")) == []


def witnessed_page(value: str) -> PageText:
    page = make_page(["Số vào sổ cấp GCN: CS 97554", "Dân tộc: Kinh"])
    figure = [w for w in page.words if w.text in ("CS", "97554")]
    box = (figure[0].bbox[0] - 2, figure[0].bbox[1] - 2, figure[1].bbox[2] + 2,
           figure[1].bbox[3] + 2)
    again = [Word(text=value, bbox=(box[0] + 2, box[1] + 2, box[2] - 2, box[3] - 2),
                  confidence=0.9, line_id=0)]
    return page.model_copy(update={"rereads": [LineReread(box=box, words=again,
                                                          reader="eng")]})


def test_the_witness_is_not_a_rival_reading() -> None:
    """Its words make pages of their own, weighed after the rereads of the page's model."""
    page = witnessed_page("CS07554")
    assert alternative_pages([page]) == []
    (alt,) = witness_pages([page])
    assert alt.text.split() == ["Số", "vào", "sổ", "cấp", "GCN:", "Dân", "tộc:", "Kinh",
                                "CS07554"]
    assert alt.rereads is None
    assert witness_pages([make_page(["Dân tộc: Kinh"])]) is None
    assert witness_boxes([page]) == {1: [page.rereads[0].box]}


def test_the_witness_agrees_differs_or_replaces_a_worse_founded_value() -> None:
    same = weigh_witness({"a": draft("a", "CS 97554")}, {"a": draft("a", "CS 97554")}, BOX)
    assert same["a"].evidence.features == {WITNESS_AGREES: 1.0}
    other = weigh_witness({"a": draft("a", "CS 97554", reread_agrees=1.0)},
                          {"a": draft("a", "CS 07554")}, BOX)
    assert other["a"].value == "CS 97554"
    assert other["a"].evidence.features == {REREAD_AGREES: 1.0, WITNESS_DIFFERS: 1.0}
    assert other["a"].witnessed == "CS 07554" and not other["a"].witness_backed
    better = weigh_witness({"a": draft("a", "C§ 30185", clean=False, reread_agrees=1.0,
                                       debris=1.0)},
                           {"a": draft("a", "CS 30185", debris=0.0, shape=1.0)}, BOX)
    assert better["a"].value == "CS 30185"  # with its own value's features
    assert better["a"].evidence.features == {REREAD_AGREES: 1.0, "debris": 0.0, "shape": 1.0,
                                             WITNESS_USED: 1.0}
    area = draft("a", 139.9, clean=False)  # '139,9m?': an area keeps its first reading
    area.evidence.family = "area"
    kept = weigh_witness({"a": area}, {"a": draft("a", 139.92)}, BOX)
    assert kept["a"] is area and area.evidence.features == {WITNESS_DIFFERS: 1.0}
    away = draft("a", "CS 97554", bbox=(100, 600, 400, 640))
    assert weigh_witness({"a": away}, {"a": draft("a", "x")}, BOX)["a"] is away
    assert not away.evidence.features


def test_extraction_takes_the_witness_reading_of_a_book_number_it_reads_better() -> None:
    """'Quyển số: J3/2018' (a J for a 0) witnessed as '03/2018': the witness's value is
    taken; where both read '01' the first reading stands."""
    def birth(book: str, witness: str) -> PageText:
        lines = ["Số: 125/2023", f"Quyển số: {book}", "GIẤY KHAI SINH",
                 "Họ, chữ đệm, tên: NGUYỄN THỊ HƯƠNG", "Ngày, tháng, năm sinh: 02/07/1990"]
        page = make_page(lines)
        word = next(w for w in page.words if w.text == book)
        box = (word.bbox[0] - 2, word.bbox[1] - 2, word.bbox[2] + 2, word.bbox[3] + 2)
        read = LineReread(box=box, words=[word.model_copy(update={"text": witness})],
                          reader="eng")
        return page.model_copy(update={"rereads": [read]})

    settings = Settings()
    plain = extract_document([birth("J3/2018", "J3/2018").model_copy(update={"rereads": None})],
                             settings, today=date(2024, 1, 1))
    taken = extract_document([birth("J3/2018", "03/2018")], settings, today=date(2024, 1, 1))
    assert plain.fields["book_number"].value != "03/2018"
    assert taken.fields["book_number"].value == "03/2018"
    same = extract_document([birth("01", "01")], settings, today=date(2024, 1, 1))
    assert same.fields["book_number"].value == "01"


def test_figures_the_two_models_read_differently_are_read_once_more_alone() -> None:
    """The first reading had '05484' where 'CS 05494' is printed: the witness reads the run
    otherwise, so it is read again alone, as one line (TIEBREAK_PSM), by the same model;
    the book number both read alike is not."""
    image, boxes = lines_image(WITNESSED)
    page = printed_page(WITNESSED, boxes, {}).model_copy(
        update={"width": image.shape[1], "height": image.shape[0]})
    misread = page.model_copy(update={"words": [
        w.model_copy(update={"text": "05484"}) if w.text == "05494" else w
        for w in page.words]})
    found = witness_figures(image, misread, Settings())
    assert [(r.reader, r.psm) for r in found] == [("eng", WITNESS_PSM), ("eng", TIEBREAK_PSM),
                                                  ("eng", WITNESS_PSM)]
    assert found[1].box == found[0].box
    assert figure_text(found[1].words) == "CS05494"
    for w in found[1].words:  # in page pixels, where the run is
        assert found[1].box[0] - 20 <= w.bbox[0] < w.bbox[2] <= found[1].box[2] + 20
        assert found[1].box[1] - 20 <= w.bbox[1] < w.bbox[3] <= found[1].box[3] + 20
    assert all(r.psm == WITNESS_PSM for r in witness_figures(image, page, Settings()))


def test_figure_text_keeps_what_both_models_can_read() -> None:
    words = [Word(text=t, bbox=(0, 0, 1, 1), confidence=0.9, line_id=0)
             for t in ("cs", "05494.")]
    assert figure_text(words) == "CS05494"
    assert figure_text([]) == ""


def test_the_tiebreak_keeps_the_value_it_reads_and_says_so() -> None:
    def first(value: str, **features: float) -> dict:
        return {"a": draft("a", value, **{WITNESS_DIFFERS: 1.0, **features})}

    witness = {"a": draft("a", "CS 07554", shape=1.0)}
    kept = weigh_tiebreak(first("CS 97554"), witness, {"a": draft("a", "CS 97554")}, BOX)
    assert kept["a"].value == "CS 97554"
    assert kept["a"].evidence.features == {WITNESS_DIFFERS: 1.0, TIEBREAK_AGREES: 1.0}
    taken = weigh_tiebreak(first("CS 97554", reread_agrees=1.0), witness,
                           {"a": draft("a", "CS 07554")}, BOX)
    assert taken["a"].value == "CS 07554"  # the page's evidence, the witness's own features
    assert taken["a"].evidence.features == {REREAD_AGREES: 1.0, "shape": 1.0,
                                            WITNESS_USED: 1.0, TIEBREAK_AGREES: 1.0}
    lost = weigh_tiebreak(first("CS 197554"), witness, {"a": draft("a", "CS 07554")}, BOX)
    assert lost["a"].value == "CS 197554"  # a digit lost at the strip's edge, read twice
    assert lost["a"].evidence.features == {WITNESS_DIFFERS: 1.0}
    neither = weigh_tiebreak(first("CS 97554"), witness, {"a": draft("a", "CS 77554")}, BOX)
    assert neither["a"].value == "CS 97554"
    assert neither["a"].evidence.features == {WITNESS_DIFFERS: 1.0, TIEBREAK_DIFFERS: 1.0}
    area = draft("a", 139.9, **{WITNESS_DIFFERS: 1.0})  # an area keeps its first reading
    area.evidence.family = "area"
    assert weigh_tiebreak({"a": area}, {"a": draft("a", 139.92)},
                          {"a": draft("a", 139.92)}, BOX)["a"] is area
    assert area.evidence.features == {WITNESS_DIFFERS: 1.0} and area.witness_backed
    agreed = {"a": draft("a", "CS 97554", **{WITNESS_AGREES: 1.0})}  # nothing to settle
    assert weigh_tiebreak(agreed, witness, {"a": draft("a", "CS 07554")}, BOX) == agreed
    assert agreed["a"].evidence.features == {WITNESS_AGREES: 1.0}
    away = first("CS 97554")
    away["a"].bbox = (100, 600, 400, 640)
    assert weigh_tiebreak(away, witness, {"a": draft("a", "CS 07554")}, BOX) == away


def test_extraction_takes_the_value_two_readings_of_three_give() -> None:
    """The book number read '08/2018' first, '03/2018' by the witness: the value is the one
    the witness's model reads again alone, and says so."""
    def birth(third: str) -> PageText:
        lines = ["Số: 125/2023", "Quyển số: 08/2018", "GIẤY KHAI SINH",
                 "Họ, chữ đệm, tên: NGUYỄN THỊ HƯƠNG", "Ngày, tháng, năm sinh: 02/07/1990"]
        page = make_page(lines)
        word = next(w for w in page.words if w.text == "08/2018")
        box = (word.bbox[0] - 2, word.bbox[1] - 2, word.bbox[2] + 2, word.bbox[3] + 2)
        reads = [LineReread(box=box, words=[word.model_copy(update={"text": text})], psm=psm,
                            reader="eng")
                 for text, psm in (("03/2018", WITNESS_PSM), (third, TIEBREAK_PSM))]
        return page.model_copy(update={"rereads": reads})

    assert witness_pages([birth("x")])[0].text.split()[-1] == "03/2018"
    assert witness_pages([birth("x")], tiebreak=True)[0].text.split()[-1] == "x"
    assert witness_boxes([birth("x")], tiebreak=True) == witness_boxes([birth("x")])
    settings = Settings()
    for third, value in (("03/2018", "03/2018"), ("08/2018", "08/2018")):
        record = extract_document([birth(third)], settings, today=date(2024, 1, 1))
        assert record.fields["book_number"].value == value


def test_the_witness_agrees_with_a_code_only_where_it_read_the_whole_of_it() -> None:
    """'Œ§ 13726': the witness's strip held the figures only (its letters were no capitals),
    so the same value read back says nothing of the letters; a strip over the whole code
    does. Other families' values (an address and its house number) agree as before."""
    def code(family: str = "land_registry_number") -> FieldDraft:
        d = draft("a", "Œ§ 13726", clean=False)
        d.evidence.family = family
        return d

    figures_only = {1: [(250, 95, 400, 145)]}
    partial = weigh_witness({"a": code()}, {"a": draft("a", "Œ§ 13726")}, figures_only)
    assert WITNESS_AGREES not in partial["a"].evidence.features
    whole = weigh_witness({"a": code()}, {"a": draft("a", "Œ§ 13726")}, BOX)
    assert whole["a"].evidence.features == {WITNESS_AGREES: 1.0}
    place = weigh_witness({"a": code("place")}, {"a": draft("a", "Œ§ 13726")}, figures_only)
    assert place["a"].evidence.features == {WITNESS_AGREES: 1.0}
    tied = code()
    tied.evidence.features[WITNESS_DIFFERS] = 1.0
    weigh_tiebreak({"a": tied}, {"a": draft("a", "x")}, {"a": draft("a", "Œ§ 13726")},
                   figures_only)
    assert TIEBREAK_AGREES not in tied.evidence.features


def test_a_run_is_read_a_third_time_only_where_that_can_settle_something() -> None:
    def words(*texts: str) -> list[Word]:
        return [Word(text=t, bbox=(0, 0, 1, 1), confidence=0.9, line_id=0) for t in texts]

    assert needs_tiebreak(words("CS", "97554"), words("CS07554"))
    assert not needs_tiebreak(words("CS", "97554"), words("CS97554."))  # they agree
    assert not needs_tiebreak(words("4,"), words("P"))  # 'Phường 4,': too little to settle
    assert not needs_tiebreak(words("1985"), [])  # the witness read nothing


def test_stored_tie_breaks_of_runs_that_needed_none_are_not_weighed() -> None:
    """Readings stored before `needs_tiebreak` hold tie-breaks of runs the witness read as
    nothing: extraction weighs them as a fresh reading would, not at all."""
    page = witnessed_page("CS07554")
    box = page.rereads[0].box
    alone = LineReread(box=box, words=[page.rereads[0].words[0].model_copy(
        update={"text": "CS07554"})], psm=TIEBREAK_PSM, reader="eng")
    needed = page.model_copy(update={"rereads": [*page.rereads, alone]})
    assert witness_boxes([needed], tiebreak=True) == {1: [box]}
    empty = page.rereads[0].model_copy(update={"words": []})
    unneeded = page.model_copy(update={"rereads": [empty, alone]})
    assert witness_pages([unneeded], tiebreak=True) is None
    assert witness_boxes([unneeded], tiebreak=True) == {1: []}
