"""The generator's driver: chunks of households -> department files, truth files and a manifest.

Memory stays bounded: one chunk of persons (``chunk_size``) is alive at a time, Parquet files are
appended chunk by chunk, and the only city-wide state is the building table and the sorted array of
issued ID bodies (8 bytes a person).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from weft.linkage.regions import load_divisions

from . import tables as T
from .city import DISTRICT_NAMES, City
from .corrupt import CorruptionConfig
from .departments import SOURCES, Ctx, DeptChunk, company_codes
from .exam import build_exam, registrants_for
from .people import CHILD, GRANDPARENT, HEAD, SPOUSE, IdRegistry, make_persons
from .render import addresses
from .rng import chunk_rng

__all__ = ["generate", "GenerateResult", "DEFAULT_CHUNK", "EXAM_SOURCE"]

DEFAULT_CHUNK = 100_000
EXAM_SOURCE = "exam_registration"
_HOUSE_BATCH = 500_000
MENTIONS_SCHEMA = pa.schema([("source", pa.string()), ("record_id", pa.string()), ("role", pa.string()),
                             ("kind", pa.string()), ("entity_id", pa.int64())])
CORRUPTIONS_SCHEMA = pa.schema([("source", pa.string()), ("record_id", pa.string()), ("role", pa.string()),
                                ("column", pa.string()), ("field", pa.string()), ("corruption", pa.string())])
_REL_NAMES = {HEAD: "户主", SPOUSE: "配偶", CHILD: "子女", GRANDPARENT: "父母"}


@dataclass
class GenerateResult:
    out: Path
    persons: int
    seconds: float
    peak_rss_mb: float
    records: dict[str, int]
    truth: dict[str, int]
    corruption: dict = field(default_factory=dict)

    @property
    def persons_per_second(self) -> float:
        return self.persons / self.seconds if self.seconds else float("nan")


class _Sinks:
    """Parquet files appended chunk by chunk; a file that got no rows is still written (empty)."""

    def __init__(self, root: Path):
        self.root = root
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.rows: dict[str, int] = defaultdict(int)
        self.declared: dict[str, pa.Schema] = {}

    def declare(self, rel: str, schema: pa.Schema) -> None:
        """Make sure ``rel`` exists at the end even if no rows ever arrive."""
        self.declared.setdefault(rel, schema)

    def write(self, rel: str, table: pa.Table) -> None:
        w = self.writers.get(rel)
        if w is None:
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            w = self.writers[rel] = pq.ParquetWriter(path, table.schema, compression="zstd")
        w.write_table(table.cast(w.schema) if table.schema != w.schema else table)
        self.rows[rel] += table.num_rows

    def close(self) -> None:
        for w in self.writers.values():
            w.close()
        for rel, schema in self.declared.items():
            if rel not in self.writers:
                path = self.root / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                pq.write_table(schema.empty_table(), path, compression="zstd")
        self.writers.clear()


def _string_table(columns: dict[str, np.ndarray], order: np.ndarray) -> pa.Table:
    return pa.table({k: pa.array(np.asarray(v, dtype=object)[order], pa.string()) for k, v in columns.items()})


def _emit(sinks: _Sinks, rel: str, source: str, record_col: str, prefix: str, dept: DeptChunk,
          counters: dict[str, int], rng: np.random.Generator, stats: dict) -> np.ndarray:
    """Write one department chunk and its truth; return each input row's record id."""
    n = dept.n
    _merge_counts(stats, source, dept)
    sinks.declare(rel, pa.schema([(record_col, pa.string())] + [(c, pa.string()) for c in dept.columns]))
    sinks.declare("truth/mentions.parquet", MENTIONS_SCHEMA)
    sinks.declare("truth/corruptions.parquet", CORRUPTIONS_SCHEMA)
    if n == 0:
        return np.empty(0, dtype=object)
    order = rng.permutation(n)  # rows leave in random order: no household sits in adjacent rows
    inv = np.empty(n, dtype=np.int64)
    inv[order] = np.arange(n)
    start = counters[source]
    counters[source] += n
    ids = np.char.add(prefix, np.char.zfill((start + np.arange(n)).astype(str), 10)).astype(object)
    table = _string_table(dept.columns, order)
    sinks.write(rel, table.add_column(0, record_col, pa.array(ids, pa.string())))
    src = pa.array(np.full(n, source, dtype=object), pa.string())
    for role, kind, ent in dept.mentions:
        sinks.write("truth/mentions.parquet", pa.table({
            "source": src, "record_id": pa.array(ids, pa.string()),
            "role": pa.array(np.full(n, role, dtype=object), pa.string()),
            "kind": pa.array(np.full(n, kind, dtype=object), pa.string()),
            "entity_id": pa.array(np.asarray(ent, dtype=np.int64)[order]),
        }))
    for rows, role, column, field_kind, kind in dept.cor.log:
        m = len(rows)
        sinks.write("truth/corruptions.parquet", pa.table({
            "source": pa.array(np.full(m, source, dtype=object), pa.string()),
            "record_id": pa.array(ids[inv[rows]], pa.string()),
            "role": pa.array(np.full(m, role, dtype=object), pa.string()),
            "column": pa.array(np.full(m, column, dtype=object), pa.string()),
            "field": pa.array(np.full(m, field_kind, dtype=object), pa.string()),
            "corruption": pa.array(np.full(m, kind, dtype=object), pa.string()),
        }))
    return ids[inv]


