"""Corruption: the ways department data goes wrong (DOMAIN §1, §3, §4, §5), at configurable rates.

Each corruption is applied to a row with its configured probability among the rows where it can
happen (a lowercase ``x`` needs an ID ending in ``X``), is written to the corruption log and counted
(eligible, applied), so that realised rates can be checked against the configured ones.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import tables as T

__all__ = ["DEFAULT_RATES", "DEPARTMENT_FACTORS", "CorruptionConfig", "Corruptor", "ConfigError"]


class ConfigError(ValueError):
    """A corruption config names an unknown field or kind, or a rate outside [0, 1]."""


# field kind -> corruption kind -> probability among eligible values
DEFAULT_RATES: dict[str, dict[str, float]] = {
    "id_number": {
        "missing": 0.02,  # left empty
        "legacy15": 0.04,  # old 15-digit number (persons born before 2000)
        "excel": 0.004,  # 18 digits through Excel: 4.40304E+17 or last three digits 000
        "typo": 0.01,  # one digit substituted
        "transposition": 0.005,  # two adjacent digits swapped
        "lower_x": 0.3,  # x instead of X (IDs ending in X)
        "fullwidth": 0.01,  # full-width digits ０-９ and Ｘ
        "spaces": 0.01,  # spaces or hyphens inside, or around
        "foreign": 0.002,  # someone else's valid number (a relative's, typed into the wrong form)
    },
    "name": {
        "missing": 0.005,
        "placeholder": 0.002,  # 未知, 无名, 测试 …
        "traditional": 0.02,  # 張偉 for 张伟
        "homophone": 0.01,  # a given-name character replaced by one that sounds the same
        "shape_alike": 0.004,  # 形近字: 末/未
        "pinyin": 0.005,  # ZHANG SAN / San Zhang / ZHANGSAN
        "spaces": 0.01,  # inner space, U+3000, trailing space
        "fullwidth": 0.3,  # full-width letters (names in Latin letters only)
        "middle_dot": 0.35,  # • ・ ． ‧ ･ . or space for U+00B7 (dotted names only)
        "truncated": 0.1,  # long names cut by a system's field width (>= 8 characters)
        "former": 0.3,  # the former name (曾用名) in an older record (persons who have one)
    },
    "gender": {"missing": 0.01, "flip": 0.002},
    "date": {
        "missing": 0.01,
        "alt_format": 0.05,  # another department's date format
        "day_month_swap": 0.005,  # day and month exchanged (day <= 12)
        "placeholder": 0.003,  # 1900-01-01 / 1970-01-01
    },
    "phone": {
        "missing": 0.05,
        "format": 0.1,  # +86, 0086, spaces, hyphens
        "typo": 0.005,
        "stale": 0.6,  # an older number in an older record (persons who changed numbers)
        "shared": 0.05,  # someone else's number: a guardian's, a landlord's or an agent's
    },
    "address": {
        "missing": 0.02,
        "drop_prefix": 0.4,  # 广东省 / 广东省深圳市 omitted
        "drop_community": 0.3,  # 街道 and 社区 omitted
        "building_word": 0.25,  # 座 / 幢 / 号楼 for 栋
        "chinese_numerals": 0.08,  # 三栋, 十二楼
        "room_format": 0.3,  # 1203室, 12楼03, 12-03, 5-1-101, 1203房
    },
    "company_name": {
        "drop_city": 0.2,  # 深圳市 omitted
        "paren_halfwidth": 0.4,  # (深圳) for （深圳）
        "legal_form": 0.1,  # 有限责任公司 for 有限公司 and back
        "traditional": 0.005,
        "spaces": 0.01,
    },
    "uscc": {"missing": 0.03, "typo": 0.005, "lowercase": 0.01},
    "house_code": {"missing": 0.05, "typo": 0.003, "truncated": 0.02},
}

# per-department multipliers of the rates above (a department's habits)
DEPARTMENT_FACTORS: dict[str, dict[str, float]] = {
    "gongan_renkou": {"id_number": 0.2, "name": 0.3, "date": 0.3, "phone": 0.8},
    "juzhuzheng": {"id_number": 1.0, "excel": 4.0, "house_code": 4.0},
    "shebao_canbao": {"id_number": 0.8, "date": 1.5},
    "jiaoyu_xueji": {"id_number": 1.0, "name": 1.0},
    "weijian_jiuzhen": {"id_number": 2.0, "name": 1.5, "address": 1.3, "phone": 1.5},
    "zhujian_zulin": {"id_number": 1.2, "phone": 1.5},
    "shichang_qiye": {"id_number": 0.8, "company_name": 1.0},
    "minzheng_hunyin": {"id_number": 0.5, "name": 0.5},
    "exam_registration": {"id_number": 1.0, "name": 1.0, "address": 1.5},
}


@dataclass
class CorruptionConfig:
    rates: dict[str, dict[str, float]] = field(default_factory=lambda: copy.deepcopy(DEFAULT_RATES))
    factors: dict[str, dict[str, float]] = field(default_factory=lambda: copy.deepcopy(DEPARTMENT_FACTORS))
    scale: float = 1.0

    @classmethod
    def from_toml(cls, path: str | Path, scale: float = 1.0) -> "CorruptionConfig":
        """Read overrides: ``[rates.name] traditional = 0.05`` and ``[factors.weijian_jiuzhen] name = 2``."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise ConfigError(f"{path}: {e}") from None
        cfg = cls(scale=scale)
        for key in data:
            if key not in ("rates", "factors"):
                raise ConfigError(f"{path}: unknown table [{key}] (expected [rates.*] or [factors.*])")
        for fk, kinds in data.get("rates", {}).items():
            if fk not in cfg.rates:
                raise ConfigError(f"{path}: [rates.{fk}]: unknown field (known: {', '.join(cfg.rates)})")
            for kind, rate in kinds.items():
                if kind not in cfg.rates[fk]:
                    raise ConfigError(f"{path}: rates.{fk}.{kind}: unknown corruption (known: {', '.join(cfg.rates[fk])})")
                if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
                    raise ConfigError(f"{path}: rates.{fk}.{kind} = {rate!r}: must be a number in [0, 1]")
                cfg.rates[fk][kind] = float(rate)
        for src, facs in data.get("factors", {}).items():
            for k, v in facs.items():
                if not isinstance(v, (int, float)) or v < 0:
                    raise ConfigError(f"{path}: factors.{src}.{k} = {v!r}: must be a number >= 0")
            cfg.factors.setdefault(src, {}).update({k: float(v) for k, v in facs.items()})
        return cfg

    def rate(self, source: str, field_kind: str, kind: str) -> float:
        f = self.factors.get(source, {})
        # a factor may target a whole field kind or a single corruption kind
        mult = f.get(kind, f.get(field_kind, 1.0))
        return float(min(1.0, self.rates[field_kind][kind] * mult * self.scale))

    def as_dict(self) -> dict:
        return {"scale": self.scale, "rates": self.rates, "factors": self.factors}


