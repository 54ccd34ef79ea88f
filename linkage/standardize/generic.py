"""Standardizers for attributes a spec declares with a generic type, so weft reads any data.

Types: text, identifier, number, category (``name`` and ``date`` reuse the person-name and date
standardizers). Each returns ``{attr: values, attr_q: uint8 quality}`` for a column ``attr``.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from .quality import MISSING, REPAIRED, VALID
from ..arrow import as_array

__all__ = ["standardize_text", "standardize_identifier", "standardize_number", "standardize_category", "REASONS",
           "NOT_A_NUMBER", "UNKNOWN_CODE"]

NOT_A_NUMBER = 3
UNKNOWN_CODE = 3
REASONS = {
    "text": {},
    "identifier": {},
    "number": {NOT_A_NUMBER: "not_a_number"},
    "category": {UNKNOWN_CODE: "unknown_code"},
}
_NULL = pa.scalar(None, pa.string())


def _fold(values) -> tuple[pa.Array, pa.Array]:
    """(raw, NFKC + trimmed + inner whitespace runs collapsed to one space; '' -> null)."""
    raw = as_array(values)
    if pa.types.is_large_string(raw.type):
        raw = raw.cast(pa.string())
    s = pc.utf8_normalize(raw, "NFKC")
    s = pc.replace_substring_regex(pc.utf8_trim_whitespace(s), r"\s+", " ")
    s = pc.if_else(pc.equal(s, ""), _NULL, s)
    return raw, s


def _quality(raw: pa.Array, out: pa.Array, invalid: pa.Array | None = None, reason: int = 0) -> pa.Array:
    missing = pc.or_(pc.is_null(raw), pc.equal(pc.utf8_trim_whitespace(raw), "")).fill_null(True)
    changed = pc.not_equal(raw, out).fill_null(True)
    q = pc.if_else(missing, MISSING, pc.if_else(changed, REPAIRED, VALID))
    if invalid is not None:
        q = pc.if_else(pc.and_(invalid.fill_null(False), pc.invert(missing)), reason, q)
    return pc.cast(q, pa.uint8())


def standardize_text(values, attr: str = "text") -> dict[str, pa.Array]:
    raw, s = _fold(values)
    return {attr: s, f"{attr}_q": _quality(raw, s)}


def standardize_identifier(values, attr: str = "identifier") -> dict[str, pa.Array]:
    """Upper case, no spaces, hyphens or dots: the forms people type one identifier in."""
    raw, s = _fold(values)
    s = pc.utf8_upper(pc.replace_substring_regex(s, r"[\s\-./]", ""))
    s = pc.if_else(pc.equal(s, ""), _NULL, s)
    return {attr: s, f"{attr}_q": _quality(raw, s)}


def standardize_number(values, attr: str = "number") -> dict[str, pa.Array]:
    raw, s = _fold(values)
    s = pc.replace_substring_regex(s, r"[,\s]", "")
    ok = pc.match_substring_regex(s, r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$").fill_null(False)
    num = pc.cast(pc.if_else(ok, s, _NULL), pa.float64())
    # q compares the number's canonical text with the raw text: 12 == "12" is valid as given
    text = pc.if_else(ok, s, raw)
    invalid = pc.and_(pc.invert(ok), pc.is_valid(s))
    return {attr: num, f"{attr}_q": _quality(raw, text, invalid, NOT_A_NUMBER)}


def standardize_category(values, attr: str = "category", codes: tuple[tuple[str, str], ...] = ()) -> dict[str, pa.Array]:
    """Values mapped through the spec's code table; a value outside a given table keeps its text
    and is flagged ``unknown_code``."""
    raw, s = _fold(values)
    if not codes:
        return {attr: s, f"{attr}_q": _quality(raw, s)}
    keys = pa.array([k for k, _ in codes], pa.string())
    vals = pa.array([v for _, v in codes], pa.string())
    idx = pc.index_in(s, value_set=keys)
    mapped = pc.if_else(pc.is_valid(idx), pc.take(vals, idx), s)
    invalid = pc.and_(pc.is_null(idx), pc.is_valid(s))
    q = _quality(raw, s, invalid, UNKNOWN_CODE)  # mapping a code is not a repair
    return {attr: mapped, f"{attr}_q": q}
