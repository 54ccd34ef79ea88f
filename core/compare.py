"""Pairwise comparators for record linkage: one value per candidate pair of ONE table.

Every public function takes per-row arrays plus ``left``/``right`` (int64 row indices of equal
length) and returns one value per pair. Strings are CSR code points (``codes`` uint32, ``offsets``
int64 n+1), as ``weft.linkage.arrow.decode`` produces them; nulls decode to empty rows, so the
string similarities see them as ``""`` and the caller masks them with ``valid``. The level
comparators take ``valid`` and give level 0 to a pair with either side null. Empty strings that
are valid are values, not nulls: pass ``valid=False`` for them if they mean "missing".

Similarities and distances
    ``jaro``, ``jaro_winkler`` (float32; two empty strings 1.0, one empty 0.0), ``levenshtein``,
    ``osa`` (restricted Damerau), ``damerau`` (unrestricted) (int32), ``qgram_jaccard`` and
    ``set_overlap`` (float32).

Level enums (uint8; when several apply, the highest wins)

``DATE_LEVELS`` — ``days`` are int32 days since 1970-01-01:
    0 null (either side invalid), 1 different, 2 same year, 3 within ``within_days`` days (not
    equal), 4 day and month swapped (same year, d != m: 1990-03-04 vs 1990-04-03), 5 exact.

``ID_LEVELS`` — resident ID numbers as ASCII code points, any length:
    0 null, 1 different, 2 one adjacent transposition (same length, two neighbouring unequal
    characters swapped), 3 one substitution (same length, Hamming distance 1), 4 same 17-char body
    (both 18 long, only the check char differs), 5 15 <-> 18 equivalent (the 18 with chars [6:8],
    the century, dropped equals the 15), 6 equal.

``PHONE_LEVELS`` — normalised phone strings:
    0 null, 1 different, 2 one substitution or one adjacent transposition (same length), 3 equal.

``ADDRESS_LEVELS`` — uint64 component keys per row, 0 = unknown:
    0 null (either side has district, building and house all unknown), 1 different (districts
    both known and unequal — whatever else agrees — or nothing below agrees), 2 same district,
    3 same street or same community, 4 same building but not the same house (house keys differ
    or one is unknown: same building, different room is NOT the same house), 5 same house key.
    Each level needs its component known on both sides.

``NAME_LEVELS`` — person names by their key codes, code points and pinyin readings:
    0 null (either key null), 1 different, 2 similar (Jaro-Winkler >= ``similar``), 3 a pinyin
    reading in common (heteronyms, homophones), 4 close (Jaro-Winkler >= ``close``), 5 one side's
    former name is the other's name, 6 the same order-free pinyin key, 7 exact (equal keys).

``NUMBER_LEVELS`` — float64 values:
    0 null (NaN either side), 1 different, 2 within relative tolerance
    (``|a - b| <= rel_tol * max(|a|, |b|)``; an infinity is only ever equal or different),
    3 exactly equal.

Every wrapper checks its arrays (O(rows)) and pair indices (O(pairs)); ``check=False`` skips both,
for a caller that compares many chunks of pairs against one table it has checked once.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ._jit import jit

__all__ = [
    "ADDRESS_LEVELS",
    "DATE_LEVELS",
    "ID_LEVELS",
    "NAME_LEVELS",
    "NUMBER_LEVELS",
    "PHONE_LEVELS",
    "SHORT_MAX",
    "SHORT_NULL",
    "address_levels",
    "check_pairs",
    "damerau",
    "date_levels",
    "exact_levels",
    "id_levels",
    "id_levels_short",
    "jaro",
    "jaro_winkler",
    "levenshtein",
    "name_levels",
    "number_levels",
    "osa",
    "pack_short",
    "phone_levels",
    "phone_levels_short",
    "qgram_jaccard",
    "set_overlap",
    "set_signatures",
    "unpack_short",
]

DATE_LEVELS = ("null", "different", "same_year", "within_days", "day_month_swap", "exact")
ID_LEVELS = ("null", "different", "transposition", "substitution", "same_body", "id15_id18", "equal")
PHONE_LEVELS = ("null", "different", "one_edit", "equal")
ADDRESS_LEVELS = ("null", "different", "same_district", "same_street_or_community", "same_building",
                  "same_house")
NUMBER_LEVELS = ("null", "different", "within_tolerance", "equal")
NAME_LEVELS = ("null", "different", "similar", "shared_reading", "close", "former_name", "same_reading", "exact")

# Pairs per prange task in the string kernels: each task allocates its scratch once, so the
# allocation is amortised without per-thread bookkeeping (tasks own disjoint output slices). 1024
# pairs touch ~2048 rows, which stay in L2 between the gather and the compare pass.
_CHUNK = 1024

# fixed-width rows (pack_short): the widest row packed, and a null row's length
SHORT_MAX = 32
SHORT_NULL = 255

_U0 = np.uint64(0)
_U1 = np.uint64(1)
_ALL = ~np.uint64(0)


@jit
def _n_chunks(n):
    return (n + _CHUNK - 1) // _CHUNK


@jit
def _tasks(n):
    """(chunks, step) for ``n`` pairs: prange over the chunks, each task's pairs from :func:`_chunk`."""
    nc = _n_chunks(n)
    return nc, _stride(nc)


@jit
def _chunk(k, n, nc, step):
    """Pairs ``lo:hi`` of task ``k`` (see :func:`_stride`)."""
    lo = (k * step % nc) * _CHUNK
    return lo, min(n, lo + _CHUNK)


@jit
def _stride(nc):
    """A step coprime with ``nc`` near 0.618 ``nc``: task k takes chunk ``k * step % nc``.

    prange hands each thread one contiguous run of tasks, so chunks taken in order would give one
    thread all the slow pairs of a run of them (random pairs after cached ones, a city's dense
    districts); stepping scatters every thread's chunks over the whole range."""
    step = max(1, int(nc * 0.618))
    while True:
        a, b = nc, step
        while b:
            a, b = b, a % b
        if a == 1:
            return step
        step += 1


@jit
def _spans(codes, offsets, left, right, lo, hi, span):
    """Fill ``span[p - lo]`` with (start, length) of both rows of pairs ``lo:hi``.

    A tight loop that also touches each row's first code point, so the CPU overlaps the cache
    misses of many pairs; the compare pass then finds the rows cached. Random pairs over a 1 M-row
    table run ~2-3x faster this way. Returns the touched values for the caller to sink, or LLVM
    would drop the loads.
    """
    t = np.uint32(0)
    last = len(codes) - 1
    for p in range(lo, hi):
        a = left[p]
        b = right[p]
        s1 = offsets[a]
        s2 = offsets[b]
        k = p - lo
        span[k, 0] = s1
        span[k, 1] = offsets[a + 1] - s1
        span[k, 2] = s2
        span[k, 3] = offsets[b + 1] - s2
        if last >= 0:
            t ^= codes[min(s1, last)] ^ codes[min(s2, last)]
    return t


