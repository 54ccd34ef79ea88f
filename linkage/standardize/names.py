"""Person and company names: canonical values, keys for matching, and quality codes (DOMAIN §2, §4).

``standardize_person_name`` and ``standardize_company_name`` take any Arrow string column and
return a ``dict`` of Arrow arrays of the same length; they never raise on a value. The hot path is
Numba (:mod:`weft.core.names`) over code points; OpenCC, pypinyin and unicodedata are only read
once per process, by :func:`name_tables`, to build the lookup tables the kernels take.

Person names
    ``name``: NFKC per code point (full-width -> ASCII), traditional -> simplified (OpenCC t2s,
    character by character, 1:1 mappings only), Latin letters upper case without tone marks
    (ü -> Ü), controls and zero-width characters deleted, every dot variant -> U+00B7. Each run of
    separators (white space incl. U+3000/NBSP, dots, periods, hyphens) becomes one: between two
    Han characters a dot if the run holds a dot or a period (``.``, ``。``) and nothing otherwise
    — except that a space or hyphen between Han parts of >= 2 characters becomes a dot when the
    name already has a dot or when the whole name is >= 5 characters from the transliteration set
    (``TRANSLIT_CHARS``: 买买提 艾力 -> 买买提·艾力, but 扎西 多吉 -> 扎西多吉); between non-Han
    characters one dot, hyphen or space (``ZHANG  SAN`` -> ``ZHANG SAN``; words are not re-split).
    Placeholders (``PLACEHOLDERS``), anonymised 张某/张某某 and values without any letter are null.

    ``name_q``: 0 valid as given, 1 repaired (anything changed), 2 missing, else the first
    reason that applies in the order has_digits (5), bad_chars (7), mixed_script (4),
    other_script (8), too_long (6), latin (3), too_short (9) — see ``REASONS``. The value is kept
    for reasons >= 3. Latin names keep their words as written (upper case, one space), they are
    not re-split into syllables: ``ZHANGSAN`` stays, its syllables are in ``name_pinyin``.

    ``surname`` / ``given_name``: Han names split after a compound surname (``COMPOUND_SURNAMES``,
    longest match, only when the name is longer than the compound, so 单于 alone is 单 + 于) or
    after the first character; dotted names have no surname and the given name before the first
    dot (名·父名); one-character names no split. Latin names: see :func:`_latin_split`.

    ``name_pinyin``: toneless syllables in name order; the surname read from ``SURNAME_READINGS``
    (单 shan, 尉迟 yu chi), other characters by pypinyin's first reading; Latin words segmented
    into syllables (longest match, backtracking).

    ``name_pinyin_key``: the syllables sorted and joined — order-free, so 张三, ZHANG SAN,
    San Zhang and ZHANGSAN meet. Heteronyms: the key uses one canonical reading per character
    (surname table, else pypinyin's first); ``name_pinyin_alt`` lists up to 4 more keys, each with
    one unit read differently — a character's next pypinyin readings (at most 2 per character) or
    a compound surname read character by character (单伟 -> ``shan wei``, alt ``dan wei``,
    ``chan wei``); for Latin names, ``lu``/``nu`` read as ``lv``/``nv``. Two names may match on
    pinyin when one's key equals the other's key or one of its alternatives.

    ``name_key``: ``name`` without spaces when it has a Han character (exact-match key), else null.

Company names
    ``company_name``: folded like person names, all spaces removed, parentheses full-width （）.
    It is read as [places][core][legal form][branch]. ``company_region``: the leading places as
    full names — provinces, prefectures, districts/counties with their suffix, and short names
    (深圳) of provinces, Guangdong prefectures and sub-provincial cities, a short name only first;
    X市 before 场 is a market (深圳市场… -> 深圳市 + 市场…); else a bracketed place in the core
    (华信（深圳）科技 -> 深圳市). ``company_legal_form`` normalised (有限责任公司 -> 有限公司;
    ownership notes like （自然人独资） dropped; none for individual businesses).
    ``company_branch``: the place between a legal form and a branch word (…有限公司福田分公司,
    …有限公司（福田分公司） -> 福田). ``company_core``: what remains; ``company_key`` = core + legal
    form, the matching key (region and branch are compared apart). ``company_name_q``: 0, 1, 2 as
    for persons (placeholders like 无, 个人, 待业 are missing), else no_core (10), bad_chars (7),
    latin (3).
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from weft.core import names as K

from ..arrow import CodePoints, as_array, decode, encode
from .quality import COMMON_REASONS, MISSING
from .surnames import COMPOUND_SURNAMES, SURNAME_READINGS, surname_weights

__all__ = [
    "REASONS", "PLACEHOLDERS", "TRANSLIT_CHARS", "T2S_KEEP", "LEGAL_FORMS", "BRANCH_WORDS",
    "COMPANY_PLACEHOLDERS", "NameTables", "name_tables", "standardize_person_name",
    "standardize_company_name",
]

REASONS: dict[int, str] = {
    **COMMON_REASONS,
    K.Q_LATIN: "latin",  # in Latin letters only (pinyin or a foreign name), kept upper case
    K.Q_MIXED_SCRIPT: "mixed_script",  # letters of more than one script: 张San
    K.Q_HAS_DIGITS: "has_digits",  # digits in a person name
    K.Q_TOO_LONG: "too_long",  # more than 50 characters (the national name-field rule)
    K.Q_BAD_CHARS: "bad_chars",  # symbols other than the separators are left
    K.Q_OTHER_SCRIPT: "other_script",  # letters outside Han and Latin only: Kana, Hangul, Cyrillic
    K.Q_TOO_SHORT: "too_short",  # a one-character Han name (a surname alone, or truncated)
    K.Q_NO_CORE: "no_core",  # company: nothing left besides places, legal form and branch
}

# Folded forms (Latin upper case); 张三/李四 are also real names, so they are not placeholders.
PLACEHOLDERS: tuple[str, ...] = (
    "未知", "无名", "无名氏", "无名男", "无名女", "不详", "不明", "测试", "测试用户", "测试人员", "无",
    "某", "某某", "某某某", "待定", "空", "暂无", "匿名", "未命名", "佚名", "未填写", "待补充", "待核实",
    "未录入", "姓名", "无姓名", "客户", "本人", "先生", "女士", "小姐", "查无此人",
    "NULL", "NONE", "NIL", "NA", "N/A", "UNKNOWN", "TEST", "X", "XX", "XXX", "TBD", "ANONYMOUS",
)

# Characters of Han transliterations of Uyghur, Kazakh and other non-Han names (Xinhua-style
# syllable characters plus those frequent in Uyghur/Kazakh names) [U: collected from usage].
TRANSLIT_CHARS = "".join(dict.fromkeys(
    "阿埃艾爱安昂奥敖巴拜班邦保鲍贝本比彼毕别宾波伯博布卜才采仓策查柴昌朝车彻辰成楚茨慈措达代戴丹"
    "旦当道德登邓迪狄地蒂帝丁东都杜敦顿多朵俄厄鄂恩尔耳法帆凡范方菲斐费芬丰佛夫弗伏福甫富伽尕盖甘冈"
    "高戈哥格根贡古谷固瓜关圭贵哈海亥汗罕杭豪浩合和赫黑亨洪胡虎华怀欢环霍基吉加佳迦贾坚江姜杰捷金居"
    "久卡凯坎康考柯科可克肯孔库夸奎昆拉喇腊来莱赖兰郎朗劳勒雷蕾黎里理力历丽利莉连廉良列烈林琳铃灵"
    "留柳龙隆卢鲁陆路露伦罗洛吕律玛马买迈麦曼满芒毛茂梅美门蒙孟米密敏明缪莫默姆木牧穆拿纳娜乃奈南"
    "楠内尼妮娘宁纽农努诺欧帕派潘庞佩彭皮珀普蒲齐奇其恰乔切钦琴青琼丘曲全让热仁荣茹如儒瑞若撒萨塞"
    "赛桑瑟森沙莎山珊善尚绍舍申圣施诗什史士舒斯松苏素孙索塔太泰坦汤唐陶特提天汀通图吐托瓦万汪旺威"
    "韦维温文翁沃乌吾伍武西希锡席喜夏仙贤辛欣新休修秀许旭雅亚延彦扬杨尧耶叶伊依怡义因音英尤由友有"
    "于玉裕约悦云泽扎詹章哲珍贞真芝志朱珠卓孜兹宗祖佐不逊肉则再牙生娃嘎央丝卜尼祖菲胡那司谢"
))

# Characters OpenCC t2s folds but which are standard simplified characters in names: 於 is a
# surname distinct from 于 (DOMAIN §4, generator tables); 乾 (qián) and 昇 are name characters
# kept by the 2013 通用规范汉字表 [U].
T2S_KEEP = "於乾昇"

_DOTS = "\u00b7\u0387\u2022\u2027\u2219\u22c5\u30fb\uff65\u2e31\u318d\u16eb\u2e33\u1427"
_HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u2e3a\u2e3b"
_APOSTROPHES = "\u2018\u2019\u02bc\u2032\uff07\u0060"
_PERIODS = "\u3002\uff61\uff0e\u2024\ufe52"
_VARIATION_SELECTORS = {*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0), 0x180B, 0x180C, 0x180D, 0x180F, 0x034F}
_HAN_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0xE000, 0xF900), (0x20000, 0x323B0))

# Legal-form suffixes -> normalised form (longest suffix wins). Ownership notes after 有限公司 are
# registration details that department data often drops, so they are not part of the form.
LEGAL_FORMS: dict[str, str] = {
    "有限公司": "有限公司", "有限责任公司": "有限公司", "股份有限公司": "股份有限公司",
    "股份公司": "股份有限公司", "股份合作公司": "股份合作公司", "公司": "公司",
    **{f"{base}（{note}）": "有限公司" for base in ("有限公司", "有限责任公司") for note in (
        "自然人独资", "自然人投资或控股", "法人独资", "非自然人投资或控股的法人独资", "外商独资",
        "外国法人独资", "中外合资", "中外合作", "台港澳法人独资", "台港澳与境内合资", "国有独资",
        "国有控股")},
    "股份有限公司（上市）": "股份有限公司", "股份有限公司（非上市）": "股份有限公司",
    "合伙企业（有限合伙）": "合伙企业（有限合伙）", "有限合伙企业": "合伙企业（有限合伙）",
    "合伙企业（普通合伙）": "合伙企业（普通合伙）", "普通合伙企业": "合伙企业（普通合伙）",
    "合伙企业（特殊普通合伙）": "合伙企业（特殊普通合伙）", "特殊普通合伙企业": "合伙企业（特殊普通合伙）",
    "合伙企业": "合伙企业", "（有限合伙）": "（有限合伙）", "（普通合伙）": "（普通合伙）",
    "个人独资企业": "个人独资企业", "农民专业合作社": "农民专业合作社", "专业合作社": "专业合作社",
}
BRANCH_WORDS: tuple[str, ...] = (
    "分公司", "分店", "分厂", "营业部", "办事处", "分行", "支行", "分部", "分所", "分中心", "分院",
)
# Employer fields answered with "none": no employer, not a company called 无.
COMPANY_PLACEHOLDERS: tuple[str, ...] = (
    "无", "空", "个人", "个体", "个体户", "无单位", "无工作单位", "无固定单位", "待业", "无业", "失业",
    "自由职业", "自由职业者", "灵活就业", "退休", "学生", "务农", "农民", "家庭主妇", "其他", "未知",
    "不详", "暂无", "待定", "测试", "NULL", "NONE", "N/A", "NA", "TEST",
)
# Places beyond the GB/T 2260 table: 大鹏新区 has no code of its own; 中国 in 华为技术（中国）….
_EXTRA_PLACES = ("大鹏新区", "前海", "中国")
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_PREFECTURE_SUFFIXES = ("地区", "市", "盟")
# Short place names (深圳华信…) are read only for provinces, the prefectures of these provinces and
# the sub-provincial cities: elsewhere a short prefecture name is as likely a trade word (朝阳 is
# also 朝阳市, Liaoning).
_SHORT_PLACE_PROVINCES = (44,)
_SUB_PROVINCIAL_CITIES = ("广州", "深圳", "成都", "武汉", "南京", "杭州", "西安", "沈阳", "哈尔滨", "长春",
                          "济南", "青岛", "大连", "宁波", "厦门")

# Latin spellings of ü that passports and forms use -> pypinyin's spelling
_LATIN_ALIASES = {"lyu": "lv", "nyu": "nv", "lue": "lve", "nue": "nve", "lyue": "lve", "nyue": "nve"}
_U_READINGS = {"lu": "lv", "nu": "nv", "lue": "lve", "nue": "nve"}
_LATIN_WORD = re.compile("[A-ZÜ]+")
_MAX_SEGMENT = 40  # letters; longer words are not pinyin


@dataclass(frozen=True)
class NameTables:
    """Everything the name standardizers look up, built once per process by :func:`name_tables`."""

    fold: K.FoldTables
    pinyin: K.PinyinTables
    company: K.CompanyTables
    syllables: tuple[str, ...]  # syllable id -> string (0 = "")
    syllable_id: dict[str, int]  # and back
    latin_syllables: dict[str, str]  # Latin spelling -> syllable, for segmentation
    surname_weight: dict[tuple[str, ...], float]  # surname reading -> share in percent
    build_seconds: float


_LOCK = threading.Lock()
_TABLES: NameTables | None = None


def name_tables() -> NameTables:
    """The lookup tables, built on first use (about a second) and shared by all threads."""
    global _TABLES
    if _TABLES is None:
        with _LOCK:
            if _TABLES is None:
                _TABLES = _build_tables()
    return _TABLES


# ------------------------------------------------------------------------------------ building
def _t2s_table() -> dict[int, int]:
    """OpenCC t2s applied to each BMP/ext-A ideograph on its own; only 1:1 results are kept.

    One ``convert`` over all characters separated by newlines: OpenCC's phrases never span a
    newline, so every character is converted alone, 30x faster than a call per character.
    """
    import opencc

    chars = [chr(c) for r in ((0x3400, 0x4DC0), (0x4E00, 0xA000)) for c in range(*r)]
    out = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(out) != len(chars):  # pragma: no cover - would mean OpenCC joined across newlines
        raise RuntimeError("OpenCC t2s did not keep one line per character")
    return {ord(a): ord(b) for a, b in zip(chars, out) if len(b) == 1 and a != b and a not in T2S_KEEP}


def _fold_one(x: str, t2s: dict[int, int]) -> str:
    """Fold one code point that NFKC already normalised (see the module docstring)."""
    if x.isspace():
        return " "
    o = ord(x)
    cat = unicodedata.category(x)
    if cat in ("Cc", "Cf") or o in _VARIATION_SELECTORS:
        return ""
    if x in _DOTS:
        return "\u00b7"
    if x in _HYPHENS:
        return "-"
    if x in _APOSTROPHES:
        return "'"
    if x in _PERIODS:
        return "."
    if o in t2s:
        return chr(t2s[o])
    if cat[0] == "L" and "LATIN" in unicodedata.name(x, ""):
        d = unicodedata.normalize("NFKD", x)
        base = "".join(c for c in d if not unicodedata.combining(c)).upper()
        if len(base) == 1 and "A" <= base <= "Z":
            return "Ü" if base == "U" and "\u0308" in d else base
    return x


def _fold_text(s: str, t2s: dict[int, int]) -> str:
    """The fold of one code point as a string, iterated until stable (so folding is idempotent)."""
    for _ in range(8):
        nxt = "".join(_fold_one(x, t2s) for c in s for x in unicodedata.normalize("NFKC", c))
        if nxt == s:
            return s
        s = nxt
    raise RuntimeError(f"fold of {s!r} does not settle")  # pragma: no cover


def _build_fold(t2s: dict[int, int]):
    fmap = np.arange(K.N_CODE_POINTS, dtype=np.uint32)
    exp: list[str] = []
    special = set(_DOTS + _HYPHENS + _APOSTROPHES + _PERIODS)
    for o in (*range(0x30000), *range(0xE0000, 0xE0200)):
        if 0xD800 <= o < 0xE000:
            continue
        x = chr(o)
        cat = unicodedata.category(x)
        # cheap filter: only these can fold to something else
        if not (o in t2s or x in special or x.isspace() or cat in ("Cc", "Cf", "Mn", "Ll", "Lu", "Lt")
                or unicodedata.decomposition(x)):
            continue
        f = _fold_text(x, t2s)
        if f == x:
            continue
        if len(f) == 1:
            fmap[o] = ord(f)
        else:
            fmap[o] = K.EXPANSION | np.uint32(len(exp))
            exp.append(f)
    exp_off = np.zeros(len(exp) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in exp], out=exp_off[1:])
    exp_cp = np.frombuffer("".join(exp).encode("utf-32-le"), dtype=np.uint32).copy()
    return fmap, exp_off, exp_cp


def _build_classes() -> np.ndarray:
    cls = np.full(K.N_CODE_POINTS, K.C_OTHER, dtype=np.uint8)
    for o in range(0x20000):
        x = chr(o)
        cat = unicodedata.category(x)
        if cat == "Nd":
            cls[o] = K.C_DIGIT
        elif cat[0] == "L":
            cls[o] = K.C_LETTER
        elif cat[0] == "M":
            cls[o] = K.C_MARK
    for a, b in _HAN_RANGES:
        cls[a:b] = K.C_HAN
    cls[ord("A"):ord("Z") + 1] = K.C_LATIN
    cls[ord("Ü")] = K.C_LATIN
    for ch, c in ((" ", K.C_SPACE), ("\u00b7", K.C_DOT), (".", K.C_PERIOD), ("-", K.C_HYPHEN), ("'", K.C_APOS)):
        cls[ord(ch)] = c
    return cls


def _readings():
    """pypinyin's readings per code point, toneless, distinct, most common first."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    normal = functools.lru_cache(maxsize=None)(to_normal)
    out = {}
    for cp, s in pinyin_dict.items():
        rs = list(dict.fromkeys(normal(r) for r in s.split(",")))
        if rs and rs[0]:
            out[cp] = rs
    return out


