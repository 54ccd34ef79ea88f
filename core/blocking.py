"""Candidate pairs from uint64 blocking keys (DESIGN §5.3, §5.5); key 0 means "no key" (null).

Rows are addressed by their index in ``keys`` (int64). A *group* is the set of rows sharing one
non-zero key; groups come in ascending key order and rows inside a group in ascending row order
(a stable sort), so every output here is deterministic and ``left < right`` holds for every pair
without a swap.

- :func:`group_by_key` returns that grouping as CSR: ``order[starts[g]:starts[g+1]]`` are the
  rows of group g.
- :func:`star_edges` links each group's first row to each of its other rows: ``size - 1`` edges per
  group, which is all connected components need for strong identifiers (never all pairs).
- :func:`block_pairs` expands each group of size ``<= cap`` into all its pairs; a larger group is
  never expanded all-pairs but windowed (sorted neighbourhood: each row with the next ``window``
  rows of the group, ``O(size * window)`` pairs) and reported in ``big_keys``/``big_sizes``. The
  window follows row order, so a caller wanting a meaningful neighbourhood orders its rows (e.g. by
  a secondary key) before computing ``keys``. Counting comes before filling, so the outputs are
  allocated at their exact size.
- :func:`block_pairs_kept` is :func:`block_pairs` keeping only pairs a caller could still use:
  rows of two different components (``comp``) whose non-zero values (``value``) do not differ.
  Counting and filling both test the pair, so memory follows the pairs kept, not the pairs the
  blocks hold (a hundredfold apart on large cities, where most rows of a name block already
  share a strong identifier).
- :func:`sample_block_pairs` keeps each pair of :func:`block_pairs` with probability ``k / total``,
  decided by a hash of the pair's position in that output and a seed, without materialising the
  others: a uniform, reproducible sample of block pairs for training at a fraction of the memory.
- :func:`key_groups` groups rows by a composite key folded from code columns (several column
  tuples may key one row), as :func:`group_by_key` of the keys would, straight from the columns;
  :func:`collapse_groups` keeps one row per strong component in each of its groups, and
  :func:`group_pairs_kept` and :func:`sample_groups` are :func:`block_pairs_kept` and
  :func:`sample_block_pairs` over such groups: one sort serves a rule's collapse, pairs and sample.
- :func:`dedup_pairs` turns any pair list into unique unordered pairs ``left < right`` sorted by
  ``(left, right)``, dropping self-pairs. Each pair is packed into one uint64 as
  ``left << 32 | right``, so row indices must lie in ``[0, 2**32)`` (ValueError otherwise): a batch
  of more than 4 294 967 296 rows has to be blocked in parts.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ._jit import jit
from .hashing import combine1, mix64

__all__ = ["PairSet", "block_pairs", "block_pairs_kept", "collapse_groups", "dedup_pairs", "group_by_key",
           "group_pairs_kept", "key_groups", "pack_pairs", "sample_block_pairs", "sample_groups", "sample_mask",
           "sort_unique", "star_edges", "star_groups", "unpack_pairs"]

_MAX_ROWS = 1 << 32
_ZERO = np.uint64(0)
_DIGIT = np.uint64(0xFF)


@jit
def _sorted_nonzero(keys):
    """(rows with key != 0, their keys), stably sorted by key."""
    m = 0
    for i in range(len(keys)):
        if keys[i] != _ZERO:
            m += 1
    k0 = np.empty(m, dtype=np.uint64)
    r0 = np.empty(m, dtype=np.int64)
    w = 0
    for i in range(len(keys)):
        if keys[i] != _ZERO:
            k0[w] = keys[i]
            r0[w] = i
            w += 1
    return _radix_sort(k0, r0)


_PREFIX = 4  # digits sorted over the whole array when keys vary in more (hashes: all 8)
_SHORT = 32  # runs up to this long are finished by insertion sort


@jit
def _digit_pass(k0, r0, k1, r1, d, cnt):
    """One stable counting pass of (k0, r0) into (k1, r1) on byte ``d``; ``cnt``: its 256 counts."""
    pos = np.empty(256, dtype=np.int64)
    total = 0
    for v in range(256):
        pos[v] = total
        total += cnt[v]
    shift = np.uint64(8 * d)
    for i in range(len(k0)):
        v = (k0[i] >> shift) & _DIGIT
        p = pos[v]
        k1[p] = k0[i]
        r1[p] = r0[i]
        pos[v] = p + 1


@jit
def _finish_run(k, r, kb, rb, digits):
    """Stably sort a run (whose keys agree in every byte but ``digits``) by those bytes, in place."""
    m = len(k)
    if m <= _SHORT:
        for i in range(1, m):
            x = k[i]
            y = r[i]
            j = i - 1
            while j >= 0 and k[j] > x:
                k[j + 1] = k[j]
                r[j + 1] = r[j]
                j -= 1
            k[j + 1] = x
            r[j + 1] = y
        return
    cnt = np.zeros(256, dtype=np.int64)
    swapped = False
    for d in digits:
        cnt[:] = 0
        shift = np.uint64(8 * d)
        for i in range(m):
            cnt[(k[i] >> shift) & _DIGIT] += 1
        if cnt.max() == m:
            continue
        _digit_pass(k, r, kb, rb, d, cnt)
        k, kb = kb, k
        r, rb = rb, r
        swapped = not swapped
    if swapped:  # the sorted run is in the buffers: back into place
        kb[:] = k
        rb[:] = r


@jit
def _radix_sort(k0, r0):
    """(r, k): ``r0`` and ``k0`` stably sorted by ``k0`` (their buffers are reused).

    LSD radix sort on 8-bit digits: stable by construction and ~5x faster than numpy's stable
    argsort of uint64 (a timsort); a digit in which all keys agree (high bytes of small keys)
    costs no pass. Keys varying in more than four bytes (hashes) are sorted by their top four
    varying bytes only, then each run agreeing in those but holding more than one key is sorted
    by the rest: among m hashes such runs are about m^2 / 2^33 (46k of 95M), so half the passes
    over the whole array sort it.
    """
    m = len(k0)
    counts = np.zeros((8, 256), dtype=np.int64)
    for i in range(m):
        x = k0[i]
        for d in range(8):
            counts[d, (x >> np.uint64(8 * d)) & _DIGIT] += 1
    active = np.empty(8, dtype=np.int64)
    na = 0
    for d in range(8):
        if counts[d].max() != m:
            active[na] = d
            na += 1
    first = na - _PREFIX if na > _PREFIX else 0
    k1 = np.empty_like(k0)
    r1 = np.empty_like(r0)
    for j in range(first, na):
        _digit_pass(k0, r0, k1, r1, active[j], counts[active[j]])
        k0, k1 = k1, k0
        r0, r1 = r1, r0
    if first > 0:
        mask = _ZERO
        for j in range(first, na):
            mask |= _DIGIT << np.uint64(8 * active[j])
        rest = active[:first]
        s = 0
        while s < m:
            head = k0[s] & mask
            e = s + 1
            mixed = False
            while e < m and (k0[e] & mask) == head:
                if k0[e] != k0[e - 1]:
                    mixed = True
                e += 1
            if mixed:
                _finish_run(k0[s:e], r0[s:e], k1[s:e], r1[s:e], rest)
            s = e
    return r0, k0


def _keys(keys) -> np.ndarray:
    keys = np.asarray(keys)
    if keys.ndim != 1:
        raise ValueError(f"keys must be 1-d, got shape {keys.shape}")
    if keys.dtype != np.uint64:
        if keys.dtype.kind not in "iu" and len(keys):
            raise TypeError(f"keys must be uint64, got {keys.dtype}")
        keys = keys.astype(np.uint64)
    keys = np.ascontiguousarray(keys)
    if keys.flags.writeable:  # read-only view: one Numba specialisation for every caller
        keys = keys.view()
        keys.flags.writeable = False
    return keys


@jit
def _starts(sk):
    """Group boundaries of sorted keys: [0, each change, len] (one array, no temporaries)."""
    g = 1 if len(sk) else 0
    for i in range(1, len(sk)):
        if sk[i] != sk[i - 1]:
            g += 1
    out = np.empty(g + 1, np.int64)
    out[0] = 0
    w = 1
    for i in range(1, len(sk)):
        if sk[i] != sk[i - 1]:
            out[w] = i
            w += 1
    out[g] = len(sk)
    return out


def group_by_key(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(order int64[m], starts int64[groups+1])``: the m rows with a non-zero key, stably sorted by
    key, and the group boundaries in ``order``."""
    order, sk = _sorted_nonzero(_keys(keys))
    return order, _starts(sk)


