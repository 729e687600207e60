"""Text lines rebuilt from OCR words, as the label matcher needs them.

Tesseract gives each word a line id, a PDF text layer gives none; both can split one printed
line (wide gaps between "Giới tính: Nam" and "Dân tộc: Kinh" often become separate OCR lines),
so words are grouped by line id first and the groups merged by vertical overlap. Words are cut
at an inner colon ("sinh:02/07/1990") so a label never swallows the start of its value.
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass, field

from pipeline.models import BBox, PageText, Word
from pipeline.textnorm import clean, fold

_LEADER_CHARS = ".…·•_-—–:;,'\"`~|"
_LEADER_ONLY = re.compile(r"^[\s" + re.escape(_LEADER_CHARS) + r"]*$")
_LEADER_RUN = re.compile(r"(?:…|[.·_](?:\s?[.·_…]){2,})+")
_INNER_COLON = re.compile(r"(?<=\w)[:;](?=\S)")
_GLUED_FIGURES = re.compile(r"^(\D*[^\W\d_]{4})(\d[\d/.,]*\w?)$")


@dataclass(frozen=True, slots=True)
class Token:
    """One word (or part of a word cut at an inner colon) on a line."""

    text: str  # NFC
    key: str  # folded, letters and digits only: what labels are compared on
    bbox: BBox
    confidence: float
    page: int

    @property
    def is_leader(self) -> bool:
        """Dotted writing lines ("......", "…", ". . .") are not values."""
        return bool(_LEADER_ONLY.match(self.text)) or not self.key and bool(
            _LEADER_RUN.search(self.text))


@dataclass(slots=True)
class Line:
    page: int
    tokens: list[Token] = field(default_factory=list)

    @property
    def bbox(self) -> BBox:
        return union_bbox([t.bbox for t in self.tokens])

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.tokens)

    @property
    def height(self) -> int:
        hs = sorted(t.bbox[3] - t.bbox[1] for t in self.tokens)
        return max(1, hs[len(hs) // 2]) if hs else 1


def starts_with_leader(tok: Token) -> bool:
    m = _LEADER_RUN.match(tok.text)
    return m is not None


def split_leader_tail(tok: Token) -> tuple[Token | None, bool]:
    """'HUỆ.......---' -> ('HUỆ', True); '......Kinh' -> ('Kinh', False).

    A leader run glued to a word is cut off; whether one followed the word tells the value
    reader that the writing line (and the value) ends there.
    """
    text = tok.text
    runs = list(_LEADER_RUN.finditer(text))
    if not runs:
        return tok, False
    first = runs[0]
    if first.start() == 0:  # leaders before the word: drop them, keep the rest
        rest = text[runs[0].end():]
        if not rest.strip(_LEADER_CHARS):
            return None, True
        sub = _sub_token(tok, runs[0].end(), len(text))
        return split_leader_tail(sub)
    head = text[:first.start()].rstrip(_LEADER_CHARS) or None
    if head is None or not token_key(head):
        return None, True
    return _sub_token(tok, 0, len(head)), True


def _sub_token(tok: Token, a: int, b: int) -> Token:
    x0, y0, x1, y1 = tok.bbox
    n = max(1, len(tok.text))
    part = tok.text[a:b]
    xa, xb = x0 + (x1 - x0) * a // n, x0 + (x1 - x0) * b // n
    return Token(part, token_key(part), (xa, y0, max(xa + 1, xb), y1), tok.confidence, tok.page)


def union_bbox(boxes: list[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def centre_inside(inner: BBox, outer: BBox) -> bool:
    """The centre of `inner` lies in `outer` (a word belongs to the box it sits in)."""
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]


def token_key(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalnum())


def _split_glued_figures(part: str) -> list[str]:
    """'Tờbảnđồsố22' -> 'Tờbảnđồsố', '22': a word of four or more letters run into the
    figures after it is a label that lost its colon and the space after it."""
    m = _GLUED_FIGURES.match(part)
    return [m.group(1), m.group(2)] if m else [part]


def _split_word(word: Word, page: int) -> list[Token]:
    """Cut 'sinh:02/07/1990' into 'sinh:' and '02/07/1990', boxes shared by character count."""
    text = clean(word.text)
    if not text:
        return []
    parts: list[str] = []
    start = 0
    for m in _INNER_COLON.finditer(text):
        parts.append(text[start:m.end()])
        start = m.end()
    parts.append(text[start:])
    parts = [piece for part in parts for piece in _split_glued_figures(part)]
    x0, y0, x1, y1 = word.bbox
    total = sum(len(p) for p in parts)
    tokens: list[Token] = []
    pos = 0
    for part in parts:
        a = x0 + round((x1 - x0) * pos / total)
        pos += len(part)
        b = x0 + round((x1 - x0) * pos / total)
        tokens.append(Token(part, token_key(part), (a, y0, max(a + 1, b), y1),
                            word.confidence, page))
    return tokens


def _v_overlap(a: BBox, b: BBox) -> float:
    """Vertical overlap as a share of the smaller height."""
    inter = min(a[3], b[3]) - max(a[1], b[1])
    smaller = max(1, min(a[3] - a[1], b[3] - b[1]))
    return inter / smaller


def build_lines(page: PageText, *, min_overlap: float = 0.5) -> list[Line]:
    """Lines of a page in reading order (top to bottom, tokens left to right)."""
    use_ids = page.source == "ocr" and len({w.line_id for w in page.words}) > 1
    groups: dict[int, list[Word]] = {}
    if use_ids:
        for w in page.words:
            groups.setdefault(w.line_id, []).append(w)
        segments = list(groups.values())
    else:
        segments = [[w] for w in page.words]

    def seg_box(seg: list[Word]) -> BBox:
        return union_bbox([w.bbox for w in seg])

    segments.sort(key=lambda s: (seg_box(s)[1] + seg_box(s)[3]) / 2)
    merged: list[list[Word]] = []
    boxes: list[BBox] = []
    cores: list[BBox] = []  # each merged line's _core_box, kept up to date as it grows
    for seg in segments:
        box = seg_box(seg)
        target = None
        # Compare with the last few lines only: a segment joins the line it overlaps most.
        best = min_overlap
        for i in range(max(0, len(merged) - 3), len(merged)):
            ov = _v_overlap(cores[i], box)
            if ov >= best:
                best, target = ov, i
        if target is None:
            merged.append(list(seg))
            boxes.append(box)
            cores.append(_core_box(merged[-1]))
        else:
            merged[target].extend(seg)
            boxes[target] = union_bbox([boxes[target], box])
            cores[target] = _core_box(merged[target])
    lines: list[Line] = []
    for words in merged:
        words.sort(key=lambda w: w.bbox[0])
        line = Line(page=page.page)
        for w in words:
            line.tokens.extend(_split_word(w, page.page))
        if line.tokens:
            lines.append(line)
    lines.sort(key=lambda ln: (ln.bbox[1] + ln.bbox[3]) / 2)
    return lines


def _core_box(words: list[Word]) -> BBox:
    """A line's box without tall outliers (a stray stroke would make it swallow neighbours)."""
    ys0 = sorted(w.bbox[1] for w in words)
    ys1 = sorted(w.bbox[3] for w in words)
    xs = [w.bbox[0] for w in words] + [w.bbox[2] for w in words]
    return (min(xs), ys0[len(ys0) // 2], max(xs), ys1[len(ys1) // 2])


_LINES: dict[int, tuple[weakref.ref[PageText], list[Line]]] = {}
_LINES_LOCK = threading.Lock()


def page_lines(page: PageText) -> list[Line]:
    """`build_lines(page)`, computed once per page object: a document's lines are read by
    the classifier, the upright retry and the form reader (three builds were a third of a
    text-layer page's time). Pages are not changed after reading; lines are not changed
    after building. The entry goes when the page object does."""
    key = id(page)
    with _LINES_LOCK:
        hit = _LINES.get(key)
    if hit is not None and hit[0]() is page:
        return hit[1]
    lines = build_lines(page)

    def forget(_ref: object, key: int = key) -> None:
        with _LINES_LOCK:
            _LINES.pop(key, None)

    with _LINES_LOCK:
        _LINES[key] = (weakref.ref(page, forget), lines)
    return lines


def document_lines(pages: list[PageText]) -> list[Line]:
    return [line for page in sorted(pages, key=lambda p: p.page) for line in page_lines(page)]
