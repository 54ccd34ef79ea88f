"""Connected components over edge lists, plain and with cannot-link on strong keys (DESIGN §5.3).

Nodes are ``0 .. n-1``; edge k is ``(left[k], right[k])``. Union-find with path halving and union
by size, serial (each union depends on the previous ones) and GIL-free. Self-loops and duplicate
edges are harmless. A component's label is its smallest node index, so labels depend on the
partition alone, never on which root union-by-size happened to pick (nor, for
:func:`components`, on the edge order).

:func:`constrained_components` takes the edges IN THE GIVEN ORDER (callers sort by descending
score, strong-key star edges first) and a uint64 ``strong`` key per node (0 = none, e.g. a hash of
a validated ID number). Each root carries the non-zero strong key of its members, if any; an edge
whose two roots carry different non-zero keys is refused (``refused[k] = True``) and nothing
merges, so two different valid identifiers never end up in one component (twins). Otherwise the
components merge and the new root keeps whichever non-zero key there was. Only such conflicts are
refused: an edge inside one component is not. The outcome is greedy, hence order-dependent: an
untyped mention joins the first keyed component a higher-ranked edge leads it to.
"""

from __future__ import annotations

import numpy as np

from ._jit import jit

__all__ = ["components", "constrained_components"]

_NONE = np.uint64(0)  # typed: Numba compares uint64 with an int literal through float64


# One array: parent[x] >= 0 is x's parent, parent[r] = -size for a root r. Keeping the sizes in
# the same array halves the cache misses of a random edge list (~1.7x faster at 4 M nodes).


@jit
def _find(parent, x):
    # path halving: every visited node is re-pointed to its grandparent
    while True:
        p = parent[x]
        if p < 0:
            return x
        gp = parent[p]
        if gp < 0:
            return p
        parent[x] = gp
        x = gp


@jit
def _min_labels(parent, labels):
    # ascending scan: the first node met in a component is its smallest
    low = np.full(len(parent), -1, dtype=np.int64)
    for i in range(len(parent)):
        r = _find(parent, i)
        if low[r] < 0:
            low[r] = i
        labels[i] = low[r]


@jit
def _components(n, left, right, labels):
    parent = np.full(n, -1, dtype=np.int64)
    for k in range(len(left)):
        ra = _find(parent, left[k])
        rb = _find(parent, right[k])
        if ra == rb:
            continue
        if parent[ra] > parent[rb]:  # union by size: the larger tree (more negative) stays root
            ra, rb = rb, ra
        parent[ra] += parent[rb]
        parent[rb] = ra
    _min_labels(parent, labels)


@jit
def _constrained(n, left, right, strong, labels, refused):
    parent = np.full(n, -1, dtype=np.int64)
    key = strong.copy()  # key[r] is meaningful for roots only
    for k in range(len(left)):
        ra = _find(parent, left[k])
        rb = _find(parent, right[k])
        if ra == rb:
            continue
        ka = key[ra]
        kb = key[rb]
        if ka != _NONE and kb != _NONE and ka != kb:
            refused[k] = True
            continue
        if parent[ra] > parent[rb]:
            ra, rb = rb, ra
        parent[ra] += parent[rb]
        parent[rb] = ra
        key[ra] = ka if ka != _NONE else kb
    _min_labels(parent, labels)


def _readonly(x, dtype) -> np.ndarray:
    """A contiguous read-only view: one Numba specialisation whatever the caller passes."""
    x = np.ascontiguousarray(x, dtype=dtype)
    if x.flags.writeable:
        x = x.view()
        x.flags.writeable = False
    return x


def _edges(n: int, left, right) -> tuple[np.ndarray, np.ndarray]:
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    left = np.asarray(left)
    right = np.asarray(right)
    if left.ndim != 1 or left.shape != right.shape:
        raise ValueError(f"left and right must be 1-d of one length, got {left.shape}, {right.shape}")
    if len(left) and (left.dtype.kind not in "iu" or right.dtype.kind not in "iu"):
        raise TypeError("left and right must be integer node indices")
    left = _readonly(left, np.int64)
    right = _readonly(right, np.int64)
    if len(left) and (min(left.min(), right.min()) < 0 or max(left.max(), right.max()) >= n):
        raise ValueError(f"edge endpoints must lie in [0, {n})")
    return left, right


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """int64[n] component labels: the smallest node index of each node's component."""
    left, right = _edges(n, left, right)
    labels = np.empty(n, dtype=np.int64)
    _components(np.int64(n), left, right, labels)
    return labels


def constrained_components(n: int, left: np.ndarray, right: np.ndarray, strong: np.ndarray
                           ) -> tuple[np.ndarray, np.ndarray]:
    """``(labels int64[n], refused bool[len(left)])``: greedy union in edge order that never joins
    two different non-zero ``strong`` keys (module docstring)."""
    left, right = _edges(n, left, right)
    strong = np.asarray(strong)
    if strong.shape != (n,):
        raise ValueError(f"strong must have shape ({n},), got {strong.shape}")
    if n and strong.dtype.kind not in "iu":
        raise TypeError(f"strong must hold uint64 keys, got {strong.dtype}")
    strong = _readonly(strong, np.uint64)
    labels = np.empty(n, dtype=np.int64)
    refused = np.zeros(len(left), dtype=np.bool_)
    _constrained(np.int64(n), left, right, strong, labels, refused)
    return labels, refused
