"""Two readings of a form, one choice per field.

Weak lines are read a second time, alone (pipeline/reread.py, `PageText.rereads`). The form
is read once from the first reading and once with those lines replaced by their second
reading; for each field the better-founded value wins (it parses, reads cleanly, raises no
issue, its label matched well, its words scored higher), and when both readings give the
same value, that agreement of two independent readings is evidence the confidence model
learns (`reread_agrees`).

Every figure is also read by a witness, another OCR model (`Settings.figure_witness`,
`LineReread.reader`). Its reading is weighed after the others: the same value is evidence
(`witness_agrees`), another one is doubt (`witness_differs`), and it replaces the value
only when better founded (`witness_used`): the two models misread figures independently.
Where they differ, the figure was read a third time by the witness's model alone
(`pipeline.reread.tiebreak_figure`): the value it backs is the one kept, and it says so
(`tiebreak_agrees`); backing neither says that too (`tiebreak_differs`).
"""

from __future__ import annotations

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
from extractors.layout import centre_inside
from extractors.review import Drafts, FieldDraft
from pipeline.models import BBox, LineReread, PageText
from pipeline.reread import TIEBREAK_PSM, needs_tiebreak


def alternative_pages(pages: list[PageText]) -> list[list[PageText]]:
    """The pages with every re-read line's words replaced by its second reading (a line
    read as nothing the second time keeps its first words), once per way the lines were
    read again (`LineReread.psm`, and the italic runs read upright apart); the witness's
    readings are not among them (`witness_pages`). Empty: nothing was re-read."""
    passes = sorted({_pass(r) for p in pages for r in p.rereads or [] if r.reader is None})
    return [[_replaced(page, [r for r in page.rereads or [] if _pass(r) == key and r.words
                              and r.reader is None])
             for page in pages] for key in passes]


def _is_witness(r: LineReread) -> bool:
    return r.reader is not None and r.psm != TIEBREAK_PSM and bool(r.words)


def _is_tiebreak(r: LineReread) -> bool:
    return r.reader is not None and r.psm == TIEBREAK_PSM and bool(r.words)


def _tiebreaks(page: PageText) -> list[LineReread]:
    """The page's tie-break readings of runs that needed one (`pipeline.reread.
    needs_tiebreak`: readings stored before that rule read some runs that did not)."""
    witness = {r.box: r.words for r in page.rereads or [] if _is_witness(r)}
    return [r for r in page.rereads or [] if _is_tiebreak(r) and needs_tiebreak(
        [w for w in page.words if centre_inside(w.bbox, r.box)], witness.get(r.box, []))]


def _chosen(page: PageText, tiebreak: bool) -> list[LineReread]:
    return _tiebreaks(page) if tiebreak else [r for r in page.rereads or [] if _is_witness(r)]


def witness_pages(pages: list[PageText], *, tiebreak: bool = False) -> list[PageText] | None:
    """The pages with every figure the witness read replaced by its reading (`tiebreak`: by
    its tie-break reading, where there is one); None: it read nothing."""
    chosen = [_chosen(page, tiebreak) for page in pages]
    if not any(chosen):
        return None
    return [_replaced(page, used) for page, used in zip(pages, chosen, strict=True)]


def witness_boxes(pages: list[PageText], *, tiebreak: bool = False) -> dict[int, list[BBox]]:
    return {p.page: [r.box for r in _chosen(p, tiebreak)] for p in pages if p.rereads}


def _pass(r: LineReread) -> tuple[bool, int]:
    """Which reading a re-read line belongs to: upright lines by psm, then italic runs."""
    return (r.slant > 0, r.psm)


