"""``weft evaluate``: a link run's assignments against ground truth.

Truth is a table of mentions ``(source, record_id, role, kind, entity_id)`` (the generator writes
it as ``truth/mentions.parquet``). Per kind:

- pairwise precision / recall / F1 over the pairs of mentions put in one identity (from the
  contingency counts n_ij of identity i and true entity j: TP = Σ C(n_ij, 2));
- B-cubed precision / recall / F1 (per-mention averages of n_ij / |identity| and n_ij / |entity|);
- the worst errors: false merges (the scored links that joined two true entities, with their
  per-attribute evidence) and misses (true entities split over several identities).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["evaluate", "format_evaluation", "scores"]

_KEY = ["source", "record_id", "role", "kind"]


def _c2(x: np.ndarray) -> float:
    x = x.astype(np.float64)
    return float((x * (x - 1) / 2).sum())


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _dense(col) -> np.ndarray:
    col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    return pc.dictionary_encode(col).indices.to_numpy(zero_copy_only=False).astype(np.int64)


def _cells(code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cell index of each element, size of each cell) of equal values (sort and mask; numpy's
    ``unique`` with inverse is slow on millions)."""
    order = np.argsort(code, kind="stable")
    s = code[order]
    first = np.ones(len(s), bool)
    first[1:] = s[1:] != s[:-1]
    cell_sorted = np.cumsum(first) - 1
    cell = np.empty(len(code), np.int64)
    cell[order] = cell_sorted
    return cell, np.bincount(cell_sorted)


def scores(pred: np.ndarray, true: np.ndarray) -> dict:
    """Pairwise and B-cubed metrics of two labelings of the same mentions."""
    n = len(pred)
    if n == 0:
        return {"mentions": 0}
    pair = pred.astype(np.int64) * (int(true.max()) + 1) + true.astype(np.int64)
    cell_of, cell = _cells(pair)
    a = np.bincount(pred)
    b = np.bincount(true)
    tp, pp, tt = _c2(cell), _c2(a[a > 0]), _c2(b[b > 0])
    p = tp / pp if pp else 1.0
    r = tp / tt if tt else 1.0
    nij = cell[cell_of.reshape(-1)].astype(np.float64)
    bp = float((nij / a[pred]).mean())
    br = float((nij / b[true]).mean())
    return {"mentions": n, "identities": int((a > 0).sum()), "true_entities": int((b > 0).sum()),
            "pairwise": {"precision": p, "recall": r, "f1": _f1(p, r), "true_pairs": int(tt),
                         "predicted_pairs": int(pp), "correct_pairs": int(tp)},
            "bcubed": {"precision": bp, "recall": br, "f1": _f1(bp, br)}}


def evaluate(run_dir: str | Path, truth: str | Path, *, worst: int = 10) -> dict:
    run_dir, truth = Path(run_dir), Path(truth)
    tpath = truth / "mentions.parquet" if truth.is_dir() else truth
    if not tpath.exists():
        raise FileNotFoundError(f"no truth table at {tpath}")
    apath = run_dir / "assignments.parquet"
    if not apath.exists():
        raise FileNotFoundError(f"no assignments at {apath} (run weft link first)")
    assign = pq.read_table(apath)
    t = pq.read_table(tpath, columns=[*_KEY, "entity_id"])
    joined = assign.join(t, _KEY, join_type="inner")
    result = {"assignments": assign.num_rows, "with_truth": joined.num_rows, "kinds": {}}
    for kind in sorted(set(joined.column("kind").to_pylist())):
        j = joined.filter(pc.equal(joined.column("kind"), kind))
        pred, true = _dense(j.column("identity_id")), _dense(j.column("entity_id"))
        res = scores(pred, true)
        res.update(_worst(run_dir, kind, j, pred, true, worst))
        result["kinds"][kind] = res
    return result


def _worst(run_dir: Path, kind: str, j: pa.Table, pred, true, worst: int) -> dict:
    out: dict = {}
    ev_path = run_dir / f"evidence_{kind}.parquet"
    if ev_path.exists():
        ev = pq.read_table(ev_path)
        ev = ev.filter(pc.invert(ev.column("refused")))
        ent = j.select(["source", "record_id", "role", "entity_id"])
        left = ent.rename_columns(["left_source", "left_record_id", "left_role", "left_entity"])
        right = ent.rename_columns(["right_source", "right_record_id", "right_role", "right_entity"])
        ev = ev.join(left, ["left_source", "left_record_id", "left_role"], join_type="inner")
        ev = ev.join(right, ["right_source", "right_record_id", "right_role"], join_type="inner")
        wrong = ev.filter(pc.not_equal(ev.column("left_entity"), ev.column("right_entity")))
        out["false_links"] = wrong.num_rows
        out["worst_false_merges"] = wrong.sort_by([("weight", "descending")]).slice(0, worst).to_pylist()
    # misses: true entities split over the most identities
    order = np.lexsort((pred, true))
    t_s, p_s = true[order], pred[order]
    new = np.ones(len(order), bool)
    new[1:] = (t_s[1:] != t_s[:-1]) | (p_s[1:] != p_s[:-1])
    frag = np.bincount(t_s[new])  # identities per true entity
    split = np.flatnonzero(frag > 1)
    out["split_entities"] = len(split)
    misses = []
    if len(split):
        sizes = np.bincount(true)
        top = split[np.argsort(-sizes[split], kind="stable")][:worst]
        for e in top:
            rows = np.flatnonzero(true == e)
            sub = j.take(pa.array(rows)).select(["source", "record_id", "role", "identity_id", "entity_id"])
            misses.append({"entity_id": sub.column("entity_id")[0].as_py(), "mentions": len(rows),
                           "identities": int(frag[e]),
                           "fragments": [f"{r['source']}:{r['record_id']}:{r['role']} -> {r['identity_id']}"
                                         for r in sub.to_pylist()[:12]]})
    out["worst_misses"] = misses
    return out


def format_evaluation(res: dict) -> str:
    lines = [f"{res['with_truth']:,} of {res['assignments']:,} assigned mentions have truth"]
    lines.append(f"{'kind':8} {'mentions':>10} {'identities':>10} {'true':>10}  "
                 f"{'pair P':>8} {'pair R':>8} {'pair F1':>8}  {'B3 P':>8} {'B3 R':>8} {'B3 F1':>8}")
    for kind, r in res["kinds"].items():
        pw, b3 = r["pairwise"], r["bcubed"]
        lines.append(f"{kind:8} {r['mentions']:>10,} {r['identities']:>10,} {r['true_entities']:>10,}  "
                     f"{pw['precision']:>8.5f} {pw['recall']:>8.5f} {pw['f1']:>8.5f}  "
                     f"{b3['precision']:>8.5f} {b3['recall']:>8.5f} {b3['f1']:>8.5f}")
    for kind, r in res["kinds"].items():
        if r.get("worst_false_merges"):
            lines.append(f"{kind}: {r['false_links']} scored links join two true entities; strongest:")
            for e in r["worst_false_merges"][:3]:
                lv = ", ".join(f"{k[:-6]}={v}" for k, v in e.items() if k.endswith("_level"))
                lines.append(f"  {e['left_source']}:{e['left_record_id']} ~ {e['right_source']}:{e['right_record_id']}"
                             f"  p={e['match_probability']:.4f}  {lv}")
        if r.get("split_entities"):
            lines.append(f"{kind}: {r['split_entities']:,} true entities split over several identities")
    return "\n".join(lines)
