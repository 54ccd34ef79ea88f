"""Addresses → canonical address, parts, building and house keys, and a quality code (DOMAIN §3).

Canonical form (one per parse, so that every way a department writes a house renders alike)::

    广东省深圳市福田区福田街道福山社区彩田路2001号福田花园3栋2单元1203     (compound)
    广东省深圳市宝安区西乡街道渔业社区渔业村3巷12号301                     (urban village)

- the province and city are always written for Shenzhen addresses (also when the department left
  them out); other cities get their GB/T 2260 province/prefecture/county names;
- characters are folded: full-width → ASCII, traditional → simplified (廣東省 → 广东省, 花園 → 花园);
- aliases become current names (光明新区 → 光明区, 深圳 → 深圳市; a Shenzhen town 西乡镇 → 西乡街道);
- numbers are Arabic; 栋 stands for 栋/座/幢/号楼/楼(building)/#; 单元 is kept as written (a
  building without units has none); the room is written as departments number it, floor * 100 +
  room (1203室, 1203房, 12楼03, 12-03 → 1203), or ``12层`` when only the floor is known;
- a compact ``5-1-101`` becomes 5栋1单元101; phone numbers, postcodes, and anything after the
  room (a name, a remark) are dropped.

Keys (``|``-separated, null below building level)::

    addr_building_key = <district code><district>|<compound, else village+lane/road+号>|<building>
    addr_house_key    = addr_building_key|<unit, 1 if not written>|<room>

The street and community are not part of the keys because departments often leave them out; the
road is left out when a compound is named for the same reason. In urban villages the house number
is the building, so a building label written there is not part of the key. The district is
``0`` when unknown (e.g. 440304福田区 or 0).

Other cities' addresses parse the same way; their district comes from the GB/T 2260 names
(:func:`weft.linkage.regions.load_divisions`, via :func:`weft.linkage.geo.admin_names`), resolved
with the province/prefecture written before it.

Quality (``address_q``): 0 valid (parsed to the room, canonical as given), 1 repaired (parsed to
the room, rewritten), 2 missing (null, empty, 无/不详/…), and :data:`REASONS` 3-7 below; another
city's address is ``not_shenzhen`` however far it parsed. ``address`` is null for missing and
unparsed values; the parts keep whatever was recognised.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from weft.core import address as K

from .. import geo
from ..arrow import CodePoints, as_array, decode, encode
from .quality import COMMON_REASONS, MISSING, REPAIRED, VALID

__all__ = ["standardize_address", "normalized", "t2s_table", "T2S_KEEP", "COLUMNS", "REASONS", "PARTIAL_BUILDING",
           "PARTIAL_ROAD", "DISTRICT_ONLY", "UNPARSED", "NOT_SHENZHEN"]

PARTIAL_BUILDING = 3
PARTIAL_ROAD = 4
DISTRICT_ONLY = 5
UNPARSED = 6
NOT_SHENZHEN = 7

REASONS = {
    **COMMON_REASONS,
    PARTIAL_BUILDING: "partial_building",  # parsed to the building (or village house number), no room
    PARTIAL_ROAD: "partial_road",  # parsed to a road, road number, compound or village, no building
    DISTRICT_ONLY: "district_only",  # only district / street / community
    UNPARSED: "unparsed",  # nothing recognisable
    NOT_SHENZHEN: "not_shenzhen",  # another city's address, parsed as far as its parts go
}

COLUMNS = (
    "address", "address_raw", "address_q", "addr_province", "addr_city", "addr_district", "addr_district_code",
    "addr_street", "addr_community", "addr_road", "addr_road_no", "addr_village", "addr_compound", "addr_building",
    "addr_unit", "addr_floor", "addr_room", "addr_building_key", "addr_house_key",
)

# whole values that mean "no address" (in normalised form: upper case, punctuation dropped)
_PLACEHOLDERS = ("无", "不详", "未知", "暂无", "空", "NULL", "NONE", "NA", "N A", "无地址", "未填写", "不明", "待定",
                 "待补充", "0")


@dataclass(frozen=True)
class _Tables:
    """Look-up arrays for the kernel, built once from :mod:`weft.linkage.geo`."""

    term: np.ndarray  # bool[65536]: last characters of admin names
    a_hash: np.ndarray
    a_level: np.ndarray
    a_code: np.ndarray
    a_canon: np.ndarray
    a_flags: np.ndarray
    s_hash: np.ndarray
    s_code: np.ndarray
    s_canon: np.ndarray
    ph_hash: np.ndarray
    names: np.ndarray  # uint32 code points of every name below, CSR by names_off
    names_off: np.ndarray
    canon_name: np.ndarray  # int32 row in names: canonical district names by id
    prov_name: np.ndarray  # by 2-digit code (-1 where none)
    pref_name: np.ndarray  # by 4-digit code (-1 where none)


# Characters OpenCC t2s would fold that are standard simplified characters in place names: 乾县
# (Shaanxi) is not 干县, and 於 is its own character.
T2S_KEEP = "於乾"


@functools.lru_cache(maxsize=1)
def t2s_table() -> np.ndarray:
    """uint32[65536]: each BMP code point → its simplified form (OpenCC t2s, one-to-one only).

    One ``convert`` over all CJK ideographs separated by newlines: OpenCC's phrases never span
    a newline, so every character is converted on its own.
    """
    import opencc

    table = np.arange(65536, dtype=np.uint32)
    chars = [chr(c) for c in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000))]
    out = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(out) != len(chars):  # pragma: no cover - would mean OpenCC joined across newlines
        raise RuntimeError("OpenCC t2s did not keep one line per character")
    for a, b in zip(chars, out):
        if len(b) == 1 and a != b and a not in T2S_KEEP:
            table[ord(a)] = ord(b)
    return table


def _normalized_cp(values, tables: "_Tables") -> CodePoints:
    cp = decode(values)
    b, noff, R = K.parse(cp.codes, cp.offsets, cp.valid, t2s_table(), tables.term, tables.a_hash, tables.a_level,
                         tables.a_code, tables.a_canon, tables.a_flags, tables.s_hash, tables.s_code, tables.s_canon,
                         tables.ph_hash)
    starts = np.zeros(len(cp), np.int32)
    codes, offsets = K.gather_spans(b, noff[:-1], starts, np.ascontiguousarray(R[:, K.R_LEN]))
    return CodePoints(codes, offsets, cp.valid)


def normalized(values) -> pa.Array:
    """Each address as the parser reads it (folded, numerals converted, noise dropped; module
    docstring of :mod:`weft.core.address`): for audits and tests."""
    return encode(_normalized_cp(as_array(values), _tables()))


_NO_TABLES = _Tables(  # empty look-ups: parse() then only normalises
    term=np.zeros(65536, bool), a_hash=np.zeros(0, np.uint64), a_level=np.zeros(0, np.int8),
    a_code=np.zeros(0, np.int32), a_canon=np.zeros(0, np.int32), a_flags=np.zeros(0, np.uint8),
    s_hash=np.zeros(0, np.uint64), s_code=np.zeros(0, np.int32), s_canon=np.zeros(0, np.int32),
    ph_hash=np.zeros(0, np.uint64), names=np.zeros(0, np.uint32), names_off=np.zeros(1, np.int64),
    canon_name=np.zeros(0, np.int32), prov_name=np.full(100, -1, np.int32), pref_name=np.full(10000, -1, np.int32),
)


def _folded_cp(strings) -> CodePoints:
    """Table strings folded exactly as the kernel folds addresses (松嶺區 → 松岭区)."""
    return _normalized_cp(pa.array(list(strings), pa.string()), _NO_TABLES)


def _folded(strings) -> list[str]:
    return encode(_folded_cp(strings)).to_pylist()


def _hashes(strings) -> np.ndarray:
    cp = _folded_cp(strings)
    return K.hash_rows(cp.codes, cp.offsets)


@functools.lru_cache(maxsize=1)
def _tables() -> _Tables:
    names = geo.admin_names()
    spelled = sorted({a.canonical for a in names})
    folded = dict(zip(spelled, _folded(spelled)))
    canon = sorted(set(folded.values()))
    canon_id = {c: k for k, c in enumerate(canon)}
    keys = _folded(a.name for a in names)
    h = _hashes(a.name for a in names)
    if len(set(zip(h.tolist(), keys))) != len(set(h.tolist())):
        raise RuntimeError("FNV-1a collision between two admin names")  # pragma: no cover - 64-bit hash
    # the county a bare name means when no province or prefecture precedes it: Shenzhen's, else
    # the only current one, else the only one
    noctx: set[int] = set()
    by_name: dict[str, list[int]] = {}
    for k, a in enumerate(names):
        if a.level == geo.COUNTY:
            by_name.setdefault(a.name, []).append(k)
    for ks in by_name.values():
        ks.sort(key=lambda k: names[k].rank)
        best = names[ks[0]]
        current = {names[k].code for k in ks if names[k].current}
        if best.code // 100 == geo.SHENZHEN_PREFECTURE or len(current) == 1 or len({names[k].code for k in ks}) == 1:
            noctx.add(ks[0])
    flags = np.zeros(len(names), np.uint8)
    for k, a in enumerate(names):
        if k in noctx:
            flags[k] |= K.FLAG_NOCTX
        # after noise only names that cannot be mistaken: full province names, prefectures, and
        # Shenzhen's current districts
        if ((a.level == geo.PROVINCE and not a.alias) or a.level == geo.PREFECTURE
                or (a.level == geo.COUNTY and a.code // 100 == geo.SHENZHEN_PREFECTURE and a.current)):
            flags[k] |= K.FLAG_FREE
    order = np.lexsort((np.array([a.rank for a in names]), np.array([a.level for a in names]), h))
    term = np.zeros(65536, bool)
    for key in keys:
        term[ord(key[-1])] = True
    div_prov = {a.code: folded[a.canonical] for a in names if a.level == geo.PROVINCE}
    div_pref = {a.code: folded[a.canonical] or None for a in names if a.level == geo.PREFECTURE}
    streets = [(s, d) for d, ss in geo.SHENZHEN_STREETS.items() for s in ss]
    # one CSR of names: districts by canonical id, then provinces and prefectures by code
    provs = [div_prov.get(c) for c in range(100)]
    prefs = [div_pref.get(c) for c in range(10000)]
    strings = canon + [x for x in provs if x is not None] + [x for x in prefs if x is not None]
    rows = iter(range(len(canon), len(strings)))
    prov_name = np.array([-1 if x is None else next(rows) for x in provs], np.int32)
    pref_name = np.array([-1 if x is None else next(rows) for x in prefs], np.int32)
    names_off = np.zeros(len(strings) + 1, np.int64)
    np.cumsum([len(x) for x in strings], out=names_off[1:])
    sh = _hashes(s for s, _ in streets)
    sorder = np.argsort(sh)
    return _Tables(
        term=term,
        a_hash=h[order],
        a_level=np.array([a.level for a in names], np.int8)[order],
        a_code=np.array([a.code for a in names], np.int32)[order],
        a_canon=np.array([canon_id[folded[a.canonical]] for a in names], np.int32)[order],
        a_flags=flags[order],
        s_hash=sh[sorder],
        s_code=np.array([geo.district_code(d) for _, d in streets], np.int32)[sorder],
        s_canon=np.array([canon_id[folded[d]] for _, d in streets], np.int32)[sorder],
        ph_hash=np.sort(_hashes(_PLACEHOLDERS)),
        names=np.frombuffer("".join(strings).encode("utf-32-le"), np.uint32).copy(),
        names_off=names_off,
        canon_name=np.arange(len(canon), dtype=np.int32),
        prov_name=prov_name,
        pref_name=pref_name,
    )


# ------------------------------------------------------------------------------- helpers
# address_q of a Shenzhen address by how far it parsed (VALID instead of REPAIRED when canonical as given)
_Q_BY_LEVEL = np.zeros(K.LEVEL_ROOM + 1, np.uint8)
_Q_BY_LEVEL[[K.LEVEL_MISSING, K.LEVEL_UNPARSED, K.LEVEL_DISTRICT, K.LEVEL_ROAD, K.LEVEL_BUILDING, K.LEVEL_ROOM]] = (
    MISSING, UNPARSED, DISTRICT_ONLY, PARTIAL_ROAD, PARTIAL_BUILDING, REPAIRED)


def _int_col(values: np.ndarray, dtype=pa.int32()) -> pa.Array:
    """Integers with -1 as null."""
    return pa.array(values, dtype, mask=values < 0)


def _utf8_columns(data: np.ndarray, offsets: np.ndarray, valid: np.ndarray, k: int) -> list[pa.Array]:
    """``k`` string columns stacked column-major in one UTF-8 CSR (``k * n`` rows), one Arrow
    array each over a view of ``data`` (the buffers :func:`weft.linkage.arrow.encode` would build)."""
    n = len(valid) // k
    out = []
    for j in range(k):
        lo, hi = offsets[j * n], offsets[(j + 1) * n]
        off = offsets[j * n:(j + 1) * n + 1] - lo
        ok = valid[j * n:(j + 1) * n]
        nulls = n - int(np.count_nonzero(ok))
        mask = pa.py_buffer(np.packbits(ok, bitorder="little")) if nulls else None
        typ, off = (pa.string(), off.astype(np.int32)) if hi - lo < 2**31 else (pa.large_string(), off)
        buffers = [mask, pa.py_buffer(off), pa.py_buffer(data[lo:hi])]
        out.append(pa.Array.from_buffers(typ, n, buffers, null_count=nulls))
    return out


def _empty() -> dict[str, pa.Array]:
    types = {"address_q": pa.uint8(), "addr_district_code": pa.int32(), "addr_unit": pa.int32(),
             "addr_floor": pa.int32()}
    return {c: pa.array([], types.get(c, pa.string())) for c in COLUMNS}


# ------------------------------------------------------------------------------- public
def standardize_address(values) -> dict[str, pa.Array]:
    """Parse addresses into the canonical form, their parts, keys and quality (module docstring).

    ``values``: any Arrow string column (``string``/``large_string``, Array or ChunkedArray,
    sliced, with nulls). Returns :data:`COLUMNS`, each an Arrow array of the input's length;
    ``address_raw`` is the input itself. Never raises on values.
    """
    raw = as_array(values)
    n = len(raw)
    if n == 0:
        out = _empty()
        out["address_raw"] = raw
        return out
    t = _tables()
    cp = decode(raw)
    b, noff, R = K.parse(cp.codes, cp.offsets, cp.valid, t2s_table(), t.term, t.a_hash, t.a_level, t.a_code, t.a_canon,
                         t.a_flags, t.s_hash, t.s_code, t.s_canon, t.ph_hash)
    # every string column (canonical form, parts, keys) is rendered as UTF-8 by the kernel at once, into
    # a buffer from NumPy: it asks for transparent huge pages for a large one (far fewer page faults)
    tabs = (t.names, t.names_off, t.prov_name, t.pref_name, t.canon_name)
    offsets, ok = K.render_sizes(b, noff, R, *tabs)
    data = np.empty(offsets[-1], np.uint8)
    as_given = K.render_into(data, offsets, ok, cp.codes, cp.offsets, cp.valid, b, noff, R, *tabs)
    (address, province, city, district, street, community, road, road_no, village, compound, building, room,
     building_key, house_key) = _utf8_columns(data, offsets, ok, K.NSTR)

    q, county, unit, floor = K.int_columns(R, as_given, _Q_BY_LEVEL, NOT_SHENZHEN, VALID)

    return {
        "address": address,
        "address_raw": raw,
        "address_q": pa.array(q, pa.uint8()),
        "addr_province": province,
        "addr_city": city,
        "addr_district": district,
        "addr_district_code": pa.array(county, pa.int32()),
        "addr_street": street,
        "addr_community": community,
        "addr_road": road,
        "addr_road_no": road_no,
        "addr_village": village,
        "addr_compound": compound,
        "addr_building": building,
        "addr_unit": _int_col(unit),
        "addr_floor": _int_col(floor),
        "addr_room": room,
        "addr_building_key": building_key,
        "addr_house_key": house_key,
    }
