"""The one JIT decorator every weft kernel uses.

Flags live here, not on kernels: ``nopython`` and ``nogil`` always (the gRPC server calls kernels
from worker threads); ``fastmath`` as an explicit flag set without ``nnan``/``ninf`` so NaN and Inf
guards survive.

``cache`` is on unless ``WEFT_NUMBA_CACHE=0``: compiling every kernel costs about a minute, which
would otherwise be paid by every ``weft`` command, server start and test run. Numba keys a cached
kernel by its own file only, so a change in another kernel file it calls would be missed; the cache
therefore lives in a folder named by a digest of every file in this package, and any edit starts a
fresh one. The folder is ``$WEFT_NUMBA_CACHE_DIR`` (default ``~/.cache/weft/numba``, or under
``$XDG_CACHE_HOME``), so a read-only site-packages is no obstacle; if it cannot be written the
kernels are simply compiled each time. Old digests beyond the newest few are pruned.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import numba
import numpy as np

__all__ = ["CACHE", "CACHE_DIR", "FASTMATH", "jit", "one_kernel_thread", "source_digest", "threadsafe_kernels"]

# Safe subset: reassociation and contraction speed up sums; nnan/ninf would delete our guards.
FASTMATH = frozenset({"nsz", "arcp", "contract", "afn", "reassoc"})
_KEEP = 4  # digest folders kept besides the current one (other checkouts, other versions)
_STALE_S = 7 * 86400  # ... and none younger than this is removed: another process may be using it


def source_digest(folder: Path = Path(__file__).parent) -> str:
    """Digest of every ``.py`` file in ``folder`` (names and bytes): the kernels' cache key."""
    h = hashlib.sha256()
    for p in sorted(folder.glob("*.py")):
        h.update(p.name.encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:16]


def _prune(base: Path, current: Path) -> None:
    try:
        olds = sorted((p for p in base.iterdir() if p.is_dir() and p != current),
                      key=lambda p: p.stat().st_mtime, reverse=True)
        for p in olds[_KEEP:]:
            if time.time() - p.stat().st_mtime > _STALE_S:
                shutil.rmtree(p, ignore_errors=True)
    except OSError:
        pass


def _cache_dir() -> str | None:
    if os.environ.get("WEFT_NUMBA_CACHE", "1") == "0":
        return None
    base = os.environ.get("WEFT_NUMBA_CACHE_DIR")
    if not base:
        home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(home, "weft", "numba")
    d = Path(base) / source_digest()
    try:
        d.mkdir(parents=True, exist_ok=True)
        os.utime(d)  # in use: pruning goes by age
    except OSError:
        return None
    if not os.access(d, os.W_OK):
        return None
    _prune(Path(base), d)
    return str(d)


CACHE_DIR: str | None = _cache_dir()
CACHE: bool = CACHE_DIR is not None
if CACHE:
    # Numba reads this when a cached function is decorated, so it must be set before any kernel
    # module runs its decorators: every kernel module imports this one first.
    numba.config.CACHE_DIR = CACHE_DIR


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


@jit(parallel=True)
def _probe(x):
    for i in numba.prange(len(x)):
        x[i] += 1


def threadsafe_kernels() -> bool:
    """Whether several Python threads may run parallel kernels at once: tbb and omp allow it, the
    workqueue layer aborts the process. Numba loads its layer with the first parallel kernel, so a
    tiny one runs first."""
    _probe(np.zeros(2))
    return numba.threading_layer() in ("tbb", "omp")


def one_kernel_thread() -> None:
    """Thread-pool initializer: this thread's kernels use one Numba thread (the setting is per
    thread), so a worker beside the main thread does not oversubscribe the cores."""
    numba.set_num_threads(1)
