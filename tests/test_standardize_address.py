"""Address standardization: hand-written cases, the normalisation reference, properties, the generator."""

from __future__ import annotations

import collections
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weft.bench.gen import generate
from weft.linkage import geo
from weft.linkage.regions import OPEN_END, load_divisions
from weft.linkage.standardize import address as A
from weft.linkage.standardize.address import COLUMNS, REASONS, standardize_address

from . import naive

CANON = "广东省深圳市福田区福田街道福山社区彩田路2001号福田花园3栋2单元1203"
KEY = "440304福田区|福田花园|3|2|1203"
VILLAGE = "广东省深圳市宝安区西乡街道渔业社区渔业村3巷12号301"
VILLAGE_KEY = "440306宝安区|渔业村3巷12号||1|301"


def std(values: list) -> dict[str, list]:
    return {k: v.to_pylist() for k, v in standardize_address(pa.array(values, pa.string())).items()}


def one(value: str) -> dict:
    return {k: v[0] for k, v in std([value]).items()}


# ------------------------------------------------------------------------------------ hand-written cases
def test_canonical_compound_address_parses_to_every_part():
    r = one(CANON)
    assert r == {
        "address": CANON, "address_raw": CANON, "address_q": A.VALID, "addr_province": "广东省", "addr_city": "深圳市",
        "addr_district": "福田区", "addr_district_code": 440304, "addr_street": "福田", "addr_community": "福山",
        "addr_road": "彩田路", "addr_road_no": "2001", "addr_village": None, "addr_compound": "福田花园", "addr_building": "3",
        "addr_unit": 2, "addr_floor": 12, "addr_room": "1203", "addr_building_key": "440304福田区|福田花园|3",
        "addr_house_key": KEY,
    }
    assert set(r) == set(COLUMNS)


def test_urban_village_address():
    r = one(VILLAGE)
    assert (r["addr_village"], r["addr_road"], r["addr_road_no"], r["addr_room"]) == ("渔业村", "3巷", "12", "301")
    assert r["addr_compound"] is None and r["addr_building"] is None and r["addr_floor"] == 3
    assert r["addr_house_key"] == VILLAGE_KEY and r["address_q"] == A.VALID


# every way of writing house 福田花园 3栋 2单元 1203 (and the canonical form it renders to)
SAME_HOUSE = [
    CANON,
    "深圳市福田区福田街道福山社区彩田路2001号福田花园3栋2单元1203",
    "福田区彩田路2001号福田花园3栋2单元1203",
    "深圳福田区彩田路2001号福田花园3座2单元1203室",
    "福田区彩田路2001号福田花园3幢2单元12楼03",
    "福田区彩田路2001号福田花园3号楼2单元12-03",
    "福田区彩田路2001号福田花园3-2-1203",
    "福田区彩田路2001号福田花园三栋二单元一二零三房",
    "福田区彩田路2001号福田花园3栋2单元十二楼03",
    "福田区 彩田路 2001号 福田花园 3栋 2单元 1203",
    "福田区彩田路２００１号福田花园３栋２单元１２０３",
    "廣東省深圳市福田區彩田路2001號福田花園3棟2單元1203",
    "福田区福田花园3#2单元1203",
    "福田区福田花园第三栋2单元1203号",
    "福田区彩田路2001号福田花园3栋2单元1203 张三 13812345678",
    "福田区彩田路2001号福田花园3栋2单元1203（联系电话：13812345678）",
    "福田街道福山社区彩田路2001号福田花园3栋2单元1203",  # district from the street
    "518000 广东省深圳市福田区彩田路2001号福田花园3栋2单元1203",
]


@pytest.mark.parametrize("value", SAME_HOUSE)
def test_every_variant_of_a_house_gets_its_key(value):
    r = one(value)
    assert r["addr_house_key"] == KEY, value
    assert r["address_q"] == (A.VALID if value == CANON else A.REPAIRED)
    assert r["addr_district_code"] == 440304 and r["addr_room"] == "1203"