@jit
def _grow(buf, n):
    """``buf`` if it holds ``n`` items, else a new one; rare, so the reallocation is cheap overall."""
    if n <= len(buf):
        return buf
    return np.empty(max(n, 2 * len(buf)), dtype=buf.dtype)


@jit
def _peq(codes, s1, l1, c):
    """Bit i set where ``codes[s1 + i] == c`` (i < l1 <= 64); branch-free so LLVM vectorises it."""
    pm = _U0
    for i in range(l1):
        pm |= np.uint64(codes[s1 + i] == c) << np.uint64(i)
    return pm


# ------------------------------------------------------------------------------------ Jaro(-Winkler)


@jit
def _jaro_bits(codes, s1, l1, s2, l2, pms):
    """Jaro of non-empty rows of at most 64 code points, flags as bit sets.

    Each character of ``s1`` takes the first unflagged equal character of ``s2`` in its window,
    as in the textbook loop, but found as the lowest set bit of ``eq & window & ~flags``: no
    inner search loop whose exit the CPU would mispredict. ``pms`` keeps each ``eq`` mask
    for the transposition pass.
    """
    w = max(max(l1, l2) // 2 - 1, 0)
    f1 = _U0
    f2 = _U0
    m = 0
    for i in range(l1):
        pm = _peq(codes, s2, l2, codes[s1 + i])
        pms[i] = pm
        lo = max(0, i - w)
        hi = min(l2, i + w + 1)
        if lo >= hi:
            continue
        cand = pm & ~f2 & ((_ALL >> np.uint64(64 - (hi - lo))) << np.uint64(lo))
        if cand:
            f2 |= cand & (~cand + _U1)
            f1 |= _U1 << np.uint64(i)
            m += 1
    if m == 0:
        return 0.0
    # the k-th flagged char of s1 against the k-th flagged char of s2 (the lowest bit left)
    t = 0
    rest = f2
    for i in range(l1):
        if (f1 >> np.uint64(i)) & _U1:
            low = rest & (~rest + _U1)
            if not pms[i] & low:
                t += 1
            rest ^= low
    # half the mismatches, rounded down as rapidfuzz and jellyfish do (Winkler's text leaves it real)
    t //= 2
    return (m / l1 + m / l2 + (m - t) / m) / 3.0


@jit
def _jaro_pair(codes, s1, l1, s2, l2, f1, f2):
    """Jaro of non-empty rows of any length, flags as bool arrays (rows longer than 64)."""
    w = max(max(l1, l2) // 2 - 1, 0)
    for i in range(l1):
        f1[i] = False
    for j in range(l2):
        f2[j] = False
    m = 0
    for i in range(l1):
        c = codes[s1 + i]
        for j in range(max(0, i - w), min(l2, i + w + 1)):
            if not f2[j] and codes[s2 + j] == c:
                f1[i] = True
                f2[j] = True
                m += 1
                break
    if m == 0:
        return 0.0
    t = 0
    j = 0
    for i in range(l1):
        if f1[i]:
            while not f2[j]:
                j += 1
            if codes[s1 + i] != codes[s2 + j]:
                t += 1
            j += 1
    t //= 2
    return (m / l1 + m / l2 + (m - t) / m) / 3.0


@jit
def _jw(codes, s1, l1, s2, l2, prefix_weight, pms):
    """Jaro-Winkler of one pair (``pms``: 64 words of scratch)."""
    if l1 == 0 or l2 == 0:
        return 1.0 if l1 == l2 else 0.0
    if l1 <= 64 and l2 <= 64:
        sim = _jaro_bits(codes, s1, l1, s2, l2, pms)
    else:  # (rare: the flags' allocation is small beside the quadratic search)
        sim = _jaro_pair(codes, s1, l1, s2, l2, np.empty(l1, np.bool_), np.empty(l2, np.bool_))
    # Winkler's boost threshold 0.7, as in rapidfuzz and jellyfish; weight 0 gives plain Jaro.
    if prefix_weight > 0.0 and sim > 0.7:
        pre = 0
        lim = min(4, l1, l2)
        while pre < lim and codes[s1 + pre] == codes[s2 + pre]:
            pre += 1
        sim += pre * prefix_weight * (1.0 - sim)
    return sim


@jit(parallel=True)
def _jaro_kernel(codes, offsets, left, right, prefix_weight, out, sink):
    n = len(left)
    nc, stride = _tasks(n)
    for k in prange(nc):
        pms = np.empty(64, dtype=np.uint64)
        lo, hi = _chunk(k, n, nc, stride)
        span = np.empty((_CHUNK, 4), dtype=np.int64)
        sink[k] = _spans(codes, offsets, left, right, lo, hi, span)
        for p in range(lo, hi):
            s1, l1, s2, l2 = span[p - lo, 0], span[p - lo, 1], span[p - lo, 2], span[p - lo, 3]
            out[p] = _jw(codes, s1, l1, s2, l2, prefix_weight, pms)


# ------------------------------------------------------------------------------- edit distances


@jit
def _levenshtein_bits(codes, s1, l1, s2, l2):
    """Myers/Hyyrö bit-parallel Levenshtein, pattern ``s1`` of 1..64 code points."""
    vp = _ALL
    vn = _U0
    top = _U1 << np.uint64(l1 - 1)
    d = l1
    for j in range(l2):
        pm = _peq(codes, s1, l1, codes[s2 + j])
        x = pm | vn
        d0 = (((x & vp) + vp) ^ vp) | x
        hp = vn | ~(d0 | vp)
        hn = vp & d0
        if hp & top:
            d += 1
        elif hn & top:
            d -= 1
        x = (hp << _U1) | _U1
        vn = x & d0
        vp = (hn << _U1) | ~(x | d0)
    return d


@jit
def _osa_bits(codes, s1, l1, s2, l2):
    """Hyyrö (2003) bit-parallel optimal string alignment, pattern ``s1`` of 1..64 code points."""
    vp = _ALL
    vn = _U0
    d0 = _U0
    pm_old = _U0
    top = _U1 << np.uint64(l1 - 1)
    d = l1
    for j in range(l2):
        pm = _peq(codes, s1, l1, codes[s2 + j])
        tr = (((~d0) & pm) << _U1) & pm_old
        d0 = ((((pm & vp) + vp) ^ vp) | pm | vn) | tr
        hp = vn | ~(d0 | vp)
        hn = d0 & vp
        if hp & top:
            d += 1
        elif hn & top:
            d -= 1
        hp = (hp << _U1) | _U1
        hn = hn << _U1
        vp = hn | ~(d0 | hp)
        vn = hp & d0
        pm_old = pm
    return d


@jit
def _levenshtein_dp(codes, s1, l1, s2, l2, row):
    for i in range(l1 + 1):
        row[i] = i
    for j in range(1, l2 + 1):
        c = codes[s2 + j - 1]
        diag = row[0]
        row[0] = j
        for i in range(1, l1 + 1):
            up = row[i]
            v = diag + (codes[s1 + i - 1] != c)
            v = min(v, up + 1, row[i - 1] + 1)
            row[i] = v
            diag = up
    return row[l1]


@jit
def _osa_dp(codes, s1, l1, s2, l2, buf):
    """Three rolling rows of the OSA recurrence in ``buf[0:3 * (l1 + 1)]``."""
    w = l1 + 1
    for i in range(w):
        buf[w + i] = i  # row 0 in the "prev" slot; slot prev2 is first read at j = 2
    prev2, prev, cur = 0, w, 2 * w
    for j in range(1, l2 + 1):
        c = codes[s2 + j - 1]
        buf[cur] = j
        for i in range(1, l1 + 1):
            a = codes[s1 + i - 1]
            v = min(buf[prev + i - 1] + (a != c), buf[prev + i] + 1, buf[cur + i - 1] + 1)
            if i > 1 and j > 1 and a == codes[s2 + j - 2] and codes[s1 + i - 2] == c:
                v = min(v, buf[prev2 + i - 2] + 1)
            buf[cur + i] = v
        prev2, prev, cur = prev, cur, prev2
    return buf[prev + l1]


@jit
def _damerau_dp(codes, s1, l1, s2, l2, d, last):
    """Lowrance–Wagner unrestricted Damerau–Levenshtein.

    ``d`` is the (l1 + 2) x (l2 + 2) matrix with a sentinel row and column. Instead of an
    alphabet-sized "last row of each character" table (code points make that 1.1 M entries),
    ``last[j]`` keeps the last row whose character equals ``s2[j]``: the same value, per column.
    """
    w = l2 + 2
    big = l1 + l2
    d[0] = big
    d[w] = big
    for j in range(l2 + 1):
        d[j + 1] = big
        d[w + j + 1] = j
        last[j] = 0
    for i in range(1, l1 + 1):
        a = codes[s1 + i - 1]
        r = (i + 1) * w
        d[r] = big
        d[r + 1] = i
        db = 0
        for j in range(1, l2 + 1):
            k = last[j - 1]
            l = db
            if a == codes[s2 + j - 1]:
                cost = 0
                db = j
                last[j - 1] = i  # read above first: row i must see only rows < i
            else:
                cost = 1
            v = min(d[r - w + j] + cost, d[r + j] + 1, d[r - w + j + 1] + 1)
            v = min(v, d[k * w + l] + (i - k - 1) + 1 + (j - l - 1))
            d[r + j + 1] = v
    return d[(l1 + 1) * w + l2 + 1]


@jit(parallel=True)
def _edit_kernel(codes, offsets, left, right, kind, out, sink):
    """kind 0 Levenshtein, 1 OSA (both symmetric, so the shorter string is the bit pattern)."""
    n = len(left)
    nc, stride = _tasks(n)
    for k in prange(nc):
        buf = np.empty(64, dtype=np.int32)
        lo, hi = _chunk(k, n, nc, stride)
        span = np.empty((_CHUNK, 4), dtype=np.int64)
        sink[k] = _spans(codes, offsets, left, right, lo, hi, span)
        for p in range(lo, hi):
            s1, l1, s2, l2 = span[p - lo, 0], span[p - lo, 1], span[p - lo, 2], span[p - lo, 3]
            if l1 > l2:
                s1, l1, s2, l2 = s2, l2, s1, l1
            if l1 == 0:
                out[p] = l2
            elif l1 <= 64:
                out[p] = _levenshtein_bits(codes, s1, l1, s2, l2) if kind == 0 else _osa_bits(codes, s1, l1, s2, l2)
            elif kind == 0:
                buf = _grow(buf, l1 + 1)
                out[p] = _levenshtein_dp(codes, s1, l1, s2, l2, buf)
            else:
                buf = _grow(buf, 3 * (l1 + 1))
                out[p] = _osa_dp(codes, s1, l1, s2, l2, buf)


@jit(parallel=True)
def _damerau_kernel(codes, offsets, left, right, out, sink):
    n = len(left)
    nc, stride = _tasks(n)
    for k in prange(nc):
        d = np.empty(256, dtype=np.int32)
        last = np.empty(16, dtype=np.int32)
        lo, hi = _chunk(k, n, nc, stride)
        span = np.empty((_CHUNK, 4), dtype=np.int64)
        sink[k] = _spans(codes, offsets, left, right, lo, hi, span)
        for p in range(lo, hi):
            s1, l1, s2, l2 = span[p - lo, 0], span[p - lo, 1], span[p - lo, 2], span[p - lo, 3]
            if l1 < l2:  # matrix width follows l2: keep it the shorter side
                s1, l1, s2, l2 = s2, l2, s1, l1
            if l2 == 0:
                out[p] = l1
                continue
            d = _grow(d, (l1 + 2) * (l2 + 2))
            last = _grow(last, l2 + 1)
            out[p] = _damerau_dp(codes, s1, l1, s2, l2, d, last)


# ------------------------------------------------------------------------------- q-grams and sets


@jit
def _sort(g, n):
    """Sort ``g[:n]`` in place: insertion sort for the short rows names give, quicksort beyond."""
    if n > 16:
        g[:n].sort()
        return
    for i in range(1, n):
        v = g[i]
        j = i - 1
        while j >= 0 and g[j] > v:
            g[j + 1] = g[j]
            j -= 1
        g[j + 1] = v


@jit
def _grams(codes, s, l, q, g):
    """Pack the q-grams of ``codes[s:s+l]`` into ``g`` as (c+1) in 21-bit fields, then sort.

    c + 1 keeps a short string's single gram (fewer than q fields) apart from every full q-gram,
    and q <= 3 keeps the packing exact (3 x 21 bits), so equal keys mean equal grams.
    """
    if l < q:
        v = _U0
        for i in range(l):
            v = (v << np.uint64(21)) | np.uint64(codes[s + i] + 1)
        g[0] = v
        return 1
    ng = l - q + 1
    for i in range(ng):
        v = _U0
        for t in range(q):
            v = (v << np.uint64(21)) | np.uint64(codes[s + i + t] + 1)
        g[i] = v
    _sort(g, ng)
    return ng


@jit
def _distinct_overlap(a, na, b, nb):
    """(|A|, |B|, |A ∩ B|) as sets, from sorted ``a[:na]`` and ``b[:nb]`` (duplicates allowed)."""
    da = db = inter = 0
    i = j = 0
    while i < na or j < nb:
        if j >= nb or (i < na and a[i] < b[j]):
            v = a[i]
            da += 1
        elif i >= na or b[j] < a[i]:
            v = b[j]
            db += 1
        else:
            v = a[i]
            da += 1
            db += 1
            inter += 1
        while i < na and a[i] == v:
            i += 1
        while j < nb and b[j] == v:
            j += 1
    return da, db, inter


@jit(parallel=True)
def _qgram_kernel(codes, offsets, left, right, q, out, sink):
    n = len(left)
    nc, stride = _tasks(n)
    for k in prange(nc):
        ga = np.empty(64, dtype=np.uint64)
        gb = np.empty(64, dtype=np.uint64)
        lo, hi = _chunk(k, n, nc, stride)
        span = np.empty((_CHUNK, 4), dtype=np.int64)
        sink[k] = _spans(codes, offsets, left, right, lo, hi, span)
        for p in range(lo, hi):
            s1, l1, s2, l2 = span[p - lo, 0], span[p - lo, 1], span[p - lo, 2], span[p - lo, 3]
            if l1 == 0 or l2 == 0:
                out[p] = 1.0 if l1 == l2 else 0.0
                continue
            if l1 > len(ga) or l2 > len(gb):  # (a call per pair would cost its reference counting)
                ga = _grow(ga, l1)
                gb = _grow(gb, l2)
            na = _grams(codes, s1, l1, q, ga)
            nb = _grams(codes, s2, l2, q, gb)
            da, db, inter = _distinct_overlap(ga, na, gb, nb)
            out[p] = inter / (da + db - inter)


@jit(parallel=True)
def _sorted_rows(offsets, hashes, out):
    for i in prange(len(offsets) - 1):
        out[offsets[i]:offsets[i + 1]] = hashes[offsets[i]:offsets[i + 1]]
        _sort(out[offsets[i]:], offsets[i + 1] - offsets[i])


@jit(parallel=True)
def _set_overlap_kernel(offsets, hashes, left, right, out):
    for p in prange(len(left)):
        s1 = offsets[left[p]]
        e1 = offsets[left[p] + 1]
        s2 = offsets[right[p]]
        e2 = offsets[right[p] + 1]
        if s1 == e1 or s2 == e2:
            out[p] = 0.0
            continue
        da, db, inter = _distinct_overlap(hashes[s1:e1], e1 - s1, hashes[s2:e2], e2 - s2)
        out[p] = inter / min(da, db)


# ------------------------------------------------------------------------------------ person names


@jit
def _share(members, s1, e1, s2, e2):
    """Whether the sorted rows ``members[s1:e1]`` and ``members[s2:e2]`` have a member in common."""
    while s1 < e1 and s2 < e2:
        x = members[s1]
        y = members[s2]
        if x == y:
            return True
        if x < y:
            s1 += 1
        else:
            s2 += 1
    return False


@jit(parallel=True)
def _name_kernel(key, pinyin, former, codes, offsets, set_offsets, members, sigs, left, right, flags,
                 prefix_weight, close, similar, out, sink):
    """:data:`NAME_LEVELS`, a chunk of pairs at a time in phases: gather both sides' codes (a
    branch-free loop, so the random rows' cache misses overlap), settle what the codes settle
    (most candidate pairs), then gather and compare the code points and reading sets of the rest.
    Deciding pair by pair instead waits on each miss behind a mispredicted branch (2.5x slower on
    random pairs when measured)."""
    has_pinyin = (flags & 1) != 0
    has_former = (flags & 2) != 0
    has_sets = (flags & 4) != 0
    has_sigs = (flags & 8) != 0
    n = len(left)
    nc, stride = _tasks(n)
    for k in prange(nc):
        pms = np.empty(64, dtype=np.uint64)
        got = np.zeros((_CHUNK, 6), dtype=np.uint64)
        rest = np.empty(_CHUNK, dtype=np.int64)
        span = np.empty((_CHUNK, 4), dtype=np.int64)
        lo, hi = _chunk(k, n, nc, stride)
        for p in range(lo, hi):
            got[p - lo, 0] = key[left[p]]
            got[p - lo, 1] = key[right[p]]
        if has_pinyin:
            for p in range(lo, hi):
                got[p - lo, 2] = pinyin[left[p]]
                got[p - lo, 3] = pinyin[right[p]]
        if has_former:
            for p in range(lo, hi):
                got[p - lo, 4] = former[left[p]]
                got[p - lo, 5] = former[right[p]]
        m = 0
        for i in range(hi - lo):
            ka = got[i, 0]
            kb = got[i, 1]
            if ka == 0 or kb == 0:
                out[lo + i] = 0
            elif ka == kb:
                out[lo + i] = 7
            elif got[i, 2] != 0 and got[i, 2] == got[i, 3]:
                out[lo + i] = 6
            elif (got[i, 4] != 0 and got[i, 4] == kb) or (got[i, 5] != 0 and got[i, 5] == ka):
                out[lo + i] = 5
            else:
                rest[m] = lo + i
                m += 1
        t = np.uint32(0)
        last = len(codes) - 1
        for j in range(m):
            a = left[rest[j]]
            b = right[rest[j]]
            span[j, 0] = offsets[a]
            span[j, 1] = offsets[a + 1] - span[j, 0]
            span[j, 2] = offsets[b]
            span[j, 3] = offsets[b + 1] - span[j, 2]
            if last >= 0:
                t ^= codes[min(span[j, 0], last)] ^ codes[min(span[j, 2], last)]
        for j in range(m):
            # compared as float32, as the similarity arrays of :func:`jaro_winkler` are
            sim = np.float32(_jw(codes, span[j, 0], span[j, 1], span[j, 2], span[j, 3], prefix_weight, pms))
            out[rest[j]] = 4 if sim >= close else (2 if sim >= similar else 1)
        if has_sets:
            # the reading sets of the pairs left below "close", gathered first as the code points were
            q = 0
            top = len(members) - 1
            for j in range(m):
                if out[rest[j]] < 3:
                    rest[q] = rest[j]
                    q += 1
            if has_sigs:  # disjoint signatures, disjoint sets: most unrelated pairs stop here
                for j in range(q):
                    span[j, 0] = np.int64(sigs[left[rest[j]]] & sigs[right[rest[j]]] != 0)
                r = 0
                for j in range(q):
                    if span[j, 0]:
                        rest[r] = rest[j]
                        r += 1
                q = r
            for j in range(q):
                a = left[rest[j]]
                b = right[rest[j]]
                span[j, 0] = set_offsets[a]
                span[j, 1] = set_offsets[a + 1]
                span[j, 2] = set_offsets[b]
                span[j, 3] = set_offsets[b + 1]
                if top >= 0:
                    t ^= np.uint32(members[min(span[j, 0], top)] ^ members[min(span[j, 2], top)])
            for j in range(q):
                if _share(members, span[j, 0], span[j, 1], span[j, 2], span[j, 3]):
                    out[rest[j]] = 3
        sink[k] = t


@jit(parallel=True)
def _signature_kernel(offsets, hashes, out):
    for i in prange(len(offsets) - 1):
        sig = _U0
        for j in range(offsets[i], offsets[i + 1]):
            sig |= _U1 << (hashes[j] >> np.uint64(58))
        out[i] = sig


@jit(parallel=True)
def _exact_kernel(values, left, right, out):
    for p in prange(len(left)):
        x = values[left[p]]
        y = values[right[p]]
        out[p] = 0 if x == 0 or y == 0 else (2 if x == y else 1)


# ----------------------------------------------------------------------------------------- dates


@jit
def _civil(z):
    """(year, month, day) of day ``z`` since 1970-01-01, proleptic Gregorian.

    Howard Hinnant's ``civil_from_days``: 400-year eras of 146097 days, years starting in March so
    the leap day comes last. Numba's ``//`` floors like Python's, so negative eras need no fix-up.
    """
    z = np.int64(z) + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y = yoe + era * 400 + (1 if m <= 2 else 0)
    return y, m, d


_NO_DAY = np.int64(-(2 ** 40))  # (beyond any int32 day)


@jit
def _date_level(x, z, within):
    if x == _NO_DAY or z == _NO_DAY:
        return 0
    if x == z:
        return 5
    y1, m1, d1 = _civil(x)
    y2, m2, d2 = _civil(z)
    if y1 == y2 and m1 == d2 and d1 == m2:  # d1 != m1 here, else the dates would be equal
        return 4
    if abs(x - z) <= within:
        return 3
    return 2 if y1 == y2 else 1


@jit(parallel=True)
def _date_kernel(days, valid, left, right, within, out):
    n = len(left)
    nc, stride = _tasks(n)
    for k in prange(nc):
        lo, hi = _chunk(k, n, nc, stride)
        got = np.empty((_CHUNK, 2), dtype=np.int64)
        for p in range(lo, hi):  # (branch-free: the misses of a chunk's rows overlap)
            a = left[p]
            b = right[p]
            got[p - lo, 0] = days[a] if valid[a] else _NO_DAY
            got[p - lo, 1] = days[b] if valid[b] else _NO_DAY
        for p in range(lo, hi):
            out[p] = _date_level(got[p - lo, 0], got[p - lo, 1], within)


# ------------------------------------------------------------------------------- IDs and phones


@jit
def _near(codes, s1, s2, l):
    """Equal-length rows: 0 equal, 1 one substitution, 2 one adjacent transposition, 3 otherwise."""
    first = -1
    diff = 0
    for i in range(l):
        if codes[s1 + i] != codes[s2 + i]:
            diff += 1
            if diff > 2:
                return 3
            if first < 0:
                first = i
    if diff < 2:
        return diff
    i = first
    # the second mismatch must be i + 1 (diff == 2 and both are checked) and the pair crossed
    if (i + 1 < l and codes[s1 + i] == codes[s2 + i + 1] and codes[s1 + i + 1] == codes[s2 + i]):
        return 2
    return 3


@jit
def _id_pair(codes, s1, l1, s2, l2):
    if l1 == l2:
        near = _near(codes, s1, s2, l1)
        if near == 0:
            return 6
        if near == 1:
            return 4 if l1 == 18 and codes[s1 + 17] != codes[s2 + 17] else 3
        return 2 if near == 2 else 1
    if l1 == 18 and l2 == 15:
        s1, s2 = s2, s1
    elif not (l1 == 15 and l2 == 18):
        return 1
    # s1 is the 15: region [0:6] then yymmdd + sequence, i.e. the 18's [8:17]
    for i in range(15):
        if codes[s1 + i] != codes[s2 + (i if i < 6 else i + 2)]:
            return 1
    return 5


@jit
def _phone_pair(codes, s1, l1, s2, l2):
    if l1 != l2:
        return 1
    near = _near(codes, s1, s2, l1)
    return 3 if near == 0 else (2 if near < 3 else 1)


@jit(parallel=True)
def _short_kernel(codes, offsets, valid, left, right, what, out, sink):
    """ID numbers (``what`` 0) or phones (1), a chunk at a time: the rows are gathered and touched
    first (:func:`_spans`), so the random pairs' cache misses overlap."""
    n = len(left)
    nc, stride = _tasks(n)
    for k in prange(nc):
        lo, hi = _chunk(k, n, nc, stride)
        span = np.empty((_CHUNK, 4), dtype=np.int64)
        sink[k] = _spans(codes, offsets, left, right, lo, hi, span)
        for p in range(lo, hi):
            if not (valid[left[p]] and valid[right[p]]):
                out[p] = 0
                continue
            s1, l1, s2, l2 = span[p - lo, 0], span[p - lo, 1], span[p - lo, 2], span[p - lo, 3]
            out[p] = _id_pair(codes, s1, l1, s2, l2) if what == 0 else _phone_pair(codes, s1, l1, s2, l2)


@jit(parallel=True)
def _pack_kernel(codes, offsets, valid, rows):
    for i in prange(len(offsets) - 1):
        s = offsets[i]
        m = offsets[i + 1] - s
        rows[i, 0] = m if valid[i] else SHORT_NULL
        for j in range(m):
            rows[i, 1 + j] = codes[s + j]


@jit(parallel=True)
def _short_rows_kernel(rows, left, right, what, out):
    """:func:`_short_kernel` over fixed-width rows: a side's length and characters share a cache
    line, one miss per side where offsets, code points and validity cost three."""
    flat = rows.reshape(-1)
    width = rows.shape[1]
    n = len(left)
    nc, stride = _tasks(n)
    for k in prange(nc):
        lo, hi = _chunk(k, n, nc, stride)
        lens = np.empty((_CHUNK, 2), dtype=np.int64)
        for p in range(lo, hi):  # (branch-free: the misses of a chunk's rows overlap)
            lens[p - lo, 0] = flat[left[p] * width]
            lens[p - lo, 1] = flat[right[p] * width]
        for p in range(lo, hi):
            l1 = lens[p - lo, 0]
            l2 = lens[p - lo, 1]
            if l1 == SHORT_NULL or l2 == SHORT_NULL:
                out[p] = 0
                continue
            s1 = left[p] * width + 1
            s2 = right[p] * width + 1
            out[p] = _id_pair(flat, s1, l1, s2, l2) if what == 0 else _phone_pair(flat, s1, l1, s2, l2)


# ------------------------------------------------------------------------- addresses and numbers


@jit
def _same(x, y):
    return x != 0 and x == y


@jit(parallel=True)
def _address_kernel(district, street, community, building, house, left, right, out):
    for p in prange(len(left)):
        a = left[p]
        b = right[p]
        if (district[a] == 0 and building[a] == 0 and house[a] == 0) or (
                district[b] == 0 and building[b] == 0 and house[b] == 0):
            out[p] = 0
        elif district[a] != 0 and district[b] != 0 and district[a] != district[b]:
            out[p] = 1
        elif _same(house[a], house[b]):
            out[p] = 5
        elif _same(building[a], building[b]):
            out[p] = 4
        elif _same(street[a], street[b]) or _same(community[a], community[b]):
            out[p] = 3
        elif _same(district[a], district[b]):
            out[p] = 2
        else:
            out[p] = 1


@jit(parallel=True)
def _number_kernel(values, left, right, rel_tol, out):
    for p in prange(len(left)):
        x = values[left[p]]
        y = values[right[p]]
        if np.isnan(x) or np.isnan(y):
            out[p] = 0
        elif x == y:
            out[p] = 3
        # inf - inf is NaN and inf <= rel_tol * inf holds: keep infinities out of the tolerance
        elif np.isfinite(x) and np.isfinite(y) and abs(x - y) <= rel_tol * max(abs(x), abs(y)):
            out[p] = 2
        else:
            out[p] = 1


# ------------------------------------------------------------------------------- public wrappers


def _pairs(left, right, n: int, check: bool = True) -> tuple[np.ndarray, np.ndarray]:
    left = np.ascontiguousarray(left, dtype=np.int64)
    right = np.ascontiguousarray(right, dtype=np.int64)
    if left.ndim != 1 or left.shape != right.shape:
        raise ValueError(f"left and right must be 1-d and of equal length, got {left.shape} and {right.shape}")
    # Kernels run without bounds checks: an index out of range would read foreign memory.
    for name, idx in (("left", left), ("right", right)) if check else ():
        if len(idx) and (idx.min() < 0 or idx.max() >= n):
            raise IndexError(f"{name} holds row indices outside [0, {n})")
    return left, right


def check_pairs(left, right, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``left``/``right`` as contiguous int64, checked to be 1-d, of equal length and within
    ``[0, n)``: ValueError or IndexError otherwise (do this once, then pass ``check=False``)."""
    return _pairs(left, right, n)


def _check_csr(offsets: np.ndarray, size: int, what: str) -> None:
    if offsets[0] < 0 or offsets[-1] > size or (np.diff(offsets) < 0).any():
        raise ValueError(f"{what} must be non-decreasing positions within their values")


def _strings(codes, offsets, check: bool = True) -> tuple[np.ndarray, np.ndarray]:
    codes = np.ascontiguousarray(codes)
    if codes.dtype not in (np.uint8, np.uint16, np.uint32):  # (narrow code points: ASCII columns)
        codes = codes.astype(np.uint32)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    if offsets.ndim != 1 or len(offsets) == 0:
        raise ValueError("offsets must be a 1-d array of n+1 positions")
    if check:  # (O(rows): a caller comparing many chunks against one table checks it once)
        _check_csr(offsets, len(codes), "offsets")
    return codes, offsets


def _valid(valid, n: int) -> np.ndarray:
    valid = np.ascontiguousarray(valid, dtype=np.bool_)
    if valid.shape != (n,):
        raise ValueError(f"valid must have one entry per row ({n}), got shape {valid.shape}")
    return valid


def _sink(out: np.ndarray) -> np.ndarray:
    """One slot per chunk for :func:`_spans`' touched values."""
    return np.empty((len(out) + _CHUNK - 1) // _CHUNK, dtype=np.uint32)


def _string_args(codes, offsets, left, right, check: bool = True):
    codes, offsets = _strings(codes, offsets, check)
    left, right = _pairs(left, right, len(offsets) - 1, check)
    return codes, offsets, left, right


def jaro(codes, offsets, left, right, check: bool = True) -> np.ndarray:
    """Jaro similarity of each pair of code-point rows: float32, 1.0 for two empty strings."""
    codes, offsets, left, right = _string_args(codes, offsets, left, right, check)
    out = np.empty(len(left), dtype=np.float32)
    _jaro_kernel(codes, offsets, left, right, 0.0, out, _sink(out))
    return out


def jaro_winkler(codes, offsets, left, right, prefix_weight: float = 0.1, check: bool = True) -> np.ndarray:
    """Jaro–Winkler similarity (common prefix up to 4, boost only above Jaro 0.7): float32.

    Agrees with ``rapidfuzz.distance.JaroWinkler.similarity``; jellyfish differs only in giving
    two empty strings 0.0 where this (and rapidfuzz) gives 1.0.
    """
    prefix_weight = float(prefix_weight)
    if not 0.0 <= prefix_weight <= 0.25:
        raise ValueError(f"prefix_weight must lie in [0, 0.25] to keep similarities <= 1, got {prefix_weight}")
    codes, offsets, left, right = _string_args(codes, offsets, left, right, check)
    out = np.empty(len(left), dtype=np.float32)
    _jaro_kernel(codes, offsets, left, right, prefix_weight, out, _sink(out))
    return out


def levenshtein(codes, offsets, left, right, check: bool = True) -> np.ndarray:
    """Levenshtein distance (insert, delete, substitute) over code points: int32."""
    codes, offsets, left, right = _string_args(codes, offsets, left, right, check)
    out = np.empty(len(left), dtype=np.int32)
    _edit_kernel(codes, offsets, left, right, 0, out, _sink(out))
    return out


def osa(codes, offsets, left, right, check: bool = True) -> np.ndarray:
    """Optimal string alignment (restricted Damerau: adjacent transpositions, no substring edited
    twice) over code points: int32."""
    codes, offsets, left, right = _string_args(codes, offsets, left, right, check)
    out = np.empty(len(left), dtype=np.int32)
    _edit_kernel(codes, offsets, left, right, 1, out, _sink(out))
    return out


def damerau(codes, offsets, left, right, check: bool = True) -> np.ndarray:
    """Unrestricted Damerau–Levenshtein distance over code points: int32.

    O(len1 * len2) time and memory per pair; meant for names and addresses, not documents.
    """
    codes, offsets, left, right = _string_args(codes, offsets, left, right, check)
    out = np.empty(len(left), dtype=np.int32)
    _damerau_kernel(codes, offsets, left, right, out, _sink(out))
    return out


def qgram_jaccard(codes, offsets, left, right, q: int = 2, check: bool = True) -> np.ndarray:
    """Jaccard similarity of the SETS of q-grams (no padding): float32.

    A non-empty string shorter than ``q`` is one gram, itself; two empty strings give 1.0, one
    empty string 0.0. ``q`` is 1, 2 or 3, so a gram packs exactly into 63 bits.
    """
    q = int(q)
    if q not in (1, 2, 3):
        raise ValueError(f"q must be 1, 2 or 3, got {q}")
    codes, offsets, left, right = _string_args(codes, offsets, left, right, check)
    out = np.empty(len(left), dtype=np.float32)
    _qgram_kernel(codes, offsets, left, right, q, out, _sink(out))
    return out


def sort_set_rows(set_offsets, set_hashes) -> np.ndarray:
    """A copy of ``set_hashes`` with each row sorted: pass it to :func:`set_overlap` with
    ``rows_sorted=True`` to compare many pair chunks against one sort."""
    offsets = np.ascontiguousarray(set_offsets, dtype=np.int64)
    hashes = np.ascontiguousarray(set_hashes, dtype=np.uint64)
    out = np.empty_like(hashes)
    if len(offsets) > 1:
        _sorted_rows(offsets, hashes, out)
    return out


def set_overlap(set_offsets, set_hashes, left, right, rows_sorted: bool = False,
                check: bool = True) -> np.ndarray:
    """Overlap coefficient |A ∩ B| / min(|A|, |B|) of rows of uint64 hashes: float32.

    Row i is the set ``set_hashes[set_offsets[i]:set_offsets[i+1]]``; order and duplicates do not
    matter. 0.0 if either set is empty. Rows are sorted once here, not once per pair (not at all
    with ``rows_sorted``, which promises each row is sorted already: :func:`sort_set_rows`).
    """
    hashes, offsets = set_hashes, set_offsets
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    hashes = np.ascontiguousarray(hashes, dtype=np.uint64)
    if offsets.ndim != 1 or len(offsets) == 0:
        raise ValueError("set_offsets must be a 1-d array of n+1 positions")
    if check:
        _check_csr(offsets, len(hashes), "set_offsets")
    left, right = _pairs(left, right, len(offsets) - 1, check)
    if rows_sorted:
        srt = hashes
    else:
        srt = np.empty_like(hashes)
        _sorted_rows(offsets, hashes, srt)
    out = np.empty(len(left), dtype=np.float32)
    _set_overlap_kernel(offsets, srt, left, right, out)
    return out


def name_levels(key, codes, offsets, left, right, *, pinyin=None, former=None, sets=None,
                close: float = 0.92, similar: float = 0.80, prefix_weight: float = 0.1,
                check: bool = True) -> np.ndarray:
    """:data:`NAME_LEVELS` per pair of person names.

    ``key``: uint64 code of each row's name key (0 = null); ``codes``/``offsets``: the keys' code
    points for Jaro-Winkler; ``pinyin``: uint64 code of the order-free pinyin key; ``former``:
    uint64 key code of a former name (compared with the other side's key); ``sets``: (offsets,
    members) CSR of uint64 reading codes, each row sorted (:func:`sort_set_rows`), and optionally
    their :func:`set_signatures` third, which settle most pairs without reading the sets. Similarities
    are compared as float32 values. ``check=False`` skips the O(rows) validation of arrays a
    caller has validated once (the pair indices are never checked then: they must lie in range).
    """
    close, similar, prefix_weight = float(close), float(similar), float(prefix_weight)
    if not 0.0 <= prefix_weight <= 0.25:
        raise ValueError(f"prefix_weight must lie in [0, 0.25], got {prefix_weight}")
    key = np.ascontiguousarray(key, dtype=np.uint64)
    n = len(key)
    codes, offsets = _strings(codes, offsets, check)
    flags = 0
    arrays = []
    for bit, arr in ((1, pinyin), (2, former)):
        if arr is None:
            arrays.append(key)  # (never read: its flag is off)
        else:
            arr = np.ascontiguousarray(arr, dtype=np.uint64)
            if arr.shape != (n,):
                raise ValueError(f"pinyin and former codes need one entry per row ({n}), got {arr.shape}")
            arrays.append(arr)
            flags |= bit
    sigs = key  # (never read unless given: its flag is off)
    if sets is None:
        set_offsets, members = offsets, np.zeros(1, np.uint64)
    else:
        set_offsets = np.ascontiguousarray(sets[0], dtype=np.int64)
        members = np.ascontiguousarray(sets[1], dtype=np.uint64)
        flags |= 4
        if check:
            _check_csr(set_offsets, len(members), "set offsets")
        if len(sets) > 2:
            sigs = np.ascontiguousarray(sets[2], dtype=np.uint64)
            if sigs.shape != (n,):
                raise ValueError(f"set signatures need one entry per row ({n}), got {sigs.shape}")
            if check and not np.array_equal(sigs, set_signatures(set_offsets, members)):
                raise ValueError("set signatures are not those of the sets")
            flags |= 8
    if len(offsets) != n + 1 or len(set_offsets) != n + 1:
        raise ValueError(f"offsets and set offsets need {n + 1} positions, one row per key")
    left, right = _pairs(left, right, n, check)
    out = np.empty(len(left), dtype=np.uint8)
    if len(left):
        _name_kernel(key, arrays[0], arrays[1], codes, offsets, set_offsets, members, sigs, left, right, flags,
                     prefix_weight, np.float32(close), np.float32(similar), out, _sink(out))
    return out


def set_signatures(set_offsets, set_hashes) -> np.ndarray:
    """uint64 per row: bit ``h >> 58`` set for each member hash ``h`` (hashes mix their top bits).

    Rows whose signatures share no bit share no member; :func:`name_levels` reads the sets only
    of pairs whose signatures meet (a few percent of unrelated names)."""
    offsets = np.ascontiguousarray(set_offsets, dtype=np.int64)
    hashes = np.ascontiguousarray(set_hashes, dtype=np.uint64)
    if offsets.ndim != 1 or len(offsets) == 0:
        raise ValueError("set_offsets must be a 1-d array of n+1 positions")
    _check_csr(offsets, len(hashes), "set_offsets")
    out = np.zeros(len(offsets) - 1, np.uint64)
    _signature_kernel(offsets, hashes, out)
    return out


def exact_levels(values, left, right, check: bool = True) -> np.ndarray:
    """0 null (either value 0), 1 different, 2 equal, per pair of integer codes."""
    values = np.ascontiguousarray(values)
    if values.ndim != 1 or values.dtype.kind not in "iu":
        raise ValueError(f"values must be a 1-d integer array, got {values.dtype} of shape {values.shape}")
    left, right = _pairs(left, right, len(values), check)
    out = np.empty(len(left), dtype=np.uint8)
    if len(left):
        _exact_kernel(values, left, right, out)
    return out


def date_levels(days, valid, left, right, within_days: int, check: bool = True) -> np.ndarray:
    """:data:`DATE_LEVELS` per pair; ``days`` int32 days since 1970-01-01 (any int32 is a date)."""
    within_days = int(within_days)
    if within_days < 0:
        raise ValueError(f"within_days must be >= 0, got {within_days}")
    days = np.ascontiguousarray(days, dtype=np.int32)
    valid = _valid(valid, len(days))
    left, right = _pairs(left, right, len(days), check)
    out = np.empty(len(left), dtype=np.uint8)
    _date_kernel(days, valid, left, right, np.int64(within_days), out)
    return out


def id_levels(codes, offsets, valid, left, right, check: bool = True) -> np.ndarray:
    """:data:`ID_LEVELS` per pair of ID numbers (CSR code points, compared exactly as given)."""
    codes, offsets, left, right = _string_args(codes, offsets, left, right, check)
    valid = _valid(valid, len(offsets) - 1)
    out = np.empty(len(left), dtype=np.uint8)
    _short_kernel(codes, offsets, valid, left, right, 0, out, _sink(out))
    return out


def phone_levels(codes, offsets, valid, left, right, check: bool = True) -> np.ndarray:
    """:data:`PHONE_LEVELS` per pair of normalised phone numbers (CSR code points)."""
    codes, offsets, left, right = _string_args(codes, offsets, left, right, check)
    valid = _valid(valid, len(offsets) - 1)
    out = np.empty(len(left), dtype=np.uint8)
    _short_kernel(codes, offsets, valid, left, right, 1, out, _sink(out))
    return out


def pack_short(codes, offsets, valid, max_width: int = SHORT_MAX) -> np.ndarray | None:
    """CSR strings as fixed-width rows, or None if a row is longer than ``max_width``.

    Row i is ``[length, c0, c1, ...]`` (zero-padded to the longest row), of the code points'
    dtype; a null row's length is :data:`SHORT_NULL`. ID numbers and phones fit in a row or two
    of cache: :func:`id_levels_short` and :func:`phone_levels_short` compare them with one miss
    per side."""
    codes, offsets = _strings(codes, offsets)
    n = len(offsets) - 1
    valid = _valid(valid, n)
    if not 0 <= max_width < SHORT_NULL:
        raise ValueError(f"max_width must lie in [0, {SHORT_NULL}), got {max_width}")
    width = int(np.diff(offsets).max()) if n else 0
    if width > max_width:
        return None
    rows = np.zeros((n, width + 1), codes.dtype)
    if n:
        _pack_kernel(codes, offsets, valid, rows)
    return rows


def unpack_short(rows: np.ndarray):
    """(codes, offsets, valid) of :func:`pack_short`'s rows."""
    rows = np.asarray(rows)
    valid = rows[:, 0] != SHORT_NULL
    lengths = np.where(valid, rows[:, 0], 0).astype(np.int64)
    offsets = np.zeros(len(rows) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    keep = np.arange(rows.shape[1] - 1) < lengths[:, None]
    return rows[:, 1:][keep], offsets, valid


def _short_rows(rows, left, right, what, check):
    rows = np.ascontiguousarray(rows)
    if rows.ndim != 2 or rows.shape[1] < 1 or rows.dtype not in (np.uint8, np.uint16, np.uint32):
        raise ValueError("rows must be pack_short's (rows, 1 + width) unsigned matrix")
    if check and len(rows) and ((rows[:, 0] > rows.shape[1] - 1) & (rows[:, 0] != SHORT_NULL)).any():
        raise ValueError("a row's length exceeds the rows' width")
    left, right = _pairs(left, right, len(rows), check)
    out = np.empty(len(left), dtype=np.uint8)
    if len(left):
        _short_rows_kernel(rows, left, right, what, out)
    return out


def id_levels_short(rows, left, right, check: bool = True) -> np.ndarray:
    """:func:`id_levels` of :func:`pack_short`'s rows."""
    return _short_rows(rows, left, right, 0, check)


def phone_levels_short(rows, left, right, check: bool = True) -> np.ndarray:
    """:func:`phone_levels` of :func:`pack_short`'s rows."""
    return _short_rows(rows, left, right, 1, check)


def address_levels(district, street, community, building, house, left, right, check: bool = True) -> np.ndarray:
    """:data:`ADDRESS_LEVELS` per pair; each component a uint64 key per row, 0 = unknown."""
    cols = [np.ascontiguousarray(c, dtype=np.uint64) for c in (district, street, community, building, house)]
    n = len(cols[0])
    if any(c.shape != (n,) for c in cols):
        raise ValueError("address components must be 1-d and of equal length")
    left, right = _pairs(left, right, n, check)
    out = np.empty(len(left), dtype=np.uint8)
    _address_kernel(*cols, left, right, out)
    return out


def number_levels(values, left, right, rel_tol: float, check: bool = True) -> np.ndarray:
    """:data:`NUMBER_LEVELS` per pair of float64 values (NaN = null)."""
    rel_tol = float(rel_tol)
    if not rel_tol >= 0.0:
        raise ValueError(f"rel_tol must be >= 0, got {rel_tol}")
    values = np.ascontiguousarray(values, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError("values must be 1-d")
    left, right = _pairs(left, right, len(values), check)
    out = np.empty(len(left), dtype=np.uint8)
    _number_kernel(values, left, right, rel_tol, out)
    return out