def _build_pinyin(readings):
    syllables = ("", *sorted({r for rs in readings.values() for r in rs}))
    sid = {s: i for i, s in enumerate(syllables)}
    npy = max(readings) + 1
    default = np.zeros(npy, dtype=np.uint16)
    counts = np.zeros(npy, dtype=np.int64)
    for cp, rs in readings.items():
        default[cp] = sid[rs[0]]
        counts[cp] = len(rs)
    het_off = np.zeros(npy + 1, dtype=np.int64)
    np.cumsum(counts, out=het_off[1:])
    het = np.empty(het_off[-1], dtype=np.uint16)
    for cp, rs in readings.items():
        het[het_off[cp]:het_off[cp + 1]] = [sid[r] for r in rs]
    surname = np.zeros(npy, dtype=np.uint16)
    for s, r in SURNAME_READINGS.items():
        surname[ord(s)] = sid[r]
    c_read = np.array([sid[r] for name in COMPOUND_SURNAMES for r in COMPOUND_SURNAMES[name].split()],
                      dtype=np.uint16)
    c_alt = np.array([default[ord(c)] for name in COMPOUND_SURNAMES for c in name], dtype=np.uint16)
    syl_off = np.zeros(len(syllables) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in syllables], out=syl_off[1:])
    syl_cp = np.frombuffer("".join(syllables).encode("utf-32-le"), dtype=np.uint32).copy()
    tables = K.PinyinTables(syl_cp, syl_off, default, het_off, het, surname, c_read, c_alt,
                            alts_per_char=2)
    return tables, syllables


