"""Phone numbers → canonical digits, kind and a quality code (DOMAIN §5).

Canonical forms: an 11-digit mobile number (13812345678) or a landline with its area code and no
separators (075588881234; other cities' landlines keep their own area code, 10-12 digits).

Repairs: NFKC (full-width digits, ＋, （）), spaces, hyphens, dots and parentheses; the country code
(+86, 0086, 86 before a full mobile or 755 number); 755 + 8 digits after a country code and bare
8-digit local numbers get Shenzhen's 0755; of several numbers (``/ , ; 、``) the first is kept and an
extension (转, 分机, EXT) is dropped. Mobile numbers must carry a prefix libphonenumber's CN
metadata allocates: ``1(?:[38]\\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\\d{8}`` or
``1(?:610\\d|740[0-5])\\d{6}`` (13x, 145, 147, 15x but 154, 162/165-167, 170-173/175-178, 1740[0-5],
18x, 19x but 194).

Values go through the Numba kernel :func:`weft.core.phone.normalize_phones`; the rare value with
a character whose NFKC form the kernel does not know (see there) goes through the equivalent
``pyarrow.compute`` (RE2) code below, which also serves the tests as the reference.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from weft.core import phone as K

from ..arrow import CodePoints, as_array, decode, encode
from .quality import COMMON_REASONS, MISSING, REPAIRED, VALID

__all__ = ["standardize_phone", "REASONS", "BAD_LENGTH", "BAD_PREFIX", "NOT_A_PHONE", "MOBILE_PATTERN"]

BAD_LENGTH = K.Q_BAD_LENGTH
BAD_PREFIX = K.Q_BAD_PREFIX
NOT_A_PHONE = K.Q_NOT_A_PHONE
assert (VALID, REPAIRED, MISSING) == (K.Q_VALID, K.Q_REPAIRED, K.Q_MISSING)

REASONS = {
    **COMMON_REASONS,
    BAD_LENGTH: "bad_length",  # digits only, but too few or too many for its kind
    BAD_PREFIX: "bad_prefix",  # 11 digits starting with 1, prefix not allocated to mobiles
    NOT_A_PHONE: "not_a_phone",  # letters or other text, or a foreign number
}

MOBILE_PATTERN = r"^1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}$|^1(?:610\d|740[0-5])\d{6}$"
_PLACEHOLDER = r"^(?:无|暂无|不详|未知|空|NULL|NONE|N/?A|-+|/+|0+)$"

_KINDS = pa.array(["mobile", "landline"], pa.string())


def _match(values: pa.Array, pattern: str) -> np.ndarray:
    return pc.match_substring_regex(values, pattern).fill_null(False).to_numpy(zero_copy_only=False)


def standardize_phone(values) -> dict[str, pa.Array]:
    """``phone`` (canonical digits or null), ``phone_q`` (uint8, :data:`REASONS`), ``phone_kind``.

    ``values``: any Arrow string column (``string``/``large_string``, chunked, sliced, nulls).
    ``phone_q`` is 0 when the value was written in canonical form, 1 when it had to be repaired.
    """
    raw = as_array(values)
    cp = decode(raw)
    digits, offsets, q, kind, fallback = K.normalize_phones(cp.codes, cp.offsets, cp.valid)
    phone = encode(CodePoints(digits, offsets, q <= REPAIRED))
    kinds = _KINDS.take(pa.array(np.maximum(kind, 0), pa.int8(), mask=kind < 0))
    if fallback.any():
        rows = np.flatnonzero(fallback)
        old = _standardize_phone_arrow(raw.take(pa.array(rows)))
        q[rows] = old["phone_q"].to_numpy(zero_copy_only=False)
        phone = pc.replace_with_mask(phone, pa.array(fallback), old["phone"].cast(phone.type))
        kinds = pc.replace_with_mask(kinds, pa.array(fallback), old["phone_kind"])
    return {"phone": phone, "phone_q": pa.array(q, pa.uint8()), "phone_kind": kinds}


def _standardize_phone_arrow(values) -> dict[str, pa.Array]:
    """:func:`standardize_phone` in ``pyarrow.compute`` (RE2, NFKC): for values the kernel leaves
    (characters it cannot normalise) and, in the tests, as its reference."""
    raw = as_array(values).cast(pa.string())
    s = pc.utf8_trim_whitespace(pc.utf8_normalize(raw, "NFKC"))
    s = pc.replace_substring_regex(s, r"[/,;、].*$", "")  # several numbers: keep the first
    s = pc.replace_substring_regex(s, r"(?i)(?:转|分机|EXT).*$", "")
    s = pc.replace_substring_regex(s, r"[\s\-().]", "")
    missing = ~raw.is_valid().to_numpy(zero_copy_only=False) | _match(s, _PLACEHOLDER) | _match(s, r"^$")
    country = _match(s, r"^(?:\+86|0086)")
    s = pc.replace_substring_regex(s, r"^(?:\+86|0086)", "")
    s = pc.if_else(pa.array(_match(s, r"^86(?:1\d{10}|755\d{8})$")), pc.utf8_slice_codeunits(s, 2), s)
    digits = _match(s, r"^\d+$") & ~_match(s, r"^00")  # 00852…: a foreign number
    s = pc.if_else(pa.array(country & _match(s, r"^755\d{8}$")), pc.binary_join_element_wise("0", s, ""), s)
    s = pc.if_else(pa.array(_match(s, r"^[2-8]\d{7}$")), pc.binary_join_element_wise("0755", s, ""), s)

    starts1 = _match(s, r"^1")
    mobile = digits & _match(s, MOBILE_PATTERN)
    eleven = digits & starts1 & _match(s, r"^\d{11}$")
    sz_line = digits & _match(s, r"^0755\d{8}$")
    other_line = digits & ~_match(s, r"^0755") & _match(s, r"^0[1-9]\d{8,10}$")
    ok = mobile | sz_line | other_line
    q = np.select(
        [missing, ok, ~digits, eleven],
        [MISSING, REPAIRED, NOT_A_PHONE, BAD_PREFIX],
        default=BAD_LENGTH,
    ).astype(np.uint8)
    phone = pc.if_else(pa.array(ok & ~missing), s, pa.scalar(None, pa.string()))
    as_given = pc.equal(phone, raw).fill_null(False).to_numpy(zero_copy_only=False)
    q[(q == REPAIRED) & as_given] = VALID
    kind = np.where(q <= REPAIRED, np.where(mobile, 0, 1), -1)
    return {
        "phone": phone,
        "phone_q": pa.array(q, pa.uint8()),
        "phone_kind": _KINDS.take(pa.array(np.maximum(kind, 0), pa.int8(), mask=kind < 0)),
    }
