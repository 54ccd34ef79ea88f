"""Phone, date and gender standardizers vs tests/naive.py, hand-written cases and the generator."""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weft.bench.gen import generate
from weft.linkage.standardize import dates as D
from weft.linkage.standardize import gender as G
from weft.linkage.standardize import phone as P
from weft.linkage.standardize.dates import standardize_date
from weft.linkage.standardize.gender import standardize_gender
from weft.linkage.standardize.phone import standardize_phone

from . import naive

TODAY = dt.date(2026, 6, 1)  # the synthetic city's "today"


def arrow_variants(values: list):
    """The same values as string, large_string, chunked and sliced-with-padding Arrow columns."""
    yield pa.array(values, pa.string())
    yield pa.array(values, pa.large_string())
    k = len(values) // 2
    yield pa.chunked_array([pa.array(values[:k], pa.string()), pa.array(values[k:], pa.string())], pa.string())
    padded = pa.array(["前", None] + values + ["后"], pa.string())
    yield padded.slice(2, len(values))


def assert_same_for_all_inputs(fn, values: list) -> dict:
    first = None
    for arr in arrow_variants(values):
        out = fn(arr)
        assert all(len(v) == len(values) for v in out.values())
        got = {k: v.to_pylist() for k, v in out.items()}
        if first is None:
            first = got
        assert got == first
    return first


# ------------------------------------------------------------------------------------ phones
PHONE_CASES = [
    ("13812345678", "13812345678", P.VALID, "mobile"),
    ("+8613812345678", "13812345678", P.REPAIRED, "mobile"),
    ("+86 138 1234 5678", "13812345678", P.REPAIRED, "mobile"),
    ("0086-138-1234-5678", "13812345678", P.REPAIRED, "mobile"),
    ("8613812345678", "13812345678", P.REPAIRED, "mobile"),
    ("１３８１２３４５６７８", "13812345678", P.REPAIRED, "mobile"),
    ("138 1234 5678", "13812345678", P.REPAIRED, "mobile"),
    ("13812345678/13912345678", "13812345678", P.REPAIRED, "mobile"),
    ("075588881234", "075588881234", P.VALID, "landline"),
    ("0755-88881234", "075588881234", P.REPAIRED, "landline"),
    ("(0755)8888-1234", "075588881234", P.REPAIRED, "landline"),
    ("（0755）88881234", "075588881234", P.REPAIRED, "landline"),
    ("+86 755 8888 1234", "075588881234", P.REPAIRED, "landline"),
    ("88881234", "075588881234", P.REPAIRED, "landline"),
    ("0755-88881234转8001", "075588881234", P.REPAIRED, "landline"),
    ("010-12345678", "01012345678", P.REPAIRED, "landline"),
    ("17400123456", "17400123456", P.VALID, "mobile"),
    ("16101234567", "16101234567", P.VALID, "mobile"),
    ("15412345678", None, P.BAD_PREFIX, None),
    ("19412345678", None, P.BAD_PREFIX, None),
    ("17412345678", None, P.BAD_PREFIX, None),
    ("12012345678", None, P.BAD_PREFIX, None),
    ("1381234567", None, P.BAD_LENGTH, None),
    ("138123456789", None, P.BAD_LENGTH, None),
    ("0755-8888123", None, P.BAD_LENGTH, None),
    ("12345", None, P.BAD_LENGTH, None),
    ("无", None, P.MISSING, None),
    ("", None, P.MISSING, None),
    ("  ", None, P.MISSING, None),
    ("00000000000", None, P.MISSING, None),
    (None, None, P.MISSING, None),
    ("abc", None, P.NOT_A_PHONE, None),
    ("张三13812345678", None, P.NOT_A_PHONE, None),
    ("+85212345678", None, P.NOT_A_PHONE, None),
    ("0085212345678", None, P.NOT_A_PHONE, None),
]