def _build_company(t2s: dict[int, int]) -> tuple[K.CompanyTables, list[str]]:
    from ..regions import load_divisions

    div = load_divisions()
    fold = functools.partial(_fold_text, t2s=t2s)
    places: dict[str, tuple[str, bool]] = {}  # token -> (full name, short); first meaning wins

    def add(token: str, full: str):
        if len(token) >= 2:
            places.setdefault(token, (full, token != full))

    for raw in div.province_name.values():
        full = "".join(fold(c) for c in raw)
        add(full, full)
        add(next((full[: -len(x)] for x in _PROVINCE_SUFFIXES if full.endswith(x)), full), full)
    for code, raw in div.prefecture_name.items():
        full = "".join(fold(c) for c in raw)
        if full.endswith(_PREFECTURE_SUFFIXES):
            add(full, full)
            short = next(full[: -len(x)] for x in _PREFECTURE_SUFFIXES if full.endswith(x))
            if code // 100 in _SHORT_PLACE_PROVINCES or short in _SUB_PROVINCIAL_CITIES:
                add(short, full)
        elif full.endswith("自治州"):
            add(full, full)
    for raw in div.name:
        full = "".join(fold(c) for c in raw)
        if len(full) >= 3 and full.endswith(("区", "县", "旗")) and full != "市辖区":
            add(full, full)
    for p in _EXTRA_PLACES:
        add(p, p)
    strings = list(dict.fromkeys([*(f for f, _ in places.values()), *LEGAL_FORMS.values()]))
    sidx = {s: i for i, s in enumerate(strings)}
    tokens = list(places)
    forms = list(LEGAL_FORMS)
    s_off = np.zeros(len(strings) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in strings], out=s_off[1:])
    tables = K.CompanyTables(
        regions=K.make_trie(tokens),
        region_canon=np.array([sidx[places[t][0]] for t in tokens], dtype=np.int64),
        region_short=np.array([places[t][1] for t in tokens], dtype=np.bool_),
        forms=K.make_trie(forms, reverse=True),
        form_canon=np.array([sidx[LEGAL_FORMS[f]] for f in forms], dtype=np.int64),
        branches=K.make_trie(BRANCH_WORDS, reverse=True),
        placeholders=K.make_trie(COMPANY_PLACEHOLDERS),
        strings=np.frombuffer("".join(strings).encode("utf-32-le"), dtype=np.uint32).copy(),
        strings_off=s_off,
    )
    return tables, tokens


