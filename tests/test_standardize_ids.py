"""weft.linkage.standardize.ids vs tests/naive.py, python-stdnum, id-validator and the generator's
truth (DOMAIN §1-3)."""

from __future__ import annotations

import contextlib
import datetime
import functools
from collections import Counter, defaultdict
from pathlib import Path

import numba
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weft.core import ids as K
from weft.core.checksums import ric_check_chars, to_ascii_matrix
from weft.linkage.regions import load_divisions
from weft.linkage.standardize import ids as S
from weft.linkage.standardize import quality

from . import naive
from .generated import ID_COLUMNS as GEN_ID_COLUMNS

TODAY = datetime.date(2026, 6, 1)  # the generator's REF_DAY
KNOWN = set(load_divisions().code.tolist())
REGIONS = np.array(sorted(KNOWN))
N_VALID = 100_000  # random valid ID numbers, and as many corrupted ones
ID_COLUMNS = ["id_number", "id_number_q", "id_birth_date", "id_gender", "id_region", "id_body17",
              "id_key15"]
FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789Xx"}


def _lists(out: dict[str, pa.Array]) -> dict[str, list]:
    return {k: v.to_pylist() for k, v in out.items()}


def _ids(values) -> dict[str, list]:
    return _lists(S.standardize_id_number(values, today=TODAY))


def _naive_ids(values) -> dict[str, list]:
    rows = [naive.std_id_number(v, TODAY, KNOWN) for v in values]
    keys = ["id_number", "q", "birth", "gender", "region", "body17", "key15"]
    return {col: [r[k] for r in rows] for col, k in zip(ID_COLUMNS, keys)}


def _assert_same(got: dict[str, list], want: dict[str, list], values) -> None:
    for col in want:
        bad = [i for i, (g, w) in enumerate(zip(got[col], want[col])) if g != w]
        if bad:
            i = bad[0]
            pytest.fail(f"{col}: {len(bad)} differ, first {values[i]!r}: {got[col][i]!r} != {want[col][i]!r}")


# ------------------------------------------------------------------------------ random corpus


def _valid_ids(rng, n: int) -> list[str]:
    """Valid numbers over the whole region table and every birth date 1900..TODAY."""
    first = np.datetime64("1900-01-01")
    span = (np.datetime64(TODAY, "D") - first).astype(np.int64) + 1
    days = first + rng.integers(0, span, n).astype("timedelta64[D]")
    ymd = np.char.replace(np.datetime_as_string(days), "-", "").tolist()
    bodies = [f"{r:06d}{d}{s:03d}" for r, d, s in
              zip(rng.choice(REGIONS, n).tolist(), ymd, rng.integers(0, 1000, n).tolist())]
    # core.checksums is checked against naive.py, stdnum and id-validator in test_checksums.py
    checks = ric_check_chars(to_ascii_matrix(bodies, 17)).view("S1").astype(str).tolist()
    return [b + c for b, c in zip(bodies, checks)]


def _with_check(body: str) -> str:
    return body + naive.ric_check_char(body)


def _corrupt(rng, v: str, kind: str) -> str | None:
    """One corrupted form of a valid 18-char number ``v``."""
    r = lambda k: int(rng.integers(k))  # noqa: E731
    if kind == "typo":
        i = r(18)
        alphabet = "0123456789X" if i == 17 else "0123456789"
        return v[:i] + rng.choice([c for c in alphabet if c != v[i]]) + v[i + 1:]
    if kind == "transposition":
        i = next((j for j in rng.permutation(17).tolist() if v[j] != v[j + 1]), 0)
        return v[:i] + v[i + 1] + v[i] + v[i + 2:]
    if kind == "legacy15":
        return v[:6] + v[8:17]
    if kind == "lower_x":
        return v[:17] + "x"
    if kind == "times_x":
        return v[:17] + "×"
    if kind == "fullwidth":
        return "".join(FULLWIDTH.get(c, c) for c in v)
    if kind == "separators":
        seps = [" ", "-", ".", "\u3000", "\t", "\u00a0", "\u2014", "\ufeff", "－"]
        sep = seps[r(len(seps))]
        return [f"{v[:6]}{sep}{v[6:14]}{sep}{v[14:]}", f"{sep}{v}{sep}", f" {v}", f"{v}\n"][r(4)]
    if kind == "excel_sci":
        return [f"{v[0]}.{v[1:6]}E+17", f"{v[0]}.{v[1:15]}e+17", f"{v[0]}.{v[1:6]}E17",
                f"{v[0]}.{v[1:6]}E+14", f" {v[0]}.{v[1:4]}Ｅ+17"][r(5)]
    if kind == "excel_000":
        return v[:15] + "000"
    if kind == "wrong_length":
        d = [-4, -2, -1, 1, 2, 3][r(6)]  # not -3: that is a (wrong) legacy number
        return v[:18 + d] if d < 0 else v + "".join(str(r(10)) for _ in range(d))
    if kind == "bad_date":  # a right check over an impossible date
        return _with_check(v[:6] + ["19000229", "20230230", "19991301", "20000000", "18991231",
                                    "20990101", f"{r(10**4):04d}13{r(100):02d}"][r(7)] + v[14:17])
    if kind == "unknown_region":
        code = next(c for c in rng.integers(100000, 1000000, 50).tolist() if c not in KNOWN)
        return _with_check(f"{code:06d}" + v[6:17])
    if kind == "junk":
        pool = "0123456789Xx ABCOIl-./+E张三省市区号栋\u3000\U00020000😀\x00"
        return "".join(pool[r(len(pool))] for _ in range(r(25)))
    if kind == "letter":
        i = r(17)
        return v[:i] + "OIlZB"[r(5)] + v[i + 1:]
    return {"empty": "", "blank": "  \u3000 ", "dashes": "--", "null": None}[kind]


