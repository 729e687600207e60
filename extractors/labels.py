"""Finding printed labels (and titles) on OCR lines, fuzzily.

Tesseract reads labels imperfectly: tone marks dropped or swapped, ư/u, ơ/o, đ/d, words merged
("chữđệm,") or split ("ch ữ"). So a label is compared with every short window of tokens on a
line on folded text, letters and digits only, spaces removed, with rapidfuzz. Short labels
("Số:") are only trusted exactly and with their colon, or they would fire on running text
("CCCD số 0011…"). Overlapping hits are resolved by score, then by label length, so
"Quyển số:" wins over the "số:" inside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from extractors.layout import Line, token_key

_COLONS = (":", ";", "：")
WEAK_THRESHOLD = 65.0


@dataclass(frozen=True, slots=True)
class Hit:
    """A phrase found on a line: tokens [start, end) of line `line`."""

    phrase: str  # the canonical phrase (as declared)
    line: int
    start: int
    end: int
    score: float  # 0..100


@lru_cache(maxsize=4096)
def phrase_key(phrase: str) -> str:
    """The phrase's comparison key (cached: the same few hundred labels are keyed for every
    line of every document)."""
    return token_key(phrase)


def _threshold(key_len: int, tolerance: float) -> float:
    if key_len <= 3:
        return 100.0
    if key_len <= 8:
        return max(80.0, 86.0 - tolerance)
    return max(70.0, 80.0 - tolerance)


def find_phrases(lines: Sequence[Line], phrases: Iterable[str], *, needs_colon: bool = True,
                 tolerance: float = 0.0, line_indices: Iterable[int] | None = None,
                 weak: bool = False) -> list[Hit]:
    """Every non-overlapping occurrence of the phrases, in reading order.

    `weak`: a badly read label ('Giớiún:' for 'Giới tính:') - any window ending in a colon
    that scores WEAK_THRESHOLD; only trustworthy where the form's order expects that label.
    """
    specs = []
    for p in dict.fromkeys(phrases):
        key = phrase_key(p)
        if key:
            threshold = _threshold(len(key), tolerance)
            if weak and len(key) > 3:
                threshold = WEAK_THRESHOLD
            specs.append((p, key, len(p.split()), threshold))
    hits: list[Hit] = []
    indices = range(len(lines)) if line_indices is None else line_indices
    for li in indices:
        hits.extend(_line_hits(lines[li], li, specs, needs_colon, weak))
    return sorted(hits, key=lambda h: (h.line, h.start))


@lru_cache(maxsize=2048)
def _windows(keys: tuple[str, ...],
             max_n: int) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """Every run of 1..max_n token keys starting at a non-empty token, joined (cached: a
    document's lines are searched for one label set after another)."""
    windows: list[str] = []
    spans: list[tuple[int, int]] = []
    for start in range(len(keys)):
        if not keys[start]:
            continue
        for end in range(start + 1, min(len(keys), start + max_n) + 1):
            windows.append("".join(keys[start:end]))
            spans.append((start, end))
    return tuple(windows), tuple(spans)


def _line_hits(line: Line, li: int, specs: list[tuple[str, str, int, float]],
               needs_colon: bool, weak: bool = False) -> list[Hit]:
    """Each phrase's best window per start token. All phrase × window scores come from one
    vectorised rapidfuzz call; only pairs that can reach their threshold are looked at."""
    toks = line.tokens
    keys = [t.key for t in toks]
    if not specs or not any(keys):
        return []
    windows, spans = _windows(tuple(keys), max(n for _, _, n, _ in specs) + 2)
    if not windows:
        return []
    colon_bonus = 2.0 if needs_colon else 0.0
    cutoff = max(0.0, min(t for _, _, _, t in specs) - colon_bonus)
    scores = process.cdist([key for _, key, _, _ in specs], windows, scorer=fuzz.ratio,
                           score_cutoff=cutoff, dtype=np.float64, workers=1)
    best: dict[tuple[int, int], Hit] = {}
    for si, wi in sorted(zip(*np.nonzero(scores), strict=True),
                         key=lambda p: (spans[p[1]][0], p[0], spans[p[1]][1])):
        phrase, key, n_words, threshold = specs[si]
        start, end = spans[wi]
        if not (max(1, n_words - 2) <= end - start <= n_words + 2):
            continue
        if key[0] != keys[start][0] and len(key) <= 8 and not weak:
            continue  # short labels must at least start right
        if abs(len(windows[wi]) - len(key)) > max(2, len(key) // 3):
            continue
        score = float(scores[si, wi])
        has_colon = toks[end - 1].text.endswith(_COLONS)
        if weak and not has_colon:
            continue
        if needs_colon:
            if len(key) <= 3 and not has_colon and not _opens_numbered_line(toks, start, end):
                continue
            if has_colon:
                score += 2.0
            elif any(t.text.endswith(_COLONS) for t in toks[end:end + 2]):
                score -= 10.0  # the printed label goes on: a longer label fits better
            else:
                score -= 3.0
        current = best.get((start, si))
        if score >= threshold and (current is None or score > current.score):
            best[(start, si)] = Hit(phrase, li, start, end, min(score, 100.0))
    return _non_overlapping([best[k] for k in sorted(best)])


def _opens_numbered_line(toks: Sequence, start: int, end: int) -> bool:
    """'Số 198' at the start of a line: the colon was lost but a number follows."""
    return start == 0 and end < len(toks) and toks[end].text[:1].isdigit()


def _non_overlapping(cands: list[Hit]) -> list[Hit]:
    chosen: list[Hit] = []
    taken: set[int] = set()
    for h in sorted(cands, key=lambda h: (-round(h.score), -len(phrase_key(h.phrase)),
                                          -(h.end - h.start))):
        span = set(range(h.start, h.end))
        if span & taken:
            continue
        chosen.append(h)
        taken |= span
    return chosen