def test_phone_cases():
    raw = [c[0] for c in PHONE_CASES]
    got = assert_same_for_all_inputs(standardize_phone, raw)
    for k, (value, phone, q, kind) in enumerate(PHONE_CASES):
        assert (got["phone"][k], got["phone_q"][k], got["phone_kind"][k]) == (phone, q, kind), value
        assert naive.std_phone(value) == (phone, q, kind), value
    assert set(P.REASONS) == {0, 1, 2, 3, 4, 5}


def _random_phones(rng: np.random.Generator, n: int) -> list[str | None]:
    out: list[str | None] = []
    for _ in range(n):
        kind = rng.integers(6)
        if kind == 0:
            body = "1" + "".join(rng.choice(list("0123456789"), 10))
        elif kind == 1:
            body = "0755" + "".join(rng.choice(list("0123456789"), int(rng.integers(6, 10))))
        elif kind == 2:
            body = "".join(rng.choice(list("0123456789"), int(rng.integers(1, 15))))
        elif kind == 3:
            body = str(rng.integers(2, 9)) + "".join(rng.choice(list("0123456789"), 7))
        elif kind == 4:
            body = "0" + str(rng.integers(1, 10)) + "".join(rng.choice(list("0123456789"), int(rng.integers(7, 12))))
        else:
            body = str(rng.choice(["无", "", "N/A", "null", "-", "abc", "1380000x000", "00"]))
        prefix = str(rng.choice(["", "", "", "+86", "0086", "86", "+86 ", "+852"]))
        s = prefix + body
        if rng.random() < 0.2 and len(s) > 7:
            i = int(rng.integers(1, len(s) - 1))
            s = s[:i] + str(rng.choice([" ", "-", "(", ")", "."])) + s[i:]
        if rng.random() < 0.05:
            s = s.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789+"})
        if rng.random() < 0.05:
            s += str(rng.choice(["/13912345678", "转123", " ext 5", "、0755-1"]))
        out.append(None if rng.random() < 0.02 else s)
    return out


def test_phone_matches_naive_on_random_values():
    values = _random_phones(np.random.default_rng(5), 20_000)
    out = standardize_phone(pa.array(values, pa.string()))
    got = list(zip(out["phone"].to_pylist(), out["phone_q"].to_pylist(), out["phone_kind"].to_pylist()))
    for v, g in zip(values, got):
        assert g == naive.std_phone(v), v


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=30)), max_size=40))
def test_phone_never_raises_and_is_idempotent(values):
    out = standardize_phone(pa.array(values, pa.string()))
    assert all(len(v) == len(values) for v in out.values())
    again = standardize_phone(out["phone"])
    assert again["phone"].to_pylist() == out["phone"].to_pylist()
    ok = np.array(out["phone_q"].to_pylist()) <= P.REPAIRED
    assert (np.array(again["phone_q"].to_pylist())[ok] == P.VALID).all()


