"""The Arrow <-> code-point adapter against Python's own str on random and edge inputs."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from weft.core.utf8 import decode_utf8, encode_utf8
from weft.linkage.arrow import decode, encode

texts = st.lists(st.one_of(st.none(), st.text()), max_size=40)


def _rows(cp):
    return [cp.row(i) for i in range(len(cp))]


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(0, 5), st.integers(0, 5))
def test_round_trip_matches_python(values, start, stop):
    arr = pa.array(values, pa.string())
    for a in (arr, arr.slice(min(start, len(arr))), arr.slice(0, max(0, len(arr) - stop)),
              arr.cast(pa.large_string()), pa.chunked_array([arr.slice(0, len(arr) // 2), arr.slice(len(arr) // 2)],
                                                            type=pa.string())):
        expect = a.to_pylist()
        cp = decode(a)
        assert _rows(cp) == expect
        assert encode(cp).to_pylist() == expect
        assert (cp.lengths() == [len(v) if v is not None else 0 for v in expect]).all()


def test_code_points_are_python_ord():
    s = "张伟·ａ𠀀\u3000x"
    cp = decode(pa.array([s]))
    assert cp.codes.tolist() == [ord(c) for c in s]


def test_null_slots_holding_bytes_are_dropped():
    arr = pa.Array.from_buffers(pa.string(), 3, [pa.py_buffer(bytes([0b101])),
                                                 pa.py_buffer(np.array([0, 2, 5, 6], np.int32)),
                                                 pa.py_buffer(b"abXYZc")])
    cp = decode(arr)
    assert _rows(cp) == ["ab", None, "c"] and len(cp.codes) == 3


@pytest.mark.parametrize("values", [[], [None, None], [""], ["a"] * 5])
def test_edges(values):
    arr = pa.array(values, pa.string())
    assert encode(decode(arr)).to_pylist() == values


def test_null_type_and_bad_type():
    assert _rows(decode(pa.nulls(2))) == [None, None]
    with pytest.raises(TypeError, match="expected a string column"):
        decode(pa.array([1, 2]))


def test_kernels_reject_bad_offsets():
    with pytest.raises(ValueError):
        decode_utf8(np.zeros(0, np.uint8), np.zeros(0, np.int64))
    with pytest.raises(ValueError):
        encode_utf8(np.zeros(0, np.uint32), np.zeros((1, 1), np.int64))


def test_hash_strings_equal_iff_equal():
    from weft.linkage.arrow import hash_strings

    rng = np.random.default_rng(3)
    pool = ["", "a", "张伟", "張偉", "𠀀x", "ab", "ba", "a b", "\x00", "王建国"]
    values = [pool[i] if i < len(pool) else None for i in rng.integers(0, len(pool) + 2, 3000)]
    arr = pa.array(values, pa.string())
    for a in (arr, arr.slice(7, 1500), pa.chunked_array([arr.slice(0, 100), arr.slice(100)]),
              arr.cast(pa.large_string())):
        h = hash_strings(a)
        vals = a.to_pylist()
        assert len(h) == len(vals)
        assert all((x == 0) == (v is None) for x, v in zip(h, vals))
        seen = {}
        for x, v in zip(h, vals):
            if v is not None:
                assert seen.setdefault(v, x) == x
        assert len(set(seen.values())) == len(seen)  # distinct strings, distinct hashes
