"""weft.core.hashing, .minhash, .blocking and .unionfind vs tests/naive.py and datasketch."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from weft.core import blocking, hashing, minhash, unionfind

from . import naive

MAX32 = 2**32 - 1
# Han (BMP and astral: 𠀀 U+20000, 𠮷 U+20BB7), ext-A 䶵, 〇, full-width digits, ASCII
CJK = "北京市朝阳区建国路号楼单元室海淀中关村大街道东西南北一二三"
RARE = "𠀀𠮷䶵〇１２"
ASCII = "abcXYZ019-# "


def csr(strings):
    """(codes, offsets, valid) of a list of str | None."""
    lens = [0 if s is None else len(s) for s in strings]
    offsets = np.zeros(len(strings) + 1, dtype=np.int64)
    np.cumsum(lens, out=offsets[1:])
    codes = np.fromiter((ord(c) for s in strings if s for c in s), dtype=np.uint32, count=int(offsets[-1]))
    return codes, offsets, np.array([s is not None for s in strings], dtype=bool)


def random_strings(rng, n, max_len=30):
    pools = [CJK, CJK + RARE, ASCII, CJK + ASCII + RARE]
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.05:
            out.append(None)
        elif r < 0.10:
            out.append("")
        else:
            pool = pools[rng.integers(len(pools))]
            out.append("".join(rng.choice(list(pool), rng.integers(1, max_len))))
    return out


def near_duplicates(rng, n_base, copies):
    """Base strings plus copies with one or two characters replaced: plenty of partial band hits."""
    base = [s for s in random_strings(rng, n_base, 24) if s]
    out = []
    for s in base:
        out.append(s)
        for _ in range(copies):
            t = list(s)
            for _ in range(rng.integers(1, 3)):
                t[rng.integers(len(t))] = rng.choice(list(CJK))
            out.append("".join(t))
    return out + [None, ""]


# ---------------------------------------------------------------------------------------- hashing


def test_hash_rows_matches_reference():
    strings = random_strings(np.random.default_rng(1), 600) + [None, "", "a", "\0", "𠀀", "a\0"]
    got = hashing.hash_rows(*csr(strings))
    assert got.dtype == np.uint64
    assert got.tolist() == [naive.row_hash64(s) for s in strings]


def test_hash_rows_contract():
    rng = np.random.default_rng(2)
    strings = random_strings(rng, 3000, 8) + ["", "", None]
    got = hashing.hash_rows(*csr(strings))
    valid = np.array([s is not None for s in strings])
    assert (got[~valid] == 0).all() and (got[valid] != 0).all()
    by_string = {}
    for s, h in zip(strings, got.tolist()):
        if s is not None:
            assert by_string.setdefault(s, h) == h  # equal strings, equal hashes
    assert len(set(by_string.values())) == len(by_string)  # distinct strings, distinct hashes


def test_hash_rows_reads_only_its_offsets():
    strings = random_strings(np.random.default_rng(3), 40)
    codes, offsets, valid = csr(strings)
    full = hashing.hash_rows(codes, offsets, valid)
    part = hashing.hash_rows(codes, offsets[10:21], valid[10:20])  # offsets need not start at 0
    assert np.array_equal(part, full[10:20])
    ro = codes.copy()
    ro.flags.writeable = False
    assert np.array_equal(hashing.hash_rows(ro, offsets, valid), full)


def test_hash_rows_edges():
    assert len(hashing.hash_rows(np.empty(0, np.uint32), np.zeros(1, np.int64), np.empty(0, bool))) == 0
    with pytest.raises(ValueError):
        hashing.hash_rows(np.zeros(3, np.uint32), np.array([0, 2, 1]), np.ones(2, bool))
    with pytest.raises(ValueError):
        hashing.hash_rows(np.zeros(3, np.uint32), np.array([0, 4]), np.ones(1, bool))
    with pytest.raises(ValueError):
        hashing.hash_rows(np.zeros(3, np.uint32), np.array([0, 3]), np.ones(2, bool))


def test_combine_and_mix64():
    rng = np.random.default_rng(4)
    a = rng.integers(0, 2**64, 500, dtype=np.uint64, endpoint=False)
    b = rng.integers(0, 2**64, 500, dtype=np.uint64, endpoint=False)
    a[:20] = 0
    b[10:30] = 0
    got = hashing.combine(a, b)
    assert got.tolist() == [naive.combine_hash64(int(x), int(y)) for x, y in zip(a, b)]
    assert (got[:30] == 0).all() and (got[30:] != 0).all()
    assert not np.array_equal(got[30:], hashing.combine(b, a)[30:])  # ordered pairs
    for x in [0, 1, 2**63, 2**64 - 1, *a[20:40].tolist()]:
        assert int(hashing.mix64(np.uint64(x))) == naive.splitmix64(x)
    with pytest.raises(ValueError):
        hashing.combine(a, b[:-1])


# ---------------------------------------------------------------------------------------- MinHash


def _datasketch_minhash(s, q, template):
    m = MinHash(template.num_perm, template.seed, hashfunc=naive.shingle_hash32,
                permutations=template.permutations, scheme=template.scheme)
    for sh in naive.qgram_shingles(s, q):
        m.update(sh)
    return m


def test_shingle_hash32_matches_reference():
    strings = [s for s in random_strings(np.random.default_rng(5), 200) if s] + ["\0", "𠀀𠮷"]
    codes, offsets, _ = csr(strings)
    for i, s in enumerate(strings):
        for j in range(len(s)):
            for m in (1, 2, 3):
                if j + m <= len(s):
                    got = minhash.shingle_hash32(codes, offsets[i] + j, offsets[i] + j + m)
                    assert int(got) == naive.shingle_hash32(s[j : j + m])


@pytest.mark.parametrize("scheme", minhash.SCHEMES)
@pytest.mark.parametrize("num_perm,seed", [(1, 1), (32, 1), (128, 42), (64, 2**31)])
def test_permutations_match_datasketch(scheme, num_perm, seed):
    a, b = minhash.permutations(num_perm, seed, scheme)
    ref_a, ref_b = MinHash(num_perm, seed, scheme=scheme).permutations
    assert a.dtype == ref_a.dtype and b.dtype == ref_b.dtype
    assert np.array_equal(a, ref_a) and np.array_equal(b, ref_b)


def test_permutations_default_is_datasketch_default():
    a, b = minhash.permutations(16, 3)
    ref = MinHash(16, 3).permutations
    assert np.array_equal(a, ref[0]) and np.array_equal(b, ref[1])


@pytest.mark.parametrize("scheme", minhash.SCHEMES)
@pytest.mark.parametrize("q", [2, 3])
@pytest.mark.parametrize("num_perm", [32, 128])
def test_signatures_match_datasketch(scheme, q, num_perm):
    rng = np.random.default_rng(num_perm * 10 + q)
    strings = random_strings(rng, 300) + [None, "", "北", "北京", "北京市", "ab", "𠀀"]
    template = MinHash(num_perm, seed=7, scheme=scheme)
    a, b = template.permutations
    sig = minhash.signatures(*csr(strings), q, a, b, scheme=scheme)
    assert sig.dtype == np.uint32 and sig.shape == (len(strings), num_perm)
    ref = np.array([_datasketch_minhash(s, q, template).hashvalues for s in strings]).astype(np.uint64)
    assert np.array_equal(sig.astype(np.uint64), ref)
    empty = np.array([not s for s in strings])
    assert (sig[empty] == MAX32).all() and not (sig[~empty] == MAX32).all(axis=1).any()


def test_signatures_edges():
    a, b = minhash.permutations(8, 1)
    assert minhash.signatures(np.empty(0, np.uint32), np.zeros(1, np.int64), np.empty(0, bool), 2, a, b).shape == (0, 8)
    codes, offsets, valid = csr(["北京市", "海淀"])
    with pytest.raises(ValueError):
        minhash.signatures(codes, offsets, valid, 0, a, b)
    with pytest.raises(ValueError):
        minhash.signatures(codes, offsets, valid, 2, a, b, scheme="affine64")
    la, lb = minhash.permutations(8, 1, "legacy")
    with pytest.raises(ValueError):  # legacy parameters under the affine32 scheme
        minhash.signatures(codes, offsets, valid, 2, la, lb)
    with pytest.raises(ValueError):
        minhash.signatures(codes, offsets, valid, 2, a + np.uint32(1), b)  # even a
    with pytest.raises(ValueError):
        minhash.signatures(codes, offsets, valid, 2, a, b[:-1])


def test_band_keys_match_reference():
    rng = np.random.default_rng(6)
    sig = rng.integers(0, 2**32, (50, 12), dtype=np.uint32)
    sig[3] = MAX32
    sig[4, 1:] = MAX32  # one real value is enough to be a signature
    got = minhash.band_keys(sig, 5, 2)
    assert got.shape == (50, 5) and got.dtype == np.uint64
    assert got.tolist() == [[naive.lsh_band_key(row.tolist(), j, 2) for j in range(5)] for row in sig]
    assert (got[3] == 0).all() and (np.delete(got, 3, axis=0) != 0).all()
    with pytest.raises(ValueError):
        minhash.band_keys(sig, 5, 3)  # 15 > 12 columns


def test_band_keys_equal_iff_slices_equal():
    rng = np.random.default_rng(7)
    bands, rows = 8, 3
    # values from {0, 1}: about 1/8 of all row pairs share any given band by chance
    sig = rng.integers(0, 2, (1500, 26), dtype=np.uint32)
    sig[rng.integers(0, 1500, 300)] = sig[rng.integers(0, 1500, 300)]  # planted duplicates
    sig[::97] = MAX32
    keys = minhash.band_keys(sig, bands, rows)
    null = (sig == MAX32).all(axis=1)
    assert (keys[null] == 0).all() and (keys[~null] != 0).all()
    for j in range(bands):
        slice_of_key = {}
        key_of_slice = {}
        for i in np.flatnonzero(~null):
            sl = tuple(sig[i, j * rows : (j + 1) * rows])
            assert key_of_slice.setdefault(sl, keys[i, j]) == keys[i, j]
            assert slice_of_key.setdefault(keys[i, j], sl) == sl
    per_band = [set(keys[~null, j].tolist()) for j in range(bands)]
    assert sum(map(len, per_band)) == len(set().union(*per_band))  # bands never share a key


@pytest.mark.parametrize("scheme", minhash.SCHEMES)
@pytest.mark.parametrize("num_perm,bands,rows", [(32, 16, 2), (32, 5, 6), (128, 32, 4)])
def test_band_keys_candidates_match_datasketch_lsh(scheme, num_perm, bands, rows):
    rng = np.random.default_rng(num_perm + bands)
    strings = near_duplicates(rng, 60, 3)
    template = MinHash(num_perm, seed=11, scheme=scheme)
    a, b = template.permutations
    keys = minhash.band_keys(minhash.signatures(*csr(strings), 2, a, b, scheme=scheme), bands, rows)
    # ours: rows sharing any non-zero band key (one flat blocking over all bands)
    flat = keys.ravel()
    order, starts = blocking.group_by_key(flat)
    ours = {i: set() for i in range(len(strings))}
    for g in range(len(starts) - 1):
        members = {int(x) // bands for x in order[starts[g] : starts[g + 1]]}
        for i in members:
            ours[i] |= members
    lsh = MinHashLSH(num_perm=num_perm, params=(bands, rows))
    sketches = [_datasketch_minhash(s, 2, template) for s in strings]
    for i, s in enumerate(strings):
        if s:  # datasketch would put every empty sketch in one bucket: ours gives them no key
            lsh.insert(i, sketches[i])
    hits = 0
    for i, s in enumerate(strings):
        want = set(lsh.query(sketches[i])) if s else set()
        assert ours[i] == want, i
        hits += len(want) > 1
    assert hits > len(strings) // 4  # the data really exercises partial matches


# ---------------------------------------------------------------------------------------- blocking


def random_keys(rng, n, n_keys, zero_share=0.2, big=0):
    """Keys from a small pool (many small groups, high-bit values included), zeros, one big group."""
    pool = rng.integers(1, 2**64, n_keys, dtype=np.uint64, endpoint=False)
    pool[: n_keys // 3] >>= np.uint64(40)  # small values too
    keys = pool[rng.integers(0, n_keys, n)]
    keys[rng.random(n) < zero_share] = 0
    keys[rng.choice(n, big, replace=False)] = np.uint64(2**63 + 5)
    return keys


KEY_CASES = {
    "small_groups_and_big": lambda rng: random_keys(rng, 2000, 600, big=150),
    "all_equal": lambda rng: np.full(80, 42, dtype=np.uint64),
    "all_zero": lambda rng: np.zeros(50, dtype=np.uint64),
    "empty": lambda rng: np.empty(0, dtype=np.uint64),
    "singletons": lambda rng: np.arange(1, 200, dtype=np.uint64),
    "one_row": lambda rng: np.array([7], dtype=np.uint64),
}


@pytest.mark.parametrize("case", KEY_CASES)
def test_group_by_key_and_star_edges(case):
    keys = KEY_CASES[case](np.random.default_rng(8))
    order, starts = blocking.group_by_key(keys)
    groups = naive.key_groups(keys)
    assert order.dtype == np.int64 and starts.dtype == np.int64
    assert [(int(keys[order[s]]), order[s:e].tolist()) for s, e in itertools.pairwise(starts)] == groups
    assert starts[0] == 0 and starts[-1] == len(order)
    left, right = blocking.star_edges(keys)
    assert left.dtype == np.int64 and right.dtype == np.int64
    assert list(zip(left.tolist(), right.tolist())) == naive.key_star_edges(keys)
    assert (left < right).all()


@pytest.mark.parametrize("shift", [0, 20, 56])
def test_group_by_key_matches_numpy_stable_argsort(shift):
    # the radix sort skips digits where all keys agree: vary which bytes carry the differences
    rng = np.random.default_rng(shift)
    keys = rng.integers(0, 3000, 100_000).astype(np.uint64) << np.uint64(shift)
    order, starts = blocking.group_by_key(keys)
    nz = np.flatnonzero(keys)
    assert np.array_equal(order, nz[np.argsort(keys[nz], kind="stable")])
    assert np.array_equal(np.diff(starts), np.unique(keys[nz], return_counts=True)[1])


def test_group_by_key_sorts_hashes_by_their_top_bytes_then_runs():
    # hashes vary in all 8 bytes: the sort orders the top four, then each run sharing them by the
    # rest; runs short and long, of one key and of many, must all come out as a stable sort
    rng = np.random.default_rng(5)
    heads = rng.integers(1, 2**32, 40, dtype=np.uint64) << np.uint64(32)
    parts = [rng.integers(1, 2**64 - 1, 5000, dtype=np.uint64, endpoint=True)]
    for run, tails in [(3, 2), (31, 5), (33, 2), (40, 40), (500, 3), (2000, 2000)]:
        head = heads[rng.integers(0, 40, run)]
        parts.append(head | rng.integers(0, 2**32, tails, dtype=np.uint64)[rng.integers(0, tails, run)])
    keys = np.concatenate(parts)
    rng.shuffle(keys)
    keys[rng.random(len(keys)) < 0.05] = 0
    order, starts = blocking.group_by_key(keys)
    nz = np.flatnonzero(keys)
    assert np.array_equal(order, nz[np.argsort(keys[nz], kind="stable")])
    assert np.array_equal(np.diff(starts), np.unique(keys[nz], return_counts=True)[1])


def random_code_columns(rng, n, k):
    """k uint64 code columns over small pools (so keys repeat), with zeros and high-bit values."""
    cols = []
    for _ in range(k):
        pool = rng.integers(1, 2**64, 12, dtype=np.uint64, endpoint=False)
        pool[:4] >>= np.uint64(40)
        c = pool[rng.integers(0, 12, n)]
        c[rng.random(n) < 0.15] = 0
        cols.append(c)
    return cols


@pytest.mark.parametrize("nvar,ncols", [(1, 1), (1, 2), (2, 2), (3, 1), (2, 3)])
@pytest.mark.parametrize("n", [0, 1, 300])
def test_key_groups_and_their_collapse_match_naive(nvar, ncols, n):
    rng = np.random.default_rng(nvar * 10 + ncols + n)
    variants = [tuple(random_code_columns(rng, n, ncols)) for _ in range(nvar)]
    if nvar > 1 and n:  # a row keyed twice alike by two variants
        variants[1][0][:20] = variants[0][0][:20]
    rows, keys, starts = blocking.key_groups(variants)
    want = naive.variant_key_groups(variants)
    assert rows.dtype == np.int32 and keys.dtype == np.uint64 and starts.dtype == np.int64
    got = [(int(keys[s]), rows[s:e].tolist()) for s, e in itertools.pairwise(starts)]
    assert got == want
    assert all((keys[s:e] == keys[s]).all() for s, e in itertools.pairwise(starts))
    # one entry per strong component (cells < n) and per other row (cells n + row)
    strong = rng.random(n) < 0.6
    cells = np.where(strong, rng.integers(0, max(1, n // 10), n), np.arange(n, 2 * n))
    crows, ckeys, cstarts = blocking.collapse_groups(rows, keys, starts, cells)
    got = [(int(ckeys[s]), crows[s:e].tolist()) for s, e in itertools.pairwise(cstarts)]
    assert got == naive.collapse_key_groups(want, cells)
    # pairs and samples over the groups: those of the variants' keys concatenated, through the rows
    def fold(cols):
        key = cols[0]
        for c in cols[1:]:
            key = hashing.combine(key, c)
        return key
    flat = np.concatenate([fold(v) for v in variants])
    entry_row = np.arange(len(flat)) % max(n, 1)
    comp = rng.integers(0, 4, n)
    value = rng.integers(0, 3, n).astype(np.uint64)
    l, r, big, sizes, total = blocking.group_pairs_kept(rows, starts, 5, 2, comp, value)
    wl, wr, bk, bs, wt = blocking.block_pairs_kept(flat, 5, 2, comp[entry_row], value[entry_row])
    assert (l.tolist(), r.tolist(), total) == (entry_row[wl].tolist(), entry_row[wr].tolist(), wt)
    assert keys[starts[big]].tolist() == bk.tolist() and sizes.tolist() == bs.tolist()
    codes, big2, sizes2, total2 = blocking.group_pairs_kept(rows, starts, 5, 2, comp, value, packed=True)
    assert codes.tolist() == [(min(a, b) << 32) | max(a, b) for a, b in zip(l.tolist(), r.tolist())]
    assert (big2.tolist(), sizes2.tolist(), total2) == (big.tolist(), sizes.tolist(), total)
    assert blocking.sort_unique(codes.copy()).tolist() == blocking.pack_pairs(l, r).tolist()
    sl, sr, s_total = blocking.sample_groups(rows, starts, 5, 2, 40, seed=3)
    wl, wr, _ = blocking.sample_block_pairs(flat, 5, 2, 40, seed=3)
    assert (sl.tolist(), sr.tolist(), s_total) == (entry_row[wl].tolist(), entry_row[wr].tolist(), wt)


def test_key_groups_reject_bad_input():
    with pytest.raises(ValueError, match="at least one"):
        blocking.key_groups([])
    with pytest.raises(ValueError, match="columns"):
        blocking.key_groups([(np.ones(3, np.uint64),), (np.ones(3, np.uint64), np.ones(3, np.uint64))])
    with pytest.raises(ValueError, match="one length"):
        blocking.key_groups([(np.ones(3, np.uint64), np.ones(4, np.uint64))])
    rows, keys, starts = blocking.key_groups([(np.ones(3, np.uint64),)])
    with pytest.raises(ValueError, match="rows must index cells"):
        blocking.collapse_groups(rows, keys, starts, np.zeros(2, np.int64))
    with pytest.raises(ValueError, match="non-negative"):
        blocking.collapse_groups(rows, keys, starts, np.array([0, -1, 0]))


@pytest.mark.parametrize("case", KEY_CASES)
@pytest.mark.parametrize("cap,window", [(50, 3), (1, 0), (1, 1), (10_000, 5), (5, 1000)])
def test_block_pairs(case, cap, window):
    keys = KEY_CASES[case](np.random.default_rng(9))
    left, right, big_keys, big_sizes = blocking.block_pairs(keys, cap, window)
    pairs, big = naive.key_block_pairs(keys, cap, window)
    assert left.dtype == right.dtype == big_sizes.dtype == np.int64 and big_keys.dtype == np.uint64
    assert list(zip(left.tolist(), right.tolist())) == pairs
    assert list(zip(big_keys.tolist(), big_sizes.tolist())) == big
    assert (left < right).all()


@pytest.mark.parametrize("case", KEY_CASES)
@pytest.mark.parametrize("cap,window", [(50, 3), (1, 1), (5, 1000)])
def test_block_pairs_kept_is_the_filtered_naive_list(case, cap, window):
    rng = np.random.default_rng(11)
    keys = KEY_CASES[case](rng)
    comp = rng.integers(0, max(2, len(keys) // 3), len(keys))  # many pairs share a component
    value = np.where(rng.random(len(keys)) < 0.5, 0, rng.integers(1, 4, len(keys))).astype(np.uint64)
    left, right, big_keys, big_sizes, total = blocking.block_pairs_kept(keys, cap, window, comp, value)
    pairs, big = naive.key_block_pairs(keys, cap, window)
    want = [(a, b) for a, b in pairs
            if comp[a] != comp[b] and (value[a] == 0 or value[b] == 0 or value[a] == value[b])]
    assert total == len(pairs)
    assert list(zip(left.tolist(), right.tolist())) == want
    assert list(zip(big_keys.tolist(), big_sizes.tolist())) == big
    with pytest.raises(ValueError, match="one entry per key"):
        blocking.block_pairs_kept(keys, cap, window, comp[:-1] if len(comp) else np.zeros(1, np.int64), value)


@pytest.mark.parametrize("k", [0, 1, 37, 400, 10**9])
@pytest.mark.parametrize("case", ["small_groups_and_big", "all_equal", "empty"])
def test_sample_block_pairs(case, k):
    keys = KEY_CASES[case](np.random.default_rng(11))
    pairs, _ = naive.key_block_pairs(keys, 50, 4)
    left, right, total = blocking.sample_block_pairs(keys, 50, 4, k, seed=7)
    assert total == len(pairs)
    s = naive.splitmix64(7) | 1
    thresh = 2**64 - 1 if total <= k else max(int(k / total * float(2**64)), 1) - 1
    want = [p for w, p in enumerate(pairs) if k and naive.splitmix64(w ^ s) <= thresh]
    assert list(zip(left.tolist(), right.tolist())) == want
    assert blocking.sample_mask(total, k, 7).sum() == len(want)
    if k >= total:
        assert len(want) == total
    elif k:  # a Bernoulli sample of the right size, and another seed draws other pairs
        assert abs(len(want) - k) < 5 * np.sqrt(k) + 2
        other = blocking.sample_block_pairs(keys, 50, 4, k, seed=8)
        assert k < 5 or list(zip(other[0].tolist(), other[1].tolist())) != want


def test_block_pairs_rejects_bad_parameters():
    with pytest.raises(ValueError):
        blocking.block_pairs(np.ones(3, np.uint64), 0, 1)
    with pytest.raises(ValueError):
        blocking.block_pairs(np.ones(3, np.uint64), 2, -1)
    with pytest.raises(TypeError):
        blocking.block_pairs(np.ones(3, np.float64), 2, 1)


def test_dedup_pairs():
    rng = np.random.default_rng(10)
    left = rng.integers(0, 60, 3000)
    right = rng.integers(0, 60, 3000)
    got_l, got_r = blocking.dedup_pairs(left, right)
    assert got_l.dtype == got_r.dtype == np.int64
    assert list(zip(got_l.tolist(), got_r.tolist())) == naive.unique_pairs(left, right)
    top = np.array([2**32 - 1, 0, 5, 2**32 - 1], dtype=np.uint64)
    bottom = np.array([0, 2**32 - 1, 5, 3], dtype=np.int64)
    assert [x.tolist() for x in blocking.dedup_pairs(top, bottom)] == [[0, 3], [2**32 - 1, 2**32 - 1]]
    assert [len(x) for x in blocking.dedup_pairs(np.empty(0, np.int64), np.empty(0, np.int64))] == [0, 0]
    with pytest.raises(ValueError):
        blocking.dedup_pairs(np.array([0]), np.array([2**32]))
    with pytest.raises(ValueError):
        blocking.dedup_pairs(np.array([-1]), np.array([3]))
    with pytest.raises(ValueError):
        blocking.dedup_pairs(np.array([1, 2]), np.array([3]))
    with pytest.raises(ValueError):  # positions past the rows they index
        blocking.pack_pairs(np.array([0]), np.array([3]), np.arange(3))
    with pytest.raises(TypeError):
        blocking.pack_pairs(np.array([0.5]), np.array([1.0]))


# ---------------------------------------------------------------------------------------- union-find


def random_graph(rng, n, m):
    left = rng.integers(0, max(n, 1), m)
    right = rng.integers(0, max(n, 1), m)
    if m:
        right[: m // 10] = left[: m // 10]  # self loops
        left[m // 2 : m // 2 + m // 10] = left[: m // 10]  # duplicates, some reversed
        right[m // 2 : m // 2 + m // 10] = right[: m // 10]
    return left, right


@pytest.mark.parametrize("n,m", [(0, 0), (1, 0), (1, 3), (10, 0), (10, 6), (300, 150), (300, 400), (2000, 2500)])
def test_components(n, m):
    left, right = random_graph(np.random.default_rng(n + m), n, m)
    got = unionfind.components(n, left, right)
    assert got.dtype == np.int64 and got.shape == (n,)
    assert got.tolist() == naive.cc_labels(n, left, right)
    perm = np.random.default_rng(0).permutation(m)
    assert np.array_equal(unionfind.components(n, right[perm], left[perm]), got)


@pytest.mark.parametrize("n,m", [(0, 0), (1, 2), (10, 8), (300, 200), (300, 600), (2000, 3000)])
def test_constrained_components(n, m):
    rng = np.random.default_rng(n * 7 + m)
    left, right = random_graph(rng, n, m)
    strong = rng.integers(1, 6, n).astype(np.uint64)
    strong[rng.random(n) < 0.8] = 0
    labels, refused = unionfind.constrained_components(n, left, right, strong)
    ref_labels, ref_refused = naive.cc_constrained(n, left, right, strong)
    assert labels.dtype == np.int64 and refused.dtype == np.bool_ and refused.shape == (m,)
    assert labels.tolist() == ref_labels and refused.tolist() == ref_refused
    for lab in np.unique(labels):  # at most one strong key per component
        assert len(set(strong[labels == lab].tolist()) - {0}) <= 1
    assert np.array_equal(unionfind.constrained_components(n, left, right, np.zeros(n, np.uint64))[0],
                          unionfind.components(n, left, right))


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 12).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, max(n - 1, 0))), max_size=3 * n if n else 0),
    st.lists(st.sampled_from([0, 0, 1, 2, 2**64 - 1]), min_size=n, max_size=n),
)))
def test_constrained_components_property(case):
    n, edges, strong = case
    left = np.array([e[0] for e in edges], dtype=np.int64)
    right = np.array([e[1] for e in edges], dtype=np.int64)
    labels, refused = unionfind.constrained_components(n, left, right, np.array(strong, dtype=np.uint64))
    assert (labels.tolist(), refused.tolist()) == naive.cc_constrained(n, left, right, strong)


def test_twins_never_merge():
    A1, A2, B1, C, D = range(5)
    strong = np.array([0xA, 0xA, 0xB, 0, 0], dtype=np.uint64)
    # sorted by descending score: star edge A1-A2, C-A1 (high), C-B1 (lower), then D-B1
    left = np.array([A1, C, C, D])
    right = np.array([A2, A1, B1, B1])
    labels, refused = unionfind.constrained_components(5, left, right, strong)
    assert labels.tolist() == [A1, A1, B1, A1, B1]
    assert refused.tolist() == [False, False, True, False]
    # the same edges in the other order: C joins B first, and C-A1 is the refused one
    labels, refused = unionfind.constrained_components(5, left[[0, 2, 1, 3]], right[[0, 2, 1, 3]], strong)
    assert labels.tolist() == [A1, A1, B1, B1, B1]
    assert refused.tolist() == [False, False, True, False]
    # unconstrained, the twins would be one person
    assert unionfind.components(5, left, right).tolist() == [0] * 5


def test_union_find_rejects_bad_input():
    with pytest.raises(ValueError):
        unionfind.components(3, np.array([0, 3]), np.array([1, 1]))
    with pytest.raises(ValueError):
        unionfind.components(3, np.array([-1]), np.array([1]))
    with pytest.raises(ValueError):
        unionfind.components(3, np.array([0, 1]), np.array([1]))
    with pytest.raises(ValueError):
        unionfind.components(-1, np.empty(0, np.int64), np.empty(0, np.int64))
    with pytest.raises(ValueError):
        unionfind.constrained_components(3, np.array([0]), np.array([1]), np.zeros(2, np.uint64))


# ---------------------------------------------------------------------------------------- survivorship
@pytest.mark.parametrize("criteria", [(0, 1, 2), (1, 0), (2,), ()])
def test_survivors_match_reference(criteria):
    from weft.core.select import group_dense, survivors

    rng = np.random.default_rng(len(criteria))
    k = 300
    # group sizes from 1 to 200 (both the insertion and the merge sort), some groups empty
    ident = np.concatenate([np.full(rng.integers(1, 200) if g % 37 == 0 else rng.integers(0, 9), g)
                            for g in range(k - 20)])
    ident = ident[rng.permutation(len(ident))]
    n = len(ident)
    h = rng.integers(0, 6, n).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # 0: no value
    trust = rng.integers(0, 3, n)
    recency = rng.integers(-3, 3, n)
    recency[rng.random(n) < 0.1] = np.iinfo(np.int32).min  # undated
    order, starts = group_dense(ident, k)
    assert order.tolist() == np.argsort(ident, kind="stable").tolist()
    assert np.diff(starts).tolist() == np.bincount(ident, minlength=k).tolist()
    got = survivors(order, starts, h, trust, recency, criteria)
    assert got.tolist() == naive.survivors(ident, h, trust, recency, criteria, k)
    assert (got[-20:] == -1).all() and (got >= 0).sum() > 200
    with pytest.raises(ValueError):
        group_dense(np.array([3]), 3)
    with pytest.raises(ValueError):
        survivors(order, starts, h[:-1], trust, recency, criteria)
    with pytest.raises(ValueError):
        survivors(order, starts, h, trust, recency, (3,))


@pytest.mark.parametrize("margin", [0.0, 1.5])
@pytest.mark.parametrize("n_pairs", [0, 1, 4000])
def test_ambiguous_pairs_match_reference(margin, n_pairs):
    from weft.core.select import ambiguous_pairs

    rng = np.random.default_rng(int(margin * 10) + n_pairs)
    n = 600
    left = rng.integers(0, n, n_pairs)
    right = rng.integers(0, n, n_pairs)
    w = (rng.integers(-8, 9, n_pairs) / 2).astype(np.float32)  # many ties
    keyless = rng.random(n) < 0.5
    other_key = np.where(rng.random(n) < 0.3, 0, rng.integers(1, 4, n)).astype(np.uint64)
    got = ambiguous_pairs(left, right, w, keyless, other_key, margin)
    want = naive.ambiguous_pairs(left, right, w, keyless, other_key, margin)
    assert got.tolist() == want
    if n_pairs > 1000:
        assert 0.1 < np.mean(want) < 0.9
    with pytest.raises(ValueError, match="one value per pair"):
        ambiguous_pairs(left, right, w[:-1] if n_pairs else np.zeros(1, np.float32), keyless, other_key, margin)
    with pytest.raises(ValueError, match="index rows"):
        ambiguous_pairs(np.array([n]), np.array([0]), np.zeros(1, np.float32), keyless, other_key, margin)


@pytest.mark.parametrize("seed", range(3))
def test_key_owners_match_reference(seed):
    """The owner of each identifier: most frequent name, then an ID-consistent one, then the
    lowest name code; its first row. Names include null (0) and the largest codes."""
    from weft.linkage.link.blocking import key_owners

    rng = np.random.default_rng(seed)
    n, size = 4000, 700
    rows = np.sort(rng.choice(20_000, n, replace=False))
    k = rng.integers(1, size - 50, n)  # 50 keys nobody holds
    pool = np.array([0, 1, 2, 2**63, 2**64 - 2, *rng.integers(3, 2**63, 5)], np.uint64)
    names = pool[rng.integers(0, len(pool), n)]
    consistent = (rng.random(n) < 0.2).astype(np.int64)
    got = key_owners(k, names, consistent, rows, size)
    assert got.tolist() == naive.key_owners(k, names, consistent, rows, size)
    assert key_owners(k[:0], names[:0], consistent[:0], rows[:0], 5).tolist() == [0] * 5


@pytest.mark.parametrize("split", [False, True])
def test_sorted_runs_match_reference(split):
    """Groups (hi, lo // s) of sorted keys with their distinct members lo % s, against the
    reference; keys near 2**64, one-entry groups and long runs of one member."""
    from weft.core.select import sorted_runs

    rng = np.random.default_rng(int(split))
    n, s = 5000, 7
    lo = np.concatenate([rng.integers(0, 4000, n - 3).astype(np.uint64), np.array([2**64 - 1, 2**64 - 2, 2**64 - 9], np.uint64)])
    hi = rng.integers(0, 5, n).astype(np.uint64) if split else np.zeros(0, np.uint64)
    o = np.lexsort((lo, hi)) if split else np.argsort(lo, kind="stable")
    lo = lo[o]
    hi = hi[o] if split else hi
    first, count, offsets, members = sorted_runs(hi, lo, s)
    got = [(int(f), int(c), members[offsets[g]:offsets[g + 1]].tolist()) for g, (f, c) in enumerate(zip(first, count))]
    assert got == naive.sorted_runs(hi, lo, s)
    assert 100 < len(got) < n and count.sum() == n
    assert [len(x) for x in sorted_runs(hi[:0], lo[:0], s)] == [0, 0, 1, 0]
    with pytest.raises(ValueError):
        sorted_runs(np.zeros(3, np.uint64), lo, s)


@pytest.mark.parametrize("seed", range(4))
def test_pair_set_keeps_each_pair_once_with_its_first_tag(seed):
    rng = np.random.default_rng(seed)
    found = blocking.PairSet()
    first: dict[tuple[int, int], int] = {}
    for tag in range(5):
        m = int(rng.integers(0, 400))
        left, right = rng.integers(0, 40, m), rng.integers(0, 40, m)  # repeats, both orders, self-pairs
        if tag == 3:
            left, right = left[:0], right[:0]
        if tag % 2:  # positions into rows, mapped as they are packed (rows repeat: self-pairs too)
            rows = rng.integers(0, 40, 50)
            at_l, at_r = rng.integers(0, 50, m), rng.integers(0, 50, m)
            at_l, at_r = (at_l[:0], at_r[:0]) if tag == 3 else (at_l, at_r)
            found.add(at_l, at_r, tag, rows)
            left, right = rows[at_l], rows[at_r]
        else:
            found.add(left, right, tag)
        for a, b in zip(left.tolist(), right.tolist()):
            if a != b:
                first.setdefault((min(a, b), max(a, b)), tag)
    left, right, tags = found.pairs()
    want = sorted(first)
    assert list(zip(left.tolist(), right.tolist())) == want
    assert tags.tolist() == [first[p] for p in want]
    assert left.dtype == right.dtype == np.int64 and tags.dtype == np.uint8
