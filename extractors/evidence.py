"""Evidence that a normalised value is right, beyond OCR word confidences.

Tesseract's word confidence is a weak predictor on these forms (the word before a dotted
line scores low however clean it is), so the confidence model (extractors/confidence.py)
also weighs what the value itself says: a closed-vocabulary entry matched as printed, name
words that are Vietnamese syllables and a known surname, place parts that are real
administrative units, no OCR debris. Every feature is a number in [0, 1].
"""

from __future__ import annotations

import re
from functools import cache

from extractors.normalise.admin_units import (
    UnitMatch,
    dataset_rows,
    resolve_place,
    rest_plausible,
)
from extractors.normalise.land import SERIAL_DIGITS
from extractors.normalise.names import normalise_name
from extractors.normalise.places import UNIT_TYPES, admin_unit_names
from extractors.normalise.result import Normalised
from extractors.normalise.syllables import is_vietnamese_syllable
from extractors.normalise.vocab import ETHNIC_GROUPS, NAME_WORDS, NATIONALITIES, SURNAMES
from pipeline.textnorm import fold, nfc

FAMILIES = {"gender": "vocab", "ethnicity": "vocab", "nationality": "vocab",
            # the number of "… số <n> do … cấp ngày …" is an identity number like any other
            "id_document": "id_number",
            # a time or date read from "Đã chết vào lúc: …" is a date-like reading
            "time_of_day": "date", "date_after_time": "date",
            # a cause of death is free text, with common causes snapped back
            "cause_of_death": "text"}
_DEBRIS = re.compile(r"[^\w\s,./\-'()]|_|[;]|\d[^\W\d]|[^\W\d]\d|,'|'\s")
PLACE_PREFIXES = ("", "ủy ban nhân dân", "ubnd", "bệnh viện", "bệnh viện đa khoa",
                  "bệnh viện phụ sản", "trạm y tế", "trung tâm y tế", "nhà hộ sinh")
_NUMBERED = re.compile(r"^(số|tổ|thôn|ấp|xóm|khu|khu phố|tổ dân phố|bản|buôn|làng|đội)"
                       r"\s+[0-9A-Za-z]{1,4}$", re.IGNORECASE)


# A second, isolated reading of the value's line (pipeline/reread.py, extractors/alternatives.py):
REREAD_AGREES = "reread_agrees"  # ... gave the same normalised value: strong evidence
REREAD_USED = "reread_used"  # ... gave this value, the first reading's was worse
REREAD_DIFFERS = "reread_differs"  # ... gave another value, not taken
# Another OCR model's reading of the value's figures (Settings.figure_witness):
WITNESS_AGREES = "witness_agrees"  # ... the same value
WITNESS_USED = "witness_used"  # ... a better-founded value, taken
WITNESS_DIFFERS = "witness_differs"  # ... another value, not taken
# Where the two models differ, the witness's model reading the figure alone, as one line
# (pipeline.reread.tiebreak_figure):
TIEBREAK_AGREES = "tiebreak_agrees"  # ... gave this value (two readings of three)
TIEBREAK_DIFFERS = "tiebreak_differs"  # ... gave neither model's value


def family(normaliser: str) -> str:
    """Fields read by one normaliser share one confidence model (gender, ethnicity and
    nationality: one closed-vocabulary model; see FAMILIES for the other groupings)."""
    return FAMILIES.get(normaliser, normaliser)


@cache
def _unit_names() -> frozenset[str]:
    return frozenset(nfc(n) for n in admin_unit_names())


@cache
def _unit_names_lower() -> frozenset[str]:
    return frozenset(n.lower() for n in _unit_names())


@cache
def _types_lower() -> tuple[str, ...]:
    return tuple(sorted((t.lower() for t in UNIT_TYPES), key=len, reverse=True))


def _known_unit(name: str) -> bool:
    return name in _unit_names() or (name.isdigit() and len(name) <= 2) or (
        name.lower() in _unit_names_lower() and name[:1].isupper())