# ------------------------------------------------------------------------------------ dates
d = dt.date
DATE_CASES = [
    ("20090615", d(2009, 6, 15), D.VALID, D.DAY),
    ("2009-06-15", d(2009, 6, 15), D.VALID, D.DAY),
    ("2009-6-5", d(2009, 6, 5), D.VALID, D.DAY),
    ("2009/6/15", d(2009, 6, 15), D.VALID, D.DAY),
    ("2009.06.15", d(2009, 6, 15), D.VALID, D.DAY),
    ("2009年6月15日", d(2009, 6, 15), D.VALID, D.DAY),
    ("2009年06月15日", d(2009, 6, 15), D.VALID, D.DAY),
    ("2009-06-15 00:00:00", d(2009, 6, 15), D.VALID, D.DAY),
    ("2009-06-15 13:45:00.000", d(2009, 6, 15), D.VALID, D.DAY),
    ("2009-06-15T00:00:00+08:00", d(2009, 6, 15), D.VALID, D.DAY),
    ("2009-06-14T16:00:00Z", d(2009, 6, 15), D.VALID, D.DAY),  # UTC midnight+16h = Shenzhen midnight
    ("2009-06-15T20:00:00-0500", d(2009, 6, 16), D.VALID, D.DAY),
    ("20090615000000", d(2009, 6, 15), D.VALID, D.DAY),
    ("39979", d(2009, 6, 15), D.VALID, D.DAY),
    ("39979.0", d(2009, 6, 15), D.VALID, D.DAY),
    ("61", d(1900, 3, 1), D.VALID, D.DAY),
    ("200906", d(2009, 6, 1), D.VALID, D.MONTH),
    ("2009-06", d(2009, 6, 1), D.VALID, D.MONTH),
    ("2009年6月", d(2009, 6, 1), D.VALID, D.MONTH),
    ("2009", d(2009, 1, 1), D.VALID, D.YEAR),
    ("2009年", d(2009, 1, 1), D.VALID, D.YEAR),
    (" 2009-06-15", d(2009, 6, 15), D.REPAIRED, D.DAY),
    ("２００９－０６－１５", d(2009, 6, 15), D.REPAIRED, D.DAY),
    ("2009/06/15 08:30", d(2009, 6, 15), D.REPAIRED, D.DAY),
    ("2009-02-29", None, D.IMPOSSIBLE, D.NONE),
    ("2008-02-29", d(2008, 2, 29), D.VALID, D.DAY),
    ("2009-02-30", None, D.IMPOSSIBLE, D.NONE),
    ("2009-13-01", None, D.IMPOSSIBLE, D.NONE),
    ("2009-00-10", None, D.IMPOSSIBLE, D.NONE),
    ("2009-06-15 24:00:00", None, D.IMPOSSIBLE, D.NONE),
    ("1900-01-01", None, D.MISSING, D.NONE),
    ("19700101", None, D.MISSING, D.NONE),
    ("1899-12-30", None, D.MISSING, D.NONE),
    ("1899-12-31", None, D.MISSING, D.NONE),
    ("0000-00-00", None, D.MISSING, D.NONE),
    ("00000000", None, D.MISSING, D.NONE),
    ("1", None, D.MISSING, D.NONE),  # Excel's 1900-01-01
    ("2", None, D.MISSING, D.NONE),  # the same day in the 1899-12-30 epoch
    ("", None, D.MISSING, D.NONE),
    (None, None, D.MISSING, D.NONE),
    ("1880-05-01", None, D.OUT_OF_RANGE, D.NONE),
    ("2030-01-01", None, D.OUT_OF_RANGE, D.NONE),
    ("090615", None, D.IMPOSSIBLE, D.NONE),  # 0906-15 as YYYYMM; YYMMDD needs formats
    ("2009年6-15", None, D.UNPARSED, D.NONE),
    ("15/06/2009", None, D.UNPARSED, D.NONE),
    ("六月", None, D.UNPARSED, D.NONE),
]


def test_date_cases():
    raw = [c[0] for c in DATE_CASES]
    got = assert_same_for_all_inputs(lambda a: standardize_date(a, today=TODAY), raw)
    for k, (value, date, q, prec) in enumerate(DATE_CASES):
        assert (got["date"][k], got["date_q"][k], got["date_precision"][k]) == (date, q, prec), value
        assert naive.std_date(value, TODAY) == (date, q, prec), value
    assert set(D.REASONS) == {0, 1, 2, 3, 4, 5}


