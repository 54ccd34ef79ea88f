"""Per-mention arrays the blocking and comparison kernels read, computed once per column.

The mentions of one kind are one Arrow table (every source's standardized rows, concatenated, row
number = mention index). ``Features`` turns its columns into what kernels take, lazily and cached:

- ``codes(col)``: uint64 hashes of the values straight from Arrow's UTF-8 bytes, 0 = null; equal
  strings get equal codes in every column (a former name meets a current name); two different
  values collide with odds near 2^-64. ``dense(col)``: dictionary codes for counting.
- ``strings(col)``: CSR code points (``linkage.arrow.CodePoints``) for the string comparators.
- ``short(col)``: fixed-width rows (``core.compare.pack_short``) of a column of short strings (ID
  numbers, phones): one cache miss per side of a pair, not three; CSR code points if a row is
  too long to pack.
- ``days(col)``: int32 days since 1970-01-01 and a validity mask.
- ``sets(cols)``: CSR of uint64 value hashes per row, the union of several string / list<string>
  columns (a name's pinyin readings).
- ``band_keys(rule)``: a MinHash LSH rule's band keys per row.

A run over many files builds these arrays part by part (``fetch``) and joins them with
``Features.stack``: the mentions' strings are read, turned into the arrays the kernels take, and
dropped, so a kind's Arrow table never exists whole. Stacked features answer only what was fetched
(asking for anything else is an error naming it), and keep only the table columns asked for.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from weft.core import blocking as B
from weft.core import compare as K
from weft.core import minhash as MH

from ..arrow import CodePoints, decode, hash_strings

__all__ = ["Features"]


def _contiguous(col) -> pa.Array:
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    return col


def _as_string(a: pa.Array) -> pa.Array:
    if pa.types.is_string(a.type):
        return a
    return a.cast(pa.string())


class Features:
    def __init__(self, table: pa.Table, present: frozenset | None = None):
        self.table = table
        self.n = table.num_rows
        self._cache: dict = {}
        # stacked: the columns that held a value in some part (most are no longer in the table)
        self._present = present

    def has(self, col: str) -> bool:
        if col in self.table.column_names:
            return self.table.column(col).null_count < self.n
        return self._present is not None and col in self._present

    def column(self, col: str) -> pa.Array:
        if col not in self.table.column_names:
            if self._present is not None and col in self._present:
                raise KeyError(f"column {col!r} was not kept when these features were stacked: ask for what "
                               "reads it when the mentions are loaded (linkage.link.run.feature_requests)")
            return pa.nulls(self.n, pa.string())
        return _contiguous(self.table.column(col))

    # ------------------------------------------------------------------ parts
    def thin(self, keep) -> Features:
        """Drop the table but for the columns ``keep`` once a part's arrays are computed,
        remembering which columns held a value."""
        self._present = frozenset(c for c in self.table.column_names if self.has(c))
        self.table = self.table.select([c for c in keep if c in self.table.column_names])
        return self

    def fetch(self, request: tuple) -> None:
        """Compute one request: ("codes" | "strings" | "short" | "days" | "numbers" | "ints", column),
        ("sets", columns) or ("bands", LSH rule)."""
        what, arg = request
        if what == "sets":
            self.sets(*arg)
        elif what == "bands":
            self.band_keys(arg)
        else:
            {"codes": self.codes, "strings": self.strings, "short": self.short, "days": self.days,
             "numbers": self.numbers,
             "ints": self.small_ints}[what](arg)

    @classmethod
    def stack(cls, parts: list[Features], keep: tuple[str, ...] = (), encode: tuple[str, ...] = ()) -> Features:
        """One Features over ``parts`` (consecutive row ranges): see :class:`Stacker`."""
        st = Stacker(sum(p.n for p in parts), keep, encode)
        for p in parts:
            st.add(p)
        return st.finish()

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
        if key not in self._cache and col not in self.table.column_names and ("codes", col) in self._cache:
            # stacked: number the distinct hashes 1.. in ascending order (equal strings, equal
            # hashes), as np.unique would, by the radix grouping (a quarter of its time)
            order, starts = B.group_by_key(self._cache[("codes", col)])
            dense = np.zeros(self.n, np.int64)
            dense[order] = np.repeat(np.arange(1, len(starts), dtype=np.int64), np.diff(starts))
            self._cache[key] = dense
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
            self._cache[key] = self._code_points(col)
        return self._cache[key]

    def short(self, col: str) -> np.ndarray | CodePoints:
        """``core.compare.pack_short`` rows of the column, or its CSR code points if a row is too
        long to pack."""
        key = ("short", col)
        if key not in self._cache:
            cp = self._code_points(col)
            rows = K.pack_short(cp.codes, cp.offsets, cp.valid)
            self._cache[key] = cp if rows is None else rows
        return self._cache[key]

    def _code_points(self, col: str) -> CodePoints:
        a = self.column(col)
        if not (pa.types.is_string(a.type) or pa.types.is_large_string(a.type)):
            a = pc.cast(a, pa.string())
        cp = decode(a)
        top = int(cp.codes.max()) if len(cp.codes) else 0
        if top < 65536:  # ID numbers, phones: a quarter or half the memory
            cp = CodePoints(cp.codes.astype(np.uint8 if top < 256 else np.uint16), cp.offsets, cp.valid)
        return cp

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
                v = a.fill_null(0).to_numpy(zero_copy_only=False)
                self._cache[key] = v if v.dtype.kind in "iu" else v.astype(np.int64)
        return self._cache[key]

    # ------------------------------------------------------------------ sets
    def sets(self, *cols: str) -> tuple[np.ndarray, np.ndarray]:
        """CSR (offsets int64, members uint64, each row sorted) of the codes of every value in
        ``cols`` per row.

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
            # each row sorted once, here, so comparing a chunk of pairs never sorts them again
            self._cache[key] = (offsets, K.sort_set_rows(offsets, codes))
        return self._cache[key]

    def set_signatures(self, *cols: str) -> np.ndarray:
        """``core.compare.set_signatures`` of ``sets(*cols)``, computed once."""
        key = ("sigs", cols)
        if key not in self._cache:
            self._cache[key] = K.set_signatures(*self.sets(*cols))
        return self._cache[key]

    def band_keys(self, rule) -> np.ndarray:
        """uint64[n, bands] MinHash LSH band keys of ``rule``'s columns joined (0 for empty rows)."""
        key = ("bands", rule)
        if key not in self._cache:
            cols = [self.column(c).cast(pa.string()) for c in rule.columns]
            text = cols[0] if len(cols) == 1 else pc.binary_join_element_wise(*cols, "", null_handling="skip")
            cp = decode(text)
            a, b = MH.permutations(rule.bands * rule.rows, rule.seed)
            sig = MH.signatures(cp.codes, cp.offsets, cp.valid, rule.q, a, b)
            self._cache[key] = MH.band_keys(sig, rule.bands, rule.rows)
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


