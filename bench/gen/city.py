"""The synthetic city's fixed parts: communities, buildings, houses and companies.

Houses and companies are pure functions of their index (see ``rng``), so any chunk of persons can
live in, rent, work for or represent any of them without the whole city being held in memory.
Only the building table (a few hundred thousand rows at 10 M persons) is materialised.

House code (25 digits, our model of Shenzhen's code; DOMAIN §3 marks the real layout unknown):
12-digit community code (6 county + 3 street + 3 community) + 5-digit building number in the
community + 2-digit unit + 3-digit floor + 3-digit room.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import tables as T
from .rng import Weighted, chunk_rng, hash_below, hash_uniform
from .text import cat, lookup, num

__all__ = ["City", "HOUSES_PER_PERSON", "COMPANIES_PER_PERSON"]

HOUSES_PER_PERSON = 0.62  # ~11 M houses for ~17.7 M residents (DOMAIN §7)
COMPANIES_PER_PERSON = 0.26  # ~4.6 M market entities for ~17.7 M residents (DOMAIN §7)
INDIVIDUAL_SHARE = 0.37  # 个体工商户 1.70 M of 4.57 M market entities (DOMAIN §7)

# Building kinds: urban-village hand-shake buildings, compound towers, compound low-rise.
VILLAGE, TOWER, LOWRISE = 0, 1, 2
_KIND_SHARE = ((VILLAGE, 0.62), (TOWER, 0.18), (LOWRISE, 0.20))

# The 31-symbol USCC alphabet (GB 32100): 0-9 A-Z without I O Z S V.
DISTRICT_NAMES = tuple(name for _, name in T.SHENZHEN_DISTRICTS)
DISTRICT_CODES = np.array([int(code) for code, _ in T.SHENZHEN_DISTRICTS], dtype=np.int64)

USCC_ALPHABET = np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRTUWXY", dtype=np.uint8)


def _cn_number(k: int) -> str:
    """1..99 in Chinese numerals: 3 -> 三, 12 -> 十二, 20 -> 二十, 35 -> 三十五."""
    d = T.NUMERAL_CHARS
    if k <= 10:
        return d[k]
    tens, ones = divmod(k, 10)
    return ("" if tens == 1 else d[tens]) + d[10] + (d[ones] if ones else "")


@dataclass
class City:
    seed: int
    n_houses: int
    n_companies: int
    # communities
    comm_district: np.ndarray  # index into T.SHENZHEN_DISTRICTS
    comm_street: pa.Array  # street name (no 街道)
    comm_name: pa.Array  # community name (no 社区)
    comm_code: np.ndarray  # int64, 12 digits
    comm_village: pa.Array  # urban village name (no 村)
    # buildings
    b_comm: np.ndarray
    b_seq: np.ndarray  # building number inside its community, 1-based
    b_kind: np.ndarray
    b_units: np.ndarray
    b_floors: np.ndarray
    b_rooms: np.ndarray  # rooms per floor per unit
    b_start: np.ndarray  # first house index
    b_place: pa.Array  # compound name or village name + 村
    b_road: pa.Array  # road + number, e.g. 彩田路2001号 (compounds) / 3巷12号 (villages)
    b_label: pa.Array  # building label inside the compound, e.g. "3", "A"
    b_label_cn: pa.Array  # the same in Chinese numerals where numeric, e.g. "三"

    # ------------------------------------------------------------------ construction
    @classmethod
    def build(cls, seed: int, n_persons: int) -> "City":
        rng = chunk_rng(seed, 0, "city")
        want_houses = max(8, int(round(n_persons * HOUSES_PER_PERSON)))
        n_comm = int(np.clip(want_houses // 14000, 6, 900))
        districts = DISTRICT_NAMES
        share = Weighted((i, T.DISTRICT_POPULATION_SHARE[name]) for i, name in enumerate(districts))
        comm_district = np.sort(share.sample(rng, n_comm))
        # every district gets at least one community so that its addresses exist at all sizes
        missing = np.setdiff1d(np.arange(len(districts)), comm_district)
        if len(missing) and n_comm >= len(districts):
            comm_district[: len(missing)] = missing
            comm_district = np.sort(comm_district)
        streets, codes, names, villages = [], [], [], []
        per_street: dict[tuple[int, int], int] = {}
        words = list(T.COMMUNITY_WORDS)
        order = rng.permutation(len(words))
        for i, d in enumerate(comm_district):
            dname = districts[d]
            dcode = int(DISTRICT_CODES[d])
            street_list = T.SHENZHEN_STREETS[dname]
            s = int(rng.integers(len(street_list)))
            k = per_street.get((d, s), 0) + 1
            per_street[(d, s)] = k
            streets.append(street_list[s])
            # 大鹏新区 shares 龙岗's county code: number its streets from 51 so community codes stay unique
            shift = 50 * int((DISTRICT_CODES[:d] == dcode).sum())
            codes.append(dcode * 10**6 + (s + 1 + shift) * 10**3 + k)
            w = words[order[i % len(words)]]
            names.append(w if i < len(words) else w + "东西南北中新"[(i // len(words)) % 6])
            villages.append(T.VILLAGE_WORDS[int(rng.integers(len(T.VILLAGE_WORDS)))])

        # buildings: sample kinds and sizes until the houses are covered
        kinds = Weighted(_KIND_SHARE)
        b_kind = np.empty(0, np.int8)
        units = floors = rooms = np.empty(0, np.int32)
        total = 0
        while total < want_houses:
            m = max(16, int((want_houses - total) / 30) + 16)
            k = np.array(kinds.values, dtype=np.int8)[kinds.sample(rng, m)]
            u = np.where(k == TOWER, rng.integers(1, 5, m), np.where(k == LOWRISE, rng.integers(1, 4, m), 1))
            f = np.where(k == TOWER, rng.integers(12, 34, m), np.where(k == LOWRISE, rng.integers(5, 9, m), rng.integers(5, 10, m)))
            r = np.where(k == TOWER, rng.integers(2, 9, m), np.where(k == LOWRISE, rng.integers(2, 5, m), rng.integers(2, 7, m)))
            b_kind = np.concatenate([b_kind, k])
            units, floors, rooms = (np.concatenate([a, b]) for a, b in ((units, u), (floors, f), (rooms, r)))
            total = int((units * floors * rooms).sum())
        size = (units * floors * rooms).astype(np.int64)
        nb = int(np.searchsorted(np.cumsum(size), want_houses) + 1)
        b_kind, units, floors, rooms, size = (a[:nb] for a in (b_kind, units, floors, rooms, size))
        b_start = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
        n_houses = int(size.sum())
        # spread buildings over communities (weighted by district share through comm_district)
        b_comm = np.sort(rng.integers(0, n_comm, nb))
        first = np.searchsorted(b_comm, b_comm, side="left")
        b_seq = (np.arange(nb) - first + 1).astype(np.int32)

        # compounds: runs of ~12 buildings inside a community share a name and a road number
        compound = b_seq // 12
        hkey = b_comm.astype(np.int64) * 1000 + compound
        cw = hash_below(seed, "compound.word", hkey, len(T.COMPOUND_WORDS))
        cs = Weighted(T.COMPOUND_SUFFIXES).index(hash_uniform(seed, "compound.suffix", hkey))
        rw = hash_below(seed, "road.word", hkey, len(T.ROAD_WORDS))
        rs = Weighted(T.ROAD_SUFFIXES).index(hash_uniform(seed, "road.suffix", hkey))
        rno = 1 + hash_below(seed, "road.no", hkey, 3000)
        compound_name = cat(lookup(T.COMPOUND_WORDS, cw), lookup([s for s, _ in T.COMPOUND_SUFFIXES], cs))
        road = cat(lookup(T.ROAD_WORDS, rw), lookup([s for s, _ in T.ROAD_SUFFIXES], rs), num(rno), "号")
        village = cat(pa.array(villages).take(pa.array(b_comm)), "村")
        lane = cat(num(1 + (b_seq - 1) // 20), "巷", num(1 + (b_seq - 1) % 20), "号")
        is_village = b_kind == VILLAGE
        place = pa.array(np.where(is_village, village.to_numpy(zero_copy_only=False), compound_name.to_numpy(zero_copy_only=False)))
        road_col = pa.array(np.where(is_village, lane.to_numpy(zero_copy_only=False), road.to_numpy(zero_copy_only=False)))
        in_compound = (b_seq - 1) % 12 + 1
        letter = (b_kind == TOWER) & (hash_uniform(seed, "b.letter", np.arange(nb)) < 0.2)
        label = np.where(letter, np.array(list("ABCDEFGHJKLM"))[(in_compound - 1) % 12], in_compound.astype(str))

        n_companies = max(1, int(round(n_persons * COMPANIES_PER_PERSON)))
        return cls(
            seed=seed,
            n_houses=n_houses,
            n_companies=n_companies,
            comm_district=comm_district,
            comm_street=pa.array(streets),
            comm_name=pa.array(names),
            comm_code=np.array(codes, dtype=np.int64),
            comm_village=pa.array(villages),
            b_comm=b_comm.astype(np.int32),
            b_seq=b_seq,
            b_kind=b_kind,
            b_units=units.astype(np.int32),
            b_floors=floors.astype(np.int32),
            b_rooms=rooms.astype(np.int32),
            b_start=b_start,
            b_place=place,
            b_road=road_col,
            b_label=pa.array(label.astype(object)),
            b_label_cn=pa.array([_cn_number(int(x)) if x.isdigit() else x for x in label.astype(str)], pa.string()),
        )

    # ------------------------------------------------------------------ houses
    def house_parts(self, h: np.ndarray) -> dict[str, np.ndarray]:
        """Building, community, unit, floor and room numbers of houses ``h``."""
        h = np.asarray(h, dtype=np.int64)
        b = np.searchsorted(self.b_start, h, side="right") - 1
        k = h - self.b_start[b]
        per_unit = self.b_floors[b] * self.b_rooms[b]
        unit = k // per_unit + 1
        rem = k % per_unit
        floor = rem // self.b_rooms[b] + 1
        room = rem % self.b_rooms[b] + 1
        return {"building": b, "community": self.b_comm[b], "unit": unit, "floor": floor, "room": room}

    def house_code(self, h: np.ndarray) -> pa.Array:
        p = self.house_parts(h)
        return cat(
            num(self.comm_code[p["community"]], 12),
            num(self.b_seq[p["building"]], 5),
            num(p["unit"], 2),
            num(p["floor"], 3),
            num(p["room"], 3),
        )

    def district_name(self, h: np.ndarray) -> pa.Array:
        p = self.house_parts(h)
        return lookup(DISTRICT_NAMES, self.comm_district[p["community"]])

    def address_parts(self, h: np.ndarray) -> dict[str, pa.Array | np.ndarray]:
        """Everything an address renderer needs, as arrays aligned with ``h``."""
        p = self.house_parts(h)
        b, c = p["building"], p["community"]
        barr = pa.array(b)
        return {
            "district": lookup(DISTRICT_NAMES, self.comm_district[c]),
            "street": self.comm_street.take(pa.array(c)),
            "community": self.comm_name.take(pa.array(c)),
            "place": self.b_place.take(barr),
            "road": self.b_road.take(barr),
            "label": self.b_label.take(barr),
            "label_cn": self.b_label_cn.take(barr),
            "village": self.b_kind[b] == VILLAGE,
            "units": self.b_units[b],
            "unit": p["unit"],
            "floor": p["floor"],
            "room": p["room"],
        }

    # ------------------------------------------------------------------ companies
    def company_attrs(self, j: np.ndarray) -> dict[str, np.ndarray]:
        """Kind, age, region and codes of companies ``j`` (pure functions of the index)."""
        j = np.asarray(j, dtype=np.int64)
        s = self.seed
        individual = hash_uniform(s, "co.kind", j) < INDIVIDUAL_SHARE
        legacy = ~individual & (hash_uniform(s, "co.legacy", j) < 0.30)
        # registration day: legacy 1990-2015-09, new 2015-10..2026-05, individual 2005..2026-05
        lo = np.where(legacy, 7305, np.where(individual, 12784, 16709))  # 1990-01-01, 2005-01-01, 2015-10-01
        hi = np.where(legacy, 16708, 20604)  # 2015-09-30, 2026-05-31
        founded = lo + hash_below(s, "co.founded", j, hi - lo + 1)
        district = hash_below(s, "co.district", j, len(T.SHENZHEN_DISTRICTS))
        city_level = hash_uniform(s, "co.citylevel", j) < 0.6
        region = np.where(city_level & ~individual, 440300, DISTRICT_CODES[district])
        return {
            "individual": individual,
            "legacy": legacy,
            "founded": founded.astype(np.int32),
            "district": district,
            "region": region,
            "house": hash_below(s, "co.house", j, self.n_houses),
            "capital": (10 * (1 + hash_below(s, "co.capital", j, 500))).astype(np.int64),
        }

    def org_code_body(self, j: np.ndarray, legacy: np.ndarray) -> np.ndarray:
        """8-char organisation-code bodies as an ASCII matrix; unique per company index.

        New registrations get ``MA`` + 6 symbols of the USCC alphabet (their subject code must fit
        inside a USCC); legacy ones 8 digits. Both are bijective scrambles of the index.
        """
        j = np.asarray(j, dtype=np.int64)
        out = np.empty((len(j), 8), dtype=np.uint8)
        # multiplying by a unit modulo the space is a bijection, so codes never collide
        x = (j * 387_420_489 + self.seed % 1000) % (31**6)
        out[:, 0], out[:, 1] = ord("M"), ord("A")
        for pos in range(7, 1, -1):
            out[:, pos] = USCC_ALPHABET[x % 31]
            x //= 31
        y = (j * 7_777_777 + 3 + self.seed % 1000) % 10**8
        dig = np.empty((len(j), 8), dtype=np.uint8)
        for pos in range(7, -1, -1):
            dig[:, pos] = ord("0") + y % 10
            y //= 10
        out[legacy] = dig[legacy]
        return out

    def company_names(self, j: np.ndarray, attrs: dict[str, np.ndarray]) -> pa.Array:
        """Canonical registered names: 深圳市 + trade + industry + legal form (or 个体 names)."""
        j = np.asarray(j, dtype=np.int64)
        s = self.seed
        trade = lookup(T.COMPANY_TRADE_WORDS, hash_below(s, "co.trade", j, len(T.COMPANY_TRADE_WORDS)))
        two = hash_uniform(s, "co.trade2", j) < 0.35
        t2 = lookup(T.COMPANY_TRADE_WORDS, hash_below(s, "co.trade2w", j, len(T.COMPANY_TRADE_WORDS)))
        t2 = pa.array(np.where(two, t2.to_numpy(zero_copy_only=False), ""))
        ind = lookup([w for w, _ in T.COMPANY_INDUSTRIES], Weighted(T.COMPANY_INDUSTRIES).index(hash_uniform(s, "co.ind", j)))
        form = lookup([w for w, _ in T.COMPANY_LEGAL_FORMS], Weighted(T.COMPANY_LEGAL_FORMS).index(hash_uniform(s, "co.form", j)))
        # ~8 % carry a bracketed place, e.g. 华信（深圳）科技有限公司
        bracket = pa.array(np.where(hash_uniform(s, "co.bracket", j) < 0.08, "（深圳）", ""))
        company = cat("深圳市", trade, t2, bracket, ind, form)
        dist = lookup(DISTRICT_NAMES, attrs["district"])
        suffix = lookup(T.INDIVIDUAL_BUSINESS_SUFFIXES, hash_below(s, "co.isuffix", j, len(T.INDIVIDUAL_BUSINESS_SUFFIXES)))
        individual = cat("深圳市", dist, trade, t2, suffix)
        return pa.array(np.where(attrs["individual"], individual.to_numpy(zero_copy_only=False), company.to_numpy(zero_copy_only=False)))
