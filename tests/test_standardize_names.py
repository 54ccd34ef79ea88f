"""weft.linkage.standardize.names: kernels vs tests/naive.py (OpenCC, pypinyin), named examples,
properties on arbitrary Unicode, Arrow layouts, and a round trip through the synthetic city."""

from __future__ import annotations

import collections

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weft.bench.gen import generate
from weft.bench.gen import tables as T
from weft.bench.gen.corrupt import to_pinyin
from weft.linkage.standardize import names as N
from weft.linkage.standardize.quality import MISSING, REPAIRED, VALID
from weft.linkage.standardize.surnames import COMPOUND_SURNAMES, SINGLE_SURNAMES, SURNAME_READINGS

from . import naive

PERSON_COLUMNS = ("name", "name_q", "surname", "given_name", "name_pinyin", "name_pinyin_key",
                  "name_pinyin_alt", "name_key")
COMPANY_COLUMNS = ("company_name", "company_name_q", "company_region", "company_core",
                   "company_legal_form", "company_branch", "company_key")
HAN_ONLY_COLUMNS = ("surname", "given_name", "name_pinyin", "name_pinyin_key", "name_pinyin_alt")
NAIVE = dict(placeholders=frozenset(N.PLACEHOLDERS), translit=N.TRANSLIT_CHARS, keep=N.T2S_KEEP,
             compounds=COMPOUND_SURNAMES, surname_readings=SURNAME_READINGS)
N_RANDOM = 20_000


def rows(result: dict[str, pa.Array]) -> list[dict]:
    cols = {k: v.to_pylist() for k, v in result.items()}
    return [dict(zip(cols, vals)) for vals in zip(*cols.values())]


def person(values) -> list[dict]:
    return rows(N.standardize_person_name(pa.array(values, pa.string())))


def company(values) -> list[dict]:
    return rows(N.standardize_company_name(pa.array(values, pa.string())))


# ------------------------------------------------------------------------------------ corpus
def _weighted(rng, table, n):
    vals = [v for v, _ in table]
    w = np.array([x for _, x in table], dtype=float)
    return [vals[i] for i in rng.choice(len(vals), n, p=w / w.sum())]


def _han_names(rng, n) -> list[tuple[str, str]]:
    surnames = _weighted(rng, T.SURNAMES + T.COMPOUND_SURNAMES, n)
    chars = T.GIVEN_CHARS_MALE + T.GIVEN_CHARS_FEMALE + T.GIVEN_CHARS_NEUTRAL
    c1, c2 = _weighted(rng, chars, n), _weighted(rng, chars, n)
    two = rng.random(n) < 0.75
    return [(s, a + b if t else a) for s, a, b, t in zip(surnames, c1, c2, two)]


def _insert(rng, s: str, piece: str) -> str:
    i = int(rng.integers(0, len(s) + 1))
    return s[:i] + piece + s[i:]


EDGE = [
    None, "", " ", "\u3000", "-", "?", "？", "0", "123", "张三1", "张三！", "张@三", "张", "王", "张某", "张某某",
    "张San", "ZHANG三", "たなか", "김민수", "Иван", "e\u0301", "张\u200b三", "张\ufe00三", "\uf900\uf901",
    "张三" * 30, "Ｚｈａｎｇ　Ｓａｎ", "张·", "·张三", "张··三", "张 · 三", "张.三", "张。三", "买买提 . 艾力",
    "O'BRIEN", "'张三", "张'三", "ZHANG-SAN", "ZHANG - SAN", "Zhang.San", "ZHANG\tSAN", "lǚ wěi", "Lü Wei",
    "NULL", "n/a", "Test", "xxx", "未知", "不详", "测试", "无", "某某", "待定", "空", "\x00", "\ue000\ue001",
    "欧阳", "单于", "单于飞", "尉迟恭", "万俟卨", "长孙无忌", "爱新觉罗溥仪", "於丹", "乾隆", "歐陽 娜娜",
]