def _build_tables() -> NameTables:
    import time

    t0 = time.perf_counter()
    t2s = _t2s_table()
    fmap, exp_off, exp_cp = _build_fold(t2s)
    company, places = _build_company(t2s)
    flags = np.zeros(K.N_CODE_POINTS, dtype=np.uint8)
    for words, flag, pos in ((TRANSLIT_CHARS, K.FLAG_TRANSLIT, 0), (COMPOUND_SURNAMES, K.FLAG_COMPOUND, 0),
                             (PLACEHOLDERS, K.FLAG_PLACEHOLDER, 0), (places, K.FLAG_REGION, 0),
                             (LEGAL_FORMS, K.FLAG_FORM, -1), (BRANCH_WORDS, K.FLAG_BRANCH, -1)):
        for w in words:
            flags[ord(w[pos])] |= flag
    fold = K.FoldTables(fmap, exp_off, exp_cp, _build_classes(), flags, K.make_trie(PLACEHOLDERS),
                        K.make_trie(COMPOUND_SURNAMES), max_len=50)
    readings = _readings()
    pinyin, syllables = _build_pinyin(readings)
    latin = {s: s for s in syllables if s.isascii() and s.isalpha() and any(v in s for v in "aeiouv")}
    latin.update(_LATIN_ALIASES)
    weight: dict[tuple[str, ...], float] = {}
    for s, w in surname_weights().items():
        r = COMPOUND_SURNAMES.get(s) or SURNAME_READINGS.get(s) or readings[ord(s)][0]
        weight[tuple(r.split())] = weight.get(tuple(r.split()), 0.0) + w
    return NameTables(fold, pinyin, company, syllables, {s: i for i, s in enumerate(syllables) if s}, latin,
                      weight, time.perf_counter() - t0)


