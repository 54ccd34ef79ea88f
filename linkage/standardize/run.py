"""``weft standardize``: department files -> standardized mentions, per source and kind.

For each source (spec), batches stream from the reader; each mention of a batch becomes rows of
``(source, record_id, role, kind, canonical columns, *_q quality codes, derived keys)``, appended
to ``OUT/<kind>/<source>.parquet``. Unreadable rows go to ``OUT/rejects.parquet`` with their
reason; a bad value never rejects its row. ``OUT/summary.json`` counts, per source, role and
attribute, the values that were valid, repaired, missing and invalid (by reason).
"""

from __future__ import annotations

import datetime
import json
import resource
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numba
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from weft.core._jit import one_kernel_thread, threadsafe_kernels

from ..readers import DEFAULT_BATCH, Reject, read_batches
from ..specs import FieldSpec, MentionSpec, SourceSpec
from . import address, dates, generic, ids, names, phone
from . import gender as gender_mod
from .quality import COMMON_REASONS

__all__ = ["REJECT_SCHEMA", "StandardizeResult", "standardize_mention", "standardize_sources"]

REJECT_SCHEMA = pa.schema([("source", pa.string()), ("row", pa.int64()), ("record_id", pa.string()),
                           ("field", pa.string()), ("reason", pa.string())])


@dataclass(frozen=True)
class _Std:
    """How one standardizer type is called and how its output columns are named."""

    fn: Callable[[pa.Array, FieldSpec], dict[str, pa.Array]]
    base: str  # the native name of its main column
    default_attr: str | None  # the attribute whose derived columns keep their native names
    prefix: str  # native prefix of derived columns, replaced by "<attr>_" for other attributes
    reasons: dict[int, str]


_FAR = datetime.date(2200, 1, 1)  # the "today" of fields that may lie ahead (expiry dates, lease ends)


def _r(d: dict[int, str]) -> dict[int, str]:
    return {**COMMON_REASONS, **d}


_STD: dict[str, _Std] = {
    "person_name": _Std(lambda v, f: names.standardize_person_name(v), "name", "name", "name_", _r(names.REASONS)),
    "name": _Std(lambda v, f: names.standardize_person_name(v), "name", None, "name_", _r(names.REASONS)),
    "company_name": _Std(lambda v, f: names.standardize_company_name(v), "company_name", "name", "company_",
                         _r(names.REASONS)),
    "id_number": _Std(lambda v, f: ids.standardize_id_number(v), "id_number", "id_number", "id_",
                      _r(ids.REASONS["id_number_q"])),
    "uscc": _Std(lambda v, f: ids.standardize_uscc(v), "uscc", "uscc", "uscc_", _r(ids.REASONS["uscc_q"])),
    "org_code": _Std(lambda v, f: ids.standardize_org_code(v), "org_code", "org_code", "org_", _r(ids.REASONS["org_code_q"])),
    "reg_no": _Std(lambda v, f: ids.standardize_reg_no(v), "reg_no", "reg_no", "reg_", _r(ids.REASONS["reg_no_q"])),
    "house_code": _Std(lambda v, f: ids.standardize_house_code(v), "house_code", "house_code", "house_",
                       _r(ids.REASONS["house_code_q"])),
    "date": _Std(lambda v, f: dates.standardize_date(v, formats=list(f.formats) or None, today=_FAR if f.future else None),
                 "date", None, "date_",
                 _r(dates.REASONS)),
    "phone": _Std(lambda v, f: phone.standardize_phone(v), "phone", "phone", "phone_", _r(phone.REASONS)),
    "address": _Std(lambda v, f: address.standardize_address(v), "address", "address", "addr_", _r(address.REASONS)),
    "text": _Std(lambda v, f: generic.standardize_text(v, "text"), "text", None, "", _r(generic.REASONS["text"])),
    "identifier": _Std(lambda v, f: generic.standardize_identifier(v, "identifier"), "identifier", None, "",
                       _r(generic.REASONS["identifier"])),
    "number": _Std(lambda v, f: generic.standardize_number(v, "number"), "number", None, "", _r(generic.REASONS["number"])),
    "category": _Std(lambda v, f: generic.standardize_category(v, "category", f.codes), "category", None, "",
                     _r(generic.REASONS["category"])),
    # gender is called directly (it needs the ID number's sex); listed for its reasons
    "gender": _Std(lambda v, f: gender_mod.standardize_gender(v), "gender", "gender", "gender_", _r(gender_mod.REASONS)),
}


