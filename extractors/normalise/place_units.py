"""Places re-spelled against the administrative-unit chain (admin_units.py), where OCR
garbled a unit name and the chain leaves no doubt which unit it is.

The chain is read from the province up; a part that only fuzzy-matched is re-spelled as the
unit when (1) at least one other part of the same chain matched exactly (the parent that
makes the guess a clear winner among few candidates), (2) the printed type word is that
unit's type word, read with an OCR slip at most ('Tỉnh', 'Thành phế'; never 'Quận' for
'Phường': a changed type is a different unit, not a misreading), and (3) no garbled
institution prefix sits in front of it. The raw text is kept by the caller; the value is
marked repaired, and a person still sees it when the confidence model asks.

Two layout slips are mended first: words OCR ran together ('TỉnhKiênGiang', 'phốHàNội')
and the comma lost before a capitalised unit type ('Xã Hợp Lý Huyện Lý Nhân'); then the
numbered parts before the chain ('TỔ 13', 'Sế 91', 'tổ I8') get their printed case and
digits back.
"""

from __future__ import annotations

import re
from itertools import pairwise

from rapidfuzz import fuzz

from extractors.normalise.admin_units import (
    FOLDED_TYPE_WORDS,
    NUMBERED_PART,
    TYPE_SLIP,
    PartMatch,
    UnitMatch,
    province_units,
    resolve_place,
)
from extractors.normalise.digits import repair_digit_runs
from extractors.normalise.place_anchors import anchored_chain
from pipeline.textnorm import fold

_LOST_COMMA = re.compile(r"(?<=\w)(?<!Thị)(?<!THỊ)\s+(?=(?:Huyện|Quận|Tỉnh|Thành phố|Thị xã|"
                         r"Phường|Xã|Thị trấn)\s+\S)")
NUMBERED_WORDS = ("Số", "Tổ", "Thôn", "Ấp", "Xóm", "Khu", "Bản", "Buôn", "Làng", "Đội",
                  "Khóm")
# OCR slips of 'Số' seen on scans (the tone of the upper-case Ố misread).
_SO_SLIPS = {"Sế", "Sổ", "Sỗ", "Sồ", "Sô", "Só", "Sò", "SỐ", "SẾ", "SỔ"}
_REST = re.compile(r"^(?P<word>\w+)\s+(?P<num>[0-9A-Za-z|!]{1,4})$")


def mend_layout(text: str) -> str:
    """Glued words split at a lower→upper case change; a lost comma put back."""
    parts = [word if "'" in word else _split_case(word) for word in text.split(" ")]
    return _LOST_COMMA.sub(", ", " ".join(parts))


def _split_case(word: str) -> str:
    """'TỉnhKiênGiang' → 'Tỉnh Kiên Giang' (a word turning to upper case mid-way is two)."""
    out = word[:1]
    for prev, ch in pairwise(word):
        out += (" " + ch) if prev.islower() and ch.isupper() else ch
    return out


def _numbered_word(word: str, first: bool) -> str | None:
    folded = fold(word)
    for w in NUMBERED_WORDS:
        if folded == fold(w) or (w == "Số" and word in _SO_SLIPS):
            return w if first or word[:1].isupper() else w.lower()
    return None


def mend_rest_part(part: str, first: bool) -> str:
    """'TỔ 13' → 'Tổ 13', 'Sế 91' → 'Số 91', 'tổ I8' → 'tổ 18', 'Âp 11' → 'Ấp 11'."""
    m = _REST.match(part.strip())
    if m is None:
        return part
    word = _numbered_word(m.group("word"), first)
    num, _ = repair_digit_runs(m.group("num"))
    if word is None or not re.fullmatch(r"[0-9]{1,4}[A-Z]?", num):
        return part
    fixed = f"{word} {num}"
    return fixed if NUMBERED_PART.match(fixed) else part


def _type_word_fits(part: PartMatch) -> bool:
    """The printed type word is the unit's, read with a slip at most - or so garbled it is
    no type word at all while the name is the unit's exactly ('Ezường Gia Hội')."""
    unit_type = fold(part.unit.type)
    printed = fold(part.text)[:len(unit_type)]
    if fuzz.ratio(printed, unit_type) >= TYPE_SLIP:
        return True
    name = part.unit.name
    head = part.text[:-len(name)].strip() if part.text.endswith(" " + name) else None
    return bool(head) and len(head.split()) <= 2 and fold(head) not in FOLDED_TYPE_WORDS


