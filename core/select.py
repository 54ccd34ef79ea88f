"""Pick one item per group by lexicographic scores (survivorship in golden records, DESIGN §5.8).

:func:`best_per_group` scans items once: item i belongs to ``group[i]`` (0..k-1) and has a score
row ``scores[i]``; the winner of a group has the greatest score row compared column by column,
and among equal rows the smallest ``tiebreak`` (then the lowest index). ``-1`` for empty groups.
A lexsort over all items did the same at ~30x the cost.
"""

from __future__ import annotations

import numpy as np

from ._jit import jit

__all__ = ["best_per_group"]


@jit
def _better(scores, tiebreak, i, j):
    """Whether item i beats item j."""
    for c in range(scores.shape[1]):
        if scores[i, c] != scores[j, c]:
            return scores[i, c] > scores[j, c]
    if tiebreak[i] != tiebreak[j]:
        return tiebreak[i] < tiebreak[j]
    return i < j


@jit
def _best(group, scores, tiebreak, out):
    for i in range(len(group)):
        g = group[i]
        j = out[g]
        if j < 0 or _better(scores, tiebreak, i, j):
            out[g] = i


def best_per_group(group: np.ndarray, scores: np.ndarray, tiebreak: np.ndarray, k: int) -> np.ndarray:
    """int64[k]: for each group the index of its best item (module docstring), -1 if it has none."""
    group = np.ascontiguousarray(group, dtype=np.int64)
    scores = np.ascontiguousarray(scores, dtype=np.int64)
    tiebreak = np.ascontiguousarray(tiebreak, dtype=np.int64)
    n = len(group)
    if scores.ndim != 2 or scores.shape[0] != n or tiebreak.shape != (n,):
        raise ValueError(f"scores must be (n, c) and tiebreak (n,) for n={n} items, got {scores.shape}, "
                         f"{tiebreak.shape}")
    if n and (group.min() < 0 or group.max() >= k):
        raise ValueError(f"group ids must lie in [0, {k})")
    out = np.full(k, -1, np.int64)
    if n:
        _best(group, scores, tiebreak, out)
    return out
