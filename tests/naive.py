"""Slow, obviously-correct references for ``weft.core.checksums`` (one str at a time).

Written straight from DOMAIN.md §1-2, with the literal tables printed there rather than the
formulas the kernels use, so a wrong formula cannot hide in both. "Cannot compute" is ``""``.
"""

from __future__ import annotations

DIGITS = "0123456789"

# §1: W_i = 2^(18-i) mod 11; r -> check: 0 1 2 3 4 5 6 7 8 9 10 -> 1 0 X 9 8 7 6 5 4 3 2
RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
RIC_CHECK = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

# §2: the 31-symbol USCC table and W_i = 3^(i-1) mod 31
USCC_VALUES = {
    **{d: int(d) for d in DIGITS},
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "J": 18, "K": 19,
    "L": 20, "M": 21, "N": 22, "P": 23, "Q": 24, "R": 25, "T": 26, "U": 27, "W": 28, "X": 29,
    "Y": 30,
}
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

# §2: GB 11714 letters take the FULL alphabet, A=10 .. Z=35
ORG_VALUES = {**{d: int(d) for d in DIGITS}, **{chr(65 + k): 10 + k for k in range(26)}}
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def ric_check_char(body: str) -> str:
    if len(body) != 17 or any(c not in DIGITS for c in body):
        return ""
    s = sum(int(c) * w for c, w in zip(body, RIC_WEIGHTS))
    return RIC_CHECK[s % 11]


def ric_is_valid(number: str) -> bool:
    return len(number) == 18 and ric_check_char(number[:17]) == number[17]


def ric15_to_18(old: str) -> str:
    body = old[:6] + "19" + old[6:]
    return body + ric_check_char(body)


def uscc_check_char(body: str) -> str:
    if len(body) != 17 or any(c not in USCC_VALUES for c in body):
        return ""
    s = sum(USCC_VALUES[c] * w for c, w in zip(body, USCC_WEIGHTS))
    c18 = 31 - s % 31
    if c18 == 31:
        c18 = 0
    return next(k for k, v in USCC_VALUES.items() if v == c18)


def uscc_is_valid(code: str) -> bool:
    return (
        len(code) == 18
        and all(c in USCC_VALUES for c in code)
        and uscc_check_char(code[:17]) == code[17]
    )


def orgcode_check_char(body: str) -> str:
    if len(body) != 8 or any(c not in ORG_VALUES for c in body):
        return ""
    s = sum(ORG_VALUES[c] * w for c, w in zip(body, ORG_WEIGHTS))
    c9 = 11 - s % 11
    if c9 == 10:
        return "X"
    if c9 == 11:
        return "0"
    return str(c9)


def orgcode_is_valid(code: str) -> bool:
    return len(code) == 9 and orgcode_check_char(code[:8]) == code[8]


def gs15_check_char(body: str) -> str:
    if len(body) != 14 or any(c not in DIGITS for c in body):
        return ""
    p = 10
    for c in body:
        s = (p + int(c)) % 10
        if s == 0:
            s = 10
        p = (2 * s) % 11
    return str((11 - p) % 10)


def gs15_is_valid(code: str) -> bool:
    return len(code) == 15 and gs15_check_char(code[:14]) == code[14]