def snap_units(text: str) -> tuple[str, bool]:
    """(text, changed): fuzzy unit parts re-spelled when the chain is clear (see module)."""
    mended = mend_layout(text)
    m = resolve_place(mended)
    if m is None or m.level != "ward":
        for fallback in (_without_trailing_junk, _completed_province, _garbled_ward_type):
            fixed_text, found = fallback(mended)
            if found is not None:
                mended, m = fixed_text, found
                break
    if m is None or m.level != "ward" or not m.exact:
        anchored = anchored_chain(mended)
        if anchored is not None:
            found = resolve_place(anchored)
            if found is None or (found.level == "ward" and found.exact):
                mended, m = anchored, found
    if m is None:
        return mended, mended != text
    rest = [mend_rest_part(p, i == 0) for i, p in enumerate(m.rest)]
    parts = []
    fuzzy = [p for p in m.parts if not p.exact]
    snap = (bool(fuzzy) and len(fuzzy) < len(m.parts)
            and all(p.prefix_exact for p in m.parts) and all(_type_word_fits(p) for p in fuzzy))
    for p in m.parts:
        if p.exact or not snap:
            parts.append(f"{p.prefix} {p.text}" if p.prefix else p.text)
        else:
            parts.append(p.suggested)
    fixed = ", ".join([*rest, *parts])
    return fixed, fixed != text


def _without_trailing_junk(text: str) -> tuple[str, UnitMatch | None]:
    """'…, Tỉnh Nghệ An the', '…, Thành phố Hà Nộ ii': OCR debris after the province (a
    stamp, the dotted line) - dropped when without it the text is a full ward chain."""
    words = text.split(" ")
    for drop in (1, 2):
        if len(words) <= drop + 2 or "," in " ".join(words[-drop:]):
            break
        shorter = " ".join(words[:-drop]).rstrip(" .,;")
        m = resolve_place(shorter)
        if m is not None and m.level == "ward":
            return shorter, m
    return text, None


def _completed_province(text: str) -> tuple[str, UnitMatch | None]:
    """'…, huyện Hướng Hóa, tỉnh Quảng' (the rest of the line lost, or wrapped where it was
    not found): the one province whose name starts so and holds the exactly matched
    units before it completes the text. A last comma part of debris ('tỉnh An, mm 1')
    is dropped first."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) >= 3 and not _province_start(parts[-1]) and _province_start(parts[-2]):
        parts = parts[:-1]
    head = _province_start(parts[-1]) if len(parts) >= 2 else None
    if head is None:
        return text, None
    type_word, name = head
    found: dict[str, UnitMatch] = {}
    for unit in province_units():
        if fold(unit.name).startswith(fold(name)) and fold(unit.name) != fold(name):
            candidate = ", ".join([*parts[:-1], f"{type_word} {unit.name}"])
            m = resolve_place(candidate)
            if m is not None and m.level == "ward" and m.exact:
                found[candidate] = m
    if len(found) == 1:
        return next(iter(found.items()))
    return text, None


def _province_start(part: str) -> tuple[str, str] | None:
    """('tỉnh', 'Quảng') for 'tỉnh Quảng': a province type word and the start of a name."""
    m = re.fullmatch(r"(?P<type>[Tt]ỉnh|TỈNH|[Tt]hành [Pp]hố|THÀNH PHỐ)\s+(?P<name>\w[\w ]*)",
                     part.strip(" .;:_-"))
    return (m.group("type"), m.group("name").strip()) if m else None


WARD_TYPES = ("Phường", "Xã", "Thị trấn")


def _garbled_ward_type(text: str) -> tuple[str, UnitMatch | None]:
    """'Số 158, tổ 10, Ezường Gia Hội, Quận Phú Xuân, Thành phố Huế': the ward's type word
    garbled beyond a fuzzy match. The name after it ('Gia Hội') with the one ward type that
    makes the whole text an exact ward chain is taken; none or several: left as read."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 3:
        return text, None
    now = resolve_place(text)
    first = len(parts) - (len(now.parts) if now is not None else 1) - 1
    for i in range(first, -1, -1):  # the parts before the chain found so far
        words = parts[i].split()
        found: dict[str, UnitMatch] = {}
        for drop in (1, 2):
            if len(words) <= drop:
                break
            name = " ".join(words[drop:])
            if (not name[:1].isupper() or any(not w.isalpha() for w in words[drop:])
                    or fold(" ".join(words[:drop])) in FOLDED_TYPE_WORDS):
                continue  # a real type word printed is not garbled: the unit is another
            for ward_type in WARD_TYPES:
                candidate = ", ".join([*parts[:i], f"{ward_type} {name}", *parts[i + 1:]])
                m = resolve_place(candidate)
                if m is not None and m.level == "ward" and m.exact:
                    found[candidate] = m
        if found:
            return next(iter(found.items())) if len(found) == 1 else (text, None)
        if NUMBERED_PART.match(parts[i]):
            break
    return text, None