def _rename(out: dict[str, pa.Array], std: _Std, attr: str) -> dict[str, pa.Array]:
    keep = attr == std.default_attr
    res = {}
    for k, v in out.items():
        if k == std.base:
            res[attr] = v
        elif k.startswith(std.base + "_"):
            res[attr + k[len(std.base):]] = v
        elif keep:
            res[k] = v
        elif std.prefix and k.startswith(std.prefix):
            res[f"{attr}_{k[len(std.prefix):]}"] = v
        else:
            res[f"{attr}_{k}"] = v
    return res


def _ordered(fields: tuple[FieldSpec, ...]) -> list[FieldSpec]:
    # the ID number first: gender is cross-checked against the sex it encodes
    return sorted(fields, key=lambda f: f.type != "id_number")


# Standardize distinct values once when at most this share of a column's rows is distinct.
_DISTINCT_SHARE = 0.75
# ... but not identifiers, unique per person or entity by design: their kernels cost about what
# hashing them for the dictionary would.
_UNIQUE = frozenset({"id_number", "uscc", "org_code", "reg_no", "house_code", "phone"})
# Rough cost per value, to start the dearest fields first when they run concurrently.
_COST = {"address": 10, "person_name": 3, "name": 3, "company_name": 3, "phone": 2, "date": 2, "id_number": 2}