# ------------------------------------------------------------------------------------ Latin rows
@functools.lru_cache(maxsize=1 << 16)
def _segment(word: str) -> tuple[tuple[str, int], ...] | None:
    """Upper-case Latin word -> ((syllable, letters used), ...) by longest match with backtracking,
    or None when it is not pinyin."""
    if len(word) > _MAX_SEGMENT:
        return None
    inv = name_tables().latin_syllables
    w = word.lower().replace("ü", "v")
    n = len(w)
    dead: set[int] = set()

    def go(i):
        if i == n:
            return ()
        if i in dead:
            return None
        for L in range(min(6, n - i), 0, -1):
            syl = inv.get(w[i:i + L])
            if syl is not None:
                rest = go(i + L)
                if rest is not None:
                    return ((syl, L), *rest)
        dead.add(i)
        return None

    return go(0)


def _syllables(word: str) -> tuple[str, ...]:
    seg = _segment(word)
    return tuple(s for s, _ in seg) if seg else (word.lower(),)


def _latin_split(name: str, words, weight) -> tuple[int, int, int, int]:
    """Surname and given-name ranges of a Latin name; -1 where unsure.

    One word (ZHANGSAN): the more frequent of the leading single- or compound-surname readings
    that leave a given name. Several words: the first or the last word if it reads as a surname and the other
    does not; if both do, the one at least 3x as frequent (ZHANG WEI -> ZHANG), else unsure
    (LIU YANG). The input's letter case is not used, so the canonical name splits the same way.
    Dotted names: no surname, the given name before the first dot.
    """
    if "\u00b7" in name:
        return -1, -1, 0, name.index("\u00b7")
    if not words:
        return -1, -1, -1, -1
    if len(words) == 1:
        m = words[0]
        seg = _segment(m.group())
        if not seg or len(seg) < 2:
            return -1, -1, -1, -1
        syl = tuple(s for s, _ in seg)
        # a compound reading needs a given name after it; the more frequent reading wins
        # (OUYANGNANA -> OUYANG, ZHANGSUNWEI -> ZHANG: 长孙 is far rarer than 张)
        cands = [(weight[syl[:L]], L) for L in range(1, min(4, len(syl) - 1) + 1) if syl[:L] in weight]
        if not cands:
            return -1, -1, -1, -1
        L = max(cands)[1]
        cut = m.start() + sum(n for _, n in seg[:L])
        return m.start(), cut, cut, m.end()

    def w(m):
        return weight.get(_syllables(m.group()), 0.0)

    first, last = words[0], words[-1]
    f, l = w(first), w(last)
    if f > 0 and (l == 0 or f >= 3 * l):
        return first.start(), first.end(), words[1].start(), last.end()
    if l > 0 and (f == 0 or l >= 3 * f):
        return last.start(), last.end(), first.start(), words[-2].end()
    return -1, -1, -1, -1


