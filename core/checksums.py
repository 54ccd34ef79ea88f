"""Check-character kernels for Chinese identifiers (DOMAIN §1-2).

Every identifier is a row of a C-contiguous ``uint8`` matrix of ASCII codes, one row per value,
fixed width (``to_ascii_matrix`` builds one; a zero row is a null). Public functions validate and
adapt; the jitted ``_kernel``s assume clean input and loop over rows in parallel, each row writing
only its own output slot.

==========  ================================  ==============================================
scheme      standard                          algorithm
==========  ================================  ==============================================
RIC         GB 11643-1999 resident ID         ISO 7064 MOD 11-2, weights 2^(18-i) mod 11
USCC        GB 32100-2015 credit code         MOD 31 over 0-9A-Z minus I O Z S V, 3^(i-1) mod 31
org code    GB 11714-1997 organisation code   MOD 11, weights 3 7 9 10 5 8 4 2, A=10 .. Z=35
GS15        GS15-2006 business registration   ISO 7064 MOD 11,10 hybrid
==========  ================================  ==============================================

``*_check_chars`` return the ASCII code of the check character, or 0 (NUL) when the body holds a
character outside the scheme's alphabet. ``*_valid`` check charset and check character only: no
date, region or registry checks, and no normalisation (lowercase ``x`` is invalid; NFKC,
upper-casing and stripping belong to the normaliser).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numba import prange

from ._jit import jit

__all__ = [
    "ric_check_chars",
    "ric_valid",
    "ric15_to_18",
    "uscc_check_chars",
    "uscc_valid",
    "orgcode_check_chars",
    "orgcode_valid",
    "gs15_check_chars",
    "gs15_valid",
    "to_ascii_matrix",
    "from_ascii_matrix",
]

_BAD = 0xFF  # value-table marker for "not in the alphabet"; real values are < 64, so bit 7 is free


def _frozen(a) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.flags.writeable = False
    return a


def _value_table(alphabet: bytes) -> np.ndarray:
    """ASCII code -> symbol value (position in ``alphabet``), ``_BAD`` elsewhere."""
    t = np.full(256, _BAD, dtype=np.uint8)
    t[np.frombuffer(alphabet, dtype=np.uint8)] = np.arange(len(alphabet), dtype=np.uint8)
    return _frozen(t)


class _Scheme(NamedTuple):
    """A weighted-sum scheme: check = ``checks[sum(values[c_j] * weights[j]) % modulus]``."""

    values: np.ndarray  # uint8[256]
    weights: np.ndarray  # int64[body width]
    modulus: int
    checks: np.ndarray  # uint8[modulus]: ASCII check char per remainder


def _scheme(alphabet: bytes, weights, modulus: int, check_value, check_symbols: bytes) -> _Scheme:
    return _Scheme(
        values=_value_table(alphabet),
        weights=_frozen(np.array(weights, dtype=np.int64)),
        modulus=modulus,
        checks=_frozen(np.array([check_symbols[check_value(r)] for r in range(modulus)], np.uint8)),
    )


_DIGITS = b"0123456789"
_DIGITS_X = b"0123456789X"  # check value 10 is written X
_ALNUM = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_USCC_ALPHABET = b"0123456789ABCDEFGHJKLMNPQRTUWXY"  # 0-9A-Z minus I O Z S V

# Weights come from the standards' formulas; tests/naive.py spells out the literal tables.
_RIC = _scheme(
    _DIGITS, [pow(2, 17 - j, 11) for j in range(17)], 11, lambda r: (12 - r) % 11, _DIGITS_X
)
_USCC = _scheme(
    _USCC_ALPHABET, [pow(3, j, 31) for j in range(17)], 31, lambda r: (31 - r) % 31, _USCC_ALPHABET
)
# GB 11714 values letters over the FULL alphabet (A=10 .. Z=35), not the USCC table.
# C9 = 11 - r with 11 written 0, i.e. (11 - r) mod 11.
_ORGCODE = _scheme(_ALNUM, [3, 7, 9, 10, 5, 8, 4, 2], 11, lambda r: (11 - r) % 11, _DIGITS_X)


# --------------------------------------------------------------------------------------- kernels


@jit
def _weighted_check(mat, i, values, weights, modulus, checks):
    # OR-ing the values lets one bit-7 test after the loop replace a branch per character.
    s = 0
    seen = 0
    for j in range(weights.shape[0]):
        v = values[mat[i, j]]
        seen |= v
        s += np.int64(v) * weights[j]
    if seen & 0x80:
        return np.uint8(0)
    return checks[s % modulus]


@jit(parallel=True)
def _weighted_check_kernel(mat, values, weights, modulus, checks):
    """Check chars over the first ``weights.size`` columns of each row (0 = cannot compute)."""
    n = mat.shape[0]
    out = np.empty(n, dtype=np.uint8)
    for i in prange(n):
        out[i] = _weighted_check(mat, i, values, weights, modulus, checks)
    return out


@jit(parallel=True)
def _weighted_valid_kernel(mat, values, weights, modulus, checks):
    """True where the column after the body holds the (computable) check char."""
    n = mat.shape[0]
    k = weights.shape[0]
    out = np.empty(n, dtype=np.bool_)
    for i in prange(n):
        c = _weighted_check(mat, i, values, weights, modulus, checks)
        out[i] = (c != 0) & (c == mat[i, k])
    return out


@jit
def _gs15_check(mat, i):
    # ISO 7064 MOD 11,10: p = 10; s = (p + d) mod 10 or 10; p = 2s mod 11; check = (11 - p) mod 10.
    p = 10
    bad = False
    for j in range(14):
        d = np.int64(mat[i, j]) - 48
        bad |= (d < 0) | (d > 9)
        s = (p + d) % 10
        if s == 0:
            s = 10
        p = (2 * s) % 11
    if bad:
        return np.uint8(0)
    return np.uint8(48 + (11 - p) % 10)


@jit(parallel=True)
def _gs15_check_kernel(mat):
    n = mat.shape[0]
    out = np.empty(n, dtype=np.uint8)
    for i in prange(n):
        out[i] = _gs15_check(mat, i)
    return out


@jit(parallel=True)
def _gs15_valid_kernel(mat):
    n = mat.shape[0]
    out = np.empty(n, dtype=np.bool_)
    for i in prange(n):
        c = _gs15_check(mat, i)
        out[i] = (c != 0) & (c == mat[i, 14])
    return out


# --------------------------------------------------------------------------------------- adapters


def _rows(x, width: int | None, name: str) -> np.ndarray:
    """Validate an ``uint8[n, width]`` matrix; return it C-contiguous and read-only.

    Numba compiles a separate specialisation for read-only arrays, so every input is handed to the
    kernels as a read-only view: one specialisation per kernel, and callers' read-only (e.g.
    zero-copy Arrow) buffers need no copy.
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"{name} must be a numpy.ndarray of uint8 ASCII codes, got {type(x).__name__}; "
            "use to_ascii_matrix() to convert strings"
        )
    if x.dtype != np.uint8:
        raise TypeError(
            f"{name} must have dtype uint8 (ASCII codes), got {x.dtype}; "
            "use to_ascii_matrix() to convert strings"
        )
    if x.ndim != 2 or (width is not None and x.shape[1] != width):
        want = f"(n, {width})" if width is not None else "(n, width)"
        raise ValueError(f"{name} must have shape {want}, got {x.shape}")
    x = np.ascontiguousarray(x)
    if x.flags.writeable:
        x = x.view()
        x.flags.writeable = False
    return x