def _merge_counts(stats: dict, source: str, dept: DeptChunk) -> None:
    for (field_kind, kind), (eligible, applied) in dept.cor.counts.items():
        c = stats[source].setdefault(field_kind, {}).setdefault(kind, [0, 0])
        c[0] += eligible
        c[1] += applied


def _persons_table(P, city: City) -> pa.Table:
    eth = np.array([e for e, _ in T.ETHNICITIES], dtype=object)
    sz_addr = addresses(city, P.house, None, "", "")
    return pa.table({
        "person_id": P.pid,
        "household_id": P.hh,
        "household_role": pa.array(np.vectorize(_REL_NAMES.get, otypes=[object])(P.rel), pa.string()),
        "name": pa.array(P.name, pa.string()),
        "surname": pa.array(P.surname, pa.string()),
        "former_name": pa.array(P.former_name, pa.string()),
        "gender": pa.array(np.where(P.gender == 1, "男", "女").astype(object), pa.string()),
        "birth_date": pa.array(P.birth, pa.date32()),
        "ethnicity": pa.array(eth[P.eth], pa.string()),
        "id_number": pa.array(P.id18, pa.string()),
        "id_region": P.region,
        "sz_hukou": P.sz_hukou,
        "hukou_address": pa.array(np.where(P.sz_hukou, sz_addr, P.hukou_addr), pa.string()),
        "phone": pa.array(P.phone, pa.string()),
        "old_phone": pa.array(P.old_phone, pa.string()),
        "house_id": P.house,
        "prev_house_id": P.prev_house,
        "owns_house": P.owns,
        "father_id": P.father,
        "mother_id": P.mother,
        "spouse_id": P.spouse,
        "employer_id": P.employer,
        "is_twin": P.extra["is_twin"],
    })


def _relations_table(P, legal_rep: tuple[np.ndarray, np.ndarray]) -> pa.Table:
    parts = []

    def add(rel, src, dst, fk, tk):
        parts.append(pa.table({
            "relation": pa.array(np.full(len(src), rel, dtype=object), pa.string()),
            "from_kind": pa.array(np.full(len(src), fk, dtype=object), pa.string()),
            "from_id": pa.array(np.asarray(src, dtype=np.int64)),
            "to_kind": pa.array(np.full(len(src), tk, dtype=object), pa.string()),
            "to_id": pa.array(np.asarray(dst, dtype=np.int64)),
        }))

    for parent in (P.father, P.mother):
        k = parent >= 0
        add("guardian_of", parent[k], P.pid[k], "person", "person")
    k = (P.spouse >= 0) & (P.pid < P.spouse)
    add("spouse_of", P.pid[k], P.spouse[k], "person", "person")
    add("resides_at", P.pid, P.house, "person", "house")
    heads = P.rel == HEAD
    add("owns", P.pid[heads & P.owns], P.house[heads & P.owns], "person", "house")
    t = heads & ~P.owns & (P.landlord >= 0)
    add("owns", P.landlord[t], P.house[t], "person", "house")
    add("rents", P.pid[t], P.house[t], "person", "house")
    k = P.employer >= 0
    add("employed_by", P.pid[k], P.employer[k], "person", "entity")
    comp, rep = legal_rep
    add("legal_rep_of", rep, comp, "person", "entity")
    return pa.concat_tables(parts)


def _companies_table(city: City, comp: np.ndarray, rep: np.ndarray) -> pa.Table:
    c = company_codes(city, comp)
    names = city.company_names(comp, c)
    return pa.table({
        "company_id": comp,
        "uscc": pa.array(c["uscc"], pa.string()),
        "org_code": pa.array(c["org_code"], pa.string()),
        "reg_no": pa.array(c["reg_no"], pa.string()),
        "name": names,
        "kind": pa.array(np.where(c["individual"], "individual", "enterprise").astype(object), pa.string()),
        "legacy": c["legacy"],
        "founded": pa.array(c["founded"], pa.date32()),
        "legal_rep_id": rep,
        "house_id": c["house"],
        "district": pa.array(np.array(DISTRICT_NAMES, dtype=object)[c["district"]], pa.string()),
    })