CORRUPTIONS = ["typo", "transposition", "legacy15", "lower_x", "times_x", "fullwidth", "separators",
               "excel_sci", "excel_000", "wrong_length", "bad_date", "unknown_region", "junk",
               "letter", "empty", "blank", "dashes", "null"]


@pytest.fixture(scope="module")
def corpus():
    """(values, kinds, originals): N_VALID valid numbers, then N_VALID corrupted ones."""
    rng = np.random.default_rng(20261121)
    valid = _valid_ids(rng, N_VALID)
    # X-ending and pre-2000 numbers for the corruptions that need them
    base = _valid_ids(rng, N_VALID)
    ends_x = [v for v in base if v.endswith("X")]
    old = [v for v in base if v[6:8] == "19"]
    kinds = rng.choice(CORRUPTIONS, N_VALID).tolist()
    originals, corrupted = [], []
    for j, kind in enumerate(kinds):
        pool = ends_x if kind in ("lower_x", "times_x") else old if kind == "legacy15" else base
        v = pool[j % len(pool)]
        originals.append(v)
        corrupted.append(_corrupt(rng, v, kind))
    return valid + corrupted, ["valid"] * N_VALID + kinds, valid + originals


@pytest.fixture(scope="module")
def corpus_out(corpus):
    return _ids(pa.array(corpus[0], pa.string()))


@pytest.fixture(scope="module")
def fast_id_validator():
    """id-validator rebuilds its region tables on every call (10 ms); cache them so it can serve
    as an oracle (as in test_checksums.py). The tables are constants: speed changes, not answers."""
    from id_validator import data

    with pytest.MonkeyPatch.context() as mp:
        for name in ("get_address_code_timeline", "get_additional_address_code_timeline"):
            mp.setattr(data, name, functools.cache(getattr(data, name)))
        from id_validator import validator

        yield validator


# ------------------------------------------------------------------------------ fold table


def test_fold_table_matches_naive():
    got = K.FOLD.tolist()
    for cp in range(0x10000):
        want = naive.id_fold_char(chr(cp))
        expect = K.ILLEGAL if want == naive.ID_ILLEGAL_CHAR else (K.DROP if want == "" else ord(want))
        assert got[cp] == expect, (hex(cp), got[cp], want)
    assert not K.FOLD.flags.writeable


def test_reason_codes_are_documented():
    assert (K.VALID, K.REPAIRED, K.MISSING) == (quality.VALID, quality.REPAIRED, quality.MISSING)
    for col, reasons in S.REASONS.items():
        assert reasons[0] == "valid" and reasons[1] == "repaired" and reasons[2] == "missing"
        assert all(code >= 3 for code in set(reasons) - {0, 1, 2}), col
    assert S.ID_NUMBER_REASONS[K.EXCEL_DAMAGE] == "excel_damage"
    assert set(S.REASONS) == {"id_number_q", "uscc_q", "org_code_q", "reg_no_q", "house_code_q"}


# ------------------------------------------------------------------------------ ID numbers: naive


def test_id_numbers_match_naive(corpus, corpus_out):
    values = corpus[0]
    assert len(values) >= 2 * N_VALID
    _assert_same(corpus_out, _naive_ids(values), values)


