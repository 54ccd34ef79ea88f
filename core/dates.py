"""Date parsing over code points (DOMAIN §5), one row per value.

The kernel reads CSR code points (``codes``, ``offsets``, ``valid``) and writes, per row, the day
(days since 1970-01-01), a quality code and a precision; ``weft.linkage.standardize.dates`` holds
the formats, the rules and the Arrow side. It implements exactly what that module's former
vectorised ``pyarrow.compute`` code did (NFKC, trimming, the two RE2 patterns, the checks), for the
characters whose NFKC form is known here: printable ASCII, full-width ASCII (U+FF01-FF5E → ASCII),
the ideographic space (U+3000 → space) and the CJK unified ideographs U+4E00-9FFF (unchanged).
A row with any other character (controls, other scripts, compatibility forms) is flagged
``fallback`` and left to the caller.

Patterns (RE2 leftmost-first semantics; ``\\d`` is ASCII)::

    ^(?P<y>\\d{4})(?P<s1>[-/.]|年)(?P<m>\\d{1,2})(?:(?P<s2>[-/.]|月)(?P<d>\\d{1,2})(?P<ri>日?))?(?P<yue>月?)
     (?:(?P<t>[ T])(?P<hh>\\d{1,2}):(?P<mi>\\d{2})(?::(?P<ss>\\d{2})(?:\\.\\d+)?)?)?
     (?P<tz>Z|(?P<tzs>[+-])(?P<tzh>\\d{2}):?(?P<tzm>\\d{2}))?$
    ^(?P<v>\\d+)(?P<frac>\\.0+)?$            ^\\d{4}年$

Only one choice of the first pattern can backtrack: a ``-`` after the month opens either the day
(``s2``) or a zone (``tzs``); the day is tried first. Every other element is followed by one that
cannot start with what it consumes, so greedy matching is the match.
"""

from __future__ import annotations

import numpy as np

from ._jit import jit
from .utf8 import nfkc_narrow

__all__ = [
    "parse_dates", "N_FORMATS",
    "F_YMD", "F_ISO", "F_SLASH", "F_DOT", "F_CN", "F_TS", "F_ISOTZ", "F_YMDHMS", "F_EXCEL", "F_YM", "F_YM_SEP",
    "F_CN_YM", "F_Y", "F_YYMMDD",
    "Q_VALID", "Q_REPAIRED", "Q_MISSING", "Q_UNPARSED", "Q_IMPOSSIBLE", "Q_OUT_OF_RANGE",
    "DAY", "MONTH", "YEAR", "NONE",
]

# format ids, in the order of weft.linkage.standardize.dates.FORMATS
(F_YMD, F_ISO, F_SLASH, F_DOT, F_CN, F_TS, F_ISOTZ, F_YMDHMS, F_EXCEL, F_YM, F_YM_SEP, F_CN_YM, F_Y,
 F_YYMMDD) = range(14)
N_FORMATS = 14
# quality codes (weft.linkage.standardize.quality 0-2, then the date reasons)
Q_VALID, Q_REPAIRED, Q_MISSING, Q_UNPARSED, Q_IMPOSSIBLE, Q_OUT_OF_RANGE = 0, 1, 2, 3, 4, 5
DAY, MONTH, YEAR, NONE = 3, 2, 1, 0

_EPOCH_1900 = -25567  # 1900-01-01 in days since 1970-01-01
_NIAN, _YUE, _RI = 0x5E74, 0x6708, 0x65E5  # 年 月 日


@jit
def _is_digit(c):
    return 0x30 <= c <= 0x39


@jit
def _digits_at(s, p, n):
    """Length of the run of ASCII digits at ``s[p:n]``."""
    q = p
    while q < n and _is_digit(s[q]):
        q += 1
    return q - p


@jit
def _int(s, p, q):
    v = 0
    for t in range(p, q):
        v = v * 10 + (s[t] - 0x30)
    return v


@jit
def _tail(s, p, n, g):
    """Match ``月? (time)? (zone)? $`` at ``s[p:n]`` into ``g``; False if it does not match.

    ``g`` = [yue, t, hh, mi, ss, tz, tzs, tzh, tzm] (t: 0 none, else the character; tz: 0 none,
    1 Z, 2 signed; tzs: the sign character).
    """
    for k in range(9):
        g[k] = 0
    if p < n and s[p] == _YUE:
        g[0] = 1
        p += 1
    if p < n and (s[p] == 0x20 or s[p] == 0x54):  # [ T]: the time must follow
        g[1] = s[p]
        p += 1
        k = _digits_at(s, p, n)
        if k == 0 or k > 2 or p + k >= n or s[p + k] != 0x3A:
            return False
        g[2] = _int(s, p, p + k)
        p += k + 1
        if _digits_at(s, p, n) < 2:
            return False
        g[3] = _int(s, p, p + 2)
        p += 2
        if p < n and s[p] == 0x3A:
            p += 1
            if _digits_at(s, p, n) < 2:
                return False
            g[4] = _int(s, p, p + 2)
            p += 2
            if p < n and s[p] == 0x2E:
                k = _digits_at(s, p + 1, n)
                if k == 0:
                    return False
                p += 1 + k
    if p < n and s[p] == 0x5A:  # Z
        g[5] = 1
        p += 1
    elif p < n and (s[p] == 0x2B or s[p] == 0x2D):  # [+-]\d{2}:?\d{2}
        g[5] = 2
        g[6] = s[p]
        p += 1
        if _digits_at(s, p, n) < 2:
            return False
        g[7] = _int(s, p, p + 2)
        p += 2
        if p < n and s[p] == 0x3A:
            p += 1
        if _digits_at(s, p, n) < 2:
            return False
        g[8] = _int(s, p, p + 2)
        p += 2
    return p == n


