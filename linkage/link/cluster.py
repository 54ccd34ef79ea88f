"""Constrained clustering and its diagnostics.

Edges are applied in order — strong star edges, deterministic rules, then scored pairs by
descending weight — through ``core.unionfind.constrained_components``: a union is refused when the
two components hold different cannot-link values (two valid ID numbers: twins share everything
else). Greedy by weight, so a mention between two people joins the one it matches best.
"""

from __future__ import annotations

import numpy as np
from weft.core import unionfind as UF

__all__ = ["cluster", "component_keys", "diagnostics"]


def cluster(n: int, left: np.ndarray, right: np.ndarray, cannot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(labels, refused) for edges already in priority order; labels = smallest member index."""
    return UF.constrained_components(n, np.ascontiguousarray(left, np.int64),
                                     np.ascontiguousarray(right, np.int64),
                                     np.ascontiguousarray(cannot, np.uint64))


def component_keys(labels: np.ndarray, cannot: np.ndarray) -> np.ndarray:
    """Per label (indexed by label), the cannot-link value its component holds (0 none)."""
    out = np.zeros(len(labels), np.uint64)
    np.maximum.at(out, labels, cannot.astype(np.uint64))
    return out


def diagnostics(labels: np.ndarray, describe, top: int = 10) -> dict:
    """Cluster-size histogram (powers of two) and the largest clusters, described by ``describe``."""
    if len(labels) == 0:
        return {"identities": 0, "size_histogram": {}, "largest": []}
    sizes = np.bincount(labels)
    sizes_nz = sizes[sizes > 0]
    edges = [1, 2, 3, 5, 9, 17, 33, 65, 129, 257, 513, 1025]
    hist = {}
    for lo, hi in zip(edges, edges[1:] + [None]):
        cnt = int(((sizes_nz >= lo) & ((sizes_nz < hi) if hi else True)).sum())
        if cnt:
            hist[f"{lo}" if hi == lo + 1 else (f"{lo}-{hi - 1}" if hi else f"{lo}+")] = cnt
    biggest = np.argsort(-sizes)[:top]
    largest = [{"size": int(sizes[b]), **describe(int(b))} for b in biggest if sizes[b] > 1]
    return {"identities": len(sizes_nz), "singletons": int((sizes_nz == 1).sum()),
            "mean_size": round(float(sizes_nz.mean()), 3), "size_histogram": hist, "largest": largest}
