"""The synthetic city: valid identifiers, faithful truth, honest corruption rates, determinism."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from stdnum.cn import ric as stdnum_ric

from weft.bench.gen import ConfigError, CorruptionConfig, generate
from weft.bench.gen import tables as T
from weft.bench.gen.departments import SOURCES
from weft.bench.gen.exam import FULL_SCALE_PERSONS, FULL_SCALE_REGISTRANTS
from weft.linkage.regions import load_divisions

from . import naive
from .generated import ID_COLUMNS

PERSONS = 6_000
CHUNK = 2_500  # three chunks, the last one partial

USCC_COLUMNS = {"shebao_canbao": ("统一社会信用代码", "employer"), "shichang_qiye": ("统一社会信用代码", "company")}
HOUSE_CODE_COLUMNS = {"juzhuzheng": ("房屋编码", "residence"), "zhujian_zulin": ("房屋编码", "house")}


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("city")
    generate(PERSONS, 11, out, chunk_size=CHUNK)
    return out


def _read(city: Path, rel: str) -> pa.Table:
    return pq.read_table(city / rel)


def _dept(city: Path, source: str) -> pa.Table:
    rel = "exam/exam_registration.parquet" if source == "exam_registration" else f"departments/{source}.parquet"
    return _read(city, rel)


def _clean_values(city: Path, source: str, column: str, role: str, kind: str):
    """(value, entity_id) for the rows of ``column`` that no corruption touched."""
    src = next(s for s in SOURCES if s.name == source)
    dept = _dept(city, source).select([src.record_id, column]).rename_columns(["record_id", "value"])
    ments = _read(city, "truth/mentions.parquet")
    ments = ments.filter(pc.and_(pc.equal(ments["source"], source), pc.equal(ments["role"], role)))
    cor = _read(city, "truth/corruptions.parquet")
    cor = cor.filter(pc.and_(pc.equal(cor["source"], source), pc.equal(cor["column"], column)))
    touched = set(cor["record_id"].to_pylist())
    joined = dept.join(ments.select(["record_id", "entity_id", "kind"]), "record_id")
    assert joined.num_rows == dept.num_rows, "every record has its truth"
    assert set(joined["kind"].to_pylist()) == {kind}
    rows = [(v, e) for r, v, e in zip(joined["record_id"].to_pylist(), joined["value"].to_pylist(),
                                       joined["entity_id"].to_pylist()) if r not in touched]
    assert len(rows) > 0.5 * dept.num_rows
    return rows


# ------------------------------------------------------------------------------------ truth
def test_truth_ids_are_valid_and_consistent(city):
    persons = _read(city, "truth/persons.parquet")
    assert persons.num_rows == PERSONS
    assert persons["person_id"].to_pylist() == list(range(PERSONS))
    ids = persons["id_number"].to_pylist()
    assert len(set(ids)) == PERSONS, "ID numbers are unique"
    div = load_divisions()
    births = persons["birth_date"].to_pylist()
    genders = persons["gender"].to_pylist()
    for i, b, g in zip(ids, births, genders):
        assert naive.ric_is_valid(i), i
        if b.year >= 1985:  # stdnum wants the region valid in the birth year; older numbers were issued later
            assert stdnum_ric.is_valid(i), i
        assert i[6:14] == b.strftime("%Y%m%d")
        assert (int(i[16]) % 2 == 1) == (g == "男")
    assert (div.index_of(np.array([int(i[:6]) for i in ids])) >= 0).all(), "every region code is a real division"


def test_companies_have_valid_codes(city):
    comp = _read(city, "truth/companies.parquet")
    assert comp.num_rows > 0.2 * PERSONS
    usccs, orgs, regs = comp["uscc"].to_pylist(), comp["org_code"].to_pylist(), comp["reg_no"].to_pylist()
    assert len(set(usccs)) == len(usccs)
    for u, o, r in zip(usccs, orgs, regs):
        assert naive.uscc_is_valid(u), u
        assert u[8:17] == o
        assert naive.orgcode_is_valid(o), o  # full-alphabet letter values (DOMAIN §2)
        if r is not None:
            assert naive.gs15_is_valid(r), r
    kinds = comp["kind"].to_pylist()
    assert {"individual", "enterprise"} == set(kinds)
    assert any(o.startswith("MA") for o in orgs) and any(o.isdigit() for o in orgs[:-1] + [orgs[-1]])


def test_houses_have_unique_25_digit_codes(city):
    houses = _read(city, "truth/houses.parquet")
    codes = houses["house_code"].to_pylist()
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 25 and c.isdigit() for c in codes)
    districts = {code for code, _ in T.SHENZHEN_DISTRICTS}
    assert {c[:6] for c in codes} <= districts
    comm = houses["community_code"].to_pylist()
    assert all(c.startswith(str(k)) for c, k in zip(codes, comm))


def test_households_twins_and_hard_names(city):
    persons = _read(city, "truth/persons.parquet").to_pydict()
    rel = _read(city, "truth/relations.parquet")
    guardians = rel.filter(pc.equal(rel["relation"], "guardian_of"))
    assert guardians.num_rows > 0.15 * PERSONS
    # parents are older than their children
    birth = persons["birth_date"]
    for f, t in zip(guardians["from_id"].to_pylist()[:500], guardians["to_id"].to_pylist()[:500]):
        assert birth[f] < birth[t]
    # birthdays spread over the calendar: a pile-up on one day would exhaust ID sequence numbers at scale
    _, per_day = np.unique(np.array(birth, dtype="datetime64[D]"), return_counts=True)
    assert per_day.max() <= 10, per_day.max()
    twins = [i for i, t in enumerate(persons["is_twin"]) if t]
    assert len(twins) >= 2
    for i in twins:
        assert any(birth[j] == birth[i] and persons["household_id"][j] == persons["household_id"][i] and j != i for j in twins)
    names = persons["name"]
    common = {s + g for s, g, _, _ in T.COMMON_FULL_NAMES}
    assert sum(n in common for n in names) >= 10
    compound = {s for s, _ in T.COMPOUND_SURNAMES}
    assert any(s in compound for s in persons["surname"] if s)
    ages = [(np.datetime64("2026-06-01") - np.datetime64(b)).astype(int) / 365.25 for b in birth]
    # a young migrant city: most adults between 25 and 45
    adults = [a for a in ages if a >= 18]
    assert 0.45 < sum(25 <= a < 45 for a in adults) / len(adults) < 0.8


def test_dotted_minority_names_appear(tmp_path):
    # ~0.3 % of persons are Uyghur or Kazakh: a larger, cleaner run to see enough of them
    generate(20_000, 5, tmp_path, CorruptionConfig(scale=0))
    p = _read(tmp_path, "truth/persons.parquet").to_pydict()
    dotted = [(n, e) for n, e in zip(p["name"], p["ethnicity"]) if "·" in n]
    assert dotted, "dotted names exist"
    assert {e for _, e in dotted} <= {"维吾尔族", "哈萨克族"}


# ------------------------------------------------------------------------------------ department files
def test_uncorrupted_ids_validate_and_match_truth(city):
    truth = _read(city, "truth/persons.parquet")["id_number"].to_pylist()
    for source, cols in ID_COLUMNS.items():
        for column, role in cols:
            for value, entity in _clean_values(city, source, column, role, "person"):
                assert value == truth[entity], (source, column, value)


def test_uncorrupted_usccs_and_house_codes_match_truth(city):
    comp = _read(city, "truth/companies.parquet")
    n_comp = json.loads((city / "manifest.json").read_text())["truth"]["companies"]
    for source, (column, role) in USCC_COLUMNS.items():
        rows = _clean_values(city, source, column, role, "entity")
        for value, entity in rows:
            assert naive.uscc_is_valid(value) and 0 <= entity < n_comp
    by_id = dict(zip(comp["company_id"].to_pylist(), comp["uscc"].to_pylist()))
    for value, entity in _clean_values(city, "shichang_qiye", "统一社会信用代码", "company", "entity"):
        assert by_id[entity] == value
    houses = _read(city, "truth/houses.parquet")["house_code"].to_pylist()
    for source, (column, role) in HOUSE_CODE_COLUMNS.items():
        for value, entity in _clean_values(city, source, column, role, "house"):
            assert value == houses[entity]


def test_every_record_joins_to_its_truth(city):
    manifest = json.loads((city / "manifest.json").read_text())
    ments = _read(city, "truth/mentions.parquet")
    n_houses = manifest["truth"]["houses"]
    for s in manifest["sources"]:
        dept = _read(city, s["file"])
        assert dept.num_rows == manifest["records"][s["name"]]
        ids = set(dept[s["record_id"]].to_pylist())
        assert len(ids) == dept.num_rows, "record ids are unique"
        mine = ments.filter(pc.equal(ments["source"], s["name"]))
        roles = set(mine["role"].to_pylist())
        for role in roles:
            r = mine.filter(pc.equal(mine["role"], role))
            assert set(r["record_id"].to_pylist()) == ids, (s["name"], role)
        for kind, limit in (("person", PERSONS), ("entity", manifest["truth"]["companies"]), ("house", n_houses)):
            e = mine.filter(pc.equal(mine["kind"], kind))["entity_id"].to_numpy()
            assert (e < limit).all() and (e >= -1).all()
    per_person = manifest["records_total"] / PERSONS
    assert 3.5 < per_person < 5.0, per_person


def test_department_columns_are_department_specific(city):
    cols = {s.name: set(_dept(city, s.name).column_names) for s in SOURCES}
    assert cols["gongan_renkou"] >= {"人员编号", "姓名", "公民身份号码", "出生日期", "现住址", "户籍地址"}
    assert cols["jiaoyu_xueji"] >= {"学生姓名", "监护人姓名", "监护人证件号"}
    assert cols["shebao_canbao"] >= {"单位名称", "统一社会信用代码", "累计缴费月数"}
    assert cols["zhujian_zulin"] >= {"房屋编码", "承租人姓名", "出租人姓名"}
    assert cols["shichang_qiye"] >= {"主体名称", "法定代表人", "住所"}
    # no truth leaks into department files
    for c in cols.values():
        assert not any("id" == x or x.endswith("_id") for x in c)
    # each department keeps its own date habit
    g = _dept(city, "gongan_renkou")["出生日期"].drop_null().to_pylist()
    assert sum(len(x) == 8 and x.isdigit() for x in g) > 0.95 * len(g)
    j = _dept(city, "jiaoyu_xueji")["出生日期"].drop_null().to_pylist()
    assert sum("年" in x for x in j) > 0.9 * len(j)


# ------------------------------------------------------------------------------------ corruption
def test_realised_corruption_rates_match_configured(city):
    manifest = json.loads((city / "manifest.json").read_text())
    log = _read(city, "truth/corruptions.parquet")
    checked = 0
    counts = {}
    for s, f, k in zip(log["source"].to_pylist(), log["field"].to_pylist(), log["corruption"].to_pylist()):
        counts[(s, f, k)] = counts.get((s, f, k), 0) + 1
    for src, fields in manifest["corruption"].items():
        for field, kinds in fields.items():
            for kind, c in kinds.items():
                assert counts.get((src, field, kind), 0) == c["applied"], (src, field, kind)
                n, p = c["eligible"], c["configured"]
                if n < 400 or p == 0:
                    continue
                tol = 5 * math.sqrt(p * (1 - p) / n) + 1e-3
                assert abs(c["realised"] - p) <= tol, (src, field, kind, c)
                checked += 1
    assert checked > 100


def test_corruptions_look_like_the_domain(city):
    log = _read(city, "truth/corruptions.parquet")
    seen = set(zip(log["field"].to_pylist(), log["corruption"].to_pylist()))
    for field, kinds in CorruptionConfig().rates.items():
        for kind in kinds:
            if field == "name" and kind in ("middle_dot", "truncated"):
                continue  # need dotted names, rare at this size
            assert (field, kind) in seen, (field, kind)
    g = _dept(city, "gongan_renkou")
    values = [v for v in g["公民身份号码"].to_pylist() if v]
    assert any(len(v) == 15 and v.isdigit() for v in values), "15-digit legacy numbers"
    assert any("E+17" in v or v.endswith("000") for v in values), "Excel damage"
    assert any(v.endswith("x") for v in values), "lowercase x"
    assert any(any("０" <= ch <= "９" for ch in v) for v in values), "full-width digits"


def test_clean_config_writes_no_corruption(tmp_path):
    r = generate(1_500, 3, tmp_path, CorruptionConfig(scale=0))
    assert _read(tmp_path, "truth/corruptions.parquet").num_rows == 0
    truth = _read(tmp_path, "truth/persons.parquet")["id_number"].to_pylist()
    for value, entity in _clean_values(tmp_path, "gongan_renkou", "公民身份号码", "resident", "person"):
        assert value == truth[entity]
    assert r.records["gongan_renkou"] >= 1_500


def test_corruption_config_from_toml(tmp_path):
    good = tmp_path / "c.toml"
    good.write_text("[rates.name]\ntraditional = 0.5\n[factors.weijian_jiuzhen]\nname = 2\n", encoding="utf-8")
    cfg = CorruptionConfig.from_toml(good)
    assert cfg.rate("gongan_renkou", "name", "traditional") == pytest.approx(0.5 * 0.3)
    assert cfg.rate("weijian_jiuzhen", "name", "traditional") == pytest.approx(1.0)
    for text, needle in (
        ("[rates.nmae]\nx = 1\n", "rates.nmae"),
        ("[rates.name]\ntraditonal = 0.1\n", "rates.name.traditonal"),
        ("[rates.name]\ntraditional = 2\n", "must be a number in [0, 1]"),
        ("[colors]\n", "unknown table"),
        ("not toml [", "c.toml"),
    ):
        good.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=needle.replace("[", r"\[").replace("]", r"\]")):
            CorruptionConfig.from_toml(good)


# ------------------------------------------------------------------------------------ exam
def test_exam_registrations(city):
    exam = _dept(city, "exam_registration")
    truth = _read(city, "truth/exam.parquet")
    assert exam.num_rows == truth.num_rows == FULL_SCALE_REGISTRANTS * PERSONS // FULL_SCALE_PERSONS
    assert set(exam["报名号"].to_pylist()) == set(truth["record_id"].to_pylist())
    persons = _read(city, "truth/persons.parquet").to_pydict()
    for pid, gid in zip(truth["person_id"].to_pylist(), truth["guardian_id"].to_pylist()):
        age = (np.datetime64("2026-06-01") - np.datetime64(persons["birth_date"][pid])).astype(int) / 365.25
        assert 14 <= age < 17
        assert gid in (persons["father_id"][pid], persons["mother_id"][pid])
    kinds = truth["inconsistency"].to_pylist()
    for k, pid, typed_c, typed_g, gid in zip(kinds, truth["person_id"].to_pylist(), truth["typed_child_id"].to_pylist(),
                                              truth["typed_guardian_id"].to_pylist(), truth["guardian_id"].to_pylist()):
        assert (typed_c != pid) == (k == "foreign_id")
        assert (typed_g != gid) == (k == "wrong_guardian")


def test_exam_inconsistency_rate(tmp_path):
    generate(60_000, 9, tmp_path, CorruptionConfig(scale=0))
    kinds = _read(tmp_path, "truth/exam.parquet")["inconsistency"].to_pylist()
    n = len(kinds)
    assert n == FULL_SCALE_REGISTRANTS * 60_000 // FULL_SCALE_PERSONS
    bad = sum(k != "" for k in kinds) / n
    assert abs(bad - 0.03) < 5 * math.sqrt(0.03 * 0.97 / n)


# ------------------------------------------------------------------------------------ determinism
def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*.parquet"))}


def test_same_seed_same_files(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(2_000, 42, a, chunk_size=700)
    generate(2_000, 42, b, chunk_size=700)
    generate(2_000, 43, c, chunk_size=700)
    da, db, dc = _digest(a), _digest(b), _digest(c)
    assert len(da) >= 15
    assert da == db
    assert all(da[k] != dc[k] for k in da if "departments" in k)


def test_refuses_to_overwrite(tmp_path):
    generate(300, 1, tmp_path)
    with pytest.raises(FileExistsError):
        generate(300, 1, tmp_path)
    generate(300, 2, tmp_path, overwrite=True)
    assert json.loads((tmp_path / "manifest.json").read_text())["seed"] == 2


def test_corruption_log_points_at_the_corrupted_rows(city):
    """A logged date corruption really changed that row's value (社保 mixes two date habits)."""
    dept = _dept(city, "shebao_canbao")
    log = _read(city, "truth/corruptions.parquet")
    log = log.filter(pc.and_(pc.equal(log["source"], "shebao_canbao"), pc.equal(log["column"], "出生日期")))
    missing = set(log.filter(pc.equal(log["corruption"], "missing"))["record_id"].to_pylist())
    values = dict(zip(dept["记录号"].to_pylist(), dept["出生日期"].to_pylist()))
    assert missing and all(values[r] is None for r in missing)
    assert sum(v is None for v in values.values()) == len(missing)
