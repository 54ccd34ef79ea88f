"""中考 registration forms: children aged 14-16 as their families typed them, with ~3 % inconsistent.

Inconsistent forms (DOMAIN §6): ``foreign_id`` (someone else's ID number for the child),
``wrong_guardian`` (an adult who is not the child's guardian), ``unknown_address`` (an address no
department knows). Typing errors are ordinary corruptions and do not make a form inconsistent.
"""

from __future__ import annotations

import numpy as np

from .departments import PERSON, HOUSE, Ctx, DeptChunk, guardians, person_fields, _obj
from .people import CHILD, FEMALE
from .render import addresses, dates

__all__ = ["FULL_SCALE_PERSONS", "FULL_SCALE_REGISTRANTS", "INCONSISTENT_RATE", "registrants_for", "build_exam"]

FULL_SCALE_PERSONS = 17_660_000  # Shenzhen 2022 (DOMAIN §7)
FULL_SCALE_REGISTRANTS = 70_000
INCONSISTENT_RATE = 0.03
KINDS = ("foreign_id", "wrong_guardian", "unknown_address")


def registrants_for(p0: int, n: int, total_persons: int) -> int:
    """This chunk's share of the city's registrants (70,000 at full scale), exact over chunks."""
    total = FULL_SCALE_REGISTRANTS * total_persons // FULL_SCALE_PERSONS
    return total * (p0 + n) // total_persons - total * p0 // total_persons


def build_exam(ctx: Ctx, target: int) -> tuple[DeptChunk, dict[str, np.ndarray]]:
    P, rng, city = ctx.persons, ctx.rng("exam"), ctx.city
    cor = ctx.corruptor("exam_registration")
    age = P.age()
    eligible = np.flatnonzero((P.rel == CHILD) & (age >= 14) & (age < 17) & ((P.mother >= 0) | (P.father >= 0)))
    rows = np.sort(rng.choice(eligible, min(target, len(eligible)), replace=False)) if target else eligible[:0]
    n = len(rows)
    g = guardians(P, rows, rng, ctx.p0)
    kind = np.full(n, "", dtype=object)
    bad = np.flatnonzero(rng.random(n) < INCONSISTENT_RATE)
    kind[bad] = np.array(KINDS, dtype=object)[rng.integers(0, len(KINDS), len(bad))]
    # foreign_id: another child's (valid) number; wrong_guardian: an adult outside the family
    typed_child = rows.copy()
    fid = np.flatnonzero(kind == "foreign_id")
    if len(fid):
        pool = np.flatnonzero((age >= 12) & (age < 19))
        other = pool[rng.integers(0, len(pool), len(fid))]
        clash = other == rows[fid]
        other[clash] = pool[(np.searchsorted(pool, other[clash]) + 1) % len(pool)]
        typed_child[fid] = other
    typed_guardian = g.copy()
    wg = np.flatnonzero(kind == "wrong_guardian")
    if len(wg):
        adults = np.flatnonzero(age >= 25)
        other = adults[rng.integers(0, len(adults), len(wg))]
        family = (P.hh[other] == P.hh[rows[wg]])
        other[family] = adults[(np.searchsorted(adults, other[family]) + 7) % len(adults)]
        typed_guardian[wg] = other
    floor_offset = np.where(kind == "unknown_address", 40 + rng.integers(0, 20, n), 0)
    house = P.house[rows]

    cols = person_fields(ctx, cor, rows, "registrant", {"name": "考生姓名", "gender": "性别", "birth_date": "出生日期"}, date_fmt="iso")
    cols["考生身份证号"] = person_fields(ctx, cor, typed_child, "registrant", {"id_number": "考生身份证号"})["考生身份证号"]
    cols.update(person_fields(ctx, cor, typed_guardian, "guardian", {"name": "监护人姓名", "id_number": "监护人身份证号"}))
    cols["与考生关系"] = _obj(np.where(P.gender[typed_guardian] == FEMALE, "母亲", "父亲"))
    cols["家庭住址"] = addresses(city, house, cor, "residence", "家庭住址", base_prefix=1, floor_offset=floor_offset)
    cols.update(person_fields(ctx, cor, typed_guardian, "guardian", {"phone": "联系电话"}))
    cols["报名日期"] = dates(np.full(n, 20589 - 30, dtype=np.int32) + rng.integers(0, 20, n).astype(np.int32), "iso", None, "registrant", "报名日期")
    truth = {
        "person_id": P.pid[rows],
        "guardian_id": P.pid[g],
        "typed_child_id": P.pid[typed_child],
        "typed_guardian_id": P.pid[typed_guardian],
        "house_id": house,
        "inconsistency": kind,
    }
    mentions = [("registrant", PERSON, P.pid[rows]), ("guardian", PERSON, P.pid[typed_guardian]),
                ("residence", HOUSE, np.where(kind == "unknown_address", -1, house))]
    return DeptChunk(cols, mentions, cor), truth
