"""Slow, obviously-correct references for ``weft.core.checksums`` (one str at a time).

Written straight from DOMAIN.md §1-2, with the literal tables printed there rather than the
formulas the kernels use, so a wrong formula cannot hide in both. "Cannot compute" is ``""``.
"""

from __future__ import annotations

DIGITS = "0123456789"

# §1: W_i = 2^(18-i) mod 11; r -> check: 0 1 2 3 4 5 6 7 8 9 10 -> 1 0 X 9 8 7 6 5 4 3 2
RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
RIC_CHECK = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

# §2: the 31-symbol USCC table and W_i = 3^(i-1) mod 31
USCC_VALUES = {
    **{d: int(d) for d in DIGITS},
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "J": 18, "K": 19,
    "L": 20, "M": 21, "N": 22, "P": 23, "Q": 24, "R": 25, "T": 26, "U": 27, "W": 28, "X": 29,
    "Y": 30,
}
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

# §2: GB 11714 letters take the FULL alphabet, A=10 .. Z=35
ORG_VALUES = {**{d: int(d) for d in DIGITS}, **{chr(65 + k): 10 + k for k in range(26)}}
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def ric_check_char(body: str) -> str:
    if len(body) != 17 or any(c not in DIGITS for c in body):
        return ""
    s = sum(int(c) * w for c, w in zip(body, RIC_WEIGHTS))
    return RIC_CHECK[s % 11]


def ric_is_valid(number: str) -> bool:
    return len(number) == 18 and ric_check_char(number[:17]) == number[17]


def ric15_to_18(old: str) -> str:
    body = old[:6] + "19" + old[6:]
    return body + ric_check_char(body)


def uscc_check_char(body: str) -> str:
    if len(body) != 17 or any(c not in USCC_VALUES for c in body):
        return ""
    s = sum(USCC_VALUES[c] * w for c, w in zip(body, USCC_WEIGHTS))
    c18 = 31 - s % 31
    if c18 == 31:
        c18 = 0
    return next(k for k, v in USCC_VALUES.items() if v == c18)


def uscc_is_valid(code: str) -> bool:
    return (
        len(code) == 18
        and all(c in USCC_VALUES for c in code)
        and uscc_check_char(code[:17]) == code[17]
    )


def orgcode_check_char(body: str) -> str:
    if len(body) != 8 or any(c not in ORG_VALUES for c in body):
        return ""
    s = sum(ORG_VALUES[c] * w for c, w in zip(body, ORG_WEIGHTS))
    c9 = 11 - s % 11
    if c9 == 10:
        return "X"
    if c9 == 11:
        return "0"
    return str(c9)


def orgcode_is_valid(code: str) -> bool:
    return len(code) == 9 and orgcode_check_char(code[:8]) == code[8]


def gs15_check_char(body: str) -> str:
    if len(body) != 14 or any(c not in DIGITS for c in body):
        return ""
    p = 10
    for c in body:
        s = (p + int(c)) % 10
        if s == 0:
            s = 10
        p = (2 * s) % 11
    return str((11 - p) % 10)


def gs15_is_valid(code: str) -> bool:
    return len(code) == 15 and gs15_check_char(code[:14]) == code[14]


# ------------------------------------------------------------------ identifier standardizers
# References for weft.linkage.standardize.ids, one str at a time, written from the rules in its
# module docstring (fold, then the first failing check in precedence order).

import datetime  # noqa: E402
import re  # noqa: E402
import unicodedata  # noqa: E402

_ID_FOLD_KEEP = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.+")
ID_ILLEGAL_CHAR = "\0"  # stands for a character that folds to nothing legal
_ID_EXCEL = re.compile(r"[0-9]+(\.[0-9]*)?E\+?([0-9]+)")


def id_fold_char(ch: str) -> str:
    """NFKC + upper of one char: an ASCII char, '' (a separator to drop) or ID_ILLEGAL_CHAR."""
    if ord(ch) > 0xFFFF:
        return ID_ILLEGAL_CHAR
    if ch == "×":
        return "X"
    nf = unicodedata.normalize("NFKC", ch)
    if len(nf) == 1 and nf.upper() in _ID_FOLD_KEEP:
        return nf.upper()
    if nf.isspace() or unicodedata.category(ch) in ("Pd", "Cf") or ch == "\u2212":
        return ""
    return ID_ILLEGAL_CHAR


def id_fold(value: str) -> str:
    return "".join(id_fold_char(c) for c in value)


def _id_date(yyyymmdd: str, today: datetime.date) -> datetime.date | None:
    try:
        d = datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return None
    return d if datetime.date(1900, 1, 1) <= d <= today else None


def std_id_number(value: str | None, today: datetime.date, known_regions: set[int]) -> dict:
    """Reference for ``standardize_id_number`` (one value)."""
    out = dict(id_number=None, q=2, birth=None, gender=0, region=0, body17=None, key15=None)
    if value is None:
        return out
    s = id_fold(value)
    body = s.replace(".", "")
    if body == "":
        return out
    if any(not (c.isdigit() or (c == "X" and i == 17)) for i, c in enumerate(body)):
        m = _ID_EXCEL.fullmatch(s)
        out["q"] = 8 if m and 14 <= int(m.group(2)) <= 17 else 4
        return out
    if len(body) == 15:
        number = ric15_to_18(body)
    elif len(body) == 18:
        number = body
    else:
        out["q"] = 3
        return out
    check_ok = ric_check_char(number[:17]) == number[17]
    if len(body) == 18 and not check_ok and number.endswith("000"):
        out["q"] = 8
        return out
    birth = _id_date(number[6:14], today)
    if birth is None:
        out["q"] = 6
        return out
    out.update(birth=birth, gender=1 if int(number[16]) % 2 else 2, body17=number[:17],
               key15=number[:6] + number[8:17])
    if int(number[:6]) not in known_regions:
        out["q"] = 7
        return out
    out["region"] = int(number[:6])
    if not check_ok:
        out["q"] = 5
        return out
    out["q"] = 0 if number == value else 1
    out["id_number"] = number
    return out