# ---------------------------------------------------------------------------- character tables
_FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}
_FULLWIDTH[" "] = "\u3000"
_DOTS = ("•", "・", "．", "‧", "･", ".", " ")


def _name_chars() -> str:
    chars = set()
    for table in (T.SURNAMES, T.COMPOUND_SURNAMES, T.GIVEN_CHARS_MALE, T.GIVEN_CHARS_FEMALE, T.GIVEN_CHARS_NEUTRAL):
        for s, _ in table:
            chars.update(s)
    for s, g, _, _ in T.COMMON_FULL_NAMES:
        chars.update(s + g)
    return "".join(sorted(chars))


@functools.lru_cache(maxsize=1)
def traditional_map() -> dict[str, str]:
    """Simplified -> traditional for the characters our names and company names use (OpenCC s2t)."""
    import opencc

    conv = opencc.OpenCC("s2t")
    chars = set(_name_chars())
    for w in T.COMPANY_TRADE_WORDS:
        chars.update(w)
    for w, _ in T.COMPANY_INDUSTRIES:
        chars.update(w)
    chars.update("深圳市有限公司责任股份")
    out = {}
    for c in sorted(chars):
        t = conv.convert(c)
        if len(t) == 1 and t != c:
            out[c] = t
    return out


@functools.lru_cache(maxsize=1)
def homophone_map() -> dict[str, tuple[str, ...]]:
    """Given-name characters -> other name characters with the same toneless reading."""
    from pypinyin import Style, lazy_pinyin

    pool = set()
    for table in (T.GIVEN_CHARS_MALE, T.GIVEN_CHARS_FEMALE, T.GIVEN_CHARS_NEUTRAL):
        pool.update(c for c, _ in table)
    by_sound: dict[str, list[str]] = defaultdict(list)
    for c in sorted(pool):
        by_sound[lazy_pinyin(c, style=Style.NORMAL)[0]].append(c)
    return {c: tuple(o for o in group if o != c) for group in by_sound.values() if len(group) > 1 for c in group}


