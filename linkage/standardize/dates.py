"""Dates → ``date32``, a precision and a quality code (DOMAIN §5).

Recognised formats (``formats`` names, strftime style; zero padding always optional):

================================  ==================================  =========
name                              example                             precision
================================  ==================================  =========
``%Y%m%d``                        20090615 (ID numbers)               day
``%Y-%m-%d``                      2009-06-15, 2009-6-15               day
``%Y/%m/%d``                      2009/6/15                           day
``%Y.%m.%d``                      2009.06.15                          day
``%Y年%m月%d日``                   2009年6月15日, 2009年06月15日         day
``%Y-%m-%d %H:%M:%S``             2009-06-15 00:00:00(.0)             day
``%Y-%m-%dT%H:%M:%S%z``           2009-06-15T00:00:00+08:00, …Z       day
``%Y%m%d%H%M%S``                  20090615000000                      day
``excel``                         39979, 39979.0 (1900 date system)   day
``%Y%m``                          200906                              month
``%Y-%m``                         2009-06, 2009/6, 2009.06            month
``%Y年%m月``                       2009年6月                            month
``%Y``                            2009, 2009年                         year
``%y%m%d``                        090615 (15-digit ID numbers)        day
================================  ==================================  =========

``formats`` (from a source spec) declares the formats a source writes, in order of preference:
values in a declared format are valid (q 0); values in another unambiguous built-in format still
parse, as repaired (q 1). ``%y%m%d`` is only tried when declared. Ambiguous shapes follow the
declared order: six digits are ``%Y%m`` unless ``%y%m%d`` is declared before it; four digits are a
year unless ``excel`` is declared before ``%Y``. Without ``formats`` every built-in format except
``%y%m%d`` counts as declared.

Rules: timestamps give their date; with a zone they are first converted to China Standard Time
(UTC+8), the date a Shenzhen department means. Excel serials are days since 1899-12-30 (61 =
1900-03-01, 39979 = 2009-06-15); serials 0-60 are placeholders, because before March 1900 Excel
(1 = 1900-01-01, with a fictitious 1900-02-29) and the 1899-12-30 epoch of LibreOffice and pandas
(2 = 1900-01-01) disagree, and no real record falls there. Two-digit years
fall in the hundred years up to ``today``. Month and year precision dates are the first day of
their period. A day-month swap that still gives a real date (2009-12-06 for 2009-06-12) cannot
be told from the value and parses as written: compare with the ID number's date downstream.

Quality (``date_q``): 0 valid, 1 repaired (undeclared format, full-width digits, surrounding
spaces, a time on a date-only format), 2 missing (null, empty, or a placeholder date 1900-01-01,
1970-01-01, 1899-12-30, 1899-12-31, 0000-00-00), and :data:`REASONS` 3-5. ``date`` is null unless
``date_q`` is 0 or 1.

Values go through the Numba kernel :func:`weft.core.dates.parse_dates`; the rare value with a
character whose NFKC form the kernel does not know (see there) goes through the equivalent
``pyarrow.compute`` code below, which also serves the tests as the reference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from weft.core import dates as K

from ..arrow import as_array, decode
from .quality import COMMON_REASONS, MISSING, REPAIRED, VALID

__all__ = ["standardize_date", "REASONS", "FORMATS", "UNPARSED", "IMPOSSIBLE", "OUT_OF_RANGE",
           "DAY", "MONTH", "YEAR", "NONE"]

UNPARSED = K.Q_UNPARSED
IMPOSSIBLE = K.Q_IMPOSSIBLE
OUT_OF_RANGE = K.Q_OUT_OF_RANGE
REASONS = {
    **COMMON_REASONS,
    UNPARSED: "unparsed",  # no recognised format
    IMPOSSIBLE: "impossible",  # a recognised format, but no such day (2009-02-30, month 13, 25:00)
    OUT_OF_RANGE: "out_of_range",  # before 1900-01-01 or after today
}
DAY, MONTH, YEAR, NONE = K.DAY, K.MONTH, K.YEAR, K.NONE

FORMATS = ("%Y%m%d", "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%z",
           "%Y%m%d%H%M%S", "excel", "%Y%m", "%Y-%m", "%Y年%m月", "%Y", "%y%m%d")
(F_YMD, F_ISO, F_SLASH, F_DOT, F_CN, F_TS, F_ISOTZ, F_YMDHMS, F_EXCEL, F_YM, F_YM_SEP, F_CN_YM, F_Y,
 F_YYMMDD) = range(len(FORMATS))
assert (len(FORMATS), F_YYMMDD, F_EXCEL, F_CN_YM) == (K.N_FORMATS, K.F_YYMMDD, K.F_EXCEL, K.F_CN_YM)
assert (VALID, REPAIRED, MISSING) == (K.Q_VALID, K.Q_REPAIRED, K.Q_MISSING)
_OPT_IN = {F_YYMMDD}

_EPOCH_1900 = -25567  # 1900-01-01 in days since 1970-01-01
_PLACEHOLDER_DAYS = np.array([-25569, -25568, -25567, 0])  # 1899-12-30, 1899-12-31, 1900-01-01, 1970-01-01

# Y sep M [sep D [日]] [月] [time] [zone]; groups that do not take part come back as ""
_SEPARATED = (
    r"^(?P<y>\d{4})(?P<s1>[-/.]|年)(?P<m>\d{1,2})(?:(?P<s2>[-/.]|月)(?P<d>\d{1,2})(?P<ri>日?))?(?P<yue>月?)"
    r"(?:(?P<t>[ T])(?P<hh>\d{1,2}):(?P<mi>\d{2})(?::(?P<ss>\d{2})(?:\.\d+)?)?)?"
    r"(?P<tz>Z|(?P<tzs>[+-])(?P<tzh>\d{2}):?(?P<tzm>\d{2}))?$"
)


def _format_ids(formats: Sequence[str] | None) -> list[int]:
    if formats is None:
        return [f for f in range(len(FORMATS)) if f not in _OPT_IN]
    if isinstance(formats, str):
        formats = [formats]
    out = []
    for f in formats:
        if f not in FORMATS:
            raise ValueError(f"unknown date format {f!r} (known: {', '.join(FORMATS)})")
        out.append(FORMATS.index(f))
    return out


def _ints(values: pa.Array, rows: np.ndarray | None = None) -> np.ndarray:
    """Digit strings → int64; "", null and rows outside ``rows`` → 0."""
    use = pc.greater(pc.utf8_length(values), 0).fill_null(False)
    if rows is not None:
        use = pc.and_(use, pa.array(rows))
    return pc.cast(pc.if_else(use, values, "0"), pa.int64()).to_numpy(zero_copy_only=False)


def _days(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(days since 1970-01-01, whether y-m-d is a real calendar day)."""
    ok = (m >= 1) & (m <= 12) & (d >= 1) & (y >= 1)
    ym = np.where(ok, (y - 1970) * 12 + (m - 1), 0)
    start = ym.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    length = (ym + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) - start
    ok &= d <= length
    return np.where(ok, start + d - 1, 0), ok


