"""Address tokenising and parsing over code points (DOMAIN §3), one row per address.

The kernels take CSR code points (``codes``, ``offsets``) and look-up tables as plain arrays.
:func:`parse` writes a normalised copy of every row plus an ``int32`` result matrix of spans and
numbers; :func:`render` writes the string columns built from them (the canonical address, the
parts, the keys) as UTF-8 in one CSR buffer (:func:`render_sizes` then :func:`render_into`: in a
buffer of the caller's), which ``weft.linkage.standardize.address`` wraps as Arrow columns without
copying, and :func:`int_columns` the integer columns.

Per row:

1. **normalise** — full-width ASCII → ASCII, a-z → A-Z, dashes (U+2010-2015, U+2212, U+FE58,
   U+FE63, U+30FC) → ``-``, traditional → simplified (the caller's one-to-one ``t2s`` table, and
   號樓棟層單區鎮縣鄉組 always). Separators are dropped: ASCII other than letters, digits, ``-``
   and ``#``; U+0080-00BF, U+2000-206F, U+3000-3003, U+3008-3011, U+3014-301F, U+FE30-FE4F,
   U+FEFF, U+FF5F-FF65; and ``-``/``#`` not right after a letter or digit. A run of them becomes
   one space only between two ASCII letters/digits, so ``1203 13812345678`` stays two numbers.
   Runs of 6+ digits (phone numbers, postcodes; with an area code ``0755-`` before them) are
   dropped like separators. A run of Chinese numerals (零〇一二两三四五六七八九十百, optionally
   after 第) of at most five digits, followed (past separators, ``-`` and dropped runs) by one of
   栋座幢号楼层单室房户巷弄组坊期#, becomes Arabic, spaced from a digit before it (三栋 → 3栋,
   十二楼 → 12楼, 第二期 → 2期, 一二零三室 → 1203室); names keep theirs (三联社区, 六约村). The row
   is cut at 电话, 手机, 联系, or TEL not preceded by a letter. So no number in the normalised
   text has more than five digits.
2. **admin chain** — the longest province / prefecture / county names at the start, chained left
   to right; a county is resolved with the province/prefecture before it, else by the table's
   context-free choice (Shenzhen first, then a unique current code). The chain continues at the
   first text token, where the canonical form will write it (so re-parsing agrees).
3. **street / community** — in that text: ``…街道`` (else ``…镇``, and ``…乡`` outside Shenzhen)
   then ``…社区`` (居委会, 村委会); a Shenzhen street fills in a missing district.
4. **tokens** — numbers and letter labels with the unit word after them (栋座幢号楼# 号 单元 楼 层
   室房户 巷弄组坊), hyphens, and text.
5. **grammar** — road + 号, urban village + lane (3巷12号), compound, building, unit, floor and
   room, including the compact ``5-1-101`` (栋-单元-室) and ``12-03`` (floor-room) forms.
"""
from __future__ import annotations

import numpy as np
from numba import prange

from ._jit import jit

__all__ = [
    "fnv1a",
    "hash_rows",
    "parse",
    "render",
    "render_sizes",
    "render_into",
    "int_columns",
    "gather_spans",
    "hash_filter",
    "hash_slots",
    "bit_set",
    "NCOL",
    "NSTR",
    "LEVEL_MISSING",
    "LEVEL_UNPARSED",
    "LEVEL_DISTRICT",
    "LEVEL_ROAD",
    "LEVEL_BUILDING",
    "LEVEL_ROOM",
]

# ---------------------------------------------------------------------------- result matrix
# Columns of the int32 result matrix; spans are [start, end) relative to the row's start in the
# normalised buffer, -1 when absent; numbers are -1 when absent.
R_LEVEL, R_PROV, R_PREF, R_COUNTY, R_CANON, R_SZ = 0, 1, 2, 3, 4, 5
R_STREET_S, R_STREET_E, R_STREET_KIND, R_COMM_S, R_COMM_E, R_COMM_KIND = 6, 7, 8, 9, 10, 11
R_ROAD_S, R_ROAD_E, R_ROAD_NO, R_VILLAGE_S, R_VILLAGE_E = 12, 13, 14, 15, 16
R_COMPOUND_S, R_COMPOUND_E, R_BLD_S, R_BLD_E = 17, 18, 19, 20
R_UNIT, R_FLOOR, R_ROOM, R_LEN = 21, 22, 23, 24  # R_LEN: length of the normalised row
NCOL = 25

# How far a row was parsed (R_LEVEL). From LEVEL_BUILDING on, the parts identify one building.
LEVEL_MISSING, LEVEL_UNPARSED, LEVEL_DISTRICT, LEVEL_ROAD, LEVEL_BUILDING, LEVEL_ROOM = 0, 1, 2, 3, 4, 5

# Admin table levels and flags (built by weft.linkage.standardize.address from weft.linkage.geo)
PROVINCE, PREFECTURE, COUNTY = 0, 1, 2
FLAG_NOCTX = 1  # the county to take for this name when no province/prefecture precedes it
FLAG_FREE = 2  # may start after leading noise (full names only, not short aliases)
SHENZHEN = 4403

# token kinds
T_TEXT, T_NUM, T_LAB, T_HYP, T_BLD, T_HAO, T_UNIT, T_LOU, T_CENG, T_ROOM, T_LANE = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11

_SPACE, _HYPHEN, _HASH = 0x20, 0x2D, 0x23
# unit and keyword characters
_DONG, _ZUO, _ZHUANG, _HAO, _LOU, _CENG, _DAN, _YUAN = 0x680B, 0x5EA7, 0x5E62, 0x53F7, 0x697C, 0x5C42, 0x5355, 0x5143
_SHI, _FANG, _HU, _XIANG, _NONG, _ZU, _FANG2 = 0x5BA4, 0x623F, 0x6237, 0x5DF7, 0x5F04, 0x7EC4, 0x574A
_QI, _QU = 0x671F, 0x533A
_LU, _JIE, _DAO, _DA, _DUAN, _LI, _CUN = 0x8DEF, 0x8857, 0x9053, 0x5927, 0x6BB5, 0x91CC, 0x6751
_ZHEN, _XIANG2, _SHE, _JU, _WEI, _HUI = 0x9547, 0x4E61, 0x793E, 0x5C45, 0x59D4, 0x4F1A
_DI = 0x7B2C  # 第


# ---------------------------------------------------------------------------- hashing
@jit
def fnv1a(b, s, e):
    """64-bit FNV-1a over code points ``b[s:e]``: the one hash for table keys and look-ups."""
    h = np.uint64(0xCBF29CE484222325)
    for k in range(s, e):
        h = (h ^ np.uint64(b[k])) * np.uint64(0x100000001B3)
    return h


@jit
def hash_rows(codes, offsets):
    """FNV-1a of every CSR row (tables are hashed with the kernel's own function)."""
    n = len(offsets) - 1
    out = np.empty(n, np.uint64)
    for i in range(n):
        out[i] = fnv1a(codes, offsets[i], offsets[i + 1])
    return out


@jit
def _find(hashes, h):
    """First index of ``h`` in the sorted ``hashes``, or -1."""
    k = np.searchsorted(hashes, h)
    if k < len(hashes) and hashes[k] == h:
        return k
    return -1


# ---------------------------------------------------------------------------- characters
@jit
def _fold(c):
    """Full-width → ASCII, lower → upper, dashes → '-', traditional unit words → simplified."""
    c = np.int64(c)
    if 0xFF01 <= c <= 0xFF5E:
        c -= 0xFEE0
    if 0x61 <= c <= 0x7A:
        return c - 32
    if c < 0x80:
        return c
    if (0x2010 <= c <= 0x2015) or c == 0x2212 or c == 0xFE58 or c == 0xFE63 or c == 0x30FC:
        return _HYPHEN
    if c == 0x865F:
        return _HAO
    if c == 0x6A13:
        return _LOU
    if c == 0x68DF:
        return _DONG
    if c == 0x5C64:
        return _CENG
    if c == 0x55AE:
        return _DAN
    if c == 0x5340:
        return _QU
    if c == 0x93AE:
        return _ZHEN
    if c == 0x7E23:
        return 0x53BF  # 县
    if c == 0x9109:
        return _XIANG2
    if c == 0x7D44:
        return _ZU
    return c


