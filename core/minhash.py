"""MinHash signatures of q-gram shingle sets and LSH band keys, bit-for-bit datasketch's MinHash.

Shingles. A row's shingles are the *set* of its q-grams (windows of ``q`` code points); a non-empty
row shorter than ``q`` is one shingle, the whole row. Each shingle is hashed by
:func:`shingle_hash32`: 32-bit FNV-1a with one step per code point (``h = (h ^ ord(c)) * 16777619
mod 2**32`` from ``h = 2166136261``; the whole code point, not its bytes, is xor-ed in: 4x fewer
multiplies, and the permutations re-mix anyway). That formula in Python is the ``hashfunc`` to give
datasketch for identical values.

Permutations. :func:`permutations` draws ``(a, b)`` exactly as ``datasketch.MinHash(num_perm,
seed, scheme=...)`` does (``np.random.RandomState(seed)``), for two of its schemes (not
``"affine64"``: signatures here are uint32):

- ``"affine32"`` (datasketch >= 2.0's default): ``a`` odd, ``a, b`` uint32; the shingle hash is
  pre-mixed once with the MurmurHash3 32-bit finaliser ``fmix32`` and each value is
  ``(a*h + b) mod 2**32`` — a bijection, so the permutation adds no collisions. The default here:
  it is datasketch's, and ~3x faster (vectorised 32-bit multiplies, no modulo).
- ``"legacy"`` (datasketch < 2.0, the only scheme there): ``a`` in [1, 2**61-1), ``b`` in
  [0, 2**61-1), uint64, and each value is ``((a*h + b) mod 2**64) mod (2**61-1)``, then
  ``& (2**32-1)``. The ``mod 2**64`` is not a typo: datasketch multiplies numpy uint64 arrays,
  which wrap silently, so we wrap the same way. Kept for sketches made by older datasketch.

Signatures. ``sig[i, k]`` is the minimum over row i's shingles of permutation k's value, as uint32
(legacy values are < 2**32 too, datasketch merely stores them as uint64). Null and empty rows have
no shingles and get ``MAX_HASH`` (2**32-1) everywhere, which is what an un-updated datasketch
MinHash holds. A row with shingles has every value at ``MAX_HASH`` with probability about
``2**(-32*num_perm)``, so all-``MAX_HASH`` is treated as "no signature".

Band keys. Band ``j`` covers signature columns ``[j*rows, (j+1)*rows)``, as in datasketch's
``MinHashLSH(params=(bands, rows))``; columns past ``bands*rows`` are unused. A band key is a
uint64 hash of the band index and its ``rows`` values (equal slices -> equal keys; different
slices or bands collide with probability ~2**-64), never 0, except that rows with an
all-``MAX_HASH`` signature get 0 in every band (no candidates). Because the band index is hashed
in, all bands' keys can be blocked together in one flat array.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ._jit import jit
from .hashing import mix64

__all__ = [
    "MERSENNE", "MAX_HASH", "SCHEMES", "shingle_hash32", "permutations", "signatures", "band_keys",
]

MERSENNE = np.uint64((1 << 61) - 1)
MAX_HASH = np.uint32((1 << 32) - 1)
SCHEMES = ("affine32", "legacy")

_M32 = np.uint64(0xFFFFFFFF)
_FNV32_OFFSET = np.uint64(0x811C9DC5)
_FNV32_PRIME = np.uint64(0x01000193)
_S13 = np.uint64(13)
_S16 = np.uint64(16)
_S61 = np.uint64(61)
_FMIX_M1 = np.uint64(0x85EBCA6B)
_FMIX_M2 = np.uint64(0xC2B2AE35)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_ZERO = np.uint64(0)
_ONE = np.uint64(1)


@jit
def shingle_hash32(codes, start, end):
    """FNV-1a 32 over ``codes[start:end]``, one step per code point (its whole UTF-32 value)."""
    h = _FNV32_OFFSET
    for j in range(start, end):
        h = ((h ^ np.uint64(codes[j])) * _FNV32_PRIME) & _M32
    return np.uint32(h)


@jit
def _fmix32(h):
    h = h ^ (h >> _S16)
    h = (h * _FMIX_M1) & _M32
    h = h ^ (h >> _S13)
    h = (h * _FMIX_M2) & _M32
    return h ^ (h >> _S16)


# Two kernels with one shape. Per row: a private accumulator (threads never share a row), each
# shingle hashed once, then a loop over the permutations that LLVM vectorises (8 uint32 lanes for
# affine32). Repeated q-grams need no dedup pass: min() is idempotent.


@jit(parallel=True)
def _signatures_affine32(codes, offsets, valid, q, a, b, out):
    # a, b uint32: `a*h + b` stays in 32-bit lanes, and its wrap is the mod 2**32 of the scheme
    k = len(a)
    for i in prange(len(valid)):
        acc = np.full(k, MAX_HASH, dtype=np.uint32)
        start = offsets[i]
        length = offsets[i + 1] - start
        if valid[i] and length > 0:
            m = min(q, length)
            for p in range(start, start + length - m + 1):
                h = np.uint32(_fmix32(np.uint64(shingle_hash32(codes, p, p + m))))
                for t in range(k):
                    acc[t] = min(acc[t], np.uint32(a[t] * h + b[t]))
        out[i, :] = acc


@jit(parallel=True)
def _signatures_legacy(codes, offsets, valid, q, a, b, out):
    # a, b uint64
    k = len(a)
    for i in prange(len(valid)):
        acc = np.full(k, MAX_HASH, dtype=np.uint32)
        start = offsets[i]
        length = offsets[i + 1] - start
        if valid[i] and length > 0:
            m = min(q, length)
            for p in range(start, start + length - m + 1):
                h = np.uint64(shingle_hash32(codes, p, p + m))
                for t in range(k):
                    x = a[t] * h + b[t]  # wraps mod 2**64, exactly like datasketch's numpy uint64
                    x = (x & MERSENNE) + (x >> _S61)  # x mod (2**61-1) without a division
                    if x >= MERSENNE:
                        x -= MERSENNE
                    acc[t] = min(acc[t], np.uint32(x & _M32))
        out[i, :] = acc


@jit(parallel=True)
def _band_keys(sig, bands, rows, out):
    k = sig.shape[1]
    for i in prange(sig.shape[0]):
        empty = True
        for t in range(k):
            if sig[i, t] != MAX_HASH:
                empty = False
                break
        for j in range(bands):
            if empty:
                out[i, j] = _ZERO
                continue
            # chained bijective mixing: equal slices give equal keys, the start state separates bands
            h = mix64(np.uint64(j + 1) * _GOLDEN)
            for t in range(j * rows, (j + 1) * rows):
                h = mix64(h ^ np.uint64(sig[i, t]))
            out[i, j] = h if h != _ZERO else _ONE


def _readonly(x, dtype, name: str, ndim: int = 1) -> np.ndarray:
    """A contiguous read-only view: one Numba specialisation whatever the caller passes."""
    x = np.ascontiguousarray(x, dtype=dtype)
    if x.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-d, got shape {x.shape}")
    if x.flags.writeable:
        x = x.view()
        x.flags.writeable = False
    return x


def _check_scheme(scheme: str) -> None:
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")


def permutations(num_perm: int, seed: int = 1, scheme: str = "affine32") -> tuple[np.ndarray, np.ndarray]:
    """``(a, b)`` equal to ``datasketch.MinHash(num_perm, seed, scheme=scheme).permutations``.

    uint32 arrays for ``"affine32"``, uint64 arrays for ``"legacy"``.
    """
    _check_scheme(scheme)
    if num_perm < 1:
        raise ValueError("num_perm must be positive")
    gen = np.random.RandomState(seed)
    if scheme == "legacy":
        # one a then one b per permutation, scalar draws: the interleaving is part of the stream
        ab = np.array(
            [(gen.randint(1, MERSENNE, dtype=np.uint64), gen.randint(0, MERSENNE, dtype=np.uint64))
             for _ in range(num_perm)],
            dtype=np.uint64,
        ).reshape(num_perm, 2)
        return np.ascontiguousarray(ab[:, 0]), np.ascontiguousarray(ab[:, 1])
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def signatures(codes: np.ndarray, offsets: np.ndarray, valid: np.ndarray, q: int,
               a: np.ndarray, b: np.ndarray, scheme: str = "affine32") -> np.ndarray:
    """uint32[n, len(a)] MinHash signatures of each row's q-gram set (module docstring).

    ``a, b`` come from :func:`permutations` (or a datasketch MinHash) with the same ``scheme``;
    values outside the scheme's range (e.g. legacy parameters passed as affine32) raise ValueError.
    """
    _check_scheme(scheme)
    if q < 1:
        raise ValueError(f"q must be >= 1, got {q}")
    codes = _readonly(codes, np.uint32, "codes")
    offsets = _readonly(offsets, np.int64, "offsets")
    valid = _readonly(valid, np.bool_, "valid")
    n = len(valid)
    if len(offsets) != n + 1:
        raise ValueError(f"offsets must have len(valid) + 1 = {n + 1} entries, got {len(offsets)}")
    if n and (offsets[0] < 0 or offsets[-1] > len(codes) or np.any(offsets[1:] < offsets[:-1])):
        raise ValueError("offsets must be non-decreasing positions inside codes")
    a = np.asarray(a)
    b = np.asarray(b)
    if a.ndim != 1 or a.shape != b.shape or len(a) == 0:
        raise ValueError(f"a and b must be non-empty 1-d arrays of one length, got {a.shape}, {b.shape}")
    if a.dtype.kind not in "iu" or b.dtype.kind not in "iu":
        raise TypeError("a and b must be integer arrays")
    lo = min(int(a.min()), int(b.min()))
    hi = max(int(a.max()), int(b.max()))
    if scheme == "legacy":
        if lo < 0 or hi >= int(MERSENNE):
            raise ValueError("legacy permutation parameters must lie in [0, 2**61-1)")
    elif lo < 0 or hi > int(MAX_HASH) or not np.all(a & 1):
        raise ValueError("affine32 permutation parameters must be uint32 with every a odd")
    out = np.empty((n, len(a)), dtype=np.uint32)
    if scheme == "legacy":
        _signatures_legacy(codes, offsets, valid, np.int64(q), _readonly(a, np.uint64, "a"),
                           _readonly(b, np.uint64, "b"), out)
    else:
        _signatures_affine32(codes, offsets, valid, np.int64(q), _readonly(a, np.uint32, "a"),
                             _readonly(b, np.uint32, "b"), out)
    return out


def band_keys(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """uint64[n, bands] LSH band keys of uint32 signatures; 0 for all-``MAX_HASH`` rows."""
    sig = _readonly(sig, np.uint32, "sig", ndim=2)
    if bands < 1 or rows < 1:
        raise ValueError(f"bands and rows must be >= 1, got {bands}, {rows}")
    if bands * rows > sig.shape[1]:
        raise ValueError(f"bands * rows = {bands * rows} exceeds the signature width {sig.shape[1]}")
    out = np.empty((sig.shape[0], bands), dtype=np.uint64)
    _band_keys(sig, np.int64(bands), np.int64(rows), out)
    return out
