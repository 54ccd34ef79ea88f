"""Truth persons for one chunk: households, names, ID numbers, phones, homes, jobs.

A chunk is a run of whole households with contiguous person ids. Everything is drawn with NumPy
over the chunk; the few per-household strings (hukou addresses) are built in a loop over
households, not persons.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from weft.core.checksums import ric_check_chars
from weft.linkage.regions import OPEN_END, Divisions

from . import tables as T
from .city import City
from .rng import Weighted, chunk_rng
from .text import days_of

__all__ = ["Persons", "IdRegistry", "make_persons", "REF_DAY", "HEAD", "SPOUSE", "CHILD", "GRANDPARENT"]

REF_DAY = int(days_of("2026-06-01"))  # "today" of the synthetic city: 中考 registration time
HEAD, SPOUSE, CHILD, GRANDPARENT = 0, 1, 2, 3
MALE, FEMALE = 1, 2

# household types: single, couple, couple+children, single parent+children, three generations
_HH_TYPES = (0.30, 0.18, 0.40, 0.05, 0.07)
_N_KIDS = ((1, 0.55), (2, 0.38), (3, 0.07))
# adult (head) age pyramid of a young migrant city: (from, to, share)
_HEAD_AGE = ((18, 25, 0.13), (25, 35, 0.36), (35, 45, 0.27), (45, 55, 0.14), (55, 65, 0.07), (65, 88, 0.03))
SZ_HUKOU_SHARE = 0.33  # hukou 5.83 M of 17.66 M (DOMAIN §7)
TWIN_RATE = 0.02  # per household with >= 2 children; above nature on purpose: twins are a hard case
COMMON_NAME_RATE = 0.004
FORMER_NAME_RATE = 0.02
# where minorities' ID numbers come from (province codes)
_ETH_PROVINCE = {
    "维吾尔族": 65, "哈萨克族": 65, "藏族": 54, "壮族": 45, "回族": 64, "蒙古族": 15, "朝鲜族": 22,
    "满族": 21, "土家族": 43, "苗族": 52, "彝族": 51, "瑶族": 45, "侗族": 52, "布依族": 52,
    "畲族": 35, "黎族": 46, "白族": 53,
}
_DOTTED = {"维吾尔族": "维吾尔", "哈萨克族": "哈萨克"}
# provinces (and Shenzhen's own districts, -4403) carved out of another: where older numbers come from
_FORMERLY = {50: 51, 46: 44, -4403: 44}


@dataclass
class Persons:
    """Struct of arrays for one chunk's persons (global ids)."""

    pid: np.ndarray
    hh: np.ndarray
    rel: np.ndarray  # HEAD / SPOUSE / CHILD / GRANDPARENT
    gender: np.ndarray  # 1 male, 2 female
    birth: np.ndarray  # int32 days since 1970-01-01
    eth: np.ndarray  # index into T.ETHNICITIES
    surname: np.ndarray  # object; None for dotted/Tibetan names
    name: np.ndarray  # object, canonical full name
    former_name: np.ndarray  # object or None
    id18: np.ndarray  # object, canonical 18-char ID number
    region: np.ndarray  # int32 division code in the ID
    sz_hukou: np.ndarray
    hukou_addr: np.ndarray  # object
    phone: np.ndarray  # object or None
    old_phone: np.ndarray  # object or None
    house: np.ndarray  # current house index
    prev_house: np.ndarray  # -1 if none
    owns: np.ndarray  # bool: household owns its house
    landlord: np.ndarray  # person id of the landlord for tenants, else -1
    father: np.ndarray
    mother: np.ndarray
    spouse: np.ndarray
    employer: np.ndarray  # company index or -1
    employed_since: np.ndarray
    prev_employer: np.ndarray
    prev_employed: np.ndarray  # (start, end) days of the previous job, int32[n, 2]
    extra: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.pid)

    def age(self) -> np.ndarray:
        return (REF_DAY - self.birth) / 365.25


