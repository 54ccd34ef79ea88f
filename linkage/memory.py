"""Keep freed memory in the process for reuse, instead of handing it back to the OS.

A batch run frees and reallocates gigabytes (a kind's table, its pair lists, its level matrices),
and by default both allocators return large blocks to the kernel at once: Arrow's mimalloc
decommits them, glibc serves every block above 32 MB with its own ``mmap`` and unmaps it on free.
Fresh pages then cost a fault and a zeroing each; on a VM whose balloon reports free pages to the
host (this project's 2-core box) the host must back them again, about 2 s of system time per GB.
On the 1M-person link that was half the wall time (52 s of system time in 98 s).

:func:`retain_freed_memory` routes Arrow's buffers through the system allocator, so Arrow, NumPy
and Numba share one glibc heap, and tells glibc to serve large blocks from that heap and never to
trim it. Freed memory is then reused by the next stage at no cost. The price: RSS stays at the
run's high-water mark until the process exits, which for a batch command is its peak anyway.

Process-wide, so only entry points call it (``weft link``, ``weft standardize``, the benchmarks),
never library functions. ``WEFT_RETAIN_MEMORY=0`` turns it off.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import platform

import pyarrow as pa

__all__ = ["retain_freed_memory"]

# mallopt(3) parameters (glibc's malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4
_M_ARENA_MAX = -8
_ARENAS = 2  # one per core here: few arenas, little memory stranded in idle threads' heaps


def retain_freed_memory() -> dict[str, object]:
    """Apply the settings above (idempotent); return what was set, empty when turned off."""
    if os.environ.get("WEFT_RETAIN_MEMORY", "1") == "0":
        return {}
    done: dict[str, object] = {}
    if platform.libc_ver()[0] == "glibc":
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        ok = all(libc.mallopt(p, v) == 1 for p, v in (
            (_M_ARENA_MAX, _ARENAS),
            (_M_MMAP_MAX, 0),  # no block gets its own mapping: large ones come from the heap too
            (_M_TRIM_THRESHOLD, -1),  # -1: never give the heap's top back (mallopt(3))
        ))
        done["glibc"] = "heap only, untrimmed" if ok else "mallopt refused"
        if ok and pa.default_memory_pool().backend_name != "system":
            # ... and Arrow's buffers come from that same heap (mimalloc would keep its own pages)
            pa.set_memory_pool(pa.system_memory_pool())
    done["arrow_pool"] = pa.default_memory_pool().backend_name
    return done
