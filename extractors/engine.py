"""The label-anchored layout engine: labels found → aligned to the form's declared order →
values read between labels.

Why an alignment: the same label text occurs several times (`Dân tộc:` for child, mother,
father) and OCR loses labels now and then. Aligning the declared field sequence to the
observed label sequence monotonically, maximising the summed match score, resolves repeats by
context and skips a missing label without shifting every later field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from extractors.form_spec import FieldSpec, FormSpec
from extractors.labels import Hit, find_phrases
from extractors.layout import Line, Token, split_leader_tail, starts_with_leader

WRAP_GAP = 1.8  # a wrapped line starts within this many line heights below the previous
WRAP_INDENT = 3.0  # ... and no further right of the label than this many line heights
COLUMN_GAP = 4.0  # a gap this many line heights wide ends a value (another block starts)
WEAK_TOLERANCE = 18.0  # a line that nearly holds a label is not a continuation


@dataclass(slots=True)
class RawField:
    """A value as read: its tokens (leaders dropped) and the label that anchored it."""

    key: str
    tokens: list[Token] = field(default_factory=list)
    label_score: float = 0.0
    page: int | None = None
    wrapped: bool = False

    @property
    def raw(self) -> str:
        return " ".join(t.text for t in self.tokens)


def read_form(lines: Sequence[Line], spec: FormSpec,
              page_widths: dict[int, int] | None = None) -> dict[str, RawField]:
    """Raw values of the form's fields that have a label on the page (others are absent)."""
    phrases = [lab for f in spec.fields for lab in f.labels] + list(spec.stop_labels)
    hits = find_phrases(lines, phrases, tolerance=spec.label_tolerance)
    widths = page_widths or {}
    assigned = align(spec, hits, lines, widths)
    if len(assigned) < len(spec.fields):
        hits, assigned = _rescue_weak_labels(lines, spec, phrases, list(hits), assigned)
    by_line: dict[int, list[Hit]] = {}
    for h in hits:
        by_line.setdefault(h.line, []).append(h)
    out: dict[str, RawField] = {}
    for fi, hi in assigned.items():
        fspec = spec.fields[fi]
        if fspec.key is None:
            continue
        band = _band(spec, fspec, lines[hits[hi].line].page, widths)
        out[fspec.key] = _read_value(lines, hits[hi], by_line, fspec, phrases, spec, band)
    return out


def _rescue_weak_labels(lines: Sequence[Line], spec: FormSpec, phrases: list[str],
                        hits: list[Hit], assigned: dict[int, int]
                        ) -> tuple[list[Hit], dict[int, int]]:
    """Second chance for labels OCR mangled: a colon-ended near miss is accepted for a
    missing field only between the labels of its neighbours in the declared order."""
    taken = {(h.line, i) for h in hits for i in range(h.start, h.end)}
    weak = [w for w in find_phrases(lines, phrases, weak=True)
            if not any((w.line, i) in taken for i in range(w.start, w.end))]
    assigned = dict(assigned)
    for fi, fspec in enumerate(spec.fields):
        if fi in assigned or fspec.key is None:
            continue
        before = [_pos(hits[hj]) for f, hj in assigned.items() if f < fi]
        after = [_pos(hits[hj]) for f, hj in assigned.items() if f > fi]
        lo, hi = max(before, default=(-1, -1)), min(after, default=(1 << 30, 0))
        options = [w for w in weak if w.phrase in fspec.labels and lo < _pos(w) < hi]
        if options:
            best = max(options, key=lambda w: w.score)
            weak.remove(best)
            hits.append(best)
            assigned[fi] = len(hits) - 1
    return hits, assigned


def _pos(hit: Hit) -> tuple[int, int]:
    return hit.line, hit.start


def _band(spec: FormSpec, fspec: FieldSpec, page: int,
          widths: dict[int, int]) -> tuple[float, float] | None:
    if fspec.column is None or page not in widths:
        return None
    col = spec.column(fspec.column)
    return col.x0 * widths[page], col.x1 * widths[page]


def _in_band(tok: Token, band: tuple[float, float] | None) -> bool:
    return band is None or band[0] <= (tok.bbox[0] + tok.bbox[2]) / 2 <= band[1]