def _check_chars(mat: np.ndarray, scheme: _Scheme) -> np.ndarray:
    return _weighted_check_kernel(mat, scheme.values, scheme.weights, scheme.modulus, scheme.checks)


def _valid(mat: np.ndarray, scheme: _Scheme) -> np.ndarray:
    return _weighted_valid_kernel(mat, scheme.values, scheme.weights, scheme.modulus, scheme.checks)


def ric_check_chars(body: np.ndarray) -> np.ndarray:
    """GB 11643 check chars (ASCII ``0``-``9`` or ``X``) for ``uint8[n, 17]`` bodies; 0 where a
    body holds a non-digit."""
    return _check_chars(_rows(body, 17, "body"), _RIC)


def ric_valid(ids: np.ndarray) -> np.ndarray:
    """``bool[n]``: 17 ASCII digits followed by the correct check char (uppercase ``X`` only)."""
    return _valid(_rows(ids, 18, "ids"), _RIC)


def ric15_to_18(old: np.ndarray) -> np.ndarray:
    """Upgrade 15-digit IDs: insert ``19`` after position 6 and append the check char.

    The check char is 0 (NUL) where the old number holds a non-digit; the other 17 characters are
    copied as given. Centenarians born in the 1800s get a wrong ``19`` (DOMAIN §1; negligible).
    """
    old = _rows(old, 15, "old")
    out = np.empty((old.shape[0], 18), dtype=np.uint8)
    out[:, :6] = old[:, :6]
    out[:, 6] = ord("1")
    out[:, 7] = ord("9")
    out[:, 8:17] = old[:, 6:]
    # The kernel reads only the first 17 columns, so the whole (contiguous) matrix can be passed.
    out[:, 17] = _check_chars(_rows(out, 18, "out"), _RIC)
    return out