def test_date_formats_declare_and_disambiguate():
    values = ["850101", "20090615", "2009-06-15", "200906", "1999"]
    out = standardize_date(pa.array(values), formats=["%y%m%d", "%Y%m%d"], today=TODAY)
    assert out["date"].to_pylist() == [d(1985, 1, 1), d(2009, 6, 15), d(2009, 6, 15), d(2020, 9, 6), d(1999, 1, 1)]
    assert out["date_q"].to_pylist() == [D.VALID, D.VALID, D.REPAIRED, D.VALID, D.REPAIRED]
    out = standardize_date(pa.array(["200906", "250101"]), formats=["%Y%m", "%y%m%d"], today=TODAY)
    assert out["date"].to_pylist() == [d(2009, 6, 1), None]  # the first declared reading: 2501-01
    assert out["date_q"].to_pylist() == [D.VALID, D.OUT_OF_RANGE]
    out = standardize_date(pa.array(["4000", "2009"]), formats=["excel"], today=TODAY)
    assert out["date"].to_pylist() == [d(1910, 12, 13), d(1905, 7, 1)]
    out = standardize_date(pa.array(["2009"]), formats=["%Y%m%d"], today=TODAY)
    assert out["date"].to_pylist() == [d(2009, 1, 1)] and out["date_q"].to_pylist() == [D.REPAIRED]
    with pytest.raises(ValueError, match="unknown date format"):
        standardize_date(pa.array(["2009"]), formats=["%d/%m/%Y"])


def test_date_today_bounds_the_range():
    out = standardize_date(pa.array(["2026-06-01", "2026-06-02"]), today="2026-06-01")
    assert out["date_q"].to_pylist() == [D.VALID, D.OUT_OF_RANGE]
    out = standardize_date(pa.array(["2026-06-02"]), today=np.datetime64("2026-06-02"))
    assert out["date_q"].to_pylist() == [D.VALID]


def _random_dates(rng: np.random.Generator, n: int) -> list[str | None]:
    out: list[str | None] = []
    for _ in range(n):
        y = int(rng.choice([0, 1880, 1899, 1900, 1970, 1985, 2000, 2009, 2024, 2026, 2031]))
        m, dd = int(rng.integers(0, 14)), int(rng.integers(0, 33))
        k = rng.integers(12)
        if k == 0:
            s = f"{y:04d}{m:02d}{dd:02d}"
        elif k == 1:
            s = f"{y}-{m}-{dd}" if rng.random() < 0.5 else f"{y:04d}-{m:02d}-{dd:02d}"
        elif k == 2:
            s = f"{y}/{m}/{dd}"
        elif k == 3:
            s = f"{y}.{m:02d}.{dd:02d}"
        elif k == 4:
            s = f"{y}年{m}月{dd}日"
        elif k == 5:
            hh, mi = int(rng.integers(0, 26)), int(rng.integers(0, 61))
            tz = str(rng.choice(["", "Z", "+08:00", "-0500", "+0100"]))
            sep = "T" if tz else str(rng.choice([" ", "T"]))
            s = f"{y:04d}-{m:02d}-{dd:02d}{sep}{hh:02d}:{mi:02d}:00{tz}"
        elif k == 6:
            s = str(int(rng.integers(0, 70000))) + ("" if rng.random() < 0.8 else ".0")
        elif k == 7:
            s = f"{y:04d}{m:02d}"
        elif k == 8:
            s = f"{y}年{m}月" if rng.random() < 0.5 else f"{y:04d}-{m:02d}"
        elif k == 9:
            s = f"{y}" if rng.random() < 0.5 else f"{y}年"
        elif k == 10:
            s = f"{y % 100:02d}{m:02d}{dd:02d}"
        else:
            s = str(rng.choice(["", "  ", "未知", "2009-06", "2009年6-15", "20O90615", "0000-00-00"]))
        if rng.random() < 0.05:
            s = " " + s
        if rng.random() < 0.05:
            s = s.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789-/."})
        out.append(None if rng.random() < 0.02 else s)
    return out