def _id_plain(value: str | None, alphabet: str) -> tuple[str, int | None]:
    """Fold; return (folded, status) with status 2/4 decided here, else None."""
    if value is None:
        return "", 2
    s = id_fold(value)
    if s == "":
        return s, 2
    if any(c not in alphabet for c in s):
        return s, 4
    return s, None


USCC_SYMBOLS = "".join(USCC_VALUES)


def std_uscc(value: str | None) -> dict:
    """Reference for ``standardize_uscc`` (one value)."""
    s, q = _id_plain(value, USCC_SYMBOLS)
    out = dict(uscc=None, q=q, org_code=None, region=0, authority=None)
    if q is not None:
        return out
    if len(s) != 18:
        out["q"] = 3
        return out
    out["authority"] = s[:2]
    out["region"] = int(s[2:8]) if s[2:8].isdigit() else 0
    if not uscc_is_valid(s):
        out["q"] = 5
    elif not orgcode_is_valid(s[8:17]):
        out["q"] = 9
    else:
        out.update(uscc=s, q=0 if s == value else 1, org_code=s[8:17])
    return out


def std_org_code(value: str | None) -> dict:
    """Reference for ``standardize_org_code`` (one value): the printed XXXXXXXX-X is as given."""
    s, q = _id_plain(value, "".join(ORG_VALUES))
    if q is None and len(s) >= 9 and not (s[8].isdigit() or s[8] == "X"):
        q = 4
    if q is None:
        q = 3 if len(s) != 9 else (5 if not orgcode_is_valid(s) else None)
    if q is not None:
        return dict(org_code=None, q=q)
    as_given = value in (s, s[:8] + "-" + s[8])
    return dict(org_code=s, q=0 if as_given else 1)


def std_reg_no(value: str | None) -> dict:
    """Reference for ``standardize_reg_no`` (one value)."""
    s, q = _id_plain(value, DIGITS)
    if q is None:
        q = 3 if len(s) != 15 else (5 if not gs15_is_valid(s) else None)
    if q is not None:
        return dict(reg_no=None, q=q)
    return dict(reg_no=s, q=0 if s == value else 1)


def std_house_code(value: str | None, known_regions: set[int], width: int = 25, key: int = 17,
                   community: int = 12, parts=((17, 19), (19, 22), (22, 25))) -> dict:
    """Reference for ``standardize_house_code`` (one value), default layout of DOMAIN §3."""
    s, q = _id_plain(value, DIGITS)
    out = dict(house_code=None, q=q, community=None, building_key=None, unit=None, floor=None,
               room=None)
    if q is not None:
        return out
    if len(s) not in (width, key):
        out["q"] = 3
    elif int(s[:6]) not in known_regions:
        out["q"] = 7
    else:
        out.update(community=s[:community], building_key=s[:key])
        if len(s) == key:
            out["q"] = 10
        else:
            out.update(house_code=s, q=0 if s == value else 1,
                       **{k: int(s[a:b]) for k, (a, b) in zip(("unit", "floor", "room"), parts)})
    return out


# ============================================================================ names (DOMAIN §4)
# One string at a time, straight from the rules in weft.linkage.standardize.names' docstring:
# unicodedata per character, OpenCC's own convert on the whole string for t2s, pypinyin's own
# lazy_pinyin / pinyin(heteronym=True) for readings. Word lists (placeholders, compound surnames,
# readings, transliteration characters) are data and are imported, not restated.
import functools  # noqa: E402
import re  # noqa: E402

NAME_DOTS = "\u00b7\u0387\u2022\u2027\u2219\u22c5\u30fb\uff65\u2e31\u318d\u16eb\u2e33\u1427"
NAME_HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u2e3a\u2e3b"
NAME_APOSTROPHES = "\u2018\u2019\u02bc\u2032\uff07\u0060"
NAME_PERIODS = "\u3002\uff61\uff0e\u2024\ufe52"
NAME_SEPARATORS = " ·.-"


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def is_han(ch: str) -> bool:
    o = ord(ch)
    name = unicodedata.name(ch, "")
    return name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")) or 0xE000 <= o < 0xF900


def _fold_char(x: str) -> str:
    if x.isspace():
        return " "
    o = ord(x)
    if unicodedata.category(x) in ("Cc", "Cf") or 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF \
            or o in (0x034F, 0x180B, 0x180C, 0x180D, 0x180F):  # variation selectors, CGJ
        return ""
    if x in NAME_DOTS:
        return "·"
    if x in NAME_HYPHENS:
        return "-"
    if x in NAME_APOSTROPHES:
        return "'"
    if x in NAME_PERIODS:
        return "."
    if unicodedata.category(x)[0] == "L" and "LATIN" in unicodedata.name(x, ""):
        d = unicodedata.normalize("NFKD", x)
        base = "".join(c for c in d if not unicodedata.combining(c)).upper()
        if len(base) == 1 and "A" <= base <= "Z":
            return "Ü" if base == "U" and "\u0308" in d else base
    return x


def fold_name(s: str, keep: str) -> str:
    """NFKC per character, the variant and Latin rules, then OpenCC t2s on whole runs between the
    characters in ``keep`` (which t2s must not touch)."""
    prev = None
    while s != prev:
        prev = s
        s = "".join(_fold_char(x) for c in s for x in unicodedata.normalize("NFKC", c))
        s = "".join(p if p in keep else _t2s().convert(p) for p in re.split(f"([{keep}])", s) if p)
    return s


def _char_class(ch: str) -> str:
    if ch in NAME_SEPARATORS:
        return "sep"
    if is_han(ch):
        return "han"
    if "A" <= ch <= "Z" or ch == "Ü":
        return "latin"
    cat = unicodedata.category(ch)
    if cat == "Nd":
        return "digit"
    if ch == "'":
        return "apos"
    if cat[0] == "L":
        return "letter"
    return "bad"


_CAND = object()