@pytest.fixture(scope="module")
def corpus() -> list[str | None]:
    import opencc

    rng = np.random.default_rng(20261121)
    s2t = opencc.OpenCC("s2t")
    han = [s + g for s, g in _han_names(rng, 12_000)]
    han += [s + g for s, g, _, _ in T.COMMON_FULL_NAMES]
    own = [x for d in ("维吾尔", "哈萨克") for g in ("male", "female") for x in T.MINORITY_NAMES[d][g]]
    dads = [x for d in ("维吾尔", "哈萨克") for x in T.MINORITY_NAMES[d]["male"]]
    dotted = [own[rng.integers(len(own))] + "·" + dads[rng.integers(len(dads))] for _ in range(1500)]
    tibetan = [a + (b if rng.random() < 0.4 else "") for a, b in zip(
        rng.choice(T.MINORITY_NAMES["藏"]["male"] + T.MINORITY_NAMES["藏"]["female"], 500),
        rng.choice(T.MINORITY_NAMES["藏"]["male"] + T.MINORITY_NAMES["藏"]["female"], 500))]
    trad = [s2t.convert(x) for x in rng.choice(han, 3000)] + [s2t.convert(x) for x in rng.choice(dotted, 300)]
    spaced = [_insert(rng, x, str(rng.choice([" ", "\u3000", "\xa0", "\t", "  "]))) for x in rng.choice(han, 2000)]
    spaced += [" " + x + "\u3000" for x in rng.choice(han, 200)]
    dots = [x.replace("·", str(rng.choice(list("•・．‧･.。 -") + ["\u2219", "\u22c5", " · "])))
            for x in rng.choice(dotted, 1500)]
    return han + dotted + tibetan + trad + spaced + dots + EDGE


# ------------------------------------------------------------------------------------ oracle
def test_corpus_matches_naive(corpus):
    assert len(corpus) >= N_RANDOM
    got = person(corpus)
    bad = []
    for value, g in zip(corpus, got):
        want = naive.person_name(value, **NAIVE)
        cols = ("name", "name_q", "name_key") + (HAN_ONLY_COLUMNS if want["kind"] == "han" else ())
        diff = {c: (g[c], want[c]) for c in cols if g[c] != want[c]}
        if diff:
            bad.append((value, diff))
    assert not bad, f"{len(bad)} mismatches, e.g. {bad[:8]}"


def test_company_names_match_naive(corpus):
    names = [f"深圳市{x}科技有限公司" for x in corpus if x] + [x for x in corpus if x]
    got = company(names)
    bad = [(v, g["company_name"]) for v, g in zip(names, got)
           if g["company_name_q"] != MISSING and g["company_name"] != naive.company_name(v, N.T2S_KEEP)]
    assert not bad, bad[:8]


def test_generator_characters_are_simplified_fixed_points():
    """Every character the generator puts in names survives folding unchanged (t2s must not touch
    a simplified name), so uncorrupted names come out VALID."""
    chars = {c for table in (T.SURNAMES, T.COMPOUND_SURNAMES, T.GIVEN_CHARS_MALE, T.GIVEN_CHARS_FEMALE,
                             T.GIVEN_CHARS_NEUTRAL) for w, _ in table for c in w}
    chars |= {c for d in T.MINORITY_NAMES.values() for names in d.values() for n in names for c in n}
    fold = N.name_tables().fold.fold
    assert sorted(c for c in chars if fold[ord(c)] != ord(c)) == []


def test_data_tables():
    assert len(COMPOUND_SURNAMES) >= 60
    for c in ("欧阳", "司马", "上官", "诸葛", "尉迟", "万俟", "令狐", "慕容", "端木", "皇甫", "东方", "夏侯",
              "公孙", "司徒", "长孙", "宇文", "澹台", "申屠", "轩辕", "呼延", "独孤", "南宫", "西门", "百里",
              "钟离", "单于"):
        assert c in COMPOUND_SURNAMES
    assert {s for s, _ in T.COMPOUND_SURNAMES} <= set(COMPOUND_SURNAMES)
    for name, reading in COMPOUND_SURNAMES.items():
        assert len(reading.split()) == len(name)
    syllables = set(N.name_tables().syllables)
    assert set(" ".join([*SURNAME_READINGS.values(), *COMPOUND_SURNAMES.values()]).split()) <= syllables
    assert len(SINGLE_SURNAMES) == len(set(SINGLE_SURNAMES)) >= 300
    assert set(N.REASONS) == set(range(11))