def test_village_variants_share_the_key():
    variants = [VILLAGE, "宝安区渔业村3巷12号301室", "宝安区渔业村3巷12号3楼01", "宝安区渔业村三巷十二号3-01",
                "宝安区西乡街道渔业村3巷12号5-1-301", "深圳市宝安区西乡镇渔业村3巷12号301房"]
    got = std(variants)
    assert got["addr_house_key"] == [VILLAGE_KEY] * len(variants)


def test_houses_in_one_building_share_the_building_key_only():
    got = std(["福田区福田花园3栋2单元1203", "福田区福田花园3栋1单元1203", "福田区福田花园3栋2单元1204",
               "福田区福田花园3栋2单元903", "福田区福田花园4栋2单元1203", "南山区福田花园3栋2单元1203"])
    bk, hk = got["addr_building_key"], got["addr_house_key"]
    assert len(set(bk[:4])) == 1 and len(set(hk[:4])) == 4
    assert bk[4] != bk[0] and bk[5] != bk[0]


# (input, address, q, selected parts)
CASES = [
    ("深圳市南山区粤海街道高新社区科苑路15号A座1203", "广东省深圳市南山区粤海街道高新社区科苑路15号A栋1203", A.REPAIRED,
     {"addr_building": "A", "addr_compound": None, "addr_road": "科苑路"}),
    ("光明新区公明街道东周路3号1栋501", "广东省深圳市光明区公明街道东周路3号1栋501", A.REPAIRED,
     {"addr_district": "光明区", "addr_district_code": 440311}),
    ("大鹏新区葵涌街道土洋村2巷5号201", "广东省深圳市大鹏新区葵涌街道土洋村2巷5号201", A.REPAIRED,
     {"addr_district_code": 440307, "addr_village": "土洋村"}),
    ("深南大道2001号1203", "广东省深圳市深南大道2001号1203", A.REPAIRED,
     {"addr_building_key": "0|深南大道2001号|", "addr_district_code": 0}),
    ("福田区国际大厦1203室", "广东省深圳市福田区国际大厦1203", A.REPAIRED,
     {"addr_building_key": "440304福田区|国际大厦|"}),
    ("福田区福田花园5楼2单元301", "广东省深圳市福田区福田花园5栋2单元301", A.REPAIRED, {"addr_building": "5"}),
    ("福田区福田花园3栋2单元12层", "广东省深圳市福田区福田花园3栋2单元12层", A.PARTIAL_BUILDING,
     {"addr_floor": 12, "addr_room": None, "addr_house_key": None}),
    ("福田区福田花园3栋", "广东省深圳市福田区福田花园3栋", A.PARTIAL_BUILDING,
     {"addr_building_key": "440304福田区|福田花园|3", "addr_house_key": None}),
    ("宝安区渔业村3巷12号", "广东省深圳市宝安区渔业村3巷12号", A.PARTIAL_BUILDING,
     {"addr_building_key": "440306宝安区|渔业村3巷12号|"}),
    ("福田区彩田路2001号", "广东省深圳市福田区彩田路2001号", A.PARTIAL_ROAD, {"addr_building_key": None}),
    ("福田区福田花园", "广东省深圳市福田区福田花园", A.PARTIAL_ROAD, {"addr_compound": "福田花园"}),
    ("福田区福田街道", "广东省深圳市福田区福田街道", A.DISTRICT_ONLY, {"addr_street": "福田"}),
    ("深圳市福田区", "广东省深圳市福田区", A.DISTRICT_ONLY, {}),
    ("深圳市", None, A.UNPARSED, {"addr_province": None}),
    ("asdf", None, A.UNPARSED, {}),
    ("1203", None, A.UNPARSED, {"addr_house_key": None}),
    ("湖南省长沙市岳麓区麓山街道5号", "湖南省长沙市岳麓区麓山街道5号", A.NOT_SHENZHEN,
     {"addr_district_code": 430104, "addr_city": "长沙市", "addr_street": "麓山"}),
    ("湖北省省直辖县级行政单位仙桃市桃花镇黄田寨2组39号", "湖北省仙桃市桃花镇黄田寨2组39号", A.NOT_SHENZHEN,
     {"addr_district_code": 429004, "addr_city": None, "addr_village": "黄田寨", "addr_road": "2组"}),
    ("北京市朝阳区建国路88号", "北京市朝阳区建国路88号", A.NOT_SHENZHEN, {"addr_district_code": 110105}),
    ("海南省海口市龙华区滨海大道1号", "海南省海口市龙华区滨海大道1号", A.NOT_SHENZHEN, {"addr_district_code": 460106}),
    ("龙华区民治街道民康路1号2栋101", "广东省深圳市龙华区民治街道民康路1号2栋101", A.REPAIRED,
     {"addr_district_code": 440309}),  # 龙华区 without context is Shenzhen's, not Haikou's
    ("东莞市长安镇振安路1号", "广东省东莞市长安镇振安路1号", A.NOT_SHENZHEN, {"addr_district_code": 441900}),
    ("无", None, A.MISSING, {"address_raw": "无"}),
    ("  ", None, A.MISSING, {}),
    ("", None, A.MISSING, {}),
    (None, None, A.MISSING, {"address_raw": None}),
]