def test_id_numbers_per_corruption_kind(corpus, corpus_out):
    values, kinds, originals = corpus
    q, out = corpus_out["id_number_q"], corpus_out["id_number"]
    seen = defaultdict(Counter)
    for v, kind, orig, qi, o in zip(values, kinds, originals, q, out):
        seen[kind][qi] += 1
        if kind == "valid":
            assert qi == 0 and o == orig
        elif kind in ("legacy15", "lower_x", "times_x", "fullwidth", "separators"):
            assert qi == 1 and o == orig, (v, qi, o)
        elif kind in ("typo", "transposition"):
            # MOD 11-2 catches every single substitution and adjacent swap (DOMAIN §1); where the
            # date or region digits were hit that reason wins; a typo that leaves ...000 reads as
            # Excel damage, an X swapped into the body as a bad char.
            assert qi in (K.BAD_CHECK, K.BAD_DATE, K.UNKNOWN_REGION, K.EXCEL_DAMAGE, K.BAD_CHARSET), (v, qi)
            if kind == "typo" and v[:14] == orig[:14]:  # in the sequence or check: bad_check
                assert qi == K.BAD_CHECK or (qi == K.EXCEL_DAMAGE and v.endswith("000")), (v, qi)
        elif kind == "excel_000":
            # A number ending in 000 whose check happens to be 0 is valid and indistinguishable.
            assert qi == K.EXCEL_DAMAGE or (qi == 0 and naive.ric_is_valid(v)), (v, qi)
        elif kind == "excel_sci":
            assert qi == K.EXCEL_DAMAGE, v
        else:
            want = {"wrong_length": {3}, "bad_date": {6}, "unknown_region": {7}, "letter": {4},
                    "empty": {2}, "blank": {2}, "dashes": {2}, "null": {2},
                    "junk": {2, 3, 4, 5, 6, 7, 8}}[kind]
            assert qi in want, (kind, v, qi)
    assert seen["excel_000"][K.EXCEL_DAMAGE] > 0.8 * sum(seen["excel_000"].values())


def test_id_number_domain_examples():
    vals = ["11010519491231002X", "440304200906151236", "440303850101123", "440303198501011239",
            "１１０１０５１９４９１２３１００２ｘ", "440524188001010014", "4.40304E+17"]
    got = _ids(pa.array(vals))
    assert got["id_number"] == ["11010519491231002X", "440304200906151236", "440303198501011239",
                                "440303198501011239", "11010519491231002X", None, None]
    # 1880 is before the 1900 floor: a real date, kept out as bad_date
    assert got["id_number_q"] == [0, 0, 1, 0, 1, K.BAD_DATE, K.EXCEL_DAMAGE]
    assert got["id_gender"][:4] == [2, 1, 1, 1]
    assert got["id_birth_date"][1] == datetime.date(2009, 6, 15)
    assert got["id_region"][:4] == [110105, 440304, 440303, 440303]
    assert got["id_key15"][2] == got["id_key15"][3] == "440303850101123"


def test_bad_check_keeps_keys_and_derived_fields():
    good = "440304200906151236"
    got = _ids(pa.array([good, good[:17] + "7", good[:15] + "000"]))
    assert got["id_number_q"] == [0, K.BAD_CHECK, K.EXCEL_DAMAGE]
    assert got["id_body17"] == [good[:17], good[:17], None]
    assert got["id_key15"] == ["440304090615123", "440304090615123", None]
    assert got["id_birth_date"][:2] == [datetime.date(2009, 6, 15)] * 2
    assert got["id_region"] == [440304, 440304, 0]


def test_folded_number_kept_for_comparison_only():
    good = "440304200906151236"
    vals = [good, good.lower(), good[:17] + "7", "440304200913151236", "999999200906151236",
            good[:15] + "000", "4.40304E+17", "44030420090615123", "44030420090615123A", None, "440303850101123"]
    got = _ids(pa.array(vals))
    assert got["id_number_q"][:6] == [0, 0, K.BAD_CHECK, K.BAD_DATE, K.UNKNOWN_REGION, K.EXCEL_DAMAGE]
    # the folded number survives a failed check, date or region; lost digits and junk do not
    assert got["id_folded"] == [good, good, good[:17] + "7", "440304200913151236", "999999200906151236",
                                None, None, None, None, None, "440303198501011239"]


def test_today_bounds_birth_dates():
    v = "440304200906151236"
    assert _ids(pa.array([v]))["id_number_q"] == [0]
    got = S.standardize_id_number(pa.array([v]), today=datetime.date(2009, 6, 14))
    assert got["id_number_q"].to_pylist() == [K.BAD_DATE]
    assert S.standardize_id_number(pa.array([v]))["id_number_q"].to_pylist() == [0]  # real today


# ------------------------------------------------------------------------------ vs libraries


def _lib_ok(is_valid, value: str) -> bool:
    """A library's verdict, with its crashes read as "invalid" (as in test_checksums.py)."""
    try:
        return bool(is_valid(value))
    except (ValueError, KeyError, IndexError):
        return False