@functools.lru_cache(maxsize=1 << 16)
def _latin_one(name: str, kind: int):
    """(syllables in name order, alternative keys as sorted syllables, (surname start, end, given
    start, end)) of one Latin or mixed name; cached because Latin spellings of names repeat."""
    t = name_tables()
    words = list(_LATIN_WORD.finditer(name))
    split = (-1, -1, -1, -1)
    if kind == K.K_LATIN:
        syl = [s for m in words for s in _syllables(m.group())]
        split = _latin_split(name, words, t.surname_weight)
    else:  # mixed: Han characters by their default reading, Latin words segmented
        cls, default = t.fold.cls, t.pinyin.default
        syl = []
        for m in re.finditer("[A-ZÜ]+|.", name):
            tok = m.group()
            o = ord(tok[0])
            if len(tok) > 1 or cls[o] == K.C_LATIN:
                syl.extend(_syllables(tok))
            elif cls[o] == K.C_HAN and o < len(default) and default[o]:
                syl.append(t.syllables[default[o]])
    alts: list[tuple[str, ...]] = []
    for i, s in enumerate(syl):
        if s in _U_READINGS and len(alts) < K.MAX_ALTS:
            alt = tuple(sorted(syl[:i] + [_U_READINGS[s]] + syl[i + 1:]))
            if alt not in alts:
                alts.append(alt)
    return tuple(syl), tuple(alts), split


