"""Fellegi–Sunter scores of comparison vectors in one pass (DESIGN §3 "score").

A pair's weight is the prior's plus each attribute's level weight; an exact agreement on an
attribute with term-frequency adjustment takes its value's own weight instead (looked up by the
left mention's value code). The probability is ``1 / (1 + 2^-weight)``, the weight clipped to ±60.

Per attribute NumPy passes (gather the level weights into a float32 matrix, sum it, exponentiate)
read and wrote the pairs' matrices several times; scoring here reads each pair's levels once and
writes its weight and probability. The per-attribute weights (the evidence) are worked out apart,
for the few pairs that are kept.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ._jit import jit

__all__ = ["fs_scores"]


@jit(parallel=True)
def _fs_kernel(gamma, table, tf_slot, top, tf_code, tf_table, left, prior_w, total, prob):
    n, c = gamma.shape
    for p in prange(n):
        s = 0.0
        for j in range(c):
            g = gamma[p, j]
            t = tf_slot[j]
            if t >= 0 and g == top[j]:
                s += np.float64(tf_table[t, tf_code[t, left[p]]])
            else:
                s += np.float64(table[j, g])
        s += prior_w
        total[p] = np.float32(s)
        prob[p] = np.float32(1.0 / (1.0 + np.exp2(-min(max(s, -60.0), 60.0))))


def fs_scores(gamma: np.ndarray, level_weights: list[np.ndarray], prior_weight: float,
              tf: list[tuple[np.ndarray, np.ndarray] | None] | None = None,
              left: np.ndarray | None = None, check: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(float32 weight, float32 probability) per row of ``gamma`` (uint8[pairs, attributes]).

    ``level_weights[j]``: attribute j's weight per level (summed as float32 values, as the
    evidence shows them). ``tf[j]``, when given: (int code per mention, float32 weight per code)
    used instead of the last (exact) level's weight, the code read at ``left`` (the pairs' left
    mentions). ``check=False`` skips the checks that scan ``gamma``, ``left`` and the codes (all
    mentions': a caller scoring many chunks against codes it made itself), never the shapes."""
    gamma = np.ascontiguousarray(gamma, dtype=np.uint8)
    n, c = gamma.shape if gamma.ndim == 2 else (0, -1)
    if c != len(level_weights):
        raise ValueError(f"gamma must be (pairs, {len(level_weights)}), got {gamma.shape}")
    width = max([len(w) for w in level_weights] + [1])
    table = np.zeros((c, width), np.float32)
    top = np.zeros(c, np.int64)
    for j, w in enumerate(level_weights):
        table[j, :len(w)] = w
        top[j] = len(w) - 1
    if check and n and c and (gamma.max(axis=0) > top).any():  # (the kernel reads the table unchecked)
        raise ValueError("a level in gamma lies beyond its attribute's levels")
    tf = list(tf or [None] * c)
    used = [j for j in range(c) if tf[j] is not None]
    tf_slot = np.full(c, -1, np.int64)
    if used:
        if left is None:
            raise ValueError("term-frequency weights need the pairs' left mentions")
        left = np.ascontiguousarray(left, dtype=np.int64)
        if left.shape != (n,):
            raise ValueError(f"left must hold one mention per pair ({n}), got {left.shape}")
        codes = [np.asarray(tf[j][0]) for j in used]
        weights = [np.asarray(tf[j][1], np.float32) for j in used]
        m = len(codes[0])
        if any(len(x) != m for x in codes) or (check and n and (left.min() < 0 or left.max() >= m)):
            raise ValueError("term-frequency codes need one value per mention, and left indices within them")
        for k, (x, w) in enumerate(zip(codes, weights)):
            if check and len(x) and (x.min() < 0 or x.max() >= len(w)):
                raise ValueError(f"term-frequency codes of attribute {used[k]} lie outside its weights")
        # one (tf attributes, mentions) array; a single one is a view, not a copy
        tf_code = codes[0].reshape(1, -1) if len(used) == 1 else np.stack(codes)
        tf_code = np.ascontiguousarray(tf_code)
        tf_table = np.zeros((len(used), max(len(w) for w in weights)), np.float32)
        for k, w in enumerate(weights):
            tf_table[k, :len(w)] = w
        tf_slot[used] = np.arange(len(used))
    else:
        left = np.zeros(1, np.int64)  # (read only for term-frequency attributes)
        tf_code = np.zeros((1, 1), np.int64)
        tf_table = np.zeros((1, 1), np.float32)
    total = np.empty(n, np.float32)
    prob = np.empty(n, np.float32)
    if n:
        _fs_kernel(gamma, table, tf_slot, top, tf_code, tf_table, left, float(prior_weight), total, prob)
    return total, prob
