"""Throughput of the checksum kernels (benchmarks, not tests).

Run: ``pytest bench/test_bench_checksums.py --benchmark-only -p no:cacheprovider``

Compile time is measured once, on the first calls in the process, and kept out of the timed
rounds; it is reported as ``extra_info['compile_s']``. Throughput is ``values_per_s`` (from the
fastest round) for one thread and for all Numba threads; target: ric_valid >= 5M values/s per core.
"""

from __future__ import annotations

import time

import numba
import numpy as np
import pytest

from weft.core import _jit, checksums as cs

N_RIC = 2_000_000
N_USCC = 1_000_000
THREADS = sorted({1, numba.config.NUMBA_NUM_THREADS})


def _first_call_seconds(func, width: int) -> float:
    t0 = time.perf_counter()
    func(np.full((1, width), ord("1"), dtype=np.uint8))
    return time.perf_counter() - t0


@pytest.fixture(scope="module")
def compile_s():
    """Seconds of the first call per function (compile, or a load from Numba's cache).

    ric_valid and uscc_valid share one generic kernel, so the second mostly reuses the first's
    machine code; the check-char kernel the data fixtures use is compiled after these timings.
    """
    return {
        "ric_valid": _first_call_seconds(cs.ric_valid, 18),
        "uscc_valid": _first_call_seconds(cs.uscc_valid, 18),
    }


def _codes(rng, n: int, alphabet: bytes, check_chars) -> np.ndarray:
    body = np.frombuffer(alphabet, np.uint8)[rng.integers(0, len(alphabet), (n, 17))]
    out = np.empty((n, 18), np.uint8)
    out[:, :17] = body
    out[:, 17] = check_chars(body)
    # One in ten corrupted, so the benchmark does not run a branch-predicted all-valid path only.
    bad = rng.random(n) < 0.1
    out[bad, 17] = np.where(out[bad, 17] == ord("1"), ord("2"), ord("1"))
    return out


@pytest.fixture(scope="module")
def ric_ids(compile_s):
    return _codes(np.random.default_rng(1), N_RIC, b"0123456789", cs.ric_check_chars)


@pytest.fixture(scope="module")
def uscc_codes(compile_s):
    return _codes(np.random.default_rng(2), N_USCC, cs._USCC_ALPHABET, cs.uscc_check_chars)


def _run(benchmark, func, data, threads, compile_s, name):
    result = benchmark.pedantic(func, args=(data,), rounds=15, iterations=1, warmup_rounds=1)
    assert result.shape == (len(data),) and 0.85 < result.mean() < 0.95
    n = len(data)
    best = benchmark.stats.stats.min
    benchmark.extra_info.update(
        n_values=n,
        threads=threads,
        compile_s=round(compile_s[name], 3),
        numba_cache=_jit.CACHE,
        threading_layer=numba.threading_layer(),
        values_per_s=round(n / best),
        values_per_s_per_thread=round(n / best / threads),
        values_per_s_median=round(n / benchmark.stats.stats.median),
    )


@pytest.mark.parametrize("threads", THREADS, indirect=True)
def test_bench_ric_valid(benchmark, ric_ids, threads, compile_s):
    benchmark.group = f"ric_valid {N_RIC:,}"
    _run(benchmark, cs.ric_valid, ric_ids, threads, compile_s, "ric_valid")


@pytest.mark.parametrize("threads", THREADS, indirect=True)
def test_bench_uscc_valid(benchmark, uscc_codes, threads, compile_s):
    benchmark.group = f"uscc_valid {N_USCC:,}"
    _run(benchmark, cs.uscc_valid, uscc_codes, threads, compile_s, "uscc_valid")