@functools.lru_cache(maxsize=1)
def shape_map() -> dict[str, tuple[str, ...]]:
    m: dict[str, list[str]] = defaultdict(list)
    for a, b in T.SHAPE_ALIKE:
        m[a].append(b)
        m[b].append(a)
    return {k: tuple(v) for k, v in m.items()}


# surnames whose everyday reading is not pypinyin's default (DOMAIN §4)
_SURNAME_READING = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "翟": "zhai", "朴": "piao",
    "查": "zha", "乐": "yue", "缪": "miao", "覃": "qin", "盖": "ge", "尉迟": "yu chi", "万俟": "mo qi",
    "单于": "chan yu", "长孙": "zhang sun", "尉": "wei",
}


def to_pinyin(surname: str, given: str, style: int) -> str:
    from pypinyin import Style, lazy_pinyin

    s = _SURNAME_READING.get(surname) or " ".join(lazy_pinyin(surname, style=Style.NORMAL))
    s = s.replace(" ", "")
    g = "".join(lazy_pinyin(given, style=Style.NORMAL))
    if style == 0:
        return f"{s} {g}".upper()  # ZHANG SAN
    if style == 1:
        return f"{g.capitalize()} {s.capitalize()}"  # San Zhang
    if style == 2:
        return f"{s}{g}".upper()  # ZHANGSAN
    return f"{s.capitalize()} {g.capitalize()}"  # Zhang San


# ---------------------------------------------------------------------------- eligibility masks
def _re(values: np.ndarray, pattern: str) -> np.ndarray:
    """Rows whose value matches ``pattern`` (RE2, searched anywhere); nulls never match."""
    arr = pa.array(values, pa.string())
    return pc.match_substring_regex(arr, pattern).fill_null(False).to_numpy(zero_copy_only=False)


def _charset(chars) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


def _given_part(values: np.ndarray, surname: np.ndarray) -> np.ndarray:
    """The given name where the value still starts with the surname, else None."""
    out = np.full(len(values), None, dtype=object)
    arr = pa.array(values, pa.string())
    sur = pa.array(surname, pa.string())
    lens = pc.utf8_length(sur).fill_null(0).to_numpy(zero_copy_only=False)
    for L in np.unique(lens[lens > 0]):
        rows = np.flatnonzero(lens == L)
        a = arr.take(pa.array(rows))
        head_ok = pc.equal(pc.utf8_slice_codeunits(a, 0, int(L)), sur.take(pa.array(rows))).fill_null(False)
        rest = pc.if_else(head_ok, pc.utf8_slice_codeunits(a, int(L)), pa.scalar(None, pa.string()))
        out[rows] = rest.to_numpy(zero_copy_only=False)
    return out