@jit
def _is_sep(c):
    """Whitespace, controls and punctuation other than '-' and '#' (after folding)."""
    if c <= 0x20:
        return True
    if c < 0x80:
        if c == _HYPHEN or c == _HASH:
            return False
        return not ((0x30 <= c <= 0x39) or (0x41 <= c <= 0x5A) or (0x61 <= c <= 0x7A))
    return ((0x80 <= c <= 0xBF) or (0x2000 <= c <= 0x206F) or (0x3000 <= c <= 0x3003)
            or (0x3008 <= c <= 0x3011) or (0x3014 <= c <= 0x301F) or (0xFE30 <= c <= 0xFE4F)
            or c == 0xFEFF or (0xFF5F <= c <= 0xFF65))


@jit
def _is_digit(c):
    return 0x30 <= c <= 0x39


@jit
def _is_alnum(c):
    return (0x30 <= c <= 0x39) or (0x41 <= c <= 0x5A)


@jit
def _numeral(c):
    """Value of a Chinese numeral character (十 = 10, 百 = 100), -1 otherwise."""
    if c == 0x96F6 or c == 0x3007:
        return 0
    if c == 0x4E00:
        return 1
    if c == 0x4E8C or c == 0x4E24:
        return 2
    if c == 0x4E09:
        return 3
    if c == 0x56DB:
        return 4
    if c == 0x4E94:
        return 5
    if c == 0x516D:
        return 6
    if c == 0x4E03:
        return 7
    if c == 0x516B:
        return 8
    if c == 0x4E5D:
        return 9
    if c == 0x5341:
        return 10
    if c == 0x767E:
        return 100
    return -1


@jit
def _unit_start(c):
    """Characters after which a numeral run is a number (三栋, 十二楼, 二单元, 二期, 三#); not 区,
    which would turn 二七区 into 27区."""
    return (c == _DONG or c == _ZUO or c == _ZHUANG or c == _HAO or c == _LOU or c == _CENG or c == _DAN
            or c == _SHI or c == _FANG or c == _HU or c == _XIANG or c == _NONG or c == _ZU or c == _FANG2
            or c == _QI or c == _HASH)


@jit
def _merges(c):
    """Characters that make a preceding number part of a name (福华3路, 华侨城3期, 3区)."""
    return c == _LU or c == _JIE or c == _DAO or c == _DA or c == _QI or c == _QU or c == _DUAN or c == _LI or c == _CUN


# ---------------------------------------------------------------------------- normalise
# _parse_rows folds each row once into two scratch arrays: ``fc``, every character's :func:`_fold`
# (what the rules test for digits, '-', separators and unit words after a numeral run), and ``sc``,
# that character simplified (t2s) with the class bits below, so that the common character costs one
# load and one test (two t2s look-ups and a dozen comparisons were most of the normalising time).
_CP = 0x1FFFFF  # code point bits of an ``sc`` entry
_X_SPECIAL = 1 << 21  # separator, digit, '-', '#', numeral, 第, or 电/手/联/T (start of 电话, TEL, ...)
_X_SEP = 1 << 22  # _is_sep
_X_NUM = 1 << 23  # a numeral; with _X_BIG (十, 百) the 2-bit field at bit 23 is 3: how much the
_X_BIG = 1 << 24  # row can grow (百 → " 100" after a digit), 1 for other numerals
_X_CONTACT = 1 << 25


@jit
def _numeral_len(sc, j, r):
    """Digits the numeral run ``sc[j:r]`` becomes: one per character, or up to 3 for 十/百 forms."""
    for t in range(j, r):
        if sc[t] & _X_BIG:
            return 3
    return r - j


@jit
def _numeral_run(sc, j, r, out, pos):
    """Write the Arabic form of the numeral run ``sc[j:r]`` at ``pos``; return chars written."""
    positional = False
    for t in range(j, r):
        if sc[t] & _X_BIG:
            positional = True
    if not positional:  # 一二零三 → 1203, digit by digit
        for t in range(j, r):
            out[pos + t - j] = 0x30 + _numeral(sc[t] & _CP)
        return r - j
    total = 0
    cur = 0
    for t in range(j, r):
        v = _numeral(sc[t] & _CP)
        if v >= 10:
            total += (cur if cur > 0 else 1) * v
            cur = 0
        else:
            cur = v
    total += cur
    nd = 1
    x = total
    while x >= 10:
        x //= 10
        nd += 1
    x = total
    for t in range(nd - 1, -1, -1):
        out[pos + t] = 0x30 + x % 10
        x //= 10
    return nd


@jit
def _noise_end(fc, i, s, e):
    """End of the phone number or postcode starting at ``fc[i]`` (6+ digits, optionally after
    an area code ``0755-``), or ``i`` if there is none."""
    if not _is_digit(fc[i]) or (i > s and _is_digit(fc[i - 1])):
        return i
    r = i
    while r < e and _is_digit(fc[r]):
        r += 1
    if r - i >= 6:
        return r
    if fc[i] == 0x30 and 3 <= r - i <= 4 and r < e and fc[r] == _HYPHEN:
        r2 = r + 1
        while r2 < e and _is_digit(fc[r2]):
            r2 += 1
        if r2 - r - 1 >= 6:
            return r2
    return i


@jit
def _simplified(c, t2s):
    return np.int64(t2s[c]) if c < 65536 else np.int64(c)


@jit
def _fold_table(t2s):
    """uint32[65536, 2]: :func:`_fold` of every BMP code point (for ``fc``) and its ``sc`` entry:
    the folded character simplified, with its class bits."""
    lut = np.empty((65536, 2), np.uint32)
    for c in range(65536):
        f = _fold(c)
        y = _simplified(f, t2s)
        x = y
        v = _numeral(y)
        if v >= 0:
            x |= _X_NUM | (_X_BIG if v >= 10 else 0)
        if _is_sep(y):
            x |= _X_SEP
        if y == 0x7535 or y == 0x624B or y == 0x8054 or y == 0x54:
            x |= _X_CONTACT
        if x != y or _is_digit(y) or y == _HYPHEN or y == _HASH or y == _DI:
            x |= _X_SPECIAL
        lut[c, 0] = f
        lut[c, 1] = x
    return lut


@jit
def _capacity(codes, s, e, lut):
    """An upper bound of the normalised length of ``codes[s:e]``: its slot in parse()'s buffer."""
    n = e - s
    for t in range(s, e):
        c = codes[t]
        if c < 65536:
            n += (lut[c, 1] >> 23) & 3
    return n


