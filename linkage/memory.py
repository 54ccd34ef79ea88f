"""Keep freed memory in the process for reuse, instead of handing it back to the OS.

A batch run frees and reallocates gigabytes (a kind's table, its pair lists, its level matrices),
and by default both allocators return large blocks to the kernel at once: Arrow's mimalloc
decommits them, glibc serves every block above 32 MB with its own ``mmap`` and unmaps it on free.
Fresh pages then cost a fault and a zeroing each; on a VM whose balloon reports free pages to the
host (this project's 2-core box) the host must back them again, about 2 s of system time per GB.
On the 1M-person link that was half the wall time (52 s of system time in 98 s).

:func:`retain_freed_memory` routes Arrow's buffers through the system allocator, so Arrow, NumPy
and Numba share one glibc heap, and by default ("small") tells glibc to serve every block up to
32 MB from that heap and to keep up to 1 GB of it free: the temporaries of a chunk of pairs, of a
part of mentions, come back at no cost, while whole-array blocks are still mapped and unmapped, so
the peak stays that of the arrays alive. On the 1M-person city: 41 s and 3.7 GB against 82 s and
3.3 GB handing everything back, and 41 s and 3.8 GB keeping everything ("all": every block from
the heap, never trimmed, the peak the heap's high-water mark, fragmentation included: for a run
near the machine's memory, too much).

Process-wide, so only entry points call it (``weft link``, ``weft standardize``, the benchmarks),
never library functions. ``WEFT_RETAIN_MEMORY`` picks the mode: ``small``, ``all``, or ``0`` (off).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import platform

import pyarrow as pa

__all__ = ["hand_back_freed_memory", "release_heap_holes", "retain_freed_memory"]

# mallopt(3) parameters (glibc's malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_MMAP_MAX = -4
_M_ARENA_MAX = -8
_ARENAS = 2  # one per core here: few arenas, little memory stranded in idle threads' heaps
_SMALL = 32 << 20  # glibc's largest mmap threshold: blocks up to this size are kept in "small" mode
_SMALL_SLACK = 1 << 30  # ... and up to this much free heap top


def retain_freed_memory(mode: str | None = None) -> dict[str, object]:
    """Apply the settings above (idempotent); return what was set, empty when turned off.

    ``mode`` (default: ``$WEFT_RETAIN_MEMORY``, else "small"): "small" keeps blocks up to 32 MB
    (a chunk's temporaries) and up to 1 GB of free heap, while larger blocks are mapped and
    unmapped as they come and go, so the peak stays that of the live arrays; "all" keeps every
    freed block (the peak becomes the heap's high-water mark, fragmentation included); "0"
    changes nothing."""
    mode = mode or os.environ.get("WEFT_RETAIN_MEMORY") or "small"
    mode = {"1": "small"}.get(mode, mode)
    if mode == "0":
        return {}
    if mode not in ("all", "small"):
        raise ValueError(f"WEFT_RETAIN_MEMORY must be all, small or 0, not {mode!r}")
    done: dict[str, object] = {}
    if platform.libc_ver()[0] == "glibc":
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        settings = ((_M_MMAP_MAX, 0),  # no block gets its own mapping: large ones come from the heap too
                    (_M_TRIM_THRESHOLD, -1))  # -1: never give the heap's top back (mallopt(3))
        if mode == "small":  # (a fixed threshold: glibc's own moves up with each freed mapping)
            settings = ((_M_MMAP_THRESHOLD, _SMALL), (_M_TRIM_THRESHOLD, _SMALL_SLACK))
        ok = all(libc.mallopt(p, v) == 1 for p, v in ((_M_ARENA_MAX, _ARENAS), *settings))
        done["glibc"] = ("heap only, untrimmed" if mode == "all" else "blocks to 32 MB kept") if ok \
            else "mallopt refused"
        if ok and pa.default_memory_pool().backend_name != "system":
            # ... and Arrow's buffers come from that same heap (mimalloc would keep its own pages)
            _kept.setdefault("arrow_pool", pa.default_memory_pool())
            pa.set_memory_pool(pa.system_memory_pool())
        if ok:
            _kept["libc"] = libc
    done["arrow_pool"] = pa.default_memory_pool().backend_name
    return done


_kept: dict = {}  # what retain_freed_memory changed: hand_back_freed_memory undoes it
_HAND_BACK_TRIM = 64 << 20  # glibc's own trim threshold at its largest mmap threshold


def hand_back_freed_memory() -> dict[str, object]:
    """From now on hand freed memory back as glibc and Arrow do unasked, and return the heap's free
    memory now: for a run whose live arrays come near the machine's memory, where kept blocks
    would add gigabytes to the peak (the 10M-person city: 23.2 GB kept small, 20.0 GB handed
    back). Only undoes :func:`retain_freed_memory` (an entry point's choice); otherwise it does
    nothing and returns an empty dict."""
    libc = _kept.pop("libc", None)
    if libc is None:
        return {}
    done: dict[str, object] = {}
    ok = all(libc.mallopt(p, v) == 1 for p, v in ((_M_MMAP_THRESHOLD, _SMALL), (_M_MMAP_MAX, 65536),
                                                   (_M_TRIM_THRESHOLD, _HAND_BACK_TRIM)))
    done["glibc"] = "large blocks mapped, heap trimmed" if ok else "mallopt refused"
    libc.malloc_trim(0)
    _kept["handed_back"] = libc
    pool = _kept.pop("arrow_pool", None)
    if pool is not None:  # (buffers already made stay with the pool that made them)
        pa.set_memory_pool(pool)
    done["arrow_pool"] = pa.default_memory_pool().backend_name
    return done


def release_heap_holes() -> bool:
    """Once memory is handed back (:func:`hand_back_freed_memory`), give the OS the free pages
    inside the heap too, not only at its top as glibc does by itself: after a phase that freed
    many small blocks scattered through it (a kind's parts, joined into whole arrays), gigabytes
    of holes would otherwise count in the peaks that follow. True when it ran."""
    libc = _kept.get("handed_back")
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
