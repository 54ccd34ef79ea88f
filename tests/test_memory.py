"""retain_freed_memory: process-wide, so each case runs in a fresh interpreter."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

import pytest

_PROBE = """
import json
from weft.linkage.memory import hand_back_freed_memory, retain_freed_memory
import pyarrow as pa, numpy as np
before = pa.default_memory_pool().backend_name
first = retain_freed_memory()
again = retain_freed_memory()
# large blocks now come from the heap: allocate, free, allocate again and read back
a = pa.array(np.arange(20_000_000)); del a
b = pa.array(np.arange(20_000_000))
pool = pa.default_memory_pool().backend_name
back = hand_back_freed_memory()
c = pa.array(np.arange(20_000_000))  # (b, made by the kept pool, outlives the switch)
print(json.dumps({"first": first, "again": again, "pool": pool, "before": before, "back": back,
                  "back_again": hand_back_freed_memory(), "after": pa.default_memory_pool().backend_name,
                  "ok": int(b[-1].as_py()) == int(c[-1].as_py()) == 19_999_999}))
"""


def _probe(**env) -> dict:
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True,
                         env={**os.environ, **env})
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_retained_heap_and_system_pool():
    r = _probe(WEFT_RETAIN_MEMORY="all")
    assert r["first"] == r["again"] == {"glibc": "heap only, untrimmed", "arrow_pool": "system"}
    assert r["pool"] == "system" and r["ok"]


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_small_blocks_kept_large_ones_returned():
    r = _probe(WEFT_RETAIN_MEMORY="")  # the default
    assert r["first"] == r["again"] == {"glibc": "blocks to 32 MB kept", "arrow_pool": "system"}
    assert r["pool"] == "system" and r["ok"]
    # handed back (a run near the machine's memory): Arrow's own pool again, once
    assert r["back"] == {"glibc": "large blocks mapped, heap trimmed", "arrow_pool": r["before"]}
    assert r["after"] == r["before"] and r["back_again"] == {}


def test_unknown_mode_refused():
    with pytest.raises(subprocess.CalledProcessError) as e:
        _probe(WEFT_RETAIN_MEMORY="some")
    assert "WEFT_RETAIN_MEMORY must be all, small or 0" in e.value.stderr


def test_turned_off_changes_nothing():
    r = _probe(WEFT_RETAIN_MEMORY="0", ARROW_DEFAULT_MEMORY_POOL="")
    assert r["first"] == r["again"] == r["back"] == {}
    assert r["pool"] != "system" and r["ok"]  # Arrow's own default (mimalloc or jemalloc) stays