def _folded(v: str | None) -> str:
    """What a value folds to in an ID-number field (the libraries do not fold)."""
    return naive.id_fold(v).replace(".", "") if v is not None else ""


def _shape(f: str) -> int:
    """18 for 17 digits + digit/X, 15 for 15 digits, else 0."""
    if len(f) == 18 and f[:17].isdigit() and f[17] in "0123456789X":
        return 18
    return 15 if len(f) == 15 and f.isdigit() else 0


def test_id_check_agrees_with_stdnum(corpus, corpus_out):
    """Checksum level: stdnum also checks the region in the birth year, which we do not."""
    from stdnum.cn import ric as stdnum_ric

    values = corpus[0]
    q = corpus_out["id_number_q"]
    compared = 0
    for v, qi, out in zip(values, q, corpus_out["id_number"]):
        f = _folded(v)
        if _shape(f) != 18 or qi not in (0, 1, K.BAD_CHECK, K.EXCEL_DAMAGE):
            continue
        compared += 1
        assert (stdnum_ric.calc_check_digit(f) == f[17]) == (qi in (0, 1)), (v, qi)
        if qi in (0, 1):
            assert f == out
    assert compared >= N_VALID
    # Full validation is slow (~0.3 ms): its "valid" must imply ours on a sample, leaving out the
    # dates it accepts and we do not (before 1900, after today).
    for v, kind, qi in list(zip(values, corpus[1], q))[::40]:
        if kind != "bad_date" and _lib_ok(stdnum_ric.is_valid, v):
            assert qi in (0, 1), v


def test_id_agrees_with_id_validator(corpus, corpus_out, fast_id_validator):
    """id-validator validates 15 and 18 digits (region in any year, date, check). Compared where
    both tables know the region and the year is in 1900..TODAY.year - 1 or the date is no date
    (it accepts 1800 on and checks only the year against the clock)."""
    from id_validator import helper

    values, q, out = corpus[0], corpus_out["id_number_q"], corpus_out["id_number"]

    @functools.cache
    def lib_knows(region: str) -> bool:
        return helper.check_address_code(region, "19900101")

    compared = upgraded = 0
    for v, qi, o in zip(values, q, out):
        f = _folded(v)
        if not _shape(f):
            continue
        date = ("19" + f[6:12]) if len(f) == 15 else f[6:14]
        try:
            is_date = bool(datetime.date(int(date[:4]), int(date[4:6]), int(date[6:])))
        except ValueError:
            is_date = False
        both_know = int(f[:6]) in KNOWN and lib_knows(f[:6])
        if not both_know or (is_date and not 1900 <= int(date[:4]) < TODAY.year):
            continue
        if qi == K.EXCEL_DAMAGE and len(f) == 18:  # our reading of ...000 with a bad check
            assert not fast_id_validator.is_valid(f)
            continue
        compared += 1
        assert _lib_ok(fast_id_validator.is_valid, f) == (qi in (0, 1)), (v, f, qi)
        if len(f) == 15 and qi == 1:
            assert fast_id_validator.upgrade_id(f) == o
            upgraded += 1
    assert compared >= N_VALID and upgraded > 1000


# ------------------------------------------------------------------------------ properties

ID_LIKE = st.text(alphabet="0123456789Xx×ｘ１９ .-E+\u3000张", max_size=22)
VALUES = st.lists(st.one_of(st.none(), st.text(), ID_LIKE), max_size=40)
STANDARDIZERS = [S.standardize_id_number, S.standardize_uscc, S.standardize_org_code,
                 S.standardize_reg_no, S.standardize_house_code]


@contextlib.contextmanager
def _one_thread():
    """Property tests make thousands of tiny calls; waking every Numba thread for each costs a
    scheduler slice on a busy machine. Thread partitioning is covered by the corpus tests."""
    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(before)


@given(VALUES)
@settings(max_examples=200, deadline=None)
def test_never_raises_and_matches_naive(values):
    arr = pa.array(values, pa.string())
    with _one_thread():
        for f in STANDARDIZERS:
            out = f(arr)
            assert all(len(a) == len(values) for a in out.values()), f.__name__
            q = next(a for k, a in out.items() if k.endswith("_q"))
            assert q.type == pa.uint8() and q.null_count == 0
        _assert_same(_ids(arr), _naive_ids(values), values)


@given(VALUES)
@settings(max_examples=100, deadline=None)
def test_idempotent(values):
    arr = pa.array(values, pa.string())
    with _one_thread():
        for f, col in [(S.standardize_id_number, "id_number"), (S.standardize_uscc, "uscc"),
                       (S.standardize_org_code, "org_code"), (S.standardize_reg_no, "reg_no"),
                       (S.standardize_house_code, "house_code")]:
            first = f(arr)[col]
            again = f(first)
            assert again[col].equals(first)
            assert again[col + "_q"].to_pylist() == [2 if v is None else 0 for v in first.to_pylist()]


