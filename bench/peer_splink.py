"""Peer benchmark: the same person mentions through Splink 5 (DuckDB) and through weft.

    python -m weft.bench.peer_splink --persons 20000 --seed 1 --work /tmp/peer
    python -m weft.bench.peer_splink --persons 20000 --work /tmp/peer --sources gongan_renkou,shebao_canbao
    python -m weft.bench.peer_splink --persons 100000 --work /tmp/peer --side splink

Needs the ``peer`` extra (``splink``, ``duckdb``) for the Splink side.

What runs
---------
1. Shared, untimed preparation: ``weft.bench.gen.generate`` writes the city to
   ``WORK/city_<persons>_s<seed>/`` and ``standardize_sources`` (the shipped specs) writes
   ``WORK/std_<persons>_s<seed>/``. Both are reused when a finished copy is already there.
2. Each side runs in its own child process (``python -m weft.bench.peer_splink --worker SIDE``),
   so peak RSS (``VmHWM`` of that process) is per side. Each side's clock starts at
   ``load_mentions(STD, "person", sources)``, the same standardized Parquet and the same rows
   for both tools, and stops when every row has an identity label. Training is inside the clock
   on both sides.

   * weft: ``link_kind(table, default_config("person", specs))``. Numba compiles lazily, so the
     worker first links a small sample (up to 500 mentions per source) and reports that time
     apart as ``compile_s`` (a cache load when the kernels are in Numba's cache, see
     ``weft.core._jit``; the worker records which).
   * Splink: one flat table of cleaned columns (below) registered with ``DuckDBAPI``,
     then the tutorial's steps: ``estimate_probability_two_random_records_match`` with
     deterministic rules, ``estimate_u_using_random_sampling``, two EM sessions, ``predict`` and
     ``cluster_pairwise_predictions_at_threshold``.
3. The parent joins each side's labels to ``truth/mentions.parquet`` on
   ``(source, record_id, role, kind)`` and scores both sides with ``weft.linkage.link.scores``
   (pairwise and B-cubed). It prints a table and writes the figures as JSON (``--json``; by
   default ``WORK/peer_<persons>_s<seed>.json``, with a hash of ``--sources`` and the side
   appended when those are given).

Splink's input (derived from weft's standardized columns, as Splink's docs ask: cleaned
columns, one row per record, a ``unique_id``)
--------------------------------------------------------------------------------------------
``id`` = coalesce(id_number, id_folded) (18 chars; a legacy 15-digit number already upgraded),
``name`` = name_key (simplified characters), ``name_py`` = name_pinyin (reading order, for
Jaro-Winkler), ``name_py_key`` = name_pinyin_key (sorted syllables, a blocking key), ``dob`` =
ISO string of coalesce(birth_date, id_birth_date), ``sex`` = coalesce(gender, id_gender) with 0
as null, ``phone``, ``house`` = addr_house_key and ``building`` = addr_building_key.

Splink model
------------
``link_type="dedupe_only"``. Comparisons:

* ``id``: ``LevenshteinAtThresholds("id", [1, 2])`` (a typo; a transposition is distance 2).
  Not ``DamerauLevenshteinAtThresholds``: DuckDB's ``damerau_levenshtein`` is about nine times
  slower than ``levenshtein`` on 18-character strings, and u sampling computes it on every one of
  the 1e7 random pairs (three minutes of the 5,000-person run).
* ``name``: a ``CustomComparison`` (Chinese names are two to four characters, so character
  Jaro-Winkler says little; the pinyin carries the fuzzy signal): null / exact ``name``
  (term-frequency adjusted) / same ``name_py_key`` (homophone or swapped order) /
  Jaro-Winkler(``name_py``) >= 0.92 / >= 0.80 / else. Not ``ForenameSurnameComparison`` on
  weft's ``surname`` / ``given_name``: a one-character surname and a one- or two-character given
  name give Jaro-Winkler nothing to grade, and the sorted pinyin key already covers swapped order.
* ``dob``: ``DateOfBirthComparison("dob", input_is_string=True)`` (exact, one edit, one month,
  one year, ten years, else).
* ``sex``: ``ExactMatch``. ``phone``: ``LevenshteinAtThresholds("phone", 1)``.
* ``address``: a ``CustomComparison``: null / same ``house`` (term-frequency adjusted) / same
  ``building`` / else.

Blocking for prediction mirrors weft's person rules (except its former-name alternates and its
cap on oversized blocks): id; first 17 id characters; name+dob; name+phone; pinyin+dob;
pinyin+first 9 id characters; pinyin+last 9; pinyin+house; dob+house; name.

Training: ``estimate_probability_two_random_records_match([block_on("id"), block_on("name",
"dob")], recall=DET_RECALL)`` with ``DET_RECALL`` = 0.95 (the tutorial asks for a guess; on the
20,000-person city these two rules find 97.8 % of the true pairs),
``estimate_u_using_random_sampling(max_pairs=1e7, seed=--seed)`` (the tutorial's "at least 10
million"; weft samples 1e6 pairs for u), then EM on ``block_on("dob")`` (trains id, name, sex,
phone, address) and on ``block_on("name")`` (trains dob).

Threshold
---------
``predict`` keeps pairs with match probability >= the lowest swept threshold; the timed run
clusters at ``--threshold`` (default ``SPLINK_THRESHOLD`` = 0.99), and afterwards, outside the
clock, the same predictions are clustered at every threshold of ``SWEEP`` (0.5 ... 0.999) and
all are scored and printed under the main table, so the choice can be checked on every run.
The sweep is flat (pairwise F1 within 0.0007 from 0.5 to 0.999 on the 20,000- and
100,000-person cities; lower thresholds trade precision for recall). 0.99 is the sweep's best
at 20,000 persons and within 0.0002 of the best (0.999) at 100,000, so it is chosen on the
truth in Splink's favour, against the conventional 0.9 (0.0003 lower at both sizes). weft runs
at its default (0.95), untuned.

Caveats
-------
Both sides use every core of the machine: DuckDB's default thread count and Numba's default
thread count (both recorded in the JSON). The figures are those of one run, not a best of
several; on a shared machine, read the wall time next to the CPU time of the same span and the
load average at its start. Peak RSS is the whole child process's high-water mark, so weft's
includes the LLVM memory of its Numba warm-up (shown apart) and Splink's includes DuckDB's
buffers. At 20,000 persons most of Splink's time is u sampling (every comparison evaluated on
1e7 random pairs; ``--u-pairs`` changes it); at 100,000 the EM session blocked on dob (its pairs
grow with the square of the mentions per birth date) and predict take the larger share.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = [
    "DET_RECALL",
    "SPLINK_THRESHOLD",
    "SWEEP",
    "U_PAIRS",
    "format_table",
    "main",
    "prepare",
    "run_comparison",
    "run_side",
    "run_tag",
    "splink_input",
    "splink_settings",
]

KEY = ["source", "record_id", "role", "kind"]
SIDES = ("weft", "splink")
SPLINK_THRESHOLD = 0.99
SWEEP = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999)
DET_RECALL = 0.95
U_PAIRS = 1e7
WARMUP_PER_SOURCE = 500


# ----------------------------------------------------------------------------------- preparation


def _person_sources(specs) -> list[str]:
    return [s.name for s in specs if any(m.kind == "person" for m in s.mentions)]


def prepare(persons: int, seed: int, work: str | os.PathLike, sources: list[str] | None = None,
            log=print) -> dict:
    """Generate (or reuse) the city and standardize (or reuse) the chosen sources.

    Returns ``{"city", "std", "truth", "sources", "generate_s", "standardize_s"}``. Reuse is keyed on
    the completion markers: the generator's ``manifest.json`` (written last) and this module's
    ``peer_done.json`` in the standardized folder.
    """
    from weft.bench import specs_dir
    from weft.bench.gen import generate
    from weft.linkage.specs import load_specs
    from weft.linkage.standardize.run import standardize_sources

    work = Path(work)
    city = work / f"city_{persons}_s{seed}"
    std = work / f"std_{persons}_s{seed}"
    out: dict = {"city": str(city), "std": str(std), "truth": str(city / "truth" / "mentions.parquet"),
                 "generate_s": 0.0, "standardize_s": 0.0}
    if not (city / "manifest.json").exists():
        log(f"generating {persons:,} persons (seed {seed}) into {city}")
        t = time.perf_counter()
        generate(persons, seed, city, overwrite=True)
        out["generate_s"] = round(time.perf_counter() - t, 1)
    else:
        log(f"reusing the city in {city}")
    specs = load_specs(sorted(specs_dir().glob("*.toml")), data_dir=city)
    known = _person_sources(specs)
    if sources is None:
        sources = known
    unknown = [s for s in sources if s not in known]
    if unknown:
        raise ValueError(f"no person mentions in source {unknown[0]!r} "
                         f"(sources with person mentions: {', '.join(known)})")
    marker = std / "peer_done.json"
    done = set(json.loads(marker.read_text())) if marker.exists() else set()
    todo = [s for s in specs if s.name in sources and s.name not in done]
    if todo:
        log(f"standardizing {', '.join(s.name for s in todo)} into {std}")
        t = time.perf_counter()
        standardize_sources(todo, std)
        out["standardize_s"] = round(time.perf_counter() - t, 1)
        done |= {s.name for s in todo}
        marker.write_text(json.dumps(sorted(done)))
    else:
        log(f"reusing the standardized mentions in {std}")
    out["sources"] = list(sources)
    return out


# -------------------------------------------------------------------------------------- measures


def _cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _status_mb(field: str) -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if field == "VmHWM" else 0.0


# -------------------------------------------------------------------------------------------- weft


def _sample_mentions(std: Path, sources: list[str], per_source: int) -> pa.Table:
    """The first ``per_source`` person mentions of every source (the warm-up input)."""
    tables = []
    for f in sorted((std / "person").glob("*.parquet")):
        if f.stem in sources:
            pf = pq.ParquetFile(f)
            if pf.metadata.num_rows:
                tables.append(pf.read_row_group(0).slice(0, per_source))
    return pa.concat_tables(tables, promote_options="permissive").combine_chunks()


def _weft_side(std: Path, sources: list[str], seed: int) -> tuple[pa.Table, dict]:
    import numba
    from weft.bench import specs_dir
    from weft.core import _jit
    from weft.linkage.link.config import default_config
    from weft.linkage.link.run import Stages, link_kind, load_mentions
    from weft.linkage.specs import load_specs

    specs = [s for s in load_specs(sorted(specs_dir().glob("*.toml"))) if s.name in sources]
    cfg = default_config("person", specs)
    info: dict = {"numba_threads": numba.get_num_threads(),
                  "numba_cache": _jit.CACHE,
                  "threshold": cfg.threshold, "rss_after_import_mb": round(_status_mb("VmRSS"), 1)}

    t = time.perf_counter()
    warm = _sample_mentions(std, sources, WARMUP_PER_SOURCE)
    link_kind(warm, cfg, seed=seed)
    info["compile_s"] = round(time.perf_counter() - t, 2)
    info["warmup_mentions"] = warm.num_rows
    info["rss_after_warmup_mb"] = round(_status_mb("VmRSS"), 1)
    info["peak_rss_after_warmup_mb"] = round(_status_mb("VmHWM"), 1)
    del warm

    stages = Stages()
    info["loadavg_1m"] = os.getloadavg()[0]
    c0, t0 = _cpu_s(), time.perf_counter()
    table = load_mentions(std, "person", sources)
    res = link_kind(table, cfg, seed=seed, stages=stages)
    info["seconds"] = round(time.perf_counter() - t0, 2)
    info["timed_cpu_s"] = round(_cpu_s() - c0, 1)
    info["stages"] = [{"stage": r["stage"], "seconds": r["seconds"]} for r in stages.rows]
    info["identities"] = res.identities
    labels = table.select(KEY).append_column("label", pa.array(res.labels.astype(np.int64)))
    return labels, info


# ------------------------------------------------------------------------------------------ Splink


def splink_input(table: pa.Table) -> pa.Table:
    """weft's standardized person mentions -> Splink's flat input (one row per mention)."""

    def col(name, typ=None):
        return table.column(name) if name in table.column_names else pa.nulls(table.num_rows, typ or pa.string())

    def known(c):  # 0 means "unknown" in weft's gender columns
        c = c.cast(pa.uint8())
        return pc.if_else(pc.equal(c, 0), pa.scalar(None, pa.uint8()), c)

    dob = pc.coalesce(col("birth_date", pa.date32()), col("id_birth_date", pa.date32()))
    return pa.table({
        "unique_id": pa.array(np.arange(table.num_rows, dtype=np.int64)),
        "id": pc.coalesce(col("id_number"), col("id_folded")),
        "name": col("name_key"),
        "name_py": col("name_pinyin"),
        "name_py_key": col("name_pinyin_key"),
        "dob": pc.strftime(dob.cast(pa.timestamp("s")), "%Y-%m-%d"),
        "sex": pc.coalesce(known(col("gender", pa.uint8())), known(col("id_gender", pa.uint8()))),
        "phone": col("phone"),
        "house": col("addr_house_key"),
        "building": col("addr_building_key"),
    })


def splink_settings():
    """The Splink 5 model (see the module docstring) as a ``SettingsCreator``."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_description="name: exact characters, same pinyin, pinyin Jaro-Winkler",
        comparison_levels=[
            cll.NullLevel("name_py"),
            cll.ExactMatchLevel("name").configure(tf_adjustment_column="name"),
            cll.ExactMatchLevel("name_py_key").configure(label_for_charts="same pinyin syllables"),
            cll.JaroWinklerLevel("name_py", 0.92),
            cll.JaroWinklerLevel("name_py", 0.80),
            cll.ElseLevel(),
        ],
    )
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_description="address: same house, same building",
        comparison_levels=[
            cll.NullLevel("house"),
            cll.ExactMatchLevel("house").configure(tf_adjustment_column="house"),
            cll.ExactMatchLevel("building"),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.LevenshteinAtThresholds("id", [1, 2]),
            name,
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.LevenshteinAtThresholds("phone", 1),
            address,
        ],
        blocking_rules_to_generate_predictions=[
            block_on("id"),
            block_on("substr(id, 1, 17)"),
            block_on("name", "dob"),
            block_on("name", "phone"),
            block_on("name_py_key", "dob"),
            block_on("name_py_key", "substr(id, 1, 9)"),
            block_on("name_py_key", "substr(id, 10, 9)"),
            block_on("name_py_key", "house"),
            block_on("dob", "house"),
            block_on("name"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def _splink_side(std: Path, sources: list[str], seed: int, threshold: float, verbose: bool,
                 u_pairs: float = U_PAIRS) -> tuple[pa.Table, dict]:
    import logging

    import duckdb
    import splink
    from splink import DuckDBAPI, Linker, block_on
    from weft.linkage.link.run import load_mentions

    info: dict = {"splink": splink.__version__, "duckdb": duckdb.__version__, "threshold": threshold,
                  "predict_threshold": min(SWEEP + (threshold,)), "det_recall": DET_RECALL, "u_pairs": u_pairs,
                  "rss_after_import_mb": round(_status_mb("VmRSS"), 1)}
    steps: list[dict] = []

    def step(name, fn, *a, **kw):
        t = time.perf_counter()
        out = fn(*a, **kw)
        steps.append({"stage": name, "seconds": round(time.perf_counter() - t, 3)})
        return out

    info["loadavg_1m"] = os.getloadavg()[0]
    c0, t0 = _cpu_s(), time.perf_counter()
    table = step("load", load_mentions, std, "person", sources)
    flat = step("clean columns", splink_input, table)
    db_api = DuckDBAPI()
    db_api.duckdb_con.sql("set enable_progress_bar = false")  # a log, not a terminal
    info["duckdb_threads"] = db_api.duckdb_con.sql("select current_setting('threads')").fetchall()[0][0]
    sdf = step("register", db_api.register, flat, dataset_display_name="persons")
    linker = Linker(sdf, splink_settings(), log_level=logging.INFO if verbose else logging.WARNING)
    step("prior (deterministic rules)", linker.training.estimate_probability_two_random_records_match,
         [block_on("id"), block_on("name", "dob")], recall=DET_RECALL)
    step("u (random sampling)", linker.training.estimate_u_using_random_sampling, max_pairs=u_pairs, seed=seed)
    step("EM on dob", linker.training.estimate_parameters_using_expectation_maximisation, block_on("dob"))
    step("EM on name", linker.training.estimate_parameters_using_expectation_maximisation, block_on("name"))
    pred = step("predict", linker.inference.predict, threshold_match_probability=info["predict_threshold"])
    clusters = step("cluster", linker.clustering.cluster_pairwise_predictions_at_threshold, pred,
                    threshold_match_probability=threshold)

    def labels_of(sdf_clusters) -> np.ndarray:
        rel = sdf_clusters.as_duckdbpyrelation().select("unique_id, cluster_id")
        got = rel.to_arrow_table()
        uid = got.column("unique_id").to_numpy()
        dense = pc.dictionary_encode(got.column("cluster_id").cast(pa.string())).combine_chunks().indices
        labels = np.full(table.num_rows, -1, np.int64)
        labels[uid] = dense.to_numpy(zero_copy_only=False)
        if (labels < 0).any():
            raise RuntimeError("Splink returned no cluster for some records")
        return labels

    labels = step("fetch labels", labels_of, clusters)
    info["seconds"] = round(time.perf_counter() - t0, 2)
    info["timed_cpu_s"] = round(_cpu_s() - c0, 1)
    info["stages"] = steps
    info["identities"] = len(np.unique(labels))
    info["scored_pairs"] = int(db_api.duckdb_con.sql(f"select count(*) from {pred.physical_name}").fetchall()[0][0])
    info["peak_rss_timed_mb"] = round(_status_mb("VmHWM"), 1)
    try:
        info["prior"] = linker._settings_obj._probability_two_random_records_match
    except AttributeError:
        pass
    info["model"] = linker.misc.save_model_to_json()

    out = table.select(KEY).append_column("label", pa.array(labels))
    for thr in SWEEP:  # outside the clock
        c = clusters if thr == threshold else linker.clustering.cluster_pairwise_predictions_at_threshold(
            pred, threshold_match_probability=thr)
        out = out.append_column(f"label@{thr:g}", pa.array(labels_of(c)))
    return out, info


# ------------------------------------------------------------------------------------------ worker


def _worker(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="peer_splink --worker")
    p.add_argument("--worker", choices=SIDES, required=True)
    p.add_argument("--std", type=Path, required=True)
    p.add_argument("--sources", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threshold", type=float, default=SPLINK_THRESHOLD)
    p.add_argument("--u-pairs", type=float, default=U_PAIRS)
    p.add_argument("--out", type=Path, required=True, help="prefix: <out>.parquet (labels) and <out>.json")
    p.add_argument("--verbose", action="store_true")
    a = p.parse_args(argv)
    sources = a.sources.split(",")
    if a.worker == "weft":
        labels, info = _weft_side(a.std, sources, a.seed)
    else:
        labels, info = _splink_side(a.std, sources, a.seed, a.threshold, a.verbose, a.u_pairs)
    info["side"] = a.worker
    info["mentions"] = labels.num_rows
    info["peak_rss_mb"] = round(_status_mb("VmHWM"), 1)
    info["cpu_s"] = round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1)
    pq.write_table(labels, str(a.out) + ".parquet")
    Path(str(a.out) + ".json").write_text(json.dumps(info, ensure_ascii=False, indent=1, default=str))
    return 0


def run_side(side: str, std: str | os.PathLike, sources: list[str], out_prefix: str | os.PathLike, *, seed: int = 1,
             threshold: float = SPLINK_THRESHOLD, u_pairs: float = U_PAIRS, verbose: bool = False) -> dict:
    """Run one side in a child process; returns its figures (labels stay in ``<out_prefix>.parquet``)."""
    cmd = [sys.executable, "-m", "weft.bench.peer_splink", "--worker", side, "--std", str(std),
           "--sources", ",".join(sources), "--seed", str(seed), "--threshold", repr(threshold),
           "--u-pairs", repr(u_pairs), "--out", str(out_prefix)]
    if verbose:
        cmd.append("--verbose")
    t = time.perf_counter()
    subprocess.run(cmd, check=True)
    info = json.loads(Path(str(out_prefix) + ".json").read_text())
    info["process_s"] = round(time.perf_counter() - t, 2)
    return info


# -------------------------------------------------------------------------------------- evaluation


def _score(labels_path: Path, truth_path: Path) -> dict:
    from weft.linkage.link.evaluate import scores

    lab = pq.read_table(labels_path)
    truth = pq.read_table(truth_path, columns=[*KEY, "entity_id"])
    joined = lab.join(truth, KEY, join_type="inner")
    true = joined.column("entity_id").to_numpy()
    _, true = np.unique(true, return_inverse=True)
    out = {"with_truth": joined.num_rows}
    for name in [c for c in joined.column_names if c.startswith("label")]:
        _, pred = np.unique(joined.column(name).to_numpy(), return_inverse=True)
        out[name] = scores(pred.reshape(-1), true.reshape(-1))
    return out


def run_tag(persons: int, seed: int, sources: list[str] | None) -> str:
    """File-name stem of a run: ``peer_<persons>_s<seed>``, plus a hash of an explicit source list."""
    tag = f"peer_{persons}_s{seed}"
    if sources is not None:
        import hashlib

        tag += "_src" + hashlib.sha1(",".join(sorted(sources)).encode()).hexdigest()[:8]
    return tag


def run_comparison(persons: int, seed: int, work: str | os.PathLike, *, sources: list[str] | None = None,
                   sides: tuple[str, ...] = SIDES, threshold: float = SPLINK_THRESHOLD, u_pairs: float = U_PAIRS,
                   verbose: bool = False, log=print) -> dict:
    """Prepare the city, run each side in its own process, score both against truth."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    prep = prepare(persons, seed, work, sources, log=log)
    result: dict = {"persons": persons, "seed": seed, "sources": prep["sources"], "cpus": os.cpu_count(),
                    "prepare": prep, "sides": {}}
    tag = run_tag(persons, seed, prep["sources"] if sources is not None else None)
    result["tag"] = tag
    for side in sides:
        log(f"running {side} ...")
        prefix = work / f"{tag}_{side}"
        info = run_side(side, prep["std"], prep["sources"], prefix, seed=seed, threshold=threshold,
                        u_pairs=u_pairs, verbose=verbose)
        ev = _score(Path(str(prefix) + ".parquet"), Path(prep["truth"]))
        info["with_truth"] = ev.pop("with_truth")
        info["scores"] = ev.pop("label")
        if ev:
            info["sweep"] = {k.split("@")[1]: v for k, v in ev.items()}
        result["sides"][side] = info
    mentions = {s["mentions"] for s in result["sides"].values()}
    if len(mentions) > 1:
        raise RuntimeError(f"the sides saw different rows: {mentions}")
    result["mentions"] = mentions.pop() if mentions else 0
    return result


# ------------------------------------------------------------------------------------------ report


def format_table(result: dict) -> str:
    sides = [s for s in SIDES if s in result["sides"]]
    S = result["sides"]
    first = S[sides[0]] if sides else {}
    lines = [(f"{result['persons']:,} persons (seed {result['seed']}), {len(result['sources'])} sources, "
              f"{result['mentions']:,} person mentions ({first.get('with_truth', 0):,} with truth), "
              f"{result['cpus']} CPUs")]
    if "splink" in S:
        lines[0] += f"; Splink {S['splink']['splink']} / duckdb {S['splink']['duckdb']}"

    def row(label, fn, fmt):
        cells = []
        for s in sides:
            try:
                v = fn(S[s])
                cells.append(format(v, fmt) if v is not None else "-")
            except (KeyError, TypeError):
                cells.append("-")
        return f"{label:34}" + "".join(f"{c:>14}" for c in cells)

    lines.append(f"{'':34}" + "".join(f"{s:>14}" for s in sides))
    lines.append(row("wall s (load -> labels, training in)", lambda d: d["seconds"], ".1f"))
    lines.append(row("  Numba warm-up (compile) s, apart", lambda d: d.get("compile_s"), ".1f"))
    lines.append(row("peak RSS MB (whole process)", lambda d: d["peak_rss_mb"], ",.0f"))
    lines.append(row("  RSS after imports MB", lambda d: d["rss_after_import_mb"], ",.0f"))
    lines.append(row("  peak RSS after Numba warm-up MB", lambda d: d.get("peak_rss_after_warmup_mb"), ",.0f"))
    lines.append(row("CPU s (same span as wall)", lambda d: d["timed_cpu_s"], ",.1f"))
    lines.append(row("  CPU s (whole process)", lambda d: d["cpu_s"], ",.1f"))
    lines.append(row("load average at start (1 min)", lambda d: d["loadavg_1m"], ".1f"))
    lines.append(row("match threshold", lambda d: d["threshold"], "g"))
    lines.append(row("identities", lambda d: d["scores"]["identities"], ","))
    lines.append(row("true entities", lambda d: d["scores"]["true_entities"], ","))
    lines.append(row("pairwise precision", lambda d: d["scores"]["pairwise"]["precision"], ".5f"))
    lines.append(row("pairwise recall", lambda d: d["scores"]["pairwise"]["recall"], ".5f"))
    lines.append(row("pairwise F1", lambda d: d["scores"]["pairwise"]["f1"], ".5f"))
    lines.append(row("B-cubed F1", lambda d: d["scores"]["bcubed"]["f1"], ".5f"))
    for s in sides:
        st = ", ".join(f"{r['stage'].removeprefix('person: ')} {r['seconds']:.1f}" for r in S[s].get("stages", []))
        lines.append(f"{s} stages (s): {st}")
    if "splink" in S and S["splink"].get("sweep"):
        lines.append(f"Splink threshold sweep (predict >= {S['splink']['predict_threshold']:g}; "
                     f"same model, clustered again outside the clock):")
        lines.append(f"  {'threshold':>9} {'pair P':>9} {'pair R':>9} {'pair F1':>9} {'B3 F1':>9} {'identities':>11}")
        for thr, sc in S["splink"]["sweep"].items():
            pw = sc["pairwise"]
            lines.append(f"  {thr:>9} {pw['precision']:>9.5f} {pw['recall']:>9.5f} {pw['f1']:>9.5f} "
                         f"{sc['bcubed']['f1']:>9.5f} {sc['identities']:>11,}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0].startswith("--worker"):
        return _worker(argv)
    p = argparse.ArgumentParser(prog="python -m weft.bench.peer_splink",
                                description="The same person mentions through Splink 5 (DuckDB) and weft: "
                                "wall time, peak RSS, pairwise and B-cubed scores side by side.")
    p.add_argument("--persons", type=int, default=20_000, help="residents in the generated city (default 20,000)")
    p.add_argument("--seed", type=int, default=1, help="generator seed, also u/EM sampling seed (default 1)")
    p.add_argument("--work", type=Path, required=True, help="folder for the city, the standardized mentions, "
                   "labels and the JSON (reused between runs)")
    p.add_argument("--sources", default=None, metavar="S,S",
                   help="sources whose person mentions are linked (default: every source with person mentions)")
    p.add_argument("--side", choices=("weft", "splink", "both"), default="both")
    p.add_argument("--threshold", type=float, default=SPLINK_THRESHOLD,
                   help=f"Splink clustering threshold of the timed run (default {SPLINK_THRESHOLD})")
    p.add_argument("--u-pairs", type=float, default=U_PAIRS, help=f"Splink u sample (default {U_PAIRS:g})")
    p.add_argument("--json", type=Path, default=None, help="write the figures here (default "
                   "WORK/peer_<persons>_s<seed>[_src<hash of --sources>][_<side>].json)")
    p.add_argument("--verbose", action="store_true", help="Splink's INFO log")
    a = p.parse_args(argv)
    if a.persons < 1:
        p.error("--persons must be >= 1")
    sources = [s.strip() for s in a.sources.split(",") if s.strip()] if a.sources else None
    sides = SIDES if a.side == "both" else (a.side,)

    def log(msg):
        print(f"[peer] {msg}", file=sys.stderr, flush=True)

    try:
        result = run_comparison(a.persons, a.seed, a.work, sources=sources, sides=sides, threshold=a.threshold,
                                u_pairs=a.u_pairs, verbose=a.verbose, log=log)
    except ValueError as e:
        p.error(str(e))
    side_tag = "" if a.side == "both" else f"_{a.side}"
    path = a.json or a.work / f"{result['tag']}{side_tag}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(format_table(result))
    print(f"figures: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