_FIXED = ("codes", "ints", "numbers", "bands")  # one row, one slot: written in place


class Stacker:
    """Joins the Features of consecutive parts (``add``, in row order) into one (``finish``),
    holding every array all parts computed and the table columns ``keep`` (those in ``encode``
    dictionary-encoded). Fixed-width arrays go straight into arrays of all ``n`` rows, so a part's
    copy is freed at once and the next part reuses its memory; variable-width ones (strings, sets)
    are joined at the end."""

    def __init__(self, n: int, keep: tuple[str, ...] = (), encode: tuple[str, ...] = ()):
        self.n, self.keep, self.encode = n, keep, encode
        self.at = 0
        self.fixed: dict = {}
        self.pieces: dict = {}
        self.columns: dict[str, list] = {c: [] for c in keep}
        self.present: set[str] = set()
        self.keys: set | None = None

    def add(self, p: Features) -> None:
        if self.at + p.n > self.n:
            raise ValueError(f"parts hold more than the {self.n} rows announced")
        keys = {k for k in p._cache if k[0] not in ("dense", "counts")}
        if self.keys is None:
            self.keys = keys
        elif keys != self.keys:
            raise ValueError(f"parts computed different features: {sorted(map(str, keys ^ self.keys))}")
        for key in keys:
            a = p._cache.pop(key)
            if key[0] in _FIXED:
                if key not in self.fixed:
                    self.fixed[key] = np.empty((self.n, *a.shape[1:]), a.dtype)
                elif a.dtype != self.fixed[key].dtype:  # (a part whose column is null, or of another type)
                    self.fixed[key] = self.fixed[key].astype(np.result_type(self.fixed[key].dtype, a.dtype))
                self.fixed[key][self.at:self.at + p.n] = a
            else:
                self.pieces.setdefault(key, []).append(a)
        self.present |= p._present if p._present is not None else {c for c in p.table.column_names if p.has(c)}
        for c in self.keep:
            self.columns[c].append((p.n, p.table.column(c) if c in p.table.column_names else None))
        self.at += p.n

    def finish(self) -> Features:
        if self.at != self.n:
            raise ValueError(f"parts held {self.at} rows, not the {self.n} announced")
        columns = {}
        for c, chunks in self.columns.items():
            types = [col.type for _, col in chunks if col is not None]
            if not types:
                continue  # no part had it
            typ = next((t for t in types if not pa.types.is_null(t)), types[0])
            col = pa.chunked_array([_contiguous(col).cast(typ) if col is not None else pa.nulls(m, typ)
                                    for m, col in chunks], typ)
            if c in self.encode:
                col = pc.dictionary_encode(col)
                if col.num_chunks and len(col.chunk(0).dictionary) < 2**15:  # (2 bytes a row, not 4)
                    col = col.cast(pa.dictionary(pa.int16(), col.type.value_type))
            columns[c] = col.combine_chunks() if col.num_chunks else pa.array([], col.type)
        self.columns = {}
        table = pa.table(columns) if columns else pa.table({"_": pa.nulls(self.n)}).drop_columns(["_"])
        out = Features(table, frozenset(self.present))
        out.n = self.n
        out._cache.update(self.fixed)
        for key in list(self.pieces):
            out._cache[key] = _join(key[0], self.pieces.pop(key))
        self.fixed = {}
        return out


