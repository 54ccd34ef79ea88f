"""weft.core.compare vs rapidfuzz, jellyfish and tests/naive.py on random and edge inputs."""

from __future__ import annotations

import datetime

import jellyfish
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA, DamerauLevenshtein, Jaro, JaroWinkler, Levenshtein
from weft.core import compare
from weft.linkage.arrow import decode

from . import naive

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗欧阳司马"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华国建"
SUPPLEMENTARY = "".join(map(chr, range(0x20000, 0x20010)))  # CJK Extension B: 4-byte UTF-8
EMPTY_IDX = np.empty(0, dtype=np.int64)


def _pick(rng, alphabet, n):
    return "".join(alphabet[i] for i in rng.integers(0, len(alphabet), n))


def random_string(rng) -> str:
    kind = rng.integers(0, 8)
    if kind == 0:
        return _pick(rng, SURNAMES, 1) + _pick(rng, GIVEN, rng.integers(1, 4))
    if kind == 1:
        return "".join(chr(c) for c in rng.integers(0x4E00, 0xA000, rng.integers(0, 11)))
    if kind == 2:
        return _pick(rng, "abcdefghijklmnopqrstuvwxyzABC 0123", rng.integers(0, 11))
    if kind == 3:
        return _pick(rng, "ab", rng.integers(0, 13))  # repeats: Jaro windows, OSA vs Damerau
    if kind == 4:
        return _pick(rng, "ab张" + SUPPLEMENTARY[:3], rng.integers(0, 9))
    if kind == 5:  # past the 64-char bit-parallel limit, and right at it
        return _pick(rng, "路街号栋单元室12ab", int(rng.choice([63, 64, 65, 66, rng.integers(40, 140)])))
    if kind == 6:
        return _pick(rng, SURNAMES, 1)
    return ""


def one_edit(rng, s: str, alphabet: str = "ab张三李" + SUPPLEMENTARY[:2]) -> str:
    op = rng.integers(0, 6)
    i = int(rng.integers(0, len(s) + 1))
    c = alphabet[rng.integers(0, len(alphabet))]
    if op == 0:
        return s[:i] + c + s[i:]
    if not s:
        return c
    i = min(i, len(s) - 1)
    if op == 1:
        return s[:i] + c + s[i + 1:]
    if op == 2:
        return s[:i] + s[i + 1:]
    if len(s) < 2:
        return s + s
    i = min(i, len(s) - 2)
    if op == 3:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if op == 4:  # transposition across an insertion: OSA and Damerau part ways ("ca" -> "abc")
        return s[:i] + s[i + 1] + c + s[i] + s[i + 2:]
    j = int(rng.integers(i + 1, len(s)))
    return s[:i] + s[j] + s[i + 1:j] + s[i] + s[j + 1:]


EDGE = [
    ("", ""), ("", "a"), ("张", ""), ("a", "a"), ("a", "b"), ("ab", "ba"), ("abc", "bca"),
    ("ca", "abc"), ("张三", "张三"), ("张三", "三张"), ("张三", "张三丰"), ("欧阳娜娜", "欧阳娜"),
    ("MARTHA", "MARHTA"), ("DIXON", "DICKSONX"), ("aaaaab", "baaaaa"), ("aaaa", "aa"),
    ("abcdefgh", "bcdefgha"), (SUPPLEMENTARY[:3], SUPPLEMENTARY[1:4]), ("\x00", "\x00\x00"),
    ("a" * 64, "a" * 63 + "b"), ("a" * 65, "b" + "a" * 64), ("ab" * 40, "ba" * 40),
    ("深圳市南山区粤海街道科技园路1号", "深圳市南山区粤海街道科技园路一号"),
]


@pytest.fixture(scope="module")
def table():
    """(strings, CodePoints, left, right): random rows, one-edit variants, self and edge pairs."""
    rng = np.random.default_rng(20240601)
    base = [random_string(rng) for _ in range(1500)]
    edited = [one_edit(rng, s) for s in base]
    edited2 = [one_edit(rng, s) for s in edited]
    strings = base + edited + edited2 + [s for pair in EDGE for s in pair]
    n, nb = len(strings), len(base)
    edge0 = 3 * nb
    left = np.concatenate([
        rng.integers(0, n, 2500),  # mostly unrelated
        np.arange(nb), np.arange(nb),  # one and two edits apart
        np.arange(0, nb, 7),  # identical
        edge0 + 2 * np.arange(len(EDGE)),
    ])
    right = np.concatenate([
        rng.integers(0, n, 2500),
        nb + np.arange(nb), 2 * nb + np.arange(nb),
        np.arange(0, nb, 7),
        edge0 + 2 * np.arange(len(EDGE)) + 1,
    ])
    return strings, decode(pa.array(strings)), left.astype(np.int64), right.astype(np.int64)


