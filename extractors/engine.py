"""The label-anchored layout engine: labels found → aligned to the form's declared order →
values read between labels.

Why an alignment: the same label text occurs several times (`Dân tộc:` for child, mother,
father) and OCR loses labels now and then. Aligning the declared field sequence to the
observed label sequence monotonically, maximising the summed match score, resolves repeats by
context and skips a missing label without shifting every later field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from extractors.form_spec import FieldSpec, FormSpec
from extractors.labels import Hit, find_phrases, phrase_key
from extractors.layout import Line, Token, split_leader_tail, starts_with_leader
from pipeline.textnorm import fold

WRAP_GAP = 1.8  # a wrapped line starts within this many line heights below the previous
WRAP_INDENT = 3.0  # ... and no further right of the label than this many line heights
COLUMN_GAP = 4.0  # a gap this many line heights wide ends a value (another block starts)
WEAK_TOLERANCE = 18.0  # a line that nearly holds a label is not a continuation
OPTIONAL_PENALTY = 0.01  # alignment score given up by a field that may be absent


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
    widths = column_bands(spec, hits, lines, page_widths or {})
    assigned = align(spec, hits, lines, widths)
    if len(assigned) < sum(f.shares is None for f in spec.fields):
        hits, assigned = _rescue_weak_labels(lines, spec, phrases, list(hits), assigned,
                                             widths)
    if spec.columns and len(assigned) < sum(f.shares is None for f in spec.fields):
        hits, assigned = _rescue_mirrored_labels(lines, spec, list(hits), assigned, widths)
    by_line: dict[int, list[Hit]] = {}
    for h in hits:
        by_line.setdefault(h.line, []).append(h)
    # Lines that carry the label of a field printed across the whole width (a marriage
    # certificate's `Nơi đăng ký kết hôn:` under its two columns): their text in a column's
    # band is that field's value, never the continuation of a column's blank line above.
    full_width = {hits[hi].line for fi, hi in assigned.items()
                  if spec.columns and spec.fields[fi].column is None}
    out: dict[str, RawField] = {}
    for fi, hi in assigned.items():
        fspec = spec.fields[fi]
        if fspec.key is None:
            continue
        band = _band(spec, fspec, lines[hits[hi].line].page, widths)
        out[fspec.key] = _read_value(lines, hits[hi], by_line, fspec, phrases, spec, band,
                                     full_width)
    for fspec in spec.fields:  # fields read from another field's sentence
        if fspec.key is not None and fspec.shares in out:
            shared = out[fspec.shares]
            out[fspec.key] = RawField(fspec.key, list(shared.tokens), shared.label_score,
                                      shared.page, shared.wrapped)
    _read_unlabelled(lines, spec, hits, by_line, phrases, widths, out)
    return out


Bands = dict[int, object]  # page -> its width, or {(page, column): (x0, x1)} once anchored
ANCHOR_SLACK = 0.5  # line heights left of a column's anchor label still inside the column


def column_bands(spec: FormSpec, hits: Sequence[Hit], lines: Sequence[Line],
                 widths: dict[int, int]) -> dict:
    """Page widths, plus each column's band in pixels per page: the declared fractions,
    with a column edge moved to its anchor label where that label was found (a column
    ends where the next one, by position on the page, begins)."""
    out: dict = dict(widths)
    for page, width in widths.items():
        starts: dict[str, float] = {}
        for col in spec.columns:
            found = [h for h in hits if h.phrase == col.anchor and lines[h.line].page == page]
            if found:
                best = max(found, key=lambda h: (h.score, -h.line))
                line = lines[best.line]
                starts[col.name] = line.tokens[best.start].bbox[0] - ANCHOR_SLACK * line.height
        if not starts:
            continue
        edges = sorted((starts.get(c.name, c.x0 * width), c.name) for c in spec.columns)
        for i, (x0, name) in enumerate(edges):
            x1 = edges[i + 1][0] if i + 1 < len(edges) else float(width)
            out[(page, name)] = (0.0 if i == 0 else x0, x1)
    return out


def _rescue_weak_labels(lines: Sequence[Line], spec: FormSpec, phrases: list[str],
                        hits: list[Hit], assigned: dict[int, int], widths: dict | None = None
                        ) -> tuple[list[Hit], dict[int, int]]:
    """Second chance for labels OCR mangled: a colon-ended near miss is accepted for a
    missing field only between the labels of its neighbours in the declared order."""
    taken = {(h.line, i) for h in hits for i in range(h.start, h.end)}
    weak = [w for w in find_phrases(lines, phrases, weak=True)
            if not any((w.line, i) in taken for i in range(w.start, w.end))]
    assigned = dict(assigned)
    for fi, fspec in enumerate(spec.fields):
        if fi in assigned or fspec.key is None or fspec.shares is not None:
            continue
        # Neighbours in the declared order of the same column (all fields, without columns).
        same = [(f, hj) for f, hj in assigned.items()
                if spec.fields[f].column == fspec.column]
        before = [_pos(hits[hj]) for f, hj in same if f < fi]
        after = [_pos(hits[hj]) for f, hj in same if f > fi]
        lo, hi = max(before, default=(-1, -1)), min(after, default=(1 << 30, 0))
        options = [w for w in weak if w.phrase in fspec.labels and lo < _pos(w) < hi
                   and _in_band(lines[w.line].tokens[w.start],
                                _band(spec, fspec, lines[w.line].page, widths or {}))]
        if options:
            best = max(options, key=lambda w: w.score)
            weak.remove(best)
            hits.append(best)
            assigned[fi] = len(hits) - 1
    return hits, assigned


MIRROR_SCORE = 60.0  # a label known by its place only: weaker than any label read as such
MIRROR_MAX_TOKENS = 5  # 'Nơi cư trú:' is three words; OCR may split or glue them


def _rescue_mirrored_labels(lines: Sequence[Line], spec: FormSpec, hits: list[Hit],
                            assigned: dict[int, int], widths: dict
                            ) -> tuple[list[Hit], dict[int, int]]:
    """Side-by-side columns repeat the same labels on the same line ('Nơi cư trú:' for the
    wife and for the husband). When one column's label was read and its twin in the other
    column was garbled past recognition ('Nơicwee:'), the first few words of the other
    column on that line, ending in a colon, are the twin label."""
    taken = {(h.line, i) for h in hits for i in range(h.start, h.end)}
    assigned = dict(assigned)
    for fi, fspec in enumerate(spec.fields):
        if fi in assigned or fspec.key is None or fspec.column is None or fspec.shares:
            continue
        twins = [f for f, g in enumerate(spec.fields) if f in assigned and g.labels ==
                 fspec.labels and g.column not in (None, fspec.column)]
        for twin in twins:
            found = _mirror_hit(lines, spec, fspec, hits[assigned[twin]], taken, widths)
            if found is not None:
                hits.append(found)
                assigned[fi] = len(hits) - 1
                taken |= {(found.line, i) for i in range(found.start, found.end)}
                break
    return hits, assigned


def _mirror_hit(lines: Sequence[Line], spec: FormSpec, fspec: FieldSpec, twin: Hit,
                taken: set[tuple[int, int]], widths: dict) -> Hit | None:
    ref = lines[twin.line].tokens[twin.start].bbox
    height = max(1, ref[3] - ref[1])
    for li, line in enumerate(lines):
        if line.page != lines[twin.line].page:
            continue
        band = _band(spec, fspec, line.page, widths)
        inside = [i for i, tok in enumerate(line.tokens) if _in_band(tok, band)
                  and abs((tok.bbox[1] + tok.bbox[3]) / 2 - (ref[1] + ref[3]) / 2) < height]
        if not inside or any((li, i) in taken for i in inside[:MIRROR_MAX_TOKENS]):
            continue
        for n, i in enumerate(inside[:MIRROR_MAX_TOKENS]):
            if line.tokens[i].text.rstrip().endswith(":"):
                if inside[: n + 1] != list(range(inside[0], i + 1)):
                    break  # not one run of words
                return Hit(fspec.labels[0], li, inside[0], i + 1, MIRROR_SCORE)
    return None


def _pos(hit: Hit) -> tuple[int, int]:
    return hit.line, hit.start


def _band(spec: FormSpec, fspec: FieldSpec, page: int,
          widths: dict) -> tuple[float, float] | None:
    if fspec.column is None or page not in widths:
        return None
    if (page, fspec.column) in widths:
        return widths[(page, fspec.column)]
    col = spec.column(fspec.column)
    return col.x0 * widths[page], col.x1 * widths[page]


def _in_band(tok: Token, band: tuple[float, float] | None) -> bool:
    return band is None or band[0] <= (tok.bbox[0] + tok.bbox[2]) / 2 <= band[1]


def align(spec: FormSpec, hits: Sequence[Hit], lines: Sequence[Line],
          widths: dict[int, int]) -> dict[int, int]:
    """Field index → hit index: monotone alignment maximising the summed label scores, then
    out-of-order hits of labels that belong to one field only (layouts do vary)."""
    fields = spec.fields

    def score(i: int, j: int) -> float | None:
        f, h = fields[i], hits[j]
        if h.phrase not in f.labels or f.shares is not None:
            return None
        band = _band(spec, f, lines[h.line].page, widths)
        if band is not None and not _in_band(lines[h.line].tokens[h.start], band):
            return None
        # On a tie an optional block (a second holder) yields to the required one before it.
        return h.score if f.required else h.score - OPTIONAL_PENALTY

    # Columns are read down independently (one side's long value pushes it out of step with
    # the other), so each column's fields are aligned on their own, then the rest.
    assigned: dict[int, int] = {}
    groups = [c.name for c in spec.columns] + [None]
    for group in groups:
        idx = [i for i, f in enumerate(fields) if f.column == group]
        free = [j for j in range(len(hits)) if j not in assigned.values()]
        assigned.update(_align_monotone(idx, free, score))
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


def _align_monotone(fields: list[int], hits: list[int],
                    score: Callable[[int, int], float | None]) -> dict[int, int]:
    """Monotone alignment of the given fields to the given hits (both in order)."""
    m, n = len(fields), len(hits)
    dp = [[0.0] * (n + 1) for _ in range(m + 1)]
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            best = max(dp[i - 1][j], dp[i][j - 1])
            s = score(fields[i - 1], hits[j - 1])
            if s is not None:
                best = max(best, dp[i - 1][j - 1] + s)
            dp[i][j] = best
    assigned: dict[int, int] = {}
    i, j = m, n
    while i > 0 and j > 0:
        s = score(fields[i - 1], hits[j - 1])
        if s is not None and dp[i][j] == dp[i - 1][j - 1] + s:
            assigned[fields[i - 1]] = hits[j - 1]
            i, j = i - 1, j - 1
        elif dp[i][j] == dp[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return assigned


def _read_value(lines: Sequence[Line], hit: Hit, by_line: dict[int, list[Hit]],
                fspec: FieldSpec, phrases: list[str], spec: FormSpec,
                band: tuple[float, float] | None,
                full_width: set[int] | frozenset[int] = frozenset()) -> RawField:
    line = lines[hit.line]
    following = [h.start for h in by_line.get(hit.line, []) if h.start >= hit.end]
    stop = min(following, default=len(line.tokens))
    result = RawField(key=fspec.key or "", label_score=hit.score, page=line.page)
    result.tokens = _value_tokens(line.tokens[hit.end:stop], line.height, band,
                                  through_leaders=fspec.through_leaders)
    if result.tokens and not fspec.multiline:
        return result
    prev = line
    label_x0 = line.tokens[hit.start].bbox[0]
    k = hit.line + 1
    while k < len(lines):
        nxt = lines[k]
        if nxt.page != line.page or any(
                _in_band(nxt.tokens[h.start], band) for h in by_line.get(k, [])):
            break
        if band is not None and k in full_width:
            break
        if nxt.bbox[1] - prev.bbox[3] > WRAP_GAP * prev.height:
            break
        in_band = [nxt] if band is None else [
            Line(nxt.page, [t for t in nxt.tokens if _in_band(t, band)])]
        near = [h for h in find_phrases(in_band, phrases, tolerance=WEAK_TOLERANCE)
                if not _one_word_for_many(h, in_band[0])]
        if fspec.prose:  # running text echoes label words ('… tiền sử dụng đất')
            near = [h for h in near if in_band[0].tokens[h.end - 1].text.endswith((":", ";"))]
        if near:
            break
        more = _value_tokens(nxt.tokens, nxt.height, band,
                             through_leaders=fspec.through_leaders)
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


def _one_word_for_many(hit: Hit, line: Line) -> bool:
    """A label of several words nearly matched by fewer words with no colon: a word of the
    value, not a label ('Hóa' of 'Tỉnh Thanh Hóa' scores 83 against 'Hộ bà:' at the
    tolerance a continuation is checked with)."""
    return (hit.end - hit.start < len(hit.phrase.split())
            and not line.tokens[hit.end - 1].text.endswith((":", ";")))


def _value_tokens(tokens: Sequence[Token], height: int,
                  band: tuple[float, float] | None, *,
                  through_leaders: bool = False) -> list[Token]:
    """Tokens of a value: leading leaders dropped; the value ends where the dotted writing
    line resumes after it (Tesseract turns the rest of a dotted line into garbage like
    'QQQ nnH HH ng') or at a wide gap (another block on the line).

    `through_leaders`: a sentence with blanks ('… giờ … phút, ngày …') runs to the end of
    the line (or band); leaders and scraps inside it are dropped instead."""
    if through_leaders:
        return _sentence_tokens(tokens, band)
    out: list[Token] = []
    tokens = [t for t in tokens if _in_band(t, band)]
    for i, tok in enumerate(tokens):
        if tok.is_leader:
            if out and _is_hyphen(tok, out[-1], tokens[i + 1:], height):
                out.append(tok)
                continue
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


HYPHENS = ("-", "–", "—")
HYPHEN_GAP = 1.0  # in line heights, on each side of a hyphen inside a value


def _is_hyphen(tok: Token, before: Token, after: Sequence[Token], height: int) -> bool:
    """A dash standing alone between two words of a value, a word's gap from each, the next
    a capitalised word ('Tỉnh Bà Rịa - Vũng Tàu'): part of the name, not a dotted writing
    line, which goes on in dots or ends the line."""
    if tok.text not in HYPHENS or not after:
        return False
    nxt = after[0]
    word = nxt.text.rstrip(".,;")
    return (word[:1].isupper() and word.isalpha() and not nxt.is_leader
            and tok.bbox[0] - before.bbox[2] <= HYPHEN_GAP * height
            and nxt.bbox[0] - tok.bbox[2] <= HYPHEN_GAP * height)


def _sentence_tokens(tokens: Sequence[Token],
                     band: tuple[float, float] | None) -> list[Token]:
    out: list[Token] = []
    for tok in tokens:
        if not _in_band(tok, band) or tok.is_leader:
            continue
        head, _ = split_leader_tail(tok)
        if head is not None and not _is_scrap(head):
            out.append(head)
    return out


GARBAGE_CONFIDENCE = 0.35
_VOWELS = set("aeiouy")


def _is_scrap(tok: Token) -> bool:
    """What Tesseract makes of leftover dots and strokes: letters with no vowel ('nh', 'TT',
    'cv') - no Vietnamese syllable lacks one - or one character repeated ('2222', 'cccc')."""
    key = tok.key
    if not key:
        return True
    if key.isalpha() and not (_VOWELS & set(key)):
        # ... unless it is shaped like a printed word that lost its vowel ('Knh' for Kinh):
        # leftovers of a dotted line are lower case or capitals, not a capitalised word.
        text = tok.text.strip(".,;:")
        return not (len(text) >= 3 and text[0].isupper() and text[1:].islower()
                    and text.isalpha())
    repeated = (len(key) >= 4 and len(set(key)) == 1) or (len(key) >= 6 and len(set(key)) <= 2)
    return repeated and tok.confidence < GARBAGE_CONFIDENCE


def trim_garbage(tokens: list[Token]) -> list[Token]:
    """Drop scraps at the end of a value (low OCR confidence alone is no reason: Tesseract
    scores the last real word before a dotted line very low), but not a misread word of a
    value printed in capitals (`_misread_capital_word`) nor the letter that ends a unit's
    name (`_name_letter`)."""
    out = list(tokens)
    while out and _is_scrap(out[-1]) and not _misread_capital_word(out[-1], out[:-1]) \
            and not _name_letter(out[-1], out[:-1]):
        out.pop()
    return out


def _name_letter(tok: Token, before: list[Token]) -> bool:
    """One capital letter closing a name after a capitalised word, as tall as the capitals
    before it and a word's gap away: communes and wards told apart by a letter ('xã Trường
    Xuân B', 'Thạnh Lợi A'). A dotted writing line leaves dots and low marks, not a letter
    the height of the name's capitals."""
    if not before or len(tok.text) != 1 or not tok.text.isupper():
        return False
    prev = before[-1]
    if not prev.text[:1].isupper() or not prev.text.isalpha():
        return False
    capitals = sorted(t.bbox[3] - t.bbox[1] for t in before if t.text[:1].isupper())
    height = capitals[len(capitals) // 2]
    return (tok.bbox[3] - tok.bbox[1] >= CAPITAL_WORD_HEIGHT * height
            and tok.bbox[0] - prev.bbox[2] <= CAPITAL_WORD_GAP * height)


CAPITAL_WORD_HEIGHT = 0.65  # of the value's capitals (marks make them taller): a letter, not a dot
CAPITAL_WORD_GAP = 1.5  # in those heights: the next word, not something further on


def _misread_capital_word(tok: Token, before: list[Token]) -> bool:
    """A word of three or more capitals with no vowel right after a value in capitals, as
    tall as its words: the name's last syllable with its I read as T or L ('PHAN THỊ LTNH',
    'BÙI THỊ CHT'). The dotted line after a value is read as small marks or lower case
    scraps, not as letters the height of the capitals before it."""
    text = tok.text.strip(".,;:")
    if not before or len(text) < 3 or not (text.isalpha() and text.isupper()):
        return False
    if not all(t.text.strip(".,;:").isalpha() and t.text.isupper() for t in before):
        return False
    prev = before[-1]
    heights = sorted(t.bbox[3] - t.bbox[1] for t in before)
    height = heights[len(heights) // 2]
    return (tok.bbox[3] - tok.bbox[1] >= CAPITAL_WORD_HEIGHT * height
            and tok.bbox[0] - prev.bbox[2] <= CAPITAL_WORD_GAP * height)


def _read_unlabelled(lines: Sequence[Line], spec: FormSpec, hits: Sequence[Hit],
                     by_line: dict[int, list[Hit]], phrases: list[str], widths: dict,
                     out: dict[str, RawField]) -> None:
    """Values printed without a label, found by their shape (`FieldSpec.patterns`) on
    tokens that no label or value has taken; for a labelled field, a fallback when its label
    was not found (the colon after a short label lost)."""
    taken = {(h.line, i) for h in hits for i in range(h.start, h.end)}
    boxes = {(t.page, t.bbox[1]) for raw in out.values() for t in raw.tokens}
    for fspec in spec.fields:
        if not fspec.patterns or fspec.key is None or fspec.key in out:
            continue
        hit = find_pattern(lines, fspec.patterns, lambda li, ti: (li, ti) in taken or (
            lines[li].page, lines[li].tokens[ti].bbox[1]) in boxes)
        if hit is not None:
            band = _band(spec, fspec, lines[hit.line].page, widths)
            out[fspec.key] = _read_value(lines, hit, by_line, fspec, phrases, spec, band)
            boxes |= {(t.page, t.bbox[1]) for t in out[fspec.key].tokens}


def find_pattern(lines: Sequence[Line], patterns: Sequence[str],
                 skip: Callable[[int, int], bool] = lambda li, ti: False) -> Hit | None:
    """The first match of the first pattern that matches, as an empty hit just before the
    token where the value starts (patterns run on folded text: OCR drops diacritics)."""
    for pattern in patterns:
        rx = re.compile(pattern)
        for li, line in enumerate(lines):
            folded, starts = "", []
            for tok in line.tokens:
                starts.append(len(folded))
                folded += fold(tok.text) + " "
            for m in rx.finditer(folded):
                at = m.start("value") if "value" in rx.groupindex else m.start()
                ti = max(i for i, s0 in enumerate(starts) if s0 <= at)
                if not skip(li, ti):
                    return Hit(pattern, li, ti, ti, 100.0)
    return None


def choose_variant(lines: Sequence[Line], spec: FormSpec) -> tuple[FormSpec, int, int]:
    """The variant whose distinctive titles, labels and value shapes are found most often:
    (variant, its count, the runner-up's count). What every variant prints decides nothing;
    all variants' phrases are searched at once so each printed phrase counts for the variant
    whose wording it matches best ('b. Diện tích:' is not 'c) Diện tích:')."""
    def markers(v: FormSpec) -> set[str]:
        return ({phrase_key(t) for t in v.titles}
                | {phrase_key(lab) for f in v.fields for lab in f.labels}
                | {p for f in v.fields for p in f.patterns[:1]})

    own = {v.variant: markers(v) for v in spec.variants}
    common = set.intersection(*own.values()) if own else set()
    labels = [lab for v in spec.variants for f in v.fields for lab in f.labels
              if phrase_key(lab) not in common]
    titles = [t for v in spec.variants for t in v.titles if phrase_key(t) not in common]
    found = {phrase_key(h.phrase) for h in find_phrases(lines, labels)}
    found |= {phrase_key(h.phrase) for h in find_phrases(lines, titles, needs_colon=False)}
    found |= {p for v in spec.variants for f in v.fields for p in f.patterns[:1]
              if p not in common and find_pattern(lines, [p]) is not None}
    counts = {v.variant: len((own[v.variant] - common) & found) for v in spec.variants}
    ranked = sorted(spec.variants, key=lambda v: -counts[v.variant])
    runner_up = counts[ranked[1].variant] if len(ranked) > 1 else 0
    return ranked[0], counts[ranked[0].variant], runner_up