@pytest.mark.parametrize("value,address,q,parts", CASES, ids=[str(c[0]) for c in CASES])
def test_cases(value, address, q, parts):
    r = one(value)
    assert (r["address"], r["address_q"]) == (address, q)
    for k, v in parts.items():
        assert r[k] == v, k
    if address is not None:
        again = one(address)
        assert again["address"] == address and again["addr_house_key"] == r["addr_house_key"]


def test_reasons_are_documented():
    assert REASONS == {0: "valid", 1: "repaired", 2: "missing", 3: "partial_building", 4: "partial_road",
                       5: "district_only", 6: "unparsed", 7: "not_shenzhen"}


# ------------------------------------------------------------------------------------ geography
def test_every_shenzhen_street_gives_its_district():
    rows = [(s, d) for d, streets in geo.SHENZHEN_STREETS.items() for s in streets]
    got = std([f"{s}街道{s}社区1号" for s, _ in rows])
    assert got["addr_district"] == [d for _, d in rows]
    assert got["addr_district_code"] == [geo.district_code(d) for _, d in rows]
    assert got["addr_street"] == [s for s, _ in rows]
    assert geo.district_of_street("民治") == "龙华区" and geo.district_of_street("福田") == "福田区"
    assert geo.district_code("光明新区") == 440311 and geo.district_code("大鹏新区") == 440307


def test_every_current_county_in_gbt2260_is_found():
    div = load_divisions()
    current = (div.end == OPEN_END) & div.is_county()
    codes = [int(c) for c in div.code[current] if c // 100 != geo.SHENZHEN_PREFECTURE]
    got = std([div.full_name(c) + "城关镇白沙村3组12号" for c in codes])
    assert got["addr_district_code"] == codes
    assert set(got["address_q"]) == {A.NOT_SHENZHEN}
    assert geo.county_candidates("南山区") == [440305, 230404]
    assert geo.county_candidates("南山区", province=23) == [230404]


# ------------------------------------------------------------------------------------ kernels vs naive
TOKENS = ["广东省", "深圳市", "深圳", "福田区", "光明新区", "湖南省", "长沙市", "东区", "福田", "街道", "镇", "社区", "居委会",
          "彩田路", "深南大道", "巷", "号", "号楼", "栋", "座", "幢", "#", "楼", "层", "单元", "室", "房", "户", "组", "村",
          "花园", "大厦", "期", "区", "-", "－", " ", "\u3000", "，", "(", ")", "第", "三", "十", "二", "零", "一二零三", "百",
          "A", "b", "C", "1", "2", "12", "03", "1203", "2001", "0", "13812345678", "0755-88881234", "518000", "电话",
          "TEL", "HOTEL", "张三", "．", "五", "號", "樓", "區", "ａ", "９", "廣東", "電話", "於", "乾"]


def _soup(rng: np.random.Generator, n: int) -> list[str]:
    return ["".join(rng.choice(TOKENS, int(rng.integers(1, 14)))) for _ in range(n)]


def _normalized(values: list[str]) -> list[str]:
    return A.normalized(pa.array(values, pa.string())).to_pylist()


def test_normalisation_matches_naive_on_token_soup():
    values = _soup(np.random.default_rng(3), 30_000)
    for v, got in zip(values, _normalized(values)):
        assert got == naive.addr_normalize(v), v


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=20))
def test_normalisation_matches_naive_on_any_text(values):
    for v, got in zip(values, _normalized(values)):
        assert got == naive.addr_normalize(v), v


