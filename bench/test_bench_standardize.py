"""Full person standardization throughput on generator records (benchmark, not a test).

    pytest bench/test_bench_standardize.py --benchmark-only -p no:cacheprovider
    WEFT_BENCH_PERSONS=1000000 pytest bench/test_bench_standardize.py --benchmark-only -p no:cacheprovider

Every person attribute of 公安 实有人口登记 (name, ID number, gender, birth date, phone, current
and hukou address, former name, category and date extras) goes through the shipped spec. Numba
compile time is measured on a small batch first and reported apart (``compile_s``). The box is
shared: ``load_avg`` (1-minute load before and after the rounds) says how much of it was ours.
"""

from __future__ import annotations

import os
import time

import numba
import pyarrow.parquet as pq
import pytest

from weft.bench import specs_dir
from weft.bench.gen import CorruptionConfig, generate
from weft.linkage.specs import load_spec
from weft.linkage.standardize.run import standardize_mention

PERSONS = int(os.environ.get("WEFT_BENCH_PERSONS", "200000"))


@pytest.fixture(scope="module")
def person_batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("city")
    generate(PERSONS, 1, out, CorruptionConfig(), chunk_size=100_000)
    spec = load_spec(specs_dir() / "gongan_renkou.toml", data_dir=out)
    table = pq.read_table(spec.file, columns=spec.columns()).combine_chunks()
    return spec, table.to_batches()[0]


def test_person_standardization(benchmark, person_batch):
    spec, batch = person_batch
    resident = next(m for m in spec.mentions if m.kind == "person")
    t = time.perf_counter()
    standardize_mention(batch.slice(0, 1000), resident)  # compiles every kernel
    compile_s = time.perf_counter() - t

    load_before = os.getloadavg()[0]
    result = benchmark.pedantic(standardize_mention, args=(batch, resident), rounds=5, iterations=1)
    assert len(result["id_number"]) == batch.num_rows
    best = benchmark.stats.stats.min
    benchmark.extra_info.update(records=batch.num_rows, fields=len(resident.fields),
                                records_per_s=round(batch.num_rows / best), compile_s=round(compile_s, 1),
                                load_avg=(round(load_before, 2), round(os.getloadavg()[0], 2)),
                                threading_layer=numba.threading_layer(), numba_threads=numba.get_num_threads())
