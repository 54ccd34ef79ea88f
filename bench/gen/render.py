"""Rendering of addresses and dates as departments write them, with their corruptions."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .city import City
from .corrupt import Corruptor
from .text import DATE_FORMATS, cat, fmt_date, fmt_dates, lookup, num

__all__ = ["addresses", "dates"]


_PREFIX = ("广东省深圳市", "深圳市", "")
_BWORD = ("栋", "座", "幢", "号楼")


def addresses(
    city: City,
    houses: np.ndarray,
    cor: Corruptor | None,
    role: str,
    column: str,
    *,
    base_prefix: int = 0,
    base_community: bool = True,
    floor_offset: np.ndarray | None = None,
) -> np.ndarray:
    """Addresses of ``houses`` as a department writes them (object array).

    Canonical: 广东省深圳市福田区福田街道福山社区彩田路2001号福田花园3栋2单元1203 (compound) or
    广东省深圳市宝安区西乡街道渔业社区渔业村3巷12号301 (urban village). ``base_prefix`` and
    ``base_community`` are the department's habit; corruptions vary them per row. ``floor_offset``
    lifts rows above their building's top floor: addresses that no department knows.
    """
    n = len(houses)
    p = city.address_parts(houses)
    prefix = np.full(n, base_prefix)
    community = np.full(n, base_community)
    bword = np.zeros(n, int)
    numerals = np.zeros(n, bool)
    room_fmt = np.zeros(n, int)
    missing = np.zeros(n, bool)
    village = p["village"]
    if cor is not None:
        every = np.ones(n, bool)
        missing[cor.draw(every, "address", "missing", role, column)] = True
        live = ~missing
        rows = cor.draw(live & (prefix < 2), "address", "drop_prefix", role, column)
        prefix[rows] = np.maximum(prefix[rows], 1) + (cor.rng.random(len(rows)) < 0.5)
        rows = cor.draw(live & community, "address", "drop_community", role, column)
        community[rows] = False
        rows = cor.draw(live & ~village, "address", "building_word", role, column)
        bword[rows] = 1 + cor.rng.integers(0, 3, len(rows))
        numeric_label = pc.match_substring_regex(p["label"], "^[0-9]+$").to_numpy(zero_copy_only=False)
        rows = cor.draw(live & ~village & numeric_label, "address", "chinese_numerals", role, column)
        numerals[rows] = True
        rows = cor.draw(live, "address", "room_format", role, column)
        room_fmt[rows] = 1 + cor.rng.integers(0, 5, len(rows))
    floor, room, unit = p["floor"], p["room"], p["unit"]
    if floor_offset is not None:
        floor = floor + floor_offset
    floor_s = num(floor)
    room_num = num(floor * 100 + room)
    room_2 = num(room, 2)
    label = p["label"]
    # room formats: 0 1203, 1 1203室, 2 12楼03, 3 12-03, 4 5-1-101 (栋-单元-室, replaces the building), 5 1203房
    compact = cat(label, "-", num(unit), "-", room_num)
    room_s = pc.choose(
        pa.array(room_fmt, pa.int8()),
        room_num, cat(room_num, "室"), cat(floor_s, "楼", room_2), cat(floor_s, "-", room_2), compact, cat(room_num, "房"),
    )
    label_s = pc.if_else(pa.array(numerals), p["label_cn"], label)
    unit_s = pc.if_else(pa.array(p["units"] > 1), cat(num(unit), "单元"), "")
    building = pc.if_else(pa.array(room_fmt == 4), "", cat(label_s, lookup(_BWORD, bword), unit_s))
    pre = lookup(_PREFIX, prefix)
    sc = pc.if_else(pa.array(community), cat(p["street"], "街道", p["community"], "社区"), "")
    compound = cat(pre, p["district"], sc, p["road"], p["place"], building, room_s)
    vil = cat(pre, p["district"], sc, p["place"], p["road"], room_s)
    out = pc.if_else(pa.array(village), vil, compound)
    out = pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), out)
    return out.to_numpy(zero_copy_only=False)


def dates(days: np.ndarray, fmt: str, cor: Corruptor | None, role: str, column: str) -> np.ndarray:
    """Dates in the department's format ``fmt`` (object array), with their corruptions."""
    days = np.asarray(days, dtype=np.int32)
    out = fmt_dates(days, fmt).to_numpy(zero_copy_only=False).astype(object)
    if cor is None or len(days) == 0:
        return out
    rng = cor.rng
    every = np.ones(len(days), bool)
    rows = cor.draw(every, "date", "missing", role, column)
    out[rows] = None
    live = every.copy()
    live[rows] = False
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    can = live & (day <= 12) & (day != month) & (fmt != "ym")
    rows = cor.draw(can, "date", "day_month_swap", role, column)
    for r in rows:
        y = d[r].astype("datetime64[Y]").astype(int) + 1970
        swapped = np.datetime64(f"{y:04d}-{day[r]:02d}-{month[r]:02d}").astype(np.int64)
        out[r] = fmt_date(int(swapped), fmt)
    live[rows] = False
    rows = cor.draw(live, "date", "placeholder", role, column)
    for r in rows:
        out[r] = fmt_date(-25567 if rng.random() < 0.5 else 0, fmt)  # 1900-01-01 or 1970-01-01
    live[rows] = False
    others = [f for f in DATE_FORMATS if f not in (fmt, "ym")]
    rows = cor.draw(live & (fmt != "ym"), "date", "alt_format", role, column)
    for r in rows:
        out[r] = fmt_date(int(days[r]), others[rng.integers(len(others))])
    return out
