"""64-bit hashes of CSR strings and of hash pairs, with 0 reserved for "no value".

Contracts:

- :func:`hash_rows` hashes each row's code points: FNV-1a 64 with one step per code point (the
  whole uint32 is xor-ed in, not its bytes), then the splitmix64 finaliser so that short strings
  that differ in one character still differ in every output bit. A null row hashes to 0; a non-null
  row, including the empty string, never does (a finalised 0 becomes 1). Equal strings always get
  equal hashes; distinct strings collide with probability about 2^-64 per pair.
- :func:`combine` hashes ordered pairs of such hashes (e.g. name hash + birth date hash into one
  composite blocking key): 0 if either side is 0, never 0 otherwise, and
  ``combine(a, b) != combine(b, a)`` in general.
- :func:`combine1` is :func:`combine` of one pair, for other kernels.
- :func:`mix64` is the scalar splitmix64 finaliser (a bijection on uint64 with ``mix64(0) == 0``)
  for other kernels; pass it uint64 values.

The values are part of the data: blocking keys built from them may be persisted, so the constants
and the order of operations must not change without a migration.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ._jit import jit

__all__ = ["combine", "combine1", "hash_bytes", "hash_rows", "mix64"]

# Typed constants: Numba turns uint64 mixed with a plain int literal into float64.
_FNV64_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV64_PRIME = np.uint64(0x100000001B3)
_SM_M1 = np.uint64(0xBF58476D1CE4E5B9)
_SM_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S27 = np.uint64(27)
_S30 = np.uint64(30)
_S31 = np.uint64(31)
_ZERO = np.uint64(0)
_ONE = np.uint64(1)


@jit
def mix64(x):
    """splitmix64 finaliser (Stafford's Mix13): a bijection on uint64 with full avalanche."""
    x = np.uint64(x)
    x = (x ^ (x >> _S30)) * _SM_M1
    x = (x ^ (x >> _S27)) * _SM_M2
    return x ^ (x >> _S31)


@jit(parallel=True)
def _hash_rows(codes, offsets, valid, out):
    for i in prange(len(valid)):
        if not valid[i]:
            out[i] = _ZERO
            continue
        h = _FNV64_OFFSET
        for j in range(offsets[i], offsets[i + 1]):
            h = (h ^ np.uint64(codes[j])) * _FNV64_PRIME
        h = mix64(h)
        out[i] = h if h != _ZERO else _ONE


@jit
def combine1(x, y):
    """:func:`combine` of one pair of uint64 hashes, for other kernels."""
    if x == _ZERO or y == _ZERO:
        return _ZERO
    # mixing `x` (plus a constant, since mix64(0) == 0) before xor-ing `y` makes the pair ordered
    h = mix64(mix64(x + _GOLDEN) ^ y)
    return h if h != _ZERO else _ONE


@jit
def _combine(a, b, out):
    for i in range(len(a)):
        out[i] = combine1(a[i], b[i])


def _readonly(x, dtype, name: str) -> np.ndarray:
    """A contiguous read-only view: one Numba specialisation whatever the caller passes."""
    x = np.ascontiguousarray(x, dtype=dtype)
    if x.ndim != 1:
        raise ValueError(f"{name} must be 1-d, got shape {x.shape}")
    if x.flags.writeable:
        x = x.view()
        x.flags.writeable = False
    return x


def hash_rows(codes: np.ndarray, offsets: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """uint64 hash of each CSR row (``codes[offsets[i]:offsets[i+1]]``); 0 for nulls, never 0 else."""
    return _hash_csr(_readonly(codes, np.uint32, "codes"), offsets, valid, "codes")


def _hash_csr(data: np.ndarray, offsets, valid, name: str) -> np.ndarray:
    offsets = _readonly(offsets, np.int64, "offsets")
    valid = _readonly(valid, np.bool_, "valid")
    n = len(valid)
    if len(offsets) != n + 1:
        raise ValueError(f"offsets must have len(valid) + 1 = {n + 1} entries, got {len(offsets)}")
    if n and (offsets[0] < 0 or offsets[-1] > len(data) or np.any(offsets[1:] < offsets[:-1])):
        raise ValueError(f"offsets must be non-decreasing positions inside {name}")
    out = np.empty(n, dtype=np.uint64)
    _hash_rows(data, offsets, valid, out)
    return out


def hash_bytes(data: np.ndarray, offsets: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """:func:`hash_rows` over raw bytes (UTF-8 straight from an Arrow buffer): no widening copy of
    the buffer. UTF-8 is one-to-one, so equal strings still hash equal; the values differ from
    ``hash_rows`` over code points, so never mix the two in one key space."""
    return _hash_csr(_readonly(data, np.uint8, "data"), offsets, valid, "data")


def combine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """uint64 hash of each ordered pair ``(a[i], b[i])``; 0 where either is 0, never 0 else."""
    a = _readonly(a, np.uint64, "a")
    b = _readonly(b, np.uint64, "b")
    if len(a) != len(b):
        raise ValueError(f"a and b must have the same length, got {len(a)} and {len(b)}")
    out = np.empty(len(a), dtype=np.uint64)
    _combine(a, b, out)
    return out