class IdRegistry:
    """Every 17-digit ID body issued so far, as a sorted uint64 array (80 MB at 10 M persons)."""

    def __init__(self) -> None:
        self._issued = np.empty(0, dtype=np.uint64)

    def taken(self, bodies: np.ndarray) -> np.ndarray:
        if len(self._issued) == 0:
            return np.zeros(len(bodies), dtype=bool)
        pos = np.searchsorted(self._issued, bodies).clip(0, len(self._issued) - 1)
        return self._issued[pos] == bodies

    def add(self, bodies: np.ndarray) -> None:
        self._issued = np.union1d(self._issued, bodies.astype(np.uint64))


class _Counties:
    """County-level division codes per province, with validity years, for sampling."""

    def __init__(self, div: Divisions):
        county = div.is_county()
        self.div = div
        self.rows = np.flatnonzero(county)
        self.codes = div.code[county]
        self.start = div.start[county]
        self.end = div.end[county]
        self.by_province = {int(p): np.flatnonzero(self.codes // 10000 == p) for p in np.unique(self.codes // 10000)}
        sz = np.flatnonzero((self.codes // 100 == 4403) & (self.codes != 440301))
        self.by_province[-4403] = sz  # pseudo-province: Shenzhen's own districts

    def pick(self, rng: np.random.Generator, province: np.ndarray, year: np.ndarray) -> np.ndarray:
        """A county code valid in ``year`` inside each province (rejection sampling per group)."""
        out = np.zeros(len(province), dtype=np.int32)
        for p in np.unique(province):
            rows = np.flatnonzero(province == p)
            cand = self.by_province.get(int(p))
            if cand is None or len(cand) == 0:
                cand = self.by_province[44]
            todo = rows
            for _ in range(40):
                if len(todo) == 0:
                    break
                k = cand[rng.integers(0, len(cand), len(todo))]
                ok = self.div.valid_in(self.rows[k], year[todo])
                out[todo[ok]] = self.codes[k[ok]]
                todo = todo[~ok]
            if len(todo) and int(p) in _FORMERLY:  # Chongqing before 1997, Hainan before 1988 …
                out[todo] = self.pick(rng, np.full(len(todo), _FORMERLY[int(p)]), year[todo])
                todo = todo[:0]
            if len(todo):  # nothing valid that year: any current code
                current = cand[self.end[cand] == OPEN_END]
                current = current if len(current) else cand
                out[todo] = self.codes[current[rng.integers(0, len(current), len(todo))]]
        return out


_COUNTIES: _Counties | None = None


def _counties(div: Divisions) -> _Counties:
    global _COUNTIES
    if _COUNTIES is None:
        _COUNTIES = _Counties(div)
    return _COUNTIES


def _uniform_ages(rng, bins, n):
    w = Weighted(((lo, hi), s) for lo, hi, s in bins)
    k = w.sample(rng, n)
    lo = np.array([b[0] for b in bins])[k]
    hi = np.array([b[1] for b in bins])[k]
    return lo + rng.random(n) * (hi - lo)


def _digits_matrix(values: np.ndarray, width: int) -> np.ndarray:
    out = np.empty((len(values), width), dtype=np.uint8)
    v = values.astype(np.uint64).copy()
    for pos in range(width - 1, -1, -1):
        out[:, pos] = (v % np.uint64(10)).astype(np.uint8) + ord("0")
        v //= np.uint64(10)
    return out


def _id_body(region: np.ndarray, ymd: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """The 17-digit body (region, YYYYMMDD, sequence) as one uint64."""
    return region.astype(np.uint64) * np.uint64(10**11) + ymd.astype(np.uint64) * np.uint64(1000) + seq.astype(np.uint64)


def id_numbers(body: np.ndarray) -> np.ndarray:
    """Canonical 18-character ID numbers (object array) from 17-digit bodies."""
    mat = np.empty((len(body), 18), dtype=np.uint8)
    mat[:, :17] = _digits_matrix(body, 17)
    mat[:, 17] = ric_check_chars(mat[:, :17])
    return mat.view("S18").ravel().astype(str).astype(object)


def _yyyymmdd(days: np.ndarray) -> np.ndarray:
    d = np.asarray(days, dtype="datetime64[D]")
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dd = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    return y * 10000 + m * 100 + dd


def birth_year(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype="datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _given_names(rng, gender: np.ndarray) -> np.ndarray:
    n = len(gender)
    pools = {
        MALE: Weighted(T.GIVEN_CHARS_MALE),
        FEMALE: Weighted(T.GIVEN_CHARS_FEMALE),
    }
    neutral = Weighted(T.GIVEN_CHARS_NEUTRAL)
    length = np.where(rng.random(n) < 0.14, 1, np.where(rng.random(n) < 0.988, 2, 3))
    out = np.empty(n, dtype=object)
    chars = np.empty((n, 3), dtype=object)
    for g, w in pools.items():
        rows = np.flatnonzero(gender == g)
        for k in range(3):
            use_neutral = rng.random(len(rows)) < 0.2
            own = np.array(w.values, dtype=object)[w.sample(rng, len(rows))]
            neu = np.array(neutral.values, dtype=object)[neutral.sample(rng, len(rows))]
            chars[rows, k] = np.where(use_neutral, neu, own)
    for L in (1, 2, 3):
        rows = np.flatnonzero(length == L)
        s = chars[rows, 0]
        for k in range(1, L):
            s = s + chars[rows, k]
        out[rows] = s
    return out


def make_persons(
    seed: int,
    chunk: int,
    n_chunks: int,
    p0: int,
    n: int,
    city: City,
    div: Divisions,
    registry: IdRegistry,
) -> Persons:
    rng = chunk_rng(seed, chunk, "persons")
    counties = _counties(div)

    # ---------------------------------------------------------------- households
    m = n // 2 + 64
    htype = rng.choice(5, m, p=_HH_TYPES)
    kids = np.where(np.isin(htype, (2, 3, 4)), np.array([k for k, _ in _N_KIDS])[Weighted(_N_KIDS).sample(rng, m)], 0)
    has_spouse = np.isin(htype, (1, 2, 4))
    has_grand = htype == 4
    size = 1 + has_spouse + kids + has_grand
    cum = np.cumsum(size)
    keep = int(np.searchsorted(cum, n, side="right"))
    htype, kids, has_spouse, has_grand, size = (a[:keep] for a in (htype, kids, has_spouse, has_grand, size))
    short = n - int(size.sum())
    if short:  # top up with single-person households so the chunk has exactly n persons
        htype = np.concatenate([htype, np.zeros(short, int)])
        kids = np.concatenate([kids, np.zeros(short, int)])
        has_spouse = np.concatenate([has_spouse, np.zeros(short, bool)])
        has_grand = np.concatenate([has_grand, np.zeros(short, bool)])
        size = np.concatenate([size, np.ones(short, int)])
    nh = len(size)
    h_start = np.concatenate([[0], np.cumsum(size)[:-1]])
    hh_local = np.repeat(np.arange(nh), size)
    slot = np.arange(n) - h_start[hh_local]
    rel = np.full(n, CHILD, np.int8)
    rel[slot == 0] = HEAD
    rel[(slot == 1) & has_spouse[hh_local]] = SPOUSE
    rel[(slot == size[hh_local] - 1) & has_grand[hh_local]] = GRANDPARENT
    head = h_start[hh_local]  # local index of the household head
    pid = p0 + np.arange(n, dtype=np.int64)

    # ---------------------------------------------------------------- gender and ages
    head_male = rng.random(nh) < np.where(htype == 0, 0.6, 0.55)
    gender = np.where(rng.random(n) < 0.51, MALE, FEMALE).astype(np.int8)
    gender[h_start] = np.where(head_male, MALE, FEMALE)
    sp = np.flatnonzero(rel == SPOUSE)
    gender[sp] = np.where(gender[head[sp]] == MALE, FEMALE, MALE)
    head_age = _uniform_ages(rng, _HEAD_AGE, nh)
    head_age = np.where(kids > 0, np.maximum(head_age, 22 + 12 * rng.random(nh)), head_age)
    age = np.zeros(n)
    age[h_start] = head_age
    sp_age = head_age[hh_local[sp]] + np.where(gender[sp] == FEMALE, -2, 2) + rng.normal(0, 3, len(sp))
    # redraw, not clip: a clipped age would put every such spouse on one birthday
    age[sp] = np.where(sp_age < 18.0, 18.0 + 4.0 * rng.random(len(sp)), sp_age)
    # the mother (or the single parent) anchors the children's ages
    mother_local = np.where(has_spouse, np.where(head_male, h_start + 1, h_start), h_start)
    father_local = np.where(has_spouse, np.where(head_male, h_start, h_start + 1), np.where(head_male, h_start, -1))
    ch = np.flatnonzero(rel == CHILD)
    m_age = age[mother_local[hh_local[ch]]]
    # mother's age at the birth: 18-42, and children living at home are at most 24
    lo = np.maximum(18.0, m_age - 24.0)
    hi = np.minimum(m_age, 42.0)
    at_birth = lo + rng.random(len(ch)) * np.maximum(hi - lo, 0.0)
    age[ch] = np.where(hi > lo, m_age - at_birth, rng.random(len(ch)))
    gp = np.flatnonzero(rel == GRANDPARENT)
    age[gp] = np.maximum(age[head[gp]], age[np.minimum(head[gp] + 1, n - 1)]) + 22 + 10 * rng.random(len(gp))
    birth = (REF_DAY - np.floor(age * 365.25)).astype(np.int32)
    # twins: the second child shares the first one's birth day
    first_kid = h_start + has_spouse.astype(int) + 1
    twin_h = np.flatnonzero((kids >= 2) & (rng.random(nh) < TWIN_RATE))
    a, b = first_kid[twin_h], first_kid[twin_h] + 1
    birth[b] = birth[a]
    is_twin = np.zeros(n, bool)
    is_twin[a] = is_twin[b] = True
    byear = birth_year(birth)

    # ---------------------------------------------------------------- family links
    father = np.full(n, -1, np.int64)
    mother = np.full(n, -1, np.int64)
    father[ch] = np.where(father_local[hh_local[ch]] >= 0, p0 + father_local[hh_local[ch]], -1)
    mother[ch] = np.where(head_male[hh_local[ch]] & ~has_spouse[hh_local[ch]], -1, p0 + mother_local[hh_local[ch]])
    spouse = np.full(n, -1, np.int64)
    spouse[sp] = p0 + head[sp]
    spouse[head[sp]] = p0 + sp

    # ---------------------------------------------------------------- ethnicity, hukou, ID region
    eth_w = Weighted(T.ETHNICITIES)
    eth_names = [e for e, _ in T.ETHNICITIES]
    h_eth = eth_w.sample(rng, nh)
    eth = h_eth[hh_local].astype(np.int16)
    other = (rel == SPOUSE) & (rng.random(n) < 0.1)
    eth[other] = eth_w.sample(rng, int(other.sum()))
    h_sz = rng.random(nh) < SZ_HUKOU_SHARE
    sz_hukou = h_sz[hh_local]
    prov_w = Weighted((int(p), w) for p, w in T.MIGRANT_PROVINCE_WEIGHTS.items())
    h_prov = np.array(prov_w.values)[prov_w.sample(rng, nh)]
    eth_prov = np.array([_ETH_PROVINCE.get(e, 0) for e in eth_names])
    h_prov = np.where(eth_prov[h_eth] > 0, eth_prov[h_eth], h_prov)
    issue_year = np.maximum(byear, 1985)  # ID numbers were first issued 1984-85
    prov = h_prov[hh_local].copy()
    moved = (rel == SPOUSE) & (rng.random(n) < 0.12)
    prov[moved] = np.array(prov_w.values)[prov_w.sample(rng, int(moved.sum()))]
    born_sz = np.where(rel == CHILD, rng.random(n) < np.where(sz_hukou, 0.9, 0.45), sz_hukou & (rng.random(n) < 0.35))
    prov = np.where(born_sz, -4403, prov)
    region = counties.pick(rng, prov, issue_year)
    # most spouses and grandparents come from the head's own county, children not born here too
    same_county = ((rel == SPOUSE) & ~moved & (rng.random(n) < 0.7)) | (rel == GRANDPARENT) | ((rel == CHILD) & ~born_sz)
    region[same_county & ~born_sz] = region[head[same_county & ~born_sz]]
    # a copied code may have been retired (or not yet created) when this person's number was issued
    stale = ~div.valid_in(div.index_of(region), issue_year)
    region[stale] = counties.pick(rng, region[stale] // 10000, issue_year[stale])

    # ---------------------------------------------------------------- ID numbers (unique)
    seq = 2 * rng.integers(0, 500, n) + (gender == MALE)
    ymd = _yyyymmdd(birth)
    body = _id_body(region, ymd, seq)
    for _ in range(200):
        order = np.argsort(body, kind="stable")
        sb = body[order]
        dup_in = np.zeros(n, bool)
        dup_in[order[1:][sb[1:] == sb[:-1]]] = True
        bad = dup_in | registry.taken(body)
        if not bad.any():
            break
        k = int(bad.sum())
        seq[bad] = 2 * rng.integers(0, 500, k) + (gender[bad] == MALE)
        body[bad] = _id_body(region[bad], ymd[bad], seq[bad])
    else:  # pragma: no cover - needs ~500 people born on one day in one county
        raise RuntimeError("could not draw unique ID numbers")
    registry.add(body)
    id18 = id_numbers(body)

    # ---------------------------------------------------------------- names
    all_sur = tuple(T.SURNAMES) + tuple(T.COMPOUND_SURNAMES)
    sur_w = Weighted(all_sur)
    sur_vals = np.array(sur_w.values, dtype=object)
    surname = np.empty(n, dtype=object)
    surname[h_start] = sur_vals[sur_w.sample(rng, nh)]
    others = np.flatnonzero(rel != HEAD)
    surname[others] = sur_vals[sur_w.sample(rng, len(others))]
    # children: father's surname (10 % the mother's); grandparents: the head's
    fl = father_local[hh_local[ch]]
    use_mother = (rng.random(len(ch)) < 0.1) | (fl < 0)
    surname[ch] = np.where(use_mother, surname[mother_local[hh_local[ch]]], surname[np.maximum(fl, 0)])
    surname[gp] = surname[head[gp]]
    given = _given_names(rng, gender)
    common = np.flatnonzero((rel != CHILD) & (rng.random(n) < COMMON_NAME_RATE))
    for g in (MALE, FEMALE):
        rows = common[gender[common] == g]
        pool = [(s, gv, w) for s, gv, gg, w in T.COMMON_FULL_NAMES if gg == ("M" if g == MALE else "F")]
        pick = Weighted(((s, gv), w) for s, gv, w in pool).sample(rng, len(rows))
        surname[rows] = np.array([pool[i][0] for i in pick], dtype=object)
        given[rows] = np.array([pool[i][1] for i in pick], dtype=object)
    name = surname + given
    # dotted (Uyghur, Kazakh) and Tibetan names
    for eth_name, key in _DOTTED.items():
        if eth_name not in eth_names:
            continue
        rows = np.flatnonzero(eth == eth_names.index(eth_name))
        if len(rows) == 0:
            continue
        male = np.array(T.MINORITY_NAMES[key]["male"], dtype=object)
        female = np.array(T.MINORITY_NAMES[key]["female"], dtype=object)
        own = np.where(gender[rows] == MALE, male[rng.integers(0, len(male), len(rows))], female[rng.integers(0, len(female), len(rows))])
        given[rows] = own
        surname[rows] = None
        # the part after the dot is the father's own name (DOMAIN §4), so children carry theirs
        dad = male[rng.integers(0, len(male), len(rows))]
        f = father[rows] - p0
        known = (father[rows] >= 0) & (eth[np.maximum(f, 0)] == eth[rows])
        dad[known] = given[f[known]]
        name[rows] = own + "·" + dad
    if "藏族" in eth_names and "藏" in T.MINORITY_NAMES:
        rows = np.flatnonzero(eth == eth_names.index("藏族"))
        male = np.array(T.MINORITY_NAMES["藏"]["male"], dtype=object)
        female = np.array(T.MINORITY_NAMES["藏"]["female"], dtype=object)
        for r in rows:
            pool = male if gender[r] == MALE else female
            nm = pool[rng.integers(len(pool))]
            if rng.random() < 0.4:
                nm = nm + pool[rng.integers(len(pool))]
            name[r], surname[r], given[r] = nm, None, nm
    former = np.full(n, None, dtype=object)
    fr = np.flatnonzero((rel != CHILD) & (rng.random(n) < FORMER_NAME_RATE) & (surname != None))  # noqa: E711
    former[fr] = surname[fr] + _given_names(rng, gender[fr])

    # ---------------------------------------------------------------- phones
    pre_w = Weighted(T.MOBILE_PREFIXES)
    pre_vals = np.array(pre_w.values, dtype=object)

    def phones(k):
        tail = np.char.zfill(rng.integers(0, 10**8, k).astype(str), 8).astype(object)
        return pre_vals[pre_w.sample(rng, k)] + tail

    has_phone = (age >= 18) | ((age >= 12) & (rng.random(n) < 0.5))
    phone = np.where(has_phone, phones(n), None)
    old_phone = np.where(has_phone & (age >= 20) & (rng.random(n) < 0.35), phones(n), None)

    # ---------------------------------------------------------------- homes
    per_chunk = city.n_houses // n_chunks
    if nh <= per_chunk:
        k = rng.choice(per_chunk, nh, replace=False)
    else:  # tiny cities: households may share a house
        k = rng.integers(0, max(per_chunk, 1), nh)
    h_house = chunk + k.astype(np.int64) * n_chunks
    h_house = np.minimum(h_house, city.n_houses - 1)
    h_owns = rng.random(nh) < np.where(h_sz, 0.65, 0.12)
    h_prev = np.where(rng.random(nh) < 0.4, rng.integers(0, city.n_houses, nh), -1)
    owners = np.flatnonzero(h_owns)
    if len(owners) == 0:
        owners = np.arange(nh)
    h_landlord = np.where(h_owns, -1, p0 + h_start[owners[rng.integers(0, len(owners), nh)]])
    house = h_house[hh_local]
    prev_house = h_prev[hh_local]
    owns = h_owns[hh_local]
    landlord = h_landlord[hh_local]

    # ---------------------------------------------------------------- hukou addresses
    hukou = np.empty(n, dtype=object)
    h_addr = np.empty(nh, dtype=object)
    tw = T.TOWNSHIP_WORDS
    vs = T.VILLAGE_SUFFIXES
    vw = T.VILLAGE_WORDS
    twn = rng.integers(0, len(tw), nh)
    vil = rng.integers(0, len(vw), nh)
    vsx = rng.integers(0, len(vs), nh)
    grp = rng.integers(1, 12, nh)
    hno = rng.integers(1, 99, nh)
    for i in range(nh):
        if h_sz[i]:
            continue
        code = int(region[h_start[i]])
        try:
            place = div.full_name(code)
        except KeyError:
            place = ""
        h_addr[i] = f"{place}{tw[twn[i]]}镇{vw[vil[i]]}{vs[vsx[i]]}{grp[i]}组{hno[i]}号"
    hukou[:] = h_addr[hh_local]
    extra = {"is_twin": is_twin}

    # ---------------------------------------------------------------- jobs
    emp = (age >= 18) & (age < np.where(gender == MALE, 60, 55)) & (rng.random(n) < 0.78)
    employer = np.where(emp, rng.integers(0, city.n_companies, n), -1)
    start_min = birth + int(18 * 365.25)
    founded = city.company_attrs(np.maximum(employer, 0))["founded"]
    since = REF_DAY - (rng.random(n) * 8 * 365.25).astype(np.int32)
    since = np.maximum(np.maximum(since, start_min), founded).astype(np.int32)
    since = np.minimum(since, REF_DAY - 30)
    prev = emp & (rng.random(n) < 0.35) & (since - start_min > 400)
    prev_employer = np.where(prev, rng.integers(0, city.n_companies, n), -1)
    prev_end = (since - 1 - rng.integers(0, 60, n)).astype(np.int32)
    prev_start = np.maximum(prev_end - rng.integers(180, 2000, n), start_min).astype(np.int32)

    return Persons(
        pid=pid,
        hh=(np.int64(chunk) << 32) + hh_local,
        rel=rel,
        gender=gender,
        birth=birth,
        eth=eth,
        surname=surname,
        name=name,
        former_name=former,
        id18=id18,
        region=region,
        sz_hukou=sz_hukou,
        hukou_addr=hukou,
        phone=phone,
        old_phone=old_phone,
        house=house,
        prev_house=prev_house,
        owns=owns,
        landlord=landlord,
        father=father,
        mother=mother,
        spouse=spouse,
        employer=employer,
        employed_since=since,
        prev_employer=prev_employer,
        prev_employed=np.stack([prev_start, prev_end], axis=1),
        extra=extra,
    )
