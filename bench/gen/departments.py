"""Department files: each department's own columns, formats and habits over the truth of a chunk.

A builder returns a :class:`DeptChunk`: columns (Chinese names, as the department exports them),
the truth of every mention in each row (role, kind, entity id) and the corruptor that holds the
corruption log. The writer shuffles rows and assigns record ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from weft.core.checksums import gs15_check_chars, orgcode_check_chars, uscc_check_chars

from . import tables as T
from .city import DISTRICT_NAMES, City
from .corrupt import CorruptionConfig, Corruptor
from .people import CHILD, FEMALE, HEAD, MALE, REF_DAY, SPOUSE, Persons, birth_year
from .render import addresses, dates
from .rng import chunk_rng
from .text import ascii_strings, num

__all__ = ["Source", "SOURCES", "DeptChunk", "Ctx", "company_codes", "person_fields"]

PERSON, ENTITY, HOUSE = "person", "entity", "house"
YEAR = 365.25


@dataclass
class DeptChunk:
    columns: dict[str, np.ndarray]
    mentions: list[tuple[str, str, np.ndarray]]  # (role, kind, entity id per row; -1 = none)
    cor: Corruptor

    @property
    def n(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0


@dataclass
class Ctx:
    seed: int
    chunk: int
    p0: int
    persons: Persons
    city: City
    config: CorruptionConfig
    company_range: tuple[int, int]

    def rng(self, stream: str) -> np.random.Generator:
        return chunk_rng(self.seed, self.chunk, stream)

    def corruptor(self, source: str) -> Corruptor:
        return Corruptor(self.config, source, self.rng("corrupt." + source))

    def local(self, pid: np.ndarray) -> np.ndarray:
        return np.asarray(pid, dtype=np.int64) - self.p0


@dataclass(frozen=True)
class Source:
    name: str  # file stem and source name
    department: str
    title: str
    record_id: str  # the record-id column
    prefix: str  # record-id prefix
    build: Callable[[Ctx], DeptChunk]


# ---------------------------------------------------------------------------------- helpers
def _obj(a) -> np.ndarray:
    return np.asarray(a, dtype=object)


def _foreign_ids(P: Persons, rows: np.ndarray, p0: int) -> np.ndarray:
    """A relative's valid ID for each row (spouse, else a parent), None if there is none."""
    out = np.full(len(rows), None, dtype=object)
    for rel in (P.mother, P.father, P.spouse):
        other = rel[rows]
        fill = (other >= 0) & np.array([o is None for o in out])
        out[fill] = P.id18[other[fill] - p0]
    return out


def person_fields(ctx: Ctx, cor: Corruptor, rows: np.ndarray, role: str, cols: dict, *,
                  older: np.ndarray | None = None, date_fmt: str = "iso",
                  gender_labels: tuple[str, str] = ("男", "女"), shared_phone: np.ndarray | None = None) -> dict:
    """Person attributes of local ``rows`` as columns named by ``cols`` (canonical -> column)."""
    P = ctx.persons
    older = np.zeros(len(rows), bool) if older is None else older
    out = {}
    for key, column in cols.items():
        if key == "name":
            out[column] = cor.names(P.name[rows], role, column, P.surname[rows], former=P.former_name[rows], older=older)
        elif key == "id_number":
            out[column] = cor.id_numbers(P.id18[rows], role, column, birth_year(P.birth[rows]), foreign=_foreign_ids(P, rows, ctx.p0))
        elif key == "gender":
            out[column] = cor.genders(P.gender[rows].astype(np.int64), role, column, gender_labels)
        elif key == "birth_date":
            out[column] = dates(P.birth[rows], date_fmt, cor, role, column)
        elif key == "ethnicity":
            out[column] = _obj([e for e, _ in T.ETHNICITIES])[P.eth[rows]]
        elif key == "phone":
            out[column] = cor.phones(P.phone[rows], role, column, stale=P.old_phone[rows], older=older, shared=shared_phone)
        else:  # pragma: no cover - programming error
            raise KeyError(key)
    return out