def align(spec: FormSpec, hits: Sequence[Hit], lines: Sequence[Line],
          widths: dict[int, int]) -> dict[int, int]:
    """Field index → hit index: monotone alignment maximising the summed label scores, then
    out-of-order hits of labels that belong to one field only (layouts do vary)."""
    fields = spec.fields
    m, n = len(fields), len(hits)

    def score(i: int, j: int) -> float | None:
        f, h = fields[i], hits[j]
        if h.phrase not in f.labels:
            return None
        band = _band(spec, f, lines[h.line].page, widths)
        if band is not None and not _in_band(lines[h.line].tokens[h.start], band):
            return None
        return h.score

    dp = [[0.0] * (n + 1) for _ in range(m + 1)]
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            best = max(dp[i - 1][j], dp[i][j - 1])
            s = score(i - 1, j - 1)
            if s is not None:
                best = max(best, dp[i - 1][j - 1] + s)
            dp[i][j] = best
    assigned: dict[int, int] = {}
    i, j = m, n
    while i > 0 and j > 0:
        s = score(i - 1, j - 1)
        if s is not None and dp[i][j] == dp[i - 1][j - 1] + s:
            assigned[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif dp[i][j] == dp[i - 1][j]:
            i -= 1
        else:
            j -= 1
    used = set(assigned.values())
    owners: dict[str, list[int]] = {}
    for fi, f in enumerate(fields):
        for lab in f.labels:
            owners.setdefault(lab, []).append(fi)
    for hj, h in enumerate(hits):
        fis = owners.get(h.phrase, [])
        if hj not in used and len(fis) == 1 and fis[0] not in assigned:
            assigned[fis[0]] = hj
            used.add(hj)
    return assigned


def _read_value(lines: Sequence[Line], hit: Hit, by_line: dict[int, list[Hit]],
                fspec: FieldSpec, phrases: list[str], spec: FormSpec,
                band: tuple[float, float] | None) -> RawField:
    line = lines[hit.line]
    following = [h.start for h in by_line.get(hit.line, []) if h.start >= hit.end]
    stop = min(following, default=len(line.tokens))
    result = RawField(key=fspec.key or "", label_score=hit.score, page=line.page)
    result.tokens = _value_tokens(line.tokens[hit.end:stop], line.height, band)
    if result.tokens and not fspec.multiline:
        return result
    prev = line
    label_x0 = line.tokens[hit.start].bbox[0]
    k = hit.line + 1
    while k < len(lines):
        nxt = lines[k]
        if nxt.page != line.page or by_line.get(k):
            break
        if nxt.bbox[1] - prev.bbox[3] > WRAP_GAP * prev.height:
            break
        if find_phrases(lines, phrases, tolerance=WEAK_TOLERANCE, line_indices=[k]):
            break
        more = _value_tokens(nxt.tokens, nxt.height, band)
        if not more:
            break
        # A wrapped value restarts at the margin of its label; text far to the right of it
        # (a signature block, a stamp) is another block.
        if more[0].bbox[0] > label_x0 + WRAP_INDENT * line.height:
            break
        result.tokens.extend(more)
        result.wrapped = True
        if not fspec.multiline:
            break
        prev, k = nxt, k + 1
    return result


def _value_tokens(tokens: Sequence[Token], height: int,
                  band: tuple[float, float] | None) -> list[Token]:
    """Tokens of a value: leading leaders dropped; the value ends where the dotted writing
    line resumes after it (Tesseract turns the rest of a dotted line into garbage like
    'QQQ nnH HH ng') or at a wide gap (another block on the line)."""
    out: list[Token] = []
    for tok in tokens:
        if not _in_band(tok, band):
            continue
        if tok.is_leader:
            if out:
                break
            continue
        if out and tok.bbox[0] - out[-1].bbox[2] > COLUMN_GAP * height:
            break
        if out and starts_with_leader(tok):
            break
        head, leader_follows = split_leader_tail(tok)
        if head is not None:
            out.append(head)
        if leader_follows and (out or head is not None):
            break
    return trim_garbage(out)


GARBAGE_CONFIDENCE = 0.35
_VOWELS = set("aeiouy")


def _is_scrap(tok: Token) -> bool:
    """What Tesseract makes of leftover dots and strokes: letters with no vowel ('nh', 'TT',
    'cv') - no Vietnamese syllable lacks one - or one character repeated ('2222', 'cccc')."""
    key = tok.key
    if not key:
        return True
    if key.isalpha() and not (_VOWELS & set(key)):
        return True
    repeated = (len(key) >= 4 and len(set(key)) == 1) or (len(key) >= 6 and len(set(key)) <= 2)
    return repeated and tok.confidence < GARBAGE_CONFIDENCE


def trim_garbage(tokens: list[Token]) -> list[Token]:
    """Drop scraps at the end of a value (low OCR confidence alone is no reason: Tesseract
    scores the last real word before a dotted line very low)."""
    out = list(tokens)
    while out and _is_scrap(out[-1]):
        out.pop()
    return out