@given(VALUES, st.data())
@settings(max_examples=100, deadline=None)
def test_sliced_and_chunked_inputs(values, data):
    whole = pa.array(values, pa.string())
    a = data.draw(st.integers(0, len(values)))
    b = data.draw(st.integers(a, len(values)))
    padded = pa.array(["pad", None] + values + ["440304200906151236"], pa.string())
    chunks = pa.chunked_array([whole.slice(0, a), whole.slice(a, b - a), whole.slice(b)], pa.string())
    with _one_thread():
        for f in STANDARDIZERS:
            want = f(whole)
            sliced, chunked, part = f(padded.slice(2, len(values))), f(chunks), f(whole.slice(a, b - a))
            for k in want:
                assert sliced[k].equals(want[k]), (f.__name__, k)
                assert chunked[k].equals(want[k]), (f.__name__, k)
                assert part[k].equals(want[k].slice(a, b - a)), (f.__name__, k)


# ------------------------------------------------------------------------------ edge cases


@pytest.mark.parametrize("f", STANDARDIZERS, ids=lambda f: f.__name__)
def test_empty_and_all_null(f):
    for arr in [pa.array([], pa.string()), pa.chunked_array([], pa.string()), pa.array([None] * 5),
                pa.array([None, None], pa.large_string())]:
        out = f(arr)
        assert all(len(a) == len(arr) for a in out.values())
        q = next(a for k, a in out.items() if k.endswith("_q"))
        assert q.to_pylist() == [2] * len(arr)
        assert all(a.null_count == len(arr) for k, a in out.items() if pa.types.is_string(a.type))


def test_all_equal_rare_chars_and_large_string():
    v = "11010519491231002x"
    out = _ids(pa.array([v] * 1000, pa.large_string()))
    assert set(out["id_number"]) == {"11010519491231002X"} and set(out["id_number_q"]) == {1}
    rare = ["\U00020000", "11010519491231002\U00020000", "𠀀" * 18, "1101051949123100２X"]
    got = _ids(pa.array(rare, pa.large_string()))
    assert got["id_number_q"] == [4, 4, 4, 1]
    _assert_same(got, _naive_ids(rare), rare)


def test_one_compiled_specialisation_per_kernel():
    # Read-only tables and writable decoded arrays must not multiply specialisations (STYLE).
    for f in STANDARDIZERS:
        f(pa.array(["440304200906151236", None, "x"]))
        f(pa.array(["440304200906151236"], pa.large_string()).slice(0, 1))
    for k in (K.id_number_kernel, K.uscc_kernel, K.org_code_kernel, K.reg_no_kernel,
              K.house_code_kernel, K._pack, K._offsets):
        if hasattr(k, "signatures"):  # absent under NUMBA_DISABLE_JIT
            assert len(k.signatures) == 1, (k, k.signatures)


def test_type_errors_are_not_bad_values():
    with pytest.raises(TypeError, match="string"):
        S.standardize_id_number(pa.array([440304200906151236]))


# ------------------------------------------------------------------------------ USCC, org, GS15


def _uscc_corpus(rng, n: int) -> list[str | None]:
    alpha = naive.USCC_SYMBOLS
    out = []
    for j in range(n):
        auth = ["91", "92", "93", "11", "12", "51", "52", "A1", "N2", "Y1"][j % 10]
        region = f"{rng.choice(REGIONS):06d}"
        if j % 2:  # new registrations: MA + 6 symbols; stock ones: the old all-digit org code
            org8 = "MA" + "".join(alpha[int(k)] for k in rng.integers(0, len(alpha), 6))
        else:
            org8 = f"{rng.integers(10**8):08d}"
        org = org8 + naive.orgcode_check_char(org8)
        if j % 17 == 0:  # a wrong embedded check char (USCC check still right): bad_org_code
            org = org8 + next(c for c in "0123456789X" if c != org[8])
        body = auth + region + org
        code = body + naive.uscc_check_char(body)
        kind = int(rng.integers(8))
        if kind == 1:
            code = code.lower()
        elif kind == 2:
            code = f"{code[:8]}-{code[8:]} "
        elif kind == 3:
            i = int(rng.integers(18))
            code = code[:i] + alpha[int(rng.integers(len(alpha)))] + code[i + 1:]
        elif kind == 4:
            code = code[: int(rng.integers(19))]
        elif kind == 5:
            i = int(rng.integers(18))
            code = code[:i] + "IOZSV"[int(rng.integers(5))] + code[i + 1:]
        elif kind == 6:
            code = [None, "", " ", "无", "91440300MA5F0K3W5X0"][int(rng.integers(5))]
        out.append(code)
    return out