@jit
def _days(y, m, d):
    """(days since 1970-01-01 of y-m-d, whether it is a real day); proleptic Gregorian."""
    if not (1 <= m <= 12 and d >= 1 and y >= 1):
        return 0, False
    leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
    if m == 2:
        length = 29 if leap else 28
    elif m == 4 or m == 6 or m == 9 or m == 11:
        length = 30
    else:
        length = 31
    if d > length:
        return 0, False
    # days from civil (H. Hinnant)
    yy = y - 1 if m <= 2 else y
    era = yy // 400
    yoe = yy - era * 400
    mp = m - 3 if m > 2 else m + 9
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468, True


@jit
def _row(codes, a, e, s, g, declared, yymmdd, as_year, today_d, today_y):
    """(day, quality, precision, fallback) of the value ``codes[a:e]``; ``s`` and ``g`` are
    scratch (``s`` at least ``e - a`` long)."""
    # NFKC and trimming
    n = 0
    for t in range(a, e):
        c = nfkc_narrow(codes[t])
        if c < 0:
            return 0, Q_MISSING, NONE, True
        s[n] = c
        n += 1
    lo = 0
    while lo < n and s[lo] == 0x20:
        lo += 1
    while n > lo and s[n - 1] == 0x20:
        n -= 1
    if lo == n:
        return 0, Q_MISSING, NONE, False
    cleaned = n - lo != e - a
    if not cleaned:
        for t in range(lo, n):
            if s[t] != codes[a + t]:
                cleaned = True
                break
    if lo > 0:
        for t in range(lo, n):
            s[t - lo] = s[t]
        n -= lo

    y = m = d = 0
    fmt = -1
    prec = NONE
    serial = -1
    shift = 0
    bad_time = False
    with_time = False

    # separated forms: 2009-06-15, 2009/6/15, 2009年6月15日, 2009-06, timestamps
    if n >= 6 and _digits_at(s, 0, n) >= 4 and (s[4] == 0x2D or s[4] == 0x2F or s[4] == 0x2E or s[4] == _NIAN):
        s1 = s[4]
        k = _digits_at(s, 5, n)
        if 1 <= k:
            k = min(k, 2)
            p = 5 + k
            hit = False
            has_d = False
            s2 = 0
            dd = 0
            ri = False
            # the day first (it may also be read as a zone: 2009-06-1530), then without it
            if p + 1 < n and (s[p] == 0x2D or s[p] == 0x2F or s[p] == 0x2E or s[p] == _YUE) and _is_digit(s[p + 1]):
                kd = min(_digits_at(s, p + 1, n), 2)
                q = p + 1 + kd
                r = q + 1 if q < n and s[q] == _RI else q
                if _tail(s, r, n, g):
                    hit = True
                    has_d = True
                    s2 = s[p]
                    dd = _int(s, p + 1, q)
                    ri = r > q
            if not hit and _tail(s, p, n, g):
                hit = True
            if hit:
                yue = g[0] == 1
                t = g[1]
                tz = g[5]
                cn = s1 == _NIAN
                if cn:
                    consistent = (s2 == _YUE and not yue) if has_d else yue
                else:
                    consistent = (s2 == s1 if has_d else True) and not yue and not ri
                if consistent:
                    y = _int(s, 0, 4)
                    m = _int(s, 5, 5 + k)
                    d = dd if has_d else 1
                    if has_d:
                        if t == 0x20 and tz == 0 and s1 == 0x2D:
                            fmt = F_TS
                        elif (t == 0x54 or tz != 0) and s1 == 0x2D:
                            fmt = F_ISOTZ
                        elif s1 == 0x2D:
                            fmt = F_ISO
                        elif s1 == 0x2F:
                            fmt = F_SLASH
                        elif s1 == 0x2E:
                            fmt = F_DOT
                        else:
                            fmt = F_CN
                        prec = DAY
                    else:
                        fmt = F_CN_YM if cn else F_YM_SEP
                        prec = MONTH
                    with_time = t != 0
                    hh, mi, ss = g[2], g[3], g[4]
                    bad_time = hh > 23 or mi > 59 or ss > 60
                    if tz != 0 and t != 0:
                        sign = -1 if g[6] == 0x2D else 1
                        offset = sign * (g[7] * 60 + g[8])  # minutes east of UTC; Z → 0
                        local = hh * 60 + mi - offset + 8 * 60  # minutes after the written midnight, UTC+8
                        shift = local // (24 * 60)

    # digits only: 20090615, 200906, 090615, 20090615000000, 2009, Excel serials (39979, 39979.0)
    if fmt < 0:
        ln = _digits_at(s, 0, n)
        frac = False
        num = ln == n
        if ln > 0 and ln < n and s[ln] == 0x2E and n > ln + 1:
            frac = True
            for t in range(ln + 1, n):
                if s[t] != 0x30:
                    frac = False
            num = frac
        if ln > 0 and num:
            v = _int(s, 0, ln) if ln <= 14 else 0
            whole = not frac
            c4 = False
            if whole and ln == 8:
                y, m, d = v // 10000, v // 100 % 100, v % 100
                fmt, prec = F_YMD, DAY
            elif whole and ln == 14:
                w = v // 10**6
                y, m, d = w // 10000, w // 100 % 100, w % 100
                t6 = v % 10**6
                bad_time = t6 // 10000 > 23 or t6 // 100 % 100 > 59 or t6 % 100 > 60
                fmt, prec = F_YMDHMS, DAY
            elif whole and ln == 6:
                if yymmdd:
                    yy = v // 10000
                    y = (2000 if 2000 + yy <= today_y else 1900) + yy
                    m, d = v // 100 % 100, v % 100
                    fmt, prec = F_YYMMDD, DAY
                else:
                    y, m, d = v // 100, v % 100, 1
                    fmt, prec = F_YM, MONTH
            elif whole and ln == 4 and as_year and v >= 1000:
                y, m, d = v, 1, 1
                fmt, prec = F_Y, YEAR
                c4 = True
            if ln <= 5 and not c4 and v <= 60000:
                serial = v
                fmt, prec = F_EXCEL, DAY
    if n == 5 and _digits_at(s, 0, n) == 4 and s[4] == _NIAN:  # 2009年
        y, m, d = _int(s, 0, 4), 1, 1
        fmt, prec = F_Y, YEAR

    # to days, then the checks in order: placeholder, unparsed, impossible, out of range
    if fmt < 0:
        return 0, Q_UNPARSED, NONE, False
    xs = serial >= 0
    if xs:
        days, real = serial - 25569, True
    else:
        days, real = _days(y, m, d)
    days += shift
    zeros = not xs and y == 0 and m == 0 and (d == 0 or prec != DAY)  # 0000-00-00, 00000000
    # 1899-12-30, 1899-12-31, 1900-01-01, 1970-01-01
    placeholder = zeros or (xs and serial <= 60) or (prec == DAY and real and (
        days == -25569 or days == -25568 or days == -25567 or days == 0))
    if placeholder:
        return 0, Q_MISSING, NONE, False
    if not real or bad_time:
        return 0, Q_IMPOSSIBLE, NONE, False
    if days < _EPOCH_1900 or days > today_d:
        return 0, Q_OUT_OF_RANGE, NONE, False
    time_on_date = with_time and fmt != F_TS and fmt != F_ISOTZ
    q = Q_VALID if declared[fmt] and not cleaned and not time_on_date else Q_REPAIRED
    return days, q, prec, False


