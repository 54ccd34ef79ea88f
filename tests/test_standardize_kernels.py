"""The date, phone and address-rendering kernels vs the vectorised Arrow code they replaced, and
the concurrent, once-per-distinct-value field runner vs a plain serial one.

References: the ``pyarrow.compute`` implementations kept in ``dates.py`` and ``phone.py`` (they
also handle the values the kernels leave), and below the Arrow assembly that built the canonical
address and its keys from the parts before the kernel rendered them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from weft.bench import specs_dir
from weft.bench.gen import generate
from weft.linkage.specs import load_spec
from weft.linkage.standardize import address as A
from weft.linkage.standardize import dates as D
from weft.linkage.standardize import phone as P
from weft.linkage.standardize import run

from . import naive

TODAY = dt.date(2026, 6, 1)


def _variants(values: list):
    """The same values as string, large_string, chunked and sliced-with-padding Arrow columns."""
    yield pa.array(values, pa.string())
    yield pa.array(values, pa.large_string())
    k = len(values) // 2
    yield pa.chunked_array([pa.array(values[:k], pa.string()), pa.array(values[k:], pa.string())], pa.string())
    yield pa.array(["前", None] + values + ["后"], pa.string()).slice(2, len(values))


def _assert_same(got: dict, want: dict, values) -> None:
    assert list(got) == list(want)
    for k in want:
        assert got[k].type == want[k].type, k
        if not got[k].equals(want[k]):
            g, w = got[k].to_pylist(), want[k].to_pylist()
            bad = [(values[i], g[i], w[i]) for i in range(len(w)) if g[i] != w[i]][:5]
            raise AssertionError(f"{k}: {bad}")


def _soup(rng, tokens: list[str], n: int, longest: int) -> list[str | None]:
    out: list[str | None] = []
    for _ in range(n):
        if rng.random() < 0.03:
            out.append(None)
        else:
            out.append("".join(tokens[j] for j in rng.integers(0, len(tokens), rng.integers(0, longest))))
    return out


# ------------------------------------------------------------------------------------ dates
_DATE_TOKENS = list("0123456789") * 4 + [
    "-",
    "/",
    ".",
    "年",
    "月",
    "日",
    " ",
    "T",
    "Z",
    "+",
    ":",
    "　",
    "０",
    "５",
    "２",
    "2009",
    "1999",
    "06",
    "15",
    "31",
    "00",
    "000000",
    "39979",
    "0800",
    "08:00",
    ".0",
    ".00",
    "A",
    "t",
    "不详",
    "\t",
    "\n",
    "\u00a0",
    "\u2f47",
    "é",
    "\U00020000",
]
_DATE_EDGES = [
    None,
    "",
    " ",
    "　",
    "２００９０６１５",
    " 2009-06-15 ",
    "2009-06-1530",
    "2009-6-15-08:00",
    "2009-06-15T23:30:00-02:00",
    "2009-06-15T00:00:00Z",
    "2009-06-15 00:00:00.0",
    "2009年6月15日",
    "2009年6月",
    "2009年06月15",
    "2009年6-15",
    "2009.06",
    "2009.0",
    "39979.0",
    "39979.",
    "60",
    "61",
    "0000-00-00",
    "00000000",
    "1900-01-01",
    "1970-01-01",
    "20090230",
    "2009-13-01",
    "2009-06-15 25:00",
    "20090615250000",
    "090615",
    "200906",
    "2009",
    "2009年",
    "0999",
    "99999",
    "123456789012345",
    "2009⽇",
    "2009\u00a006",
    "\t2009-06-15",
    "2009-06-15\n",
    "abc",
    "不详",
]
_DATE_FORMATS = [
    None,
    ["%Y%m%d"],
    ["%y%m%d", "%Y%m%d"],
    ["%Y%m", "%y%m%d"],
    ["excel", "%Y"],
    ["%Y", "excel"],
    ["%Y-%m-%d %H:%M:%S"],
    list(D.FORMATS),
]


def _structured_dates(rng, n: int) -> list[str]:
    out = []
    for _ in range(n):
        y, m, d = rng.integers(0, 10000), rng.integers(0, 14), rng.integers(0, 33)
        s1, s2 = "-/.年"[rng.integers(0, 4)], "-/.月"[rng.integers(0, 4)]
        pad = rng.random() < 0.5
        v = f"{y:04d}{s1}{m:02d}" if pad else f"{y:04d}{s1}{m}"
        if rng.random() < 0.7:
            v += s2 + (f"{d:02d}" if pad else str(d)) + ("日" if rng.random() < 0.3 else "")
        if rng.random() < 0.2:
            v += "月"
        if rng.random() < 0.3:
            v += " T"[rng.integers(0, 2)] + f"{rng.integers(0, 30)}:{rng.integers(0, 70):02d}"
            v += f":{rng.integers(0, 70):02d}" if rng.random() < 0.5 else ""
        if rng.random() < 0.2:
            v += ["Z", "+08:00", "-0530", "+8:00", "-12:00"][rng.integers(0, 5)]
        if rng.random() < 0.2:
            v = str(rng.integers(0, 10 ** rng.integers(1, 16))) + (".0" if rng.random() < 0.2 else "")
        out.append(v)
    return out


@pytest.mark.parametrize("formats", _DATE_FORMATS)
def test_dates_match_the_arrow_code(formats):
    rng = np.random.default_rng(1)
    values = _DATE_EDGES + _soup(rng, _DATE_TOKENS, 20_000, 9) + _structured_dates(rng, 20_000)
    for today in (TODAY, dt.date(2200, 1, 1)):
        for arr in _variants(values):
            got = D.standardize_date(arr, formats=formats, today=today)
            _assert_same(got, D._standardize_date_arrow(arr, formats=formats, today=today), values)


def test_dates_edge_columns():
    for values in ([], [None], [None, None], [""], ["\u2f47"], ["２００９０６１５"]):
        for arr in _variants(values):
            _assert_same(D.standardize_date(arr, today=TODAY), D._standardize_date_arrow(arr, today=TODAY), values)
    assert D.standardize_date(pa.array(["２００９０６１５"]), today=TODAY)["date_q"].to_pylist() == [D.REPAIRED]


# ------------------------------------------------------------------------------------ phones
_PHONE_TOKENS = list("0123456789") * 3 + [
    "+86",
    "0086",
    "86",
    "755",
    "0755",
    "-",
    " ",
    "(",
    ")",
    "（",
    "）",
    ".",
    "/",
    ",",
    ";",
    "、",
    "转",
    "分机",
    "分",
    "机",
    "EXT",
    "ext",
    "eXt",
    "E",
    "x",
    "无",
    "暂无",
    "不详",
    "未知",
    "空",
    "NULL",
    "null",
    "NONE",
    "N/A",
    "NA",
    "--",
    "//",
    "000",
    "　",
    "１",
    "３",
    "８",
    "＋",
    "13812345678",
    "1740",
    "1610",
    "154",
    "194",
    "00852",
    "88881234",
    "\t",
    "\n",
    "\u00a0",
    "é",
    "ａ",
    "a",
    "#",
]
_PHONE_EDGES = [
    None,
    "",
    " ",
    "　",
    "13812345678",
    "１３８１２３４５６７８",
    "+86 138 1234 5678",
    "0086-138-1234-5678",
    "8613812345678",
    "86075588881234",
    "8675588881234",
    "+86 755 8888 1234",
    "+867558888123",
    "88881234",
    "18881234",
    "0755-88881234转8001",
    "0755-88881234 EXT 12",
    "0755-8888ext",
    "010-12345678",
    "0101234567890",
    "00852-12345678",
    "17400123456",
    "17406123456",
    "16101234567",
    "16111234567",
    "15412345678",
    "19412345678",
    "12012345678",
    "1381234567",
    "138123456789",
    "0",
    "000",
    "-",
    "///",
    "N/A",
    "NA",
    "null",
    "NULL",
    "无",
    "暂无",
    "不详 ",
    "13812345678/13912345678",
    "13812345678、13912345678",
    "(0755)8888-1234",
    "（0755）88881234",
    "+86",
    "0086",
    "86",
    "138\t12345678",
    "138\n12345678",
    "1381234\u00a05678",
    "电话13812345678",
    "ＴＥＬ",
]


def test_phones_match_the_arrow_code():
    rng = np.random.default_rng(2)
    values = _PHONE_EDGES + _soup(rng, _PHONE_TOKENS, 40_000, 8)
    for arr in _variants(values):
        _assert_same(P.standardize_phone(arr), P._standardize_phone_arrow(arr), values)


def test_phones_edge_columns():
    for values in ([], [None], [None, None], [""], ["\u00a0"], ["13812345678"]):
        for arr in _variants(values):
            _assert_same(P.standardize_phone(arr), P._standardize_phone_arrow(arr), values)


# ------------------------------------------------------------------------------------ addresses
def _assembled(out: dict[str, pa.Array]) -> dict[str, pa.Array]:
    """The canonical address and keys assembled from the parts with Arrow compute: the code
    the rendering kernel replaced, fed with the parts the kernel wrote."""

    def suffixed(part, suffix):
        return pc.binary_join_element_wise(part, suffix, "")

    def join(*parts):
        return pc.binary_join_element_wise(*parts, "", null_handling="replace", null_replacement="")

    null = pa.scalar(None, pa.string())
    province, city, district = out["addr_province"], out["addr_city"], out["addr_district"]
    road, road_no, village = out["addr_road"], out["addr_road_no"], out["addr_village"]
    compound, building, room = out["addr_compound"], out["addr_building"], out["addr_room"]
    is_village = pc.is_valid(village)
    place = pc.coalesce(
        compound,
        pc.if_else(
            pc.or_(pc.or_(is_village, pc.is_valid(road)), pc.is_valid(road_no)),
            join(village, road, suffixed(road_no, "号")),
            null,
        ),
    )
    label = pc.if_else(is_village, "", pc.coalesce(building, ""))
    dkey = join(pc.cast(out["addr_district_code"], pa.string()), district)
    building_key = pc.binary_join_element_wise(dkey, pc.coalesce(place, ""), label, "|")
    # which rows have keys is the parser's level (tested with the parser): compare the text
    building_key = pc.if_else(pc.is_valid(out["addr_building_key"]), building_key, null)
    unit_key = pc.cast(pc.fill_null(out["addr_unit"], 1), pa.string())
    house_key = pc.binary_join_element_wise(building_key, unit_key, room, "|")
    house_key = pc.if_else(pc.is_valid(out["addr_house_key"]), house_key, null)
    same = pc.or_(pc.equal(city, province).fill_null(False), pc.equal(city, district).fill_null(False))
    head = join(province, pc.if_else(same, null, city), district)
    return {"head": head, "addr_building_key": building_key, "addr_house_key": house_key}


def _addresses(rng) -> list[str | None]:
    tokens = [
        "广东省",
        "深圳市",
        "福田区",
        "宝安区",
        "西乡街道",
        "华新社区",
        "团结",
        "三路",
        "1968号",
        "半岛大厦",
        "五栋",
        "1单元",
        "1206",
        "北京市",
        "朝阳区",
        "海南省",
        "儋州市",
        "重庆市",
        "南川市",
        "村委会",
        "居委会",
        "3巷",
        "12号",
        "301",
        "5-1-101",
        "12-03",
        "A1203",
        "楼",
        "层",
        "室",
        "#",
        "-",
        " ",
        "　",
        "（",
        "电话",
        "13812345678",
        "十二",
        "一二零三",
        "第二期",
        "兩",
        "戶",
        "號",
        "樓",
        "ａｂｃ",
        "１２３",
        "TEL",
        "HOTEL",
        "无",
        "新村",
        "花园",
        "栋",
        "座",
        "镇",
        "乡",
        "组",
        "区",
        "百",
        "两",
        "三",
        "四川省",
        "绵阳市",
        "北川羌族自治县",
        "黄花镇",
        "广西壮族自治区",
        "东莞市",
        "中山市",
        "光明新区",
        "西乡镇",
        "\u2014",
        "·",
        "。",
        "x",
        "9",
        "518000",
        "\U00020000",
    ]
    return _soup(rng, tokens, 20_000, 12)


def test_rendered_addresses_match_the_arrow_assembly():
    values = _addresses(np.random.default_rng(3))
    out = A.standardize_address(pa.array(values, pa.string()))
    ref = _assembled(out)
    for k in ("addr_building_key", "addr_house_key"):
        _assert_same({k: out[k]}, {k: ref[k]}, values)
    # the canonical address opens with its admin names, then repeats the parts in order
    head = ref["head"].to_pylist()
    for v, a, h, parts in zip(
        values,
        out["address"].to_pylist(),
        head,
        zip(
            *(
                out[c].to_pylist()
                for c in (
                    "addr_street",
                    "addr_community",
                    "addr_village",
                    "addr_road",
                    "addr_compound",
                    "addr_building",
                    "addr_room",
                )
            )
        ),
    ):
        if a is None:
            continue
        assert a.startswith(h), (v, a, h)
        rest = a[len(h) :]
        for p in parts:
            if p is not None:
                assert p in rest, (v, a, p)
                rest = rest[rest.index(p) + len(p) :]
    q = out["address_q"].to_numpy(zero_copy_only=False)
    as_given = pc.equal(out["address"], pa.array(values, pa.string())).fill_null(False).to_numpy(zero_copy_only=False)
    assert not (as_given & (q == A.REPAIRED)).any()
    assert ((q == A.VALID) <= as_given).all()


def test_address_with_liang_normalises_like_the_oracle():
    """兩 (traditional 两) used to stop the normaliser from advancing; it now reads as 两."""
    values = ["兩栋", "兩", "福田花园兩栋1203", "第兩期3栋", "两兩栋"]
    got = A.normalized(pa.array(values, pa.string())).to_pylist()
    assert got == [naive.addr_normalize(v) for v in values]
    assert A.standardize_address(pa.array(["深圳市福田区福田花园兩栋1203"]))["address"].to_pylist() == [
        "广东省深圳市福田区福田花园2栋1203"
    ]


# ------------------------------------------------------------------------------------ fields
@pytest.fixture(scope="module")
def resident(tmp_path_factory) -> tuple[pa.RecordBatch, object]:
    out: Path = tmp_path_factory.mktemp("city")
    generate(4000, 1, out)
    spec = load_spec(specs_dir() / "gongan_renkou.toml", data_dir=out)
    batch = pq.read_table(spec.file, columns=spec.columns()).combine_chunks().to_batches()[0]
    return batch, spec


def test_concurrent_distinct_once_equals_serial(resident, monkeypatch):
    batch, spec = resident
    for mention in spec.mentions:
        got = run.standardize_mention(batch, mention)
        with monkeypatch.context() as m:
            m.setattr(run, "threadsafe_kernels", lambda: False)
            m.setattr(run, "_distinct_once", lambda fn, values: fn(values))
            want = run.standardize_mention(batch, mention)
        _assert_same(got, want, batch.column(0).to_pylist())


def test_cached_mentions_equal_uncached(resident):
    batch, spec = resident
    cache: dict = {}
    for mention in spec.mentions:
        _assert_same(
            run.standardize_mention(batch, mention, cache),
            run.standardize_mention(batch, mention),
            batch.column(0).to_pylist(),
        )
    assert cache


def test_fields_run_serially_without_a_threadsafe_layer(resident, monkeypatch):
    batch, spec = resident

    class NoPool:
        def __init__(self, *a, **k):
            raise AssertionError("a thread pool under a threading layer that is not thread-safe")

    monkeypatch.setattr(run.numba, "threading_layer", lambda: "workqueue")
    monkeypatch.setattr(run, "ThreadPoolExecutor", NoPool)
    assert not run.threadsafe_kernels()
    run.standardize_mention(batch, spec.mentions[0])