def test_uscc_matches_naive_and_stdnum():
    from stdnum.cn import uscc as stdnum_uscc

    values = _uscc_corpus(np.random.default_rng(7), 40_000)
    got = _lists(S.standardize_uscc(pa.array(values, pa.string())))
    rows = [naive.std_uscc(v) for v in values]
    keys = {"uscc": "uscc", "uscc_q": "q", "uscc_org_code": "org_code", "uscc_region": "region",
            "uscc_authority": "authority"}
    want = {col: [r[k] for r in rows] for col, k in keys.items()}
    _assert_same(got, want, values)
    counts = Counter(got["uscc_q"])
    assert all(counts[c] > 100 for c in (0, 1, 2, 3, 4, 5, 9)), counts
    # stdnum: no embedded org-code check, and it wrongly rejects letters in chars 1-8 (DOMAIN §2)
    for v, qi in zip(values, got["uscc_q"]):
        f = naive.id_fold(v) if v else ""
        if len(f) == 18 and f[:8].isdigit() and "." not in f and "+" not in f:
            assert stdnum_uscc.is_valid(f) == (qi in (0, 1, K.BAD_ORG_CODE)), (v, qi)


def test_uscc_domain_examples():
    letter_authority = "Y1440300MA5F0K3W5" + naive.uscc_check_char("Y1440300MA5F0K3W5")
    vals = ["91350100M000100Y43", "91440300MA5F0K3W5X", "91110000600037341L", "91430111MA4L16JQ9B",
            "91350100M000100Y4Z", "91440300ma5f0k3w5x", letter_authority]
    got = _lists(S.standardize_uscc(pa.array(vals)))
    assert got["uscc_q"] == [0, 0, 0, 0, K.BAD_CHARSET, 1, 0]
    assert got["uscc_org_code"][:4] == ["M000100Y4", "MA5F0K3W5", "600037341", "MA4L16JQ9"]
    assert got["uscc_region"][:4] == [350100, 440300, 110000, 430111]
    assert got["uscc_authority"][6] == "Y1"
    # The DOMAIN §2 trap: an org check computed with USCC letter values (8 instead of 9)
    body = "91430111MA4L16JQ8"
    got = S.standardize_uscc(pa.array([body + naive.uscc_check_char(body)]))
    assert got["uscc_q"].to_pylist() == [K.BAD_ORG_CODE]


def test_org_code_and_reg_no_match_naive():
    rng = np.random.default_rng(8)
    orgs, regs = [], []
    for j in range(30_000):
        symbols = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[: 36 if j % 3 else 10]
        body = "".join(symbols[int(k)] for k in rng.integers(0, len(symbols), 8))
        org = body + naive.orgcode_check_char(body)
        reg = f"{rng.integers(10**14):014d}"
        reg += naive.gs15_check_char(reg)
        k = j % 7
        if k == 1:
            org, reg = f"{org[:8]}-{org[8]}", f" {reg[:6]} {reg[6:]}"
        elif k == 2:
            org, reg = org.lower() + "-", "１" + reg[1:]
        elif k == 3:
            i = int(rng.integers(9))
            org = org[:i] + "0123456789X"[int(rng.integers(11))] + org[i + 1:]
            reg = reg[:i] + str(rng.integers(10)) + reg[i + 1:]
        elif k == 4:
            org, reg = org[:8], reg[:14]
        elif k == 5:
            org, reg = org[:4] + "*" + org[5:], reg[:4] + "O" + reg[5:]
        elif k == 6:
            org = [None, "", "ＭＡ５Ｆ０Ｋ３Ｗ－５"][j % 3]
            reg = [None, "  ", "4403001000000１4"][j % 3]
        orgs.append(org)
        regs.append(reg)
    got = _lists(S.standardize_org_code(pa.array(orgs)))
    rows = [naive.std_org_code(v) for v in orgs]
    _assert_same(got, {"org_code": [r["org_code"] for r in rows], "org_code_q": [r["q"] for r in rows]}, orgs)
    assert set(got["org_code_q"]) == {0, 1, 2, 3, 4, 5}
    got = _lists(S.standardize_reg_no(pa.array(regs)))
    rows = [naive.std_reg_no(v) for v in regs]
    _assert_same(got, {"reg_no": [r["reg_no"] for r in rows], "reg_no_q": [r["q"] for r in rows]}, regs)
    assert set(got["reg_no_q"]) == {0, 1, 2, 3, 4, 5}


def test_org_code_printed_form_is_valid():
    vals = ["M000100Y-4", "M000100Y4", "M000100Y - 4", "m000100y-4", "M000100Y4-"]
    got = S.standardize_org_code(pa.array(vals))
    assert got["org_code"].to_pylist() == ["M000100Y4"] * 5
    assert got["org_code_q"].to_pylist() == [0, 0, 1, 1, 1]


