"""GB/T 2260 administrative division codes, including retired ones, with their years of validity.

The table is python-stdnum's ``cn/loc.dat`` (scraped from the zh.wikipedia 行政区划代码 pages,
6.9k codes). We read its file rather than its API because we need the validity years, which the
API drops, and because ID numbers keep the code that was valid when they were issued.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass

import numpy as np

__all__ = ["Divisions", "load_divisions", "OPEN_END"]

OPEN_END = 9999
_PERIOD = re.compile(r"^\[(\d{4})?-(\d{4})?\](.*)$")


@dataclass(frozen=True)
class Divisions:
    """Struct of arrays, one row per six-digit code (sorted by code)."""

    code: np.ndarray  # int32, e.g. 440304
    name: tuple[str, ...]  # latest name of the code
    start: np.ndarray  # int16 first year valid (0 = since before the table)
    end: np.ndarray  # int16 last year valid (OPEN_END = still valid)
    province_name: dict[int, str]  # 44 -> 广东省
    prefecture_name: dict[int, str]  # 4403 -> 深圳市 (only real prefectures)
    periods: dict[int, tuple[tuple[int, int], ...]]  # row -> periods, only for codes with a gap

    def valid_in(self, rows: np.ndarray, years: np.ndarray) -> np.ndarray:
        """Whether each code (by row; -1 = unknown) was in use in the given year."""
        rows = np.asarray(rows)
        years = np.asarray(years)
        r = np.maximum(rows, 0)
        ok = (rows >= 0) & (self.start[r] <= years) & (years <= self.end[r])
        for i in np.flatnonzero(ok & np.isin(r, list(self.periods))):
            ok[i] = any(s <= years[i] <= e for s, e in self.periods[int(r[i])])
        return ok

    def is_county(self) -> np.ndarray:
        """County-level codes: not a province/prefecture row and not a 市辖区/县 placeholder."""
        names = np.array(self.name, dtype=object)
        placeholder = np.isin(names, ["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"])
        return (self.code % 100 != 0) & ~placeholder

    def index_of(self, codes: np.ndarray) -> np.ndarray:
        """Row of each code, -1 where the code is not in the table."""
        codes = np.asarray(codes, dtype=np.int32)
        pos = np.searchsorted(self.code, codes)
        pos = np.minimum(pos, len(self.code) - 1)
        return np.where(self.code[pos] == codes, pos, -1)

    def full_name(self, code: int) -> str:
        """Province + prefecture + county, e.g. 湖南省邵阳市隆回县."""
        i = int(self.index_of(np.array([code]))[0])
        if i < 0:
            raise KeyError(code)
        prov = self.province_name.get(code // 10000, "")
        pref = self.prefecture_name.get(code // 100, "")
        county = self.name[i]
        parts = [prov]
        if pref and pref != prov and pref != county:
            parts.append(pref)
        if county not in parts:
            parts.append(county)
        return "".join(parts)


def _loc_dat_path() -> str:
    import stdnum.cn

    return os.path.join(os.path.dirname(stdnum.cn.__file__), "loc.dat")


def _parse_periods(value: str) -> tuple[list[tuple[int, int]], str]:
    """'[1983-1989]罗湖区办事处,[1990-]罗湖区' -> ([(1983, 1989), (1990, 9999)], '罗湖区')."""
    periods, end, name = [], -1, ""
    for part in value.split(","):
        m = _PERIOD.match(part)
        if m:
            s = int(m.group(1)) if m.group(1) else 0
            e = int(m.group(2)) if m.group(2) else OPEN_END
            n = m.group(3)
        else:
            s, e, n = 0, OPEN_END, part
        periods.append((s, e))
        if e >= end:
            end, name = e, n
    return sorted(periods), name


def _has_gap(periods: list[tuple[int, int]]) -> bool:
    return any(b[0] > a[1] + 1 for a, b in zip(periods, periods[1:]))


@functools.lru_cache(maxsize=1)
def load_divisions() -> Divisions:
    codes, names, starts, ends, all_periods = [], [], [], [], []
    provinces: dict[int, str] = {}
    province = None
    with open(_loc_dat_path(), encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            key, _, rest = line.strip().partition(" ")
            value = rest.split("=", 1)[1].strip().strip('"')
            if not line.startswith(" "):
                province = int(key)
                provinces[province] = value
                continue
            code = province * 10000 + int(key)
            periods, n = _parse_periods(value)
            codes.append(code)
            names.append(n)
            starts.append(periods[0][0])
            ends.append(max(e for _, e in periods))
            all_periods.append(periods)
    order = np.argsort(np.array(codes, dtype=np.int32), kind="stable")
    code_arr = np.array(codes, dtype=np.int32)[order]
    names_t = tuple(names[i] for i in order)
    prefectures = {
        int(c) // 100: n
        for c, n in zip(code_arr, names_t)
        if c % 100 == 0 and c % 10000 != 0 and n not in ("市辖区", "县")
    }
    gaps = {row: tuple(all_periods[i]) for row, i in enumerate(order) if _has_gap(all_periods[i])}
    return Divisions(
        periods=gaps,
        code=code_arr,
        name=names_t,
        start=np.array(starts, dtype=np.int16)[order],
        end=np.array(ends, dtype=np.int16)[order],
        province_name=provinces,
        prefecture_name=prefectures,
    )
