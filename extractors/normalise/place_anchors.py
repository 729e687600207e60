"""A place chain completed from the units OCR read exactly: a ward and the district after it.

A ward name read exactly inside a district read exactly fixes the whole chain, because the
pair names one unit of the country (with rare exceptions, which are left alone). So where
OCR garbled the rest - the ward's type word ('Ehường Gia Hội', 'r1: z¡s¿ Thủy Xuân'), the
province after the district ('huyện Tam Đảo, tỉnh xi'), debris in the place of the province
('Thành Phố Bắc Kạn, "1'), a comma OCR put inside a name ('Thị trấn Bình, Liêu') or lost
before a lower-case type word ('huyện Ngân Sơn tỉnh Bắc Kạn') - the garbled part is
re-spelled from the data: the ward's own type word, the district's own province.

Nothing is guessed beyond that:
- the anchor must be exact (type word and name of the district; the ward's name);
- a type word printed in full is never replaced by another (a changed type is another unit);
- a part after the district that is exactly another province stops the repair (conflict);
- a province is only re-spelled where something was printed in its place, never appended.
Pre-2025 chains only: a 2025 chain has no district, and a ward name alone is rarely unique.
"""

from __future__ import annotations

import re
from functools import cache

from rapidfuzz import fuzz

from extractors.normalise.admin_units import (
    FOLDED_TYPE_WORDS,
    PRE_2025,
    PREFIXES,
    TYPE_SLIP,
    Unit,
    _exact_forms,
    _scope,
    spelling_key,
    trees,
)
from pipeline.textnorm import fold

_PROVINCE_TYPE_WORDS = ("tinh", "thanh pho")
MAX_GARBLE_WORDS = 3  # debris words where a ward's type word was printed
MAX_NAME_WORDS = 4
_LOST_LOWER_COMMA = re.compile(r"(?<=\w)\s+(?=(?:tỉnh|huyện|quận|thành phố|thị xã)\s+\S)")
_EDGE = " .,;:_-'\"`"


@cache
def _districts() -> dict[str, tuple[tuple[Unit, Unit], ...]]:
    """Exact spelling key of a district (with its type word) → (province, district) pairs."""
    tree = trees()[PRE_2025]
    out: dict[str, list[tuple[Unit, Unit]]] = {}
    for prov in tree.provinces:
        for dist in tree.children.get(prov.code, []):
            for form in _typed_forms(dist):
                out.setdefault(form, []).append((prov, dist))
    return {k: tuple(v) for k, v in out.items()}


def _typed_forms(unit: Unit) -> set[str]:
    """The exact forms that carry the type word, plus the title-case type ('Thành Phố')."""
    forms = {f for f in _exact_forms(unit) if " " in f and fold(f).startswith(fold(unit.type))}
    name = unit.full[len(unit.type) + 1:]
    forms.add(spelling_key(f"{unit.type.title()} {name}"))
    return forms


def _styled(type_word: str, lower: bool) -> str:
    return type_word[:1].lower() + type_word[1:] if lower else type_word


def _strip_prefix(text: str) -> tuple[str, str]:
    """(prefix, rest): an institution prefix read exactly, or with debris glued to its last
    word ('Ủy ban nhân dân:+:::`::; Phú Hữu')."""
    for p in PREFIXES:
        n = len(p.split())
        words = text.split()
        if len(words) <= n:
            continue
        head = words[:n]
        if [fold(w) for w in head[:-1]] == [fold(w) for w in p.split()[:-1]] and \
                fold(head[-1]).startswith(fold(p.split()[-1])):
            junk = head[-1][len(p.split()[-1]):]
            return p, " ".join([junk, *words[n:]]).strip()
    return "", text


