"""Throughput of ``standardize_id_number`` end to end: Arrow strings in, Arrow columns out
(benchmarks, not tests).

Run: ``pytest bench/test_bench_standardize_ids.py --benchmark-only -p no:cacheprovider``

Compile time is measured once, on the first call in the process (the UTF-8 decoder, the ID kernel
and the output packer), kept out of the timed rounds and reported as ``extra_info['compile_s']``.
Throughput is ``values_per_s`` (from the fastest round) for one thread and for all Numba threads;
target: >= 5M values/s per core.
"""

from __future__ import annotations

import datetime
import time

import numba
import numpy as np
import pyarrow as pa
import pytest

from weft.core import _jit
from weft.core.checksums import ric_check_chars
from weft.linkage.regions import load_divisions
from weft.linkage.standardize.ids import standardize_id_number

N = 2_000_000
THREADS = sorted({1, numba.config.NUMBA_NUM_THREADS})
TODAY = datetime.date(2026, 6, 1)
FULLWIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789X"})


@pytest.fixture(scope="module")
def compile_s() -> float:
    t0 = time.perf_counter()
    standardize_id_number(pa.array(["440304200906151236", "4403042009061512", None]), today=TODAY)
    return time.perf_counter() - t0


def _realistic_ids(rng, n: int) -> pa.Array:
    """Valid 18-digit numbers over the real region table (births 1940-2020), about 4% damaged the
    way department files are: lowercase x, legacy 15 digits, separators, full-width, typos, Excel
    notation, empty and null."""
    regions = load_divisions().code
    days = np.datetime64("1940-01-01") + rng.integers(0, 80 * 365, n).astype("timedelta64[D]")
    ymd = np.char.replace(np.datetime_as_string(days), "-", "").astype("S8")
    reg = np.char.zfill(rng.choice(regions, n).astype("S6"), 6)
    seq = np.char.zfill(rng.integers(0, 1000, n).astype("S3"), 3)
    body = np.char.add(np.char.add(reg, ymd), seq)
    mat = np.frombuffer(body.astype("S17").tobytes(), np.uint8).reshape(n, 17)
    ids = np.char.add(body, ric_check_chars(mat).view("S1")).astype(str).astype(object)
    kind = rng.random(n)
    for lo, hi, damage in [
        (0.000, 0.010, str.lower),  # x for X (a no-op on the 10/11 that end in a digit)
        (0.010, 0.020, lambda s: s[:6] + s[8:17]),
        (0.020, 0.025, lambda s: f"{s[:6]} {s[6:14]} {s[14:]}"),
        (0.025, 0.028, lambda s: s.translate(FULLWIDTH)),
        (0.028, 0.033, lambda s: s[:10] + str((int(s[10]) + 1) % 10) + s[11:]),
        (0.033, 0.035, lambda s: f"{s[0]}.{s[1:6]}E+17"),
        (0.035, 0.038, lambda s: ""),
        (0.038, 0.040, lambda s: None),
    ]:
        rows = np.flatnonzero((kind >= lo) & (kind < hi))
        ids[rows] = [damage(s) for s in ids[rows]]
    return pa.array(ids, pa.string())


@pytest.fixture(scope="module")
def ids(compile_s) -> pa.Array:
    return _realistic_ids(np.random.default_rng(3), N)


@pytest.mark.parametrize("threads", THREADS, indirect=True)
def test_bench_standardize_id_number(benchmark, ids, threads, compile_s):
    benchmark.group = f"standardize_id_number {N:,}"
    out = benchmark.pedantic(standardize_id_number, args=(ids,), kwargs={"today": TODAY},
                             rounds=10, iterations=1, warmup_rounds=1)
    q = out["id_number_q"].to_numpy()
    assert len(q) == N and 0.95 < np.mean(q <= 1) < 0.99
    best = benchmark.stats.stats.min
    benchmark.extra_info.update(
        n_values=N,
        threads=threads,
        compile_s=round(compile_s, 3),
        numba_cache=_jit.CACHE,
        threading_layer=numba.threading_layer(),
        values_per_s=round(N / best),
        values_per_s_per_thread=round(N / best / threads),
        values_per_s_median=round(N / benchmark.stats.stats.median),
        repaired_share=round(float(np.mean(q == 1)), 4),
    )