def _concat(arrays: list[np.ndarray]) -> np.ndarray:
    """np.concatenate that frees each piece once copied (the list is emptied): the join holds
    the result and one piece, not the result and every piece."""
    dtype = np.result_type(*arrays) if arrays else np.uint8
    out = np.empty(sum(len(a) for a in arrays), dtype)
    pos = 0
    arrays.reverse()
    while arrays:
        a = arrays.pop()
        out[pos:pos + len(a)] = a
        pos += len(a)
    return out


def _shifted(offsets: list[np.ndarray]) -> np.ndarray:
    """CSR offsets of consecutive parts as one array (the list is emptied)."""
    out = np.empty(sum(len(o) - 1 for o in offsets) + 1, np.int64)
    pos, base = 0, 0
    offsets.reverse()
    while offsets:
        o = offsets.pop()
        m = len(o) - 1
        out[pos:pos + m] = o[:-1] + base
        pos += m
        base += int(o[-1])
    out[pos] = base
    return out


def _join(what: str, pieces: list):
    """One array from the parts' pieces of one feature, freeing the pieces as it goes."""
    if what == "strings":
        codes, offsets, valid = ([p.codes for p in pieces], [p.offsets for p in pieces],
                                 [p.valid for p in pieces])
        pieces.clear()
        return CodePoints(_concat(codes), _shifted(offsets), _concat(valid))
    if what == "short":
        return _join_short(pieces)
    if what == "days":
        days, valid = [p[0] for p in pieces], [p[1] for p in pieces]
        pieces.clear()
        return _concat(days), _concat(valid)
    if what == "sets":
        offsets, members = [p[0] for p in pieces], [p[1] for p in pieces]
        pieces.clear()
        return _shifted(offsets), _concat(members)
    return _concat(pieces)


def _join_short(pieces: list):
    """Parts' packed rows as one matrix as wide as the widest; CSR code points if a part could
    not pack (the packed parts unpacked, losslessly)."""
    if all(isinstance(p, np.ndarray) for p in pieces):
        width = max(p.shape[1] for p in pieces)
        out = np.zeros((sum(len(p) for p in pieces), width), np.result_type(*pieces))
        pos = 0
        pieces.reverse()
        while pieces:
            p = pieces.pop()
            out[pos:pos + len(p), :p.shape[1]] = p  # (a null row's length is the same in every dtype)
            pos += len(p)
        return out
    cps = [p if isinstance(p, CodePoints) else CodePoints(*K.unpack_short(p)) for p in pieces]
    pieces.clear()
    return _join("strings", cps)