@jit
def _normalize(fc, sc, s, e, out, o, limit):
    """Normalise the folded row ``fc[s:e]`` (``sc[s:e]`` simplified) into ``out[o:o + limit]``;
    return the length written. ``limit`` comes from :func:`_capacity` and only guards memory.
    """
    k = 0
    prev = np.int64(0)
    pend = False
    i = s
    while i < e:
        x = sc[i]
        c = np.int64(x & _CP)
        if x & _X_SPECIAL:
            if x & _X_CONTACT and i + 1 < e:
                c2 = sc[i + 1] & _CP
                if (c == 0x7535 and c2 == 0x8BDD) or (c == 0x624B and c2 == 0x673A) or (c == 0x8054 and c2 == 0x7CFB):
                    break  # 电话 手机 联系: the rest is contact noise
                if (c == 0x54 and c2 == 0x45 and i + 2 < e and fc[i + 2] == 0x4C
                        and (i == s or not (0x41 <= fc[i - 1] <= 0x5A))):
                    break  # TEL, not inside a word (HOTEL)
            r = i
            # (the test _noise_end starts with; and a run of 5 digits or less is noise only after a 0)
            if (_is_digit(c) and not (i > s and _is_digit(fc[i - 1]))
                    and (fc[i] == 0x30 or (i + 5 < e and _is_digit(fc[i + 5])))):
                r = _noise_end(fc, i, s, e)
            if r > i or x & _X_SEP or ((c == _HYPHEN or c == _HASH) and not _is_alnum(prev)):
                pend = True  # '-' and '#' only mean something after a number or label (5-1-101, 3#)
                i = max(r, i + 1)
                continue
            if c == _DI or x & _X_NUM:
                j = i + 1 if c == _DI else i
                r = j
                while r < e and sc[r] & _X_NUM:
                    r += 1
                q = r  # what vanishes anyway may stand in between: 三 栋, 三-栋 are 3栋
                while q < e:
                    f = fc[q]
                    if _is_sep(f) or f == _HYPHEN:
                        q += 1
                    elif _is_digit(f):
                        r2 = _noise_end(fc, q, s, e)
                        if r2 == q:
                            break
                        q = r2
                    else:
                        break
                # at most five digits, so that numbers never run into phone-number length
                nl = _numeral_len(sc, j, r)
                if r > j and q < e and _unit_start(fc[q]) and nl <= 5:
                    space = _is_alnum(prev) and (pend or _is_digit(prev))  # 2三房 → "2 3房", not 23
                    if k + space + nl > limit:
                        break
                    if space:
                        out[o + k] = _SPACE
                        k += 1
                    pend = False
                    k += _numeral_run(sc, j, r, out, o + k)
                    prev = 0x30
                    i = q
                    continue
                if c != _DI:  # not a number: the whole run stays as written (六约, 三联)
                    if k + r - j > limit:
                        break
                    for t in range(j, r):
                        out[o + k] = sc[t] & _CP
                        k += 1
                    pend = False
                    prev = np.int64(sc[r - 1] & _CP)
                    i = r
                    continue
        space = pend and _is_alnum(prev) and _is_alnum(c)
        if k + space + 1 > limit:
            break
        if space:
            out[o + k] = _SPACE
            k += 1
        pend = False
        out[o + k] = c
        k += 1
        prev = c
        i += 1
    return k

# ---------------------------------------------------------------------------- admin chain
# Admin entries are read from ``a_info`` (int64[n, 4]: level, code, canonical id, flags, in the
# order of the sorted ``a_hash``), built by parse() so that the chain takes few array arguments.
A_LEVEL, A_CODE, A_CANON, A_FLAGS = 0, 1, 2, 3