def _fill_latin(ids: K.PinyinIds, rows: np.ndarray, results, t: NameTables):
    """Write the syllables of the Latin and mixed ``rows`` into ``ids`` (the Han kernel left them
    empty); returns the syllable table extended by this batch's words that are not pinyin (JOHN)."""
    extra: dict[str, int] = {}
    limit = np.iinfo(ids.syl.dtype).max

    def id_of(tok: str) -> int:
        k = t.syllable_id.get(tok) or extra.setdefault(tok, len(t.syllables) + len(extra))
        return k if k <= limit else 0  # id space full (tens of thousands of foreign words): none

    # a row is written only when every word has an id, so that its lengths and keys agree
    results = [r if all(id_of(x) for x in r[0]) else ((), (), r[2]) for r in results]
    m = np.array([len(r[0]) for r in results], dtype=np.int64)
    na = np.array([len(r[1]) for r in results], dtype=np.int64)

    def positions(base, lens):
        return np.repeat(base, lens) + np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens)

    dest = positions(ids.off[rows], m)
    ids.syl[dest] = [id_of(x) for r in results for x in r[0]]
    ids.key[dest] = [id_of(x) for r in results for x in sorted(r[0])]
    alt_m = np.repeat(m, na)
    alt_base = np.repeat(K.MAX_ALTS * ids.off[rows], na) + positions(np.zeros(len(rows), np.int64), na) * alt_m
    ids.alts[positions(alt_base, alt_m)] = [id_of(x) for r in results for a in r[1] for x in a]
    ids.n_syl[rows] = m
    ids.n_alt[rows] = na
    p = t.pinyin
    if not extra:
        return p.syl_cp, p.syl_off
    words = [w for w, k in extra.items() if k <= limit]
    off = p.syl_off[-1] + np.cumsum([len(w) for w in words], dtype=np.int64)
    return (np.concatenate([p.syl_cp, np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)]),
            np.concatenate([p.syl_off, off]))


def _encode_all(*parts) -> list[pa.Array]:
    """Several CSR string columns ``(codes, offsets, valid)`` through one :func:`encode` (its
    parallel kernels cost ~1 ms per launch, which dominates small batches); zero-copy slices."""
    codes = np.concatenate([c for c, _, _ in parts])
    shifts = np.cumsum([0] + [o[-1] for _, o, _ in parts])
    offsets = np.concatenate([o[:-1] + k for (_, o, _), k in zip(parts, shifts)] + [shifts[-1:]])
    valid = np.concatenate([np.asarray(v, dtype=np.bool_) for _, _, v in parts])
    arr = encode(CodePoints(codes, offsets.astype(np.int64), valid))
    starts = np.cumsum([0] + [len(o) - 1 for _, o, _ in parts])
    return [arr.slice(a, b - a) for a, b in zip(starts[:-1], starts[1:])]


def _slice_part(codes, offsets, ranges: np.ndarray):
    """Each row's ``[start, end)`` range as a CSR part for :func:`_encode_all` (start -1: null)."""
    src = np.where(ranges[:, :1] >= 0, 0, -1).astype(np.int8)
    out, off = K.concat_pieces(codes, offsets, np.empty(0, np.uint32), np.zeros(1, np.int64),
                               src, ranges[:, :1], ranges[:, 1:2])
    return out, off, ranges[:, 0] >= 0