def test_numerals():
    assert [naive.cn_numeral_value(x) for x in ("三", "十", "十二", "二十", "二十三", "一百零一", "一二零三", "两")] == [
        "3", "10", "12", "20", "23", "101", "1203", "2"]
    got = _normalized(["三栋十二楼", "三联社区六约村", "第二期", "二十三 号", "一二三四五六室", "2三房", "十二楼十二"])
    assert got == ["3栋12楼", "三联社区六约村", "2期", "23号", "一二三四五六室", "2 3房", "12楼十二"]


# ------------------------------------------------------------------------------------ properties
def _generated_house(draw) -> dict:
    district = draw(st.sampled_from([d for _, d in geo.SHENZHEN_DISTRICTS]))
    is_village = draw(st.booleans())
    units = 1 if is_village else draw(st.integers(1, 4))  # village houses have no units
    return {
        "district": district,
        "street": draw(st.sampled_from(geo.SHENZHEN_STREETS[district])),
        "community": draw(st.sampled_from(["福山", "渔业", "上沙", "六约", "三联"])),
        "road": draw(st.sampled_from(["彩田路", "深南大道", "福华一路", "宝安巷", "华强北路"])),
        "no": draw(st.integers(1, 3000)),
        "compound": draw(st.sampled_from(["福田花园", "银座苑", "碧海新村", "四季华庭", "星河大厦"])),
        "village": draw(st.sampled_from(["渔业村", "岗厦村", "下十围村"])),
        "is_village": is_village,
        "label": draw(st.sampled_from([str(k) for k in range(1, 30)] + list("ABCD"))),
        "units": units,
        "unit": draw(st.integers(1, units)),
        "floor": draw(st.integers(1, 40)),
        "room": draw(st.integers(1, 12)),
    }


_CN = "零一二三四五六七八九"


