"""The one place Arrow meets the kernels (DESIGN §5.1, STYLE 14).

``decode`` turns any string column (``string`` or ``large_string``, chunked, sliced, with nulls)
into :class:`CodePoints`; ``encode`` turns kernel output back into an Arrow ``string`` array. Offsets
are applied here, so kernels never see Arrow's slicing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from weft.core.hashing import hash_bytes
from weft.core.utf8 import decode_utf8, encode_utf8

__all__ = ["CodePoints", "as_array", "decode", "encode", "hash_strings"]


@dataclass(frozen=True)
class CodePoints:
    """CSR strings: row i is ``codes[offsets[i]:offsets[i+1]]``; ``valid[i]`` False for nulls."""

    codes: np.ndarray  # uint32
    offsets: np.ndarray  # int64, n + 1
    valid: np.ndarray  # bool, n

    def __len__(self) -> int:
        return len(self.valid)

    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def row(self, i: int) -> str | None:
        """One row as a Python string (tests and error messages, not hot paths)."""
        if not self.valid[i]:
            return None
        return "".join(map(chr, self.codes[self.offsets[i] : self.offsets[i + 1]]))


def as_array(values) -> pa.Array:
    """A single contiguous Arrow string array from an Array, ChunkedArray or Arrow stream object."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    elif not isinstance(values, pa.Array):
        if hasattr(values, "__arrow_c_stream__"):
            values = pa.chunked_array(values)
            values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
        else:
            values = pa.array(values, pa.string())
    if pa.types.is_null(values.type):
        values = values.cast(pa.string())
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        raise TypeError(f"expected a string column, got {values.type}")
    return values


def decode(values) -> CodePoints:
    arr = as_array(values)
    n = len(arr)
    valid = arr.is_valid().to_numpy(zero_copy_only=False) if arr.null_count else np.ones(n, dtype=bool)
    _, off_buf, data_buf = arr.buffers()
    odt = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    if n == 0 or off_buf is None:
        return CodePoints(np.empty(0, np.uint32), np.zeros(n + 1, np.int64), valid)
    offsets = np.frombuffer(off_buf, dtype=odt, count=arr.offset + n + 1)[arr.offset :].astype(np.int64)
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.empty(0, np.uint8)
    # null slots may hold bytes in some producers (pyarrow's own leave them empty): drop them
    lens = np.diff(offsets)
    if not valid.all() and lens[~valid].any():
        lens[~valid] = 0
        keep = np.repeat(valid, np.diff(offsets))
        data = data[offsets[0] : offsets[-1]][keep]
        offsets = np.concatenate([[0], np.cumsum(lens)])
    elif offsets[0] != 0:
        data = data[offsets[0] : offsets[-1]]
        offsets = offsets - offsets[0]
    codes, cp_offsets = decode_utf8(data, offsets)
    return CodePoints(codes, cp_offsets, valid)


def encode(cp: CodePoints) -> pa.Array:
    data, offsets = encode_utf8(cp.codes, cp.offsets)
    n = len(cp.valid)
    validity = None
    if not cp.valid.all():
        validity = pa.py_buffer(np.packbits(cp.valid, bitorder="little"))
    if offsets[-1] < 2**31:
        return pa.Array.from_buffers(pa.string(), n, [validity, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data)],
                                     null_count=int(n - cp.valid.sum()))
    return pa.Array.from_buffers(pa.large_string(), n, [validity, pa.py_buffer(offsets), pa.py_buffer(data)],
                                 null_count=int(n - cp.valid.sum()))


def hash_strings(values) -> np.ndarray:
    """uint64 per row, straight from the UTF-8 bytes (no decoding): equal strings get equal hashes,
    null gets 0, anything else (the empty string too) a non-zero value (``core.hashing``)."""
    arr = as_array(values)
    n = len(arr)
    if n == 0:
        return np.zeros(0, np.uint64)
    valid = arr.is_valid().to_numpy(zero_copy_only=False) if arr.null_count else np.ones(n, dtype=bool)
    _, off_buf, data_buf = arr.buffers()
    if off_buf is None:
        return np.zeros(n, np.uint64)
    odt = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(off_buf, dtype=odt, count=arr.offset + n + 1)[arr.offset:].astype(np.int64)
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(1, np.uint8)
    return hash_bytes(data, offsets, valid)