def _expected(strings, left, right, fn):
    return np.array([fn(strings[a], strings[b]) for a, b in zip(left, right)])


def _assert_pairs(got, want, strings, left, right, atol=0.0):
    bad = np.nonzero(~np.isclose(got, want, rtol=0, atol=atol))[0] if atol else np.nonzero(got != want)[0]
    examples = [(strings[left[i]], strings[right[i]], got[i], want[i]) for i in bad[:5]]
    assert len(bad) == 0, f"{len(bad)} mismatches, e.g. {examples}"


# ------------------------------------------------------------------------ string similarities


def test_table_hits_both_paths(table):
    _, cp, left, right = table
    lens = cp.lengths()
    assert len(left) > 5000
    assert ((lens[left] > 64) & (lens[right] > 64)).sum() > 50  # dynamic-programming fallback
    assert (np.minimum(lens[left], lens[right]) == 64).any()


@pytest.mark.parametrize("fn, oracle, dtype", [
    (compare.levenshtein, Levenshtein.distance, np.int32),
    (compare.osa, OSA.distance, np.int32),
    (compare.damerau, DamerauLevenshtein.distance, np.int32),
])
def test_edit_distances_vs_rapidfuzz(table, fn, oracle, dtype):
    strings, cp, left, right = table
    got = fn(cp.codes, cp.offsets, left, right)
    assert got.dtype == dtype and got.shape == left.shape
    _assert_pairs(got, _expected(strings, left, right, oracle), strings, left, right)


def test_osa_and_damerau_differ_somewhere(table):
    _, cp, left, right = table
    assert (compare.osa(cp.codes, cp.offsets, left, right)
            > compare.damerau(cp.codes, cp.offsets, left, right)).sum() > 10


def test_jaro_vs_rapidfuzz_and_jellyfish(table):
    strings, cp, left, right = table
    got = compare.jaro(cp.codes, cp.offsets, left, right)
    assert got.dtype == np.float32
    _assert_pairs(got, _expected(strings, left, right, Jaro.similarity), strings, left, right, 1e-6)
    # jellyfish gives two empty strings 0.0, rapidfuzz (and weft) 1.0
    jf = _expected(strings, left, right, lambda a, b: 1.0 if a == b == "" else jellyfish.jaro_similarity(a, b))
    _assert_pairs(got, jf, strings, left, right, 1e-6)


@pytest.mark.parametrize("weight", [0.1, 0.0, 0.25])
def test_jaro_winkler_vs_rapidfuzz(table, weight):
    strings, cp, left, right = table
    got = compare.jaro_winkler(cp.codes, cp.offsets, left, right, prefix_weight=weight)
    assert got.dtype == np.float32
    want = _expected(strings, left, right, lambda a, b: JaroWinkler.similarity(a, b, prefix_weight=weight))
    _assert_pairs(got, want, strings, left, right, 1e-6)
    assert (got > 0.7).sum() > 1000  # the prefix boost is exercised


def test_jaro_winkler_vs_jellyfish(table):
    strings, cp, left, right = table
    got = compare.jaro_winkler(cp.codes, cp.offsets, left, right)
    want = _expected(strings, left, right,
                     lambda a, b: 1.0 if a == b == "" else jellyfish.jaro_winkler_similarity(a, b))
    _assert_pairs(got, want, strings, left, right, 1e-6)
    assert jellyfish.jaro_winkler_similarity("", "") == 0.0  # the one definitional difference


@pytest.mark.parametrize("q", [1, 2, 3])
def test_qgram_jaccard_vs_naive(table, q):
    strings, cp, left, right = table
    got = compare.qgram_jaccard(cp.codes, cp.offsets, left, right, q=q)
    assert got.dtype == np.float32
    want = _expected(strings, left, right, lambda a, b: naive.cmp_qgram_jaccard(a, b, q))
    _assert_pairs(got, want, strings, left, right, 1e-6)


def test_string_edge_values():
    strings = ["", "", "a", "ab", "ba", "张三", "张三", "x", "xy", "\x00a", "a"]
    cp = decode(pa.array(strings))
    left = np.array([0, 0, 3, 5, 2, 7, 9])
    right = np.array([1, 2, 4, 6, 8, 8, 10])
    np.testing.assert_array_equal(compare.jaro_winkler(cp.codes, cp.offsets, left, right)[:4], [1, 0, 0, 1])
    np.testing.assert_array_equal(compare.levenshtein(cp.codes, cp.offsets, left, right)[:4], [0, 1, 2, 0])
    np.testing.assert_array_equal(compare.osa(cp.codes, cp.offsets, left, right)[:4], [0, 1, 1, 0])
    # a short string is its own gram, never equal to a full gram; "\x00a" keeps NUL distinct
    np.testing.assert_array_equal(compare.qgram_jaccard(cp.codes, cp.offsets, left, right),
                                  np.float32([1, 0, 0, 1, 0, 0, 0]))