def company_codes(city: City, j: np.ndarray) -> dict[str, np.ndarray]:
    """USCC, organisation code and (legacy) 15-digit registration number of companies ``j``."""
    a = city.company_attrs(j)
    n = len(j)
    org = np.empty((n, 9), dtype=np.uint8)
    org[:, :8] = city.org_code_body(j, a["legacy"])
    org[:, 8] = orgcode_check_chars(org[:, :8])
    uscc = np.empty((n, 18), dtype=np.uint8)
    uscc[:, 0] = ord("9")
    uscc[:, 1] = np.where(a["individual"], ord("2"), ord("1"))
    reg = a["region"]
    for k in range(6):
        uscc[:, 2 + k] = ord("0") + (reg // 10 ** (5 - k)) % 10
    uscc[:, 8:17] = org
    uscc[:, 17] = uscc_check_chars(uscc[:, :17])
    # GS15: 440301 (first registering office) + 8-digit sequence (first digit 0-3 domestic) + check
    gs = np.empty((n, 15), dtype=np.uint8)
    seqno = (np.asarray(j, dtype=np.int64) * 104_729 + 12_345) % (4 * 10**7)
    body = 440301 * 10**8 + seqno
    for k in range(14):
        gs[:, k] = ord("0") + (body // 10 ** (13 - k)) % 10
    gs[:, 14] = gs15_check_chars(gs[:, :14])
    regno = ascii_strings(gs).to_numpy(zero_copy_only=False).astype(object)
    regno[~a["legacy"]] = None
    return {
        "uscc": ascii_strings(uscc).to_numpy(zero_copy_only=False).astype(object),
        "org_code": ascii_strings(org).to_numpy(zero_copy_only=False).astype(object),
        "reg_no": regno,
        **a,
    }


def _company_names(city: City, j: np.ndarray) -> np.ndarray:
    return city.company_names(j, city.company_attrs(j)).to_numpy(zero_copy_only=False).astype(object)


def _recent(rng, n, years_back: float, end: int = REF_DAY) -> np.ndarray:
    return (end - rng.random(n) * years_back * YEAR).astype(np.int32)


def _older_house(P: Persons, rows: np.ndarray, older: np.ndarray) -> np.ndarray:
    h = P.house[rows].copy()
    prev = P.prev_house[rows]
    use = older & (prev >= 0)
    h[use] = prev[use]
    return h


def _repeat(rng, rows: np.ndarray, p_second: float, p_third: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Rows repeated 1-3 times; the repeats are 'older' records."""
    k = 1 + (rng.random(len(rows)) < p_second) + (rng.random(len(rows)) < p_third)
    out = np.repeat(rows, k)
    first = np.concatenate([[True], out[1:] != out[:-1]]) if len(out) else np.zeros(0, bool)
    return out, ~first


def _district_of_houses(city: City, houses: np.ndarray) -> np.ndarray:
    return city.district_name(houses).to_numpy(zero_copy_only=False).astype(object)


# ---------------------------------------------------------------------------------- 公安
def build_gongan(ctx: Ctx) -> DeptChunk:
    P, rng = ctx.persons, ctx.rng("gongan")
    cor = ctx.corruptor("gongan_renkou")
    rows, older = _repeat(rng, np.arange(len(P)), 0.03)
    house = _older_house(P, rows, older)
    cols = person_fields(ctx, cor, rows, "resident", {"name": "姓名"}, older=older)
    cols["曾用名"] = P.former_name[rows]
    cols.update(person_fields(ctx, cor, rows, "resident", {
        "gender": "性别", "ethnicity": "民族", "birth_date": "出生日期", "id_number": "公民身份号码",
    }, date_fmt="ymd", older=older))
    sz_addr = addresses(ctx.city, P.house[rows], None, "resident", "户籍地址")
    cols["户籍地址"] = np.where(P.sz_hukou[rows], sz_addr, P.hukou_addr[rows])
    cols["现住址"] = addresses(ctx.city, house, cor, "residence", "现住址")
    cols.update(person_fields(ctx, cor, rows, "resident", {"phone": "联系电话"}, older=older))
    cols["户号"] = num(P.hh[rows] % 10**9 + 10**9 * (P.hh[rows] >> 32), 12).to_numpy(zero_copy_only=False).astype(object)
    rel = P.rel[rows]
    g = P.gender[rows]
    label = np.where(rel == HEAD, "户主", np.where(rel == SPOUSE, "配偶", np.where(
        rel == CHILD, np.where(g == MALE, "子", "女"), np.where(g == MALE, "父", "母"))))
    cols["与户主关系"] = _obj(label)
    cols["人员类别"] = _obj(np.where(P.sz_hukou[rows], "户籍人口", "流动人口"))
    reg = np.maximum(P.birth[rows], _recent(rng, len(rows), 15))
    reg = np.where(older, reg - (rng.random(len(rows)) * 3 * YEAR).astype(np.int32), reg)
    cols["登记日期"] = dates(np.maximum(reg, P.birth[rows]), "ymd", None, "resident", "登记日期")
    return DeptChunk(cols, [("resident", PERSON, P.pid[rows]), ("residence", HOUSE, house)], cor)


# ---------------------------------------------------------------------------------- 居住证
def build_juzhuzheng(ctx: Ctx) -> DeptChunk:
    P, rng, city = ctx.persons, ctx.rng("juzhuzheng"), ctx.city
    cor = ctx.corruptor("juzhuzheng")
    holders = np.flatnonzero(~P.sz_hukou & (P.age() >= 16) & (rng.random(len(P)) < 0.9))
    rows, older = _repeat(rng, holders, 0.35, 0.1)
    house = _older_house(P, rows, older)
    cols = person_fields(ctx, cor, rows, "holder", {
        "name": "姓名", "gender": "性别", "ethnicity": "民族", "birth_date": "出生日期", "id_number": "证件号码",
    }, older=older, date_fmt="iso", gender_labels=("1", "2"))
    cols["居住地址"] = addresses(city, house, cor, "residence", "居住地址", base_prefix=1)
    cols["房屋编码"] = cor.codes(city.house_code(house).to_numpy(zero_copy_only=False).astype(object), "house_code", "residence", "房屋编码")
    cols.update(person_fields(ctx, cor, rows, "holder", {"phone": "手机号码"}, older=older))
    issued = _recent(rng, len(rows), 1.0) - np.where(older, (3 * YEAR * (1 + rng.random(len(rows)))).astype(np.int32), 0)
    issued = np.maximum(issued, P.birth[rows] + int(16 * YEAR))
    cols["签发日期"] = dates(issued, "iso", cor, "holder", "签发日期")
    cols["有效期至"] = dates(issued + int(3 * YEAR), "iso", None, "holder", "有效期至")
    cols["签发机关"] = _district_of_houses(city, house) + "公安分局"
    return DeptChunk(cols, [("holder", PERSON, P.pid[rows]), ("residence", HOUSE, house)], cor)


# ---------------------------------------------------------------------------------- 社保
_INSURANCE = np.array(["企业职工基本养老保险", "职工基本医疗保险"], dtype=object)


def build_shebao(ctx: Ctx) -> DeptChunk:
    P, rng, city = ctx.persons, ctx.rng("shebao"), ctx.city
    cor = ctx.corruptor("shebao_canbao")
    cur = np.flatnonzero(P.employer >= 0)
    cur_rows = np.repeat(cur, 1 + (rng.random(len(cur)) < 0.7))
    ins = np.concatenate([[0], (cur_rows[1:] == cur_rows[:-1]).astype(int)]) if len(cur_rows) else np.zeros(0, int)
    prev = np.flatnonzero(P.prev_employer >= 0)
    rows = np.concatenate([cur_rows, prev])
    older = np.concatenate([np.zeros(len(cur_rows), bool), np.ones(len(prev), bool)])
    ins = np.concatenate([ins, np.zeros(len(prev), int)])
    employer = np.where(older, P.prev_employer[rows], P.employer[rows])
    start = np.where(older, P.prev_employed[rows, 0], P.employed_since[rows])
    end = np.where(older, P.prev_employed[rows, 1], REF_DAY)
    # the department's own stable person number: a bijective scramble of the person id
    cols = {"个人编号": _obj(np.char.add("SZ", np.char.zfill(((P.pid[rows] * 7_919 + ctx.seed) % 10**9).astype(str), 9)))}
    cols.update(person_fields(ctx, cor, rows, "insured", {"name": "姓名", "id_number": "证件号码", "gender": "性别"}, older=older))
    # two habits in one column: Excel serials from one district's export, ISO dates from the rest
    excel = rng.random(len(rows)) < 0.3
    bd = np.empty(len(rows), dtype=object)
    for subset, fmt in ((np.flatnonzero(excel), "excel"), (np.flatnonzero(~excel), "iso")):
        with cor.subset(subset):
            bd[subset] = dates(P.birth[rows][subset], fmt, cor, "insured", "出生日期")
    cols["出生日期"] = bd
    codes = company_codes(city, employer)
    cols["单位名称"] = cor.company_names(_company_names(city, employer), "employer", "单位名称")
    cols["统一社会信用代码"] = cor.codes(codes["uscc"], "uscc", "employer", "统一社会信用代码")
    cols["险种类型"] = _INSURANCE[ins]
    cols["参保日期"] = dates(start, "ym", None, "insured", "参保日期")
    cols["累计缴费月数"] = _obj(np.maximum(1, (end - start) // 30).astype(str))
    cols.update(person_fields(ctx, cor, rows, "insured", {"phone": "联系电话"}, older=older))
    cols["数据日期"] = _obj(np.full(len(rows), "2026-05-31"))
    return DeptChunk(cols, [("insured", PERSON, P.pid[rows]), ("employer", ENTITY, employer)], cor)


# ---------------------------------------------------------------------------------- 教育
_GRADES = np.array(["一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级", "高一", "高二", "高三"], dtype=object)


def guardians(P: Persons, rows: np.ndarray, rng, p0: int) -> np.ndarray:
    """Local index of each child's guardian: the mother 60 % of the time when both are there."""
    m, f = P.mother[rows], P.father[rows]
    pick_m = (m >= 0) & ((f < 0) | (rng.random(len(rows)) < 0.6))
    return np.where(pick_m, m, f) - p0


def build_jiaoyu(ctx: Ctx) -> DeptChunk:
    P, rng, city = ctx.persons, ctx.rng("jiaoyu"), ctx.city
    cor = ctx.corruptor("jiaoyu_xueji")
    age = P.age()
    students = np.flatnonzero((P.rel == CHILD) & (age >= 6) & (age < 18) & ((P.mother >= 0) | (P.father >= 0)))
    rows, older = _repeat(rng, students, 0.2)
    house = _older_house(P, rows, older)
    g = guardians(P, rows, rng, ctx.p0)
    cols = {"学籍号": _obj(np.char.add("G", P.id18[rows].astype(str)))}
    cols.update(person_fields(ctx, cor, rows, "student", {
        "name": "学生姓名", "gender": "性别", "birth_date": "出生日期", "id_number": "身份证件号",
    }, older=older, date_fmt="cn"))
    dist = _district_of_houses(city, house)
    sw = rng.integers(0, len(T.ROAD_WORDS), len(rows))
    ss = rng.integers(0, len(T.SCHOOL_SUFFIXES), len(rows))
    cols["学校名称"] = "深圳市" + dist + _obj(T.ROAD_WORDS)[sw] + _obj(T.SCHOOL_SUFFIXES)[ss]
    grade = np.clip(np.floor(age[rows] - 6).astype(int) - older, 0, 11)
    cols["年级"] = _GRADES[grade]
    cols.update(person_fields(ctx, cor, g, "guardian", {"name": "监护人姓名"}))
    cols["监护人关系"] = _obj(np.where(P.gender[g] == FEMALE, "母亲", "父亲"))
    cols.update(person_fields(ctx, cor, g, "guardian", {"id_number": "监护人证件号", "phone": "监护人手机"}))
    cols["家庭住址"] = addresses(city, house, cor, "residence", "家庭住址", base_prefix=2, base_community=False)
    return DeptChunk(cols, [("student", PERSON, P.pid[rows]), ("guardian", PERSON, P.pid[g]), ("residence", HOUSE, house)], cor)


# ---------------------------------------------------------------------------------- 卫健
def build_weijian(ctx: Ctx) -> DeptChunk:
    P, rng, city = ctx.persons, ctx.rng("weijian"), ctx.city
    cor = ctx.corruptor("weijian_jiuzhen")
    visits = np.minimum(rng.poisson(0.45, len(P)), 3)
    rows = np.repeat(np.arange(len(P)), visits)
    first = np.concatenate([[True], rows[1:] != rows[:-1]]) if len(rows) else np.zeros(0, bool)
    older = ~first
    house = _older_house(P, rows, older)
    # children without a phone give a parent's: the department's habit, not a corruption
    g = np.where(P.rel[rows] == CHILD, np.maximum(P.mother[rows], P.father[rows]) - ctx.p0, -1)
    guardian_phone = np.where(g >= 0, P.phone[np.maximum(g, 0)], None)
    cols = person_fields(ctx, cor, rows, "patient", {
        "name": "患者姓名", "gender": "性别", "birth_date": "出生日期",
    }, older=older, date_fmt="slash", gender_labels=("M", "F"))
    cols["证件类型"] = _obj(np.full(len(rows), "居民身份证"))
    cols.update(person_fields(ctx, cor, rows, "patient", {"id_number": "证件号码"}))
    phone = person_fields(ctx, cor, rows, "patient", {"phone": "联系电话"}, older=older, shared_phone=guardian_phone)["联系电话"]
    no_own = np.array([p is None for p in P.phone[rows]])
    phone[no_own] = guardian_phone[no_own]
    cols["联系电话"] = phone
    cols["现住址"] = addresses(city, house, cor, "residence", "现住址", base_prefix=1, base_community=False)
    seen = _recent(rng, len(rows), 3) - np.where(older, (rng.random(len(rows)) * 2 * YEAR).astype(np.int32), 0)
    cols["就诊日期"] = dates(np.maximum(seen, P.birth[rows]), "slash", None, "patient", "就诊日期")
    cols["医疗机构"] = _obj(T.HOSPITAL_NAMES)[rng.integers(0, len(T.HOSPITAL_NAMES), len(rows))]
    return DeptChunk(cols, [("patient", PERSON, P.pid[rows]), ("residence", HOUSE, house)], cor)


# ---------------------------------------------------------------------------------- 住建 leases
def build_zhujian(ctx: Ctx) -> DeptChunk:
    P, rng, city = ctx.persons, ctx.rng("zhujian"), ctx.city
    cor = ctx.corruptor("zhujian_zulin")
    tenants = np.flatnonzero((P.rel == HEAD) & ~P.owns & (P.age() >= 18))
    prev = tenants[(P.prev_house[tenants] >= 0) & (rng.random(len(tenants)) < 0.5)]
    rows = np.concatenate([tenants, prev])
    older = np.concatenate([np.zeros(len(tenants), bool), np.ones(len(prev), bool)])
    house = _older_house(P, rows, older)
    owners = np.flatnonzero(P.owns & (P.rel == HEAD))
    owners = owners if len(owners) else np.arange(len(P))
    landlord = np.where(older, owners[rng.integers(0, len(owners), len(rows))], P.landlord[rows] - ctx.p0)
    landlord = np.where(landlord < 0, owners[rng.integers(0, len(owners), len(rows))], landlord)
    cols = {"房屋编码": cor.codes(city.house_code(house).to_numpy(zero_copy_only=False).astype(object), "house_code", "house", "房屋编码")}
    cols["房屋地址"] = addresses(city, house, cor, "house", "房屋地址")
    cols.update(person_fields(ctx, cor, landlord, "landlord", {"name": "出租人姓名", "id_number": "出租人证件号码", "phone": "出租人联系电话"}))
    # a tenant's number is sometimes the landlord's or the letting agent's
    cols.update(person_fields(ctx, cor, rows, "tenant", {"name": "承租人姓名", "id_number": "承租人证件号码", "phone": "承租人联系电话"},
                              older=older, shared_phone=P.phone[landlord]))
    start = np.where(older, _recent(rng, len(rows), 2, REF_DAY - int(2 * YEAR)), _recent(rng, len(rows), 2))
    cols["租赁起始日期"] = dates(start, "ts", cor, "tenant", "租赁起始日期")
    cols["租赁终止日期"] = dates(start + int(YEAR) * rng.integers(1, 4, len(rows)), "ts", None, "tenant", "租赁终止日期")
    cols["月租金"] = _obj((rng.integers(8, 120, len(rows)) * 100).astype(str))
    return DeptChunk(cols, [("tenant", PERSON, P.pid[rows]), ("landlord", PERSON, P.pid[landlord]), ("house", HOUSE, house)], cor)


# ---------------------------------------------------------------------------------- 市场监管
_FORM_TYPE = {"有限公司": "有限责任公司", "有限责任公司": "有限责任公司", "股份有限公司": "股份有限公司"}


def build_shichang(ctx: Ctx) -> DeptChunk:
    P, rng, city = ctx.persons, ctx.rng("shichang"), ctx.city
    cor = ctx.corruptor("shichang_qiye")
    j0, j1 = ctx.company_range
    comp = np.arange(j0, j1, dtype=np.int64)
    age = P.age()
    adults = np.flatnonzero((age >= 22) & (age < 70))
    adults = adults if len(adults) else np.arange(len(P))
    rep = adults[rng.integers(0, len(adults), len(comp))]
    ctx.persons.extra["legal_rep"] = (comp, P.pid[rep])
    k = 1 + (rng.random(len(comp)) < 0.1)  # a change record (变更) with the former address
    cidx = np.repeat(np.arange(len(comp)), k)
    older = np.concatenate([[False], cidx[1:] == cidx[:-1]]) if len(cidx) else np.zeros(0, bool)
    j = comp[cidx]
    codes = company_codes(city, j)
    house = np.where(older, rng.integers(0, city.n_houses, len(j)), codes["house"])
    names = _company_names(city, j)
    cols = {"主体名称": cor.company_names(names, "company", "主体名称")}
    cols["统一社会信用代码"] = cor.codes(codes["uscc"], "uscc", "company", "统一社会信用代码")
    cols["注册号"] = codes["reg_no"]
    form = np.array([next((v for f, v in _FORM_TYPE.items() if s.endswith(f)), "其他") for s in names], dtype=object)
    form = np.where(codes["individual"], "个体工商户", form)
    cols["主体类型"] = form
    cols.update(person_fields(ctx, cor, rep[cidx], "legal_rep", {"name": "法定代表人", "id_number": "法定代表人证件号码"}))
    cols["住所"] = addresses(city, house, cor, "registered_address", "住所")
    cols["成立日期"] = dates(codes["founded"], "cn0", cor, "company", "成立日期")
    cols["注册资本（万元）"] = _obj(codes["capital"].astype(str))
    status = rng.random(len(j))
    cols["登记状态"] = _obj(np.where(status < 0.9, "存续", np.where(status < 0.95, "注销", "吊销")))
    cols["登记机关"] = "深圳市市场监督管理局" + _obj(DISTRICT_NAMES)[codes["district"]].astype(object) + "监管局"
    return DeptChunk(cols, [("company", ENTITY, j), ("legal_rep", PERSON, P.pid[rep[cidx]]), ("registered_address", HOUSE, house)], cor)


# ---------------------------------------------------------------------------------- 民政
def build_minzheng(ctx: Ctx) -> DeptChunk:
    P, rng, city = ctx.persons, ctx.rng("minzheng"), ctx.city
    cor = ctx.corruptor("minzheng_hunyin")
    heads = np.flatnonzero((P.rel == HEAD) & (P.spouse >= 0) & (rng.random(len(P)) < 0.9))
    sp = P.spouse[heads] - ctx.p0
    husband = np.where(P.gender[heads] == MALE, heads, sp)
    wife = np.where(P.gender[heads] == MALE, sp, heads)
    cols = person_fields(ctx, cor, husband, "husband", {"name": "男方姓名", "id_number": "男方身份证件号码", "birth_date": "男方出生日期"}, date_fmt="dot")
    cols.update(person_fields(ctx, cor, wife, "wife", {"name": "女方姓名", "id_number": "女方身份证件号码", "birth_date": "女方出生日期"}, date_fmt="dot"))
    married = np.maximum(P.birth[husband], P.birth[wife]) + (int(22 * YEAR) + rng.random(len(heads)) * 8 * YEAR).astype(np.int32)
    married = np.minimum(married, REF_DAY - 30)
    cols["登记日期"] = dates(married, "dot", cor, "husband", "登记日期")
    dist = _district_of_houses(city, P.house[heads])
    cols["登记机关"] = "深圳市" + dist + "民政局"
    y = birth_year(married).astype(str)
    cols["结婚证字号"] = _obj(np.char.add(np.char.add("J4403", np.char.add(y, "-")), np.char.zfill(rng.integers(0, 10**6, len(heads)).astype(str), 6)))
    cols["业务类型"] = _obj(np.full(len(heads), "结婚登记"))
    return DeptChunk(cols, [("husband", PERSON, P.pid[husband]), ("wife", PERSON, P.pid[wife])], cor)


SOURCES: tuple[Source, ...] = (
    Source("gongan_renkou", "公安", "实有人口登记", "人员编号", "GA", build_gongan),
    Source("juzhuzheng", "公安", "居住证办理", "受理编号", "JZ", build_juzhuzheng),
    Source("shebao_canbao", "人社", "社会保险参保", "记录号", "SB", build_shebao),
    Source("jiaoyu_xueji", "教育", "学籍信息", "记录号", "JY", build_jiaoyu),
    Source("weijian_jiuzhen", "卫健", "就诊记录", "就诊流水号", "WJ", build_weijian),
    Source("zhujian_zulin", "住建", "房屋租赁备案", "备案编号", "ZJ", build_zhujian),
    Source("shichang_qiye", "市场监管", "市场主体登记", "登记序号", "SC", build_shichang),
    Source("minzheng_hunyin", "民政", "婚姻登记", "记录号", "MZ", build_minzheng),
)
