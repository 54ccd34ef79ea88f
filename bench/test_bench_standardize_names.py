"""Throughput of person- and company-name standardization (benchmarks, not tests).

Run: ``pytest bench/test_bench_standardize_names.py --benchmark-only -p no:cacheprovider``

1,000,000 realistic names from the generator's tables: weighted surnames (compound ones too) and
given names, the very common full names, ~2 % traditional, ~0.5 % pinyin in the generator's four
Latin styles, ~0.4 % dotted minority names (a third with a variant dot), ~1 % stray spaces, ~0.5 %
placeholders and ~0.5 % nulls. Building the lookup tables (``tables_s``) and the first calls, which
compile the kernels (``compile_s``), happen before the timed rounds. The per-name cache of the Latin
path is cleared before every round, so Latin rows are timed cold. Throughput is ``names_per_s``
from the fastest round; the target is well above the 300k records/s the whole person
standardization needs on 2 cores (aim >= 1M names/s).
"""

from __future__ import annotations

import time

import numba
import numpy as np
import pyarrow as pa
import pytest

from weft.bench.gen import tables as T
from weft.bench.gen.corrupt import to_pinyin, traditional_map
from weft.core import _jit
from weft.linkage.standardize import names as N

N_NAMES = 1_000_000
THREADS = sorted({1, numba.config.NUMBA_NUM_THREADS})


@pytest.fixture(scope="module")
def setup_seconds():
    """Seconds to build the tables, then of the first calls (compile, or cache load)."""
    t0 = time.perf_counter()
    N.name_tables()
    tables_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    N.standardize_person_name(pa.array(["张三", "ZHANG SAN", "买买提·艾力", None]))
    person_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    N.standardize_company_name(pa.array(["深圳市华信科技有限公司", None]))
    return {"tables_s": tables_s, "person_compile_s": person_s, "company_compile_s": time.perf_counter() - t0}


def _pick(rng, table, n):
    vals = np.array([v for v, _ in table], dtype=object)
    w = np.array([x for _, x in table], dtype=float)
    return vals[rng.choice(len(vals), n, p=w / w.sum())]


@pytest.fixture(scope="module")
def person_names(setup_seconds) -> pa.Array:
    rng = np.random.default_rng(7)
    n = N_NAMES
    surname = _pick(rng, T.SURNAMES + T.COMPOUND_SURNAMES, n)
    chars = T.GIVEN_CHARS_MALE + T.GIVEN_CHARS_FEMALE + T.GIVEN_CHARS_NEUTRAL
    given = np.where(rng.random(n) < 0.8, _pick(rng, chars, n) + _pick(rng, chars, n), _pick(rng, chars, n))
    common = rng.random(n) < 0.05
    full = [(s, g) for s, g, _, _ in T.COMMON_FULL_NAMES]
    picks = rng.integers(0, len(full), int(common.sum()))
    surname[common] = [full[i][0] for i in picks]
    given[common] = [full[i][1] for i in picks]
    names = surname + given
    u = rng.random(n)
    tmap = str.maketrans(traditional_map())
    for i in np.flatnonzero(u < 0.02):
        names[i] = names[i].translate(tmap)
    for i in np.flatnonzero((u >= 0.02) & (u < 0.025)):
        names[i] = to_pinyin(surname[i], given[i], int(rng.integers(4)))
    own = [x for d in ("维吾尔", "哈萨克") for g in ("male", "female") for x in T.MINORITY_NAMES[d][g]]
    for i in np.flatnonzero((u >= 0.025) & (u < 0.029)):
        dot = "·" if rng.random() < 0.67 else str(rng.choice(list("•・．‧ ")))
        names[i] = own[rng.integers(len(own))] + dot + own[rng.integers(len(own))]
    for i in np.flatnonzero((u >= 0.029) & (u < 0.039)):
        k = int(rng.integers(1, len(names[i]) + 1))
        names[i] = names[i][:k] + str(rng.choice([" ", "\u3000"])) + names[i][k:]
    ph = np.flatnonzero((u >= 0.039) & (u < 0.044))
    names[ph] = np.array(T.PLACEHOLDER_NAMES, dtype=object)[rng.integers(0, len(T.PLACEHOLDER_NAMES), len(ph))]
    names[(u >= 0.044) & (u < 0.049)] = None
    return pa.array(names.tolist(), pa.string())


@pytest.fixture(scope="module")
def company_names(setup_seconds) -> pa.Array:
    rng = np.random.default_rng(8)
    n = N_NAMES
    trade = np.array(T.COMPANY_TRADE_WORDS, dtype=object)
    name = (np.where(rng.random(n) < 0.8, "深圳市", "") + trade[rng.integers(0, len(trade), n)]
            + np.where(rng.random(n) < 0.08, "(深圳)", "") + _pick(rng, T.COMPANY_INDUSTRIES, n)
            + _pick(rng, T.COMPANY_LEGAL_FORMS, n))
    return pa.array(name.tolist(), pa.string())


def _report(benchmark, n, threads, setup_seconds, compile_key):
    best = benchmark.stats.stats.min
    benchmark.extra_info.update(
        n_names=n,
        threads=threads,
        tables_s=round(setup_seconds["tables_s"], 3),
        compile_s=round(setup_seconds[compile_key], 3),
        numba_cache=_jit.CACHE,
        threading_layer=numba.threading_layer(),
        names_per_s=round(n / best),
        names_per_s_median=round(n / benchmark.stats.stats.median),
    )


@pytest.mark.parametrize("threads", THREADS, indirect=True)
def test_bench_standardize_person_name(benchmark, person_names, threads, setup_seconds):
    benchmark.group = f"standardize_person_name {N_NAMES:,}"
    out = benchmark.pedantic(N.standardize_person_name, args=(person_names,),
                             setup=N._latin_one.cache_clear, rounds=7, iterations=1, warmup_rounds=1)
    assert len(out["name"]) == N_NAMES
    assert 0.85 < (out["name_q"].to_numpy() <= 1).mean() < 0.99
    _report(benchmark, N_NAMES, threads, setup_seconds, "person_compile_s")


@pytest.mark.parametrize("threads", THREADS, indirect=True)
def test_bench_standardize_company_name(benchmark, company_names, threads, setup_seconds):
    benchmark.group = f"standardize_company_name {N_NAMES:,}"
    out = benchmark.pedantic(N.standardize_company_name, args=(company_names,), rounds=7, iterations=1,
                             warmup_rounds=1)
    assert out["company_key"].null_count == 0
    _report(benchmark, N_NAMES, threads, setup_seconds, "company_compile_s")
