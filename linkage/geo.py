"""Shenzhen geography for weft: districts with their GB/T 2260 codes, their streets (街道), aliases,
and look-ups of other cities' districts in the GB/T 2260 table (:func:`load_divisions`).

This is weft's authoritative copy of the Shenzhen tables (DOMAIN §1, §3); the synthetic-city
generator's ``bench/gen/tables.py`` carries the same content. Street lists are our best knowledge
as of the early 2020s (74 streets after the 2016-2018 subdivisions); treat them as configuration.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .regions import OPEN_END, load_divisions

__all__ = [
    "SHENZHEN_PREFECTURE",
    "SHENZHEN_PROVINCE_NAME",
    "SHENZHEN_CITY_NAME",
    "SHENZHEN_DISTRICTS",
    "SHENZHEN_STREETS",
    "CITY_ALIASES",
    "DISTRICT_ALIASES",
    "PROVINCE_SHORT_NAMES",
    "AdminName",
    "admin_names",
    "district_code",
    "district_of_street",
    "county_candidates",
]

SHENZHEN_PREFECTURE = 4403
SHENZHEN_PROVINCE_NAME = "广东省"
SHENZHEN_CITY_NAME = "深圳市"

# GB/T 2260 county-level codes. 大鹏新区 is a functional area without a code of its own and is
# filed under 龙岗 (440307); it keeps its own name because departments write it.
SHENZHEN_DISTRICTS: tuple[tuple[str, str], ...] = (
    ("440303", "罗湖区"), ("440304", "福田区"), ("440305", "南山区"), ("440306", "宝安区"),
    ("440307", "龙岗区"), ("440308", "盐田区"), ("440309", "龙华区"), ("440310", "坪山区"),
    ("440311", "光明区"), ("440307", "大鹏新区"),
)

# District -> its current 街道, without the 街道 suffix. Several street names equal their
# district's name (福田/福田, 龙华/龙华 …); no street name occurs in two districts.
SHENZHEN_STREETS: dict[str, tuple[str, ...]] = {
    "福田区": ("园岭", "南园", "福田", "沙头", "香蜜湖", "梅林", "莲花", "华富", "福保", "华强北"),
    "罗湖区": ("桂园", "黄贝", "东门", "翠竹", "东晓", "南湖", "笋岗", "东湖", "莲塘", "清水河"),
    "南山区": ("南头", "南山", "沙河", "蛇口", "招商", "粤海", "桃源", "西丽"),
    "宝安区": ("新安", "西乡", "航城", "福永", "福海", "沙井", "新桥", "松岗", "燕罗", "石岩"),
    "龙岗区": ("平湖", "坂田", "布吉", "南湾", "横岗", "园山", "龙城", "龙岗", "宝龙", "坪地", "吉华"),
    "盐田区": ("梅沙", "盐田", "沙头角", "海山"),
    "龙华区": ("观湖", "民治", "龙华", "大浪", "福城", "观澜"),
    "坪山区": ("坪山", "马峦", "碧岭", "石井", "坑梓", "龙田"),
    "光明区": ("光明", "公明", "新湖", "凤凰", "玉塘", "马田"),
    "大鹏新区": ("葵涌", "大鹏", "南澳"),
}

# Names departments still write for the city and for districts that were "新区" (functional
# areas) before they became administrative districts: 光明新区 (2007-2018), 坪山新区 and 龙华新区
# (2009/2011-2016).
CITY_ALIASES: dict[str, str] = {"深圳": "深圳市"}
DISTRICT_ALIASES: dict[str, str] = {"光明新区": "光明区", "龙华新区": "龙华区", "坪山新区": "坪山区"}

# Short province names (广东 for 广东省, 广西 for 广西壮族自治区, 北京 for 北京市) as they open addresses.
PROVINCE_SHORT_NAMES: dict[str, int] = {
    "北京": 11, "天津": 12, "河北": 13, "山西": 14, "内蒙古": 15, "辽宁": 21, "吉林": 22,
    "黑龙江": 23, "上海": 31, "江苏": 32, "浙江": 33, "安徽": 34, "福建": 35, "江西": 36, "山东": 37,
    "河南": 41, "湖北": 42, "湖南": 43, "广东": 44, "广西": 45, "海南": 46, "重庆": 50, "四川": 51,
    "贵州": 52, "云南": 53, "西藏": 54, "陕西": 61, "甘肃": 62, "青海": 63, "宁夏": 64, "新疆": 65,
    "香港": 81, "澳门": 82,
}

# GB/T 2260 rows that are statistical groupings, not places. County-level ones are never matched;
# prefecture-level ones are matched (systems print them: 湖北省省直辖县级行政单位仙桃市, 重庆市市南川市)
# but not written in canonical addresses (their canonical name is "").
_COUNTY_PLACEHOLDERS = frozenset({"市辖区", "县", "市区", "省直辖县级行政单位", "省直辖县级行政区划", "自治区直辖县级行政区划"})
_PREFECTURE_PLACEHOLDERS = frozenset({"省直辖县级行政单位", "省直辖行政单位", "自治区直辖县级行政单位", "省直辖县级行政区划",
                                      "自治区直辖县级行政区划", "市", "县", "林区"})
PROVINCE, PREFECTURE, COUNTY = 0, 1, 2


@dataclass(frozen=True)
class AdminName:
    """One spelling of an administrative division, as it may appear in an address.

    ``canonical`` is the name written in canonical addresses (光明区 for 光明新区; "" for groupings
    such as 省直辖县级行政单位 that are matched but not written). ``alias``: a short or former name.
    ``rank`` orders spellings shared by several divisions, best first (:func:`_rank`).
    """

    name: str
    level: int  # PROVINCE, PREFECTURE or COUNTY
    code: int  # 44, 4403 or 440304
    canonical: str
    alias: bool = False
    current: bool = True
    rank: int = 0


def _rank(code: int, alias: bool, end: int) -> int:
    """Full names before aliases, Shenzhen before other places (departments here mostly write
    Shenzhen), current codes before retired ones, recently retired before long retired."""
    shenzhen = code // 100 == SHENZHEN_PREFECTURE or code == SHENZHEN_PREFECTURE
    return (alias << 20) | ((not shenzhen) << 19) | ((end != OPEN_END) << 18) | (OPEN_END - end)


def _name(name: str, level: int, code: int, canonical: str, alias: bool = False, end: int = OPEN_END) -> AdminName:
    return AdminName(name, level, code, canonical, alias, end == OPEN_END, _rank(code, alias, end))


def district_code(name: str) -> int:
    """GB/T 2260 code of a Shenzhen district or alias (福田区, 光明新区, 大鹏新区); 0 if unknown."""
    name = DISTRICT_ALIASES.get(name, name)
    return next((int(c) for c, n in SHENZHEN_DISTRICTS if n == name), 0)


@functools.lru_cache(maxsize=1)
def _street_index() -> dict[str, str]:
    return {s: d for d, streets in SHENZHEN_STREETS.items() for s in streets}


def district_of_street(street: str) -> str | None:
    """The Shenzhen district a street (without 街道) belongs to, or None."""
    return _street_index().get(street)


def county_candidates(name: str, *, province: int = 0, prefecture: int = 0) -> list[int]:
    """County-level codes named ``name``, best first, restricted to a province/prefecture if given.

    Several counties share a name (南山区 in Shenzhen and in 鹤岗; 城区 in eight cities), so callers
    with a province or prefecture in hand should pass it.
    """
    out = [a.code for a in sorted(admin_names(), key=lambda a: a.rank) if a.level == COUNTY and a.name == name]
    if prefecture:
        out = [c for c in out if c // 100 == prefecture]
    elif province:
        out = [c for c in out if c // 10000 == province]
    return out


@functools.lru_cache(maxsize=1)
def admin_names() -> tuple[AdminName, ...]:
    """Every province, prefecture and county spelling weft recognises in addresses.

    Shenzhen districts come from :data:`SHENZHEN_DISTRICTS` (plus aliases) rather than from the
    GB/T 2260 table, which files 大鹏新区 under 龙岗区; retired Shenzhen codes (宝安县 440321 …)
    still come from the table because old ID-era addresses carry them.
    """
    div = load_divisions()
    out: list[AdminName] = []
    for code, name in div.province_name.items():
        out.append(_name(name, PROVINCE, code, name))
    for name, code in PROVINCE_SHORT_NAMES.items():
        out.append(_name(name, PROVINCE, code, div.province_name[code], alias=True))
    county = div.is_county()
    current = div.end == OPEN_END
    with_counties = set((div.code[county & current] // 100).tolist())
    for code, name in div.prefecture_name.items():
        row = int(div.index_of([code * 100])[0])
        end = int(div.end[row]) if row >= 0 else OPEN_END
        canonical = "" if name in _PREFECTURE_PLACEHOLDERS else name
        out.append(_name(name, PREFECTURE, code, canonical, end=end))
        if end == OPEN_END and code not in with_counties and canonical:
            # 东莞市, 中山市, 儋州市, 嘉峪关市 have no counties: the city is its own county level
            out.append(_name(name, COUNTY, code * 100, name))
    for alias, name in CITY_ALIASES.items():
        out.append(_name(alias, PREFECTURE, SHENZHEN_PREFECTURE, name, alias=True))
    for code, name in SHENZHEN_DISTRICTS:
        out.append(_name(name, COUNTY, int(code), name))
    for alias, name in DISTRICT_ALIASES.items():
        out.append(_name(alias, COUNTY, district_code(name), name, alias=True))
    current_sz = {int(c) for c, _ in SHENZHEN_DISTRICTS}
    for i, (code, name) in enumerate(zip(div.code.tolist(), div.name)):
        if county[i] and name not in _COUNTY_PLACEHOLDERS and code not in current_sz:
            out.append(_name(name, COUNTY, code, name, end=int(div.end[i])))
    return tuple(out)
