"""The kernels' on-disk compile cache (``weft.core._jit``): keyed by the kernel sources, reused
across processes, and off when asked or when its folder cannot be written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from weft.core._jit import source_digest

_PROBE = """
import json
from weft.core import _jit
from weft.core.hashing import hash_rows
import numpy as np
hash_rows(np.array([104, 105], np.uint32), np.array([0, 2], np.int64), np.array([True]))
from weft.core import hashing
print(json.dumps({"dir": _jit.CACHE_DIR, "cache": _jit.CACHE,
                  "hits": sum(hashing._hash_rows.stats.cache_hits.values()),
                  "misses": sum(hashing._hash_rows.stats.cache_misses.values())}))
"""


def _probe(env: dict) -> dict:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("WEFT_NUMBA", "NUMBA_CACHE"))}
    out = subprocess.run([sys.executable, "-c", _PROBE], env={**full, **env}, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_digest_follows_every_kernel_file(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "b.py").write_text("y = 2\n")
    first = source_digest(tmp_path)
    assert source_digest(tmp_path) == first
    (tmp_path / "notes.txt").write_text("not code")
    assert source_digest(tmp_path) == first
    (tmp_path / "b.py").write_text("y = 3\n")  # a file other than the kernel's own
    assert source_digest(tmp_path) != first
    (tmp_path / "b.py").write_text("y = 2\n")
    assert source_digest(tmp_path) == first
    (tmp_path / "c.py").write_text("")
    assert source_digest(tmp_path) != first


def test_second_process_loads_compiled_kernels(tmp_path):
    env = {"WEFT_NUMBA_CACHE_DIR": str(tmp_path)}
    cold = _probe(env)
    assert cold["cache"] and Path(cold["dir"]).parent == tmp_path
    assert Path(cold["dir"]).name == source_digest(Path(__file__).parents[1] / "core")
    assert cold["hits"] == 0 and cold["misses"] == 1
    assert any(Path(cold["dir"]).rglob("*.nbi"))
    warm = _probe(env)
    assert warm["dir"] == cold["dir"] and warm["hits"] == 1 and warm["misses"] == 0


def test_cache_off_by_env_or_when_unwritable(tmp_path):
    off = _probe({"WEFT_NUMBA_CACHE": "0", "WEFT_NUMBA_CACHE_DIR": str(tmp_path)})
    assert off["dir"] is None and off["cache"] is False and off["hits"] == 0
    assert not any(tmp_path.iterdir())
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    bad = _probe({"WEFT_NUMBA_CACHE_DIR": str(blocker / "sub")})
    assert bad["cache"] is False and bad["dir"] is None