def uscc_check_chars(body: np.ndarray) -> np.ndarray:
    """GB 32100 check chars for ``uint8[n, 17]`` bodies; 0 where a char is outside the 31-symbol
    alphabet."""
    return _check_chars(_rows(body, 17, "body"), _USCC)


def uscc_valid(codes: np.ndarray) -> np.ndarray:
    """``bool[n]``: all 18 chars in the USCC alphabet and the check char correct.

    Chars 1-8 are not required to be digits: authority codes ``A``, ``N``, ``Y`` exist (DOMAIN §2).
    """
    return _valid(_rows(codes, 18, "codes"), _USCC)


def orgcode_check_chars(body: np.ndarray) -> np.ndarray:
    """GB 11714 check chars (``0``-``9`` or ``X``) for ``uint8[n, 8]`` bodies; 0 where a char is not
    ``0-9A-Z``."""
    return _check_chars(_rows(body, 8, "body"), _ORGCODE)


def orgcode_valid(codes: np.ndarray) -> np.ndarray:
    """``bool[n]``: 8 chars in ``0-9A-Z`` followed by the correct GB 11714 check char."""
    return _valid(_rows(codes, 9, "codes"), _ORGCODE)


def gs15_check_chars(body: np.ndarray) -> np.ndarray:
    """ISO 7064 MOD 11,10 check digits for ``uint8[n, 14]`` GS15 bodies; 0 where a non-digit."""
    return _gs15_check_kernel(_rows(body, 14, "body"))


def gs15_valid(codes: np.ndarray) -> np.ndarray:
    """``bool[n]``: 15 ASCII digits with the correct MOD 11,10 check digit."""
    return _gs15_valid_kernel(_rows(codes, 15, "codes"))


# ---------------------------------------------------------------------------------- str <-> rows


def to_ascii_matrix(values: Sequence[str] | np.ndarray, width: int) -> np.ndarray:
    """Encode strings as a ``uint8[n, width]`` ASCII matrix.

    A value whose length is not ``width``, that holds a non-ASCII character, or that is ``None``
    gives a zero row (the null row: every kernel reports it as invalid / cannot compute).
    ``bytes`` values and ``S``-dtype arrays are taken as already encoded.
    """
    width = int(width)
    if width < 1:
        raise ValueError(f"width must be >= 1, got {width}")
    if isinstance(values, np.ndarray):
        arr = values
    else:
        arr = np.empty(len(values), dtype=object)  # avoids numpy guessing a dtype per element
        arr[:] = values
    if arr.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {arr.shape}")
    n = arr.shape[0]
    if n == 0:
        return np.zeros((0, width), dtype=np.uint8)
    if arr.dtype.kind not in "USO":
        raise TypeError(f"values must be strings, got dtype {arr.dtype}")

    null = None
    if arr.dtype.kind == "O":
        null = np.equal(arr, None)
        if null.any():
            arr = np.where(null, "", arr)
        else:
            null = None

    # Width + 1 characters are kept so that over-long values stay distinguishable after truncation.
    w1 = width + 1
    try:
        enc = arr.astype(f"S{w1}")
        ok = np.char.str_len(enc) == width
    except UnicodeEncodeError:
        # Rare path: find the rows with non-ASCII characters and blank them before encoding.
        u = arr.astype(f"U{w1}")
        codes = u.view(np.uint32).reshape(n, w1)
        non_ascii = (codes > 127).any(axis=1)
        u[non_ascii] = ""
        enc = u.astype(f"S{w1}")
        ok = (np.char.str_len(enc) == width) & ~non_ascii
    if null is not None:
        ok &= ~null
    m = np.ascontiguousarray(enc).view(np.uint8).reshape(n, w1)[:, :width]
    return np.where(ok[:, None], m, np.uint8(0))


def from_ascii_matrix(m: np.ndarray) -> np.ndarray:
    """Decode a ``uint8[n, w]`` ASCII matrix into an object array of ``str``.

    Trailing NULs are dropped, so a zero row decodes to ``""``.
    """
    m = _rows(m, None, "m")
    n, w = m.shape
    if w == 0:
        return np.full(n, "", dtype=object)
    if (m > 127).any():
        raise ValueError("m holds non-ASCII codes (> 127)")
    return m.view(f"S{w}").reshape(n).astype(f"U{w}").astype(object)
