"""Property tests for the generator's Vietnamese number/date/area spelling.

The parser here is a deliberately slow, independent reference (not the pipeline's): every
spelling the generator can produce must be well-formed and read back to the same value."""

from __future__ import annotations

import random
import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from samples.vietnamese_words import (
    WordStyle,
    area_words,
    date_words,
    number_words,
    random_style,
)

DIGIT = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5,
         "lăm": 5, "nhăm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}
SCALE = {"nghìn": 1000, "ngàn": 1000, "triệu": 10**6, "tỷ": 10**9}
VOCAB = set(DIGIT) | set(SCALE) | {"mười", "mươi", "trăm", "linh", "lẻ"}

styles = st.builds(
    WordStyle,
    thousand=st.sampled_from(["nghìn", "ngàn"]), zero_tens=st.sampled_from(["linh", "lẻ"]),
    five=st.sampled_from(["lăm", "nhăm"]), four=st.sampled_from(["bốn", "tư"]),
    with_hundred_zero=st.booleans(), day_prefix=st.sampled_from(["", "mồng", "mùng"]),
    month_four=st.sampled_from(["tư", "bốn"]),
)


def _small(words: list[str]) -> int:
    """Value of a group below one thousand."""
    value, i = 0, 0
    if len(words) >= 2 and words[1] == "trăm":
        value, i = DIGIT[words[0]] * 100, 2
    rest = words[i:]
    if not rest:
        return value
    if rest[0] in ("linh", "lẻ"):
        assert len(rest) == 2 and rest[1] in DIGIT and rest[1] not in ("lăm", "nhăm", "mốt")
        return value + DIGIT[rest[1]]
    if rest[0] == "mười":
        assert len(rest) <= 2
        tail = rest[1] if len(rest) == 2 else None
        assert tail not in ("mốt", "tư", "không", "năm"), f"bad unit after mười: {rest}"
        return value + 10 + (DIGIT[tail] if tail else 0)
    if len(rest) >= 2 and rest[1] == "mươi":
        assert rest[0] not in ("không", "một", "mốt", "lăm", "nhăm", "tư")
        tail = rest[2] if len(rest) == 3 else None
        assert len(rest) <= 3
        assert tail not in ("một", "năm", "không"), f"'{tail}' after mươi must be mốt/lăm"
        return value + DIGIT[rest[0]] * 10 + (DIGIT[tail] if tail else 0)
    assert len(rest) == 1 and rest[0] in ("không", "một", "hai", "ba", "bốn", "năm", "sáu",
                                          "bảy", "tám", "chín"), rest
    return value + DIGIT[rest[0]]


def parse_number(text: str) -> int:
    words = text.split()
    assert words and set(words) <= VOCAB, f"unexpected words in {text!r}"
    total, group = 0, []
    for w in words:
        if w in SCALE:
            total += max(_small(group), 0) * SCALE[w]
            group = []
        else:
            group.append(w)
    return total + (_small(group) if group else 0)


def parse_date(text: str) -> date:
    m = re.fullmatch(r"Ngày (?:(?:mồng|mùng) )?(.+), tháng (.+), năm (.+)", text)
    assert m, text
    month_text = m.group(2)
    month = 4 if month_text in ("tư", "bốn") else parse_number(month_text)
    return date(parse_number(m.group(3)), month, parse_number(m.group(1)))


@given(st.integers(0, 10**9 - 1), styles)
def test_number_words_read_back(n: int, style: WordStyle) -> None:
    assert parse_number(number_words(n, style)) == n


@given(st.dates(date(1900, 1, 1), date(2099, 12, 31)), styles)
def test_date_words_read_back(d: date, style: WordStyle) -> None:
    text = date_words(d, style)
    assert parse_date(text) == d
    if style.day_prefix and d.day <= 10:
        assert text.startswith(f"Ngày {style.day_prefix} ")


@given(st.integers(1, 2_000_000), styles)
def test_area_words_read_back(tenths_or_hundredths: int, style: WordStyle) -> None:
    area = tenths_or_hundredths / 100
    text = area_words(area, style)
    assert text[0].isupper() and text.endswith(" mét vuông")
    body = text[0].lower() + text[1:-len(" mét vuông")]
    whole, _, frac = body.partition(" phẩy ")
    value = parse_number(whole)
    if frac:
        parts = frac.split(" ")
        zeros = 0
        while parts[0] == "không" and len(parts) > 1:
            zeros, parts = zeros + 1, parts[1:]
        digits = "0" * zeros + str(parse_number(" ".join(parts)))
        value += int(digits) / 10 ** len(digits)
    assert abs(value - area) < 1e-9


def test_documented_examples() -> None:
    assert date_words(date(1990, 7, 2)) == "Ngày hai, tháng bảy, năm một nghìn chín trăm chín mươi"
    assert number_words(105) == "một trăm linh năm"
    assert number_words(2005) == "hai nghìn không trăm linh năm"
    assert number_words(2005, WordStyle(with_hundred_zero=False)) == "hai nghìn linh năm"
    assert number_words(2005, WordStyle(thousand="ngàn", zero_tens="lẻ")) == "hai ngàn không trăm lẻ năm"
    assert number_words(21) == "hai mươi mốt" and number_words(15) == "mười lăm"
    assert number_words(24, WordStyle(four="tư")) == "hai mươi tư"
    assert number_words(11) == "mười một"
    assert area_words(108.0) == "Một trăm linh tám mét vuông"


@settings(max_examples=50)
@given(st.integers(0, 2**32))
def test_random_style_reaches_every_variant_eventually(seed: int) -> None:
    style = random_style(random.Random(seed))
    assert style.thousand in ("nghìn", "ngàn") and style.zero_tens in ("linh", "lẻ")


def test_random_style_variety() -> None:
    rng = random.Random(0)
    seen = {random_style(rng) for _ in range(400)}
    assert {s.thousand for s in seen} == {"nghìn", "ngàn"}
    assert {s.zero_tens for s in seen} == {"linh", "lẻ"}
    assert {s.day_prefix for s in seen} == {"", "mồng", "mùng"}
    assert {s.five for s in seen} == {"lăm", "nhăm"}
    assert {s.with_hundred_zero for s in seen} == {True, False}