def test_nulls_decode_as_empty_rows():
    cp = decode(pa.array(["张三", None, None]))
    left, right = np.array([0, 1]), np.array([1, 2])
    np.testing.assert_array_equal(compare.jaro_winkler(cp.codes, cp.offsets, left, right), [0, 1])
    np.testing.assert_array_equal(compare.damerau(cp.codes, cp.offsets, left, right), [2, 0])


_small_strings = st.lists(st.text(alphabet="ab张\U00020000", max_size=9), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None)
@given(_small_strings)
def test_all_string_kernels_all_pairs(strings):
    cp = decode(pa.array(strings))
    ii, jj = np.meshgrid(np.arange(len(strings)), np.arange(len(strings)))
    left, right = ii.ravel().astype(np.int64), jj.ravel().astype(np.int64)
    for fn, oracle in [(compare.levenshtein, Levenshtein.distance), (compare.osa, OSA.distance),
                       (compare.damerau, DamerauLevenshtein.distance)]:
        _assert_pairs(fn(cp.codes, cp.offsets, left, right), _expected(strings, left, right, oracle),
                      strings, left, right)
    _assert_pairs(compare.jaro_winkler(cp.codes, cp.offsets, left, right),
                  _expected(strings, left, right, JaroWinkler.similarity), strings, left, right, 1e-6)
    _assert_pairs(compare.qgram_jaccard(cp.codes, cp.offsets, left, right),
                  _expected(strings, left, right, naive.cmp_qgram_jaccard), strings, left, right, 1e-6)


# --------------------------------------------------------------------------------- set overlap


def test_set_overlap_vs_naive():
    rng = np.random.default_rng(7)
    # few distinct values, both halves of the uint64 range: collisions, and unsigned ordering
    universe = np.array([0, 1, 2, 3, 2**63 - 1, 2**63, 2**63 + 5, 2**64 - 1], dtype=np.uint64)
    rows = [list(rng.choice(universe, rng.integers(0, 7))) for _ in range(800)]
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    hashes = np.array([h for r in rows for h in r], dtype=np.uint64)
    left = np.concatenate([rng.integers(0, len(rows), 4000), np.arange(len(rows))])
    right = np.concatenate([rng.integers(0, len(rows), 4000), np.arange(len(rows))])
    hashes_before = hashes.copy()
    got = compare.set_overlap(offsets, hashes, left, right)
    np.testing.assert_array_equal(hashes, hashes_before)  # input rows are not sorted in place
    assert got.dtype == np.float32
    want = np.array([naive.cmp_set_overlap(rows[a], rows[b]) for a, b in zip(left, right)])
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    assert ((want > 0) & (want < 1)).sum() > 500
    # rows sorted once ahead, then compared chunk after chunk without sorting again
    srt = compare.sort_set_rows(offsets, hashes)
    assert all(sorted(rows[i]) == srt[offsets[i]:offsets[i + 1]].tolist() for i in range(len(rows)))
    np.testing.assert_array_equal(compare.set_overlap(offsets, srt, left, right, rows_sorted=True), got)


def test_set_overlap_edges():
    rows = [[], [5, 5, 5], [5], [9, 5, 7], [7, 9, 9, 1]]
    offsets = np.array([0, 0, 3, 4, 7, 11])
    hashes = np.array([h for r in rows for h in r], dtype=np.uint64)
    got = compare.set_overlap(offsets, hashes, np.array([0, 0, 1, 1, 3]), np.array([0, 1, 2, 3, 4]))
    np.testing.assert_allclose(got, [0, 0, 1, 1, 2 / 3], rtol=1e-6)


# -------------------------------------------------------------------------------------- dates


def _days(y, m, d):
    return (datetime.date(y, m, d) - datetime.date(1970, 1, 1)).days


def test_civil_from_days_vs_datetime():
    rng = np.random.default_rng(3)
    lo, hi = _days(1, 1, 1), _days(9999, 12, 31)
    days = np.concatenate([rng.integers(lo, hi + 1, 1500), [lo, hi, -1, 0, 1, _days(2000, 2, 29),
                                                             _days(1900, 3, 1), _days(2100, 2, 28)]])
    for z in days:
        d = datetime.date(1970, 1, 1) + datetime.timedelta(days=int(z))
        assert compare._civil(z) == (d.year, d.month, d.day)