def _houses_table(city: City, h: np.ndarray) -> pa.Table:
    code = city.house_code(h)
    p = city.house_parts(h)
    return pa.table({
        "house_id": h,
        "house_code": code,
        "address": pa.array(addresses(city, h, None, "", ""), pa.string()),
        "building_id": p["building"].astype(np.int64),
        "community_code": city.comm_code[p["community"]],
        "district": city.district_name(h),
    })


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def generate(
    persons: int,
    seed: int,
    out: str | os.PathLike,
    config: CorruptionConfig | None = None,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    progress=None,
    overwrite: bool = False,
) -> GenerateResult:
    """Write a synthetic city of ``persons`` residents to ``out``. Same seed, same files.

    ``progress`` is called as ``progress(persons_done, records_done)`` after every chunk.
    """
    if persons < 1:
        raise ValueError(f"persons must be >= 1, got {persons}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise FileExistsError(f"{out} is not empty (use --force to replace it)")
        for sub in ("departments", "truth", "exam"):
            shutil.rmtree(out / sub, ignore_errors=True)
        (out / "manifest.json").unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    config = config or CorruptionConfig()
    t0 = time.perf_counter()
    div = load_divisions()
    city = City.build(seed, persons)
    n_chunks = -(-persons // chunk_size)
    registry = IdRegistry()
    sinks = _Sinks(out)
    counters: dict[str, int] = defaultdict(int)
    stats: dict[str, dict] = defaultdict(dict)
    records = 0
    try:
        for c in range(n_chunks):
            p0 = c * chunk_size
            n = min(chunk_size, persons - p0)
            P = make_persons(seed, c, n_chunks, p0, n, city, div, registry)
            j0 = city.n_companies * p0 // persons
            j1 = city.n_companies * (p0 + n) // persons
            ctx = Ctx(seed, c, p0, P, city, config, (j0, j1))
            shuffle = chunk_rng(seed, c, "shuffle")
            for src in SOURCES:
                dept = src.build(ctx)
                _emit(sinks, f"departments/{src.name}.parquet", src.name, src.record_id, src.prefix, dept, counters, shuffle, stats)
                records += dept.n
            exam, truth = build_exam(ctx, registrants_for(p0, n, persons))
            ids = _emit(sinks, f"exam/{EXAM_SOURCE}.parquet", EXAM_SOURCE, "报名号", "KS", exam, counters, shuffle, stats)
            exam_truth = pa.table({"record_id": pa.array(ids, pa.string()), **{
                k: pa.array(v, pa.string() if k == "inconsistency" else pa.int64()) for k, v in truth.items()}})
            sinks.declare("truth/exam.parquet", exam_truth.schema)
            if exam.n:
                sinks.write("truth/exam.parquet", exam_truth)
            sinks.write("truth/persons.parquet", _persons_table(P, city))
            comp, rep = P.extra["legal_rep"]
            companies = _companies_table(city, comp, rep)
            sinks.declare("truth/companies.parquet", companies.schema)
            if len(comp):
                sinks.write("truth/companies.parquet", companies)
            sinks.write("truth/relations.parquet", _relations_table(P, P.extra["legal_rep"]))
            if progress is not None:
                progress(p0 + n, records)
        for h0 in range(0, city.n_houses, _HOUSE_BATCH):
            sinks.write("truth/houses.parquet", _houses_table(city, np.arange(h0, min(city.n_houses, h0 + _HOUSE_BATCH), dtype=np.int64)))
    finally:
        sinks.close()
    seconds = time.perf_counter() - t0
    corruption = {
        src: {fk: {k: {"configured": config.rate(src, fk, k), "eligible": e, "applied": a,
                       "realised": (a / e) if e else None} for k, (e, a) in kinds.items()}
              for fk, kinds in fields.items()}
        for src, fields in stats.items()
    }
    result = GenerateResult(
        out=out,
        persons=persons,
        seconds=seconds,
        peak_rss_mb=_peak_rss_mb(),
        records={s.name: counters[s.name] for s in SOURCES} | {EXAM_SOURCE: counters[EXAM_SOURCE]},
        truth={"persons": persons, "companies": city.n_companies, "houses": city.n_houses},
        corruption=corruption,
    )
    _write_manifest(result, seed, chunk_size, config)
    return result


def _write_manifest(r: GenerateResult, seed: int, chunk_size: int, config: CorruptionConfig) -> None:
    from weft import __version__

    manifest = {
        "generator": "weft.bench.gen",
        "weft_version": __version__,
        "seed": seed,
        "persons": r.persons,
        "chunk_size": chunk_size,
        "records": r.records,
        "records_total": sum(v for k, v in r.records.items() if k != EXAM_SOURCE),
        "truth": r.truth,
        "sources": [{"name": s.name, "department": s.department, "title": s.title, "record_id": s.record_id,
                     "file": f"departments/{s.name}.parquet"} for s in SOURCES]
                   + [{"name": EXAM_SOURCE, "department": "教育", "title": "中考报名", "record_id": "报名号",
                       "file": f"exam/{EXAM_SOURCE}.parquet"}],
        "corruption_config": config.as_dict(),
        "corruption": r.corruption,
        "seconds": round(r.seconds, 3),
        "peak_rss_mb": round(r.peak_rss_mb, 1),
    }
    (r.out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
