"""The vectorised label matcher finds exactly what the plain one-pair-at-a-time matcher
(kept here as the reference) finds, on OCR-like lines with damaged labels."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from extractors.birth_certificate import FORM
from extractors.labels import _COLONS, _line_hits, _non_overlapping, _opens_numbered_line, \
    _threshold, Hit, phrase_key
from extractors.layout import Line, Token, token_key


def reference_line_hits(line, li, specs, needs_colon, weak=False):
    toks = line.tokens
    keys = [t.key for t in toks]
    candidates = []
    for start in range(len(toks)):
        if not keys[start]:
            continue
        for phrase, key, n_words, threshold in specs:
            if key[0] != keys[start][0] and len(key) <= 8 and not weak:
                continue
            best = None
            for n in range(max(1, n_words - 2), n_words + 3):
                end = start + n
                if end > len(toks):
                    break
                window = "".join(keys[start:end])
                if not window or abs(len(window) - len(key)) > max(2, len(key) // 3):
                    continue
                score = fuzz.ratio(key, window)
                has_colon = toks[end - 1].text.endswith(_COLONS)
                if weak and not has_colon:
                    continue
                if needs_colon:
                    if len(key) <= 3 and not has_colon and not _opens_numbered_line(
                            toks, start, end):
                        continue
                    if has_colon:
                        score += 2.0
                    elif any(t.text.endswith(_COLONS) for t in toks[end:end + 2]):
                        score -= 10.0
                    else:
                        score -= 3.0
                if score >= threshold and (best is None or score > best.score):
                    best = Hit(phrase, li, start, end, min(score, 100.0))
            if best is not None:
                candidates.append(best)
    return _non_overlapping(candidates)


LABEL_WORDS = sorted({w for f in FORM.fields for label in f.labels for w in label.split()})
DAMAGE = {"ữ": "u", "ệ": "e", "ê": "e", "đ": "d", "á": "a", "ơ": "o", "ư": "u", ":": ""}
VALUE_WORDS = ["NGUYỄN", "VĂN", "LỢI", "02/07/1990", "Kinh", "Việt", "Nam", "......", "Hà",
               "Nội", "1965", "số", "0011"]


def damaged(word: str, mask: int) -> str:
    out = word
    for i, (a, b) in enumerate(DAMAGE.items()):
        if mask >> i & 1:
            out = out.replace(a, b)
    return out


LABELS = sorted({label for f in FORM.fields for label in f.labels})
label_segment = st.builds(lambda label, mask: [damaged(w, mask) for w in label.split()],
                          st.sampled_from(LABELS), st.integers(0, 255))
word_segment = st.one_of(st.builds(damaged, st.sampled_from(LABEL_WORDS), st.integers(0, 255)),
                         st.sampled_from(VALUE_WORDS)).map(lambda w: [w])
line_words = st.lists(st.one_of(label_segment, word_segment), min_size=1, max_size=7).map(
    lambda segments: [w for seg in segments for w in seg][:16])


def as_line(words: list[str]) -> Line:
    return Line(page=1, tokens=[Token(text=w, key=token_key(w), bbox=(10 * i, 0, 10 * i + 9, 9),
                                      confidence=0.9, page=1) for i, w in enumerate(words)])


def specs(weak: bool, tolerance: float) -> list[tuple[str, str, int, float]]:
    out = []
    for phrase in dict.fromkeys(label for f in FORM.fields for label in f.labels):
        key = phrase_key(phrase)
        threshold = _threshold(len(key), tolerance)
        if weak and len(key) > 3:
            threshold = 65.0
        out.append((phrase, key, len(phrase.split()), threshold))
    return out


@settings(max_examples=200, deadline=None)
@given(line_words, st.booleans(), st.booleans(), st.sampled_from([0.0, 6.0]))
def test_vectorised_matcher_equals_reference(words, needs_colon, weak, tolerance):
    line = as_line(words)
    sp = specs(weak, tolerance)
    assert _line_hits(line, 0, sp, needs_colon, weak) == \
        reference_line_hits(line, 0, sp, needs_colon, weak)


def test_generated_lines_do_contain_labels():
    """Guard for the property above: most generated lines must produce hits."""
    from hypothesis import find

    lines = []
    find(line_words, lambda ws: lines.append(ws) or len(lines) >= 100,
         settings=settings(max_examples=500, database=None))
    with_hits = sum(bool(_line_hits(as_line(ws), 0, specs(False, 0.0), True)) for ws in lines)
    assert with_hits >= 50
