"""Throughput of address, phone and date standardization (benchmarks, not tests).

Run: ``pytest bench/test_bench_standardize_address.py --benchmark-only -p no:cacheprovider``

Inputs are 1,000,000 values each, written the way the synthetic city's departments write them
(``bench/gen/render.py`` addresses with their corruptions; phones and dates through the same
corruptor). The first call in the process (Numba compilation or cache load) is timed apart and
reported as ``extra_info['compile_s']``, the look-up tables (OpenCC t2s, GB/T 2260) as ``tables_s``;
throughput is ``values_per_s`` from the fastest round, for one thread and for all Numba threads.
Target: >= 200,000 addresses/s on the 2-core box.
"""

from __future__ import annotations

import time

import numba
import numpy as np
import pyarrow as pa
import pytest

from weft.bench.gen.city import City
from weft.bench.gen.corrupt import CorruptionConfig, Corruptor
from weft.bench.gen.render import addresses, dates
from weft.bench.gen.tables import MOBILE_PREFIXES
from weft.core import _jit
from weft.linkage.standardize import address as A
from weft.linkage.standardize.address import standardize_address
from weft.linkage.standardize.dates import standardize_date
from weft.linkage.standardize.phone import standardize_phone

N = 1_000_000
THREADS = sorted({1, numba.config.NUMBA_NUM_THREADS})
_SAMPLE = pa.array(["广东省深圳市福田区福田街道福山社区彩田路2001号福田花园3栋2单元1203", "13812345678", None])


@pytest.fixture(scope="module")
def first_call_s():
    """Seconds of each standardizer's first call in the process, less the look-up tables.

    The address tables are folded by the parse kernel itself, so its first call compiles and
    builds tables at once; rebuilding the tables afterwards (compiled) gives their share.
    """
    out = {}
    for name, fn in (("address", standardize_address), ("phone", standardize_phone), ("date", standardize_date)):
        t0 = time.perf_counter()
        fn(_SAMPLE)
        out[name] = time.perf_counter() - t0
    A.t2s_table.cache_clear()
    A._tables.cache_clear()
    t0 = time.perf_counter()
    A._tables()
    out["tables"] = time.perf_counter() - t0
    out["address"] -= out["tables"]
    return out


@pytest.fixture(scope="module")
def address_values(first_call_s) -> pa.Array:
    """1M addresses of a 200k-person city's houses, as the departments write them (with corruptions)."""
    city = City.build(1, 200_000)
    rng = np.random.default_rng(3)
    houses = rng.integers(0, city.n_houses, N)
    cor = Corruptor(CorruptionConfig(), "weijian_jiuzhen", rng)
    return pa.array(addresses(city, houses, cor, "residence", "现住址", base_prefix=1), pa.string())


@pytest.fixture(scope="module")
def phone_values(first_call_s) -> pa.Array:
    rng = np.random.default_rng(4)
    prefixes = np.array([p for p, _ in MOBILE_PREFIXES], dtype=object)
    tails = np.char.zfill(rng.integers(0, 10**8, N).astype(str), 8).astype(object)
    phones = prefixes[rng.integers(0, len(prefixes), N)] + tails
    cor = Corruptor(CorruptionConfig(), "weijian_jiuzhen", rng)
    return pa.array(cor.phones(phones, "patient", "联系电话"), pa.string())


@pytest.fixture(scope="module")
def date_values(first_call_s) -> pa.Array:
    """Birth dates in every generator format (one eighth each), with their corruptions."""
    rng = np.random.default_rng(5)
    days = rng.integers(-20000, 20000, N).astype(np.int32)
    cor = Corruptor(CorruptionConfig(), "shebao_canbao", rng)
    formats = ("ymd", "iso", "slash", "dot", "cn", "cn0", "excel", "ts")
    parts = np.array_split(np.arange(N), len(formats))
    out = np.empty(N, dtype=object)
    for fmt, rows in zip(formats, parts):
        out[rows] = dates(days[rows], fmt, cor, "insured", "出生日期")
    return pa.array(out, pa.string())


def _run(benchmark, fn, values, threads, first_call_s, name):
    out = benchmark.pedantic(fn, args=(values,), rounds=5, iterations=1, warmup_rounds=1)
    assert all(len(v) == len(values) for v in out.values())
    best = benchmark.stats.stats.min
    benchmark.extra_info.update(
        n_values=len(values),
        threads=threads,
        compile_s=round(first_call_s[name], 3),
        tables_s=round(first_call_s["tables"], 3),
        numba_cache=_jit.CACHE,
        threading_layer=numba.threading_layer(),
        values_per_s=round(len(values) / best),
        values_per_s_median=round(len(values) / benchmark.stats.stats.median),
    )
    return out


@pytest.mark.parametrize("threads", THREADS, indirect=True)
def test_bench_standardize_address(benchmark, address_values, threads, first_call_s):
    benchmark.group = f"standardize_address {N:,}"
    out = _run(benchmark, standardize_address, address_values, threads, first_call_s, "address")
    q = out["address_q"].to_numpy()
    benchmark.extra_info["room_level_share"] = round(float((q <= A.REPAIRED).sum() / (q != A.MISSING).sum()), 4)


@pytest.mark.parametrize("threads", THREADS, indirect=True)
def test_bench_standardize_phone(benchmark, phone_values, threads, first_call_s):
    benchmark.group = f"standardize_phone {N:,}"
    _run(benchmark, standardize_phone, phone_values, threads, first_call_s, "phone")


@pytest.mark.parametrize("threads", THREADS, indirect=True)
def test_bench_standardize_date(benchmark, date_values, threads, first_call_s):
    benchmark.group = f"standardize_date {N:,}"
    _run(benchmark, standardize_date, date_values, threads, first_call_s, "date")