@pytest.mark.parametrize("within", [30, 0])
def test_date_levels_vs_naive(within):
    rng = np.random.default_rng(11 + within)
    n = 3000
    base = rng.integers(_days(1940, 1, 1), _days(2020, 1, 1), n)
    partner = base.copy()
    kind = rng.integers(0, 6, n)
    for i in range(n):
        d = datetime.date(1970, 1, 1) + datetime.timedelta(days=int(base[i]))
        if kind[i] == 1:
            partner[i] += rng.integers(-45, 46)
        elif kind[i] == 2 and d.day <= 12:
            partner[i] = _days(d.year, d.day, d.month)
        elif kind[i] == 3:
            partner[i] = _days(d.year, 1, 1) + rng.integers(0, 365)
        elif kind[i] == 4:
            partner[i] = rng.integers(_days(1, 1, 1), _days(9999, 12, 31))
    days = np.concatenate([base, partner]).astype(np.int32)
    valid = rng.random(2 * n) > 0.03
    left = np.concatenate([np.arange(n), rng.integers(0, 2 * n, 2000)])
    right = np.concatenate([n + np.arange(n), rng.integers(0, 2 * n, 2000)])
    got = compare.date_levels(days, valid, left, right, within)
    assert got.dtype == np.uint8
    want = np.array([naive.cmp_date_level(int(days[a]) if valid[a] else None,
                                          int(days[b]) if valid[b] else None, within)
                     for a, b in zip(left, right)])
    np.testing.assert_array_equal(got, want)
    assert set(np.unique(want)) == ({0, 1, 2, 3, 4, 5} if within else {0, 1, 2, 4, 5})


def test_date_level_edges():
    pairs = [((1990, 3, 4), (1990, 4, 3), 4), ((1990, 1, 2), (1990, 2, 1), 4),  # swap beats within
             ((1990, 3, 4), (1991, 4, 3), 1), ((1990, 5, 5), (1990, 5, 5), 5),
             ((1990, 12, 31), (1991, 1, 1), 3), ((1990, 1, 1), (1990, 12, 31), 2),
             ((2000, 2, 29), (2000, 3, 1), 3), ((1969, 12, 31), (1970, 1, 1), 3)]
    days = np.array([_days(*d) for p in pairs for d in p[:2]], dtype=np.int32)
    k = np.arange(len(pairs))
    got = compare.date_levels(days, np.ones(len(days), bool), 2 * k, 2 * k + 1, 31)
    np.testing.assert_array_equal(got, [p[2] for p in pairs])
    valid = np.ones(len(days), bool)
    valid[1] = False
    assert compare.date_levels(days, valid, [0, 1], [1, 1], 31).tolist() == [0, 0]


# ---------------------------------------------------------------------------- IDs and phones


def _id18(rng):
    region = rng.choice(["110101", "440305", "310104", "510107"])
    day = datetime.date(1930, 1, 1) + datetime.timedelta(days=int(rng.integers(0, 30000)))
    body = region + day.strftime("%Y%m%d") + "".join(map(str, rng.integers(0, 10, 3)))
    return body + naive.ric_check_char(body)


def _id_variant(rng, s):
    kind = rng.integers(0, 9)
    if kind == 0:
        return s
    if kind == 1:
        return s[:6] + s[8:17]  # legacy 15-digit form
    if kind == 2:
        return s[:17] + rng.choice([c for c in "0123456789X" if c != s[17]])
    if kind in (3, 4):
        i = int(rng.integers(0, len(s)))
        return s[:i] + str((int(s[i]) + 1) % 10 if s[i] != "X" else 0) + s[i + 1:]
    if kind == 5:
        i = int(rng.integers(0, len(s) - 1))
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]  # may swap equal digits: then equal
    if kind == 6:
        old = s[:6] + s[8:17]
        i = int(rng.integers(0, 15))
        return old[:i] + str((int(old[i]) + 1) % 10) + old[i + 1:]
    if kind == 7:
        return _pick(rng, "0123456789X", rng.integers(0, 20))  # garbage of any length
    return s[:-1]


def test_id_levels_vs_naive():
    rng = np.random.default_rng(5)
    base = [_id18(rng) for _ in range(2500)]
    # some pairs start from the 15-digit side, so 15 -> 18 and 18 -> 15 both occur
    first = [s if rng.random() < 0.8 else s[:6] + s[8:17] for s in base]
    other = [_id_variant(rng, s) for s in base]
    strings = first + other + ["", ""]
    n = len(base)
    valid = rng.random(len(strings)) > 0.03
    cp = decode(pa.array([s if v else None for s, v in zip(strings, valid)]))
    left = np.concatenate([np.arange(n), rng.integers(0, len(strings), 1500), [2 * n]])
    right = np.concatenate([n + np.arange(n), rng.integers(0, len(strings), 1500), [2 * n + 1]])
    got = compare.id_levels(cp.codes, cp.offsets, cp.valid, left, right)
    assert got.dtype == np.uint8
    want = np.array([naive.cmp_id_level(cp.row(a), cp.row(b)) for a, b in zip(left, right)])
    np.testing.assert_array_equal(got, want)
    assert set(np.unique(want)) == set(range(7))
    rows = compare.pack_short(cp.codes, cp.offsets, cp.valid)
    np.testing.assert_array_equal(compare.id_levels_short(rows, left, right), want)