@pytest.mark.parametrize("formats", [None, ["%Y%m%d"], ["%y%m%d", "%Y-%m-%d"], ["excel", "%Y"], ["%Y%m", "%y%m%d"]])
def test_date_matches_naive_on_random_values(formats):
    values = _random_dates(np.random.default_rng(7), 20_000)
    out = standardize_date(pa.array(values, pa.string()), formats=formats, today=TODAY)
    got = zip(out["date"].to_pylist(), out["date_q"].to_pylist(), out["date_precision"].to_pylist())
    for v, g in zip(values, got):
        assert g == naive.std_date(v, TODAY, formats), v


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=30), st.dates().map(str)), max_size=40))
def test_date_never_raises_and_is_idempotent(values):
    out = standardize_date(pa.array(values, pa.string()), today=TODAY)
    assert all(len(v) == len(values) for v in out.values())
    again = standardize_date(pc.cast(out["date"], pa.string()), today=TODAY)
    assert again["date"].to_pylist() == out["date"].to_pylist()


# ------------------------------------------------------------------------------------ gender
GENDER_CASES = [
    ("男", 1, G.VALID), ("女", 2, G.VALID), ("男性", 1, G.VALID), ("女性", 2, G.VALID), ("M", 1, G.VALID),
    ("F", 2, G.VALID), ("MALE", 1, G.VALID), ("FEMALE", 2, G.VALID), ("1", 1, G.VALID), ("2", 2, G.VALID),
    ("m", 1, G.REPAIRED), ("Female", 2, G.REPAIRED), (" 男 ", 1, G.REPAIRED), ("Ｆ", 2, G.REPAIRED),
    ("0", 0, G.MISSING), ("9", 0, G.MISSING), ("未知", 0, G.MISSING), ("未说明", 0, G.MISSING), ("", 0, G.MISSING),
    (None, 0, G.MISSING), ("x", 0, G.UNRECOGNISED), ("男女", 0, G.UNRECOGNISED), ("3", 0, G.UNRECOGNISED),
]


def test_gender_cases():
    raw = [c[0] for c in GENDER_CASES]
    got = assert_same_for_all_inputs(standardize_gender, raw)
    for k, (value, g, q) in enumerate(GENDER_CASES):
        assert (got["gender"][k], got["gender_q"][k]) == (g, q), value
        assert naive.std_gender(value) == (g, q), value
    assert set(G.REASONS) == {0, 1, 2, 3, 4}


def test_gender_conflicts_with_id():
    values = pa.array(["男", "女", "m", "未知", "x", "男"])
    id_gender = np.array([2, 2, 2, 1, 1, 0], np.uint8)
    out = standardize_gender(values, id_gender=id_gender)
    assert out["gender"].to_pylist() == [1, 2, 1, 0, 0, 1]  # the recorded value is kept
    assert out["gender_q"].to_pylist() == [G.CONFLICTS_ID, G.VALID, G.CONFLICTS_ID, G.MISSING, G.UNRECOGNISED, G.VALID]
    for v, ig, q in zip(values.to_pylist(), id_gender, out["gender_q"].to_pylist()):
        assert naive.std_gender(v, int(ig))[1] == q
    arrow_ids = pa.array([2, 2, None, 1, 1, 0], pa.uint8())
    assert standardize_gender(values, id_gender=arrow_ids)["gender_q"].to_pylist()[2] == G.REPAIRED
    with pytest.raises(ValueError, match="id_gender"):
        standardize_gender(values, id_gender=np.zeros(3, np.uint8))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=8), st.sampled_from(["男", "女", "M", "f", "1", "2", "9"])),
                max_size=40))
def test_gender_never_raises_and_matches_naive(values):
    out = standardize_gender(pa.array(values, pa.string()))
    assert len(out["gender"]) == len(values) == len(out["gender_q"])
    for v, g, q in zip(values, out["gender"].to_pylist(), out["gender_q"].to_pylist()):
        assert (g, q) == naive.std_gender(v), v


def test_empty_inputs():
    for fn in (standardize_phone, lambda a: standardize_date(a, today=TODAY), standardize_gender):
        for arr in (pa.array([], pa.string()), pa.chunked_array([], pa.string()), pa.array([None, None], pa.null())):
            out = fn(arr)
            assert all(len(v) == len(arr) for v in out.values())