# ------------------------------------------------------------------------------------ examples
@pytest.mark.parametrize("value, name, surname, given_name", [
    ("張偉", "张伟", "张", "伟"),
    ("歐陽娜娜", "欧阳娜娜", "欧阳", "娜娜"),
    ("买买提•艾力", "买买提·艾力", None, "买买提"),
    ("买买提 艾力", "买买提·艾力", None, "买买提"),  # transliterated: the space was a dot
    ("阿依古丽 买买提·艾力", "阿依古丽·买买提·艾力", None, "阿依古丽"),  # dotted: every gap is one
    ("扎西 多吉", "扎西多吉", "扎", "西多吉"),  # 4 characters: too short to call it dotted
    ("张 伟", "张伟", "张", "伟"),
    ("张\u3000伟", "张伟", "张", "伟"),
    ("张\xa0\t伟 ", "张伟", "张", "伟"),
    ("单于", "单于", "单", "于"),  # a compound only when the name is longer than it
    ("单于飞", "单于飞", "单于", "飞"),
    ("欧阳", "欧阳", "欧", "阳"),
    ("爱新觉罗溥仪", "爱新觉罗溥仪", "爱新觉罗", "溥仪"),
    ("於丹", "於丹", "於", "丹"),  # 於 is a surname of its own, not traditional 于
    ("ZHANG SAN", "ZHANG SAN", "ZHANG", "SAN"),
    ("San Zhang", "SAN ZHANG", "ZHANG", "SAN"),
    ("ZHANGSAN", "ZHANGSAN", "ZHANG", "SAN"),
    ("Ｚｈａｎｇ　Ｓａｎ", "ZHANG SAN", "ZHANG", "SAN"),
    ("OUYANGNANA", "OUYANGNANA", "OUYANG", "NANA"),
    ("Liu Yang", "LIU YANG", None, None),  # both read as surnames, neither 3x the other: unsure
    ("WEI ZHANG", "WEI ZHANG", "ZHANG", "WEI"),  # both are surnames, 张 far more frequent
    ("lǚ wěi", "LÜ WEI", None, None),
])
def test_person_examples(value, name, surname, given_name):
    (r,) = person([value])
    assert (r["name"], r["surname"], r["given_name"]) == (name, surname, given_name)


def test_order_free_pinyin_key():
    rs = person(["张三", "ZHANG SAN", "San Zhang", "ZHANGSAN", "Zhang San", "zhang  san", "ｚｈａｎｇｓａｎ"])
    assert {r["name_pinyin_key"] for r in rs} == {"san zhang"}
    assert [r["name_pinyin"] for r in rs[:3]] == ["zhang san", "zhang san", "san zhang"]
    assert [r["name_q"] for r in rs] == [VALID] + [3] * 6


@pytest.mark.parametrize("surname, reading", [
    ("单", "shan"), ("曾", "zeng"), ("解", "xie"), ("仇", "qiu"), ("区", "ou"), ("翟", "zhai"), ("朴", "piao"),
    ("查", "zha"), ("乐", "yue"), ("缪", "miao"), ("覃", "qin"), ("盖", "ge"), ("秘", "bi"), ("种", "chong"),
    ("尉迟", "yu chi"), ("万俟", "mo qi"), ("单于", "chan yu"), ("长孙", "zhang sun"), ("燕", "yan"),
])
def test_surname_readings(surname, reading):
    (r,) = person([surname + "伟明"])
    assert r["surname"] == surname
    assert r["name_pinyin"] == f"{reading} wei ming"


