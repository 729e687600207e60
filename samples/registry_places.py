"""Real administrative units for synthetic people: every legacy (pre-July-2025, 63-province)
ward paired with the 2025 (34-province) ward it became, read from `vietnamadminunits` (MIT).

The registry stores a person's place as one int16 index into the legacy table; both the old
and the new address text and codes derive from it, so a document dated before 1 July 2025 can
print the old form while the registry holds the new one."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from vietnamadminunits.converter.converter_2025 import (
    DICT_PROVINCE,
    DICT_PROVINCE_WARD_DIVIDED,
    DICT_PROVINCE_WARD_NO_DIVIDED,
)
from vietnamadminunits.database import query

SOUTHERN_PROVINCE_CODES = frozenset(
    {"70", "72", "74", "75", "77", "79", "80", "82", "83", "84", "86", "87", "89", "91", "92",
     "93", "94", "95", "96"})


@dataclass(frozen=True, slots=True)
class Ward:
    """One legacy ward and its 2025 successor, with the strings forms print."""

    ward: str  # "Phường Phúc Xá"
    district: str  # "Quận Ba Đình"
    province: str  # "Thành phố Hà Nội"
    ward_code: str  # legacy 5-digit code
    district_code: str
    province_code: str  # legacy 2-digit code: the personal-ID prefix is "0" + this
    new_ward: str  # "Phường Ba Đình"
    new_province: str  # "Thành phố Hà Nội"
    new_ward_code: str
    new_province_code: str
    urban: bool  # phường / thị trấn: street addresses; xã: thôn/ấp

    @property
    def south(self) -> bool:
        return self.province_code in SOUTHERN_PROVINCE_CODES

    def old_text(self) -> str:
        return f"{self.ward}, {self.district}, {self.province}"

    def new_text(self) -> str:
        return f"{self.new_ward}, {self.new_province}"

    def text(self, new: bool) -> str:
        return self.new_text() if new else self.old_text()

    def authority(self, new: bool) -> str:
        """'Ủy ban nhân dân xã X, huyện Y, tỉnh Z' as printed under 'Nơi đăng ký'."""
        if new:
            return f"Ủy ban nhân dân {lower_unit_type(self.new_ward)}, {lower_unit_type(self.new_province)}"
        return (f"Ủy ban nhân dân {lower_unit_type(self.ward)}, {lower_unit_type(self.district)}, "
                f"{lower_unit_type(self.province)}")


def lower_unit_type(name: str) -> str:
    for unit_type in ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Quận", "Huyện",
                      "Tỉnh", "Xã"):
        if name.startswith(unit_type + " "):
            return unit_type.lower() + name[len(unit_type):]
    return name


def _new_ward_key(old_key: str, new_province_key: str, inverted: dict[str, str]) -> str | None:
    if old_key in inverted:
        return inverted[old_key]
    divided = DICT_PROVINCE_WARD_DIVIDED.get(new_province_key, {}).get(old_key, [])
    return next((w["newWardKey"] for w in divided if w["isDefaultNewWard"]), None)


@lru_cache(maxsize=1)
def wards() -> tuple[Ward, ...]:
    """Every legacy ward that maps to a 2025 ward (island districts without wards dropped)."""
    new_rows = query("SELECT province, ward, provinceKey, wardKey, provinceCode, wardCode "
                     "FROM admin_units")
    new_by_key = {(r["provinceKey"], r["wardKey"]): r for r in new_rows}
    province_of = {old: new for new, olds in DICT_PROVINCE.items() for old in olds}
    inverted = {old: new_ward for prov in DICT_PROVINCE_WARD_NO_DIVIDED.values()
                for new_ward, olds in prov.items() for old in olds}
    out: list[Ward] = []
    for r in query("SELECT province, district, ward, wardType, provinceKey, districtKey, wardKey, "
                   "provinceCode, districtCode, wardCode FROM admin_units_legacy "
                   "WHERE ward IS NOT NULL ORDER BY wardCode"):
        new_prov = province_of.get(r["provinceKey"])
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"
        new_ward_key = _new_ward_key(key, new_prov, inverted) if new_prov else None
        new = new_by_key.get((new_prov, new_ward_key))
        if new is None:
            continue
        out.append(Ward(r["ward"], r["district"], r["province"], r["wardCode"], r["districtCode"],
                        r["provinceCode"], new["ward"], new["province"], new["wardCode"],
                        new["provinceCode"], r["wardType"] != "Xã"))
    return tuple(out)


@lru_cache(maxsize=1)
def ward_arrays() -> dict[str, np.ndarray]:
    """Columns the vectorised generator needs: ID prefix, sampling weight, province grouping."""
    ws = wards()
    province = np.array([int(w.province_code) for w in ws], dtype=np.int16)
    urban = np.array([w.urban for w in ws], dtype=bool)
    # Urban wards are denser: weight them 3x when placing households.
    weight = np.where(urban, 3.0, 1.0)
    return {"province": province, "urban": urban, "weight": weight / weight.sum()}


def street_part(ward: Ward, house_no: int, hamlet_no: int) -> str:
    """The line before the ward: 'Số 12, tổ 3' in towns, 'Thôn 4' / 'Ấp 4' in the country."""
    if ward.urban:
        return f"Số {house_no}, tổ {hamlet_no}" if house_no % 3 else f"Tổ {hamlet_no}"
    return f"{'Ấp' if ward.south else 'Thôn'} {hamlet_no}"


def address(ward: Ward, house_no: int, hamlet_no: int, new: bool) -> str:
    return f"{street_part(ward, house_no, hamlet_no)}, {ward.text(new)}"
