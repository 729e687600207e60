"""Places as administrative codes across the 2025 reform: a document dated before July 2025
names the old ward ('Phường Quảng Vinh, Thành phố Sầm Sơn, …'), the registry the new one
('Phường Nam Sầm Sơn, …'). Both resolve to statistics codes; old codes map to the 2025 ward
that absorbed them (the `vietnamadminunits` conversion tables, MIT), so they compare equal."""

from __future__ import annotations

from functools import lru_cache

from extractors.normalise.admin_units import PRE_2025, V2025, resolve_place


@lru_cache(maxsize=1)
def old_to_new_ward() -> dict[str, str]:
    """Legacy 5-digit ward code -> 2025 ward code (the default successor when divided)."""
    from vietnamadminunits.converter.converter_2025 import (
        DICT_PROVINCE,
        DICT_PROVINCE_WARD_DIVIDED,
        DICT_PROVINCE_WARD_NO_DIVIDED,
    )
    from vietnamadminunits.database import query

    new_code = {(r["provinceKey"], r["wardKey"]): r["wardCode"]
                for r in query("SELECT provinceKey, wardKey, wardCode FROM admin_units")}
    province_of = {old: new for new, olds in DICT_PROVINCE.items() for old in olds}
    merged = {old: new_ward for prov in DICT_PROVINCE_WARD_NO_DIVIDED.values()
              for new_ward, olds in prov.items() for old in olds}
    out: dict[str, str] = {}
    for r in query("SELECT provinceKey, districtKey, wardKey, wardCode FROM admin_units_legacy "
                   "WHERE ward IS NOT NULL"):
        new_prov = province_of.get(r["provinceKey"])
        if new_prov is None:
            continue
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"
        new_ward = merged.get(key)
        if new_ward is None:
            divided = DICT_PROVINCE_WARD_DIVIDED.get(new_prov, {}).get(key, [])
            new_ward = next((w["newWardKey"] for w in divided if w["isDefaultNewWard"]), None)
        code = new_code.get((new_prov, new_ward))
        if code is not None:
            out[r["wardCode"]] = code
    return out


def ward_code_2025(code: str | None, version: str | None) -> str | None:
    """The 2025 ward code for a ward code of either version (None when unknown)."""
    if not code:
        return None
    if version == PRE_2025:
        return old_to_new_ward().get(code)
    return code


def place_code(text: str | None, code: str | None = None,
               version: str | None = None) -> str | None:
    """A place's 2025 ward code: from a given code (record `<key>_code`) or by resolving the
    text; None when the text names no ward (a hospital, a province only)."""
    if code:
        return ward_code_2025(code, version or V2025)
    match = resolve_place(text)
    if match is None or match.level != "ward":
        return None
    return ward_code_2025(match.code, match.version)