def test_heteronym_alternatives():
    (shan, dan_latin, le) = person(["单伟", "DAN WEI", "乐乐"])
    assert shan["name_pinyin_key"] == "shan wei"
    assert shan["name_pinyin_alt"] == ["dan wei", "chan wei"]  # pypinyin's order, after the table's
    assert dan_latin["name_pinyin_key"] in shan["name_pinyin_alt"]  # DAN WEI may still be 单伟
    assert le["name_pinyin"] == "yue le" and le["name_pinyin_alt"] == ["le le", "yue yue"]
    (lu,) = person(["LU WEI"])
    assert lu["name_pinyin_alt"] == ["lv wei"]  # 吕 written LU on forms
    (long_alt,) = person(["单乐乐朝"])
    assert len(long_alt["name_pinyin_alt"]) == 4  # capped


@pytest.mark.parametrize("value", ["未知", "无名", "NULL", "n/a", "测试", "-", "?", "123", "张某", "张某某", "", "  ", None])
def test_missing(value):
    (r,) = person([value])
    assert r["name_q"] == MISSING
    assert all(r[c] is None for c in PERSON_COLUMNS if c != "name_q")


@pytest.mark.parametrize("value, q", [
    ("张伟", VALID), ("張偉", REPAIRED), ("张 伟", REPAIRED), ("ZHANG SAN", 3), ("张San", 4), ("张三1", 5),
    ("张" * 51, 6), ("张伟!", 7), ("たなか", 8), ("张", 9),
])
def test_quality_codes(value, q):
    (r,) = person([value])
    assert r["name_q"] == q, N.REASONS[r["name_q"]]


# ------------------------------------------------------------------------------------ Arrow layouts
def test_sliced_chunked_and_large_inputs(corpus):
    values = corpus[:3000]
    arr = pa.array(values, pa.string())
    whole = N.standardize_person_name(arr)
    sliced = N.standardize_person_name(arr.slice(1000, 1500))
    for c in PERSON_COLUMNS:
        assert sliced[c].to_pylist() == whole[c].slice(1000, 1500).to_pylist(), c
    chunked = N.standardize_person_name(pa.chunked_array([arr.slice(0, 1234), arr.slice(1234)]))
    large = N.standardize_person_name(arr.cast(pa.large_string()))
    for c in PERSON_COLUMNS:
        assert chunked[c].to_pylist() == whole[c].to_pylist(), c
        assert large[c].to_pylist() == whole[c].to_pylist(), c
    assert whole["name_pinyin_alt"].type == pa.list_(pa.string())
    assert whole["name_q"].type == pa.uint8()
    co = [f"深圳市{x}科技有限公司" if x else x for x in values]
    carr = pa.array(co, pa.string())
    cwhole = N.standardize_company_name(carr)
    csliced = N.standardize_company_name(pa.chunked_array([carr.slice(10, 500), carr.slice(510, 7)]))
    for c in COMPANY_COLUMNS:
        assert csliced[c].to_pylist() == cwhole[c].slice(10, 507).to_pylist(), c


def test_empty_and_all_null():
    for values in ([], [None, None]):
        r = N.standardize_person_name(pa.array(values, pa.string()))
        assert all(len(v) == len(values) and v.null_count == (0 if c == "name_q" else len(values))
                   for c, v in r.items())
        c = N.standardize_company_name(pa.array(values, pa.string()))
        assert all(len(v) == len(values) for v in c.values())


# ------------------------------------------------------------------------------------ properties
INTERESTING = "张三王伟欧阳娜单于买提艾力阿依古丽歐陽張偉·•・．‧･.。 \u3000\xa0-‐—'ZHANGSanzhangüÜāＺｈ0１!？未知某\u200b\ufe00ㄅ가"
TEXT = st.one_of(st.none(), st.text(max_size=24), st.text(alphabet=INTERESTING, max_size=14))


def _assert_idempotent(first: dict, second: dict, key_cols):
    for c in key_cols:
        assert second[c].to_pylist() == first[c].to_pylist(), c
    for q1, q2, v in zip(first["name_q"].to_pylist(), second["name_q"].to_pylist(), first["name"].to_pylist()):
        if v is not None:
            assert q2 == (VALID if q1 in (VALID, REPAIRED) else q1)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, max_size=30))