def place_segment_known(segment: str) -> bool:
    """'Huyện Gia Lâm', 'thành phố Hà Nội', 'Số 76', 'Trạm Y tế xã Khao Mang': the name after
    a unit type is a real unit name exactly as spelled (with its diacritics)."""
    seg = segment.strip(" .,;")
    if not seg:
        return False
    if _NUMBERED.match(seg):
        return True
    low = seg.lower()
    for t in _types_lower():
        m = re.search(r"(?:^|\s)" + re.escape(t) + r"\s+(.+)$", low)
        if m:
            name = seg[m.start(1):]
            prefix = seg[:m.start()].strip().lower()
            return prefix in PLACE_PREFIXES and _known_unit(name)
    return _known_unit(seg)


# How a place of death (or of birth) may open before the address: 'Tại nhà, Số 49, tổ 19, …',
# 'Tại Bệnh viện Đa khoa tỉnh …'. Not part of the address the features judge.
_LEAD_IN = re.compile(r"^\s*(?:tại\s+nhà|tại\s+gia|nhà\s+riêng)\s*,\s*|^\s*tại\s+(?=\S)",
                      re.IGNORECASE)


def place_core(value: str) -> str:
    """The address part of a place: without a lead-in such as 'Tại nhà,' or 'Tại'."""
    core = _LEAD_IN.sub("", value, count=1)
    return core if core.strip() else value


def place_features(value: str) -> dict[str, float]:
    value = place_core(value)
    parts = [p for p in re.split(r",\s*", value) if p.strip()]
    known = [place_segment_known(p) for p in parts]
    last = parts[-1] if parts else ""
    feats = {"known_share": sum(known) / len(known) if known else 0.0,
             "all_known": float(all(known) and bool(known)),
             "last_known": float(bool(known) and known[-1] and not _NUMBERED.match(last)),
             "province_last": float(is_province(last))}
    feats.update(unit_chain_features(resolve_place(value)))
    return feats


def unit_chain_features(m: UnitMatch | None) -> dict[str, float]:
    """The administrative-unit chain (extractors/normalise/admin_units.py) as evidence:
    `chain_exact` every unit part spelled as the unit is and the parts before the chain are
    house numbers / hamlets; `chain_ward` the chain reaches a ward (ward, district, province
    or ward, province); `chain_fuzzy` some part only resembles its unit (an OCR error)."""
    if m is None:
        return {"chain_none": 1.0}
    exact = m.exact and rest_plausible(m.rest)
    return {"chain_exact": float(exact), "chain_ward_exact": float(exact and m.level == "ward"),
            "chain_fuzzy": float(not m.exact)}


PLACE_TYPE_START = re.compile(r"^(tỉnh|thành phố|tp\.?)\s", re.IGNORECASE)


def place_issues(value: object) -> list[str]:
    """`unit_spelling_differs` (+ `unit_spelling: <the units' spelling>`) when a unit part
    only fuzzy-matched a real unit: the text is kept as read, the reviewer sees the snap;
    `unknown_admin_unit` when the last part names a province type but no province."""
    if not isinstance(value, str) or not value:
        return []
    m = resolve_place(value)
    if m is None:
        last = value.rsplit(",", 1)[-1].strip()
        return ["unknown_admin_unit"] if PLACE_TYPE_START.match(last) else []
    if m.differs:
        return ["unit_spelling_differs", f"unit_spelling: {m.suggested}"]
    return []


def unit_code_fields(key: str, value: object) -> dict[str, str]:
    """records.md: a place resolved to a ward adds `<key>_code` (the ward's statistics code)
    and `<key>_units_version` ('2025' | 'pre-2025'). Province- or district-only places
    (a hospital of the province) add nothing."""
    if not isinstance(value, str):
        return {}
    m = resolve_place(value)
    if m is None or m.level != "ward":
        return {}
    return {f"{key}_code": m.code, f"{key}_units_version": m.version}


@cache
def _provinces() -> frozenset[str]:
    rows = dataset_rows("select provinceShort from admin_units_legacy",
                        "select provinceShort from admin_units")
    return frozenset(nfc(r[0]) for q in rows for r in q if r[0])


