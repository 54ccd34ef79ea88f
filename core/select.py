"""Pick per group: survivorship in golden records (DESIGN §5.8), rivals of a best match
(:func:`ambiguous_pairs`), and the runs of sorted keys that relations count (:func:`sorted_runs`).

Items are grouped once by a counting sort (:func:`group_dense`) or a sort of packed keys; each
kernel then scans every group's items in one pass, where a lexsort over all items did the same at
many times the cost.
"""

from __future__ import annotations

import numpy as np

from ._jit import jit

__all__ = ["FREQUENCY", "RECENCY", "TRUST", "ambiguous_pairs", "group_dense", "sorted_runs", "survivors"]


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
def _side_counts(left, right, keyless, other_key, starts):
    for i in range(len(left)):
        a = left[i]
        b = right[i]
        if keyless[a] and other_key[b] != 0:
            starts[a + 1] += 1
        if keyless[b] and other_key[a] != 0:
            starts[b + 1] += 1
    for g in range(len(starts) - 1):
        starts[g + 1] += starts[g]


@jit
def _ambiguous(left, right, w, keyless, other_key, margin, starts, drop):
    # each mention's sides: where it is the left one, then the right one, each in pair order
    # (an item is 2 * pair + role)
    pos = starts[:-1].copy()
    items = np.empty(starts[-1], np.int64)
    for role in range(2):
        for i in range(len(left)):
            m = left[i] if role == 0 else right[i]
            o = right[i] if role == 0 else left[i]
            if keyless[m] and other_key[o] != 0:
                items[pos[m]] = 2 * i + role
                pos[m] += 1
    for g in range(len(starts) - 1):
        best = -1
        for t in range(starts[g], starts[g + 1]):
            i = items[t] >> 1
            if best < 0 or w[i] > w[best >> 1]:  # (ties: the first)
                best = items[t]
        if best < 0:
            continue
        bound = w[best >> 1] - margin  # (float32, as the weights are)
        bk = other_key[right[best >> 1] if best & 1 == 0 else left[best >> 1]]
        amb = False
        for t in range(starts[g], starts[g + 1]):
            e = items[t]
            k = other_key[right[e >> 1] if e & 1 == 0 else left[e >> 1]]
            if k != bk and w[e >> 1] >= bound:
                amb = True
                break
        if amb:
            for t in range(starts[g], starts[g + 1]):
                drop[items[t] >> 1] = True


def ambiguous_pairs(left: np.ndarray, right: np.ndarray, w: np.ndarray, keyless: np.ndarray,
                    other_key: np.ndarray, margin: float) -> np.ndarray:
    """bool per pair: the pairs of a ``keyless`` mention whose best partner (greatest ``w``, ties
    to the first side: the mention's pairs as left, then as right, each in pair order) has a rival,
    a partner of another non-zero ``other_key`` (per row) within ``margin``; only partners with a
    non-zero key count. The sides are grouped by a counting sort in the same kernel, so nothing
    of the pairs' size is made but the items and the result (the NumPy version made a dozen
    arrays of twice the pairs' size: 43.9M pairs of entities at 10M persons held 4 GB)."""
    left = np.ascontiguousarray(left, dtype=np.int64)
    right = np.ascontiguousarray(right, dtype=np.int64)
    w = np.ascontiguousarray(w, dtype=np.float32)
    keyless = np.ascontiguousarray(keyless, dtype=np.bool_)
    other_key = np.ascontiguousarray(other_key, dtype=np.uint64)
    n = len(keyless)
    if len(right) != len(left) or len(w) != len(left):
        raise ValueError(f"left, right and w need one value per pair, got {len(left)}, {len(right)}, {len(w)}")
    if len(other_key) != n:
        raise ValueError(f"keyless and other_key need one value per row, got {n} and {len(other_key)}")
    if len(left) and (min(left.min(), right.min()) < 0 or max(left.max(), right.max()) >= n):
        raise ValueError(f"pairs must index rows (0..{n - 1})")
    drop = np.zeros(len(left), np.bool_)
    starts = np.zeros(n + 1, np.int64)
    _side_counts(left, right, keyless, other_key, starts)
    _ambiguous(left, right, w, keyless, other_key, np.float32(margin), starts, drop)
    return drop


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