def test_person_properties(values):
    """Never raises, keeps the length, and is idempotent: the canonical name standardizes to
    itself with q 0 (or its same reason >= 3) and the same keys."""
    first = N.standardize_person_name(pa.array(values, pa.string()))
    assert {len(v) for v in first.values()} <= {len(values)}
    second = N.standardize_person_name(first["name"])
    _assert_idempotent(first, second, ("name", "name_key", "name_pinyin", "name_pinyin_key", "surname",
                                       "given_name", "name_pinyin_alt"))


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, max_size=30))
def test_company_properties(values):
    first = N.standardize_company_name(pa.array(values, pa.string()))
    assert {len(v) for v in first.values()} <= {len(values)}
    second = N.standardize_company_name(first["company_name"])
    for c in ("company_name", "company_key", "company_region", "company_core", "company_legal_form"):
        assert second[c].to_pylist() == first[c].to_pylist(), c


# ------------------------------------------------------------------------------------ companies
@pytest.mark.parametrize("value, region, core, form, branch, key", [
    ("深圳市华信科技有限公司", "深圳市", "华信科技", "有限公司", None, "华信科技有限公司"),
    ("华信科技有限责任公司", None, "华信科技", "有限公司", None, "华信科技有限公司"),
    ("深圳市华信（深圳）科技有限公司", "深圳市", "华信科技", "有限公司", None, "华信科技有限公司"),
    ("华信(深圳)科技有限公司", "深圳市", "华信科技", "有限公司", None, "华信科技有限公司"),
    ("深圳华信科技股份有限公司", "深圳市", "华信科技", "股份有限公司", None, "华信科技股份有限公司"),
    ("广东省深圳市南山区华信科技有限公司福田分公司", "广东省深圳市南山区", "华信科技", "有限公司", "福田", "华信科技有限公司"),
    ("深圳市华信科技有限公司（福田分公司）", "深圳市", "华信科技", "有限公司", "福田", "华信科技有限公司"),
    ("深圳市华信投资合伙企业（有限合伙）", "深圳市", "华信投资", "合伙企业（有限合伙）", None, "华信投资合伙企业（有限合伙）"),
    ("深圳市华信科技有限责任公司（自然人独资）", "深圳市", "华信科技", "有限公司", None, "华信科技有限公司"),
    ("深圳市南山区华信便利店", "深圳市南山区", "华信便利店", None, None, "华信便利店"),
    (" 深圳市 華信 科技 有限公司 ", "深圳市", "华信科技", "有限公司", None, "华信科技有限公司"),
    ("深圳市场监督管理局", "深圳市", "市场监督管理局", None, None, "市场监督管理局"),  # 市 + 场: a market
    ("东方市场管理有限公司", None, "东方市场管理", "有限公司", None, "东方市场管理有限公司"),
    ("华信超市福田分公司", None, "华信超市福田分公司", None, None, "华信超市福田分公司"),  # no form: no branch
    ("深圳市华信科技有限公司分公司", "深圳市", "华信科技", "有限公司", "", "华信科技有限公司"),
])
def test_company_examples(value, region, core, form, branch, key):
    (r,) = company([value])
    got = (r["company_region"], r["company_core"], r["company_legal_form"], r["company_branch"], r["company_key"])
    assert got == (region, core, form, branch, key)


@pytest.mark.parametrize("value, q", [
    ("深圳市华信科技有限公司", VALID), ("深圳市华信(深圳)科技有限公司", REPAIRED), (None, MISSING), ("无", MISSING),
    ("个体", MISSING), ("ABC TRADING LIMITED", 3), ("深圳市华信★科技有限公司", 7), ("深圳市有限公司", 10),
])
def test_company_quality(value, q):
    (r,) = company([value])
    assert r["company_name_q"] == q


def test_trade_words_are_not_places():
    """The generator's trade words never read as a leading place (字号 may not be a place name)."""
    rs = company([f"{w}科技有限公司" for w in T.COMPANY_TRADE_WORDS])
    assert [w for w, r in zip(T.COMPANY_TRADE_WORDS, rs) if r["company_region"] is not None] == []