def test_id_level_edges():
    a = "11010119900307123X"
    cases = [(a, a, 6), (a, "110101900307123", 5), ("110101900307123", a, 5),
             (a, "110101200003071234", 1), (a, "110101900307124", 1), (a, a[:17] + "5", 4),
             (a, "21010119900307123X", 3), (a, "10110119900307123X", 2), (a, "110101199003071X23", 1),
             (a, "1101011990030712X3", 2), ("12345", "12354", 2), ("12345", "21354", 1),
             ("1234", "12345", 1), ("", "", 6), ("", "1", 1)]
    strings = [s for c in cases for s in c[:2]]
    cp = decode(pa.array(strings))
    k = np.arange(len(cases))
    got = compare.id_levels(cp.codes, cp.offsets, cp.valid, 2 * k, 2 * k + 1)
    np.testing.assert_array_equal(got, [c[2] for c in cases])
    np.testing.assert_array_equal(got, [naive.cmp_id_level(*c[:2]) for c in cases])
    rows = compare.pack_short(cp.codes, cp.offsets, cp.valid)
    np.testing.assert_array_equal(compare.id_levels_short(rows, 2 * k, 2 * k + 1), got)


def test_phone_levels_vs_naive():
    rng = np.random.default_rng(9)
    base = ["1" + _pick(rng, "3456789", 1) + _pick(rng, "0123456789", 9) if rng.random() < 0.7
            else _pick(rng, "0123456789", rng.integers(7, 13)) for _ in range(2500)]
    other = [one_edit(rng, s, "0123456789") if rng.random() < 0.7
             else (s if rng.random() < 0.5 else base[rng.integers(0, 2500)]) for s in base]
    strings = base + other + ["", "", "1"]
    n = len(base)
    valid = rng.random(len(strings)) > 0.03
    cp = decode(pa.array([s if v else None for s, v in zip(strings, valid)]))
    left = np.concatenate([np.arange(n), rng.integers(0, len(strings), 1500), [2 * n, 2 * n]])
    right = np.concatenate([n + np.arange(n), rng.integers(0, len(strings), 1500), [2 * n + 1, 2 * n + 2]])
    got = compare.phone_levels(cp.codes, cp.offsets, cp.valid, left, right)
    assert got.dtype == np.uint8
    want = np.array([naive.cmp_phone_level(cp.row(a), cp.row(b)) for a, b in zip(left, right)])
    np.testing.assert_array_equal(got, want)
    assert set(np.unique(want)) == {0, 1, 2, 3}
    rows = compare.pack_short(cp.codes, cp.offsets, cp.valid)
    np.testing.assert_array_equal(compare.phone_levels_short(rows, left, right), want)


@pytest.mark.parametrize("alphabet", ["0123456789X", "张三" + SUPPLEMENTARY[:2], "aé"])
def test_pack_short_round_trip(alphabet):
    rng = np.random.default_rng(11)
    values = [None if rng.random() < 0.1 else _pick(rng, alphabet, rng.integers(0, 19)) for _ in range(500)]
    values += ["", None]  # an empty value is a value, not a null
    cp = decode(pa.array(values, pa.string()))
    rows = compare.pack_short(cp.codes, cp.offsets, cp.valid)
    assert rows.dtype == cp.codes.dtype and rows.shape == (len(values), 1 + max(len(v or "") for v in values))
    codes, offsets, valid = compare.unpack_short(rows)
    np.testing.assert_array_equal(valid, cp.valid)
    np.testing.assert_array_equal(offsets, cp.offsets)
    np.testing.assert_array_equal(codes, cp.codes)
    assert compare.pack_short(cp.codes, cp.offsets, cp.valid, max_width=17) is None
    left, right = rng.integers(0, len(values), 2000), rng.integers(0, len(values), 2000)
    for short, full in ((compare.id_levels_short, compare.id_levels), (compare.phone_levels_short, compare.phone_levels)):
        np.testing.assert_array_equal(short(rows, left, right), full(cp.codes, cp.offsets, cp.valid, left, right))


