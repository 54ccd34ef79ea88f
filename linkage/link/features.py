"""Per-mention arrays the blocking and comparison kernels read, computed once per column.

The mentions of one kind are one Arrow table (every source's standardized rows, concatenated, row
number = mention index). ``Features`` turns its columns into what kernels take, lazily and cached:

- ``codes(col)``: uint64 hashes of the values straight from Arrow's UTF-8 bytes, 0 = null; equal
  strings get equal codes in every column (a former name meets a current name); two different
  values collide with odds near 2^-64. ``dense(col)``: dictionary codes for counting.
- ``strings(col)``: CSR code points (``linkage.arrow.CodePoints``) for the string comparators.
- ``days(col)``: int32 days since 1970-01-01 and a validity mask.
- ``sets(cols)``: CSR of uint64 value hashes per row, the union of several string / list<string>
  columns (a name's pinyin readings).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from weft.core import hashing as H

from ..arrow import CodePoints, decode, hash_strings

__all__ = ["Features", "combine_codes"]


def _contiguous(col) -> pa.Array:
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    return col


def combine_codes(*codes: np.ndarray) -> np.ndarray:
    """One uint64 key per row from several code columns; 0 (null) when any part is null.

    Parts are mixed by ``core.hashing.combine`` (splitmix64): a collision between two different
    tuples has odds of about n² / 2^65, far below one in a run.
    """
    key = codes[0].astype(np.uint64)
    for c in codes[1:]:
        key = H.combine(key, c.astype(np.uint64))
    return key


def _as_string(a: pa.Array) -> pa.Array:
    if pa.types.is_string(a.type):
        return a
    return a.cast(pa.string())


class Features:
    def __init__(self, table: pa.Table):
        self.table = table
        self.n = table.num_rows
        self._cache: dict = {}

    def has(self, col: str) -> bool:
        return col in self.table.column_names and self.table.column(col).null_count < self.n

    def column(self, col: str) -> pa.Array:
        if col not in self.table.column_names:
            return pa.nulls(self.n, pa.string())
        return _contiguous(self.table.column(col))

    # ------------------------------------------------------------------ codes
    def codes(self, col: str) -> np.ndarray:
        """uint64 value hashes (0 = null): equal values, equal codes, in every column alike."""
        key = ("codes", col)
        if key not in self._cache:
            self._cache[key] = hash_strings(_as_string(self.column(col)))
        return self._cache[key]

    def dense(self, col: str) -> np.ndarray:
        """int64 dictionary codes 1..k (0 = null), for counting and indexing."""
        key = ("dense", col)
        if key not in self._cache:
            idx = pc.dictionary_encode(_as_string(self.column(col))).indices
            self._cache[key] = idx.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64) + 1
        return self._cache[key]

    def counts(self, col: str) -> np.ndarray:
        """How many mentions carry each dense code (index = code; entry 0 = nulls)."""
        key = ("counts", col)
        if key not in self._cache:
            self._cache[key] = np.bincount(self.dense(col))
        return self._cache[key]

    # ------------------------------------------------------------------ strings
    def strings(self, col: str) -> CodePoints:
        key = ("strings", col)
        if key not in self._cache:
            a = self.column(col)
            if not (pa.types.is_string(a.type) or pa.types.is_large_string(a.type)):
                a = pc.cast(a, pa.string())
            self._cache[key] = decode(a)
        return self._cache[key]

    # ------------------------------------------------------------------ dates, numbers
    def days(self, col: str) -> tuple[np.ndarray, np.ndarray]:
        key = ("days", col)
        if key not in self._cache:
            a = self.column(col)
            if pa.types.is_string(a.type) or pa.types.is_null(a.type):
                a = pc.cast(a.cast(pa.string()), pa.date32(), safe=False) if a.null_count < len(a) else \
                    pa.nulls(len(a), pa.date32())
            if not pa.types.is_date32(a.type):
                a = pc.cast(a, pa.date32())
            valid = a.is_valid().to_numpy(zero_copy_only=False)
            d = a.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int32)
            self._cache[key] = (d, valid)
        return self._cache[key]

    def numbers(self, col: str) -> np.ndarray:
        key = ("numbers", col)
        if key not in self._cache:
            a = self.column(col)
            if not pa.types.is_floating(a.type):
                a = pc.cast(a, pa.float64(), safe=False)
            self._cache[key] = a.fill_null(np.nan).to_numpy(zero_copy_only=False).astype(np.float64)
        return self._cache[key]

    def small_ints(self, col: str) -> np.ndarray:
        """A uint8 code column (gender), 0 when null."""
        key = ("ints", col)
        if key not in self._cache:
            a = self.column(col)
            if pa.types.is_string(a.type) or pa.types.is_null(a.type):
                self._cache[key] = self.codes(col)
            else:
                self._cache[key] = a.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
        return self._cache[key]

    # ------------------------------------------------------------------ sets
    def sets(self, *cols: str) -> tuple[np.ndarray, np.ndarray]:
        """CSR (offsets int64, members uint64) of the codes of every value in ``cols`` per row.

        List columns contribute each element; codes come from one dictionary over all of them.
        """
        key = ("sets", cols)
        if key not in self._cache:
            parts, rows = [], []
            for c in cols:
                a = self.column(c)
                if pa.types.is_list(a.type) or pa.types.is_large_list(a.type):
                    flat = pc.list_flatten(a)
                    parent = pc.list_parent_indices(a).to_numpy(zero_copy_only=False)
                    parts.append(flat.cast(pa.string()))
                    rows.append(parent.astype(np.int64))
                else:
                    parts.append(a.cast(pa.string()))
                    rows.append(np.arange(self.n, dtype=np.int64))
            codes = np.concatenate([hash_strings(p) for p in parts]) if parts else np.empty(0, np.uint64)
            row = np.concatenate(rows) if rows else np.empty(0, np.int64)
            keep = codes != 0
            row, codes = row[keep], codes[keep]
            order = np.argsort(row, kind="stable")
            row, codes = row[order], codes[order]
            offsets = np.zeros(self.n + 1, np.int64)
            np.cumsum(np.bincount(row, minlength=self.n), out=offsets[1:])
            self._cache[key] = (offsets, codes)
        return self._cache[key]

    def coalesce(self, name: str, *cols: str) -> str:
        """Register a column ``name`` = first non-null of ``cols`` (e.g. birth date, else the ID's)."""
        if name not in self.table.column_names:
            present = [self.column(c) for c in cols if c in self.table.column_names]
            if present:
                typ = present[0].type
                value = pc.coalesce(*[p.cast(typ) for p in present])
            else:
                value = pa.nulls(self.n, pa.string())
            self.table = self.table.append_column(name, value)
        return name
