"""The one JIT decorator every weft kernel uses.

Flags live here, not on kernels: ``nopython`` and ``nogil`` always (the gRPC server calls kernels
from worker threads); ``cache`` only when ``WEFT_NUMBA_CACHE=1`` because Numba's cache misses
changes in other files and breaks on read-only site-packages; ``fastmath`` as an explicit flag set
without ``nnan``/``ninf`` so NaN and Inf guards survive.
"""

from __future__ import annotations

import os

import numba

__all__ = ["jit", "FASTMATH", "CACHE"]

CACHE: bool = os.environ.get("WEFT_NUMBA_CACHE", "0") == "1"
# Safe subset: reassociation and contraction speed up sums; nnan/ninf would delete our guards.
FASTMATH = frozenset({"nsz", "arcp", "contract", "afn", "reassoc"})


def jit(fn=None, *, parallel: bool = False, fastmath: bool = False):
    """``numba.njit`` with weft's defaults; use as ``@jit`` or ``@jit(parallel=True)``."""

    def wrap(f):
        return numba.njit(
            f,
            nogil=True,
            cache=CACHE,
            parallel=parallel,
            fastmath=set(FASTMATH) if fastmath else False,
        )

    return wrap(fn) if fn is not None else wrap