def test_short_rows_reject_bad_input():
    cp = decode(pa.array(["123", None]))
    rows = compare.pack_short(cp.codes, cp.offsets, cp.valid)
    with pytest.raises(IndexError):
        compare.id_levels_short(rows, np.array([0]), np.array([2]))
    bad = rows.copy()
    bad[0, 0] = 9
    with pytest.raises(ValueError, match="exceeds the rows' width"):
        compare.phone_levels_short(bad, np.array([0]), np.array([1]))
    with pytest.raises(ValueError, match="matrix"):
        compare.id_levels_short(rows[:, 0], np.array([0]), np.array([1]))


# ------------------------------------------------------------------------ addresses and numbers


def test_address_levels_vs_naive():
    rng = np.random.default_rng(13)
    n = 3000
    # tiny key spaces (0 = unknown) so every component agrees often
    comps = [rng.integers(0, k, n).astype(np.uint64) for k in (3, 3, 3, 3, 3)]
    comps[3][rng.random(n) < 0.3] = 2**64 - 1
    left = rng.integers(0, n, 6000)
    right = rng.integers(0, n, 6000)
    got = compare.address_levels(*comps, left, right)
    assert got.dtype == np.uint8
    rows = list(zip(*(c.tolist() for c in comps)))
    want = np.array([naive.cmp_address_level(rows[a], rows[b]) for a, b in zip(left, right)])
    np.testing.assert_array_equal(got, want)
    assert set(np.unique(want)) == set(range(6))


def test_address_level_edges():
    rows = [(1, 5, 6, 7, 8),  # a house
            (1, 5, 6, 7, 9),  # same building, another room
            (1, 5, 6, 7, 0),  # same building, room unknown
            (2, 5, 6, 7, 8),  # another district, same house key: districts decide
            (0, 5, 0, 0, 0),  # street only: null
            (0, 0, 6, 3, 0),  # district unknown, same community
            (1, 0, 0, 4, 0),  # same district only
            (0, 0, 0, 4, 8)]  # district unknown, same house key
    comps = [np.array(c, dtype=np.uint64) for c in zip(*rows)]
    got = compare.address_levels(*comps, [0, 0, 0, 0, 0, 0, 5, 7], [1, 2, 3, 4, 5, 6, 6, 0])
    np.testing.assert_array_equal(got, [4, 4, 1, 0, 3, 2, 1, 5])


@pytest.mark.parametrize("rel_tol", [0.05, 0.0])
def test_number_levels_vs_naive(rel_tol):
    rng = np.random.default_rng(17)
    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, 1.04, 1.06, -1.0, 100.0, 104.0, 1e-300, 5e-324])
    values = np.concatenate([special, rng.choice(special, 500), rng.normal(0, 100, 500).round(1),
                             np.repeat(rng.normal(0, 100, 250), 2) * (1 + rng.normal(0, 0.05, 500))])
    left = rng.integers(0, len(values), 5000)
    right = rng.integers(0, len(values), 5000)
    got = compare.number_levels(values, left, right, rel_tol)
    assert got.dtype == np.uint8
    want = np.array([naive.cmp_number_level(values[a], values[b], rel_tol) for a, b in zip(left, right)])
    np.testing.assert_array_equal(got, want)
    assert set(np.unique(want)) == ({0, 1, 2, 3} if rel_tol else {0, 1, 3})


def test_number_level_edges():
    v = np.array([np.inf, 1.0, -np.inf, np.nan, 0.0, -0.0, 100.0, 95.0])
    got = compare.number_levels(v, [0, 0, 0, 3, 4, 6], [1, 2, 0, 3, 5, 7], 0.05)
    np.testing.assert_array_equal(got, [1, 1, 3, 0, 3, 2])


# ------------------------------------------------------------------- slicing, dtypes, errors


def _every_kernel(cp, left, right):
    h = np.arange(len(cp.valid), dtype=np.uint64)
    days = np.arange(len(cp.valid), dtype=np.int32)
    return [
        compare.jaro(cp.codes, cp.offsets, left, right),
        compare.jaro_winkler(cp.codes, cp.offsets, left, right),
        compare.levenshtein(cp.codes, cp.offsets, left, right),
        compare.osa(cp.codes, cp.offsets, left, right),
        compare.damerau(cp.codes, cp.offsets, left, right),
        compare.qgram_jaccard(cp.codes, cp.offsets, left, right),
        compare.set_overlap(np.arange(len(h) + 1), h, left, right),
        compare.date_levels(days, cp.valid, left, right, 3),
        compare.id_levels(cp.codes, cp.offsets, cp.valid, left, right),
        compare.phone_levels(cp.codes, cp.offsets, cp.valid, left, right),
        compare.address_levels(h, h, h, h, h, left, right),
        compare.number_levels(days.astype(np.float64), left, right, 0.1),
    ]