# ------------------------------------------------------------------------------------ round trip
PERSON_NAME_COLUMNS = {
    "gongan_renkou": [("姓名", "resident")], "juzhuzheng": [("姓名", "holder")],
    "shebao_canbao": [("姓名", "insured")], "jiaoyu_xueji": [("学生姓名", "student"), ("监护人姓名", "guardian")],
    "weijian_jiuzhen": [("患者姓名", "patient")], "zhujian_zulin": [("出租人姓名", "landlord"), ("承租人姓名", "tenant")],
    "shichang_qiye": [("法定代表人", "legal_rep")], "minzheng_hunyin": [("男方姓名", "husband"), ("女方姓名", "wife")],
}
COMPANY_NAME_COLUMNS = {"shebao_canbao": [("单位名称", "employer")], "shichang_qiye": [("主体名称", "company")]}


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    out = tmp_path_factory.mktemp("city")
    generate(3000, 1, out)
    return out


def _cells(city, columns, field, truth_names, standardize):
    """(standardized row, truth name, corruption kinds) for every cell of the given columns."""
    mentions = pq.read_table(city / "truth" / "mentions.parquet").to_pylist()
    entity = {(m["source"], m["record_id"], m["role"]): m["entity_id"] for m in mentions}
    kinds = collections.defaultdict(set)
    for c in pq.read_table(city / "truth" / "corruptions.parquet").to_pylist():
        if c["field"] == field:
            kinds[(c["source"], c["record_id"], c["role"])].add(c["corruption"])
    out = []
    for source, cols in columns.items():
        table = pq.read_table(city / "departments" / f"{source}.parquet")
        ids = table.column(0).to_pylist()
        for col, role in cols:
            got = rows(standardize(table.column(col)))
            for rid, g in zip(ids, got):
                key = (source, rid, role)
                if key in entity:
                    out.append((g, truth_names[entity[key]], frozenset(kinds.get(key, ()))))
    return out


def test_round_trip_person_names(city):
    persons = pq.read_table(city / "truth" / "persons.parquet", columns=["person_id", "name"]).to_pylist()
    truth = {p["person_id"]: p["name"] for p in persons}
    truth_key = dict(zip(truth, (r["name_pinyin_key"] for r in person(list(truth.values())))))
    by_name = {truth[p]: truth_key[p] for p in truth}
    cells = _cells(city, PERSON_NAME_COLUMNS, "name", truth, N.standardize_person_name)
    clean = [(g, t) for g, t, k in cells if not k]
    assert len(clean) > 10_000
    bad = [(g["name"], g["name_q"], t) for g, t in clean if g["name"] != t or g["name_q"] != VALID]
    assert not bad, bad[:10]
    # cells with this corruption and at most the ones that come with it (fullwidth Latin letters
    # only exist in pinyin names; a stray space can join anything)
    companions = collections.defaultdict(lambda: {"fullwidth", "spaces"}, fullwidth={"pinyin", "spaces"})
    rates = {}
    for kind in ("traditional", "spaces", "middle_dot", "fullwidth", "pinyin", "homophone", "shape_alike",
                 "placeholder", "missing", "truncated", "former"):
        hit = [(g, t) for g, t, k in cells if kind in k and k - {kind} <= companions[kind]]
        n = max(1, len(hit))
        rates[kind] = (len(hit), sum(g["name"] == t for g, t in hit) / n,
                       sum(g["name_pinyin_key"] is not None and g["name_pinyin_key"] == by_name[t] for g, t in hit) / n,
                       sum(g["name_q"] == MISSING for g, _ in hit) / n)
    print("\nname recovery (cells, name == truth, pinyin key == truth's, missing):")
    for kind, (n, same, key, miss) in rates.items():
        print(f"  {kind:12s} {n:5d}  " + ("-" if n == 0 else f"{same:6.1%}  {key:6.1%}  {miss:6.1%}"))
    assert rates["traditional"][1] >= 0.95
    assert rates["spaces"][1] >= 0.99
    assert rates["pinyin"][2] >= 0.9
    assert rates["homophone"][2] >= 0.9
    if rates["middle_dot"][0]:
        assert rates["middle_dot"][1] >= 0.8
    missing = [g for g, t, k in cells if k == {"missing"}]
    assert all(g["name_q"] == MISSING for g in missing)


