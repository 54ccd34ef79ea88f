"""Comparison levels per attribute over candidate pairs (DESIGN §3 "compare").

A ``Comparison`` reads standardized columns of both mentions of each pair and returns one uint8
level per pair: 0 is always "null" (one side has nothing to compare; weight 0 in the model), 1
"different", higher levels are kinds of agreement. Levels are mutually exclusive; the model learns
how much each is worth, so their order only has to be a sensible reading order.

Methods (the standardizer type an attribute has picks its method):

=============  ==================================================================================
person_name    exact name key > same order-free pinyin key > one side's former name > Jaro-Winkler
               >= 0.92 > shared pinyin reading (heteronyms, homophones) > Jaro-Winkler >= 0.80
company_name   same company key (region and legal form dropped) > JW >= 0.92 > JW >= 0.80
id_number      ``core.compare.ID_LEVELS`` on the folded number (equal, 15<->18, same body, one
               typo, one transposition)
date           ``core.compare.DATE_LEVELS`` (exact, day-month swapped, within 30 days, same year)
phone          ``core.compare.PHONE_LEVELS``
address        ``core.compare.ADDRESS_LEVELS`` by component: same building but another room is
               a different house
exact          equal / different (gender, categories, house codes, USCCs)
text           exact > JW >= 0.92 > JW >= 0.80 (generic text attributes)
identifier     exact > one edit (optimal string alignment distance 1)
number         ``core.compare.NUMBER_LEVELS``
=============  ==================================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from weft.core import compare as K

from .features import Features

__all__ = ["METHODS", "Comparison", "compute_levels", "levels_of", "reads"]

_JW_CLOSE = 0.92
_JW_SIMILAR = 0.80
_DATE_WINDOW = 30

METHODS: dict[str, tuple[str, ...]] = {
    "person_name": ("null", "different", "jw_0.80", "pinyin_reading", "jw_0.92", "former_name", "pinyin", "exact"),
    "company_name": ("null", "different", "jw_0.80", "jw_0.92", "exact"),
    "id_number": tuple(K.ID_LEVELS),
    "date": tuple(K.DATE_LEVELS),
    "phone": tuple(K.PHONE_LEVELS),
    "address": tuple(K.ADDRESS_LEVELS),
    "exact": ("null", "different", "exact"),
    "text": ("null", "different", "jw_0.80", "jw_0.92", "exact"),
    "identifier": ("null", "different", "one_edit", "exact"),
    "number": tuple(K.NUMBER_LEVELS),
}


@dataclass(frozen=True)
class Comparison:
    """One attribute's comparison: its method and the standardized columns it reads.

    ``columns`` by method: person_name (key, pinyin key, pinyin alternatives, former-name key);
    company_name (company key, name); address (district, street, community, building key, house
    key); every other method one column. ``tf`` names the column whose value frequencies adjust
    the weight of an exact agreement (a common name is weak evidence).
    """

    name: str
    method: str
    columns: tuple[str, ...]
    tf: str | None = None

    @property
    def levels(self) -> tuple[str, ...]:
        return METHODS[self.method]

    def usable(self, feats: Features) -> bool:
        return feats.has(self.columns[0])


def reads(c: Comparison) -> set[tuple]:
    """The ``Features`` requests (see ``Features.fetch``) the comparison's method reads."""
    cols = c.columns
    if c.method == "person_name":
        key, pinyin, alt, former = (list(cols) + [None] * 4)[:4]
        out = {("codes", key), ("strings", key)}
        if pinyin:
            out |= {("codes", pinyin), ("sets", (pinyin, alt) if alt else (pinyin,))}
        if former:
            out.add(("codes", former))
        return out
    return {
        "company_name": {("codes", cols[0]), ("strings", cols[0])},
        "text": {("codes", cols[0]), ("strings", cols[0])},
        "identifier": {("codes", cols[0]), ("strings", cols[0])},
        "exact": {("ints", cols[0])},
        "id_number": {("short", cols[0])},
        "phone": {("short", cols[0])},
        "date": {("days", cols[0])},
        "address": {("codes", col) for col in cols},
        "number": {("numbers", cols[0])},
    }[c.method]


def levels_of(c: Comparison) -> int:
    return len(METHODS[c.method])