# ------------------------------------------------------------------------------ house codes


def test_house_codes_match_naive():
    rng = np.random.default_rng(9)
    vals = []
    for j in range(30_000):
        region = rng.choice(REGIONS) if j % 13 else rng.integers(10**5, 10**6)
        code = f"{region:06d}{rng.integers(10**9):09d}{rng.integers(10**10):010d}"
        vals.append([code, code[:17], f" {code[:12]}-{code[12:]}", code[:20], code[:24] + "A",
                     "４" + code[1:], None, ""][j % 8])
    got = _lists(S.standardize_house_code(pa.array(vals)))
    rows = [naive.std_house_code(v, KNOWN) for v in vals]
    keys = ["house_code", "q", "community", "building_key", "unit", "floor", "room"]
    _assert_same(got, {c: [r[k] for r in rows] for c, k in zip(got, keys)}, vals)
    assert set(got["house_code_q"]) == {0, 1, 2, 3, 4, 7, 10}


def test_house_code_layout():
    got = S.standardize_house_code(pa.array(["4403040100010000101001001", "44030401000100001"]))
    assert got["house_code_q"].to_pylist() == [0, K.TRUNCATED]
    assert got["house_building_key"].to_pylist() == ["44030401000100001"] * 2
    assert got["house_community_code"].to_pylist() == ["440304010001"] * 2
    for k in ("house_unit", "house_floor", "house_room"):
        assert got[k].to_pylist() == [1, None]
    beijing = S.HouseCodeLayout(street=3, community=0, building=2, unit=2, floor=2, room=2)  # 17 digits
    got = S.standardize_house_code(pa.array(["110105" "001" "02" "10" "30" "05", "110105001002"]), beijing)
    assert got["house_code_q"].to_pylist() == [0, K.BAD_LENGTH]
    assert [got[k][0].as_py() for k in ("house_unit", "house_floor", "house_room")] == [10, 30, 5]
    with pytest.raises(ValueError, match="county"):
        S.HouseCodeLayout(county=4)
    with pytest.raises(ValueError, match="room"):
        S.HouseCodeLayout(room=10)


# ------------------------------------------------------------------------------ generator


REPAIRABLE = {"lower_x", "fullwidth", "spaces", "legacy15"}
_ID_OUT = ("id_number", "id_number_q", "id_body17", "id_key15")


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    from weft.bench.gen import generate

    out = tmp_path_factory.mktemp("city")
    generate(3000, 1, out)
    return out


def _mentions(city: Path, field: str, columns_by_source: dict, truth_key: str, truth_file: str,
              id_col: str):
    """Per department value of ``field``: (source, value, truth value, set of corruptions)."""
    truth = pq.read_table(city / "truth" / truth_file)
    truth_of = dict(zip(truth[id_col].to_pylist(), truth[truth_key].to_pylist()))
    mentions = pq.read_table(city / "truth" / "mentions.parquet").to_pylist()
    entity = {(m["source"], m["record_id"], m["role"]): m["entity_id"] for m in mentions}
    cor = defaultdict(set)
    for c in pq.read_table(city / "truth" / "corruptions.parquet").to_pylist():
        if c["field"] == field:
            cor[(c["source"], c["record_id"], c["column"])].add(c["corruption"])
    rows = []
    for source, cols in columns_by_source.items():
        t = pq.read_table(city / "departments" / f"{source}.parquet")
        rid = t.column(0).to_pylist()
        for col, role in cols:
            for r, v in zip(rid, t[col].to_pylist()):
                truth_value = truth_of[entity[(source, r, role)]]
                rows.append((source, v, truth_value, frozenset(cor[(source, r, col)])))
    return rows


def id_recovery_rates(city: Path) -> dict[str, dict]:
    """Per combination of ID corruptions in a generated city: how many values, the share repaired
    to the truth, the shares whose ``id_body17`` / ``id_key15`` equal the truth's, the share that
    came out as a different valid number, and the quality codes seen."""
    rows = _mentions(city, "id_number", GEN_ID_COLUMNS, "id_number", "persons.parquet", "person_id")
    out = _ids(pa.array([r[1] for r in rows], pa.string()))
    acc = defaultdict(lambda: {"n": 0, "repaired_to_truth": 0, "body17": 0, "key15": 0,
                               "wrong_valid": 0, "q": Counter()})
    for (_, _, truth, kinds), num, q, b17, k15 in zip(rows, *(out[c] for c in _ID_OUT)):
        a = acc["+".join(sorted(kinds)) or "none"]
        a["n"] += 1
        a["repaired_to_truth"] += num == truth
        a["body17"] += b17 == truth[:17]
        a["key15"] += k15 == truth[:6] + truth[8:17]
        a["wrong_valid"] += num is not None and num != truth
        a["q"][S.ID_NUMBER_REASONS[q]] += 1
    return {k: {**{m: (round(v[m] / v["n"], 4) if m not in ("n", "q") else v[m]) for m in v if m != "q"},
                "q": dict(v["q"])} for k, v in sorted(acc.items())}


