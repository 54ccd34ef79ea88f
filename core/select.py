"""Pick per group: survivorship in golden records (DESIGN §5.8), rivals of a best match, and the
runs of sorted keys that relations count (:func:`sorted_runs`).

Items are grouped once by a counting sort (:func:`group_dense`) or a sort of packed keys; each
kernel then scans every group's items in one pass, where a lexsort over all items did the same at
many times the cost.
"""

from __future__ import annotations

import numpy as np

from ._jit import jit

__all__ = ["FREQUENCY", "RECENCY", "TRUST", "group_dense", "rivals_within", "sorted_runs", "survivors"]


# --------------------------------------------------------------------------- survivorship per cell
# Golden records choose, per identity, among *cells*: the distinct values (hashes) of its mentions.
# A cell scores its trust (the highest of its mentions'), frequency (its mentions) and recency (the
# latest of its mentions'); the winner has the greatest scores in the criteria's order, then the
# lowest first row. One pass over identities with their rows grouped once, instead of sorting
# (identity, value) keys for every attribute.
TRUST, FREQUENCY, RECENCY = 0, 1, 2
_SMALL = 16  # groups up to this size are sorted by insertion: no allocation


@jit
def _group_dense(ident, k):
    starts = np.zeros(k + 1, np.int64)
    for i in range(len(ident)):
        starts[ident[i] + 1] += 1
    for g in range(k):
        starts[g + 1] += starts[g]
    pos = starts[:-1].copy()
    order = np.empty(len(ident), np.int64)
    for i in range(len(ident)):
        g = ident[i]
        order[pos[g]] = i
        pos[g] += 1
    return order, starts