def _cn(k: int) -> str:
    if k <= 10:
        return "十" if k == 10 else _CN[k]
    tens, ones = divmod(k, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


@st.composite
def rendered(draw, house: dict) -> str:
    """One way a department might write ``house`` (the generator's variations and some more)."""
    h = house
    sep = draw(st.sampled_from(["", "", " "]))
    prefix = draw(st.sampled_from(["", "深圳市", "广东省深圳市", "深圳", "广东深圳"]))
    sc = draw(st.sampled_from(["", f"{h['street']}街道{h['community']}社区", f"{h['street']}街道"]))
    label = h["label"]
    if label.isdigit() and draw(st.booleans()):
        label = _cn(int(label))
    floor_room = h["floor"] * 100 + h["room"]
    room = draw(st.sampled_from([str(floor_room), f"{floor_room}室", f"{floor_room}房", f"{h['floor']}楼{h['room']:02d}",
                                 f"{h['floor']}-{h['room']:02d}", f"{_cn(h['floor'])}楼{h['room']:02d}"]))
    unit = f"{h['unit']}单元" if h["units"] > 1 else ""
    compact = f"{h['label']}-{h['unit']}-{floor_room}"
    use_compact = draw(st.integers(0, 5)) == 0
    if h["is_village"]:
        lane = f"{h['no'] % 9 + 1}巷{h['no'] % 20 + 1}号"
        body = [h["village"], lane, compact if use_compact else room]
    else:
        bword = draw(st.sampled_from(["栋", "座", "幢", "号楼", "#"]))
        building = compact if use_compact else f"{label}{bword}{sep}{unit}{sep}{room}"
        body = [draw(st.sampled_from([f"{h['road']}{h['no']}号", ""])), h["compound"], building]
    text = sep.join([prefix, h["district"], sc, *body])
    if draw(st.booleans()):
        text = text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCD"})
    return text + draw(st.sampled_from(["", " 张三", " 13812345678", "（电话：0755-88881234）"]))


@st.composite
def two_writings(draw):
    h = _generated_house(draw)
    return h, draw(rendered(h)), draw(rendered(h))


@settings(max_examples=400, deadline=None)
@given(two_writings())
def test_two_writings_of_a_house_share_its_key(case):
    house, a, b = case
    got = std([a, b])
    assert got["addr_house_key"][0] is not None, a
    assert got["addr_house_key"][0] == got["addr_house_key"][1], (a, b)
    assert got["addr_district"][0] == house["district"]
    assert got["address_q"] == [A.REPAIRED if x != y else A.VALID for x, y in zip([a, b], got["address"])]


@st.composite
def two_houses_in_a_building(draw):
    h = _generated_house(draw)
    other = dict(h, unit=draw(st.integers(1, h["units"])), floor=draw(st.integers(1, 40)),
                 room=draw(st.integers(1, 12)))
    return h, other, draw(rendered(h)), draw(rendered(other))


@settings(max_examples=200, deadline=None)
@given(two_houses_in_a_building())
def test_houses_of_a_building_share_only_the_building_key(case):
    h, other, a, b = case
    got = std([a, b])
    assert got["addr_building_key"][0] == got["addr_building_key"][1] is not None, (a, b)
    same = (h["unit"], h["floor"], h["room"]) == (other["unit"], other["floor"], other["room"])
    assert (got["addr_house_key"][0] == got["addr_house_key"][1]) == same, (a, b)


def _assert_idempotent(values: list) -> None:
    first = std(values)
    again = std(first["address"])
    for k, address in enumerate(first["address"]):
        if address is None:
            continue
        assert again["address"][k] == address, values[k]
        assert again["addr_house_key"][k] == first["addr_house_key"][k], values[k]
        assert again["addr_building_key"][k] == first["addr_building_key"][k], values[k]
        if first["address_q"][k] <= A.REPAIRED:
            assert again["address_q"][k] == A.VALID, values[k]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=60)), max_size=30))
def test_any_text_never_raises_keeps_length_and_is_idempotent(values):
    out = standardize_address(pa.array(values, pa.string()))
    assert set(out) == set(COLUMNS)
    assert all(len(v) == len(values) for v in out.values())
    _assert_idempotent(values)


@settings(max_examples=300, deadline=None)
@given(st.lists(two_writings().map(lambda c: c[1]), max_size=20))
def test_realistic_addresses_are_idempotent(values):
    _assert_idempotent(values)


def test_token_soup_is_idempotent_but_for_a_tiny_residue():
    """Adversarial token soup (admin names, numerals, phones, unit words in random order) is the
    hardest input; re-parsing the canonical form must agree for all but ~1 in 10,000."""
    values = _soup(np.random.default_rng(11), 40_000)
    first = std(values)
    again = std(first["address"])
    differ = sum(1 for a, b, k1, k2 in zip(first["address"], again["address"], first["addr_house_key"],
                                          again["addr_house_key"]) if a is not None and (a != b or k1 != k2))
    assert differ <= 10, differ


# ------------------------------------------------------------------------------------ Arrow inputs
def test_arrow_inputs_give_the_same_result():
    values = SAME_HOUSE[:5] + [None, "", VILLAGE, "湖南省长沙市岳麓区"]
    base = std(values)
    k = len(values) // 2
    for arr in (pa.array(values, pa.large_string()),
                pa.chunked_array([pa.array(values[:k]), pa.array(values[k:])]),
                pa.array(["前", None] + values + ["后"]).slice(2, len(values))):
        out = standardize_address(arr)
        got = {c: v.to_pylist() for c, v in out.items()}
        assert got == base
    assert standardize_address(pa.array(values, pa.large_string()))["address_raw"].type == pa.large_string()