def canonical_name(s: str, translit: str, keep: str) -> tuple[str, bool]:
    """(canonical name, whether it is empty of letters) by the separator rules."""
    f = fold_name(s, keep).strip(NAME_SEPARATORS)
    pieces = re.split(r"([ ·.\-]+)", f)
    out: list = []
    explicit = False
    for i, p in enumerate(pieces):
        if i % 2 == 0:
            out.append(p)
            continue
        lh, rh = is_han(pieces[i - 1][-1]), is_han(pieces[i + 1][0])
        if lh and rh:
            if "·" in p or "." in p:
                out.append("·")
                explicit = True
            else:
                out.append(_CAND)
        elif not lh and not rh:
            out.append("·" if "·" in p else "-" if "-" in p else " ")
        elif "·" in p:
            out.append("·")
    chars = "".join(x for x in out if x is not _CAND)
    dotify = explicit or (len(chars) >= 5 and all(is_han(c) and c in translit for c in chars))
    res, part = "", 0
    for k, x in enumerate(out):
        if x is _CAND:
            if dotify and part >= 2 and len(out[k + 1]) >= 2:
                res += "·"
                part = 0
        else:
            res += x
            part = 0 if x in NAME_SEPARATORS else part + len(x)
    return res, not any(_char_class(c) in ("han", "latin", "letter") for c in res)


def _readings(ch: str) -> list[str]:
    from pypinyin import Style, pinyin

    return pinyin(ch, style=Style.NORMAL, heteronym=True, errors=lambda x: [[]])[0]


def _default(ch: str) -> str | None:
    from pypinyin import Style, lazy_pinyin

    r = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
    return r[0] if r else None


def person_name(s, *, placeholders, translit, keep, compounds, surname_readings, max_len=50) -> dict:
    """All columns of ``standardize_person_name`` for one value (Han rows; Latin rows' pinyin and
    split are left to the caller: ``kind`` says which)."""
    out = dict(name=None, name_q=2, surname=None, given_name=None, name_pinyin=None,
               name_pinyin_key=None, name_pinyin_alt=None, name_key=None, kind="null")
    if s is None:
        return out
    name, empty = canonical_name(s, translit, keep)
    if (empty or name in placeholders
            or (len(name) in (2, 3) and all(is_han(c) for c in name) and set(name[1:]) == {"某"})):
        return out
    cls = [_char_class(c) for c in name]
    apos_ok = [i for i, c in enumerate(cls) if c == "apos" and 0 < i < len(name) - 1
               and cls[i - 1] == cls[i + 1] == "latin"]
    n_bad = cls.count("bad") + cls.count("apos") - len(apos_ok)
    scripts = {c for c in cls if c in ("han", "latin", "letter")}
    if "digit" in cls:
        q = 5
    elif n_bad:
        q = 7
    elif len(scripts) > 1:
        q = 4
    elif "letter" in scripts:
        q = 8
    elif len(name) > max_len:
        q = 6
    elif "latin" in scripts:
        q = 3
    elif cls.count("han") == 1:
        q = 9
    else:
        q = 1 if name != s else 0
    kind = "other" if "letter" in scripts else "mixed" if len(scripts) > 1 else next(iter(scripts))
    out.update(name=name, name_q=q, kind=kind, name_pinyin_alt=[],
               name_key=name.replace(" ", "") if "han" in scripts else None)
    if kind != "han":
        return out
    units: list[tuple[list[str], list[list[str]]]] = []  # (canonical syllables, alternatives)
    rest = name
    if all(c in ("han",) or ch == "·" for c, ch in zip(cls, name)) and cls.count("han") >= 2:
        if "·" in name:
            out["given_name"] = name[: name.index("·")]
        else:
            cw = max((c for c in compounds if name.startswith(c) and len(name) > len(c)), key=len, default=None)
            sur = cw or name[0]
            out["surname"], out["given_name"] = sur, name[len(sur):]
            rest = name[len(sur):]
            if cw:
                default = [_default(c) for c in cw]
                units.append((compounds[cw].split(), [default]))
            elif _default(sur):
                canon = surname_readings.get(sur) or _default(sur)
                units.append(([canon], [[r] for r in _readings(sur) if r != canon][:2]))
    for ch in rest:
        if is_han(ch) and _default(ch):
            d = _default(ch)
            units.append(([d], [[r] for r in _readings(ch) if r != d][:2]))
    syl = [s for u, _ in units for s in u]
    if not syl:
        return out
    key = " ".join(sorted(syl))
    alts: list[str] = []
    for k, (_, choices) in enumerate(units):
        for alt in choices:
            if len(alts) == 4:
                break
            a = " ".join(sorted([s for j, (u, _) in enumerate(units) for s in (alt if j == k else u)]))
            if a != key and a not in alts:
                alts.append(a)
    out.update(name_pinyin=" ".join(syl), name_pinyin_key=key, name_pinyin_alt=alts)
    return out


def company_name(s, keep: str) -> str | None:
    """``company_name`` for one value: folded, spaces removed, parentheses full-width."""
    if s is None:
        return None
    f = fold_name(s, keep).replace(" ", "").replace("(", "（").replace(")", "）")
    return f or None


# ============================================================================ addresses, phones, dates, gender
# One string at a time, from the rules in the docstrings of weft.core.address (normalisation),
# weft.linkage.standardize.phone, .dates and .gender; Python's re, unicodedata and datetime do
# the work the vectorised code does with RE2, numpy and Numba.
import datetime as _dt  # noqa: E402
import functools as _functools  # noqa: E402
import re as _re  # noqa: E402
import unicodedata as _ud  # noqa: E402

_ADDR_TRAD = dict(zip("號樓棟層單區鎮縣鄉組", "号楼栋层单区镇县乡组"))
_ADDR_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\u30fc"
_ADDR_SEP_RANGES = ((0x80, 0xBF), (0x2000, 0x206F), (0x3000, 0x3003), (0x3008, 0x3011), (0x3014, 0x301F),
                    (0xFE30, 0xFE4F), (0xFEFF, 0xFEFF), (0xFF5F, 0xFF65))
