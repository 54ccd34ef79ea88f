"""Gender → GB/T 2261.1 code (uint8 1 male, 2 female, 0 unknown) and a quality code.

Recognised after NFKC, trimming, upper case and removing inner spaces: 男 男性 M MALE 1 → 1;
女 女性 F FEMALE 2 → 2; 0 (未知的性别), 9 (未说明的性别), 未知, 未说明, 不详 → 0 and missing.
Anything else is ``unrecognised`` (gender 0).

``id_gender`` (uint8 0/1/2 per row, from the ID number's sequence parity) flags a recorded gender
that disagrees with it as ``conflicts_id``; the recorded value is kept, since the ID number may be
the wrong one (someone else's number typed into the form).

Vectorised with ``pyarrow.compute``: no Python call per value.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..arrow import as_array
from .quality import COMMON_REASONS, MISSING, REPAIRED, VALID

__all__ = ["standardize_gender", "REASONS", "UNRECOGNISED", "CONFLICTS_ID", "UNKNOWN", "MALE", "FEMALE"]

UNKNOWN, MALE, FEMALE = 0, 1, 2
UNRECOGNISED = 3
CONFLICTS_ID = 4
REASONS = {
    **COMMON_REASONS,
    UNRECOGNISED: "unrecognised",
    CONFLICTS_ID: "conflicts_id",  # male/female, but the ID number says the other
}

_CODES = {
    "男": MALE, "男性": MALE, "M": MALE, "MALE": MALE, "1": MALE,
    "女": FEMALE, "女性": FEMALE, "F": FEMALE, "FEMALE": FEMALE, "2": FEMALE,
    "0": UNKNOWN, "9": UNKNOWN, "未知": UNKNOWN, "未说明": UNKNOWN, "不详": UNKNOWN, "未知的性别": UNKNOWN,
    "未说明的性别": UNKNOWN, "": UNKNOWN,
}
_KEYS = pa.array(list(_CODES), pa.string())
_VALUES = np.array(list(_CODES.values()), np.uint8)


def standardize_gender(values, id_gender=None) -> dict[str, pa.Array]:
    """``gender`` (uint8 0/1/2) and ``gender_q`` (uint8, :data:`REASONS`).

    ``values``: any Arrow string column. ``id_gender``: optional uint8-like array of the same
    length (0 unknown, 1 male, 2 female); a length mismatch raises ``ValueError``.
    """
    raw = as_array(values).cast(pa.string())
    n = len(raw)
    s = pc.utf8_upper(pc.replace_substring_regex(pc.utf8_normalize(raw, "NFKC"), r"\s+", ""))
    idx = pc.index_in(s, value_set=_KEYS)
    known = idx.is_valid().to_numpy(zero_copy_only=False)
    code = np.where(known, _VALUES[idx.fill_null(0).to_numpy(zero_copy_only=False)], UNKNOWN).astype(np.uint8)
    null = ~raw.is_valid().to_numpy(zero_copy_only=False)
    as_given = pc.is_in(raw, value_set=_KEYS).fill_null(False).to_numpy(zero_copy_only=False)
    q = np.select([null | (known & (code == UNKNOWN)), ~known], [MISSING, UNRECOGNISED],
                  default=np.where(as_given, VALID, REPAIRED)).astype(np.uint8)
    if id_gender is not None:
        if isinstance(id_gender, (pa.Array, pa.ChunkedArray)):
            id_gender = id_gender.fill_null(UNKNOWN).to_numpy(zero_copy_only=False)
        ig = np.asarray(id_gender)
        if ig.shape != (n,):
            raise ValueError(f"id_gender has shape {ig.shape}, expected ({n},)")
        q[(q <= REPAIRED) & (ig != UNKNOWN) & (ig != code)] = CONFLICTS_ID
    return {"gender": pa.array(code, pa.uint8()), "gender_q": pa.array(q, pa.uint8())}