def is_province(segment: str) -> bool:
    """'Tỉnh Lâm Đồng', 'thành phố Hà Nội', 'Tỉnh Bắc Giang': a province, as spelled."""
    m = re.fullmatch(r"(?:.*\s)?(?:tỉnh|thành phố)\s+(.+)", segment.strip(" .,;"),
                     re.IGNORECASE)
    return bool(m) and m.group(1) in _provinces()


def name_features(value: str) -> dict[str, float]:
    words = value.split()
    valid = [is_vietnamese_syllable(w) for w in words]
    return {"syllables": sum(valid) / len(words) if words else 0.0,
            "all_syllables": float(all(valid) and bool(words)),
            "surname": float(bool(words) and words[0] in SURNAMES),
            "name_words": float(len(words) >= 2 and all(w in NAME_WORDS for w in words[1:])),
            "n_words_ok": float(2 <= len(words) <= 5)}


# Land codes (domain.md): the serial is 2 letters + 6 digits (old form) or + 8 digits (2024
# form); the register entry `Số vào sổ cấp GCN` 2 letters + a few digits ('CS 05494').
LAND_CODE_SHAPES = {"land_serial": re.compile(r"[A-Z]{2} (?:%s)" % "|".join(
                        rf"\d{{{n}}}" for n in SERIAL_DIGITS)),
                    "land_registry_number": re.compile(r"[A-Z]{2} \d{4,7}")}
LAND_VOCABULARY_FIELDS = ("land_origin", "land_purpose", "usage_form", "land_term")


def authority_unit(value: str) -> str:
    """The unit an issuing body belongs to ('tỉnh Bình Phước' of 'Sở Tài nguyên và Môi trường
    tỉnh Bình Phước'): the words after the agency's name."""
    from extractors.normalise.land import AGENCIES

    low = value.lower()
    for agency in sorted(AGENCIES, key=len, reverse=True):
        if low.startswith(agency.lower()):
            return value[len(agency):].strip(" ,")
    return ""


def authority_features(value: str, result: Normalised) -> dict[str, float]:
    """`exact`: the agency's name read as printed; `unit_known`: the unit after it is a real
    province (or district, ward) spelled exactly."""
    unit = authority_unit(value)
    return {"exact": float(result.clean and not result.issues),
            "unit_known": float(bool(unit) and (is_province(unit) or place_segment_known(unit)))}


def vocab_exact(normaliser: str, raw: str) -> bool:
    """The printed text is a vocabulary entry as it stands (case aside): no repair needed."""
    text = nfc(raw).strip(" .,;:…")
    if normaliser == "gender":
        return fold(text) in ("nam", "nu") and text.lower() in ("nam", "nữ")
    table = ETHNIC_GROUPS if normaliser == "ethnicity" else NATIONALITIES
    return any(text.lower() == e.lower() for e in table)


def value_features(normaliser: str, raw: str, result: Normalised) -> dict[str, float]:
    """Features of one parsed value (raw: the cleaned text as read)."""
    value = result.value
    feats: dict[str, float] = {"debris": float(bool(_DEBRIS.search(raw)))}
    if value is None:
        return feats
    if normaliser == "name":  # judged as read: a re-spelled syllable is no evidence of itself
        as_read = normalise_name(raw, syllables=False).value or str(value)
        feats.update(name_features(as_read))
        feats["syllable_repaired"] = float(as_read != value)
    elif normaliser == "place":
        feats.update(place_features(str(value)))
    elif normaliser in ("gender", "ethnicity", "nationality"):
        feats["exact"] = float(vocab_exact(normaliser, raw))
    elif normaliser == "register_number":
        feats["shape"] = float(bool(re.fullmatch(r"\d{1,5}(/\d{4})?", str(value))))
    elif normaliser in LAND_CODE_SHAPES:
        feats["shape"] = float(bool(LAND_CODE_SHAPES[normaliser].fullmatch(str(value))))
    elif normaliser in LAND_VOCABULARY_FIELDS:
        # an entry of the closed list printed word for word (not snapped from a misreading)
        feats["exact"] = float(result.clean and not result.issues)
    elif normaliser == "authority":
        feats.update(authority_features(str(value), result))
    elif normaliser == "id_number":
        feats["shape"] = float(len(str(value)) == 12 and not result.issues)
    return feats