def standardize_person_name(values) -> dict[str, pa.Array]:
    """Canonical person names and their keys (see the module docstring for every rule).

    Returns ``name``, ``name_q`` (uint8, REASONS), ``surname``, ``given_name``, ``name_pinyin``,
    ``name_pinyin_key``, ``name_pinyin_alt`` (list<string>) and ``name_key``.
    """
    arr = as_array(values)
    t = name_tables()
    cp = decode(arr)
    c = K.person_canon(cp.codes, cp.offsets, cp.valid, t.fold)
    ids = K.pinyin_ids(c, t.fold, t.pinyin)
    syl_cp, syl_off = t.pinyin.syl_cp, t.pinyin.syl_off
    rows = np.flatnonzero((c.kind == K.K_LATIN) | (c.kind == K.K_MIXED))
    if len(rows):
        names = [c.codes[c.offsets[r]:c.offsets[r + 1]].tobytes().decode("utf-32-le") for r in rows]
        results = [_latin_one(name, int(kind)) for name, kind in zip(names, c.kind[rows])]
        split = np.array([r[2] for r in results], dtype=np.int64)
        c.sur[rows], c.given[rows] = split[:, :2], split[:, 2:]
        syl_cp, syl_off = _fill_latin(ids, rows, results, t)
    py = K.render_pinyin(ids, syl_cp, syl_off)
    present = c.q != MISSING
    has_pin = np.diff(py.pin_off) > 0
    name, surname, given_name, pinyin, key, alt_strings = _encode_all(
        (c.codes, c.offsets, present), _slice_part(c.codes, c.offsets, c.sur),
        _slice_part(c.codes, c.offsets, c.given), (py.pin_cp, py.pin_off, has_pin),
        (py.key_cp, py.pin_off, has_pin), (py.alt_cp, py.alt_off, np.ones(len(py.alt_off) - 1, dtype=np.bool_)))
    alt = pa.ListArray.from_arrays(pa.array(py.alt_row.astype(np.int32)), alt_strings, mask=pa.array(~present))
    name_key = pc.if_else(pa.array(c.has_han & present), pc.replace_substring(name, " ", ""),
                          pa.scalar(None, name.type))
    return {
        "name": name,
        "name_q": pa.array(c.q),
        "surname": surname,
        "given_name": given_name,
        "name_pinyin": pinyin,
        "name_pinyin_key": key,
        "name_pinyin_alt": alt,
        "name_key": name_key,
    }


def standardize_company_name(values) -> dict[str, pa.Array]:
    """Canonical company names and their parts (see the module docstring).

    Returns ``company_name``, ``company_name_q`` (uint8, REASONS: missing, latin, bad_chars,
    no_core), ``company_region``, ``company_core``, ``company_legal_form``, ``company_branch`` and
    ``company_key``.
    """
    arr = as_array(values)
    t = name_tables()
    cp = decode(arr)
    co = t.company
    p = K.company_parse(cp.codes, cp.offsets, cp.valid, t.fold, co)
    n = len(p.q)
    present = p.q != MISSING

    def part(src, a, b, valid):
        out, off = K.concat_pieces(p.codes, p.offsets, co.strings, co.strings_off, src, a, b)
        return out, off, valid

    zeros = np.zeros((n, 1), dtype=np.int64)
    core_src = np.zeros((n, 2), dtype=np.int8)
    core_a, core_b = p.core[:, 0::2], p.core[:, 1::2]
    form_src = np.where(p.form >= 0, 1, -1).astype(np.int8)[:, None]
    name, region, core, form, branch, key = _encode_all(
        (p.codes, p.offsets, present),
        part(np.where(p.region >= 0, 1, -1).astype(np.int8), p.region, np.zeros_like(p.region),
             p.region[:, 0] >= 0),
        part(core_src, core_a, core_b, present),
        part(form_src, p.form[:, None], zeros, p.form >= 0),
        part(np.where(p.branch[:, :1] >= 0, 0, -1).astype(np.int8), p.branch[:, :1], p.branch[:, 1:],
             p.branch[:, 0] >= 0),
        part(np.hstack([core_src, form_src]), np.hstack([core_a, p.form[:, None]]), np.hstack([core_b, zeros]),
             present & (p.q != K.Q_NO_CORE)),
    )
    return {
        "company_name": name,
        "company_name_q": pa.array(p.q),
        "company_region": region,
        "company_core": core,
        "company_legal_form": form,
        "company_branch": branch,
        "company_key": key,
    }
