"""Per-field quality codes (uint8), shared meaning for 0-2; each field module adds its reasons >= 3.

==== ========= ================================================================
code name      meaning
==== ========= ================================================================
0    valid     the value passed every check as given
1    repaired  normalised into a valid value (full-width, case, spaces, 15->18 …)
2    missing   null, empty or a placeholder (未知, 1900-01-01 …)
3+   invalid   field-specific reason, listed in the field module's ``REASONS``
==== ========= ================================================================
"""

from __future__ import annotations

VALID = 0
REPAIRED = 1
MISSING = 2

COMMON_REASONS = {VALID: "valid", REPAIRED: "repaired", MISSING: "missing"}

__all__ = ["VALID", "REPAIRED", "MISSING", "COMMON_REASONS"]