def _distinct_once(fn: Callable[[pa.Array], dict[str, pa.Array]], values) -> dict[str, pa.Array]:
    """``fn(values)``, computed once per distinct value when values repeat.

    Every standardizer but gender is a function of one value at a time, so its results over the
    column's dictionary (nulls included), taken back to the rows, are its results over the column.
    Columns repeat a lot (a household shares its hukou address, categories and dates recur); the
    dictionary costs one hash per row, a few percent of a standardizer's time.
    """
    if not isinstance(values, pa.Array) or len(values) == 0 or not (
            pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return fn(values)
    enc = values.dictionary_encode(null_encoding="encode")
    if len(enc.dictionary) > _DISTINCT_SHARE * len(values):
        return fn(values)
    return {k: v.take(enc.indices) for k, v in fn(enc.dictionary).items()}


def standardize_mention(batch: pa.RecordBatch, mention: MentionSpec, cache: dict | None = None) -> dict[str, pa.Array]:
    """The standardized columns of one mention over one batch (all of the batch's length).

    ``cache`` (one per batch) lets mentions that read the same column with the same standardizer
    (a person's address and the house mention built from it) share one computation.

    The fields are independent but for gender, which is checked against the ID number: with a
    thread-safe Numba threading layer they run on one worker thread per Numba thread, dearest
    first, each with one-thread kernels (kernels and Arrow compute release the GIL); otherwise one
    after another, each kernel using every Numba thread.
    """
    fields = _ordered(mention.fields)
    keys = [(f.column, f.type, f.formats, f.codes, f.future) for f in fields]
    outs: list = [None] * len(fields)  # results, or futures of results
    first: dict[tuple, int] = {}  # a field reading what an earlier one reads takes its result
    todo: list[int] = []
    for k, f in enumerate(fields):
        if f.type == "gender":
            continue
        if cache is not None and keys[k] in cache:
            outs[k] = cache[keys[k]]
        elif keys[k] not in first:
            todo.append(k)
        first.setdefault(keys[k], k)
    genders = [k for k, f in enumerate(fields) if f.type == "gender"]

    def result(k: int) -> dict[str, pa.Array]:
        out = outs[first[keys[k]]]
        return out.result() if isinstance(out, Future) else out

    def compute(k: int) -> dict[str, pa.Array]:
        f = fields[k]
        values = batch.column(f.column)
        if f.type in _UNIQUE:
            return _STD[f.type].fn(values, f)
        if f.type != "gender":
            return _distinct_once(lambda v: _STD[f.type].fn(v, f), values)
        id_gender = None  # the sex the (last) ID number encodes
        for j, g in enumerate(fields):
            if g.type == "id_number":
                id_gender = result(j).get("id_gender")
        return gender_mod.standardize_gender(values, id_gender=id_gender)

    workers = min(len(todo) + len(genders), numba.get_num_threads())
    if workers > 1 and batch.num_rows > 1 and threadsafe_kernels():
        todo.sort(key=lambda k: -_COST.get(fields[k].type, 1))
        with ThreadPoolExecutor(workers, initializer=one_kernel_thread) as pool:
            # gender last: a worker that waits there for an ID number has seen it start
            for k in todo + genders:
                outs[k] = pool.submit(compute, k)
            for k in todo + genders:
                outs[k] = outs[k].result()
    else:
        for k in todo + genders:  # ID numbers first (_ordered)
            outs[k] = compute(k)

    cols: dict[str, pa.Array] = {}
    for k, f in enumerate(fields):
        out = outs[k] if f.type == "gender" else result(k)
        if f.type != "gender" and cache is not None:
            cache.setdefault(keys[k], out)
        cols.update(_rename(out, _STD[f.type], f.attribute))
    return cols


@dataclass
class _SourceStats:
    rows: int = 0
    rejected: int = 0
    seconds: float = 0.0
    quality: dict = field(default_factory=dict)  # (role, attribute) -> np.int64[256] counts


@dataclass
class StandardizeResult:
    out: Path
    rows: int
    mentions: int
    rejected: int
    seconds: float
    peak_rss_mb: float
    summary: dict

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else float("nan")


def _schema_for(spec: SourceSpec, kind: str) -> pa.Schema:
    """Union schema of every mention of ``kind`` in a source, learnt from an empty batch."""
    empty = pa.RecordBatch.from_arrays([pa.array([], pa.string()) for _ in spec.columns()], names=spec.columns())
    fields = [pa.field("source", pa.string()), pa.field("record_id", pa.string()), pa.field("role", pa.string()),
              pa.field("kind", pa.string())]
    seen = {f.name for f in fields}
    for m in spec.mentions:
        if m.kind != kind:
            continue
        for name, arr in standardize_mention(empty, m).items():
            if name not in seen:
                seen.add(name)
                fields.append(pa.field(name, arr.type))
    return pa.schema(fields)


def _record_ids(spec: SourceSpec, batch: pa.RecordBatch, row0: int) -> pa.Array:
    if spec.record_id:
        return batch.column(spec.record_id)
    return pc.cast(pa.array(np.arange(row0, row0 + batch.num_rows)), pa.string())


def _count(stats: _SourceStats, role: str, attr: str, q: pa.Array) -> None:
    counts = np.bincount(q.to_numpy(zero_copy_only=False).astype(np.int64), minlength=256)
    key = (role, attr)
    stats.quality[key] = stats.quality.get(key, 0) + counts


def _summarise(spec: SourceSpec, stats: _SourceStats) -> dict:
    mentions = {}
    for m in spec.mentions:
        fields = {}
        for f in m.fields:
            counts = stats.quality.get((m.role, f.attribute))
            if counts is None:
                continue
            reasons = _STD[f.type].reasons
            invalid = {reasons.get(code, f"code_{code}").split(":")[0]: int(n) for code, n in enumerate(counts)
                       if code >= 3 and n}
            fields[f.attribute] = {"type": f.type, "column": f.column, "valid": int(counts[0]),
                                   "repaired": int(counts[1]), "missing": int(counts[2]), "invalid": invalid}
        mentions[m.role] = {"kind": m.kind, "fields": fields}
    return {"department": spec.department, "file": str(spec.file), "rows": stats.rows, "rejected": stats.rejected,
            "seconds": round(stats.seconds, 3), "mentions": mentions}


def standardize_sources(specs: list[SourceSpec], out: str | Path, *, batch_size: int = DEFAULT_BATCH,
                        progress: Callable[[int], None] | None = None) -> StandardizeResult:
    """Standardize every source into ``out``; ``progress(rows)`` is called after each batch."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    rejects: list[Reject] = []
    summary, total_rows, total_mentions = {}, 0, 0
    for spec in specs:
        ts = time.perf_counter()
        stats = _SourceStats()
        kinds = sorted({m.kind for m in spec.mentions})
        schemas = {k: _schema_for(spec, k) for k in kinds}
        writers: dict[str, pq.ParquetWriter] = {}
        before = len(rejects)
        row0 = 0
        try:
            for batch in read_batches(spec, rejects, batch_size):
                rid = _record_ids(spec, batch, row0)
                if rid.null_count:  # a row without its key cannot be traced: reject it
                    bad = np.flatnonzero(rid.is_null().to_numpy(zero_copy_only=False))
                    rejects.extend(Reject(spec.name, row0 + int(i), None, spec.record_id, "missing record id") for i in bad)
                    keep = pc.is_valid(rid)
                    batch, rid = batch.filter(keep), rid.filter(keep)
                n = batch.num_rows
                cache: dict = {}
                for m in spec.mentions:
                    cols = standardize_mention(batch, m, cache)
                    for f in m.fields:
                        q = cols.get(f"{f.attribute}_q")
                        if q is not None:
                            _count(stats, m.role, f.attribute, q)
                    head = {"source": pa.array([spec.name] * n, pa.string()), "record_id": rid,
                            "role": pa.array([m.role] * n, pa.string()), "kind": pa.array([m.kind] * n, pa.string())}
                    schema = schemas[m.kind]
                    arrays = [head.get(f.name, cols.get(f.name)) for f in schema]
                    arrays = [a if a is not None else pa.nulls(n, f.type) for a, f in zip(arrays, schema)]
                    w = writers.get(m.kind)
                    if w is None:
                        path = out / m.kind / f"{spec.name}.parquet"
                        path.parent.mkdir(parents=True, exist_ok=True)
                        w = writers[m.kind] = pq.ParquetWriter(path, schema, compression="zstd")
                    w.write_table(pa.Table.from_arrays(arrays, schema=schema))
                    total_mentions += n
                stats.rows += n
                row0 += batch.num_rows
                total_rows += n
                if progress is not None:
                    progress(n)
        finally:
            for w in writers.values():
                w.close()
        for k in kinds:  # a source with no rows still gets its (empty) files
            path = out / k / f"{spec.name}.parquet"
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                pq.write_table(schemas[k].empty_table(), path)
        stats.rejected = len(rejects) - before
        stats.seconds = time.perf_counter() - ts
        summary[spec.name] = _summarise(spec, stats)
    pq.write_table(pa.Table.from_pylist([r.__dict__ for r in rejects], schema=REJECT_SCHEMA), out / "rejects.parquet")
    seconds = time.perf_counter() - t0
    result = StandardizeResult(out, total_rows, total_mentions, len(rejects), seconds,
                               resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, summary)
    (out / "summary.json").write_text(json.dumps({
        "rows": total_rows, "mentions": total_mentions, "rejected": len(rejects), "seconds": round(seconds, 3),
        "rows_per_second": round(result.rows_per_second), "peak_rss_mb": round(result.peak_rss_mb),
        "sources": summary}, ensure_ascii=False, indent=1), encoding="utf-8")
    return result
