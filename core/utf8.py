"""UTF-8 <-> code points over CSR arrays (offsets + flat values), one string per row.

Decoding once into code points lets every later kernel index characters directly (DESIGN §5.1).
Invalid UTF-8 cannot reach here: Arrow ``string`` arrays are validated on construction.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ._jit import jit

__all__ = ["decode_utf8", "encode_utf8", "nfkc_narrow"]


@jit
def nfkc_narrow(c):
    """NFKC of one character of the set the date and phone parsers accept (printable ASCII, CJK
    ideographs, full-width forms, U+3000), or -1 for any other character."""
    if 0x20 <= c <= 0x7E or 0x4E00 <= c <= 0x9FFF:
        return np.int64(c)
    if 0xFF01 <= c <= 0xFF5E:
        return np.int64(c) - 0xFEE0
    if c == 0x3000:
        return np.int64(0x20)
    return np.int64(-1)


@jit(parallel=True)
def _count_code_points(data, offsets, counts):
    for i in prange(len(offsets) - 1):
        c = 0
        for j in range(offsets[i], offsets[i + 1]):
            if (data[j] & 0xC0) != 0x80:  # not a continuation byte
                c += 1
        counts[i] = c


@jit(parallel=True)
def _decode(data, offsets, out_offsets, out):
    for i in prange(len(offsets) - 1):
        j = offsets[i]
        end = offsets[i + 1]
        k = out_offsets[i]
        while j < end:
            b = np.uint32(data[j])
            if b < 0x80:
                cp = b
                j += 1
            elif b < 0xE0:
                cp = ((b & 0x1F) << 6) | (np.uint32(data[j + 1]) & 0x3F)
                j += 2
            elif b < 0xF0:
                cp = ((b & 0x0F) << 12) | ((np.uint32(data[j + 1]) & 0x3F) << 6) | (np.uint32(data[j + 2]) & 0x3F)
                j += 3
            else:
                cp = (((b & 0x07) << 18) | ((np.uint32(data[j + 1]) & 0x3F) << 12)
                      | ((np.uint32(data[j + 2]) & 0x3F) << 6) | (np.uint32(data[j + 3]) & 0x3F))
                j += 4
            out[k] = cp
            k += 1


@jit(parallel=True)
def _count_bytes(codes, offsets, counts):
    for i in prange(len(offsets) - 1):
        c = 0
        for j in range(offsets[i], offsets[i + 1]):
            cp = codes[j]
            c += 1 if cp < 0x80 else (2 if cp < 0x800 else (3 if cp < 0x10000 else 4))
        counts[i] = c


@jit(parallel=True)
def _encode(codes, offsets, out_offsets, out):
    for i in prange(len(offsets) - 1):
        k = out_offsets[i]
        for j in range(offsets[i], offsets[i + 1]):
            cp = codes[j]
            if cp < 0x80:
                out[k] = cp
                k += 1
            elif cp < 0x800:
                out[k] = 0xC0 | (cp >> 6)
                out[k + 1] = 0x80 | (cp & 0x3F)
                k += 2
            elif cp < 0x10000:
                out[k] = 0xE0 | (cp >> 12)
                out[k + 1] = 0x80 | ((cp >> 6) & 0x3F)
                out[k + 2] = 0x80 | (cp & 0x3F)
                k += 3
            else:
                out[k] = 0xF0 | (cp >> 18)
                out[k + 1] = 0x80 | ((cp >> 12) & 0x3F)
                out[k + 2] = 0x80 | ((cp >> 6) & 0x3F)
                out[k + 3] = 0x80 | (cp & 0x3F)
                k += 4


def _csr(offsets: np.ndarray, counts: np.ndarray) -> np.ndarray:
    out = np.empty(len(offsets), dtype=np.int64)
    out[0] = 0
    np.cumsum(counts, out=out[1:])
    return out


def decode_utf8(data: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """UTF-8 ``data`` (uint8) split by ``offsets`` (int64, n+1) -> (code points uint32, offsets int64)."""
    data = np.ascontiguousarray(data, dtype=np.uint8)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    if offsets.ndim != 1 or len(offsets) == 0:
        raise ValueError("offsets must be a 1-d array of n+1 positions")
    counts = np.empty(len(offsets) - 1, dtype=np.int64)
    _count_code_points(data, offsets, counts)
    out_offsets = _csr(offsets, counts)
    out = np.empty(out_offsets[-1], dtype=np.uint32)
    _decode(data, offsets, out_offsets, out)
    return out, out_offsets


def encode_utf8(codes: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Code points (uint32) split by ``offsets`` -> (UTF-8 bytes uint8, byte offsets int64)."""
    codes = np.ascontiguousarray(codes, dtype=np.uint32)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    if offsets.ndim != 1 or len(offsets) == 0:
        raise ValueError("offsets must be a 1-d array of n+1 positions")
    counts = np.empty(len(offsets) - 1, dtype=np.int64)
    _count_bytes(codes, offsets, counts)
    out_offsets = _csr(offsets, counts)
    out = np.empty(out_offsets[-1], dtype=np.uint8)
    _encode(codes, offsets, out_offsets, out)
    return out, out_offsets