# ------------------------------------------------------------------------------------ the generator
RECORD_ID = {"gongan_renkou": "人员编号", "juzhuzheng": "受理编号", "shebao_canbao": "记录号", "jiaoyu_xueji": "记录号",
             "weijian_jiuzhen": "就诊流水号", "zhujian_zulin": "备案编号", "shichang_qiye": "登记序号",
             "minzheng_hunyin": "记录号"}
BIRTH_DATES = {  # source -> [(column, role, the department's date format)]
    "gongan_renkou": [("出生日期", "resident", "%Y%m%d")],
    "juzhuzheng": [("出生日期", "holder", "%Y-%m-%d")],
    "shebao_canbao": [("出生日期", "insured", None)],  # two exports: Excel serials and ISO dates
    "jiaoyu_xueji": [("出生日期", "student", "%Y年%m月%d日")],
    "weijian_jiuzhen": [("出生日期", "patient", "%Y/%m/%d")],
    "minzheng_hunyin": [("男方出生日期", "husband", "%Y.%m.%d"), ("女方出生日期", "wife", "%Y.%m.%d")],
}
OTHER_DATES = {  # columns without a truth value: they must parse (or be logged as corrupted)
    "gongan_renkou": ["登记日期"], "juzhuzheng": ["签发日期", "有效期至"], "shebao_canbao": ["参保日期", "数据日期"],
    "weijian_jiuzhen": ["就诊日期"], "zhujian_zulin": ["租赁起始日期", "租赁终止日期"], "shichang_qiye": ["成立日期"],
    "minzheng_hunyin": ["登记日期"],
}
FUTURE = {"有效期至", "租赁终止日期"}  # expiry dates: a spec gives them a later bound than today
PHONES = {
    "gongan_renkou": [("联系电话", "resident")], "juzhuzheng": [("手机号码", "holder")],
    "shebao_canbao": [("联系电话", "insured")], "jiaoyu_xueji": [("监护人手机", "guardian")],
    "weijian_jiuzhen": [("联系电话", "patient")],
    "zhujian_zulin": [("出租人联系电话", "landlord"), ("承租人联系电话", "tenant")],
}
GENDERS = {"gongan_renkou": ("性别", "resident"), "juzhuzheng": ("性别", "holder"), "shebao_canbao": ("性别", "insured"),
           "jiaoyu_xueji": ("性别", "student"), "weijian_jiuzhen": ("性别", "patient")}


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("city")
    generate(3000, 1, out)
    return out


class Truth:
    def __init__(self, city: Path):
        self.city = city
        persons = pq.read_table(city / "truth/persons.parquet")
        self.birth = persons["birth_date"].to_pylist()
        self.phone = persons["phone"].to_pylist()
        self.gender = [1 if g == "男" else 2 for g in persons["gender"].to_pylist()]
        self.mentions = pq.read_table(city / "truth/mentions.parquet")
        self.corruptions = pq.read_table(city / "truth/corruptions.parquet")

    def rows(self, source: str, column: str, role: str):
        """(record ids, values, entity per row, corruption kinds per row) of one column."""
        t = pq.read_table(self.city / f"departments/{source}.parquet")
        m = self.mentions
        m = m.filter(pc.and_(pc.equal(m["source"], source), pc.equal(m["role"], role)))
        entity = dict(zip(m["record_id"].to_pylist(), m["entity_id"].to_pylist()))
        c = self.corruptions.filter(pc.and_(pc.equal(self.corruptions["source"], source),
                                            pc.equal(self.corruptions["column"], column)))
        kinds: dict[str, set[str]] = collections.defaultdict(set)
        for r, k in zip(c["record_id"].to_pylist(), c["corruption"].to_pylist()):
            kinds[r].add(k)
        ids = t[RECORD_ID[source]].to_pylist()
        return ids, t[column], [entity[r] for r in ids], [kinds.get(r, set()) for r in ids]


