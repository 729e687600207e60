"""Numbers, dates and areas spelt in Vietnamese words, as birth/death/land forms print them.

Regional and clerk-to-clerk variants (nghìn/ngàn, linh/lẻ, lăm/nhăm, tư, mồng/mùng, with or
without "không trăm") are chosen by a `WordStyle`, so the corpus exercises every spelling the
parser must accept. This module is the generator's own speller: the pipeline's parser is
written independently and tested against it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
MONTH_FOUR_VARIANTS = ("tư", "bốn")


@dataclass(frozen=True, slots=True)
class WordStyle:
    thousand: str = "nghìn"  # or "ngàn" (south)
    zero_tens: str = "linh"  # or "lẻ" (south)
    five: str = "lăm"  # after mươi/mười: "lăm" or "nhăm"
    four: str = "bốn"  # after mươi: "bốn" or "tư" (south)
    one: str = "mốt"  # after mươi: always "mốt" in practice
    with_hundred_zero: bool = True  # "hai nghìn không trăm linh năm" vs "hai nghìn linh năm"
    day_prefix: str = ""  # "", "mồng" or "mùng" for days 1–10
    month_four: str = "tư"  # "tháng tư" (usual) or "tháng bốn"


NORTH = WordStyle()
SOUTH = WordStyle(thousand="ngàn", zero_tens="lẻ", four="tư", day_prefix="mùng")


def random_style(rng: random.Random) -> WordStyle:
    """A clerk's habits: mostly northern or southern, with independent quirks."""
    south = rng.random() < 0.4
    return WordStyle(
        thousand="ngàn" if south and rng.random() < 0.8 else "nghìn",
        zero_tens="lẻ" if south and rng.random() < 0.8 else "linh",
        five="nhăm" if rng.random() < 0.1 else "lăm",
        four="tư" if (south and rng.random() < 0.7) or rng.random() < 0.1 else "bốn",
        with_hundred_zero=rng.random() < 0.8,
        day_prefix=rng.choice(["", "", "mồng", "mùng"]) if rng.random() < 0.5 else "",
        month_four=rng.choice(MONTH_FOUR_VARIANTS) if rng.random() < 0.3 else "tư",
    )


def _below_hundred(n: int, style: WordStyle) -> str:
    if n < 10:
        return DIGITS[n]
    tens, units = divmod(n, 10)
    head = "mười" if tens == 1 else f"{DIGITS[tens]} mươi"
    if units == 0:
        return head
    if units == 5:
        tail = style.five
    elif units == 1 and tens > 1:
        tail = style.one
    elif units == 4 and tens > 1:
        tail = style.four
    else:
        tail = DIGITS[units]
    return f"{head} {tail}"


def _below_thousand(n: int, style: WordStyle, full: bool) -> str:
    """`full`: this group follows a higher group, so a zero hundred is spoken ("không trăm")."""
    hundreds, rest = divmod(n, 100)
    parts: list[str] = []
    if hundreds or (full and rest and style.with_hundred_zero):
        parts.append(f"{DIGITS[hundreds]} trăm")
    if rest:
        if rest < 10 and (parts or full):
            parts.append(f"{style.zero_tens} {DIGITS[rest]}")
        else:
            parts.append(_below_hundred(rest, style))
    return " ".join(parts)


def number_words(n: int, style: WordStyle = NORTH) -> str:
    """0 ≤ n < 10^12 in words: 1990 → 'một nghìn chín trăm chín mươi'."""
    if n < 0 or n >= 10**12:
        raise ValueError(f"number_words: {n} out of range 0..10^12-1")
    if n == 0:
        return DIGITS[0]
    scales = ("", style.thousand, "triệu", "tỷ")
    groups: list[int] = []
    while n:
        n, g = divmod(n, 1000)
        groups.append(g)
    parts: list[str] = []
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            continue
        higher = i < len(groups) - 1
        parts.append(_below_thousand(g, style, full=higher))
        if scales[i]:
            parts.append(scales[i])
    return " ".join(parts)


def date_words(d: date, style: WordStyle = NORTH) -> str:
    """'Ngày hai, tháng bảy, năm một nghìn chín trăm chín mươi' (domain.md)."""
    day = _below_hundred(d.day, style) if d.day >= 10 else DIGITS[d.day]
    if style.day_prefix and d.day <= 10:
        day = f"{style.day_prefix} {day}"
    month = style.month_four if d.month == 4 else _below_hundred(d.month, NORTH)
    return f"Ngày {day}, tháng {month}, năm {number_words(d.year, style)}"


def area_words(area: float, style: WordStyle = NORTH) -> str:
    """'Một trăm linh tám mét vuông'; decimals as 'phẩy' + the decimal digits as a number
    ('95,5' → 'chín mươi lăm phẩy năm'), the way land offices write them."""
    whole, _, frac = f"{area:.2f}".partition(".")
    frac = frac.rstrip("0")
    text = number_words(int(whole), style)
    if frac:
        lead_zeros = len(frac) - len(frac.lstrip("0"))
        text += " phẩy " + " ".join([DIGITS[0]] * lead_zeros + [number_words(int(frac), style)])
    text += " mét vuông"
    return text[0].upper() + text[1:]


def time_words(hour: int, minute: int) -> str:
    """'mười bốn giờ ba mươi phút' for the death extract's time of death in words."""
    if minute == 0:
        return f"{number_words(hour)} giờ"
    return f"{number_words(hour)} giờ {number_words(minute)} phút"
