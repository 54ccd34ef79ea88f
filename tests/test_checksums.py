"""weft.core.checksums vs DOMAIN.md examples, tests/naive.py, python-stdnum and id-validator."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weft.core import checksums as cs
from weft.core.checksums import (
    from_ascii_matrix,
    gs15_check_chars,
    gs15_valid,
    orgcode_check_chars,
    orgcode_valid,
    ric15_to_18,
    ric_check_chars,
    ric_valid,
    to_ascii_matrix,
    uscc_check_chars,
    uscc_valid,
)

from . import naive

N_RANDOM = 100_000  # random valid bodies per scheme, and as many corrupted values
DIGITS = b"0123456789"
ALNUM = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
USCC_ALPHABET = "".join(naive.USCC_VALUES).encode()
# Random-string charset: lowercase, blanks and separators that a normaliser would strip.
NOISE = ALNUM + b"abcxyz -_/.*#\x00"


def _chars(codes: np.ndarray) -> list[str]:
    """Kernel check chars as str, with the NUL "cannot compute" as "" like naive.py."""
    return [chr(c) if c else "" for c in codes.tolist()]


def _rand_rows(rng: np.random.Generator, n: int, width: int, alphabet: bytes) -> np.ndarray:
    return np.frombuffer(alphabet, dtype=np.uint8)[rng.integers(0, len(alphabet), (n, width))]


@dataclass(frozen=True)
class Scheme:
    name: str
    width: int  # with the check char
    body_alphabet: bytes
    check_alphabet: bytes  # symbols that can appear in the check position
    check_chars: Callable
    valid: Callable
    naive_check: Callable[[str], str]
    naive_valid: Callable[[str], bool]
    catches_all_substitutions: bool
    catches_all_transpositions: bool


SCHEMES = [
    # DOMAIN §1-2: MOD 11-2 and MOD 31 catch every single substitution and adjacent transposition
    # (brute-forced there); the MOD 11,10 hybrid catches every substitution (ISO 7064); GB 11714
    # values letters up to 35, so e.g. 0 <-> B (11) slips through and nothing is guaranteed.
    Scheme("ric", 18, DIGITS, DIGITS + b"X", ric_check_chars, ric_valid,
           naive.ric_check_char, naive.ric_is_valid, True, True),
    Scheme("uscc", 18, USCC_ALPHABET, USCC_ALPHABET, uscc_check_chars, uscc_valid,
           naive.uscc_check_char, naive.uscc_is_valid, True, True),
    Scheme("orgcode", 9, ALNUM, DIGITS + b"X", orgcode_check_chars, orgcode_valid,
           naive.orgcode_check_char, naive.orgcode_is_valid, False, False),
    Scheme("gs15", 15, DIGITS, DIGITS, gs15_check_chars, gs15_valid,
           naive.gs15_check_char, naive.gs15_is_valid, True, False),
]
BY_NAME = {s.name: s for s in SCHEMES}


def _valid_codes(rng, s: Scheme, n: int) -> np.ndarray:
    body = _rand_rows(rng, n, s.width - 1, s.body_alphabet)
    if s.name == "uscc":  # half with the usual all-digit authority/type/region prefix
        body[: n // 2, :8] = _rand_rows(rng, n // 2, 8, DIGITS)
    out = np.empty((n, s.width), dtype=np.uint8)
    out[:, :-1] = body
    out[:, -1] = s.check_chars(body)
    return out


def _corrupt(rng, s: Scheme, codes: np.ndarray, n: int) -> tuple[list[str], np.ndarray]:
    """n corrupted values: substitutions, adjacent transpositions, random strings, wrong lengths,
    non-ASCII. Returns the strings and a kind label per string."""
    k = -(-n // 5)
    w = s.width
    rows = codes[rng.integers(0, len(codes), 2 * k)]
    twice = codes[rng.integers(0, len(codes), 2 * k)]  # substitutions/swaps that change nothing
    ar = np.arange(2 * k)  # are dropped, so draw twice as many as needed

    subs = twice.copy()
    pos = rng.integers(0, w, 2 * k)
    body_sym = np.frombuffer(s.body_alphabet, np.uint8)
    check_sym = np.frombuffer(s.check_alphabet, np.uint8)
    new = np.where(
        pos == w - 1,
        check_sym[rng.integers(0, len(check_sym), 2 * k)],
        body_sym[rng.integers(0, len(body_sym), 2 * k)],
    )
    keep = new != subs[ar, pos]
    subs[ar, pos] = new
    subs = subs[keep][:k]

    trans = twice.copy()
    pos = rng.integers(0, w - 1, 2 * k)
    a, b = trans[ar, pos], trans[ar, pos + 1]
    trans[ar, pos], trans[ar, pos + 1] = b, a
    trans = trans[a != b][:k]

    rand = np.concatenate([
        _rand_rows(rng, k // 2, w, s.check_alphabet + s.body_alphabet),
        _rand_rows(rng, k - k // 2, w, NOISE),
    ])

    # Wrong lengths: cut or extend valid codes by 1-3 chars.
    base = from_ascii_matrix(rows[:k]).tolist()
    delta = rng.choice([-3, -2, -1, 1, 2, 3], k).tolist()
    pad = from_ascii_matrix(_rand_rows(rng, k, 3, s.body_alphabet)).tolist()
    wrong_len = [v[:w + d] if d < 0 else v + p[:d] for v, d, p in zip(base, delta, pad)]

    # Non-ASCII look-alikes: full-width digits / X, Latin-1 letters.
    base = from_ascii_matrix(rows[k : 2 * k]).tolist()
    pos = rng.integers(0, w, k).tolist()
    sub = rng.choice(list("０１９Ｘｘé×"), k).tolist()
    non_ascii = [v[:p] + c + v[p + 1 :] for v, p, c in zip(base, pos, sub)]

    parts = {
        "sub": from_ascii_matrix(subs).tolist(),
        "trans": from_ascii_matrix(trans).tolist(),
        "rand": from_ascii_matrix(rand).tolist(),
        "len": wrong_len,
        "nonascii": non_ascii,
    }
    values = [v for p in parts.values() for v in p]
    kinds = np.concatenate([np.full(len(p), name) for name, p in parts.items()])
    return values, kinds


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(20261121)


@pytest.fixture(scope="module")
def samples(rng):
    """Per scheme: random valid codes and corrupted strings, generated once."""
    out = {}
    for s in SCHEMES:
        codes = _valid_codes(rng, s, N_RANDOM)
        out[s.name] = (codes, *_corrupt(rng, s, codes, N_RANDOM))
    return out


@pytest.fixture(scope="module")
def fast_id_validator():
    """id-validator rebuilds its ~700 KB region tables on every call (10 ms); cache them so it can
    serve as an oracle. The tables are constants, so this changes speed, not answers."""
    from id_validator import data

    with pytest.MonkeyPatch.context() as mp:
        for name in ("get_address_code_timeline", "get_additional_address_code_timeline"):
            mp.setattr(data, name, functools.cache(getattr(data, name)))
        from id_validator import validator

        yield validator


def _lib_ok(is_valid: Callable[[str], bool], value: str) -> bool:
    """A library's verdict, with its crashes read as "invalid": id-validator int()s unchecked
    characters, stdnum 2.2 ric raises KeyError for a province code without a county."""
    try:
        return bool(is_valid(value))
    except (ValueError, KeyError, IndexError):
        return False


# ------------------------------------------------------------------------------ DOMAIN examples


@pytest.mark.parametrize(
    "ric",
    ["11010519491231002X", "440304200906151236", "440524188001010014", "440303198501011239"],
)
def test_ric_domain_examples(ric):
    m = to_ascii_matrix([ric], 18)
    assert bytes(ric_check_chars(np.ascontiguousarray(m[:, :17]))) == ric[17].encode()
    assert ric_valid(m).tolist() == [True]
    assert naive.ric_is_valid(ric)


def test_ric_15_to_18_domain_example():
    got = from_ascii_matrix(ric15_to_18(to_ascii_matrix(["440303850101123"], 15)))
    assert got.tolist() == ["440303198501011239"]
    assert naive.ric15_to_18("440303850101123") == "440303198501011239"


@pytest.mark.parametrize("uscc", ["91350100M000100Y43", "91440300MA5F0K3W5X", "91110000600037341L",
                                  "91430111MA4L16JQ9B"])
def test_uscc_domain_examples(uscc):
    m = to_ascii_matrix([uscc], 18)
    assert bytes(uscc_check_chars(np.ascontiguousarray(m[:, :17]))) == uscc[17].encode()
    assert uscc_valid(m).tolist() == [True]
    # The embedded organisation code checks too (DOMAIN §2).
    assert orgcode_valid(np.ascontiguousarray(m[:, 8:17])).tolist() == [True]


def test_uscc_standard_example_with_wrong_check_is_invalid():
    assert uscc_valid(to_ascii_matrix(["91350100M000100Y4Z"], 18)).tolist() == [False]


@pytest.mark.parametrize("org", ["M000100Y4", "600037341", "MA5F0K3W5", "MA4L16JQ9"])
def test_orgcode_domain_examples(org):
    m = to_ascii_matrix([org], 9)
    assert bytes(orgcode_check_chars(np.ascontiguousarray(m[:, :8]))) == org[8].encode()
    assert orgcode_valid(m).tolist() == [True]
    assert naive.orgcode_is_valid(org)


def test_orgcode_uses_full_alphabet_not_uscc_table():
    # DOMAIN §2 trap: with the USCC letter values MA4L16JQ would get check 8, not 9.
    s = sum(naive.USCC_VALUES[c] * w for c, w in zip("MA4L16JQ", naive.ORG_WEIGHTS))
    assert str(11 - s % 11) == "8"
    assert bytes(orgcode_check_chars(to_ascii_matrix(["MA4L16JQ"], 8))) == b"9"
    assert orgcode_valid(to_ascii_matrix(["MA4L16JQ8"], 9)).tolist() == [False]


def test_gs15_domain_example():
    assert bytes(gs15_check_chars(to_ascii_matrix(["44030010000001"], 14))) == b"4"
    assert gs15_valid(to_ascii_matrix(["440300100000014", "440300100000015"], 15)).tolist() == [
        True,
        False,
    ]


def test_weights_match_domain_tables():
    # The kernels derive weights from formulas; DOMAIN prints them literally (as naive.py does).
    assert cs._RIC.weights.tolist() == naive.RIC_WEIGHTS
    assert cs._USCC.weights.tolist() == naive.USCC_WEIGHTS
    assert cs._ORGCODE.weights.tolist() == naive.ORG_WEIGHTS


# ------------------------------------------------------------------------------ random vs naive


@pytest.mark.parametrize("name", BY_NAME)
def test_random_bodies_match_naive(name, samples, rng):
    s = BY_NAME[name]
    codes = samples[name][0]
    body = np.ascontiguousarray(codes[:, :-1])
    # 1% of bodies get a character from outside the alphabet: cannot compute.
    bad = rng.random(len(body)) < 0.01
    outside = [c for c in b"abxIOSVZ -\x00\xff" if c not in s.body_alphabet]
    body[bad, rng.integers(0, s.width - 1, bad.sum())] = rng.choice(outside, bad.sum())
    got = _chars(s.check_chars(body))
    bodies = [v.decode("latin-1") for v in body.view(f"S{s.width - 1}").ravel().tolist()]
    assert got == [s.naive_check(b) for b in bodies]
    assert all(g == "" for g, b in zip(got, bad.tolist()) if b)
    assert s.valid(codes).all()


@pytest.mark.parametrize("name", BY_NAME)
def test_corrupted_values_match_naive(name, samples):
    s = BY_NAME[name]
    _, values, kinds = samples[name]
    assert len(values) >= N_RANDOM and (kinds == "sub").sum() == (kinds == "trans").sum()
    got = s.valid(to_ascii_matrix(values, s.width))
    assert got.tolist() == [s.naive_valid(v) for v in values]
    assert not got[np.isin(kinds, ["len", "nonascii"])].any()
    if s.catches_all_substitutions:
        assert not got[kinds == "sub"].any()
    if s.catches_all_transpositions:
        assert not got[kinds == "trans"].any()
    # The mix must exercise both outcomes (random strings over the alphabet are sometimes valid).
    assert got.any() and not got.all()


def test_ric15_to_18_random_match_naive(rng):
    old = _rand_rows(rng, 20_000, 15, DIGITS + b"A")
    got = from_ascii_matrix(ric15_to_18(old)).tolist()
    assert got == [naive.ric15_to_18(v) for v in from_ascii_matrix(old).tolist()]


# ------------------------------------------------------------------------------ vs libraries


def test_ric_check_chars_match_libraries(samples):
    from id_validator import helper
    from stdnum.cn import ric as stdnum_ric

    codes = samples["ric"][0]
    body_strs = from_ascii_matrix(np.ascontiguousarray(codes[:, :17])).tolist()
    ours = _chars(ric_check_chars(np.ascontiguousarray(codes[:, :17])))
    # stdnum's calc_check_digit takes the number with a (any) check digit appended.
    assert ours == [stdnum_ric.calc_check_digit(b + "0") for b in body_strs]
    assert ours == [helper.generator_check_bit(b) for b in body_strs]


def test_ric_valid_implied_by_libraries(samples, fast_id_validator):
    """The libraries add date/region checks, so their "valid" must imply ours (on plain upper-case
    ASCII values: both libraries upper-case, stdnum also strips blanks and hyphens, id-validator
    int()s full-width digits)."""
    from stdnum.cn import ric as stdnum_ric

    _, values, _ = samples["ric"]
    values = [v for v in values if len(v) == 18 and v.isascii() and v == v.upper()
              and " " not in v and "-" not in v]
    ours = ric_valid(to_ascii_matrix(values, 18)).tolist()
    for v, o in zip(values, ours):
        if _lib_ok(stdnum_ric.is_valid, v) or _lib_ok(fast_id_validator.is_valid, v):
            assert o, v


REAL_REGIONS = ["110101", "110102", "110105", "110108", "310101", "310104", "310115", "330106",
                "440103", "440106", "440303", "440304", "440305", "440306", "440307", "440308",
                "510104"]  # all in force 1998-2015 in both libraries' tables


def _realistic_ric_bodies(rng, n: int) -> np.ndarray:
    region = to_ascii_matrix(rng.choice(REAL_REGIONS, n), 6)
    days = np.datetime64("1998-01-01") + rng.integers(0, 6200, n).astype("timedelta64[D]")
    date = to_ascii_matrix(np.char.replace(np.datetime_as_string(days), "-", ""), 8)
    return np.concatenate([region, date, _rand_rows(rng, n, 3, DIGITS)], axis=1)


def test_ric_valid_agrees_with_libraries_on_real_region_and_date(rng, fast_id_validator):
    from stdnum.cn import ric as stdnum_ric

    body = _realistic_ric_bodies(rng, 20_000)
    ids = np.empty((len(body), 18), np.uint8)
    ids[:, :17] = body
    ids[:, 17] = ric_check_chars(body)
    sym = np.frombuffer(b"0123456789X", np.uint8)  # sorted, so searchsorted gives the index
    right = np.searchsorted(sym, ids[1::2, 17])
    ids[1::2, 17] = sym[(right + rng.integers(1, 11, len(right))) % 11]  # odd rows: wrong check
    values = from_ascii_matrix(ids).tolist()
    ours = ric_valid(ids).tolist()
    assert ours == [i % 2 == 0 for i in range(len(ids))]
    assert ours == [_lib_ok(fast_id_validator.is_valid, v) for v in values]
    # stdnum scans its region database per call (~0.3 ms): a subset suffices.
    assert ours[:2_000] == [stdnum_ric.is_valid(v) for v in values[:2_000]]


def test_uscc_check_chars_match_stdnum(samples):
    from stdnum.cn import uscc as stdnum_uscc

    codes = samples["uscc"][0]
    body_strs = from_ascii_matrix(np.ascontiguousarray(codes[:, :17])).tolist()
    # calc_check_digit does not insist on digits in chars 1-8, so it covers every body.
    assert _chars(uscc_check_chars(np.ascontiguousarray(codes[:, :17]))) == [
        stdnum_uscc.calc_check_digit(b) for b in body_strs
    ]


def test_uscc_valid_agrees_with_stdnum_on_digit_prefixes(samples):
    """stdnum wrongly rejects codes whose chars 1-8 are not digits (DOMAIN §2): compare only where
    they are digits, on plain upper-case values (stdnum upper-cases and strips blanks/hyphens)."""
    from stdnum.cn import uscc as stdnum_uscc

    codes, values, _ = samples["uscc"]
    values = from_ascii_matrix(codes[: N_RANDOM // 2]).tolist() + [
        v for v in values if v[:8].isdigit() and v.isascii() and v == v.upper()
        and " " not in v and "-" not in v
    ]
    ours = uscc_valid(to_ascii_matrix(values, 18)).tolist()
    assert ours == [stdnum_uscc.is_valid(v) for v in values]
    assert sum(ours) >= N_RANDOM // 2


def test_uscc_valid_accepts_letter_authorities():
    body = to_ascii_matrix(["A1440300MA5F0K3W5", "N2440300MA5F0K3W5", "Y1440300MA5F0K3W5"], 17)
    codes = np.concatenate([body, uscc_check_chars(body)[:, None]], axis=1)
    assert uscc_valid(codes).all()
    assert all(naive.uscc_is_valid(v) for v in from_ascii_matrix(codes).tolist())


# ------------------------------------------------------------------------------ edge cases

ALL_FUNCS = [
    (ric_check_chars, 17), (ric_valid, 18), (ric15_to_18, 15), (uscc_check_chars, 17),
    (uscc_valid, 18), (orgcode_check_chars, 8), (orgcode_valid, 9), (gs15_check_chars, 14),
    (gs15_valid, 15),
]


@pytest.mark.parametrize("func, width", ALL_FUNCS)
def test_empty_input(func, width):
    out = func(np.zeros((0, width), np.uint8))
    assert out.shape[0] == 0
    assert out.dtype in (np.uint8, np.bool_)


@pytest.mark.parametrize("func, width", ALL_FUNCS)
def test_zero_rows_are_invalid(func, width):
    out = func(np.zeros((3, width), np.uint8))
    if out.dtype == np.bool_:
        assert not out.any()
    elif out.ndim == 1:
        assert not out.any()
    else:  # ric15_to_18: chars copied as given, check NUL
        assert not out[:, 17].any()


@pytest.mark.parametrize("name", BY_NAME)
def test_read_only_and_non_contiguous_inputs(name, samples):
    s = BY_NAME[name]
    codes = samples[name][0][:5_000]
    expected = s.valid(codes)

    ro = codes.copy()
    ro.flags.writeable = False
    assert (s.valid(ro) == expected).all()
    assert (s.check_chars(ro[:, :-1]) == ro[:, -1]).all()  # sliced: not C-contiguous

    wide = np.zeros((len(codes), s.width + 3), np.uint8)
    wide[:, 2 : 2 + s.width] = codes
    assert (s.valid(wide[:, 2 : 2 + s.width]) == expected).all()
    assert (s.valid(codes[::2]) == expected[::2]).all()
    assert (s.valid(np.asfortranarray(codes)) == expected).all()
    assert codes.flags.writeable and (codes == samples[name][0][:5_000]).all()


def test_one_compiled_specialisation_per_kernel():
    # Read-only and writable inputs must share a specialisation (STYLE: read-only pitfall).
    m = to_ascii_matrix(["11010519491231002X"], 18)
    ric_valid(m)
    m.flags.writeable = False
    ric_valid(m)
    kernels = [cs._weighted_check_kernel, cs._weighted_valid_kernel, cs._gs15_check_kernel,
               cs._gs15_valid_kernel]
    for k in kernels:
        if hasattr(k, "signatures"):  # absent under NUMBA_DISABLE_JIT
            assert len(k.signatures) <= 1, (k, k.signatures)


def test_lowercase_x_is_invalid():
    m = to_ascii_matrix(["11010519491231002X", "11010519491231002x"], 18)
    assert ric_valid(m).tolist() == [True, False]
    assert bytes(orgcode_check_chars(to_ascii_matrix(["ma5f0k3w"], 8))) == b"\0"
    assert uscc_valid(to_ascii_matrix(["91440300ma5f0k3w5x"], 18)).tolist() == [False]


def test_non_ascii():
    # Full-width digits are NFKC-equivalent but not ASCII: the normaliser's job, invalid here.
    m = to_ascii_matrix(["１１０１０５１９４９１２３１００２Ｘ", "11010519491231002Ｘ"], 18)
    assert not m.any()
    assert not ric_valid(m).any()
    raw = to_ascii_matrix(["11010519491231002X"], 18)
    raw[0, 3] = 0xB1  # a stray high byte inside the matrix itself
    assert not ric_valid(raw).any()
    assert ric_check_chars(np.ascontiguousarray(raw[:, :17])).tolist() == [0]
    with pytest.raises(ValueError, match="non-ASCII"):
        from_ascii_matrix(raw)


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((2, 18), np.int64),
        np.zeros((2, 18), np.int8),
        np.array([b"11010519491231002X"]),
        np.array(["11010519491231002X"]),
        [[49] * 18],
    ],
    ids=["int64", "int8", "S18", "U18", "list"],
)
def test_wrong_dtype_raises_type_error(bad):
    with pytest.raises(TypeError, match="uint8|ndarray"):
        ric_valid(bad)


@pytest.mark.parametrize("shape", [(2, 17), (2, 19), (18,), (1, 2, 18)])
def test_wrong_shape_raises_value_error(shape):
    with pytest.raises(ValueError, match=r"shape \(n, 18\)"):
        ric_valid(np.zeros(shape, np.uint8))


def test_to_ascii_matrix_conversions():
    vals = ["ab", "abc", "a", "", None, "é1", "xy"]
    expected = [[97, 98], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [120, 121]]
    assert to_ascii_matrix(vals, 2).tolist() == expected
    assert to_ascii_matrix(np.array(vals, dtype=object), 2).tolist() == expected
    assert to_ascii_matrix(np.array(["ab", "é1", "abc"]), 2).tolist() == [[97, 98], [0, 0], [0, 0]]
    assert to_ascii_matrix(np.array([b"ab", b"abc"]), 2).tolist() == [[97, 98], [0, 0]]
    assert to_ascii_matrix([], 18).shape == (0, 18)
    assert to_ascii_matrix(np.array([], dtype="U1"), 9).shape == (0, 9)
    assert to_ascii_matrix(["ab"], 2).dtype == np.uint8
    with pytest.raises(TypeError):
        to_ascii_matrix(np.zeros(3), 2)
    with pytest.raises(ValueError):
        to_ascii_matrix(["ab"], 0)


def test_from_ascii_matrix():
    m = to_ascii_matrix(["440300100000014", None], 15)
    out = from_ascii_matrix(m)
    assert out.dtype == object and out.tolist() == ["440300100000014", ""]
    assert from_ascii_matrix(np.zeros((0, 4), np.uint8)).shape == (0,)
    assert from_ascii_matrix(m[:, 6:]).tolist() == ["100000014", ""]  # non-contiguous view


@given(st.lists(st.text(st.characters(max_codepoint=0x24F), max_size=20), max_size=30))
@settings(max_examples=100, deadline=None)
def test_ascii_round_trip_property(values):
    width = 9
    out = from_ascii_matrix(to_ascii_matrix(values, width)).tolist()
    for v, o in zip(values, out):
        # NumPy drops trailing NULs, so such a value is short and becomes a null row.
        keep = len(v) == width and v.isascii() and not v.endswith("\0")
        assert o == (v if keep else "")


# ------------------------------------------------------------------------------ properties


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
@settings(max_examples=300, deadline=None)
def test_ric_check_then_every_substitution_detected(body):
    body_m = to_ascii_matrix([body], 17)
    ids = np.concatenate([body_m, ric_check_chars(body_m)[:, None]], axis=1)
    assert ric_valid(ids).tolist() == [True]
    assert naive.ric_is_valid(from_ascii_matrix(ids)[0])
    # Every single-character substitution: digits anywhere, plus X in the check position.
    variants = np.repeat(ids, 18 * 11, axis=0)
    pos = np.repeat(np.arange(18), 11)
    variants[np.arange(len(variants)), pos] = np.tile(np.frombuffer(b"0123456789X", np.uint8), 18)
    changed = (variants != ids).any(axis=1)
    assert changed.sum() == 17 * 10 + 10
    assert not ric_valid(variants[changed]).any()