def _today_days(today) -> int:
    if today is None:
        today = dt.date.today()
    return int(np.datetime64(today, "D").astype(np.int64))


def _readings(formats: Sequence[str] | None, today) -> tuple[list[int], bool, bool, int, int]:
    """(declared format ids, six digits are %y%m%d, four digits are a year, today's day, its year)."""
    declared = _format_ids(formats)
    order = {f: k for k, f in enumerate(declared)} if formats is not None else {}
    # ambiguous shapes: the first of the two readings the source declares, else the default one
    yymmdd = F_YYMMDD in order and order[F_YYMMDD] < order.get(F_YM, len(FORMATS))
    as_year = F_EXCEL not in order or order.get(F_Y, len(FORMATS)) < order[F_EXCEL]
    today_d = _today_days(today)
    today_y = int(np.datetime64(today_d, "D").astype("datetime64[Y]").astype(np.int64)) + 1970
    return declared, yymmdd, as_year, today_d, today_y


def standardize_date(values, *, formats: Sequence[str] | None = None, today=None) -> dict[str, pa.Array]:
    """``date`` (date32), ``date_q`` (uint8, :data:`REASONS`), ``date_precision`` (uint8 3/2/1/0).

    ``values``: any Arrow string column. ``formats``: the source's declared formats (module
    docstring; an unknown name raises ``ValueError``). ``today``: the upper bound of plausible
    dates (``datetime.date``, ``numpy.datetime64`` or ISO string; default the current date).
    """
    declared, yymmdd, as_year, today_d, today_y = _readings(formats, today)
    raw = as_array(values)
    cp = decode(raw)
    declared_set = np.zeros(K.N_FORMATS, np.bool_)
    declared_set[declared] = True
    days, q, prec, fallback = K.parse_dates(cp.codes, cp.offsets, cp.valid, declared_set, yymmdd, as_year, today_d,
                                            today_y)
    if fallback.any():
        rows = np.flatnonzero(fallback)
        old = _standardize_date_arrow(raw.take(pa.array(rows)), formats=formats, today=today)
        days[rows] = old["date"].fill_null(0).cast(pa.int32()).to_numpy(zero_copy_only=False)
        q[rows] = old["date_q"].to_numpy(zero_copy_only=False)
        prec[rows] = old["date_precision"].to_numpy(zero_copy_only=False)
    return {
        "date": pa.array(days, pa.date32(), mask=q > REPAIRED),
        "date_q": pa.array(q, pa.uint8()),
        "date_precision": pa.array(prec, pa.uint8()),
    }