@jit
def _fits(lvl, code, flags, anchored, ctx0, ctx1, ctx2, ctx4):
    """Whether an admin entry continues the chain so far (``ctx`` of :func:`_accept`)."""
    if lvl < ctx4 or (not anchored and (flags & FLAG_FREE) == 0):
        return False
    if lvl == PROVINCE:
        return ctx0 == 0 or ctx0 == code
    if lvl == PREFECTURE:
        return (ctx1 == 0 or ctx1 == code) and (ctx0 == 0 or code // 100 == ctx0)
    if ctx2 != 0:
        return ctx2 == code
    if ctx1 != 0:
        return code // 100 == ctx1
    if ctx0 != 0:
        return code // 10000 == ctx0
    return (flags & FLAG_NOCTX) != 0


@jit
def _accept(k, h, anchored, a_hash, a_info, ctx):
    """Take the first entry of hash group ``k`` that fits the chain so far; update ``ctx``.

    ``ctx`` = [province, prefecture, county, canonical id, last level].
    """
    n = len(a_hash)
    while k < n and a_hash[k] == h:
        lvl = a_info[k, A_LEVEL]
        code = a_info[k, A_CODE]
        if not _fits(lvl, code, a_info[k, A_FLAGS], anchored, ctx[0], ctx[1], ctx[2], ctx[4]):
            k += 1
            continue
        if lvl == PROVINCE:
            ctx[0] = code
        elif lvl == PREFECTURE:
            ctx[1] = code
            ctx[0] = code // 100
            # a prefecture without counties (东莞市, 中山市) is its own county-level unit
            j = k + 1
            while j < n and a_hash[j] == h:
                if a_info[j, A_LEVEL] == COUNTY and a_info[j, A_CODE] == code * 100 and ctx[2] == 0:
                    ctx[2] = a_info[j, A_CODE]
                    ctx[3] = a_info[j, A_CANON]
                    ctx[4] = COUNTY
                    return True
                j += 1
        else:
            ctx[2] = code
            ctx[3] = a_info[k, A_CANON]
            ctx[1] = code // 100
            ctx[0] = code // 10000
        ctx[4] = lvl
        return True
    return False


FILTER_BITS = 16  # admin-name hashes pass a 2**16-entry filter (top bits) before the binary search


@jit
def hash_filter(hashes):
    """Bits (uint8[2**FILTER_BITS / 8]): set where some hash in ``hashes`` has these top bits (a
    one-probe Bloom filter: most substrings tried as admin names are not, and skip the search)."""
    filt = np.zeros(1 << (FILTER_BITS - 3), np.uint8)
    for k in range(len(hashes)):
        _set_bit(filt, hashes[k] >> np.uint64(64 - FILTER_BITS))
    return filt


@jit
def hash_slots(hashes):
    """Open-addressing index of the sorted ``hashes``: a slot holds the first index of its hash
    group, -1 when empty (one or two probes where a binary search over thousands takes a dozen)."""
    size = 16
    while size < 2 * len(hashes):
        size *= 2
    slots = np.full(size, -1, np.int32)
    mask = np.uint64(size - 1)
    for k in range(len(hashes)):
        if k > 0 and hashes[k] == hashes[k - 1]:
            continue
        j = (hashes[k] >> np.uint64(20)) & mask
        while slots[j] >= 0:
            j = (j + np.uint64(1)) & mask
        slots[j] = k
    return slots


@jit
def _lookup(slots, hashes, h):
    """First index of ``h`` in the sorted ``hashes`` (indexed by :func:`hash_slots`), or -1."""
    mask = np.uint64(len(slots) - 1)
    j = (h >> np.uint64(20)) & mask
    while True:
        k = slots[j]
        if k < 0:
            return -1
        if hashes[k] == h:
            return k
        j = (j + np.uint64(1)) & mask


@jit
def _set_bit(bits, k):
    bits[k >> 3] |= np.uint8(1 << (k & 7))


@jit
def _bit(bits, k):
    """Bit ``k`` of a bit set (8 KB for the BMP: it stays in L1 where a bool[65536] would not)."""
    return (bits[k >> 3] >> (k & 7)) & 1 != 0


@jit
def bit_set(flags):
    """The bool array ``flags`` as a bit set for :func:`_bit`."""
    bits = np.zeros((len(flags) + 7) // 8, np.uint8)
    for k in range(len(flags)):
        if flags[k]:
            _set_bit(bits, k)
    return bits


@jit
def _admin_chain(b, o, end, first, bits, a_hash, a_info, a_slots, hs, ctx):
    """Consume the province/prefecture/county names that open the row; return the new cursor.

    ASCII runs (phone numbers, postcodes) before a name are skipped. The first name may start up
    to 12 characters later still (a person's name before the address) if it is a full name; later
    names must follow directly (and may be one character: 重庆市市南川市). Longest match wins.
    ``hs`` (uint64[32]) is scratch for the candidates of one start; ``bits`` holds the bit set of
    the characters names end with (bits 0-65535), then :func:`hash_filter` of ``a_hash``;
    ``a_slots`` is :func:`hash_slots` of ``a_hash``.
    """
    cur = o
    while cur < end:
        found = False
        lo = cur
        while lo < end and (_is_alnum(b[lo]) or b[lo] == _HYPHEN or b[lo] == _HASH or b[lo] == _SPACE):
            lo += 1
        last_st = min(lo + 12, end - 2) if first else lo
        shortest = 2 if first else 1
        en = cur
        for st in range(lo, last_st + 1):
            en = min(end, st + 16)
            while en >= st + shortest and not (b[en - 1] < 65536 and _bit(bits, b[en - 1])):
                en -= 1  # names end with a term character: no candidate, no hashing
            # FNV-1a of every prefix of b[st:en] in one pass; those that end with a term character
            # and pass the filter are the candidates, kept as (hash, end) in hs
            h = np.uint64(0xCBF29CE484222325)
            nc = 0
            for t in range(st, en):
                c = b[t]
                h = (h ^ np.uint64(c)) * np.uint64(0x100000001B3)
                if (t - st + 1 >= shortest and c < 65536 and _bit(bits, c)
                        and _bit(bits, np.uint64(65536) + (h >> np.uint64(64 - FILTER_BITS)))):
                    hs[nc] = h
                    hs[16 + nc] = t + 1
                    nc += 1
            for q in range(nc - 1, -1, -1):  # longest first
                k = _lookup(a_slots, a_hash, hs[q])
                if k >= 0 and _accept(k, hs[q], st == lo, a_hash, a_info, ctx):
                    en = np.int64(hs[16 + q])
                    found = True
                    break
            if found:
                break
        if not found:
            break
        cur = en
        first = False
    return cur


# ---------------------------------------------------------------------------- street, community
@jit
def _find_pair(b, s, e, c1, c2):
    for p in range(s, e - 1):
        if b[p] == c1 and b[p + 1] == c2:
            return p
    return -1


@jit
def _find_char(b, s, e, c):
    for p in range(s, e):
        if b[p] == c:
            return p
    return -1


@jit
def _street_lookup(b, s, e, s_hash):
    """Start of the longest suffix of ``b[s:e]`` (>= 2 chars) that is a Shenzhen street and its
    index in ``s_hash``, or (-1, -1)."""
    for st in range(s, e - 1):
        k = _find(s_hash, fnv1a(b, st, e))
        if k >= 0:
            return st, k
    return -1, -1


@jit
def _street_community(b, o, cur, run, other, s_hash, s_code, s_canon, ctx, R, i):
    """Street (…街道, else …镇/…乡) and community (…社区, 居委会, 村委会) at the front of the text
    ``b[cur:run]``; return where the rest of the text starts. A Shenzhen street fills in a
    missing district."""
    p = _find_pair(b, cur, run, _JIE, _DAO)
    kind, w = 0, 2
    if p < 0:
        p = _find_char(b, cur + 2, run, _ZHEN)
        kind, w = 1, 1
        if p < 0 and other:
            p = _find_char(b, cur + 2, run, _XIANG2)
            kind = 2
    if p > cur:
        st, k = (-1, -1) if other else _street_lookup(b, cur, p, s_hash)
        if st >= 0:
            kind = 0  # a Shenzhen town (镇) became a 街道 in 2004
            if ctx[2] == 0:
                ctx[2] = s_code[k]
                ctx[3] = s_canon[k]
        else:
            st = cur
        R[i, R_STREET_S] = st - o
        R[i, R_STREET_E] = p - o
        R[i, R_STREET_KIND] = kind
        cur = p + w
    p = _find_pair(b, cur, run, _SHE, _QU)
    kind, w = 0, 2
    if p < 0:
        p = _find_pair(b, cur, run, _WEI, _HUI)  # 居委会 / 村委会
        if p > cur and (b[p - 1] == _JU or b[p - 1] == _CUN):
            kind = 0 if b[p - 1] == _JU else 1
            p -= 1
            w = 3
        else:
            p = -1
    if p > cur:
        R[i, R_COMM_S] = cur - o
        R[i, R_COMM_E] = p - o
        R[i, R_COMM_KIND] = kind
        cur = p + w
    return cur


# ---------------------------------------------------------------------------- tokens
@jit
def _unit_word(c, c1):
    """Kind and width of the unit word starting with ``c`` (then ``c1``) after a number or label;
    kind 0 if none. Characters, not the buffer: a call with no array argument is inlined."""
    kind = 0
    w = 1
    if c == _HAO:
        if c1 == _LOU:
            kind, w = T_BLD, 2
        else:
            kind = T_HAO
    elif c == _DONG or c == _ZUO or c == _ZHUANG:
        kind = T_BLD
    elif c == _HASH:
        kind = T_BLD
        if c1 == _LOU:
            w = 2
    elif c == _DAN:
        if c1 == _YUAN:
            kind, w = T_UNIT, 2
    elif c == _LOU:
        kind = T_LOU
    elif c == _CENG:
        kind = T_CENG
    elif c == _SHI or c == _FANG or c == _HU:
        kind = T_ROOM
    elif c == _XIANG or c == _NONG or c == _ZU or c == _FANG2:
        kind = T_LANE
    return kind, (w if kind != 0 else 0)


@jit
def _tokenize(b, p, end, tk, ts, te, tv):
    """Tokens of ``b[p:end]`` into (kind, start, end, value) arrays; returns their number.

    Numbers (value in ``tv``) and letter labels are followed by the unit word after them, if any;
    a unit character anywhere else is text (楼村, 银座).
    """
    nt = 0
    while p < end:
        c = b[p]
        if c == _SPACE:
            p += 1
            continue
        if c == _HYPHEN:
            tk[nt] = T_HYP
            ts[nt] = p
            te[nt] = p + 1
            nt += 1
            p += 1
            continue
        if _is_alnum(c):
            q = p
            letters = False
            while q < end and _is_alnum(b[q]):
                if not _is_digit(b[q]):
                    letters = True
                q += 1
            if letters or not (q < end and q - p <= 5 and _merges(b[q])):  # (else 福华3路: text)
                if not letters:
                    v = 0  # at most 5 digits: normalisation dropped longer runs
                    for t in range(p, q):
                        v = v * 10 + (b[t] - 0x30)
                    tk[nt] = T_NUM
                    tv[nt] = v
                else:
                    tk[nt] = T_LAB
                    tv[nt] = -1
                ts[nt] = p
                te[nt] = q
                nt += 1
                kind, w = _unit_word(b[q] if q < end else -1, b[q + 1] if q + 1 < end else -1)
                if kind != 0:
                    tk[nt] = kind
                    ts[nt] = q
                    te[nt] = q + w
                    nt += 1
                p = q + w
                continue
        # text: up to letters, '-', '#', spaces and free-standing numbers
        q = p
        while q < end:
            c = b[q]
            if c == _SPACE or c == _HYPHEN or c == _HASH or (0x41 <= c <= 0x5A):
                break
            if _is_digit(c):
                r = q
                while r < end and _is_digit(b[r]):
                    r += 1
                if r < end and r - q <= 5 and _merges(b[r]):
                    q = r
                    continue
                break
            q += 1
        q = max(q, p + 1)
        tk[nt] = T_TEXT
        ts[nt] = p
        te[nt] = q
        nt += 1
        p = q
    return nt


# ---------------------------------------------------------------------------- grammar
@jit
def _set_label(b, o, R, i, s, e, is_num):
    """Building label span, without leading zeros for numbers (03栋 → 3)."""
    if is_num:
        while s < e - 1 and b[s] == 0x30:
            s += 1
    R[i, R_BLD_S] = s - o
    R[i, R_BLD_E] = e - o


MAX_FLOOR = 200  # a "floor" above this is a room number written with 楼/层 (1203楼)


@jit
def _room(floor, r):
    """Room number as departments write it: floor * 100 + room (12楼03 → 1203)."""
    return floor * 100 + r if r < 100 else r


@jit
def _letters_then_digits(b, s, e):
    """Split point of a label like A1203 (1-2 letters, then 1-5 digits), or -1."""
    k = s
    while k < e and not _is_digit(b[k]):
        k += 1
    if k == s or k - s > 2 or k == e or e - k > 5:
        return -1
    for t in range(k, e):
        if not _is_digit(b[t]):
            return -1
    return k


@jit
def _grammar(b, o, tk, ts, te, tv, j, nt, R, i):
    """Road, village, compound, building, unit, floor and room from the tokens; fills ``R[i]``."""
    have_road = False
    have_place = False
    have_bld = False
    have_room = False
    village = False
    while j < nt:
        k = tk[j]
        nk = tk[j + 1] if j + 1 < nt else 0
        if k == T_TEXT:
            if have_room or have_bld or R[i, R_UNIT] >= 0 or R[i, R_FLOOR] >= 0:
                break
            if (not have_road and not have_place and j + 4 < nt and nk == T_NUM and tk[j + 2] == T_LANE
                    and tk[j + 3] == T_NUM and tk[j + 4] == T_HAO):
                R[i, R_VILLAGE_S] = ts[j] - o
                R[i, R_VILLAGE_E] = te[j] - o
                R[i, R_ROAD_S] = ts[j + 1] - o
                R[i, R_ROAD_E] = te[j + 2] - o
                R[i, R_ROAD_NO] = tv[j + 3]
                have_road = have_place = village = True
                j += 5
                continue
            if not have_road and not have_place and j + 2 < nt and nk == T_NUM and tk[j + 2] == T_HAO:
                R[i, R_ROAD_S] = ts[j] - o
                R[i, R_ROAD_E] = te[j] - o
                R[i, R_ROAD_NO] = tv[j + 1]
                have_road = True
                j += 3
                continue
            if not have_place:
                R[i, R_COMPOUND_S] = ts[j] - o
                R[i, R_COMPOUND_E] = te[j] - o
                have_place = True
                j += 1
                continue
            if not village:  # more of the compound's name: 万象城A区, 碧海花园2期东区
                R[i, R_COMPOUND_E] = te[j] - o
                j += 1
                continue
            break
        if k == T_NUM or k == T_LAB:
            if have_room:
                break
            is_num = k == T_NUM
            v = tv[j]
            if nk == T_BLD or (nk == T_LOU and not is_num):
                if not have_bld:
                    _set_label(b, o, R, i, ts[j], te[j], is_num)
                    have_bld = True
                j += 2
                continue
            if nk == T_LOU:
                # 楼 is a building (5楼2单元301, 5楼1203) unless it is the floor of the room after it
                n2 = tk[j + 2] if j + 2 < nt else 0
                n3 = tk[j + 3] if j + 3 < nt else 0
                bld = not have_bld and n2 == T_NUM and (n3 == T_UNIT or (tv[j + 2] >= 100 and tv[j + 2] // 100 != v))
                if bld:
                    _set_label(b, o, R, i, ts[j], te[j], True)
                    have_bld = True
                    j += 2
                    continue
                nk = T_CENG
            if nk == T_CENG and is_num and v > MAX_FLOOR:
                R[i, R_ROOM] = v
                have_room = True
                j += 2
                continue
            if nk == T_CENG and is_num:
                R[i, R_FLOOR] = v
                j += 2
                if j < nt and tk[j] == T_NUM:
                    R[i, R_ROOM] = _room(v, tv[j])
                    have_room = True
                    j += 1
                    if j < nt and (tk[j] == T_ROOM or tk[j] == T_HAO):
                        j += 1
                continue
            if nk == T_UNIT:
                if is_num:
                    R[i, R_UNIT] = v
                j += 2
                continue
            if nk == T_ROOM and is_num:
                R[i, R_ROOM] = v
                have_room = True
                j += 2
                continue
            if nk == T_HAO and is_num:
                if not have_road and not have_place and not have_bld:
                    R[i, R_ROAD_NO] = v  # 2001号 without a road name
                    have_road = True
                elif have_place and not village and not have_bld and R[i, R_UNIT] < 0:
                    _set_label(b, o, R, i, ts[j], te[j], True)  # 福田花园12号1203: 号 as building
                    have_bld = True
                else:
                    R[i, R_ROOM] = v
                    have_room = True
                j += 2
                continue
            if (nk == T_LANE and is_num and not have_road and j + 3 < nt and tk[j + 2] == T_NUM
                    and tk[j + 3] == T_HAO):
                R[i, R_ROAD_S] = ts[j] - o
                R[i, R_ROAD_E] = te[j + 1] - o
                R[i, R_ROAD_NO] = tv[j + 2]
                have_road = True
                j += 4
                continue
            if nk == T_HYP:
                # compact forms: 5-1-101 / C-3-2202 (栋-单元-室), 12-03 (层-室), 3-1203 (栋-室)
                parts = 1
                q = j
                while parts < 3 and q + 2 < nt and tk[q + 1] == T_HYP and (tk[q + 2] == T_NUM or tk[q + 2] == T_LAB):
                    q += 2
                    parts += 1
                if parts == 1:
                    j += 2
                    continue
                p1, p2, p3 = j, j + 2, j + 4
                if parts == 3:
                    if not have_bld:
                        _set_label(b, o, R, i, ts[p1], te[p1], tk[p1] == T_NUM)
                        have_bld = True
                        if tk[p2] == T_NUM:
                            R[i, R_UNIT] = tv[p2]
                        if tk[p3] == T_NUM:
                            R[i, R_ROOM] = tv[p3]
                            have_room = True
                    elif tk[p1] == T_NUM and tk[p2] == T_NUM and tk[p3] == T_NUM and tv[p2] <= MAX_FLOOR:
                        R[i, R_UNIT] = tv[p1]
                        R[i, R_FLOOR] = tv[p2]
                        R[i, R_ROOM] = _room(tv[p2], tv[p3])
                        have_room = True
                elif tk[p2] == T_NUM:
                    if tk[p1] == T_NUM and te[p2] - ts[p2] <= 2 and tv[p1] <= MAX_FLOOR:
                        R[i, R_FLOOR] = tv[p1]
                        R[i, R_ROOM] = _room(tv[p1], tv[p2])
                    else:
                        if not have_bld:
                            _set_label(b, o, R, i, ts[p1], te[p1], tk[p1] == T_NUM)
                            have_bld = True
                        elif tk[p1] == T_NUM and R[i, R_UNIT] < 0:
                            R[i, R_UNIT] = tv[p1]
                        R[i, R_ROOM] = tv[p2]
                    have_room = True
                j = q + 1
                if have_room and j < nt and (tk[j] == T_ROOM or tk[j] == T_HAO):
                    j += 1
                continue
            if is_num:  # a bare number: the room
                R[i, R_ROOM] = v
                have_room = True
                j += 1
                if j < nt and tk[j] == T_HAO:
                    j += 1
                continue
            # a bare label: A1203 (building A, room 1203), or part of a name (SOHO大厦)
            split = _letters_then_digits(b, ts[j], te[j])
            if split > 0 and not have_bld:
                _set_label(b, o, R, i, ts[j], split, False)
                have_bld = True
                r = 0
                for t in range(split, te[j]):
                    r = r * 10 + (b[t] - 0x30)
                R[i, R_ROOM] = r
                have_room = True
                j += 1
                if j < nt and (tk[j] == T_ROOM or tk[j] == T_HAO):
                    j += 1
                continue
            if nk == T_TEXT and te[j] == ts[j + 1] and not have_bld and R[i, R_UNIT] < 0:
                ts[j + 1] = ts[j]
            j += 1
            continue
        j += 1  # stray hyphens and unit words
    return have_bld, have_place, village


# ---------------------------------------------------------------------------- rows
@jit
def _parse_rows(lo, hi, codes, offsets, valid, lut, b, noff, R, bits, a_hash, a_info, a_slots, s_hash, s_code, s_canon,
                ph_hash):
    """Normalise rows ``lo:hi`` into their slots of ``b`` and parse them into ``R`` (steps 1-5 above).

    One call per block of rows, not per row: every array argument of a call costs an atomic
    reference count increment and decrement, about 100 ns per call for this many arrays.
    """
    # scratch for the longest row of the block: its characters folded (fc, sc), then its tokens
    width = 1
    for i in range(lo, hi):
        width = max(width, noff[i + 1] - noff[i] + 1)  # the slot holds at least the raw row
    fc = np.empty(width, np.uint32)
    sc = np.empty(width, np.uint32)
    tk = np.zeros(width, np.int8)
    ts = np.zeros(width, np.int64)
    te = np.zeros(width, np.int64)
    tv = np.zeros(width, np.int64)
    hs = np.zeros(32, np.uint64)
    ctx = np.zeros(5, np.int64)
    for i in range(lo, hi):
        for c in range(NCOL):
            R[i, c] = -1
        if not valid[i]:
            R[i, R_LEVEL] = LEVEL_MISSING
            R[i, R_LEN] = 0
            continue
        s = offsets[i]
        m = offsets[i + 1] - s
        for t in range(m):
            c = codes[s + t]
            if c < 65536:
                fc[t] = lut[c, 0]
                sc[t] = lut[c, 1]
            else:
                fc[t] = c  # _fold and t2s keep characters beyond the BMP, none is special
                sc[t] = c
        o = noff[i]
        L = _normalize(fc, sc, 0, m, b, o, noff[i + 1] - o)
        R[i, R_LEN] = L
        end = o + L
        if L == 0 or _find(ph_hash, fnv1a(b, o, end)) >= 0:
            R[i, R_LEVEL] = LEVEL_MISSING
            continue
        ctx[:] = 0
        ctx[3] = -1
        ctx[4] = -1
        cur = _admin_chain(b, o, end, True, bits, a_hash, a_info, a_slots, hs, ctx)

        nt = _tokenize(b, cur, end, tk, ts, te, tv)
        jt = 0
        while jt < nt and tk[jt] != T_TEXT:
            jt += 1
        if jt < nt:
            # the canonical form writes this text right after the admin names: continue the chain
            # there, so that a second parse of the canonical address reads it the same way
            ts[jt] = _admin_chain(b, ts[jt], te[jt], False, bits, a_hash, a_info, a_slots, hs, ctx)
        other = ((ctx[2] != 0 and ctx[2] // 100 != SHENZHEN) or (ctx[2] == 0 and ctx[1] != 0 and ctx[1] != SHENZHEN)
                 or (ctx[1] == 0 and ctx[0] != 0 and ctx[0] != SHENZHEN // 100))
        if jt < nt:
            ts[jt] = _street_community(b, o, ts[jt], te[jt], other, s_hash, s_code, s_canon, ctx, R, i)
            if ts[jt] == te[jt]:
                tk[jt] = T_HYP  # all of it was street and community: nothing left for the grammar
        have_bld, have_place, village = _grammar(b, o, tk, ts, te, tv, 0, nt, R, i)

        if not other:
            ctx[0] = SHENZHEN // 100
            ctx[1] = SHENZHEN
        R[i, R_PROV] = ctx[0]
        R[i, R_PREF] = ctx[1]
        R[i, R_COUNTY] = ctx[2]
        R[i, R_CANON] = ctx[3]
        R[i, R_SZ] = 0 if other else 1
        compound = R[i, R_COMPOUND_S] >= 0
        road_no = R[i, R_ROAD_NO] >= 0
        # a room needs a building: a label, a road number (深南大道2001号1203) or a compound whose
        # rooms are numbered without buildings (a single 大厦)
        if R[i, R_ROOM] >= 0 and (have_bld or compound or road_no):
            level = LEVEL_ROOM
        elif have_bld or village:
            level = LEVEL_BUILDING
        elif have_place or road_no or R[i, R_ROAD_S] >= 0:
            level = LEVEL_ROAD
        elif ctx[2] != 0 or other or R[i, R_STREET_S] >= 0 or R[i, R_COMM_S] >= 0:
            level = LEVEL_DISTRICT  # 深圳市 alone says nothing; another city's name does (not Shenzhen)
        else:
            level = LEVEL_UNPARSED
        R[i, R_LEVEL] = level


@jit(parallel=True)
def parse(codes, offsets, valid, t2s, term, a_hash, a_level, a_code, a_canon, a_flags, s_hash, s_code, s_canon,
          ph_hash):
    """Parse every row: returns (normalised code points ``b``, row slots ``noff``, results ``R``).

    Row i is normalised into ``b[noff[i]:]`` (its slot may have slack: spans in ``R`` are relative
    to the slot start) and parsed, in blocks of rows per thread.
    """
    n = len(offsets) - 1
    bits = np.concatenate((bit_set(term), hash_filter(a_hash)))
    a_slots = hash_slots(a_hash)
    a_info = np.empty((len(a_hash), 4), np.int64)
    for k in range(len(a_hash)):
        a_info[k, A_LEVEL] = a_level[k]
        a_info[k, A_CODE] = a_code[k]
        a_info[k, A_CANON] = a_canon[k]
        a_info[k, A_FLAGS] = a_flags[k]
    lut = _fold_table(t2s)
    noff = np.empty(n + 1, np.int64)
    noff[0] = 0
    for i in prange(n):
        noff[i + 1] = _capacity(codes, offsets[i], offsets[i + 1], lut)
    for i in range(n):
        noff[i + 1] += noff[i]
    b = np.empty(noff[n], np.uint32)
    R = np.empty((n, NCOL), np.int32)
    block = 1024
    for blk in prange((n + block - 1) // block):
        _parse_rows(blk * block, min(n, (blk + 1) * block), codes, offsets, valid, lut, b, noff, R, bits, a_hash,
                    a_info, a_slots, s_hash, s_code, s_canon, ph_hash)
    return b, noff, R


@jit(parallel=True)
def gather_spans(b, base, starts, ends):
    """Copy ``b[base[i] + starts[i] : base[i] + ends[i]]`` for every i into CSR (codes, offsets).

    ``base`` holds row slot starts (``noff[:-1]``, tiled to take several spans per row at once);
    entries with ``starts[i] < 0`` get no characters (the caller marks them null).
    """
    n = len(starts)
    lens = np.zeros(n, np.int64)
    for i in range(n):
        if starts[i] >= 0:
            lens[i] = ends[i] - starts[i]
    off = np.zeros(n + 1, np.int64)
    for i in range(n):
        off[i + 1] = off[i] + lens[i]
    out = np.empty(off[n], np.uint32)
    for i in prange(n):
        src = base[i] + starts[i]
        for t in range(lens[i]):
            out[off[i] + t] = b[src + t]
    return out, off


# ---------------------------------------------------------------------------- rendering
# String columns of render(), in this order (column k of row i is CSR row k * n + i).
(S_ADDRESS, S_PROVINCE, S_CITY, S_DISTRICT, S_STREET, S_COMMUNITY, S_ROAD, S_ROAD_NO, S_VILLAGE, S_COMPOUND,
 S_BUILDING, S_ROOM, S_BUILDING_KEY, S_HOUSE_KEY) = range(14)
NSTR = 14
_PIPE = 0x7C
# The renderer spells every column out (a generic list of pieces per row, measured then copied,
# was 50% slower). Its ``write`` argument is always a literal, so each of its two passes, measuring
# then writing, compiles to straight code.


@jit
def _ndigits(v):
    nd = 1
    while v >= 10:
        v //= 10
        nd += 1
    return nd


@jit
def _span_bytes(src, s, e):
    """UTF-8 length of the code points ``src[s:e]``."""
    n = 0
    for t in range(s, e):
        c = src[t]
        n += 1 + (c >= 0x80) + (c >= 0x800) + (c >= 0x10000)
    return n


@jit
def _put(out, p, c):
    """Code point ``c`` as UTF-8 at ``out[p]``; returns the position after it."""
    if c < 0x80:
        out[p] = c
        return p + 1
    if c < 0x800:
        out[p] = 0xC0 | (c >> 6)
        out[p + 1] = 0x80 | (c & 0x3F)
        return p + 2
    if c < 0x10000:
        out[p] = 0xE0 | (c >> 12)
        out[p + 1] = 0x80 | ((c >> 6) & 0x3F)
        out[p + 2] = 0x80 | (c & 0x3F)
        return p + 3
    out[p] = 0xF0 | (c >> 18)
    out[p + 1] = 0x80 | ((c >> 12) & 0x3F)
    out[p + 2] = 0x80 | ((c >> 6) & 0x3F)
    out[p + 3] = 0x80 | (c & 0x3F)
    return p + 4


@jit
def _put_span(out, p, src, s, e):
    for t in range(s, e):
        p = _put(out, p, src[t])
    return p


@jit
def _put_int(out, p, v):
    """Decimal digits of ``v`` >= 0."""
    nd = _ndigits(v)
    x = v
    for t in range(nd - 1, -1, -1):
        out[p + t] = 0x30 + x % 10
        x //= 10
    return p + nd


@jit
def _render_rows(b, noff, R, names, names_off, names8_off, prov_name, pref_name, canon_name, codes, offsets,
                 valid, out, off, ok, as_given, write):
    """Column k of every row i as UTF-8 into ``out[off[k * n + i]:]`` (``write``), else its byte
    length into ``off[k * n + i + 1]`` and its validity into ``ok`` (module docstring of
    weft.linkage.standardize.address); ``names8_off`` holds the byte offsets of the names as UTF-8.

    All rows in one call: every array argument of a call costs an atomic reference count increment
    and decrement, which called per row took a tenth of the rendering time.
    """
    n = len(R)
    for i in range(n):
        o = noff[i]
        level = R[i, R_LEVEL]
        shown = level >= LEVEL_DISTRICT
        street_s, street_e, comm_s, comm_e = R[i, R_STREET_S], R[i, R_STREET_E], R[i, R_COMM_S], R[i, R_COMM_E]
        road_s, road_e, vil_s, vil_e = R[i, R_ROAD_S], R[i, R_ROAD_E], R[i, R_VILLAGE_S], R[i, R_VILLAGE_E]
        cpd_s, cpd_e, bld_s, bld_e = R[i, R_COMPOUND_S], R[i, R_COMPOUND_E], R[i, R_BLD_S], R[i, R_BLD_E]
        road_no, unit, floor, room = R[i, R_ROAD_NO], R[i, R_UNIT], R[i, R_FLOOR], R[i, R_ROOM]
        street_k, comm_k = R[i, R_STREET_KIND], R[i, R_COMM_KIND]
        pv = -1
        ct = -1
        ds = -1
        if shown:
            if R[i, R_PROV] > 0:
                pv = prov_name[R[i, R_PROV]]
            if R[i, R_PREF] > 0:
                ct = pref_name[R[i, R_PREF]]
            if R[i, R_CANON] >= 0:
                ds = canon_name[R[i, R_CANON]]
        # 北京市北京市朝阳区 → 北京市朝阳区; 海南省儋州市儋州市 → 海南省儋州市
        city_shown = shown and ct >= 0
        if ct >= 0:
            for x in (pv, ds):
                if x >= 0 and city_shown and names_off[x + 1] - names_off[x] == names_off[ct + 1] - names_off[ct]:
                    same = True
                    for t in range(names_off[ct + 1] - names_off[ct]):
                        if names[names_off[ct] + t] != names[names_off[x] + t]:
                            same = False
                            break
                    city_shown = not same

        if not write:
            # byte lengths of the parts, then of the columns built from them
            pv_n = names8_off[pv + 1] - names8_off[pv] if pv >= 0 else 0
            ct_n = names8_off[ct + 1] - names8_off[ct] if ct >= 0 else 0
            ds_n = names8_off[ds + 1] - names8_off[ds] if ds >= 0 else 0
            street_n = _span_bytes(b, o + street_s, o + street_e) if street_s >= 0 else 0
            comm_n = _span_bytes(b, o + comm_s, o + comm_e) if comm_s >= 0 else 0
            road_n = _span_bytes(b, o + road_s, o + road_e) if road_s >= 0 else 0
            vil_n = _span_bytes(b, o + vil_s, o + vil_e) if vil_s >= 0 else 0
            cpd_n = _span_bytes(b, o + cpd_s, o + cpd_e) if cpd_s >= 0 else 0
            bld_n = _span_bytes(b, o + bld_s, o + bld_e) if bld_s >= 0 else 0
            road_no_n = _ndigits(road_no) if road_no >= 0 else 0
            room_n = _ndigits(room) if room >= 0 else 0
            for k, valid_k, nb in ((S_PROVINCE, pv >= 0, pv_n), (S_CITY, ct >= 0, ct_n), (S_DISTRICT, ds >= 0, ds_n),
                                   (S_STREET, street_s >= 0, street_n), (S_COMMUNITY, comm_s >= 0, comm_n),
                                   (S_ROAD, road_s >= 0, road_n), (S_ROAD_NO, road_no >= 0, road_no_n),
                                   (S_VILLAGE, vil_s >= 0, vil_n), (S_COMPOUND, cpd_s >= 0, cpd_n),
                                   (S_BUILDING, bld_s >= 0, bld_n), (S_ROOM, room >= 0, room_n)):
                ok[k * n + i] = valid_k
                off[k * n + i + 1] = nb
            # every literal below is a 3-byte character but '|'
            a = 0
            if shown:
                a = pv_n + (ct_n if city_shown else 0) + ds_n + vil_n + road_n + cpd_n
                if street_s >= 0:
                    a += street_n + (3 if street_k == 1 or street_k == 2 else 6)  # 镇/乡, 街道
                if comm_s >= 0:
                    a += comm_n + (9 if comm_k == 1 else 6)  # 村委会, 社区
                if road_no >= 0:
                    a += road_no_n + 3  # 号
                if bld_s >= 0:
                    a += bld_n + 3  # 栋
                if unit >= 0:
                    a += _ndigits(unit) + 6  # 单元
                if room >= 0:
                    a += room_n
                elif floor >= 0:
                    a += _ndigits(floor) + 3  # 层
            ok[S_ADDRESS * n + i] = shown
            off[S_ADDRESS * n + i + 1] = a
            has_bld = level >= LEVEL_BUILDING
            bk = 0
            if has_bld:
                bk = _ndigits(max(R[i, R_COUNTY], 0)) + ds_n + 2
                if cpd_s >= 0:
                    bk += cpd_n
                else:
                    bk += vil_n + road_n + (road_no_n + 3 if road_no >= 0 else 0)
                if vil_s < 0:
                    bk += bld_n
            ok[S_BUILDING_KEY * n + i] = has_bld
            off[S_BUILDING_KEY * n + i + 1] = bk
            has_house = level == LEVEL_ROOM and room >= 0
            ok[S_HOUSE_KEY * n + i] = has_house
            off[S_HOUSE_KEY * n + i + 1] = bk + 2 + _ndigits(unit if unit >= 0 else 1) + room_n if has_house else 0
            continue

        # the parts
        pv_s, pv_e = (names_off[pv], names_off[pv + 1]) if pv >= 0 else (0, 0)
        ct_s, ct_e = (names_off[ct], names_off[ct + 1]) if ct >= 0 else (0, 0)
        ds_s, ds_e = (names_off[ds], names_off[ds + 1]) if ds >= 0 else (0, 0)
        if pv >= 0:
            _put_span(out, off[S_PROVINCE * n + i], names, pv_s, pv_e)
        if ct >= 0:
            _put_span(out, off[S_CITY * n + i], names, ct_s, ct_e)
        if ds >= 0:
            _put_span(out, off[S_DISTRICT * n + i], names, ds_s, ds_e)
        if street_s >= 0:
            _put_span(out, off[S_STREET * n + i], b, o + street_s, o + street_e)
        if comm_s >= 0:
            _put_span(out, off[S_COMMUNITY * n + i], b, o + comm_s, o + comm_e)
        if road_s >= 0:
            _put_span(out, off[S_ROAD * n + i], b, o + road_s, o + road_e)
        if road_no >= 0:
            _put_int(out, off[S_ROAD_NO * n + i], road_no)
        if vil_s >= 0:
            _put_span(out, off[S_VILLAGE * n + i], b, o + vil_s, o + vil_e)
        if cpd_s >= 0:
            _put_span(out, off[S_COMPOUND * n + i], b, o + cpd_s, o + cpd_e)
        if bld_s >= 0:
            _put_span(out, off[S_BUILDING * n + i], b, o + bld_s, o + bld_e)
        if room >= 0:
            _put_int(out, off[S_ROOM * n + i], room)

        # the canonical address; as given when its characters are the input's (counted first: an
        # address of another length cannot be, and decoding it to compare cost more than writing it)
        if shown:
            if not city_shown:
                ct_e = ct_s
            p = off[S_ADDRESS * n + i]
            p = _put_span(out, p, names, pv_s, pv_e)
            p = _put_span(out, p, names, ct_s, ct_e)
            p = _put_span(out, p, names, ds_s, ds_e)
            chars = pv_e - pv_s + ct_e - ct_s + ds_e - ds_s
            if street_s >= 0:
                p = _put_span(out, p, b, o + street_s, o + street_e)
                chars += street_e - street_s
                if street_k == 1:
                    p = _put(out, p, _ZHEN)  # 镇
                    chars += 1
                elif street_k == 2:
                    p = _put(out, p, _XIANG2)  # 乡
                    chars += 1
                else:
                    p = _put(out, _put(out, p, _JIE), _DAO)  # 街道
                    chars += 2
            if comm_s >= 0:
                p = _put_span(out, p, b, o + comm_s, o + comm_e)
                chars += comm_e - comm_s
                if comm_k == 1:
                    p = _put(out, _put(out, _put(out, p, _CUN), _WEI), _HUI)  # 村委会
                    chars += 3
                else:
                    p = _put(out, _put(out, p, _SHE), _QU)  # 社区
                    chars += 2
            if vil_s >= 0:
                p = _put_span(out, p, b, o + vil_s, o + vil_e)
                chars += vil_e - vil_s
            if road_s >= 0:
                p = _put_span(out, p, b, o + road_s, o + road_e)
                chars += road_e - road_s
            if road_no >= 0:
                q = _put_int(out, p, road_no)
                chars += q - p + 1  # digits are one byte each
                p = _put(out, q, _HAO)
            if cpd_s >= 0:
                p = _put_span(out, p, b, o + cpd_s, o + cpd_e)
                chars += cpd_e - cpd_s
            if bld_s >= 0:
                p = _put(out, _put_span(out, p, b, o + bld_s, o + bld_e), _DONG)
                chars += bld_e - bld_s + 1
            if unit >= 0:
                q = _put_int(out, p, unit)
                chars += q - p + 2
                p = _put(out, _put(out, q, _DAN), _YUAN)
            if room >= 0:
                q = _put_int(out, p, room)
                chars += q - p
                p = q
            elif floor >= 0:
                q = _put_int(out, p, floor)
                chars += q - p + 1
                p = _put(out, q, _CENG)
            if valid[i] and chars == offsets[i + 1] - offsets[i]:
                as_given[i] = _utf8_equals(out, off[S_ADDRESS * n + i], p, codes, offsets[i], offsets[i + 1])

        # keys: <county><district>|<place>|<label> [|<unit, 1 if not written>|<room>]
        if level >= LEVEL_BUILDING:
            p0 = off[S_BUILDING_KEY * n + i]
            p = _put_int(out, p0, max(R[i, R_COUNTY], 0))
            p = _put(out, _put_span(out, p, names, ds_s, ds_e), _PIPE)
            # the place: the compound, else village + road + road number 号
            if cpd_s >= 0:
                p = _put_span(out, p, b, o + cpd_s, o + cpd_e)
            else:
                if vil_s >= 0:
                    p = _put_span(out, p, b, o + vil_s, o + vil_e)
                if road_s >= 0:
                    p = _put_span(out, p, b, o + road_s, o + road_e)
                if road_no >= 0:
                    p = _put(out, _put_int(out, p, road_no), _HAO)
            p = _put(out, p, _PIPE)
            if vil_s < 0 and bld_s >= 0:  # in urban villages the house number is the building
                p = _put_span(out, p, b, o + bld_s, o + bld_e)
            if level == LEVEL_ROOM and room >= 0:
                q = off[S_HOUSE_KEY * n + i]
                for t in range(p - p0):
                    out[q + t] = out[p0 + t]
                q = _put_int(out, _put(out, q + p - p0, _PIPE), unit if unit >= 0 else 1)
                _put_int(out, _put(out, q, _PIPE), room)


@jit
def _utf8_equals(out, s, e, codes, cs, ce):
    """Whether the UTF-8 ``out[s:e]`` spells the code points ``codes[cs:ce]``."""
    k = cs
    p = s
    while p < e:
        if k == ce:
            return False
        c = np.uint32(out[p])
        if c < 0x80:
            p += 1
        elif c < 0xE0:
            c = ((c & 0x1F) << 6) | (np.uint32(out[p + 1]) & 0x3F)
            p += 2
        elif c < 0xF0:
            c = ((c & 0x0F) << 12) | ((np.uint32(out[p + 1]) & 0x3F) << 6) | (np.uint32(out[p + 2]) & 0x3F)
            p += 3
        else:
            c = (((c & 0x07) << 18) | ((np.uint32(out[p + 1]) & 0x3F) << 12)
                 | ((np.uint32(out[p + 2]) & 0x3F) << 6) | (np.uint32(out[p + 3]) & 0x3F))
            p += 4
        if c != codes[k]:
            return False
        k += 1
    return k == ce


@jit
def render_sizes(b, noff, R, names, names_off, prov_name, pref_name, canon_name):
    """First pass of :func:`render`: the CSR offsets of the string columns and their validity."""
    n = len(R)
    names8_off = np.zeros(len(names_off), np.int64)  # byte offsets of the names as UTF-8
    for j in range(len(names_off) - 1):
        names8_off[j + 1] = names8_off[j] + _span_bytes(names, names_off[j], names_off[j + 1])
    off = np.empty(NSTR * n + 1, np.int64)
    ok = np.empty(NSTR * n, np.bool_)
    unused = np.zeros(0, np.uint8)  # (codes, offsets, valid, out and as_given are for the second pass)
    _render_rows(b, noff, R, names, names_off, names8_off, prov_name, pref_name, canon_name, unused, noff, ok, unused,
                 off, ok, ok, False)
    off[0] = 0
    for k in range(NSTR * n):
        off[k + 1] += off[k]
    return off, ok


@jit
def render_into(out, off, ok, codes, offsets, valid, b, noff, R, names, names_off, prov_name, pref_name, canon_name):
    """Second pass of :func:`render`: the string columns into ``out`` (``off[-1]`` bytes, allocated
    by the caller: NumPy asks for transparent huge pages for a large buffer, where a Numba
    allocation takes a page fault per 4 KB, a fifth of the rendering time); returns ``as_given``."""
    as_given = np.zeros(len(R), np.bool_)
    _render_rows(b, noff, R, names, names_off, names_off, prov_name, pref_name, canon_name, codes, offsets, valid,
                 out, off, ok, as_given, True)
    return as_given


@jit
def render(codes, offsets, valid, b, noff, R, names, names_off, prov_name, pref_name, canon_name):
    """The string columns of parsed rows as UTF-8, one CSR over NSTR * n rows (column-major).

    ``names``/``names_off``: CSR of the district, province and prefecture names that
    ``canon_name`` (by canonical id), ``prov_name`` (by 2-digit code) and ``pref_name`` (by 4-digit
    code) index, -1 where there is none. Returns (bytes, offsets, valid, as_given): ``as_given[i]``
    is True when row i's canonical address equals its input ``codes[offsets[i]:offsets[i+1]]``.
    :func:`render_sizes` then :func:`render_into` do the same with a buffer of the caller's.

    Serial: rendering costs a fraction of :func:`parse`, and a ``parallel=True`` variant of this
    long row function would double its compile time.
    """
    off, ok = render_sizes(b, noff, R, names, names_off, prov_name, pref_name, canon_name)
    out = np.empty(off[-1], np.uint8)
    as_given = render_into(out, off, ok, codes, offsets, valid, b, noff, R, names, names_off, prov_name, pref_name,
                           canon_name)
    return out, off, ok, as_given


@jit
def int_columns(R, as_given, q_by_level, q_other, q_valid):
    """The integer columns of parsed rows, in one pass over ``R`` (reading its columns one at a
    time from Python streams all of it for each): (quality, county code, unit, floor).

    Quality is ``q_by_level[level]``; ``q_other`` for another city's address parsed to the district
    or further; ``q_valid`` at room level when the address was canonical as given. The county code
    is 0 when unknown or not shown; unit and floor are -1 when absent, the floor of a room number
    (1203 → 12) when not written.
    """
    n = len(R)
    q = np.empty(n, np.uint8)
    county = np.empty(n, np.int32)
    unit = np.empty(n, np.int32)
    floor = np.empty(n, np.int32)
    for i in range(n):
        level = R[i, R_LEVEL]
        shown = level >= LEVEL_DISTRICT
        if shown and R[i, R_SZ] != 1:
            q[i] = q_other
        elif level == LEVEL_ROOM and as_given[i]:
            q[i] = q_valid
        else:
            q[i] = q_by_level[level]
        county[i] = max(R[i, R_COUNTY], 0) if shown else 0
        unit[i] = R[i, R_UNIT]
        room = R[i, R_ROOM]
        floor[i] = R[i, R_FLOOR] if R[i, R_FLOOR] >= 0 else (room // 100 if room >= 100 else -1)
    return q, county, unit, floor