def test_empty_pair_list():
    cp = decode(pa.array(["a", "b"]))
    dtypes = [np.float32] * 2 + [np.int32] * 3 + [np.float32] * 2 + [np.uint8] * 5
    for out, dtype in zip(_every_kernel(cp, EMPTY_IDX, EMPTY_IDX), dtypes, strict=True):
        assert out.shape == (0,) and out.dtype == dtype
    empty = decode(pa.array([], pa.string()))
    assert compare.levenshtein(empty.codes, empty.offsets, EMPTY_IDX, EMPTY_IDX).shape == (0,)


def test_sliced_arrow_and_strided_pairs():
    strings = ["前缀", "张三", "李四四", "", "王五" * 40, "x", "欧阳娜娜", None, "后缀"]
    cp = decode(pa.array(strings).slice(1, 7))
    assert cp.offsets[0] == 0 and cp.row(0) == "张三"
    idx = np.arange(7, dtype=np.int64)
    out = _every_kernel(cp, idx, idx)  # (i, i): every row against itself
    np.testing.assert_array_equal(out[1], 1.0)
    for k in (2, 3, 4):
        np.testing.assert_array_equal(out[k], 0)
    np.testing.assert_array_equal(out[8], np.where(cp.valid, 6, 0))
    np.testing.assert_array_equal(out[7], np.where(cp.valid, 5, 0))
    # strided, offset and int32 index views give the same as their contiguous copies
    big = np.repeat(np.arange(7), 3)[::-1]
    left, right = big[2::3].astype(np.int32), big[::3][::-1]
    assert not right.flags.c_contiguous
    got = _every_kernel(cp, left, right)
    want = _every_kernel(cp, np.ascontiguousarray(left, np.int64), np.ascontiguousarray(right))
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    want_lev = [Levenshtein.distance(cp.row(a) or "", cp.row(b) or "") for a, b in zip(left, right)]
    np.testing.assert_array_equal(got[2], want_lev)


def test_bad_arguments():
    cp = decode(pa.array(["a", "b"]))
    with pytest.raises(IndexError):
        compare.levenshtein(cp.codes, cp.offsets, [0, 2], [0, 1])
    with pytest.raises(IndexError):
        compare.id_levels(cp.codes, cp.offsets, cp.valid, [0, -1], [0, 1])
    with pytest.raises(ValueError):
        compare.jaro(cp.codes, cp.offsets, [0, 1], [0])
    with pytest.raises(ValueError):
        compare.jaro_winkler(cp.codes, cp.offsets, [0], [1], prefix_weight=0.3)
    with pytest.raises(ValueError):
        compare.qgram_jaccard(cp.codes, cp.offsets, [0], [1], q=4)
    with pytest.raises(ValueError):
        compare.phone_levels(cp.codes, cp.offsets, cp.valid[:1], [0], [1])
    with pytest.raises(ValueError):
        compare.date_levels(np.zeros(2, np.int32), cp.valid, [0], [1], -1)
    with pytest.raises(ValueError):
        compare.address_levels(*[np.zeros(2, np.uint64)] * 4, np.zeros(3, np.uint64), [0], [1])


def test_level_names():
    assert compare.DATE_LEVELS == ("null", "different", "same_year", "within_days", "day_month_swap", "exact")
    for names, top in [(compare.DATE_LEVELS, 5), (compare.ID_LEVELS, 6), (compare.PHONE_LEVELS, 3),
                       (compare.ADDRESS_LEVELS, 5), (compare.NUMBER_LEVELS, 3)]:
        assert len(names) == top + 1 and names[0] == "null"
    assert set(compare.__all__) <= set(dir(compare))


# ------------------------------------------------------------------------------------ person names


def _name_table(rng, n):
    """Names drawn from few keys, readings and former names, so that every level occurs."""
    keys = [_pick(rng, SURNAMES, 1) + _pick(rng, GIVEN[:6], int(rng.integers(1, 3))) for _ in range(40)]
    keys += ["a" * 70, "a" * 69 + "b", "张三"]  # past the 64-char bit-parallel path
    rows = []
    for _ in range(n):
        key = None if rng.random() < 0.08 else keys[rng.integers(0, len(keys))]
        pinyin = None if key is None or rng.random() < 0.2 else f"py{len(key) % 3}{key[:1]}"
        former = keys[rng.integers(0, len(keys))] if rng.random() < 0.15 else None
        readings = {f"r{x}" for x in rng.integers(0, 30, int(rng.integers(0, 4)))} if key else set()
        rows.append({"key": key, "pinyin": pinyin, "former": former, "readings": readings})
    return rows