def _standardize_date_arrow(values, *, formats: Sequence[str] | None = None, today=None) -> dict[str, pa.Array]:
    """:func:`standardize_date` in ``pyarrow.compute`` (RE2, NFKC): for values the kernel leaves
    (characters it cannot normalise) and, in the tests, as its reference."""
    declared, yymmdd, as_year, today_d, today_y = _readings(formats, today)
    raw = as_array(values).cast(pa.string())
    n = len(raw)
    s = pc.utf8_trim_whitespace(pc.utf8_normalize(raw, "NFKC"))
    cleaned = ~pc.equal(s, raw).fill_null(True).to_numpy(zero_copy_only=False)
    null = (~raw.is_valid().to_numpy(zero_copy_only=False)
            | pc.equal(s, "").fill_null(True).to_numpy(zero_copy_only=False))

    y = np.zeros(n, np.int64)
    m = np.zeros(n, np.int64)
    d = np.zeros(n, np.int64)
    fmt = np.full(n, -1, np.int64)
    prec = np.zeros(n, np.uint8)
    serial = np.full(n, -1, np.int64)
    shift = np.zeros(n, np.int64)  # days added by a time zone conversion
    bad_time = np.zeros(n, bool)
    with_time = np.zeros(n, bool)

    # --- separated forms: 2009-06-15, 2009/6/15, 2009年6月15日, 2009-06, timestamps
    g = pc.extract_regex(s, _SEPARATED)
    hit = g.is_valid().to_numpy(zero_copy_only=False)
    if hit.any():
        f = {k: pc.struct_field(g, k)
             for k in ("y", "s1", "m", "s2", "d", "ri", "yue", "t", "hh", "mi", "ss", "tz", "tzs", "tzh", "tzm")}
        s1 = f["s1"].to_numpy(zero_copy_only=False)
        s2 = f["s2"].to_numpy(zero_copy_only=False)
        has_d = pc.utf8_length(f["d"]).fill_null(0).to_numpy(zero_copy_only=False) > 0
        yue = f["yue"].to_numpy(zero_copy_only=False) == "月"
        ri = f["ri"].to_numpy(zero_copy_only=False) == "日"
        t = f["t"].to_numpy(zero_copy_only=False)
        tz = f["tz"].fill_null("").to_numpy(zero_copy_only=False)
        cn = s1 == "年"
        # one separator style: 2009-06-15 / 2009年6月15日 / 2009年6月 / 2009-06, not 2009年6-15
        consistent = np.where(cn, np.where(has_d, (s2 == "月") & ~yue, yue),
                              np.where(has_d, s2 == s1, True) & ~yue & ~ri)
        sep_id = np.select([s1 == "-", s1 == "/", s1 == "."], [F_ISO, F_SLASH, F_DOT], F_CN)
        day_fmt = np.where((t == " ") & (tz == "") & (s1 == "-"), F_TS,
                           np.where(((t == "T") | (tz != "")) & (s1 == "-"), F_ISOTZ, sep_id))
        month_fmt = np.where(cn, F_CN_YM, F_YM_SEP)
        take = hit & consistent
        y[take] = _ints(f["y"])[take]
        m[take] = _ints(f["m"])[take]
        d[take] = np.where(has_d, _ints(f["d"]), 1)[take]
        fmt[take] = np.where(has_d, day_fmt, month_fmt)[take]
        prec[take] = np.where(has_d, DAY, MONTH)[take]
        with_time[take] = (t != "")[take]
        hh, mi, ss = _ints(f["hh"]), _ints(f["mi"]), _ints(f["ss"])
        bad_time[take] = ((hh > 23) | (mi > 59) | (ss > 60))[take]
        zoned = take & (tz != "") & (t != "")
        sign = np.where(f["tzs"].to_numpy(zero_copy_only=False) == "-", -1, 1)
        offset = sign * (_ints(f["tzh"]) * 60 + _ints(f["tzm"]))  # minutes east of UTC; Z → 0
        local = hh * 60 + mi - offset + 8 * 60  # minutes after the written date's midnight, UTC+8
        shift[zoned] = np.floor_divide(local, 24 * 60)[zoned]

    # --- digits only: 20090615, 200906, 090615, 20090615000000, 2009, Excel serials (39979, 39979.0)
    num = pc.extract_regex(s, r"^(?P<v>\d+)(?P<frac>\.0+)?$")
    nh = num.is_valid().to_numpy(zero_copy_only=False) & (fmt < 0)
    if nh.any():
        v_str = pc.struct_field(num, "v")
        frac = pc.utf8_length(pc.struct_field(num, "frac")).fill_null(0).to_numpy(zero_copy_only=False) > 0
        ln = pc.utf8_length(v_str).fill_null(0).to_numpy(zero_copy_only=False)
        short = pc.if_else(pa.array(nh & (ln <= 14)), v_str, "0")
        v = _ints(short)
        whole = nh & ~frac
        c8 = whole & (ln == 8)
        y[c8], m[c8], d[c8] = v[c8] // 10000, v[c8] // 100 % 100, v[c8] % 100
        fmt[c8], prec[c8] = F_YMD, DAY
        c14 = whole & (ln == 14)
        w = v[c14] // 10**6
        y[c14], m[c14], d[c14] = w // 10000, w // 100 % 100, w % 100
        t6 = v[c14] % 10**6
        bad_time[c14] = (t6 // 10000 > 23) | (t6 // 100 % 100 > 59) | (t6 % 100 > 60)
        fmt[c14], prec[c14] = F_YMDHMS, DAY
        c6 = whole & (ln == 6)
        if yymmdd:
            yy = v[c6] // 10000
            century = np.where(2000 + yy <= today_y, 2000, 1900)
            y[c6], m[c6], d[c6] = century + yy, v[c6] // 100 % 100, v[c6] % 100
            fmt[c6], prec[c6] = F_YYMMDD, DAY
        else:
            y[c6], m[c6], d[c6] = v[c6] // 100, v[c6] % 100, 1
            fmt[c6], prec[c6] = F_YM, MONTH
        c4 = whole & (ln == 4) & as_year & (v >= 1000)
        y[c4], m[c4], d[c4] = v[c4], 1, 1
        fmt[c4], prec[c4] = F_Y, YEAR
        cx = nh & (ln <= 5) & ~c4 & (v <= 60000)
        serial[cx] = v[cx]
        fmt[cx], prec[cx] = F_EXCEL, DAY
    cy = pc.match_substring_regex(s, r"^\d{4}年$").fill_null(False).to_numpy(zero_copy_only=False)
    y[cy], m[cy], d[cy] = _ints(pc.utf8_slice_codeunits(s, 0, 4), cy)[cy], 1, 1
    fmt[cy], prec[cy] = F_Y, YEAR

    # --- to days, then the checks in order: unparsed, placeholder, impossible, out of range
    days, real = _days(y, m, d)
    xs = serial >= 0
    days[xs] = serial[xs] - 25569
    real[xs] = True
    days += shift
    parsed = fmt >= 0
    zeros = parsed & ~xs & (y == 0) & (m == 0) & ((d == 0) | (prec != DAY))  # 0000-00-00, 00000000
    placeholder = parsed & (zeros | (xs & (serial <= 60)) | ((prec == DAY) & real & np.isin(days, _PLACEHOLDER_DAYS)))
    impossible = parsed & ~placeholder & (~real | bad_time)
    out_of_range = parsed & ~placeholder & ~impossible & ((days < _EPOCH_1900) | (days > today_d))
    declared_set = np.zeros(len(FORMATS) + 1, bool)
    declared_set[declared] = True
    as_declared = declared_set[np.where(parsed, fmt, len(FORMATS))]
    time_on_date = with_time & ~np.isin(fmt, [F_TS, F_ISOTZ])
    q = np.select(
        [null | placeholder, ~parsed, impossible, out_of_range, as_declared & ~cleaned & ~time_on_date],
        [MISSING, UNPARSED, IMPOSSIBLE, OUT_OF_RANGE, VALID],
        default=REPAIRED,
    ).astype(np.uint8)
    good = q <= REPAIRED
    return {
        "date": pa.array(days.astype(np.int32), pa.date32(), mask=~good),
        "date_q": pa.array(q, pa.uint8()),
        "date_precision": pa.array(np.where(good, prec, NONE).astype(np.uint8), pa.uint8()),
    }