def _ward_part(part: str, dist: Unit, lower: bool) -> str | None:
    """The ward part re-spelled, or None: exact as printed, or an exact ward name of `dist`
    after debris where its type word was printed."""
    exact = _scope(PRE_2025, f"d{dist.code}")[1]
    prefix, body = _strip_prefix(part.strip(_EDGE))
    if spelling_key(body) in exact:
        return part.strip(_EDGE) if not prefix else f"{prefix} {body}"
    words = body.split()
    found: list[str] = []
    for n in range(1, min(MAX_NAME_WORDS, len(words) - 1) + 1):
        head, name_words = words[:-n], [w.strip(_EDGE) for w in words[-n:]]
        if not all(w.isalpha() for w in name_words) or not name_words[0][:1].isupper():
            continue
        if len(head) > MAX_GARBLE_WORDS or fold(" ".join(head)) in FOLDED_TYPE_WORDS:
            continue
        if any(fold(" ".join(head[i:])) in FOLDED_TYPE_WORDS for i in range(len(head))):
            continue  # a real type word printed: the unit is another one
        ward = exact.get(spelling_key(" ".join(name_words)))
        if ward is None or ward.name == ward.full:  # numbered wards need their type word
            continue
        found.append(f"{_styled(ward.type, _head_case(head, ward, lower))} "
                     f"{' '.join(name_words)}")
    if len(found) != 1:
        return None
    return f"{prefix} {found[0]}" if prefix else found[0]


def _head_case(head: list[str], ward: Unit, lower: bool) -> bool:
    """Whether the re-spelled type word is lower-case: as the garbled one was printed when
    it is the type word with a slip ('nhường Đồng Sơn' → 'phường'), else as the district."""
    printed = " ".join(head)
    if printed[:1].isalpha() and fuzz.ratio(fold(printed), fold(ward.type)) >= TYPE_SLIP:
        return printed[:1].islower()
    return lower


def _printed_type(part: str) -> bool | None:
    """Whether the ward part's type word is printed lower-case (None: no type word read)."""
    _, body = _strip_prefix(part.strip(_EDGE))
    words = body.split()
    for n in (2, 1):
        if len(words) > n and fold(" ".join(words[:n])) in FOLDED_TYPE_WORDS:
            return words[0][:1].islower()
    return None


def _province_part(tail: list[str], provinces: set[Unit], lower: bool) -> str | None:
    """The province re-spelled where `tail` (the parts after the district) holds debris or
    a misread province; None when it is exactly another province or nothing fits."""
    text = ", ".join(tail).strip(_EDGE)
    if not text:
        return None
    key = spelling_key(tail[0].strip(_EDGE))
    for prov in trees()[PRE_2025].provinces:
        if key in _exact_forms(prov):
            return tail[0].strip(_EDGE) if prov in provinces else None
    if len(provinces) != 1:
        return None
    prov = next(iter(provinces))
    printed = fold(text).split()
    for type_word in _PROVINCE_TYPE_WORDS:
        n = len(type_word.split())
        if fuzz.ratio(" ".join(printed[:n]), type_word) >= TYPE_SLIP:
            lower = text[:1].islower()
            break
    return f"{_styled(prov.type, lower)} {prov.name}"


def _variants(text: str) -> list[list[str]]:
    """The comma parts as read, with a lost comma before a lower-case type word put back,
    and with each single comma taken out (OCR reads a comma inside a name)."""
    parts = [p.strip() for p in text.split(",")]
    out = [parts]
    mended = _LOST_LOWER_COMMA.sub(", ", text)
    if mended != text:
        out.append([p.strip() for p in mended.split(",")])
    for i in range(len(parts) - 1):
        out.append([*parts[:i], f"{parts[i]} {parts[i + 1]}", *parts[i + 2:]])
    return out


def anchored_chain(text: str) -> str | None:
    """`text` with its ward chain completed from an exact ward + district anchor, or None."""
    for parts in _variants(text):
        fixed = _anchored(parts)
        if fixed is not None and fixed != text:
            return fixed
    return None


def _anchored(parts: list[str]) -> str | None:
    for k in range(len(parts) - 1, 0, -1):
        dist_text = parts[k].strip(_EDGE)
        pairs = _districts().get(spelling_key(dist_text), ())
        if not pairs:
            continue
        lower = dist_text[:1].islower()
        hits = [(prov, ward) for prov, dist in pairs
                if (ward := _ward_part(parts[k - 1], dist, lower)) is not None]
        printed_ward_type = _printed_type(parts[k - 1])
        if printed_ward_type is not None:  # the province follows the ward's printed case
            lower = printed_ward_type
        if not hits:
            return None
        wards = {w for _, w in hits}
        if len(wards) != 1:
            return None
        tail = [p for p in parts[k + 1:] if p.strip(_EDGE)]
        if tail:
            province = _province_part(tail, {p for p, _ in hits}, lower)
            if province is None:
                return None
            chain = [next(iter(wards)), dist_text, province]
        else:
            chain = [next(iter(wards)), dist_text]
        return ", ".join([*parts[:k - 1], *chain])
    return None