# the same separators as a regex class: ASCII but letters, digits, '-' (0x2D) and '#' (0x23)
_ADDR_SEP_CLASS = "[\\x00-\\x22\\x24-\\x2c\\x2e\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f" + "".join(
    f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in _ADDR_SEP_RANGES) + "]"
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@_functools.lru_cache(maxsize=None)
def addr_t2s(ch: str) -> str:
    """OpenCC t2s of one character, kept when it is not one-to-one (or 於/乾, place-name characters)."""
    import opencc

    if not ("\u3400" <= ch <= "\u4dbf" or "\u4e00" <= ch <= "\u9fff") or ch in "於乾":
        return ch
    out = opencc.OpenCC("t2s").convert(ch)
    return out if len(out) == 1 else ch


def addr_fold_char(ch: str) -> str:
    o = ord(ch)
    if 0xFF01 <= o <= 0xFF5E:
        ch = chr(o - 0xFEE0)
    if "a" <= ch <= "z":
        return ch.upper()
    if ch in _ADDR_DASHES:
        return "-"
    return addr_t2s(_ADDR_TRAD.get(ch, ch))


def addr_is_sep(ch: str) -> bool:
    o = ord(ch)
    if o < 0x80:
        return not (ch.isascii() and (ch.isalnum() or ch in "-#"))
    return any(lo <= o <= hi for lo, hi in _ADDR_SEP_RANGES)


def cn_numeral_value(run: str) -> str:
    """一二零三 → '1203' (digit by digit); 十二 → '12', 二十 → '20', 一百零一 → '101' (place values)."""
    if "十" not in run and "百" not in run:
        return "".join(str(_CN_DIGITS[c]) for c in run)
    total, cur = 0, 0
    for c in run:
        if c in "十百":
            total += (cur or 1) * (10 if c == "十" else 100)
            cur = 0
        else:
            cur = _CN_DIGITS[c]
    return str(total + cur)


def addr_normalize(s: str) -> str:
    folded = "".join(addr_fold_char(c) for c in s)
    cut = _re.search(r"电话|手机|联系|(?<![A-Z])TEL", folded)
    if cut:
        folded = folded[: cut.start()]
    # phone numbers and postcodes become a mark that acts as a separator
    folded = _re.sub(r"(?<![0-9])(?:0[0-9]{2,3}-(?=[0-9]{6}))?[0-9]{6,}", "\ue000", folded)

    def numeral(m):
        value = cn_numeral_value(m.group(1))
        if len(value) > 5:
            return m.group(0)
        return ("\ue000" if m.start() > 0 and "0" <= m.string[m.start() - 1] <= "9" else "") + value

    folded = _re.sub(r"第?([零〇一二两三四五六七八九十百]+)(?:" + _ADDR_SEP_CLASS + r"|[-\ue000])*"
                     r"(?=[栋座幢号楼层单室房户巷弄组坊期#])", numeral, folded)
    out: list[str] = []
    pending = False
    for c in folded:
        after_alnum = bool(out) and out[-1].isascii() and out[-1].isalnum()
        if addr_is_sep(c) or c == "\ue000" or (c in "-#" and not after_alnum):
            pending = True
            continue
        if pending and out and out[-1].isascii() and out[-1].isalnum() and c.isascii() and c.isalnum():
            out.append(" ")
        pending = False
        out.append(c)
    return "".join(out)


# DOMAIN §5, the allocation list in words: 13x, 145, 147, 15x but 154, 162 165 166 167, 170-173,
# 175-178, 18x, 19x but 194; and 1610, 17400-17405 as 4/5-digit blocks.
_MOBILE3 = ({f"13{d}" for d in range(10)} | {"145", "147"} | {f"15{d}" for d in range(10)} - {"154"}
            | {"162", "165", "166", "167"} | {"170", "171", "172", "173", "175", "176", "177", "178"}
            | {f"18{d}" for d in range(10)} | {f"19{d}" for d in range(10)} - {"194"})


def mobile_allocated(number: str) -> bool:
    return len(number) == 11 and (number[:3] in _MOBILE3 or number[:4] == "1610" or "17400" <= number[:5] <= "17405")


def std_phone(value: str | None) -> tuple[str | None, int, str | None]:
    """(phone, q, kind) per weft.linkage.standardize.phone."""
    if value is None:
        return None, 2, None
    s = _ud.normalize("NFKC", value).strip()
    s = _re.split(r"[/,;、]", s)[0]
    s = _re.split(r"转|分机|(?i:ext)", s)[0]
    s = "".join(c for c in s if c not in " \t\n\f\r-().")
    if s in ("", "无", "暂无", "不详", "未知", "空", "NULL", "NONE", "NA", "N/A") or set(s) <= {"-"} or set(s) <= {"/"} \
            or set(s) == {"0"}:
        return None, 2, None
    country = s.startswith("+86") or s.startswith("0086")
    body = s[3:] if s.startswith("+86") else s[4:] if s.startswith("0086") else s
    if len(body) == 13 and body.startswith("86") and body[2] == "1" or len(body) == 13 and body.startswith("86755"):
        body = body[2:]
    if not (body.isascii() and body.isdigit()) or body.startswith("00"):
        return None, 5, None
    if country and len(body) == 11 and body.startswith("755"):
        body = "0" + body
    if len(body) == 8 and body[0] in "2345678":
        body = "0755" + body
    if body.startswith("1"):
        if len(body) != 11:
            return None, 3, None
        if not mobile_allocated(body):
            return None, 4, None
        kind = "mobile"
    elif body.startswith("0755"):
        if len(body) != 12:
            return None, 3, None
        kind = "landline"
    elif 10 <= len(body) <= 12 and body[0] == "0" and body[1] != "0":
        kind = "landline"
    else:
        return None, 3, None
    return body, (0 if body == value else 1), kind


_DATE_PLACEHOLDERS = {_dt.date(1899, 12, 30), _dt.date(1899, 12, 31), _dt.date(1900, 1, 1), _dt.date(1970, 1, 1)}