# ---------------------------------------------------------------------------- the corruptor
class Corruptor:
    """Applies corruptions for one source and chunk; keeps the log and the counts."""

    def __init__(self, config: CorruptionConfig, source: str, rng: np.random.Generator):
        self.config = config
        self.source = source
        self.rng = rng
        self.log: list[tuple[np.ndarray, str, str, str, str]] = []  # rows, role, column, field, kind
        self.counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        self._rows: np.ndarray | None = None  # see subset()

    @contextlib.contextmanager
    def subset(self, rows: np.ndarray):
        """Corrupt a subset of the table's rows: draws inside log the table's row numbers."""
        self._rows = np.asarray(rows)
        try:
            yield self
        finally:
            self._rows = None

    def draw(self, eligible: np.ndarray, field_kind: str, kind: str, role: str, column: str) -> np.ndarray:
        """Rows (indices) that receive corruption ``kind``; logged and counted."""
        eligible = np.asarray(eligible, dtype=bool)
        rate = self.config.rate(self.source, field_kind, kind)
        hit = eligible & (self.rng.random(len(eligible)) < rate)
        rows = np.flatnonzero(hit)
        c = self.counts[(field_kind, kind)]
        c[0] += int(eligible.sum())
        c[1] += len(rows)
        if len(rows):
            self.log.append((rows if self._rows is None else self._rows[rows], role, column, field_kind, kind))
        return rows

    # -- helpers -------------------------------------------------------------------------------
    def _apply(self, values, rows, fn):
        for r in rows:
            values[r] = fn(values[r])

    @staticmethod
    def present(values: np.ndarray) -> np.ndarray:
        return (values != None) & (values != "")  # noqa: E711 - elementwise on object arrays

    # -- identifiers --------------------------------------------------------------------------
    def id_numbers(self, values: np.ndarray, role: str, column: str, birth_year: np.ndarray,
                   foreign: np.ndarray | None = None) -> np.ndarray:
        """``foreign``: another person's valid ID per row (None where nobody fits)."""
        v = values.copy()
        rng = self.rng
        ok = self.present(v)
        if foreign is not None:
            rows = self.draw(ok & (foreign != None), "id_number", "foreign", role, column)  # noqa: E711
            v[rows] = foreign[rows]
        rows = self.draw(ok, "id_number", "missing", role, column)
        v[rows] = None
        ok[rows] = False
        rows = self.draw(ok & (birth_year < 2000), "id_number", "legacy15", role, column)
        self._apply(v, rows, lambda s: s[:6] + s[8:17])
        is18 = ok & _re(v, "^.{18}$")
        rows = self.draw(is18, "id_number", "excel", role, column)
        for r in rows:
            s = v[r]
            v[r] = f"{s[0]}.{s[1:6]}E+17" if rng.random() < 0.5 else s[:15] + "000"
        ok2 = ok & ~np.isin(np.arange(len(v)), rows)

        def typo(s):
            digits = [i for i, c in enumerate(s) if c.isdigit()]
            i = digits[rng.integers(len(digits))]
            d = str((int(s[i]) + 1 + rng.integers(9)) % 10)
            return s[:i] + d + s[i + 1 :]

        rows = self.draw(ok2, "id_number", "typo", role, column)
        self._apply(v, rows, typo)

        def swap(s):
            cand = [i for i in range(len(s) - 1) if s[i] != s[i + 1]]
            if not cand:
                return s
            i = cand[rng.integers(len(cand))]
            return s[:i] + s[i + 1] + s[i] + s[i + 2 :]

        swappable = ok2 & _re(v, "^.{2,}$")
        rows = self.draw(swappable, "id_number", "transposition", role, column)
        self._apply(v, rows, swap)
        ends_x = ok2 & _re(v, "X$")
        rows = self.draw(ends_x, "id_number", "lower_x", role, column)
        self._apply(v, rows, lambda s: s[:-1] + "x")
        rows = self.draw(ok2, "id_number", "fullwidth", role, column)
        self._apply(v, rows, lambda s: "".join(_FULLWIDTH.get(c, c) for c in s))

        def spaces(s):
            k = rng.integers(3)
            if k == 0:
                return f"{s[:6]} {s[6:14]} {s[14:]}"
            if k == 1:
                return f"{s[:6]}-{s[6:14]}-{s[14:]}"
            return f" {s} "

        rows = self.draw(ok2, "id_number", "spaces", role, column)
        self._apply(v, rows, spaces)
        return v

    def codes(self, values: np.ndarray, field_kind: str, role: str, column: str) -> np.ndarray:
        """USCCs and house codes: missing, typo, lowercase / truncated."""
        v = values.copy()
        rng = self.rng
        ok = self.present(v)
        rows = self.draw(ok, field_kind, "missing", role, column)
        v[rows] = None
        ok[rows] = False

        def typo(s):
            i = int(rng.integers(len(s)))
            c = s[i]
            if c.isdigit():
                r = str((int(c) + 1 + rng.integers(9)) % 10)
            else:
                r = "0123456789"[rng.integers(10)]
            return s[:i] + r + s[i + 1 :]

        rows = self.draw(ok, field_kind, "typo", role, column)
        self._apply(v, rows, typo)
        if field_kind == "uscc":
            letters = ok & _re(v, "[A-Z]")
            rows = self.draw(letters, field_kind, "lowercase", role, column)
            self._apply(v, rows, str.lower)
        else:
            rows = self.draw(ok, field_kind, "truncated", role, column)
            self._apply(v, rows, lambda s: s[:17])
        return v

    # -- names --------------------------------------------------------------------------------
    def names(self, values: np.ndarray, role: str, column: str, surname: np.ndarray,
              former: np.ndarray | None = None, older: np.ndarray | None = None) -> np.ndarray:
        """Person names. ``surname`` splits Han names for pinyin; ``former`` names go to ``older`` rows."""
        v = values.copy()
        rng = self.rng
        ok = self.present(v)
        if former is not None and older is not None:
            has = ok & older & (former != None)  # noqa: E711
            rows = self.draw(has, "name", "former", role, column)
            v[rows] = former[rows]
        rows = self.draw(ok, "name", "missing", role, column)
        v[rows] = None
        ok[rows] = False
        rows = self.draw(ok, "name", "placeholder", role, column)
        v[rows] = np.array(T.PLACEHOLDER_NAMES, dtype=object)[rng.integers(0, len(T.PLACEHOLDER_NAMES), len(rows))]
        ok[rows] = False
        han = ok & (surname != None)  # noqa: E711
        tmap, hmap, smap = traditional_map(), homophone_map(), shape_map()
        trad = han & _re(v, _charset(tmap))
        rows = self.draw(trad, "name", "traditional", role, column)
        self._apply(v, rows, lambda s: "".join(tmap.get(c, c) for c in s))

        def replace_in_given(s, sur, table):
            idx = [i for i in range(len(sur), len(s)) if s[i] in table]
            i = idx[rng.integers(len(idx))]
            alts = table[s[i]]
            return s[:i] + alts[rng.integers(len(alts))] + s[i + 1 :]

        for kind, table in (("homophone", hmap), ("shape_alike", smap)):
            can = han & _re(_given_part(v, surname), _charset(table))
            rows = self.draw(can, "name", kind, role, column)
            for r in rows:
                v[r] = replace_in_given(v[r], surname[r], table)
        clean_han = han & (_given_part(v, surname) != None)  # noqa: E711
        rows = self.draw(clean_han, "name", "pinyin", role, column)
        for r in rows:
            v[r] = to_pinyin(surname[r], v[r][len(surname[r]):], int(rng.integers(4)))

        def spaces(s):
            k = rng.integers(3)
            if k == 2 or len(s) < 2:
                return s + " "
            i = 1 + rng.integers(len(s) - 1)
            return s[:i] + (" " if k == 0 else "\u3000") + s[i:]

        rows = self.draw(ok, "name", "spaces", role, column)
        self._apply(v, rows, spaces)
        latin = ok & _re(v, "[A-Za-z]")
        rows = self.draw(latin, "name", "fullwidth", role, column)
        self._apply(v, rows, lambda s: "".join(_FULLWIDTH.get(c, c) for c in s))
        dotted = ok & _re(v, "·")
        rows = self.draw(dotted, "name", "middle_dot", role, column)
        self._apply(v, rows, lambda s: s.replace("·", _DOTS[rng.integers(len(_DOTS))]))
        long = ok & _re(v, "^.{8,}")
        rows = self.draw(long, "name", "truncated", role, column)
        self._apply(v, rows, lambda s: s[: max(5, len(s) - 3)])
        return v

    def company_names(self, values: np.ndarray, role: str, column: str) -> np.ndarray:
        v = values.copy()
        ok = self.present(v)
        starts = ok & _re(v, "^深圳市")
        rows = self.draw(starts, "company_name", "drop_city", role, column)
        self._apply(v, rows, lambda s: s[3:])
        par = ok & _re(v, "（")
        rows = self.draw(par, "company_name", "paren_halfwidth", role, column)
        self._apply(v, rows, lambda s: s.replace("（", "(").replace("）", ")"))
        form = ok & _re(v, "有限(责任)?公司$") & ~_re(v, "股份有限公司$")
        rows = self.draw(form, "company_name", "legal_form", role, column)
        self._apply(v, rows, lambda s: s[:-6] + "有限公司" if s.endswith("有限责任公司") else s[:-4] + "有限责任公司")
        tmap = traditional_map()
        rows = self.draw(ok, "company_name", "traditional", role, column)
        self._apply(v, rows, lambda s: "".join(tmap.get(c, c) for c in s))
        rows = self.draw(ok, "company_name", "spaces", role, column)
        self._apply(v, rows, lambda s: s + " ")
        return v

    # -- phones, genders ------------------------------------------------------------------------
    def phones(self, values: np.ndarray, role: str, column: str, *, stale: np.ndarray | None = None,
               older: np.ndarray | None = None, shared: np.ndarray | None = None) -> np.ndarray:
        """``stale``: each row's older number (used on ``older`` rows); ``shared``: another person's."""
        v = values.copy()
        rng = self.rng
        if stale is not None and older is not None:
            can = older & (stale != None)  # noqa: E711
            rows = self.draw(can, "phone", "stale", role, column)
            v[rows] = stale[rows]
        if shared is not None:
            can = shared != None  # noqa: E711
            rows = self.draw(can, "phone", "shared", role, column)
            v[rows] = shared[rows]
        ok = self.present(v)
        rows = self.draw(ok, "phone", "missing", role, column)
        v[rows] = None
        ok[rows] = False

        def fmt(s):
            k = rng.integers(5)
            return (f"+86{s}", f"0086{s}", f"{s[:3]}-{s[3:7]}-{s[7:]}", f"{s[:3]} {s[3:7]} {s[7:]}", f"+86 {s}")[k]

        rows = self.draw(ok, "phone", "typo", role, column)

        def typo(s):
            i = 3 + rng.integers(len(s) - 3)
            return s[:i] + str((int(s[i]) + 1 + rng.integers(9)) % 10) + s[i + 1 :]

        self._apply(v, rows, typo)
        rows = self.draw(ok, "phone", "format", role, column)
        self._apply(v, rows, fmt)
        return v

    def genders(self, codes: np.ndarray, role: str, column: str, labels: tuple[str, str]) -> np.ndarray:
        """``codes`` 1 male / 2 female -> labels, with missing and flipped values."""
        g = codes.copy()
        ok = np.ones(len(g), bool)
        rows = self.draw(ok, "gender", "missing", role, column)
        g[rows] = 0
        ok[rows] = False
        rows = self.draw(ok, "gender", "flip", role, column)
        g[rows] = 3 - g[rows]
        lab = np.array([None, labels[0], labels[1]], dtype=object)
        return lab[g]
