"""weft against Splink 5 (DuckDB) on the same person mentions (benchmark, not a test).

    pytest bench/test_bench_peer.py --benchmark-only -p no:cacheprovider
    WEFT_BENCH_PERSONS=20000 pytest bench/test_bench_peer.py --benchmark-only -p no:cacheprovider

Needs the ``peer`` extra; without Splink the module is skipped. The city is generated and
standardized once, outside the timing; the timed round runs both sides, each in its own child
process (see ``weft.bench.peer_splink``), so the benchmark's own time is the sum of both sides
plus two interpreter start-ups. The figures to compare are in ``extra_info``: per side the wall
time from loading the standardized mentions to cluster labels (training included), peak RSS,
pairwise precision / recall / F1 and B-cubed F1, and weft's Numba compile time, measured apart.
"""

from __future__ import annotations

import os

import pytest

pytest.importorskip("splink")
pytest.importorskip("duckdb")

from weft.bench.peer_splink import SIDES, prepare, run_comparison

PERSONS = int(os.environ.get("WEFT_BENCH_PERSONS", "5000"))


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    path = tmp_path_factory.mktemp("peer")
    prepare(PERSONS, 1, path, log=lambda _msg: None)
    return path


def test_peer_splink(benchmark, work):
    result = benchmark.pedantic(run_comparison, args=(PERSONS, 1, work), kwargs={"log": lambda _msg: None},
                                rounds=1, iterations=1)
    assert set(result["sides"]) == set(SIDES)
    extra = {"persons": PERSONS, "mentions": result["mentions"]}
    for side, d in result["sides"].items():
        pw = d["scores"]["pairwise"]
        extra |= {f"{side}_seconds": d["seconds"], f"{side}_peak_rss_mb": round(d["peak_rss_mb"]),
                  f"{side}_precision": round(pw["precision"], 5), f"{side}_recall": round(pw["recall"], 5),
                  f"{side}_f1": round(pw["f1"], 5), f"{side}_bcubed_f1": round(d["scores"]["bcubed"]["f1"], 5),
                  f"{side}_identities": d["scores"]["identities"]}
    extra["weft_compile_s"] = result["sides"]["weft"]["compile_s"]
    extra["splink_threshold"] = result["sides"]["splink"]["threshold"]
    benchmark.extra_info.update(extra)
    for d in result["sides"].values():  # a sanity floor, not a target: both tools link this city well
        assert d["scores"]["pairwise"]["f1"] > 0.9