@pytest.fixture(scope="module")
def truth(city) -> Truth:
    return Truth(city)


def test_generator_birth_dates_recover_the_truth(truth):
    report = {}
    for source, cols in BIRTH_DATES.items():
        for column, role, fmt in cols:
            _, values, entity, kinds = truth.rows(source, column, role)
            out = standardize_date(values, formats=[fmt] if fmt else None, today=TODAY)
            stats: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
            for e, k, date, q in zip(entity, kinds, out["date"].to_pylist(), out["date_q"].to_pylist()):
                born = truth.birth[e]
                swapped = dt.date(born.year, born.day, born.month) if born.day <= 12 else None
                if source == "shebao_canbao":
                    # the generator renders this column in two subsets and logs row numbers of the
                    # subset, so its log does not point at the right records: check without it
                    kind, ok = "unlogged", date in (born, swapped) or q == D.MISSING
                elif k & {"missing", "placeholder"}:
                    kind, ok = "missing/placeholder", q == D.MISSING and date is None
                elif "day_month_swap" in k:
                    kind, ok = "day_month_swap", date == swapped and q == D.VALID  # parses as written
                elif "alt_format" in k:
                    # another department's format; 2009年06月15日 for 2009年6月15日 is the same declared one
                    kind, ok = "alt_format", date == born and q in (D.VALID, D.REPAIRED)
                else:
                    kind, ok = "clean", date == born and q == D.VALID
                stats[kind][0] += ok
                stats[kind][1] += 1
            report[f"{source}.{column}"] = {k: f"{a}/{b}" for k, (a, b) in stats.items()}
            for kind, (a, b) in stats.items():
                assert a == b, (source, column, kind, a, b)
    print("\nbirth dates recovered (ok/rows):", report)


def test_generator_other_date_columns_parse(truth):
    for source, columns in OTHER_DATES.items():
        t = pq.read_table(truth.city / f"departments/{source}.parquet")
        for column in columns:
            out = standardize_date(t[column], today=dt.date(2100, 1, 1) if column in FUTURE else TODAY)
            q = np.array(out["date_q"].to_pylist())
            c = truth.corruptions
            logged = set(c.filter(pc.and_(pc.equal(c["source"], source), pc.equal(c["column"], column)))["record_id"]
                         .to_pylist())
            bad = [(r, v) for r, v, qq in zip(t[RECORD_ID[source]].to_pylist(), t[column].to_pylist(), q)
                   if qq > D.REPAIRED and r not in logged]
            assert not bad, (source, column, bad[:5])


def test_generator_phones_recover_the_truth(truth):
    report = {}
    for source, cols in PHONES.items():
        for column, role in cols:
            _, values, entity, kinds = truth.rows(source, column, role)
            out = standardize_phone(values)
            stats: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
            for raw, e, k, phone in zip(values.to_pylist(), entity, kinds, out["phone"].to_pylist()):
                if raw is None or k - {"format"} or truth.phone[e] is None:
                    continue  # missing, or another person's / an older / a mistyped number
                kind = "format" if k else "clean"
                stats[kind][0] += phone == truth.phone[e]
                stats[kind][1] += 1
            report[f"{source}.{column}"] = {k: f"{a}/{b}" for k, (a, b) in stats.items()}
            for kind, (a, b) in stats.items():
                assert a == b, (source, column, kind, a, b)
    print("\nphones recovered (ok/rows):", report)


def test_generator_genders_recover_the_truth(truth):
    for source, (column, role) in GENDERS.items():
        _, values, entity, kinds = truth.rows(source, column, role)
        out = standardize_gender(values)
        for e, k, g, q in zip(entity, kinds, out["gender"].to_pylist(), out["gender_q"].to_pylist()):
            if "missing" in k:
                assert q == G.MISSING
            elif "flip" in k:
                assert g == 3 - truth.gender[e]
            else:
                assert g == truth.gender[e] and q == G.VALID, (source, g, q)