def _eq(codes: np.ndarray, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = codes[left], codes[right]
    known = (a != 0) & (b != 0)
    return known, known & (a == b)


def _person_name(feats: Features, cols, left, right) -> np.ndarray:
    key, pinyin, alt, former = (list(cols) + [None] * 4)[:4]
    cp = feats.strings(key)
    py = pinyin if pinyin and feats.has(pinyin) else None
    sets = None
    if py:
        set_cols = (py, alt) if alt else (py,)  # (an all-null alt adds nothing)
        sets = (*feats.sets(*set_cols), feats.set_signatures(*set_cols))
    # (the level numbers are METHODS["person_name"]'s order, which is core.compare.NAME_LEVELS')
    return K.name_levels(feats.codes(key), cp.codes, cp.offsets, left, right,
                         pinyin=feats.codes(py) if py else None,
                         former=feats.codes(former) if former and feats.has(former) else None,
                         sets=sets, close=_JW_CLOSE, similar=_JW_SIMILAR, check=False)


# name_levels without readings or former names gives null, different, similar, close or exact:
# the text levels, renumbered
_TEXT_OF_NAME = np.array([0, 1, 2, 0, 3, 0, 0, 4], np.uint8)


def _company_name(feats: Features, cols, left, right) -> np.ndarray:
    # (Jaro-Winkler only for the pairs whose keys differ: most candidate entity pairs agree)
    cp = feats.strings(cols[0])
    lv = K.name_levels(feats.codes(cols[0]), cp.codes, cp.offsets, left, right, close=_JW_CLOSE,
                       similar=_JW_SIMILAR, check=False)
    return _TEXT_OF_NAME[lv]


def _text(feats: Features, cols, left, right) -> np.ndarray:
    return _company_name(feats, cols, left, right)


def _identifier(feats: Features, cols, left, right) -> np.ndarray:
    known, exact = _eq(feats.codes(cols[0]), left, right)
    cp = feats.strings(cols[0])
    d = K.osa(cp.codes, cp.offsets, left, right, check=False)
    out = np.where(known, 1, 0).astype(np.uint8)
    out[known & (d == 1)] = 2
    out[exact] = 3
    return out


def _exact(feats: Features, cols, left, right) -> np.ndarray:
    return K.exact_levels(feats.small_ints(cols[0]), left, right, check=False)


def _id_number(feats: Features, cols, left, right) -> np.ndarray:
    v = feats.short(cols[0])
    if isinstance(v, np.ndarray):
        return K.id_levels_short(v, left, right, check=False)
    return K.id_levels(v.codes, v.offsets, v.valid, left, right, check=False)


def _phone(feats: Features, cols, left, right) -> np.ndarray:
    v = feats.short(cols[0])
    if isinstance(v, np.ndarray):
        return K.phone_levels_short(v, left, right, check=False)
    return K.phone_levels(v.codes, v.offsets, v.valid, left, right, check=False)


def _date(feats: Features, cols, left, right) -> np.ndarray:
    days, valid = feats.days(cols[0])
    return K.date_levels(days, valid, left, right, _DATE_WINDOW, check=False)


def _address(feats: Features, cols, left, right) -> np.ndarray:
    return K.address_levels(*[feats.codes(c) for c in cols], left, right, check=False)


def _number(feats: Features, cols, left, right) -> np.ndarray:
    return K.number_levels(feats.numbers(cols[0]), left, right, 0.01, check=False)


_FN = {
    "person_name": _person_name,
    "company_name": _company_name,
    "id_number": _id_number,
    "date": _date,
    "phone": _phone,
    "address": _address,
    "exact": _exact,
    "text": _text,
    "identifier": _identifier,
    "number": _number,
}


def compute_levels(feats: Features, comparisons: list[Comparison], left: np.ndarray,
                   right: np.ndarray) -> np.ndarray:
    """uint8[pairs, comparisons] comparison levels.

    The pair indices are checked here, once; the comparators then skip their checks (their
    arrays are the features', built whole by this package), which would otherwise scan every
    mention's array again for each chunk of pairs."""
    left, right = K.check_pairs(left, right, feats.n)
    out = np.zeros((len(left), len(comparisons)), np.uint8)
    if len(left) == 0:
        return out
    for j, c in enumerate(comparisons):
        out[:, j] = _FN[c.method](feats, c.columns, left, right)
    return out