@jit
def _variant_keys(cols, b, ncols, out):
    # column by column: a tuple indexed at run time costs a branch per access, so never per row
    x = cols[b]
    for i in range(len(out)):
        out[i] = x[i]
    for c in range(1, ncols):
        y = cols[b + c]
        for i in range(len(out)):
            out[i] = combine1(out[i], y[i])


@jit
def _count_entries(cols, ncols, tmp):
    m = 0
    for v in range(len(cols) // ncols):
        _variant_keys(cols, v * ncols, ncols, tmp)
        for i in range(len(tmp)):
            if tmp[i] != _ZERO:
                m += 1
    return m


@jit
def _fill_entries(cols, ncols, tmp, keys, rows):
    w = 0
    for v in range(len(cols) // ncols):
        _variant_keys(cols, v * ncols, ncols, tmp)
        for i in range(len(tmp)):
            if tmp[i] != _ZERO:
                keys[w] = tmp[i]
                rows[w] = i
                w += 1


def key_groups(variants) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(rows, keys uint64[m], starts int64[groups+1])``: rows grouped by a composite key.

    ``variants`` is a list of tuples of uint64 code columns (one entry per row; every tuple of one
    length, every column of one length); a variant's columns make one key per row as
    ``hashing.combine`` folds them (0 when any is 0). The entries (row, key) of all variants, keys 0
    dropped, come stably sorted by key: within a group, variant by variant, rows ascending. That is
    :func:`group_by_key` of the variants' keys concatenated (``rows = order % n``), without the
    concatenation being made: the entries are counted, then written, then sorted. ``rows`` is
    int32 when there are fewer than 2**31 rows (a sort moves a third fewer bytes), else int64."""
    if not variants or not variants[0]:
        raise ValueError("key_groups needs at least one variant of at least one column")
    ncols = len(variants[0])
    if any(len(v) != ncols for v in variants):
        raise ValueError(f"every variant needs {ncols} columns, got {[len(v) for v in variants]}")
    cols = tuple(_keys(c) for v in variants for c in v)
    if len({len(c) for c in cols}) != 1:
        raise ValueError(f"columns must be of one length, got {sorted({len(c) for c in cols})}")
    n = len(cols[0])
    tmp = np.empty(n, np.uint64)
    m = _count_entries(cols, ncols, tmp)
    keys = np.empty(m, np.uint64)
    rows = np.empty(m, np.int32 if n < 2**31 else np.int64)
    _fill_entries(cols, ncols, tmp, keys, rows)
    del tmp
    rows, keys = _radix_sort(keys, rows)
    return rows, keys, _starts(keys)


@jit
def _collapse_groups(rows, starts, cells, stamp, keep, out_starts):
    stamp[:] = 0
    c = 0
    out_starts[0] = 0
    for g in range(len(starts) - 1):
        tag = g + 1
        for p in range(starts[g], starts[g + 1]):
            cell = cells[rows[p]]
            if stamp[cell] != tag:
                stamp[cell] = tag
                keep[p] = True
                c += 1
            else:
                keep[p] = False
        out_starts[g + 1] = c


def collapse_groups(rows: np.ndarray, keys: np.ndarray, starts: np.ndarray, cells: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Groups (as :func:`key_groups` makes them) keeping one entry per *cell* in each: the first
    entry of each value of ``cells[row]`` (non-negative ints, one per row), e.g. a strong
    component's label for its rows and a value of its own for any other row. Order is kept, and
    groups (none empties)."""
    cells = np.ascontiguousarray(cells)
    if cells.dtype.kind not in "iu":
        raise TypeError(f"cells must be integers, got {cells.dtype}")
    if len(rows) and (rows.min() < 0 or rows.max() >= len(cells)):
        raise ValueError(f"rows must index cells (0..{len(cells) - 1})")
    if len(cells) and cells.min() < 0:
        raise ValueError("cells must be non-negative")
    # a stamp per cell: the last group that kept it (int32 halves it when it can)
    stamp = np.empty(int(cells.max()) + 1 if len(cells) else 0, np.int32 if len(starts) < 2**31 else np.int64)
    keep = np.empty(len(rows), np.bool_)
    out_starts = np.empty(len(starts), np.int64)
    _collapse_groups(rows, starts, cells, stamp, keep, out_starts)
    del stamp
    return rows[keep], keys[keep], out_starts


def star_edges(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges ``(first row of the group, other row)`` for every group of equal non-zero keys."""
    return star_groups(*group_by_key(keys))


def star_groups(members: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`star_edges` over groups made already: (each group's first member, another member)."""
    sizes = np.diff(starts)
    left = np.repeat(members[starts[:-1]].astype(np.int64), sizes - 1)
    rest = np.ones(len(members), dtype=bool)
    rest[starts[:-1]] = False
    return left, members[rest].astype(np.int64)


@jit(parallel=True)
def _fill_pairs(order, starts, limits, pos, left, right):
    # each group writes only its own slice [pos[g], pos[g+1]): race-free across threads
    for g in prange(len(starts) - 1):
        s = starts[g]
        e = starts[g + 1]
        lim = limits[g]
        w = pos[g]
        for p in range(s, e):
            r = order[p]
            for p2 in range(p + 1, min(e, p + 1 + lim)):
                left[w] = r
                right[w] = order[p2]
                w += 1


def _plan(keys, cap: int, window: int):
    keys = _keys(keys)
    order, starts = group_by_key(keys)
    return (keys, order, starts, *_plan_groups(starts, cap, window))


def _plan_groups(starts, cap: int, window: int):
    if cap < 1 or window < 0:
        raise ValueError(f"cap must be >= 1 and window >= 0, got cap={cap}, window={window}")
    sizes = np.diff(starts)
    big = sizes > cap
    limits, pos = _limits(sizes, cap, window)
    return sizes, big, limits, pos


@jit
def _limits(sizes, cap, window):
    """Per group: each row meets the next ``lim`` rows, lim = size-1 (all pairs) or ``window`` in
    a group over ``cap``; and the groups' pair offsets (sum over t<size of min(lim, t) each)."""
    limits = np.empty(len(sizes), np.int64)
    pos = np.empty(len(sizes) + 1, np.int64)
    pos[0] = 0
    for g in range(len(sizes)):
        n = sizes[g]
        lim = max(n - 1, 0)
        if n > cap:
            lim = min(window, lim)
        limits[g] = lim
        pos[g + 1] = pos[g] + lim * (lim - 1) // 2 + (n - lim) * lim
    return limits, pos


def block_pairs(keys: np.ndarray, cap: int, window: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(left, right, big_keys, big_sizes)``: all pairs in groups of size <= ``cap``, windowed pairs
    in larger groups, which are reported (key, size) in ascending key order."""
    keys, order, starts, sizes, big, limits, pos = _plan(keys, cap, window)
    left = np.empty(pos[-1], dtype=np.int64)
    right = np.empty(pos[-1], dtype=np.int64)
    if len(sizes):
        _fill_pairs(order, starts, limits, pos, left, right)
    return left, right, keys[order[starts[:-1][big]]], sizes[big].astype(np.int64)


@jit
def _usable(a, b, comp, value):
    return comp[a] != comp[b] and (value[a] == _ZERO or value[b] == _ZERO or value[a] == value[b])


@jit(parallel=True)
def _count_kept(order, starts, limits, comp, value, kept):
    for g in prange(len(starts) - 1):
        s = starts[g]
        e = starts[g + 1]
        lim = limits[g]
        c = 0
        for p in range(s, e):
            for p2 in range(p + 1, min(e, p + 1 + lim)):
                if _usable(order[p], order[p2], comp, value):
                    c += 1
        kept[g] = c


@jit(parallel=True)
def _fill_kept(order, starts, limits, comp, value, out_pos, left, right, codes):
    # into (left, right), or, when ``codes`` is not empty, into it as packed codes
    packed = len(codes) > 0
    for g in prange(len(starts) - 1):
        s = starts[g]
        e = starts[g + 1]
        lim = limits[g]
        w = out_pos[g]
        for p in range(s, e):
            r = order[p]
            for p2 in range(p + 1, min(e, p + 1 + lim)):
                r2 = order[p2]
                if _usable(r, r2, comp, value):  # (so r != r2)
                    if packed:
                        codes[w] = (np.uint64(min(r, r2)) << np.uint64(32)) | np.uint64(max(r, r2))
                    else:
                        left[w] = r
                        right[w] = r2
                    w += 1


def block_pairs_kept(keys: np.ndarray, cap: int, window: int, comp: np.ndarray, value: np.ndarray):
    """``(left, right, big_keys, big_sizes, pairs_in_blocks)``: the pairs of :func:`block_pairs`
    (same order) whose rows have different ``comp`` (int64 per row) and ``value`` (uint64 per
    row, 0 none) that is equal or missing on one side; ``pairs_in_blocks`` counts them all."""
    keys = _keys(keys)
    if len(comp) != len(keys) or len(value) != len(keys):
        raise ValueError(f"comp and value need one entry per key ({len(keys)}), got {len(comp)} and {len(value)}")
    order, starts = group_by_key(keys)
    left, right, big, sizes, total = group_pairs_kept(order, starts, cap, window, comp, value)
    return left, right, keys[order[starts[big]]], sizes, total


def group_pairs_kept(members: np.ndarray, starts: np.ndarray, cap: int, window: int, comp: np.ndarray,
                     value: np.ndarray, packed: bool = False):
    """:func:`block_pairs_kept` over groups made already (``members[starts[g]:starts[g+1]]``, as
    :func:`key_groups` or :func:`group_by_key` make them): ``(left, right, big, big_sizes,
    pairs_in_blocks)``, pairs of member values, ``comp`` and ``value`` indexed by member value,
    ``big`` the indices of the groups over ``cap``. With ``packed``, ``(codes, big, big_sizes,
    pairs_in_blocks)``: each pair as :func:`pack_pairs` codes it (unsorted, repeats kept), 8
    bytes a pair where ``left`` and ``right`` and their codes took 24."""
    sizes, big, limits, pos = _plan_groups(starts, cap, window)
    comp = np.ascontiguousarray(comp, np.int64)
    value = np.ascontiguousarray(value, np.uint64)
    if len(members) and (members.min() < 0 or members.max() >= min(len(comp), len(value))):
        raise ValueError(f"members must index comp and value ({len(comp)}, {len(value)} entries)")
    if packed and len(members) and members.max() >= _MAX_ROWS:
        raise ValueError("row indices must lie in [0, 2**32) to be packed into one uint64 per pair")
    kept = np.zeros(len(sizes), np.int64)
    if len(sizes):
        _count_kept(members, starts, limits, comp, value, kept)
    out_pos = np.zeros(len(sizes) + 1, np.int64)
    np.cumsum(kept, out=out_pos[1:])
    big_at, big_sizes = np.flatnonzero(big), sizes[big].astype(np.int64)
    m = int(out_pos[-1])
    left = np.empty(0 if packed else m, dtype=np.int64)
    right = np.empty(0 if packed else m, dtype=np.int64)
    codes = np.empty(m if packed else 0, dtype=np.uint64)
    if len(sizes) and m:
        _fill_kept(members, starts, limits, comp, value, out_pos, left, right, codes)
    if packed:
        return codes, big_at, big_sizes, int(pos[-1])
    return left, right, big_at, big_sizes, int(pos[-1])


@jit
def _kept(w, seed, thresh):
    return mix64(np.uint64(w) ^ seed) <= thresh


@jit(parallel=True)
def _count_sampled(pos, seed, thresh, kept):
    for g in prange(len(pos) - 1):
        c = 0
        for w in range(pos[g], pos[g + 1]):
            if _kept(w, seed, thresh):
                c += 1
        kept[g] = c


@jit(parallel=True)
def _fill_sampled(order, starts, limits, pos, seed, thresh, out_pos, left, right):
    for g in prange(len(starts) - 1):
        if out_pos[g + 1] == out_pos[g]:
            continue
        s = starts[g]
        e = starts[g + 1]
        lim = limits[g]
        w = pos[g]
        o = out_pos[g]
        for p in range(s, e):
            for p2 in range(p + 1, min(e, p + 1 + lim)):
                if _kept(w, seed, thresh):
                    left[o] = order[p]
                    right[o] = order[p2]
                    o += 1
                w += 1


def sample_mask(total: int, k: int, seed: int) -> np.ndarray:
    """Which of ``block_pairs``' ``total`` pairs :func:`sample_block_pairs` keeps (bool[total]):
    the same rule, for tests and callers that hold the full list."""
    thresh, s = _threshold(total, k, seed)
    out = np.zeros(total, dtype=np.bool_)
    if thresh is not None:
        _mask(s, thresh, out)
    return out


@jit
def _mask(seed, thresh, out):
    for w in range(len(out)):
        out[w] = _kept(w, seed, thresh)


_TOP = float(2**64)


def _threshold(total: int, k: int, seed: int) -> tuple[np.uint64, np.uint64]:
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    # kept when mix64(position ^ seed) <= thresh: probability k / total (every pair when k >= total)
    thresh = 2**64 - 1 if total <= k else max(int(k / total * _TOP), 1) - 1
    thresh = np.uint64(thresh) if k else None
    return thresh, np.uint64(mix64(np.uint64(seed & 0xFFFFFFFFFFFFFFFF)) | np.uint64(1))


def sample_block_pairs(keys: np.ndarray, cap: int, window: int, k: int, seed: int = 0
                       ) -> tuple[np.ndarray, np.ndarray, int]:
    """``(left, right, total)``: about ``k`` of :func:`block_pairs`' ``total`` pairs, each kept with
    probability ``k / total`` (all when ``total <= k``), in the same order; same seed, same pairs."""
    order, starts = group_by_key(_keys(keys))
    return sample_groups(order, starts, cap, window, k, seed)


def sample_groups(members: np.ndarray, starts: np.ndarray, cap: int, window: int, k: int, seed: int = 0
                  ) -> tuple[np.ndarray, np.ndarray, int]:
    """:func:`sample_block_pairs` over groups made already (pairs of member values)."""
    sizes, _, limits, pos = _plan_groups(starts, cap, window)
    total = int(pos[-1])
    thresh, s = _threshold(total, k, seed)
    kept = np.zeros(len(sizes), np.int64)
    if len(sizes) and thresh is not None:
        _count_sampled(pos, s, thresh, kept)
    out_pos = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(kept, out=out_pos[1:])
    left = np.empty(out_pos[-1], dtype=np.int64)
    right = np.empty(out_pos[-1], dtype=np.int64)
    if len(left):
        _fill_sampled(members, starts, limits, pos, s, thresh, out_pos, left, right)
    return left, right, total


@jit
def _pack(left, right, rows, out):
    """Each pair (through ``rows`` when it is not empty) as ``lo << 32 | hi`` into ``out``,
    self-pairs skipped; (pairs written, whether an index lay outside [0, 2**32))."""
    w = 0
    bad = False
    mapped = len(rows) > 0
    for i in range(len(left)):
        a = left[i]
        b = right[i]
        if mapped:
            a = rows[a]
            b = rows[b]
        if a == b:
            continue
        lo = min(a, b)
        hi = max(a, b)
        if lo < 0 or hi >= _MAX_ROWS:
            bad = True
            continue
        out[w] = (np.uint64(lo) << np.uint64(32)) | np.uint64(hi)
        w += 1
    return w, bad


@jit
def _unique_sorted(a):
    """Drop repeats from sorted ``a`` in place; the count kept."""
    if len(a) == 0:
        return 0
    w = 1
    for i in range(1, len(a)):
        if a[i] != a[w - 1]:
            a[w] = a[i]
            w += 1
    return w


def _rows(x, what: str) -> np.ndarray:
    x = np.asarray(x)
    if len(x) and x.dtype.kind not in "iu":
        raise TypeError(f"{what} must be integer row indices")
    # int64 first: a uint64 >= 2**63 turns negative and is refused, as any negative index is
    return np.ascontiguousarray(x, np.int64)


def pack_pairs(left: np.ndarray, right: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Unique unordered pairs as sorted uint64 codes ``lo << 32 | hi`` (self-pairs dropped).

    With ``rows``, the pairs are ``(rows[left], rows[right])``. One pass writes the codes (the
    element-wise NumPy version made eight temporaries of the pairs' size: on a 142M-pair rule of
    the 10M city, 33 s of page faults where this takes 4)."""
    left = np.asarray(left)
    right = np.asarray(right)
    if left.ndim != 1 or left.shape != right.shape:
        raise ValueError(f"left and right must be 1-d of one length, got {left.shape}, {right.shape}")
    left, right = _rows(left, "left and right"), _rows(right, "left and right")
    rows = np.zeros(0, np.int64) if rows is None else _rows(rows, "rows")
    if len(rows) and len(left) and (min(left.min(), right.min()) < 0 or max(left.max(), right.max()) >= len(rows)):
        raise ValueError(f"left and right must index rows (0..{len(rows) - 1})")
    packed = np.empty(len(left), np.uint64)
    w, bad = _pack(left, right, rows, packed)
    if bad:
        raise ValueError("row indices must lie in [0, 2**32) to be packed into one uint64 per pair")
    return sort_unique(packed[:w])


def sort_unique(codes: np.ndarray) -> np.ndarray:
    """``codes`` sorted in place, repeats dropped: a view of them."""
    codes.sort()
    # not np.unique: numpy 2.4's took ~10 s on 6 M uint64 where sort + one pass takes 0.1 s
    return codes[:_unique_sorted(codes)]


def unpack_pairs(packed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (packed >> np.uint64(32)).astype(np.int64), (packed & np.uint64(0xFFFFFFFF)).astype(np.int64)


def dedup_pairs(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique unordered pairs as ``(left, right)`` int64 with ``left < right``, sorted, no self-pairs."""
    return unpack_pairs(pack_pairs(left, right))


@jit
def _merge_unique(a, ta, b, tb, out, tout):
    i = 0
    j = 0
    w = 0
    while i < len(a) and j < len(b):
        if a[i] < b[j]:
            out[w] = a[i]
            tout[w] = ta[i]
            i += 1
        elif b[j] < a[i]:
            out[w] = b[j]
            tout[w] = tb
            j += 1
        else:  # the earlier set's tag stands
            out[w] = a[i]
            tout[w] = ta[i]
            i += 1
            j += 1
        w += 1
    while i < len(a):
        out[w] = a[i]
        tout[w] = ta[i]
        i += 1
        w += 1
    while j < len(b):
        out[w] = b[j]
        tout[w] = tb
        j += 1
        w += 1
    return w


class PairSet:
    """Unique unordered pairs gathered set by set, each tagged with the first set that held it:
    a sorted uint64 code and a uint8 tag per pair (9 bytes), merged in linear time as each set
    arrives, so the sets' pair lists are never all held at once."""

    def __init__(self):
        self.codes = np.empty(0, np.uint64)
        self.tags = np.empty(0, np.uint8)

    def add(self, left: np.ndarray, right: np.ndarray, tag: int, rows: np.ndarray | None = None) -> None:
        """Merge in the pairs ``(left, right)`` (or ``(rows[left], rows[right])``) as set ``tag``."""
        self.add_codes(pack_pairs(left, right, rows), tag)

    def add_codes(self, b: np.ndarray, tag: int) -> None:
        """Merge in pairs as sorted unique :func:`pack_pairs` codes (:func:`sort_unique`)."""
        out = np.empty(len(self.codes) + len(b), np.uint64)
        tout = np.empty(len(out), np.uint8)
        w = _merge_unique(self.codes, self.tags, b, np.uint8(tag), out, tout)
        del b
        self.codes, self.tags = out[:w].copy() if w < len(out) else out, tout[:w].copy() if w < len(out) else tout

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(left, right, tag), sorted by (left, right)."""
        left, right = unpack_pairs(self.codes)
        return left, right, self.tags
