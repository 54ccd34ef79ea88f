"""Generator throughput and memory (benchmarks, not tests).

    pytest bench/test_bench_generate.py --benchmark-only -p no:cacheprovider
    WEFT_BENCH_PERSONS=1000000 pytest bench/test_bench_generate.py --benchmark-only -p no:cacheprovider

Numba compile time is measured apart (first call of the kernels) and the timed run starts warm.
Peak RSS is measured on the ``weft generate`` command in a child process, so the benchmark
harness's own memory does not count.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time

import numpy as np

from weft.bench.gen import generate

PERSONS = int(os.environ.get("WEFT_BENCH_PERSONS", "200000"))


def _compile_seconds() -> float:
    from weft.core.checksums import orgcode_check_chars, ric_check_chars, uscc_check_chars, gs15_check_chars

    t = time.perf_counter()
    ric_check_chars(np.full((1, 17), ord("1"), np.uint8))
    uscc_check_chars(np.full((1, 17), ord("1"), np.uint8))
    orgcode_check_chars(np.full((1, 8), ord("1"), np.uint8))
    gs15_check_chars(np.full((1, 14), ord("1"), np.uint8))
    return time.perf_counter() - t


def test_generate_throughput(benchmark, tmp_path):
    compile_s = _compile_seconds()
    t = time.perf_counter()
    generate(500, 1, tmp_path / "warm")  # loads tables, builds the OpenCC and pinyin maps
    warm_s = time.perf_counter() - t
    runs = iter(range(100))

    def run():
        return generate(PERSONS, 1, tmp_path / f"city{next(runs)}")

    result = benchmark.pedantic(run, rounds=1, iterations=1)
    total = sum(result.records.values())
    benchmark.extra_info.update(
        persons=PERSONS,
        records=total,
        persons_per_s=round(PERSONS / result.seconds),
        records_per_s=round(total / result.seconds),
        compile_s=round(compile_s, 2),
        warmup_s=round(warm_s, 2),
    )


def test_generate_peak_rss(benchmark, tmp_path):
    def run():
        out = tmp_path / f"rss{time.monotonic_ns()}"
        subprocess.run([sys.executable, "-m", "weft", "generate", "--persons", str(PERSONS), "--seed", "2",
                        "--out", str(out), "--quiet"], check=True, stdout=subprocess.DEVNULL, cwd=tmp_path)

    benchmark.pedantic(run, rounds=1, iterations=1)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    benchmark.extra_info.update(persons=PERSONS, peak_rss_mb=round(peak_mb))