def test_empty_and_all_null_inputs():
    for arr in (pa.array([], pa.string()), pa.chunked_array([], pa.string()), pa.array([None, None], pa.null())):
        out = standardize_address(arr)
        assert set(out) == set(COLUMNS) and all(len(v) == len(arr) for v in out.values())
    assert std([None, None])["address_q"] == [A.MISSING, A.MISSING]


# ------------------------------------------------------------------------------------ the generator
ADDRESS_COLUMNS = {  # source -> (record id column, address column)
    "gongan_renkou": ("人员编号", "现住址"),
    "juzhuzheng": ("受理编号", "居住地址"),
    "jiaoyu_xueji": ("记录号", "家庭住址"),
    "weijian_jiuzhen": ("就诊流水号", "现住址"),
    "zhujian_zulin": ("备案编号", "房屋地址"),
    "shichang_qiye": ("登记序号", "住所"),
}


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("city")
    generate(3000, 1, out)
    return out


@pytest.fixture(scope="module")
def parsed(city):
    """(source, house id, raw, house key, building key) for every address the departments wrote."""
    ments = pq.read_table(city / "truth/mentions.parquet")
    ments = ments.filter(pc.equal(ments["kind"], "house"))
    rows, share = [], {}
    for source, (rid, column) in ADDRESS_COLUMNS.items():
        t = pq.read_table(city / f"departments/{source}.parquet")
        m = ments.filter(pc.equal(ments["source"], source))
        house = dict(zip(m["record_id"].to_pylist(), m["entity_id"].to_pylist()))
        out = standardize_address(t[column])
        q = np.array(out["address_q"].to_pylist())
        share[source] = round(float((q <= A.REPAIRED).sum() / max(1, (q != A.MISSING).sum())), 4)
        rows += [(source, house[r], v, hk, bk) for r, v, hk, bk in zip(
            t[rid].to_pylist(), t[column].to_pylist(), out["addr_house_key"].to_pylist(),
            out["addr_building_key"].to_pylist())]
    print("\nshare of non-missing addresses parsed to the room, per source:", share)
    return rows


def test_generator_addresses_of_a_house_share_its_key(parsed):
    keys: dict[int, collections.Counter] = collections.defaultdict(collections.Counter)
    for _, h, raw, hk, _ in parsed:
        if raw is not None:
            keys[h][hk] += 1
    total = sum(sum(c.values()) for c in keys.values())
    agree = sum(c.most_common(1)[0][1] for c in keys.values() if c.most_common(1)[0][0] is not None)
    print(f"\nhouse-key agreement: {agree}/{total} = {agree / total:.4%} of non-missing addresses")
    assert agree / total >= 0.99


def test_generator_keys_separate_houses_and_join_buildings(city, parsed):
    building_of = dict(zip(*(pq.read_table(city / "truth/houses.parquet", columns=["house_id", "building_id"])
                             .to_pydict().values())))
    by_key, by_bkey = collections.defaultdict(set), collections.defaultdict(set)
    bkeys_of_building, houses_of_building = collections.defaultdict(set), collections.defaultdict(set)
    for _, h, _, hk, bk in parsed:
        if hk is not None:
            by_key[hk].add(h)
            by_bkey[bk].add(building_of[h])
            bkeys_of_building[building_of[h]].add(bk)
            houses_of_building[building_of[h]].add(h)
    assert all(len(v) == 1 for v in by_key.values()), "one house per house key"
    assert all(len(v) == 1 for v in by_bkey.values()), "one building per building key"
    assert all(len(v) == 1 for v in bkeys_of_building.values()), "one building key per building"
    assert sum(len(v) > 1 for v in houses_of_building.values()) >= 5, "buildings with several houses are covered"


def test_generator_canonical_form_is_ours(city):
    houses = pq.read_table(city / "truth/houses.parquet")
    out = standardize_address(houses["address"])
    assert out["address"].to_pylist() == houses["address"].to_pylist()
    assert set(out["address_q"].to_pylist()) == {A.VALID}
    assert len(set(out["addr_house_key"].to_pylist())) == houses.num_rows