def test_generator_id_numbers(city):
    rows = _mentions(city, "id_number", GEN_ID_COLUMNS, "id_number", "persons.parquet", "person_id")
    out = _ids(pa.array([r[1] for r in rows], pa.string()))
    assert len(rows) > 10_000
    wrong_valid = []
    for (source, v, truth, kinds), num, q, b17, k15 in zip(rows, *(out[c] for c in _ID_OUT)):
        if "foreign" in kinds or "missing" in kinds:
            continue
        if not kinds:
            assert q == 0 and num == truth, (source, v)
        elif kinds <= REPAIRABLE:
            assert q == 1 and num == truth, (source, v, kinds)
        elif kinds & {"typo", "transposition"}:
            if num is not None and num != truth:
                # Only a legacy number, which has no check char, can turn into another valid one.
                assert "legacy15" in kinds, (v, kinds)
                wrong_valid.append(v)
            assert num is None or num == truth or "legacy15" in kinds
        elif "excel" in kinds:
            assert q in (K.EXCEL_DAMAGE, K.BAD_CHECK) or (q == 0 and v.endswith("000")), (v, q)
    rates = id_recovery_rates(city)
    print("\nID recovery on generate(3000, 1):")
    for kind, r in rates.items():
        print(f"  {kind:28s} {r}")
    assert rates["none"]["repaired_to_truth"] == 1.0
    for kind in ("lower_x", "fullwidth", "spaces", "legacy15"):
        assert rates[kind]["repaired_to_truth"] == 1.0 and rates[kind]["key15"] == 1.0
    # An 18-digit number with a typo never turns into another valid one.
    assert rates["typo"]["wrong_valid"] == 0 and rates["transposition"]["wrong_valid"] == 0


def test_generator_uscc_and_reg_no(city):
    cols = {"shebao_canbao": [("统一社会信用代码", "employer")],
            "shichang_qiye": [("统一社会信用代码", "company")]}
    rows = _mentions(city, "uscc", cols, "uscc", "companies.parquet", "company_id")
    out = _lists(S.standardize_uscc(pa.array([r[1] for r in rows], pa.string())))
    companies = pq.read_table(city / "truth" / "companies.parquet")
    org_of = dict(zip(companies["uscc"].to_pylist(), companies["org_code"].to_pylist()))
    seen = Counter()
    for (_, v, truth, kinds), code, q, org in zip(rows, out["uscc"], out["uscc_q"], out["uscc_org_code"]):
        seen[("+".join(sorted(kinds)) or "none", S.USCC_REASONS[q])] += 1
        if not kinds:
            assert q == 0 and code == truth and org == org_of[truth]
        elif kinds == {"lowercase"}:
            assert q == 1 and code == truth
        elif kinds == {"missing"}:
            assert q == 2
        else:  # typo (maybe lowercased too): MOD 31 catches every single substitution
            assert q == K.BAD_CHECK, (v, kinds)
    print("\nUSCC on generate(3000, 1):", dict(seen))
    assert seen[("none", "valid")] > 1000

    t = pq.read_table(city / "departments" / "shichang_qiye.parquet")
    reg = S.standardize_reg_no(t["注册号"])
    truth = pq.read_table(city / "truth" / "companies.parquet")
    present = t["注册号"].is_valid().to_numpy(zero_copy_only=False)
    assert present.any() and set(reg["reg_no_q"].to_numpy()[present]) == {0}
    assert set(reg["reg_no"].drop_null().to_pylist()) <= set(truth["reg_no"].drop_null().to_pylist())


def test_generator_house_codes(city):
    cols = {"juzhuzheng": [("房屋编码", "residence")], "zhujian_zulin": [("房屋编码", "house")]}
    rows = _mentions(city, "house_code", cols, "house_code", "houses.parquet", "house_id")
    out = _lists(S.standardize_house_code(pa.array([r[1] for r in rows], pa.string())))
    columns = (out["house_code"], out["house_code_q"], out["house_building_key"])
    for (_, v, truth, kinds), code, q, key in zip(rows, *columns):
        if not kinds:
            assert q == 0 and code == truth
        elif kinds == {"truncated"}:
            assert q == K.TRUNCATED and key == truth[:17]
        elif kinds == {"missing"}:
            assert q == 2
