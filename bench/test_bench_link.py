"""Linkage throughput on a generated city (benchmarks, not tests).

    pytest bench/test_bench_link.py --benchmark-only -p no:cacheprovider
    WEFT_BENCH_PERSONS=1000000 pytest bench/test_bench_link.py --benchmark-only -p no:cacheprovider

- ``test_compare_and_score``: comparison levels, per-attribute weights and match probabilities
  over person pairs, half from the blocking rules and half uniformly random (the "pairs compared
  and scored per second" figure; ``pairs_per_s_per_thread`` divides by Numba's threads).
- ``test_compare_and_score_candidates``: the same over the candidate pairs a run scores.
- ``test_pathological_block``: the person linkage with 100,000 extra mentions sharing one name and
  birth date (capped and reported; its time and peak RSS).
- ``test_link_persons``: the whole person linkage (verify, strong edges, blocking, training, scoring,
  clustering) on already standardized mentions, with the stage times in ``extra_info``.

Numba compile time is measured on a small slice first and reported apart (``compile_s``).
"""

from __future__ import annotations

import os
import time

import numba
import numpy as np
import pyarrow as pa
import pytest
from weft.bench import specs_dir
from weft.bench.gen import CorruptionConfig, generate
from weft.linkage.link import default_config, link_kind, load_mentions
from weft.linkage.link.blocking import candidate_pairs, training_pairs
from weft.linkage.link.cluster import component_keys
from weft.linkage.link.comparisons import compute_levels
from weft.linkage.link.features import Features
from weft.linkage.link.run import Stages, _derive, _usable, needed_columns, strong_components
from weft.linkage.specs import load_specs
from weft.linkage.standardize.run import standardize_sources

PERSONS = int(os.environ.get("WEFT_BENCH_PERSONS", "50000"))


@pytest.fixture(scope="module")
def persons(tmp_path_factory):
    city = tmp_path_factory.mktemp("city")
    generate(PERSONS, 1, city, CorruptionConfig(), chunk_size=100_000)
    std = tmp_path_factory.mktemp("std")
    standardize_sources(load_specs(sorted(specs_dir().glob("*.toml")), data_dir=city), std)
    cfg = default_config("person")
    return load_mentions(std, "person", None, needed_columns(cfg)), cfg


@pytest.fixture(scope="module")
def scoring(persons):
    """(features, comparisons, trained model, term-frequency tables) as a run scores with them."""
    table, cfg = persons
    res = link_kind(table, cfg)  # a trained model, and everything compiled
    feats = Features(table)
    _derive(feats, cfg)
    cfg = _usable(feats, cfg)
    comps = list(res.model.comparisons)
    # term frequencies as a run uses them (the name's exact agreement weighs by its value)
    tf = []
    for c in comps:
        counts = feats.counts(c.tf) if c.tf and feats.has(c.tf) else None
        tf.append(None if counts is None else (feats.dense(c.tf), counts / max(1, counts[1:].sum())))
    return feats, cfg, comps, res.model, tf


def _bench_pairs(benchmark, scoring, left, right):
    feats, _, comps, model, tf = scoring
    t = time.perf_counter()
    compute_levels(feats, comps, left[:1000], right[:1000])
    compile_s = time.perf_counter() - t
    threads = numba.get_num_threads()

    def run():
        gamma = compute_levels(feats, comps, left, right)
        return model.score_levels(gamma, None, tf, left, check=False)  # (as a run scores)

    benchmark.pedantic(run, rounds=5, iterations=1)
    best = benchmark.stats.stats.min
    benchmark.extra_info.update(pairs=len(left), pairs_per_s=round(len(left) / best),
                                pairs_per_s_per_thread=round(len(left) / best / threads), threads=threads,
                                compile_s=round(compile_s, 1))


def test_compare_and_score(benchmark, scoring):
    feats, cfg, *_ = scoring
    rng = np.random.default_rng(1)
    # pairs as blocking yields them (every rule's blocks, strong components not collapsed) and as
    # many uniformly random pairs, the two workloads of a run (scoring, and u estimation); the
    # random half is the caches' worst case
    bl, br = training_pairs(feats, cfg, rng)
    rl = rng.integers(0, feats.n, len(bl))
    rr = rng.integers(0, feats.n, len(bl))
    _bench_pairs(benchmark, scoring, np.concatenate([bl, rl]), np.concatenate([br, rr]))


def test_compare_and_score_candidates(benchmark, scoring):
    """The candidate pairs a run scores: blocking's, strong components collapsed, in its order
    (few at the default size: WEFT_BENCH_PERSONS=1000000 gives about a million)."""
    feats, cfg, *_ = scoring
    cannot, label, _, keyed, _ = strong_components(feats, cfg)
    left, right, _, _ = candidate_pairs(feats, cfg, label, keyed, component_keys(label, cannot))
    _bench_pairs(benchmark, scoring, left, right)


def test_link_persons(benchmark, persons):
    table, cfg = persons
    t = time.perf_counter()
    link_kind(table.slice(0, 5000), cfg)
    compile_s = time.perf_counter() - t
    stages = []

    def run():
        st = Stages()
        link_kind(table, cfg, stages=st)
        stages.append(st.rows)

    benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info.update(mentions=table.num_rows, persons=PERSONS, compile_s=round(compile_s, 1),
                                mentions_per_s=round(table.num_rows / benchmark.stats.stats.min),
                                stages={r["stage"]: r["seconds"] for r in stages[-1]},
                                peak_rss_mb=max(r["peak_rss_mb"] for r in stages[-1]))


def test_pathological_block(benchmark, persons):
    """100,000 extra mentions sharing one name and birth date: every rule keyed on them meets a
    block of 100k, which is capped (windowed, not n²/2 pairs), reported, and the run finishes."""
    table, cfg = persons
    n = 100_000
    one = table.slice(0, 1).select(["source", "record_id", "role", "kind", "name", "name_key",
                                    "name_pinyin_key", "birth_date"])
    big = pa.table({c: pa.array([one[c][0].as_py()] * n, one[c].type) for c in one.column_names})
    big = big.set_column(1, "record_id", pa.array([f"X{i}" for i in range(n)]))
    t = pa.concat_tables([table, big], promote_options="permissive")
    link_kind(t.slice(0, 5000), cfg)  # (compiled first, reported apart)
    out = []

    def run():
        st = Stages()
        out.append((link_kind(t, cfg, stages=st), st.rows))

    benchmark.pedantic(run, rounds=1, iterations=1)
    res, rows = out[-1]
    rules = {r["rule"]: r for r in res.report["blocking"]}
    capped = {k: r for k, r in rules.items() if r["oversized_blocks"]}
    assert capped and all(r["largest_blocks"][0]["size"] >= n for r in capped.values())
    assert all(r["pairs_in_blocks"] < n * cfg.block_window * 3 for r in capped.values())
    benchmark.extra_info.update(
        mentions=t.num_rows, block=n, capped_rules=sorted(capped),
        pairs_in_capped_blocks={k: r["pairs_in_blocks"] for k, r in capped.items()},
        candidate_pairs=res.report["candidate_pairs"], peak_rss_mb=max(r["peak_rss_mb"] for r in rows))