def test_middle_dot_variants():
    """The generator's middle_dot corruption on its own dotted names (the 3000-person city has too
    few): every dot variant comes back; a space only where the name looks transliterated."""
    rng = np.random.default_rng(3)
    own = [x for d in ("维吾尔", "哈萨克") for g in ("male", "female") for x in T.MINORITY_NAMES[d][g]]
    dads = [x for d in ("维吾尔", "哈萨克") for x in T.MINORITY_NAMES[d]["male"]]
    names = [own[rng.integers(len(own))] + "·" + dads[rng.integers(len(dads))] for _ in range(3000)]
    print("\nmiddle_dot recovery (name == truth):")
    for dot in ("•", "・", "．", "‧", "･", ".", " "):  # bench/gen/corrupt.py _DOTS
        got = [r["name"] for r in person([x.replace("·", dot) for x in names])]
        rate = sum(g == x for g, x in zip(got, names)) / len(names)
        print(f"  {dot!r:6s} {rate:6.1%}")
        assert rate == 1.0 if dot != " " else rate >= 0.95


def test_round_trip_company_names(city):
    companies = pq.read_table(city / "truth" / "companies.parquet", columns=["company_id", "name"]).to_pylist()
    truth = {c["company_id"]: c["name"] for c in companies}
    truth_key = dict(zip(truth.values(), (r["company_key"] for r in company(list(truth.values())))))
    cells = _cells(city, COMPANY_NAME_COLUMNS, "company_name", truth, N.standardize_company_name)
    clean = [(g, t) for g, t, k in cells if not k]
    bad = [(g["company_name"], t) for g, t in clean if g["company_name"] != t or g["company_name_q"] != VALID]
    assert not bad, bad[:10]
    print("\ncompany_key recovery (cells, key == truth's):")
    for kind in ("drop_city", "paren_halfwidth", "legal_form", "traditional", "spaces"):
        hit = [g["company_key"] == truth_key[t] for g, t, k in cells if kind in k]
        rate = sum(hit) / len(hit) if hit else None
        print(f"  {kind:16s} {len(hit):5d}  " + ("-" if rate is None else f"{rate:6.1%}"))
        if kind in ("drop_city", "paren_halfwidth", "legal_form", "spaces") and hit:
            assert rate == 1.0, kind
    all_hit = [g["company_key"] == truth_key[t] for g, t, k in cells if k]
    assert sum(all_hit) / len(all_hit) >= 0.98


def test_latin_renderings_meet_han_keys():
    """Han names rendered in the four Latin styles the generator uses get the Han name's key (or
    one of its alternatives) — except where run-together syllables are ambiguous (XIAN / XI AN)."""
    rng = np.random.default_rng(5)
    pairs = _han_names(rng, 3000)
    han = person([s + g for s, g in pairs])
    latin = person([to_pinyin(s, g, k % 4) for k, (s, g) in enumerate(pairs)])
    ok = [lt["name_pinyin_key"] == h["name_pinyin_key"] or lt["name_pinyin_key"] in h["name_pinyin_alt"]
          for h, lt in zip(han, latin)]
    assert sum(ok) / len(ok) >= 0.97, [(h["name"], lt["name"]) for h, lt, o in zip(han, latin, ok) if not o][:10]
    surnames = [lt["surname"] for lt in latin]
    found = sum(s is not None for s in surnames) / len(surnames)
    right = sum(s is not None and s.lower().replace(" ", "") == h["name_pinyin"].split()[0]
                for s, h in zip(surnames, han) if s and len(h["surname"] or "") == 1) / max(1, sum(
                    s is not None for s, h in zip(surnames, han) if len(h["surname"] or "") == 1))
    print(f"\nLatin surname guessed for {found:.1%}, right for {right:.1%} of single-surname guesses")
    assert right >= 0.95