def std_date(value: str | None, today: _dt.date, formats: list[str] | None = None) -> tuple[_dt.date | None, int, int]:
    """(date, q, precision) per weft.linkage.standardize.dates, with datetime doing the calendar."""
    if value is None:
        return None, 2, 0
    s = _ud.normalize("NFKC", value).strip()
    if s == "":
        return None, 2, 0
    cleaned = s != value
    declared = formats if formats is not None else [
        "%Y%m%d", "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%z",
        "%Y%m%d%H%M%S", "excel", "%Y%m", "%Y-%m", "%Y年%m月", "%Y"]

    def first(a, b):  # the source declares ``a`` and not ``b`` after it
        order = formats or []
        return a in order and (b not in order or order.index(a) < order.index(b))

    y = m = d = None
    fmt, prec, shift, bad_time, timed, serial = None, 0, 0, False, False, None
    sep = _re.fullmatch(r"(\d{4})([-/.]|年)(\d{1,2})(?:([-/.]|月)(\d{1,2})(日?))?(月?)"
                        r"(?:([ T])(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|([+-])(\d{2}):?(\d{2}))?", s)
    digits = _re.fullmatch(r"(\d+)(\.0+)?", s)
    if sep:
        ys, s1, ms, s2, ds, ri, yue, t, hh, mi, ss, tz, tzs, tzh, tzm = sep.groups()
        cn = s1 == "年"
        if ds is not None:
            ok = (s2 == "月" and not yue) if cn else (s2 == s1 and not yue and not ri)
        else:
            ok = bool(yue) if cn else not yue
        if ok:
            y, m, d = int(ys), int(ms), int(ds) if ds else 1
            if ds is None:
                fmt, prec = ("%Y年%m月" if cn else "%Y-%m"), 2
            elif s1 == "-" and (t == "T" or tz):
                fmt, prec = "%Y-%m-%dT%H:%M:%S%z", 3
            elif s1 == "-" and t == " ":
                fmt, prec = "%Y-%m-%d %H:%M:%S", 3
            else:
                fmt, prec = {"-": "%Y-%m-%d", "/": "%Y/%m/%d", ".": "%Y.%m.%d", "年": "%Y年%m月%d日"}[s1], 3
            timed = t is not None
            if timed:
                h, mn, sc = int(hh), int(mi), int(ss or 0)
                bad_time = h > 23 or mn > 59 or sc > 60
                if tz:
                    offset = 0 if tz == "Z" else (-1 if tzs == "-" else 1) * (int(tzh) * 60 + int(tzm))
                    shift = (h * 60 + mn - offset + 480) // 1440
    elif digits:
        v, frac = digits.group(1), digits.group(2)
        if frac is None and len(v) == 8:
            y, m, d, fmt, prec = int(v[:4]), int(v[4:6]), int(v[6:]), "%Y%m%d", 3
        elif frac is None and len(v) == 14:
            y, m, d, fmt, prec = int(v[:4]), int(v[4:6]), int(v[6:8]), "%Y%m%d%H%M%S", 3
            bad_time = int(v[8:10]) > 23 or int(v[10:12]) > 59 or int(v[12:]) > 60
        elif frac is None and len(v) == 6:
            if first("%y%m%d", "%Y%m"):
                yy = int(v[:2])
                y = (2000 if 2000 + yy <= today.year else 1900) + yy
                m, d, fmt, prec = int(v[2:4]), int(v[4:]), "%y%m%d", 3
            else:
                y, m, d, fmt, prec = int(v[:4]), int(v[4:]), 1, "%Y%m", 2
        elif frac is None and len(v) == 4 and int(v) >= 1000 and not first("excel", "%Y"):
            y, m, d, fmt, prec = int(v), 1, 1, "%Y", 1
        elif len(v) <= 5 and int(v) <= 60000:
            serial, fmt, prec = int(v), "excel", 3
    elif _re.fullmatch(r"\d{4}年", s):
        y, m, d, fmt, prec = int(s[:4]), 1, 1, "%Y", 1
    if fmt is None:
        return None, 3, 0
    # the checks in order: placeholder (all-zero, Excel serial <= 60, placeholder day), impossible,
    # out of range; a zone's day shift comes before them
    if serial is not None:
        if serial <= 60:
            return None, 2, 0
        day = _dt.date(1899, 12, 30) + _dt.timedelta(days=serial)
    else:
        if y == 0 and m == 0 and (d == 0 or prec != 3):
            return None, 2, 0
        try:
            day = _dt.date(y, m, d) + _dt.timedelta(days=shift)
        except (ValueError, OverflowError):
            return None, 4, 0
        if prec == 3 and day in _DATE_PLACEHOLDERS:
            return None, 2, 0
        if bad_time:
            return None, 4, 0
    if day < _dt.date(1900, 1, 1) or day > today:
        return None, 5, 0
    valid = fmt in declared and not cleaned and not (timed and fmt not in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"))
    return day, (0 if valid else 1), prec


_GENDER = {"男": 1, "男性": 1, "M": 1, "MALE": 1, "1": 1, "女": 2, "女性": 2, "F": 2, "FEMALE": 2, "2": 2}
_GENDER_UNKNOWN = {"", "0", "9", "未知", "未说明", "不详", "未知的性别", "未说明的性别"}


def std_gender(value: str | None, id_gender: int = 0) -> tuple[int, int]:
    """(gender, q) per weft.linkage.standardize.gender."""
    if value is None:
        return 0, 2
    s = _re.sub(r"[ \t\n\f\r]+", "", _ud.normalize("NFKC", value)).upper()
    if s in _GENDER_UNKNOWN:
        return 0, 2
    if s not in _GENDER:
        return 0, 3
    g = _GENDER[s]
    if id_gender in (1, 2) and id_gender != g:
        return g, 4
    return g, (0 if value in _GENDER or value in _GENDER_UNKNOWN else 1)


# ============================================================================ comparators
# References for weft.core.compare, one pair at a time, from the level definitions in its module
# docstring: Python sets, datetime and math.isclose do the work. Jaro(-Winkler) and the edit
# distances have rapidfuzz and jellyfish as oracles instead. None stands for a null side.
import datetime as _cmp_dt  # noqa: E402
import math as _cmp_math  # noqa: E402

_CMP_EPOCH = _cmp_dt.date(1970, 1, 1)


def cmp_qgrams(s: str, q: int) -> set[str]:
    if not s:
        return set()
    if len(s) < q:
        return {s}
    return {s[i:i + q] for i in range(len(s) - q + 1)}


def cmp_qgram_jaccard(a: str, b: str, q: int = 2) -> float:
    ga, gb = cmp_qgrams(a, q), cmp_qgrams(b, q)
    if not ga and not gb:
        return 1.0
    return len(ga & gb) / len(ga | gb)


def cmp_set_overlap(a, b) -> float:
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def cmp_name_level(a: dict, b: dict, jw, close: float, similar: float) -> int:
    """core.compare.NAME_LEVELS of two names: dicts of key, pinyin, former (str or None) and
    readings (a set); ``jw(x, y)`` the Jaro-Winkler similarity, compared as float32."""
    import numpy as np

    if a["key"] is None or b["key"] is None:
        return 0
    if a["key"] == b["key"]:
        return 7
    if a["pinyin"] is not None and a["pinyin"] == b["pinyin"]:
        return 6
    if a["former"] is not None and a["former"] == b["key"] or b["former"] is not None and b["former"] == a["key"]:
        return 5
    sim = np.float32(jw(a["key"], b["key"]))
    if sim >= np.float32(close):
        return 4
    if a["readings"] & b["readings"]:
        return 3
    if sim >= np.float32(similar):
        return 2
    return 1


def cmp_date_level(a: int | None, b: int | None, within_days: int) -> int:
    if a is None or b is None:
        return 0
    da = _CMP_EPOCH + _cmp_dt.timedelta(days=a)
    db = _CMP_EPOCH + _cmp_dt.timedelta(days=b)
    if da == db:
        return 5
    try:
        swapped = _cmp_dt.date(da.year, da.day, da.month)
    except ValueError:
        swapped = None
    if da.day != da.month and swapped == db:
        return 4
    if abs((da - db).days) <= within_days:
        return 3
    return 2 if da.year == db.year else 1


def _cmp_one_edit(a: str, b: str) -> int:
    """Equal lengths: 1 one substitution, 2 one adjacent transposition, 0 neither."""
    if len(a) != len(b):
        return 0
    if sum(x != y for x, y in zip(a, b)) == 1:
        return 1
    if any(a[:i] + a[i + 1] + a[i] + a[i + 2:] == b for i in range(len(a) - 1)) and a != b:
        return 2
    return 0


def cmp_id_level(a: str | None, b: str | None) -> int:
    if a is None or b is None:
        return 0
    if a == b:
        return 6
    if sorted((len(a), len(b))) == [15, 18]:
        old, new = (a, b) if len(a) == 15 else (b, a)
        if new[:6] + new[8:17] == old:
            return 5
    if len(a) == len(b) == 18 and a[:17] == b[:17]:
        return 4
    return {1: 3, 2: 2, 0: 1}[_cmp_one_edit(a, b)]


def cmp_phone_level(a: str | None, b: str | None) -> int:
    if a is None or b is None:
        return 0
    if a == b:
        return 3
    return 2 if _cmp_one_edit(a, b) else 1


def cmp_address_level(a: tuple, b: tuple) -> int:
    """a, b: (district, street, community, building, house) keys, 0 = unknown."""
    if any(r[0] == 0 and r[3] == 0 and r[4] == 0 for r in (a, b)):
        return 0

    def same(k):
        return a[k] != 0 and a[k] == b[k]

    if a[0] != 0 and b[0] != 0 and a[0] != b[0]:
        return 1
    found = [1]
    if same(4):
        found.append(5)
    if same(3):
        found.append(4)
    if same(1) or same(2):
        found.append(3)
    if same(0):
        found.append(2)
    return max(found)


def cmp_number_level(x: float, y: float, rel_tol: float) -> int:
    if _cmp_math.isnan(x) or _cmp_math.isnan(y):
        return 0
    if x == y:
        return 3
    return 2 if _cmp_math.isclose(x, y, rel_tol=rel_tol, abs_tol=0.0) else 1


# ============================================================================ hashing, MinHash, blocking, union-find
# References for weft.core.hashing, .minhash, .blocking and .unionfind: Python ints masked to 64 or 32
# bits for the hash formulas (restated from the module docstrings, one string at a time), dicts and
# itertools for blocking, breadth-first search and explicit member sets for components.
import collections as _collections  # noqa: E402
import itertools as _itertools  # noqa: E402

_U64 = (1 << 64) - 1
_U32 = (1 << 32) - 1
_GOLDEN64 = 0x9E3779B97F4A7C15


def splitmix64(x: int) -> int:
    """splitmix64's finaliser."""
    x &= _U64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _U64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _U64
    return x ^ (x >> 31)


def row_hash64(s: str | None) -> int:
    """FNV-1a 64 with one step per code point, then mix64; None -> 0, never 0 otherwise."""
    if s is None:
        return 0
    h = 0xCBF29CE484222325
    for ch in s:
        h = ((h ^ ord(ch)) * 0x100000001B3) & _U64
    return splitmix64(h) or 1


def combine_hash64(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return splitmix64(splitmix64(a + _GOLDEN64) ^ b) or 1


def shingle_hash32(s: str) -> int:
    """FNV-1a 32 stepping once per code point (not per byte); the hashfunc given to datasketch."""
    h = 0x811C9DC5
    for ch in s:
        h = ((h ^ ord(ch)) * 0x01000193) & _U32
    return h


def qgram_shingles(s: str | None, q: int) -> set[str]:
    if not s:
        return set()
    if len(s) < q:
        return {s}
    return {s[i : i + q] for i in range(len(s) - q + 1)}


def lsh_band_key(sig_row, band: int, rows: int) -> int:
    """Band key of one signature row (a sequence of ints); 0 when every value is 2**32-1."""
    if all(int(v) == _U32 for v in sig_row):
        return 0
    h = splitmix64((band + 1) * _GOLDEN64)
    for v in sig_row[band * rows : (band + 1) * rows]:
        h = splitmix64(h ^ int(v))
    return h or 1


def key_groups(keys) -> list[tuple[int, list[int]]]:
    """[(key, rows ascending)] for every non-zero key, keys ascending."""
    groups = _collections.defaultdict(list)
    for i, k in enumerate(keys):
        if int(k) != 0:
            groups[int(k)].append(i)
    return sorted(groups.items())


def variant_key_groups(variants) -> list[tuple[int, list[int]]]:
    """[(key, rows)] of composite keys: each variant's columns folded by combine_hash64 into one
    key per row, entries taken variant by variant (rows ascending), keys 0 dropped, keys ascending."""
    groups = _collections.defaultdict(list)
    for cols in variants:
        for i in range(len(cols[0])):
            k = int(cols[0][i])
            for c in cols[1:]:
                k = combine_hash64(k, int(c[i]))
            if k:
                groups[k].append(i)
    return sorted(groups.items())


def collapse_key_groups(groups, cells) -> list[tuple[int, list[int]]]:
    """Each group keeping its first row of each ``cells[row]`` value."""
    out = []
    for key, rows in groups:
        seen, kept = set(), []
        for r in rows:
            if int(cells[r]) not in seen:
                seen.add(int(cells[r]))
                kept.append(r)
        out.append((key, kept))
    return out


def key_star_edges(keys) -> list[tuple[int, int]]:
    return [(rows[0], r) for _, rows in key_groups(keys) for r in rows[1:]]


def key_block_pairs(keys, cap: int, window: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(pairs in output order, [(key, size)] of groups larger than cap)."""
    pairs, big = [], []
    for key, rows in key_groups(keys):
        if len(rows) <= cap:
            pairs.extend(_itertools.combinations(rows, 2))
        else:
            big.append((key, len(rows)))
            for p, r in enumerate(rows):
                pairs.extend((r, r2) for r2 in rows[p + 1 : p + 1 + window])
    return pairs, big


def unique_pairs(left, right) -> list[tuple[int, int]]:
    return sorted({(min(int(a), int(b)), max(int(a), int(b))) for a, b in zip(left, right) if a != b})


def cc_labels(n: int, left, right) -> list[int]:
    """Label = smallest node of the component, by breadth-first search from each unlabelled node."""
    adj = [[] for _ in range(n)]
    for a, b in zip(left, right):
        adj[int(a)].append(int(b))
        adj[int(b)].append(int(a))
    labels = [-1] * n
    for s in range(n):
        if labels[s] >= 0:
            continue
        labels[s] = s
        todo = [s]
        while todo:
            for v in adj[todo.pop()]:
                if labels[v] < 0:
                    labels[v] = s
                    todo.append(v)
    return labels


def cc_constrained(n: int, left, right, strong) -> tuple[list[int], list[bool]]:
    """Edges in order over explicit member sets: refuse a merge whose two sides hold two
    different non-zero strong keys among their members."""
    comp = list(range(n))  # node -> component id
    members = {i: {i} for i in range(n)}
    refused = []
    for a, b in zip(left, right):
        ca, cb = comp[int(a)], comp[int(b)]
        if ca == cb:
            refused.append(False)
            continue
        keys = {int(strong[m]) for m in members[ca] | members[cb]} - {0}
        if len(keys) > 1:
            refused.append(True)
            continue
        refused.append(False)
        for m in members[cb]:
            comp[m] = ca
        members[ca] |= members.pop(cb)
    labels = [min(members[comp[i]]) for i in range(n)]
    return labels, refused


# ---------------------------------------------------------------------------- linkage metrics


def link_pairwise(pred: list, true: list) -> dict:
    """Pairwise precision / recall / F1 by enumerating every pair of mentions."""
    tp = fp = fn = 0
    for i in range(len(pred)):
        for j in range(i + 1, len(pred)):
            same_p, same_t = pred[i] == pred[j], true[i] == true[j]
            tp += same_p and same_t
            fp += same_p and not same_t
            fn += same_t and not same_p
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": p, "recall": r, "f1": 0.0 if p + r == 0 else 2 * p * r / (p + r)}


def link_bcubed(pred: list, true: list) -> dict:
    """B-cubed precision / recall, mention by mention."""
    n = len(pred)
    p = r = 0.0
    for i in range(n):
        cluster = {j for j in range(n) if pred[j] == pred[i]}
        entity = {j for j in range(n) if true[j] == true[i]}
        both = len(cluster & entity)
        p += both / len(cluster)
        r += both / len(entity)
    return {"precision": p / n, "recall": r / n}


# ============================================================================ identity relations
def relation_edges(rows: list[tuple], specs) -> list[tuple]:
    """Reference for ``weft.linkage.link.outputs.relations`` over assignment rows
    ``(source, record_id, role, identity_id)``: every pair of mentions of one record in a spec's
    relation roles, counted per (relation, from_kind, from_id, to_kind, to_id) with its sources.
    Returns rows sorted by the five keys (None last), sources A-Z."""
    edges: dict[tuple, list[str]] = {}
    for spec in specs:
        kind_of = {m.role: m.kind for m in spec.mentions}
        for rel in spec.relations:
            a = [(r[1], r[3]) for r in rows if r[0] == spec.name and r[2] == rel.from_role and r[1] is not None]
            b = [(r[1], r[3]) for r in rows if r[0] == spec.name and r[2] == rel.to_role and r[1] is not None]
            for ra, ia in a:
                for rb, ib in b:
                    if ra == rb:
                        key = (rel.type, kind_of[rel.from_role], ia, kind_of[rel.to_role], ib)
                        edges.setdefault(key, []).append(spec.name)

    def order(key):
        return tuple((v is None, v or "") for v in key)

    return [(*k, sorted(set(v)), len(v)) for k, v in sorted(edges.items(), key=lambda kv: order(kv[0]))]


def survivors(ident, h, trust, recency, criteria, k: int) -> list[int]:
    """Reference for ``weft.core.select.survivors``: per identity, group its rows with non-zero
    ``h`` by value; a value scores (max trust, count, max recency), picked by the scores in
    ``criteria`` order (0 trust, 1 frequency, 2 recency), ties to the lowest first row."""
    cells: dict[tuple[int, int], list[int]] = {}
    for i, (g, v) in enumerate(zip(ident, h)):
        if v != 0:
            cells.setdefault((int(g), int(v)), []).append(i)
    best = [-1] * k
    key_of = {}
    for (g, _), rows in cells.items():
        score = (max(int(trust[r]) for r in rows), len(rows), max(int(recency[r]) for r in rows))
        key = (tuple(-score[c] for c in criteria), rows[0])
        if best[g] < 0 or key < key_of[g]:
            best[g], key_of[g] = rows[0], key
    return best


def ambiguous_pairs(left, right, w, keyless, other_key, margin) -> list[bool]:
    """Reference for ``weft.core.select.ambiguous_pairs``: per keyless mention, its sides (as left,
    then as right, in pair order) whose partner has a key; the best (greatest w, ties to the first)
    and whether a partner of another key scores within margin of it (float32 arithmetic, as the
    weights are): then all its pairs are dropped."""
    import numpy as np

    sides: dict[int, list[tuple[int, int]]] = _collections.defaultdict(list)
    for role in (0, 1):
        for i, (a, b) in enumerate(zip(left, right)):
            m, o = (int(a), int(b)) if role == 0 else (int(b), int(a))
            if keyless[m] and int(other_key[o]):
                sides[m].append((i, int(other_key[o])))
    drop = [False] * len(left)
    for items in sides.values():
        best = items[0]
        for it in items[1:]:
            if w[it[0]] > w[best[0]]:
                best = it
        bound = np.float32(w[best[0]]) - np.float32(margin)
        if any(k != best[1] and np.float32(w[i]) >= bound for i, k in items):
            for i, _ in items:
                drop[i] = True
    return drop


def key_owners(k, names, consistent, rows, size: int) -> list[int]:
    """Reference for ``linkage.link.blocking.key_owners``: per key, count its entries per name;
    the owner name has the most (ties: one with a consistent entry, then the lowest name code);
    the owner is that name's lowest row. 0 for keys nobody holds."""
    cells: dict = {}
    for key, name, c, row in zip(k, names, consistent, rows):
        n, any_c, first = cells.get((int(key), int(name)), (0, False, None))
        cells[(int(key), int(name))] = (n + 1, any_c or bool(c), row if first is None else min(first, row))
    out = [0] * size
    best: dict = {}
    for (key, name), (n, any_c, first) in cells.items():
        rank = (n, any_c, -name)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, first)
    for key, (_, first) in best.items():
        out[key] = int(first)
    return out


def sorted_runs(hi, lo, s: int):
    """Reference for ``weft.core.select.sorted_runs``: entries (sorted by (hi, lo)) grouped by
    (hi, lo // s) in order; per group its first entry, size and distinct lo % s ascending."""
    hi = [0] * len(lo) if len(hi) == 0 else [int(x) for x in hi]
    groups: list = []
    for i, (h, x) in enumerate(zip(hi, (int(v) for v in lo))):
        key = (h, x // s)
        if not groups or groups[-1][0] != key:
            groups.append([key, i, 0, []])
        groups[-1][2] += 1
        if x % s not in groups[-1][3]:
            groups[-1][3].append(x % s)
    return [(g[1], g[2], sorted(g[3])) for g in groups]


# --------------------------------------------------------------------------- placing by relations
from collections import Counter, defaultdict  # noqa: E402


def place_by_relations(assign, empty, linked, specs, kind, lonely=None, check=None):
    """Reference for ``outputs.infer_from_relations``, record by record in plain Python: each
    unplaced mention of ``kind`` takes the identity that the related identity's other records
    (through the same relation) name most often, ties to the smallest id; a lonely mention only
    counts records whose mention shares its check value."""
    a, lk = assign.to_pylist(), linked.to_pylist()
    n = len(a)
    lonely = [False] * n if lonely is None else [bool(x) and not bool(e) for x, e in zip(lonely, empty)]
    check = [0] * n if check is None else [int(c) for c in check]
    state = [1 if e else 2 if lo else 0 for e, lo in zip(empty, lonely)]
    kinds = {r["kind"] for r in lk}
    edges = []  # (relation, from identity, row)
    for spec in specs:
        kind_of = {m.role: m.kind for m in spec.mentions}
        for rel in spec.relations:
            if kind_of.get(rel.to_role) != kind or kind_of.get(rel.from_role) not in kinds:
                continue
            by_rec = defaultdict(list)
            for r in lk:
                if r["source"] == spec.name and r["role"] == rel.from_role and r["record_id"] is not None:
                    by_rec[r["record_id"]].append(r["identity_id"])
            for i, r in enumerate(a):
                if r["source"] == spec.name and r["role"] == rel.to_role and r["record_id"] is not None:
                    edges.extend((rel.type, f, i) for f in by_rec.get(r["record_id"], []) if f is not None)
    votes, votes_by_check = defaultdict(Counter), defaultdict(Counter)
    for t, f, i in edges:
        if state[i] == 0:
            votes[(t, f)][a[i]["identity_id"]] += 1
            votes_by_check[(t, f, check[i])][a[i]["identity_id"]] += 1
    best: dict[int, tuple[int, str]] = {}
    for t, f, i in edges:
        if state[i] == 0:
            continue
        pool = votes.get((t, f)) if state[i] == 1 else votes_by_check.get((t, f, check[i]))
        for to, c in (pool or {}).items():
            if i not in best or (-c, to) < (-best[i][0], best[i][1]):
                best[i] = (c, to)
    ids = [r["identity_id"] for r in a]
    for i, (_, to) in best.items():
        ids[i] = to
    return ids, len(best)
