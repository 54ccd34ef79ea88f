"""Phone-number normalisation over code points (DOMAIN §5), one row per value.

The kernel reads CSR code points (``codes``, ``offsets``, ``valid``) and writes, per row, the
canonical digits (CSR, ASCII), a quality code and a kind; ``weft.linkage.standardize.phone`` holds
the rules and the Arrow side. It implements exactly what that module's former vectorised
``pyarrow.compute`` code did (NFKC, trimming, its RE2 patterns in order), for the characters whose
NFKC form is known here: printable ASCII, full-width ASCII (U+FF01-FF5E → ASCII), the ideographic
space and comma (U+3000 → space, U+3001 、 unchanged) and the CJK unified ideographs U+4E00-9FFF
(unchanged). A row with any other character (controls, where RE2's ``.`` and ``\\s`` differ, other
scripts, compatibility forms) is flagged ``fallback`` and left to the caller.

Steps per row (``s`` the NFKC, trimmed value): cut at the first of ``/ , ; 、``; cut at the first
转, 分机 or EXT (any case); drop ``\\s - ( ) .``; missing if empty or a placeholder; a country code
``+86``/``0086`` is dropped, then ``86`` before a full mobile or 755 number; digits-only values that
do not start with 00 are numbers; 755 + 8 digits after a country code and bare 8-digit local numbers
([2-8]) get Shenzhen's 0755; then mobile (libphonenumber's CN allocation), Shenzhen landline
(0755 + 8 digits) or another city's landline (0[1-9] + 8-10 digits).
"""

from __future__ import annotations

import numpy as np

from ._jit import jit
from .utf8 import nfkc_narrow

__all__ = ["normalize_phones", "Q_VALID", "Q_REPAIRED", "Q_MISSING", "Q_BAD_LENGTH", "Q_BAD_PREFIX", "Q_NOT_A_PHONE",
           "KIND_MOBILE", "KIND_LANDLINE", "KIND_NONE"]

# quality codes (weft.linkage.standardize.quality 0-2, then the phone reasons)
Q_VALID, Q_REPAIRED, Q_MISSING, Q_BAD_LENGTH, Q_BAD_PREFIX, Q_NOT_A_PHONE = 0, 1, 2, 3, 4, 5
KIND_MOBILE, KIND_LANDLINE, KIND_NONE = 0, 1, -1

_ZHUAN, _FEN, _JI = 0x8F6C, 0x5206, 0x673A  # 转 分 机
# placeholders (after the cuts and drops, so "-+", "/+" and "N/A" cannot remain): 无 暂无 不详 未知 空
_WU, _ZAN, _BU, _XIANG, _WEI, _ZHI, _KONG = 0x65E0, 0x6682, 0x4E0D, 0x8BE6, 0x672A, 0x77E5, 0x7A7A


@jit
def _nfkc(c):
    """:func:`nfkc_narrow`, and 、 (U+3001) kept: it separates numbers in a phone field."""
    return np.int64(c) if c == 0x3001 else nfkc_narrow(c)


@jit
def _upper(c):
    return c - 32 if 0x61 <= c <= 0x7A else c


@jit
def _all_digits(s, p, n):
    if p >= n:
        return False
    for t in range(p, n):
        if not (0x30 <= s[t] <= 0x39):
            return False
    return True


@jit
def _placeholder(s, n):
    """``^(?:无|暂无|不详|未知|空|NULL|NONE|N/?A|-+|/+|0+)$`` on ``s[:n]`` (no '-' or '/' is left)."""
    if n == 1:
        return s[0] == _WU or s[0] == _KONG or s[0] == 0x30
    if n == 2:
        a, b = s[0], s[1]
        if ((a == _ZAN and b == _WU) or (a == _BU and b == _XIANG) or (a == _WEI and b == _ZHI)
                or (a == 0x4E and b == 0x41)):  # 暂无 不详 未知 NA
            return True
    if n == 4 and ((s[0] == 0x4E and s[1] == 0x55 and s[2] == 0x4C and s[3] == 0x4C)
                   or (s[0] == 0x4E and s[1] == 0x4F and s[2] == 0x4E and s[3] == 0x45)):
        return True
    for t in range(n):
        if s[t] != 0x30:
            return False
    return n > 0


@jit
def _mobile(s, p):
    """``s[p:p + 11]`` (11 digits) is an allocated mobile number."""
    if s[p] != 0x31:
        return False
    a, b = s[p + 1] - 0x30, s[p + 2] - 0x30
    if a == 3 or a == 8:
        return True
    if a == 4:
        return b == 5 or b == 7
    if a == 5 or a == 9:
        return b != 4
    if a == 6:
        if b == 2 or 5 <= b <= 7:
            return True
        return b == 1 and s[p + 3] == 0x30  # 1610
    if a == 7:
        if b != 4 and b != 9:
            return True
        return b == 4 and s[p + 3] == 0x30 and s[p + 4] <= 0x35  # 17400-17405
    return False


