"""Vietnamese name pools for the synthetic registry: surname shares, gendered middle names and
real given names, plus the spelling variants that make record linkage hard.

Given names come from a vendored MIT name list (see names_data/NOTICE); surname shares are the
ones in shared/spec/domain.md. Pools are built once and sampled by index (numpy), so a million
citizens cost a few int16 arrays, not a million strings."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

# (surname, share %) — domain.md; Hoàng/Huỳnh and Vũ/Võ split north/south roughly evenly.
SURNAME_SHARES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 2.9),
    ("Huỳnh", 2.2), ("Phan", 4.5), ("Vũ", 2.0), ("Võ", 1.9), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5),
    # the remaining ~7%: common smaller surnames
    ("Đinh", 0.7), ("Đoàn", 0.7), ("Trương", 0.7), ("Lâm", 0.5), ("Mai", 0.5), ("Trịnh", 0.5),
    ("Đào", 0.5), ("Cao", 0.4), ("Lương", 0.4), ("Hà", 0.4), ("Tạ", 0.2), ("Quách", 0.2),
    ("Châu", 0.2), ("Tô", 0.2), ("Lưu", 0.2), ("Kiều", 0.1), ("Thái", 0.1), ("Phùng", 0.2),
    ("Vương", 0.1), ("La", 0.1), ("Triệu", 0.1), ("Tăng", 0.1), ("Từ", 0.1), ("Khúc", 0.05),
    # compound surnames: rare on purpose
    ("Tôn Thất", 0.03), ("Âu Dương", 0.02), ("Nguyễn Phúc", 0.02),
)

# Middle names outside the vendored list's first words, with weights; Văn/Thị dominate older
# generations and fade for younger ones (see middle_weights).
MALE_MIDDLE_EXTRA = ("Văn", "Đức", "Hữu", "Quang", "Minh", "Công", "Đình", "Xuân", "Thanh", "Trọng",
                     "Ngọc", "Tiến", "Mạnh", "Quốc", "Duy", "Gia", "Anh", "Thế", "Bá", "Tuấn")
FEMALE_MIDDLE_EXTRA = ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng", "Kim", "Phương", "Bích",
                       "Thúy", "Mai", "Lan", "Hải", "Khánh", "Bảo", "Diệu", "Mỹ", "Quỳnh", "Thùy")

# Tone mark on the first vowel of an open oa/oe/uy syllable (new style "Hòa") vs the second
# (old style "Hoà"): both spellings are the same name and appear on real documents.
_NEW_TO_OLD = re.compile(r"(?i)(?<![qQ])([òóỏõọ])([ae])$|(?<![qQ])([ùúủũụ])(y)$")


@dataclass(frozen=True, slots=True)
class NamePools:
    """Index-addressable pools: registry rows store int16 indices into these tuples."""

    surnames: tuple[str, ...]
    surname_p: np.ndarray
    male_given: tuple[str, ...]
    male_given_p: np.ndarray
    female_given: tuple[str, ...]
    female_given_p: np.ndarray
    male_middle: tuple[str, ...]
    female_middle: tuple[str, ...]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _read_list(filename: str) -> list[str]:
    text = resources.files("samples.names_data").joinpath(filename).read_text(encoding="utf-8")
    return [_nfc(line) for line in text.splitlines() if line.strip()]


def _given_pool(entries: list[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """Given names are the last word of each entry; how often a word ends an entry in the
    dictionary stands in for its popularity (squared to sharpen the head of the curve)."""
    counts = Counter(new_tone_style(e.split()[-1]) for e in entries)
    names = tuple(sorted(counts))
    weights = np.array([counts[n] ** 2 for n in names], dtype=np.float64)
    return names, weights / weights.sum()


def _middle_pool(entries: list[str], extra: tuple[str, ...]) -> tuple[str, ...]:
    firsts = [new_tone_style(e.split()[0]) for e in entries if len(e.split()) == 2]
    common = [w for w, c in Counter(firsts).most_common() if c >= 5]
    return tuple(dict.fromkeys([*extra, *common]))


@lru_cache(maxsize=1)
def name_pools() -> NamePools:
    male, female = _read_list("male.txt"), _read_list("female.txt")
    surnames = tuple(s for s, _ in SURNAME_SHARES)
    shares = np.array([p for _, p in SURNAME_SHARES], dtype=np.float64)
    mg, mgp = _given_pool(male)
    fg, fgp = _given_pool(female)
    return NamePools(surnames, shares / shares.sum(), mg, mgp, fg, fgp,
                     _middle_pool(male, MALE_MIDDLE_EXTRA), _middle_pool(female, FEMALE_MIDDLE_EXTRA))


def middle_weights(pool: tuple[str, ...], typical: str, birth_year: int) -> np.ndarray:
    """Văn/Thị share falls from ~70% (born 1930) to ~15% (born 2020); the rest spread over
    the pool with a gentle preference for its head."""
    share = float(np.clip(0.7 - (birth_year - 1930) * 0.0061, 0.12, 0.75))
    w = 1.0 / (np.arange(len(pool), dtype=np.float64) + 3.0)
    w[pool.index(typical)] = 0.0
    w *= (1.0 - share) / w.sum()
    w[pool.index(typical)] = share
    return w


def old_tone_style(word: str) -> str:
    """'Hòa' -> 'Hoà', 'Thủy' -> 'Thuỷ' (tone on the second vowel of open oa/oe/uy)."""

    def move(m: re.Match[str]) -> str:
        first, second = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        base = unicodedata.normalize("NFD", first)[0]
        mark = unicodedata.normalize("NFD", first)[1:]
        return base + unicodedata.normalize("NFC", second + mark)

    return _NEW_TO_OLD.sub(move, word)


def new_tone_style(word: str) -> str:
    """'Hoà' -> 'Hòa', 'Thuỷ' -> 'Thủy': the inverse of old_tone_style."""
    m = re.search(r"(?i)(?<![qQ])([oOuU])([àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ])$", word)
    if not m:
        return word
    second = unicodedata.normalize("NFD", m.group(2))
    if (m.group(1).lower() == "o") != (second[0].lower() in "ae"):
        return word
    return word[: m.start()] + unicodedata.normalize("NFC", m.group(1) + second[1:]) + second[0]


def swap_tone_style(name: str) -> str:
    """Flip every word to the other tone-placement convention (for document-side variants)."""
    words = name.split(" ")
    out = []
    for w in words:
        old = old_tone_style(w)
        out.append(old if old != w else new_tone_style(w))
    return " ".join(out)


def title_case(name: str) -> str:
    """Record-format name: NFC, single spaces, every word capitalised."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in _nfc(name).split(" ") if w)


def upper_name(name: str) -> str:
    """As the forms print names: upper case with diacritics."""
    return _nfc(name).upper()