@pytest.mark.parametrize("given", ["all", "signatures", "no_pinyin", "no_former", "no_sets"])
def test_name_levels_vs_naive(given):
    rng = np.random.default_rng(7)
    rows = _name_table(rng, 600)
    if given == "no_pinyin":
        rows = [{**r, "pinyin": None} for r in rows]
    if given == "no_former":
        rows = [{**r, "former": None} for r in rows]
    if given == "no_sets":
        rows = [{**r, "readings": set()} for r in rows]
    def codes(values):  # (well-mixed 64-bit codes, as the features' hashes are: signatures use the top bits)
        return np.array([naive.row_hash64(v) for v in values], np.uint64)

    cp = decode(pa.array([r["key"] for r in rows]))
    members = [sorted(codes(sorted(r["readings"]))) for r in rows]
    offsets = np.concatenate([[0], np.cumsum([len(m) for m in members])]).astype(np.int64)
    flat = np.array([x for m in members for x in m], np.uint64)
    left = np.concatenate([rng.integers(0, len(rows), 20000), np.arange(len(rows))])
    right = np.concatenate([rng.integers(0, len(rows), 20000), np.arange(len(rows))])
    sets = (offsets, flat)
    if given == "signatures":
        sets = (offsets, flat, compare.set_signatures(offsets, flat))
    got = compare.name_levels(
        codes([r["key"] for r in rows]), cp.codes, cp.offsets, left, right,
        pinyin=None if given == "no_pinyin" else codes([r["pinyin"] for r in rows]),
        former=None if given == "no_former" else codes([r["former"] for r in rows]),
        sets=None if given == "no_sets" else sets)
    want = np.array([naive.cmp_name_level(rows[a], rows[b], JaroWinkler.similarity, 0.92, 0.80)
                     for a, b in zip(left, right)])
    bad = np.flatnonzero(got != want)
    assert len(bad) == 0, [(rows[left[i]], rows[right[i]], got[i], want[i]) for i in bad[:3]]
    seen = set(np.unique(got).tolist())
    assert seen >= ({0, 1, 4, 7} | ({6} if given != "no_pinyin" else set())
                    | ({5} if given != "no_former" else set()) | ({3} if given != "no_sets" else set())), seen


def test_set_signatures_vs_naive():
    rng = np.random.default_rng(3)
    rows = [rng.integers(0, 2**64, int(rng.integers(0, 5)), dtype=np.uint64) for _ in range(3000)]
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    flat = np.concatenate(rows).astype(np.uint64)
    got = compare.set_signatures(offsets, flat)
    want = [sum({1 << (int(h) >> 58) for h in r}) for r in rows]
    assert got.tolist() == want
    # a shared member always meets; disjoint signatures never hide one
    left, right = rng.integers(0, len(rows), 20000), rng.integers(0, len(rows), 20000)
    shared = compare.set_overlap(offsets, flat, left, right) > 0
    assert not (shared & ((got[left] & got[right]) == 0)).any()


def test_exact_levels_vs_naive():
    rng = np.random.default_rng(4)
    for dtype in (np.uint8, np.int64, np.uint64):
        values = rng.integers(0, 4, 500).astype(dtype)
        left, right = rng.integers(0, 500, 5000), rng.integers(0, 500, 5000)
        want = [0 if values[a] == 0 or values[b] == 0 else 1 + int(values[a] == values[b]) for a, b in zip(left, right)]
        assert compare.exact_levels(values, left, right).tolist() == want
    with pytest.raises(ValueError, match="integer"):
        compare.exact_levels(np.zeros(3), np.array([0]), np.array([1]))
    with pytest.raises(IndexError):
        compare.exact_levels(np.zeros(3, np.int64), np.array([0]), np.array([3]))


def test_name_levels_rejects_bad_input():
    cp = decode(pa.array(["张三", "李四"]))
    key = np.array([1, 2], np.uint64)
    with pytest.raises(IndexError):
        compare.name_levels(key, cp.codes, cp.offsets, np.array([0]), np.array([2]))
    with pytest.raises(ValueError, match="one entry per row"):
        compare.name_levels(key, cp.codes, cp.offsets, np.array([0]), np.array([1]), pinyin=np.zeros(3, np.uint64))
    with pytest.raises(ValueError, match="set offsets"):
        compare.name_levels(key, cp.codes, cp.offsets, np.array([0]), np.array([1]),
                            sets=(np.array([0, 5, 1]), np.zeros(1, np.uint64)))
    sets = (np.array([0, 1, 2]), np.array([3, 3], np.uint64))
    with pytest.raises(ValueError, match="signatures are not"):
        compare.name_levels(key, cp.codes, cp.offsets, np.array([0]), np.array([1]),
                            sets=(*sets, np.zeros(2, np.uint64)))
    assert compare.name_levels(key, cp.codes, cp.offsets, EMPTY_IDX, EMPTY_IDX).shape == (0,)