def _replaced(page: PageText, used: list[LineReread]) -> PageText:
    if not used:
        return page.model_copy(update={"rereads": None})
    words = [w for w in page.words if not any(centre_inside(w.bbox, r.box) for r in used)]
    next_id = max((w.line_id for w in page.words), default=-1) + 1
    for r in used:
        ids: dict[int, int] = {}
        for w in r.words:
            if w.line_id not in ids:
                ids[w.line_id] = next_id
                next_id += 1
            words.append(w.model_copy(update={"line_id": ids[w.line_id]}))
    return page.model_copy(update={"words": words, "rereads": None})


def reread_boxes(pages: list[PageText]) -> dict[int, list[BBox]]:
    return {p.page: [r.box for r in p.rereads if r.words and r.reader is None]
            for p in pages if p.rereads}


def _overlaps(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _was_reread(d: FieldDraft, boxes: dict[int, list[BBox]]) -> bool:
    return d.bbox is not None and d.page is not None and any(
        _overlaps(d.bbox, b) for b in boxes.get(d.page, []))


# Value features (extractors/evidence.py) that say a value is well formed: a known unit
# chain, real syllables, a known surname, the expected shape of a number or an exact entry.
VALIDITY = ("chain_exact", "all_known", "province_last", "all_syllables", "surname",
            "name_words", "shape", "exact")
CONFIDENCE_MARGIN = 0.1  # on an otherwise equal footing, the second reading must score this
# much higher (mean word confidence) to replace the first


def rank(d: FieldDraft) -> tuple:
    """How well-founded a reading of one field is, best highest (word confidences aside)."""
    ev = d.evidence
    validity = sum(ev.features.get(k, 0.0) for k in VALIDITY) - ev.features.get("debris", 0.0)
    return (d.value is not None, ev.clean, not d.issues, ev.label_score >= 90, validity)


def better(second: FieldDraft, first: FieldDraft) -> bool:
    """Whether the second reading should replace the first. A line left blank the first time
    takes only a clean value without issues (specks read as '7' are not a personal ID)."""
    if first.evidence.blank and not (second.evidence.clean and not second.issues):
        return False
    r2, r1 = rank(second), rank(first)
    if r2 != r1:
        return r2 > r1
    return second.evidence.ocr_mean > first.evidence.ocr_mean + CONFIDENCE_MARGIN


def choose_drafts(first: Drafts, second: Drafts, boxes: dict[int, list[BBox]]) -> Drafts:
    """Per field, the first reading's draft or the second's (see the module's docstring).
    A field whose value does not touch a re-read line is the first reading's, untouched."""
    out: Drafts = {}
    for key in [*first, *(k for k in second if k not in first)]:
        a, b = first.get(key), second.get(key)
        if b is None or (a is not None and not (_was_reread(a, boxes) or _was_reread(b, boxes))):
            if a is not None:
                out[key] = a
            continue
        if a is None or not a.found:
            out[key] = b
            b.evidence.features[REREAD_USED] = 1.0
            continue
        if a.value is not None and a.value == b.value:
            a.evidence.features[REREAD_AGREES] = 1.0
            out[key] = a
        elif better(b, a):
            b.evidence.features[REREAD_USED] = 1.0
            out[key] = b
        else:
            if b.value is not None:
                a.evidence.features[REREAD_DIFFERS] = 1.0
            out[key] = a
    return out


WITNESS_KEEPS = frozenset({"area"})
"""Families whose value the witness never replaces: an area is also written in words, which
settle a slipped figure later (review's `settle_area`) from the first reading, and a unit
glued to its figures ('139,9m?': debris, not clean) is read by the witness as one more
decimal (139,92), well formed. On office-dev2, 3 of the 4 values the witness replaced wrongly
were areas."""


WHOLE_CODES = frozenset({"land_registry_number", "land_serial"})
"""Families whose value is one code, its letters as much as its figures ('CS 13726'): the
witness agrees with it only where its reading covered the whole value. Its strip holds the
figures and the capitals just before them; letters misread as something else ('Œ§ 13726')
stay outside it, and the same figures read again said nothing of them (on office-dev2, 3 of
the 4 such codes the witness 'agreed' with were wrong, one accepted at 0.91)."""


def _read_whole(d: FieldDraft, boxes: dict[int, list[BBox]]) -> bool:
    """Whether a reading in `boxes` can vouch for all of `d`'s value: any, but for a
    WHOLE_CODES family only one whose box spans the code."""
    return d.evidence.family not in WHOLE_CODES or _covered(d, boxes)


def _covered(d: FieldDraft, boxes: dict[int, list[BBox]]) -> bool:
    """Some box spans `d`'s value from end to end (to a quarter of its height)."""
    if d.bbox is None or d.page is None:
        return False
    x0, y0, x1, y1 = d.bbox
    slack = 0.25 * (y1 - y0)
    return any(b[0] <= x0 + slack and b[2] >= x1 - slack and _overlaps(b, d.bbox)
               for b in boxes.get(d.page, []))


def weigh_witness(drafts: Drafts, witnessed: Drafts, boxes: dict[int, list[BBox]]) -> Drafts:
    """Each field whose value the witness read (its box touches a `boxes` box): the same
    value marks `witness_agrees`; a better-founded one (`rank`; the witness's word
    confidences are another model's, not compared) replaces it, marked `witness_used`;
    another value marks `witness_differs`."""
    out: Drafts = dict(drafts)
    for key, a in drafts.items():
        b = witnessed.get(key)
        if b is None or a.value is None or b.value is None or not _was_reread(a, boxes):
            continue
        if b.value == a.value:
            if _read_whole(a, boxes):
                a.evidence.features[WITNESS_AGREES] = 1.0
        elif a.evidence.family not in WITNESS_KEEPS and rank(b) > rank(a):
            # what the page's readings said stays; the value's own features are the witness's
            b.evidence.features = {**a.evidence.features, **b.evidence.features,
                                   WITNESS_USED: 1.0}
            out[key] = b
        else:
            a.evidence.features[WITNESS_DIFFERS] = 1.0
            a.witnessed = b.value
    return out


def weigh_tiebreak(drafts: Drafts, witnessed: Drafts, third: Drafts,
                   boxes: dict[int, list[BBox]]) -> Drafts:
    """Each field the two models read differently (`weigh_witness` marked it) whose figures
    were read a third time (`third`, boxes `boxes`): the value the third reading gives is
    kept and marked `tiebreak_agrees` - the first reading's, or the witness's
    (`witness_used`; the first stays, marked as before, in a WITNESS_KEEPS family and when
    the witness's value has fewer letters and figures: its strip, cut from the first
    reading's boxes, may have lost a digit at its edge, 'Số 190' read 'Số 90' by both); giving
    neither marks `tiebreak_differs`."""
    out: Drafts = dict(drafts)
    for key, a in drafts.items():
        features = a.evidence.features
        c = third.get(key)
        if (not (features.get(WITNESS_DIFFERS) or features.get(WITNESS_USED)) or c is None
                or c.value is None or not _was_reread(a, boxes)):
            continue
        b = witnessed.get(key)
        if c.value == a.value:
            if _read_whole(a, boxes):
                features[TIEBREAK_AGREES] = 1.0
        elif features.get(WITNESS_DIFFERS) and b is not None and c.value == b.value:
            if a.evidence.family in WITNESS_KEEPS or _shorter(b, a):
                a.witness_backed = True  # not taken: no more said than it differs
                continue
            merged = {**features, **b.evidence.features, WITNESS_USED: 1.0, TIEBREAK_AGREES: 1.0}
            merged.pop(WITNESS_DIFFERS, None)
            b.evidence.features = merged
            out[key] = b
        else:
            features[TIEBREAK_DIFFERS] = 1.0
    return out


def _shorter(b: FieldDraft, a: FieldDraft) -> bool:
    """b's value holds fewer letters and figures than a's."""
    def size(d: FieldDraft) -> int:
        return sum(ch.isalnum() for ch in str(d.value))
    return size(b) < size(a)
