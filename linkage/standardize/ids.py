"""Identifier standardizers: resident ID numbers, USCCs, organisation codes, GS15 registration
numbers and house codes (DOMAIN §1-3).

Each function takes an Arrow string column (``string`` or ``large_string``, chunked or sliced, with
nulls) and returns ``dict[str, pa.Array]``, every array as long as the input. Bad values never
raise: the canonical column is null and the ``*_q`` column (uint8) says why. Folding is the same
for every identifier: NFKC, upper case, separators removed (whitespace, dashes, invisible format
characters; ``.`` too in ID numbers), ``×`` read as ``X`` (``weft.core.ids.FOLD``). A value that
needed folding and is then valid is REPAIRED (1); one that is valid as given is VALID (0).

Reason codes share one numbering across identifiers (each field uses a subset; ``REASONS`` lists
them per quality column). When several apply, the first in this order wins; it goes from "not
this kind of value at all" to "looks right but one check fails", so the code also says where the
damage is (a typo in the date digits is ``bad_date``, not ``bad_check``):

====  ==============  ====================================================================
code  name            meaning
====  ==============  ====================================================================
2     missing         null, empty, or only separators
8     excel_damage    ID number: scientific notation (``4.40304E+17``, exponent 14-17), or
                      18 digits ending ``000`` whose check fails (Excel keeps 15 significant
                      digits). Never repaired, no keys: the lost digits cannot be guessed.
4     bad_charset     a character outside the alphabet (ID: digits, X only as 18th char;
                      USCC: 0-9 A-Z minus I O Z S V; org code: 0-9 A-Z then 0-9/X; digits)
3     bad_length      wrong length (ID: 15 or 18; USCC 18; org code 9; GS15 15; house code
                      the layout's length, or its building-key length: ``truncated``)
6     bad_date        ID number: no real date, or before 1900-01-01 or after ``today``
7     unknown_region  first 6 digits are no GB/T 2260 code ever (retired codes are known)
10    truncated       house code: exactly the building key (kept as ``house_building_key``)
5     bad_check       the check character does not match
9     bad_org_code    USCC: its check holds but chars 9-17 fail GB 11714 (full-alphabet values)
====  ==============  ====================================================================
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from weft.core import ids as K

from ..arrow import decode
from ..regions import load_divisions
from .quality import COMMON_REASONS, MISSING, REPAIRED, VALID

__all__ = [
    "standardize_id_number",
    "standardize_uscc",
    "standardize_org_code",
    "standardize_reg_no",
    "standardize_house_code",
    "HouseCodeLayout",
    "REASONS",
    "ID_NUMBER_REASONS",
    "USCC_REASONS",
    "ORG_CODE_REASONS",
    "REG_NO_REASONS",
    "HOUSE_CODE_REASONS",
]

assert (K.VALID, K.REPAIRED, K.MISSING) == (VALID, REPAIRED, MISSING)  # the kernels' contract

_NAMES = {
    K.BAD_LENGTH: "bad_length",
    K.BAD_CHARSET: "bad_charset",
    K.BAD_CHECK: "bad_check",
    K.BAD_DATE: "bad_date",
    K.UNKNOWN_REGION: "unknown_region",
    K.EXCEL_DAMAGE: "excel_damage",
    K.BAD_ORG_CODE: "bad_org_code",
    K.TRUNCATED: "truncated",
}


def _reasons(*codes: int) -> dict[int, str]:
    return {**COMMON_REASONS, **{c: _NAMES[c] for c in codes}}


ID_NUMBER_REASONS = _reasons(K.BAD_LENGTH, K.BAD_CHARSET, K.BAD_CHECK, K.BAD_DATE,
                             K.UNKNOWN_REGION, K.EXCEL_DAMAGE)
USCC_REASONS = _reasons(K.BAD_LENGTH, K.BAD_CHARSET, K.BAD_CHECK, K.BAD_ORG_CODE)
ORG_CODE_REASONS = _reasons(K.BAD_LENGTH, K.BAD_CHARSET, K.BAD_CHECK)
REG_NO_REASONS = _reasons(K.BAD_LENGTH, K.BAD_CHARSET, K.BAD_CHECK)
HOUSE_CODE_REASONS = _reasons(K.BAD_LENGTH, K.BAD_CHARSET, K.UNKNOWN_REGION, K.TRUNCATED)

REASONS: dict[str, dict[int, str]] = {
    "id_number_q": ID_NUMBER_REASONS,
    "uscc_q": USCC_REASONS,
    "org_code_q": ORG_CODE_REASONS,
    "reg_no_q": REG_NO_REASONS,
    "house_code_q": HOUSE_CODE_REASONS,
}

_EPOCH = datetime.date(1970, 1, 1)
_KEY15 = [(0, 6), (8, 17)]  # region + YYMMDD + sequence: the 15-digit legacy number


@functools.cache
def _known_regions() -> np.ndarray:
    """uint8[1_000_000], 1 at every GB/T 2260 code in the table, retired ones included."""
    t = np.zeros(1_000_000, dtype=np.uint8)
    t[load_divisions().code] = 1
    t.flags.writeable = False
    return t


# ------------------------------------------------------------------------------- Arrow outputs
# Kernel results are fixed-width ASCII rows and numbers; these build Arrow arrays straight from
# their buffers (arrow.encode would widen the bytes to code points and encode them again).


def _validity(keep: np.ndarray) -> pa.Buffer | None:
    return None if keep.all() else pa.py_buffer(np.packbits(keep, bitorder="little"))


def _ascii(mat: np.ndarray, ranges, keep: np.ndarray) -> pa.Array:
    """Column ``ranges`` of the ``keep`` rows of an ASCII matrix as a string array, null elsewhere."""
    data, offsets = K.pack_ascii(mat, ranges, keep)
    n = len(keep)
    if offsets[-1] < 2**31:
        typ, offsets = pa.string(), offsets.astype(np.int32)
    else:
        typ = pa.large_string()
    return pa.Array.from_buffers(typ, n, [_validity(keep), pa.py_buffer(offsets), pa.py_buffer(data)],
                                 null_count=int(n - np.count_nonzero(keep)))


def _numbers(values: np.ndarray, keep: np.ndarray, typ: pa.DataType) -> pa.Array:
    n = len(keep)
    return pa.Array.from_buffers(typ, n, [_validity(keep), pa.py_buffer(np.ascontiguousarray(values))],
                                 null_count=int(n - np.count_nonzero(keep)))


# ------------------------------------------------------------------------------- ID numbers


# statuses whose 18 chars are all present (see K.id_number_kernel)
_FOLDED = np.array([VALID, REPAIRED, K.BAD_CHECK, K.BAD_DATE, K.UNKNOWN_REGION], np.uint8)


def standardize_id_number(values, *, today: datetime.date | None = None) -> dict[str, pa.Array]:
    """Resident identity numbers (GB 11643-1999, DOMAIN §1).

    ``today`` bounds birth dates (default: the current date). Returns:

    - ``id_number`` (string): the canonical 18-char number (upper-case ``X``) when valid or
      repaired, else null. Repairs are folding (full-width, ``x``/``×``/``ｘ``, separators) and
      the upgrade of a 15-digit legacy number (insert ``19``, append the MOD 11-2 check).
    - ``id_number_q`` (uint8): see ``ID_NUMBER_REASONS`` and the precedence in the module doc.
    - ``id_birth_date`` (date32), ``id_gender`` (uint8: 1 male = odd sequence, 2 female, 0
      unknown): whenever the body is 17 digits (after a 15->18 upgrade) with a real date in range,
      i.e. for valid, repaired, ``unknown_region`` and ``bad_check`` numbers. On the last two they
      are best-effort: the typo may sit in the date or sequence digits.
    - ``id_region`` (int32): the 6-digit code for valid, repaired and ``bad_check`` numbers, 0
      otherwise (always 0 for ``unknown_region``).
    - ``id_body17``, ``id_key15`` (string): matching keys on the same rows as the birth date: the
      17 body digits, and region + YYMMDD + sequence (the 15-digit legacy form), so a number with
      a wrong check char, or a legacy number, still meets its twin. Excel-damaged values get none.

    A number ending ``000`` whose check happens to hold (1 in 11 of Excel-damaged ones) is a valid
    number and stays VALID: nothing tells it from a real one.
    """
    today = datetime.date.today() if today is None else today
    cp = decode(values)
    status, mat, birth, gender, region = K.id_number_kernel(
        cp.codes, cp.offsets, cp.valid, K.FOLD, _known_regions(), (today - _EPOCH).days)
    keyed = birth != K.NO_DATE
    return {
        "id_number": _ascii(mat, (0, 18), status <= REPAIRED),
        "id_number_q": pa.array(status),
        "id_birth_date": _numbers(birth, keyed, pa.date32()),
        "id_gender": pa.array(gender),
        "id_region": pa.array(region),
        "id_body17": _ascii(mat, (0, 17), keyed),
        "id_key15": _ascii(mat, _KEY15, keyed),
        "id_folded": _ascii(mat, (0, 18), np.isin(status, _FOLDED)),
    }


# ------------------------------------------------------------------------------- legal entities


def standardize_uscc(values) -> dict[str, pa.Array]:
    """Unified social credit codes (GB 32100-2015, DOMAIN §2).

    Returns ``uscc`` (canonical or null), ``uscc_q`` (``USCC_REASONS``), ``uscc_org_code`` (chars
    9-17, the GB 11714 organisation code, for valid/repaired codes), and, for every 18-char code in
    the alphabet (so also ``bad_check``/``bad_org_code``, best-effort): ``uscc_authority`` (chars
    1-2, e.g. ``91`` = market regulation, enterprise) and ``uscc_region`` (int32 chars 3-8, 0 when
    not all digits). Letter authorities (``A``, ``N``, ``Y``) are valid.
    """
    cp = decode(values)
    status, mat, region = K.uscc_kernel(cp.codes, cp.offsets, cp.valid, K.FOLD)
    ok = status <= REPAIRED
    in_alphabet = ok | (status == K.BAD_CHECK) | (status == K.BAD_ORG_CODE)
    return {
        "uscc": _ascii(mat, (0, 18), ok),
        "uscc_q": pa.array(status),
        "uscc_org_code": _ascii(mat, (8, 17), ok),
        "uscc_region": pa.array(region),
        "uscc_authority": _ascii(mat, (0, 2), in_alphabet),
    }


def standardize_org_code(values) -> dict[str, pa.Array]:
    """Organisation codes (GB 11714-1997): ``org_code`` (9 chars, no hyphen, or null) and
    ``org_code_q`` (``ORG_CODE_REASONS``). The printed form ``XXXXXXXX-X`` is VALID as given."""
    cp = decode(values)
    status, mat = K.org_code_kernel(cp.codes, cp.offsets, cp.valid, K.FOLD)
    return {"org_code": _ascii(mat, (0, 9), status <= REPAIRED), "org_code_q": pa.array(status)}


def standardize_reg_no(values) -> dict[str, pa.Array]:
    """15-digit business registration numbers (GS15-2006, ISO 7064 MOD 11,10): ``reg_no`` (or null)
    and ``reg_no_q`` (``REG_NO_REASONS``)."""
    cp = decode(values)
    status, mat = K.reg_no_kernel(cp.codes, cp.offsets, cp.valid, K.FOLD)
    return {"reg_no": _ascii(mat, (0, 15), status <= REPAIRED), "reg_no_q": pa.array(status)}


# ------------------------------------------------------------------------------- house codes


@dataclass(frozen=True)
class HouseCodeLayout:
    """Digit widths of a house code, left to right.

    The default is our model of Shenzhen's 25-digit code (DOMAIN §3; the official layout was not
    found): 12-digit community code (6 county + 3 street + 3 community) + 5 building + 2 unit +
    3 floor + 3 room; the building key is the first 17 digits. The county part is a GB/T 2260
    code and is checked against the table, so it must be 6 digits.
    """

    county: int = 6
    street: int = 3
    community: int = 3
    building: int = 5
    unit: int = 2
    floor: int = 3
    room: int = 3

    def __post_init__(self):
        if self.county != 6:
            raise ValueError(f"HouseCodeLayout.county must be 6 (a GB/T 2260 code), got {self.county}")
        for name in ("street", "community", "building"):
            if getattr(self, name) < 0:
                raise ValueError(f"HouseCodeLayout.{name} must be >= 0, got {getattr(self, name)}")
        for name in ("unit", "floor", "room"):
            if not 1 <= getattr(self, name) <= 9:  # parsed into int32
                raise ValueError(f"HouseCodeLayout.{name} must be 1..9 digits, got {getattr(self, name)}")

    @property
    def community_width(self) -> int:
        return self.county + self.street + self.community

    @property
    def key_width(self) -> int:
        """Digits of the building key (community code + building)."""
        return self.community_width + self.building

    @property
    def width(self) -> int:
        return self.key_width + self.unit + self.floor + self.room

    def part_columns(self) -> np.ndarray:
        """(start, stop) of unit, floor and room."""
        a = self.key_width
        b = a + self.unit
        c = b + self.floor
        return np.array([[a, b], [b, c], [c, c + self.room]], dtype=np.int64)


def standardize_house_code(values, layout: HouseCodeLayout = HouseCodeLayout()) -> dict[str, pa.Array]:
    """House codes (DOMAIN §3), digits only, no check digit: a typo is caught only when it hits
    the county code.

    Returns ``house_code`` (or null), ``house_code_q`` (``HOUSE_CODE_REASONS``),
    ``house_community_code`` and ``house_building_key`` (strings, for valid, repaired and
    ``truncated`` codes) and ``house_unit``, ``house_floor``, ``house_room`` (int32, for valid and
    repaired codes, else null).
    """
    cp = decode(values)
    status, mat, parts = K.house_code_kernel(cp.codes, cp.offsets, cp.valid, K.FOLD, _known_regions(),
                                             layout.width, layout.key_width, layout.part_columns())
    ok = status <= REPAIRED
    keyed = ok | (status == K.TRUNCATED)
    return {
        "house_code": _ascii(mat, (0, layout.width), ok),
        "house_code_q": pa.array(status),
        "house_community_code": _ascii(mat, (0, layout.community_width), keyed),
        "house_building_key": _ascii(mat, (0, layout.key_width), keyed),
        "house_unit": _numbers(parts[:, 0], ok, pa.int32()),
        "house_floor": _numbers(parts[:, 1], ok, pa.int32()),
        "house_room": _numbers(parts[:, 2], ok, pa.int32()),
    }