def group_dense(ident: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows grouped by ``ident`` in 0..k-1, ascending within a group; the k+1 group bounds): a
    counting sort."""
    ident = np.ascontiguousarray(ident, dtype=np.int64)
    if len(ident) and (ident.min() < 0 or ident.max() >= k):
        raise ValueError(f"group ids must lie in [0, {k})")
    return _group_dense(ident, k)


@jit
def _survivors(order, starts, h, trust, recency, crit, pick):
    most = 0
    for g in range(len(starts) - 1):
        most = max(most, starts[g + 1] - starts[g])
    buf = np.empty(most, np.int64)
    cur = np.empty(3, np.int64)
    best = np.empty(3, np.int64)
    for g in range(len(starts) - 1):
        m = 0
        for t in range(starts[g], starts[g + 1]):
            r = order[t]
            if h[r] != 0:
                buf[m] = r
                m += 1
        pick[g] = -1
        if m == 0:
            continue
        # rows by value, ascending rows within one value (both sorts are stable)
        if m <= _SMALL:
            for i in range(1, m):
                r = buf[i]
                j = i - 1
                while j >= 0 and h[buf[j]] > h[r]:
                    buf[j + 1] = buf[j]
                    j -= 1
                buf[j + 1] = r
        else:
            rows = buf[:m].copy()
            keys = np.empty(m, np.uint64)
            for i in range(m):
                keys[i] = h[rows[i]]
            o = np.argsort(keys, kind="mergesort")
            for i in range(m):
                buf[i] = rows[o[i]]
        i = 0
        while i < m:
            first = buf[i]
            value = h[first]
            cur[TRUST] = trust[first]
            cur[FREQUENCY] = 0
            cur[RECENCY] = recency[first]
            while i < m and h[buf[i]] == value:
                cur[TRUST] = max(cur[TRUST], trust[buf[i]])
                cur[RECENCY] = max(cur[RECENCY], recency[buf[i]])
                cur[FREQUENCY] += 1
                i += 1
            better = pick[g] < 0
            if not better:
                decided = False
                for c in crit:
                    if cur[c] != best[c]:
                        better = cur[c] > best[c]
                        decided = True
                        break
                if not decided:
                    better = first < pick[g]
            if better:
                pick[g] = first
                best[:] = cur


def survivors(order: np.ndarray, starts: np.ndarray, h: np.ndarray, trust: np.ndarray, recency: np.ndarray,
              criteria) -> np.ndarray:
    """int64 per group (:func:`group_dense`'s ``order, starts``): the first row of its winning cell
    (see above) among rows whose value hash ``h`` is non-zero, -1 when it has none. ``criteria``:
    :data:`TRUST`, :data:`FREQUENCY`, :data:`RECENCY` in the order they count."""
    n = len(order)
    h = np.ascontiguousarray(h, dtype=np.uint64)
    trust = np.ascontiguousarray(trust, dtype=np.int64)
    recency = np.ascontiguousarray(recency, dtype=np.int64)
    crit = np.asarray(list(criteria), dtype=np.int64)
    if not (len(h) == len(trust) == len(recency) == n) or (len(crit) and (crit.min() < 0 or crit.max() > 2)):
        raise ValueError("h, trust and recency need one value per row, criteria codes 0..2")
    pick = np.empty(len(starts) - 1, np.int64)
    _survivors(np.ascontiguousarray(order, dtype=np.int64), np.ascontiguousarray(starts, dtype=np.int64),
               h, trust, recency, crit, pick)
    return pick


# --------------------------------------------------------------------------- rivals within a margin
@jit
def _rivals(order, starts, w, key, margin, out):
    for g in range(len(starts) - 1):
        best = -1
        for t in range(starts[g], starts[g + 1]):
            i = order[t]
            if best < 0 or w[i] > w[best]:  # (ties: the first)
                best = i
        out[g] = False
        if best < 0:
            continue
        bound = w[best] - margin  # (float32, as the weights are)
        for t in range(starts[g], starts[g + 1]):
            i = order[t]
            if key[i] != key[best] and w[i] >= bound:
                out[g] = True
                break


def rivals_within(order: np.ndarray, starts: np.ndarray, w: np.ndarray, key: np.ndarray, margin: float) -> np.ndarray:
    """bool per group (:func:`group_dense`'s ``order, starts``): whether an item whose ``key``
    differs from the best item's (greatest ``w``, ties to the first) scores within ``margin`` of it.
    Weights and margin are float32."""
    w = np.ascontiguousarray(w, dtype=np.float32)
    key = np.ascontiguousarray(key, dtype=np.uint64)
    if len(w) != len(order) or len(key) != len(order):
        raise ValueError("w and key need one value per item")
    out = np.zeros(len(starts) - 1, np.bool_)
    _rivals(np.ascontiguousarray(order, dtype=np.int64), np.ascontiguousarray(starts, dtype=np.int64), w, key,
            np.float32(margin), out)
    return out


# --------------------------------------------------------------------------- runs of sorted keys
@jit
def _runs(hi, lo, s):
    n = len(lo)
    split = len(hi) > 0
    groups = 0
    cells = 0
    for i in range(n):
        if i == 0 or (split and hi[i] != hi[i - 1]) or lo[i] // s != lo[i - 1] // s:
            groups += 1
            cells += 1
        elif lo[i] != lo[i - 1]:
            cells += 1
    first = np.empty(groups, np.int64)
    count = np.zeros(groups, np.int64)
    offsets = np.empty(groups + 1, np.int64)
    members = np.empty(cells, np.int64)
    g = -1
    c = 0
    for i in range(n):
        if i == 0 or (split and hi[i] != hi[i - 1]) or lo[i] // s != lo[i - 1] // s:
            g += 1
            first[g] = i
            offsets[g] = c
            members[c] = lo[i] % s
            c += 1
        elif lo[i] != lo[i - 1]:
            members[c] = lo[i] % s
            c += 1
        count[g] += 1
    offsets[groups] = c
    return first, count, offsets, members


def sorted_runs(hi: np.ndarray, lo: np.ndarray, s: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Groups of entries sorted by ``(hi, lo)`` (uint64; ``hi`` may be empty: all zero), an entry's
    group being ``(hi, lo // s)`` and its member ``lo % s``: ``(first, count, offsets, members)``,
    each group's first entry and number of entries, and its distinct members (ascending) as
    ``members[offsets[g]:offsets[g + 1]]``. One pass (relations: the edges of a 10M city's records
    and their sources, where masks and gathers over every entry cost seconds each)."""
    lo = np.ascontiguousarray(lo, np.uint64)
    hi = np.ascontiguousarray(hi, np.uint64)
    if len(hi) and len(hi) != len(lo):
        raise ValueError(f"hi needs one entry per lo ({len(lo)}) or none, got {len(hi)}")
    if s < 1:
        raise ValueError(f"s must be >= 1, got {s}")
    return _runs(hi, lo, np.uint64(s))
