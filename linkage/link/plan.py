"""``weft link --plan``: what a link run would do, before it does it.

Per kind: the mentions, the strong edges, and per blocking rule the mentions it keys, the pairs
its blocks hold and the pairs it adds for scoring, with its oversized (capped) blocks. Where truth
exists (``--truth``), the blocking recall: the share of true mention pairs that strong edges and
candidate pairs connect at all — the recall the run would reach if the model accepted every
candidate, so an upper bound. The time estimate extrapolates the comparison rate measured on a
sample of the candidate pairs (compile time excluded).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from weft.core import unionfind as UF

from .blocking import candidate_pairs, strong_edges
from .cluster import cluster, component_keys
from .comparisons import compute_levels
from .config import KindConfig
from .evaluate import scores
from .features import Features
from .run import _cannot, _derive, _usable

__all__ = ["format_plan", "plan_kind"]

_SAMPLE = 200_000


def plan_kind(table: pa.Table, cfg: KindConfig, truth: Path | None = None) -> dict:
    feats = Features(table)
    _derive(feats, cfg)
    cfg = _usable(feats, cfg)
    n = feats.n
    cannot = _cannot(feats, cfg)
    t = time.perf_counter()
    sl, sr = strong_edges(feats, cfg, cfg.deterministic)
    label1, _ = cluster(n, sl, sr, cannot)
    keyed = np.zeros(n, bool)
    for col in cfg.strong:
        if feats.has(col):
            keyed |= feats.codes(col) != 0
    left, right, _, stats = candidate_pairs(feats, cfg, label1, keyed, component_keys(label1, cannot))
    block_s = time.perf_counter() - t
    res = {"kind": cfg.kind, "mentions": n, "strong_edges": len(sl),
           "strong_components": int(np.count_nonzero(np.bincount(label1))), "rules": [s.as_dict() for s in stats],
           "candidate_pairs": len(left), "blocking_seconds": round(block_s, 2),
           "comparisons": [c.name for c in cfg.comparisons]}
    if len(left) and cfg.comparisons:
        k = min(len(left), _SAMPLE)
        compute_levels(feats, list(cfg.comparisons), left[:100], right[:100])  # compile
        t = time.perf_counter()
        compute_levels(feats, list(cfg.comparisons), left[:k], right[:k])
        rate = k / max(time.perf_counter() - t, 1e-9)
        res["compare_pairs_per_s"] = round(rate)
        # scoring twice (training sample + candidates) and u sampling, plus blocking again
        res["estimated_seconds"] = round(block_s * 2 + (len(left) + cfg.train_pairs + cfg.u_pairs) / rate, 1)
    if truth is not None:
        res["blocking_recall"] = _blocking_recall(table, truth, n, np.concatenate([sl, left]),
                                                  np.concatenate([sr, right]))
    return res


def _blocking_recall(table: pa.Table, truth: Path, n: int, left, right) -> dict | None:
    tpath = truth / "mentions.parquet" if truth.is_dir() else truth
    key = ["source", "record_id", "role", "kind"]
    t = pq.read_table(tpath, columns=[*key, "entity_id"])
    rows = table.select(key).append_column("row", pa.array(np.arange(table.num_rows)))
    j = rows.join(t, key, join_type="inner")
    if j.num_rows == 0:
        return None
    comp = UF.components(n, np.ascontiguousarray(left, np.int64), np.ascontiguousarray(right, np.int64))
    r = j.column("row").to_numpy()
    ent = pc.dictionary_encode(pc.cast(j.column("entity_id"), pa.string())).combine_chunks().indices.to_numpy()
    s = scores(comp[r].astype(np.int64), ent.astype(np.int64))
    return {"mentions_with_truth": int(j.num_rows), "pair_recall_upper_bound": round(s["pairwise"]["recall"], 6),
            "true_pairs": s["pairwise"]["true_pairs"]}


def format_plan(plans: list[dict]) -> str:
    lines = []
    for p in plans:
        lines.append(f"{p['kind']}: {p['mentions']:,} mentions, {p['strong_edges']:,} strong edges -> "
                     f"{p['strong_components']:,} components; {p['candidate_pairs']:,} candidate pairs to score")
        for r in p["rules"]:
            big = f", {r['oversized_blocks']} oversized blocks capped" if r["oversized_blocks"] else ""
            lines.append(f"  rule {r['rule']:<14} keys {r['keyed_mentions']:>10,} mentions, "
                         f"{r['pairs_in_blocks']:>11,} pairs in blocks, {r['pairs_scored']:>11,} to score{big}")
        if "compare_pairs_per_s" in p:
            lines.append(f"  compare: {p['compare_pairs_per_s']:,} pairs/s; estimated link time "
                         f"{p['estimated_seconds']:.1f} s (blocking took {p['blocking_seconds']:.1f} s)")
        br = p.get("blocking_recall")
        if br:
            lines.append(f"  blocking recall (truth for {br['mentions_with_truth']:,} mentions): "
                         f"{br['pair_recall_upper_bound']:.5f} of {br['true_pairs']:,} true pairs reachable")
    return "\n".join(lines)
