"""Vectorized string assembly over Arrow arrays (no Python call per record on the common path)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "cat",
    "num",
    "lookup",
    "ascii_strings",
    "DATE_FORMATS",
    "fmt_dates",
    "fmt_date",
    "EPOCH",
    "days_of",
]

EPOCH = dt.date(1970, 1, 1)
_EXCEL_EPOCH_OFFSET = 25569  # Excel serial of 1970-01-01 (1900 date system)


def cat(*parts, null_as_empty: bool = False) -> pa.Array:
    """Element-wise concatenation of string arrays and scalar strings."""
    arrays = [p if isinstance(p, (pa.Array, pa.ChunkedArray)) else pa.scalar(p, pa.string()) for p in parts]
    if null_as_empty:
        return pc.binary_join_element_wise(*arrays, "", null_handling="replace", null_replacement="")
    return pc.binary_join_element_wise(*arrays, "")


def num(values, width: int = 0) -> pa.Array:
    """Integers as decimal strings, zero-padded to ``width``."""
    s = pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())
    return pc.utf8_lpad(s, width, padding="0") if width else s


def lookup(table: Sequence[str] | pa.Array, idx) -> pa.Array:
    """``table[idx]`` as an Arrow string array."""
    arr = table if isinstance(table, pa.Array) else pa.array(list(table), pa.string())
    return arr.take(pa.array(np.asarray(idx, dtype=np.int64)))


def ascii_strings(mat: np.ndarray) -> pa.Array:
    """Rows of an ASCII uint8 matrix as strings (trailing NULs dropped)."""
    mat = np.ascontiguousarray(mat, dtype=np.uint8)
    if mat.shape[0] == 0:
        return pa.array([], pa.string())
    return pa.array(mat.view(f"S{mat.shape[1]}").ravel()).cast(pa.string())


def days_of(dates) -> np.ndarray:
    """datetime64[D] (or anything numpy can cast) -> int32 days since 1970-01-01."""
    return np.asarray(dates, dtype="datetime64[D]").astype(np.int64).astype(np.int32)


# name -> (strftime pattern or None, description); None means assembled from parts.
DATE_FORMATS = {
    "ymd": "%Y%m%d",  # 20090615 (ID style)
    "iso": "%Y-%m-%d",  # 2009-06-15
    "slash": None,  # 2009/6/15
    "dot": "%Y.%m.%d",  # 2009.06.15
    "cn": None,  # 2009年6月15日
    "cn0": "%Y年%m月%d日",  # 2009年06月15日
    "excel": None,  # 39979 (Excel serial)
    "ts": "%Y-%m-%d %H:%M:%S",  # 2009-06-15 00:00:00
    "ym": "%Y%m",  # 200906 (month precision)
}


def fmt_dates(days: np.ndarray, fmt: str) -> pa.Array:
    """Format int32 day numbers in one of :data:`DATE_FORMATS`."""
    days = np.asarray(days, dtype=np.int32)
    if fmt == "excel":
        return num(days.astype(np.int64) + _EXCEL_EPOCH_OFFSET)
    d = pa.array(days, pa.date32())
    pattern = DATE_FORMATS[fmt]
    if pattern is not None:
        if fmt == "ts":
            d = pc.cast(d, pa.timestamp("s"))
        return pc.strftime(d, format=pattern)
    y, m, dd = pc.year(d), pc.month(d), pc.day(d)
    ys, ms, ds = (pc.cast(x, pa.string()) for x in (y, m, dd))
    if fmt == "slash":
        return cat(ys, "/", ms, "/", ds)
    return cat(ys, "年", ms, "月", ds, "日")


def fmt_date(day: int, fmt: str) -> str:
    """One date in one format (for the few values a corruption rewrites)."""
    d = EPOCH + dt.timedelta(days=int(day))
    if fmt == "excel":
        return str(int(day) + _EXCEL_EPOCH_OFFSET)
    if fmt == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if fmt == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if fmt == "ts":
        return d.strftime("%Y-%m-%d 00:00:00")
    return d.strftime(DATE_FORMATS[fmt])