@jit
def _row(codes, a, e, s):
    """(quality, kind, start, end, fallback) of the value ``codes[a:e]``: the canonical digits are
    ``s[start:end]`` (written into the scratch ``s``, at least ``e - a + 4`` long)."""
    # NFKC and trimming (the value shifted by 4, room for a 0755 in front)
    n = 4
    for t in range(a, e):
        c = _nfkc(codes[t])
        if c < 0:
            return Q_MISSING, KIND_NONE, 0, 0, True
        s[n] = c
        n += 1
    lo = 4
    while lo < n and s[lo] == 0x20:
        lo += 1
    while n > lo and s[n - 1] == 0x20:
        n -= 1
    # several numbers: keep the first; then an extension
    end = n
    for t in range(lo, n):
        c = s[t]
        if c == 0x2F or c == 0x2C or c == 0x3B or c == 0x3001:
            end = t
            break
    for t in range(lo, end):
        c = s[t]
        if (c == _ZHUAN or (c == _FEN and t + 1 < end and s[t + 1] == _JI)
                or (_upper(c) == 0x45 and t + 2 < end and _upper(s[t + 1]) == 0x58 and _upper(s[t + 2]) == 0x54)):
            end = t
            break
    # drop spaces, hyphens, dots and parentheses
    n = lo
    for t in range(lo, end):
        c = s[t]
        if not (c == 0x20 or c == 0x2D or c == 0x28 or c == 0x29 or c == 0x2E):
            s[n] = c
            n += 1
    if n == lo or _placeholder(s[lo:n], n - lo):
        return Q_MISSING, KIND_NONE, 0, 0, False
    p = lo
    country = False
    if n - p >= 3 and s[p] == 0x2B and s[p + 1] == 0x38 and s[p + 2] == 0x36:  # +86
        country = True
        p += 3
    elif n - p >= 4 and s[p] == 0x30 and s[p + 1] == 0x30 and s[p + 2] == 0x38 and s[p + 3] == 0x36:  # 0086
        country = True
        p += 4
    if (n - p == 13 and s[p] == 0x38 and s[p + 1] == 0x36 and _all_digits(s, p, n)
            and (s[p + 2] == 0x31 or (s[p + 2] == 0x37 and s[p + 3] == 0x35 and s[p + 4] == 0x35))):
        p += 2  # 86 before a full mobile or 755 number
    digits = _all_digits(s, p, n) and not (n - p >= 2 and s[p] == 0x30 and s[p + 1] == 0x30)  # 00852…: foreign
    if not digits:
        return Q_NOT_A_PHONE, KIND_NONE, 0, 0, False
    if country and n - p == 11 and s[p] == 0x37 and s[p + 1] == 0x35 and s[p + 2] == 0x35:
        p -= 1
        s[p] = 0x30  # 755… after a country code: 0755…
    if n - p == 8 and 0x32 <= s[p] <= 0x38:  # a bare local number: Shenzhen's
        p -= 4
        s[p], s[p + 1], s[p + 2], s[p + 3] = 0x30, 0x37, 0x35, 0x35
    ln = n - p
    if ln == 11 and _mobile(s, p):
        kind = KIND_MOBILE
    elif ln >= 4 and s[p] == 0x30 and s[p + 1] == 0x37 and s[p + 2] == 0x35 and s[p + 3] == 0x35:
        if ln != 12:
            return Q_BAD_LENGTH, KIND_NONE, 0, 0, False
        kind = KIND_LANDLINE
    elif s[p] == 0x30 and 10 <= ln <= 12 and s[p + 1] != 0x30:
        kind = KIND_LANDLINE
    elif ln == 11 and s[p] == 0x31:
        return Q_BAD_PREFIX, KIND_NONE, 0, 0, False
    else:
        return Q_BAD_LENGTH, KIND_NONE, 0, 0, False
    same = ln == e - a
    if same:
        for t in range(ln):
            if s[p + t] != codes[a + t]:
                same = False
                break
    return Q_VALID if same else Q_REPAIRED, kind, p, n, False


@jit
def normalize_phones(codes, offsets, valid):
    """Normalise every row: returns (digits uint32, offsets int64, quality uint8, kind int8, fallback).

    Row i's canonical number is ``digits[offsets[i]:offsets[i+1]]`` (empty unless quality is 0 or
    1); ``kind`` is KIND_MOBILE, KIND_LANDLINE or KIND_NONE; fallback rows (module docstring) have
    quality 2.

    Serial: a value costs tens of nanoseconds, fields run on threads of their own
    (``weft.linkage.standardize.run``), and a ``parallel=True`` variant would double the compile time.
    """
    n = len(offsets) - 1
    q = np.empty(n, np.uint8)
    kind = np.full(n, KIND_NONE, np.int8)
    fallback = np.zeros(n, np.bool_)
    width = 1
    for i in range(n):
        width = max(width, offsets[i + 1] - offsets[i])
    s = np.empty(width + 4, np.int64)
    out_off = np.zeros(n + 1, np.int64)
    out = np.empty(12 * n, np.uint32)  # canonical numbers have at most 12 digits
    for i in range(n):
        out_off[i + 1] = out_off[i]
        if not valid[i]:
            q[i] = Q_MISSING
            continue
        qq, kk, p, e, fb = _row(codes, offsets[i], offsets[i + 1], s)
        q[i] = qq
        kind[i] = kk
        fallback[i] = fb
        if qq <= Q_REPAIRED:
            for t in range(e - p):
                out[out_off[i] + t] = s[p + t]
            out_off[i + 1] += e - p
    return out[:out_off[n]], out_off, q, kind, fallback