@jit
def parse_dates(codes, offsets, valid, declared, yymmdd, as_year, today_d, today_y):
    """Parse every row: returns (days int32, quality uint8, precision uint8, fallback bool).

    ``declared``: bool[N_FORMATS], the formats that count as valid; ``yymmdd``: six digits are
    ``%y%m%d`` (else ``%Y%m``); ``as_year``: four digits are a year (else an Excel serial);
    ``today_d``/``today_y``: the last plausible day (days since 1970-01-01) and its year. Days are
    0 unless the quality is 0 or 1; fallback rows (module docstring) have quality 2.

    Serial: a value costs tens of nanoseconds, fields run on threads of their own
    (``weft.linkage.standardize.run``), and a ``parallel=True`` variant would double the compile time.
    """
    n = len(offsets) - 1
    days = np.zeros(n, np.int32)
    q = np.empty(n, np.uint8)
    prec = np.zeros(n, np.uint8)
    fallback = np.zeros(n, np.bool_)
    width = 1
    for i in range(n):
        width = max(width, offsets[i + 1] - offsets[i])
    s = np.empty(width, np.int64)
    g = np.zeros(9, np.int64)
    for i in range(n):
        if not valid[i]:
            q[i] = Q_MISSING
            continue
        days[i], q[i], prec[i], fallback[i] = _row(codes, offsets[i], offsets[i + 1], s, g, declared, yymmdd,
                                                   as_year, today_d, today_y)
    return days, q, prec, fallback
