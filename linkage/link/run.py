"""``weft link``: specs in; identities, golden records, relations, evidence and a run report out.

Stages per kind (DESIGN §3): load the standardized mentions -> strong star edges -> blocking ->
comparison levels -> Fellegi–Sunter (u from random pairs, m by EM, or a saved model) -> constrained
clustering. Then relations between identities and golden records. Every stage records its wall
time and the process's peak RSS in ``report.json``.

Output (``OUT/``):

- ``standardized/``: what ``weft standardize`` writes (unless ``--standardized`` reuses a run)
- ``assignments.parquet``: source, record_id, role, kind, identity_id, match_probability
- ``golden_<kind>.parquet``: one row per identity, survivorship per attribute
- ``relations.parquet``: relation, from_kind, from_id, to_kind, to_id, sources, records
- ``evidence_<kind>.parquet``: every scored pair at or above the threshold with its levels and
  per-attribute weights, and whether cannot-link refused it
- ``model_<kind>.json``: the parameters used (reuse with ``--model``)
- ``report.json``
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from weft.core._jit import one_kernel_thread, threadsafe_kernels
from weft.core.select import ambiguous_pairs

from ..arrow import hash_strings
from ..memory import hand_back_freed_memory, release_heap_holes
from ..specs import KINDS, SourceSpec
from .blocking import TrainingSample, candidate_pairs, strong_edges, training_pairs, verify_strong
from .cluster import cluster, component_keys, diagnostics
from .comparisons import compute_levels, reads
from .config import KindConfig, default_config
from .features import Features, Stacker
from .model import Model, estimate_u, train
from .outputs import (Coded, code_names, golden_columns, golden_records_coded, place_by_relations, record_codes,
                      relations_coded, vocabulary)

__all__ = ["KindResult", "LinkResult", "Prepared", "Stages", "count_mentions", "iter_mentions", "iter_parts", "link",
           "link_kind", "link_prepared", "load_mentions", "prepare"]

_KEY = ["source", "record_id", "role", "kind"]
_PREFIX = {"person": "P", "entity": "E", "house": "H"}
_PAIR_CHUNK = 2_000_000  # pairs compared per step: bounded memory for the level matrix


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Stages:
    """Wall time and memory per stage, in order of completion; ``start_s`` (from the first stage's
    start) shows which stages ran side by side. Safe to share between threads."""

    rows: list = field(default_factory=list)
    progress: Callable[[str], None] | None = None
    t0: float = field(default_factory=time.perf_counter)

    def run(self, name: str, fn, *args, **kwargs):
        if self.progress:
            self.progress(name)
        t = time.perf_counter()
        out = fn(*args, **kwargs)
        self.rows.append({"stage": name, "start_s": round(t - self.t0, 3),
                          "seconds": round(time.perf_counter() - t, 3),
                          "rss_mb": round(_rss_mb(), 1), "peak_rss_mb": round(_peak_mb(), 1)})
        return out


def link_columns(cfg: KindConfig) -> set[str]:
    """The standardized columns linking ``cfg``'s kind reads (keys, rules, comparisons)."""
    cols = set(_KEY) | set(cfg.strong) | set(cfg.verify_drop)
    cols.update(c for c in (cfg.cannot_link, cfg.cannot_link_q, cfg.place_alone_by) if c)
    for r in (*cfg.rules, *cfg.deterministic):
        cols.update(r.columns)
        for alt in r.alternates:
            cols.update(alt)
    for r in cfg.lsh:
        cols.update(r.columns)
    for c in (*cfg.comparisons, *cfg.verify):
        cols.update(c.columns)
        if c.tf:
            cols.add(c.tf)
    for parts in cfg.derived.values():
        cols.update(p for p in parts if isinstance(p, str))
    return cols


def needed_columns(cfg: KindConfig) -> set[str]:
    """The standardized columns a link of ``cfg`` reads (linking, then golden records)."""
    return link_columns(cfg) | golden_columns(cfg.kind)


def feature_requests(cfg: KindConfig) -> set[tuple]:
    """What linking ``cfg``'s kind reads from ``Features``: computed part by part as the mentions
    are loaded (``Features.fetch``), the strings dropped."""
    req = {("codes", c) for c in cfg.strong}
    if cfg.cannot_link:
        req.add(("codes", cfg.cannot_link))
    for r in (*cfg.rules, *cfg.deterministic):
        for cols in (r.columns, *r.alternates):
            req |= {("codes", c) for c in cols}
    req |= {("bands", r) for r in cfg.lsh}
    for c in cfg.comparisons:
        req |= reads(c)
        if c.tf:
            req.add(("codes", c.tf))
    return req


def _verify_requests(cfg: KindConfig) -> set[tuple]:
    name_c, date_c = cfg.verify
    req = {("codes", cfg.cannot_link), ("codes", name_c.columns[0]), ("days", "birth_date"),
           ("days", "id_birth_date")}
    return req | reads(name_c) | reads(date_c)


def _request_columns(req: set[tuple]) -> set[str]:
    cols = set()
    for what, arg in req:
        if what == "sets":
            cols.update(c for c in arg if c)
        elif what == "bands":
            cols.update(arg.columns)
        else:
            cols.add(arg)
    return cols


_FEW_VALUES = ("source", "role", "kind")


def _files(std_dir: Path, kind: str, sources: list[str] | None) -> list[Path]:
    files = sorted((std_dir / kind).glob("*.parquet"))
    return files if sources is None else [f for f in files if f.stem in sources]


def _reader(f: Path, columns: set[str] | None, dates: bool = True) -> tuple[pq.ParquetFile, list[str], list[str]]:
    schema = pq.read_schema(f)
    keep = [c for c, t in zip(schema.names, schema.types)
            if columns is None or c in columns or (dates and pa.types.is_date32(t))]
    # one value per file or a handful: Arrow decodes them as a dictionary in milliseconds, as
    # plain strings in a third of a second per million rows
    few = [c for c in _FEW_VALUES if c in keep]
    return pq.ParquetFile(f, read_dictionary=few), keep, few


def _plain(t: pa.Table, few: list[str]) -> pa.Table:
    for c in few:
        t = t.set_column(t.column_names.index(c), c, t.column(c).cast(pa.string()))
    return t


def load_mentions(std_dir: Path, kind: str, sources: list[str] | None = None,
                  columns: set[str] | None = None, dates: bool = True, combine: bool = True) -> pa.Table:
    """Every standardized mention of ``kind`` under ``std_dir/<kind>/``, one table (columns missing
    in a source are null). ``columns`` limits what is read; date columns come along unless
    ``dates`` is False (they date a record for the golden records' recency). Without ``combine``
    each column keeps the chunks it was read in."""
    tables = []
    for f in _files(std_dir, kind, sources):
        pf, keep, few = _reader(f, columns, dates)
        tables.append(_plain(pf.read(columns=keep), few))
    tables = [t for t in tables if t.num_rows]
    if not tables:
        return pa.table({k: pa.array([], pa.string()) for k in _KEY})
    chunked = pa.concat_tables(tables, promote_options="permissive")
    del tables
    if not combine:
        return chunked
    # one contiguous array per column, each column's chunks freed as soon as it is copied: at most
    # one column is held twice (Table.combine_chunks holds the whole table twice)
    names, columns = chunked.column_names, []
    while chunked.num_columns:
        col = chunked.column(0)
        try:
            columns.append(col.combine_chunks())
        except pa.ArrowInvalid:  # over 2 GiB of text (a 10M city's addresses): 64-bit offsets
            columns.append(col.cast(pa.large_string()).combine_chunks())
        chunked = chunked.remove_column(0)
    return pa.Table.from_arrays(columns, names=names)


def count_mentions(std_dir: Path, kind: str, sources: list[str] | None = None) -> int:
    """How many mentions :func:`load_mentions` would return (from the files' footers)."""
    return sum(pq.ParquetFile(f).metadata.num_rows for f in _files(std_dir, kind, sources))


_PART_ROWS = 1 << 20  # mentions turned into features at a time: strings are held a part at a time


def iter_mentions(std_dir: Path, kind: str, sources: list[str] | None = None,
                  columns: set[str] | None = None, rows: int = _PART_ROWS):
    """The rows of :func:`load_mentions` as consecutive tables of at most ``rows`` rows."""
    for part in iter_parts(std_dir, kind, sources, columns, rows):
        yield part() if callable(part) else part


def iter_parts(std_dir: Path, kind: str, sources: list[str] | None = None,
               columns: set[str] | None = None, rows: int = _PART_ROWS):
    """The rows of :func:`load_mentions` as consecutive parts, each a function that reads it: runs
    of whole row groups of at most ``rows`` rows, which any thread may read (each opens the file
    for itself). A row group larger than ``rows`` is read here, in slices, and handed over read."""
    for f in _files(std_dir, kind, sources):
        meta = pq.ParquetFile(f).metadata
        _, keep, few = _reader(f, columns)
        run, size = [], 0
        for g in range(meta.num_row_groups):
            m = meta.row_group(g).num_rows
            if run and size + m > rows:
                yield _Part(f, run, size, keep, few)
                run, size = [], 0
            if m > rows:
                pf = pq.ParquetFile(f, read_dictionary=few)
                for batch in pf.iter_batches(batch_size=rows, row_groups=[g], columns=keep):
                    yield _plain(pa.Table.from_batches([batch]), few)
            elif m:
                run.append(g)
                size += m
        if run:
            yield _Part(f, run, size, keep, few)


@dataclass
class _Part:
    """Row groups ``groups`` of file ``f`` (``num_rows`` rows), read when called."""

    f: Path
    groups: list[int]
    num_rows: int
    keep: list[str]
    few: list[str]

    def __call__(self) -> pa.Table:
        t = pq.ParquetFile(self.f, read_dictionary=self.few).read_row_groups(self.groups, columns=self.keep)
        if t.num_rows != self.num_rows:
            raise ValueError(f"{self.f}: row groups {self.groups} hold {t.num_rows} rows, the footer said {self.num_rows}")
        return _plain(t, self.few)


def _in_order(parts: Iterable, fn: Callable, helper: Executor | None):
    """``fn(start, table)`` for each part (``start``: its first row), in order; with ``helper``,
    every other part is done there while this thread does the next. A part is a table or a
    :class:`_Part`, which is read where it is done."""
    def do(start, part):
        return fn(start, part() if callable(part) else part)
    start, ahead = 0, None
    for part in parts:
        at, start = start, start + part.num_rows
        if helper is None:
            yield do(at, part)
        elif ahead is None:
            ahead = helper.submit(do, at, part)
        else:
            mine = do(at, part)
            yield ahead.result()
            ahead = None
            yield mine
    if ahead is not None:
        yield ahead.result()


@dataclass
class KindResult:
    kind: str
    mentions: int
    labels: np.ndarray
    probability: np.ndarray
    identities: int
    model: Model | None
    report: dict


def _derive(feats: Features, cfg: KindConfig) -> None:
    for name, cols in cfg.derived.items():
        if name == "sex":  # 0 is "unknown" in both gender columns
            parts = []
            for c in cols:
                if c in feats.table.column_names:
                    col = feats.column(c).cast(pa.uint8())
                    parts.append(pc.if_else(pc.equal(col, 0), pa.scalar(None, pa.uint8()), col))
            value = pc.coalesce(*parts) if parts else pa.nulls(feats.n, pa.uint8())
            feats.table = feats.table.append_column(name, value)
        elif cols and cols[0] == "slice":
            _, col, start, stop = cols
            value = pc.utf8_slice_codeunits(feats.column(col).cast(pa.string()), start, stop)
            feats.table = feats.table.append_column(name, value)
        else:
            feats.coalesce(name, *cols)


def _usable(feats: Features, cfg: KindConfig) -> KindConfig:
    from dataclasses import replace

    def ok(cols):
        return all(feats.has(c) for c in cols)

    rules = tuple(r for r in cfg.rules if ok(r.columns))
    lsh = tuple(r for r in cfg.lsh if any(feats.has(c) for c in r.columns))
    det = tuple(r for r in cfg.deterministic if ok(r.columns))
    comps = tuple(c for c in cfg.comparisons if c.usable(feats))
    return replace(cfg, rules=rules, lsh=lsh, deterministic=det, comparisons=comps)


def _describe(feats: Features):
    t = feats.table
    name_col = "name" if "name" in t.column_names else ("address" if "address" in t.column_names else None)
    # stacked features keep no names, but the comparators' code points spell them
    cached = next((c for c in ("name_key", "company_key", "name", "address") if ("strings", c) in feats._cache), None)

    def describe(label: int) -> dict:
        d = {"example": f"{t.column('source')[label].as_py()}:{t.column('record_id')[label].as_py()}"}
        if name_col:
            d[name_col] = t.column(name_col)[label].as_py()
        elif cached:
            d[cached] = feats.strings(cached).row(label)
        return d

    return describe


_ENCODE = ("source", "role", "kind")  # kept per mention as dictionary codes, not strings


def _drop_foreign(t: pa.Table, foreign: np.ndarray, cols) -> pa.Table:
    mask = pa.array(foreign)
    for c in cols:
        if c in t.column_names:
            col = t.column(c)
            t = t.set_column(t.column_names.index(c), c, pc.if_else(mask, pa.scalar(None, col.type), col))
    return t


@dataclass
class Prepared:
    """A kind's mentions made ready to link: ``feats`` (stacked; its table holds the key columns),
    ``empty`` (mentions with nothing to compare), ``check`` (their place-alone hashes, or None)."""

    feats: Features
    empty: np.ndarray
    check: np.ndarray | None
    report: dict


def prepare(parts: Callable[[set[str]], Iterable], rows: int, cfg: KindConfig,
            stages: Stages | None = None, helper: Executor | None = None) -> Prepared | None:
    """Read a kind's ``rows`` mentions (``parts(columns)`` yields them as consecutive tables, or
    functions reading them: :func:`iter_parts`) into the arrays linking reads (None when there are
    none). Strong identifiers are verified first (a pass over the name, birth date and identifier
    columns); identifiers found to be someone else's are dropped as each part is read again for
    the rest. What the first pass computed from columns the drop leaves alone (the name's codes,
    code points and readings) is kept, not computed again. With ``helper`` (an idle thread whose
    kernels may run beside this one's), every other part is read and computed there."""
    stages = stages or Stages()
    kind = cfg.kind
    report: dict = {}
    foreign = None
    reuse: dict = {}
    if cfg.verify and cfg.cannot_link:
        def verify():
            req = _verify_requests(cfg)
            st = Stacker(rows)

            def part(_, t):
                f = Features(t)
                for r in req:
                    f.fetch(r)
                return f.thin([])
            for f in _in_order(parts(_request_columns(req)), part, helper):
                st.add(f)
                del f
            vf = st.finish()
            wanted = feature_requests(cfg)
            untouched = {r for r in vf._cache if r in wanted
                         and not (_request_columns({r}) & (set(cfg.verify_drop) | set(cfg.derived)))}
            return verify_strong(vf, cfg, cfg.cannot_link), {r: vf._cache[r] for r in untouched}
        foreign, reuse = stages.run(f"{kind}: verify strong keys", verify)
        release_heap_holes()
        report["not_own_identifier"] = int(foreign.sum())

    def load():
        req = feature_requests(cfg) - set(reuse)
        keep = [*_KEY, *([cfg.cannot_link_q] if cfg.cannot_link_q else [])]
        st = Stacker(rows, tuple(keep), _ENCODE)
        empty, check = [], []

        def part(start, t):
            e = _empty(t, cfg)
            c = hash_strings(Features(t).column(cfg.place_alone_by).cast(pa.string())) if cfg.place_alone_by else None
            if foreign is not None:
                mine = foreign[start:start + t.num_rows]
                if mine.any():
                    t = _drop_foreign(t, mine, cfg.verify_drop)
            f = Features(t)
            _derive(f, cfg)
            for r in req:
                f.fetch(r)
            return f.thin(keep), e, c
        for f, e, c in _in_order(parts(link_columns(cfg)), part, helper):
            st.add(f)
            empty.append(e)
            if c is not None:
                check.append(c)
            del f
        feats = st.finish()
        release_heap_holes()  # (the parts' pieces, freed as they were joined)
        feats._cache.update(reuse)
        return Prepared(feats, np.concatenate(empty), np.concatenate(check) if check else None, report)

    return stages.run(f"{kind}: load", load) if rows else None


def link_kind(table: pa.Table, cfg: KindConfig, *, model: Model | None = None, seed: int = 1,
              stages: Stages | None = None, out: Path | None = None) -> KindResult:
    """Link the mentions of one kind (rows of ``table``); labels[i] = smallest row of i's identity."""
    stages = stages or Stages()
    prep = prepare(lambda columns: [table], table.num_rows, cfg, stages)
    if prep is None:
        return KindResult(cfg.kind, 0, np.zeros(0, np.int64), np.zeros(0, np.float32), 0, model, {"mentions": 0})
    return link_prepared(prep, cfg, model=model, seed=seed, stages=stages, out=out)


def strong_components(feats: Features, cfg: KindConfig, stages: Stages | None = None):
    """(cannot-link value per mention, component label, refused per mention, keyed mask, the
    edges) of the strong keys' star edges under cannot-link: what blocking starts from."""
    cannot = _cannot(feats, cfg)
    s_left, s_right = (stages or Stages()).run(f"{cfg.kind}: strong keys", strong_edges, feats, cfg,
                                                cfg.deterministic)
    label, refused = cluster(feats.n, s_left, s_right, cannot)
    keyed = np.zeros(feats.n, bool)
    for col in cfg.strong:
        if feats.has(col):
            keyed |= feats.codes(col) != 0
    return cannot, label, refused, keyed, (s_left, s_right)


def link_prepared(prep: Prepared, cfg: KindConfig, *, model: Model | None = None, seed: int = 1,
                  stages: Stages | None = None, out: Path | None = None, helper: Executor | None = None) -> KindResult:
    """Link a kind's prepared mentions (:func:`prepare`); with ``helper`` (an idle thread whose
    kernels may run beside this one's) the model is trained there while pairs are blocked."""
    stages = stages or Stages()
    kind = cfg.kind
    rng = np.random.default_rng(seed)
    feats = prep.feats
    report: dict = {"mentions": feats.n, **prep.report}
    cfg = _usable(feats, cfg)
    n = feats.n

    # strong keys: star edges, then the components they make
    cannot, label1, refused1, keyed, (s_left, s_right) = strong_components(feats, cfg, stages)
    report["strong_edges"] = len(s_left)
    report["strong_refused"] = int(refused1.sum())

    # training reads only the features (its own sample of blocks, random pairs), so with a
    # ``helper`` thread it runs beside blocking; without one, its sample of block pairs comes from
    # blocking's groups (the same draws: one sort per rule, not two)
    comps = list(cfg.comparisons)
    fitting = sample = None
    if model is None and comps:
        def fit_on(u, tl, tr):
            gamma = compute_levels(feats, comps, tl, tr)
            return train(kind, comps, gamma, u, threshold=cfg.threshold)

        def fit():
            u = estimate_u(feats, comps, rng, cfg.u_pairs)
            return fit_on(u, *training_pairs(feats, cfg, rng))
        if helper is not None:
            fitting = helper.submit(stages.run, f"{kind}: train (u, EM)", fit)
        else:
            u = stages.run(f"{kind}: train (u)", estimate_u, feats, comps, rng, cfg.u_pairs)
            sample = TrainingSample(cfg, rng)

    # blocking
    ck1 = component_keys(label1, cannot)
    left, right, tag, rstats = stages.run(f"{kind}: blocking", candidate_pairs, feats, cfg, label1, keyed,
                                          ck1, sample)
    report["blocking"] = [s.as_dict() for s in rstats]
    report["candidate_pairs"] = len(left)

    if model is None and comps:
        model = fitting.result() if fitting is not None else \
            stages.run(f"{kind}: train (EM)", fit_on, u, *sample.pairs())
        sample = None
    elif model is not None:
        if model.kind != kind:
            raise ValueError(f"model is for kind {model.kind!r}, not {kind!r}")
        comps = list(model.comparisons)
    # what only blocking and training read (the ID number's halves, a birth date's code, LSH
    # bands) is freed before pairs are compared
    still = set().union(*(reads(c) for c in comps)) | {("codes", c.tf) for c in comps if c.tf}
    for key in [k for k in feats._cache if k[0] in ("codes", "bands") and k not in still]:
        del feats._cache[key]

    # compare (in chunks: bounded temporaries), fit the scoring pool's prior, score chunk by chunk
    # keeping what passes (weights are 4 bytes per pair and attribute: the big city's tens of
    # millions of candidates would hold gigabytes of them)
    candidates = [left, right]  # (score frees them once it holds the pairs above the threshold)
    del left, right

    def score():
        left, right = candidates
        candidates.clear()
        gamma = np.empty((len(left), len(comps)), np.uint8)
        for s in range(0, len(left), _PAIR_CHUNK):
            gamma[s:s + _PAIR_CHUNK] = compute_levels(feats, comps, left[s:s + _PAIR_CHUNK], right[s:s + _PAIR_CHUNK])
        prior = model.fit_prior(gamma)
        tf_of = {}
        for c in comps:
            if c.tf and feats.has(c.tf):
                counts = feats.counts(c.tf)
                tf_of[c.name] = (feats.dense(c.tf), counts / max(1, counts[1:].sum()))
        kept, vetoes, near = [], 0, 0
        tf_codes = [tf_of.get(c.name) for c in comps]
        for s in range(0, len(left), _PAIR_CHUNK):
            sl = slice(s, s + _PAIR_CHUNK)
            g, lt = gamma[sl], left[sl]
            # (the codes are the features' dense codes, their frequencies counted from the same
            # codes, the levels this run's: in range by construction, not scanned again per chunk)
            total_w, prob = model.score_levels(g, prior, tf_codes, lt, check=False)
            vetoed = _vetoes(cfg, comps, g)
            vetoed |= _lacking(cfg, comps, g)
            if cfg.keyless_vetoes:
                keyless = (cannot[lt] == 0) & (cannot[right[sl]] == 0)
                vetoed |= keyless & _vetoes(cfg, comps, g, [(a, lv, None, None) for a, lv in cfg.keyless_vetoes])
            vetoes += int(vetoed.sum())
            near += int((np.abs(prob - model.threshold) < 0.05).sum())
            ok = np.flatnonzero((prob >= model.threshold) & ~vetoed)
            kept.append((ok + s, total_w[ok], prob[ok]))
        report["vetoed_pairs"] = vetoes
        report["scoring_prior"] = prior
        ok = np.concatenate([k[0] for k in kept])
        mw, mp = np.concatenate([k[1] for k in kept]), np.concatenate([k[2] for k in kept])
        del kept
        report["pairs_above_threshold"] = len(ok)
        # a keyless mention matching two keyed identities alike joins neither; decided before the
        # evidence is computed: most of a big city's entity pairs go (40M of 44M at 10M persons)
        ml, mr = left[ok], right[ok]
        del left, right
        drop = ambiguous_pairs(ml, mr, mw, ~keyed, ck1[label1], cfg.margin)
        report["ambiguous_pairs_dropped"] = int(drop.sum())
        if drop.any():
            keep = ~drop
            ok, ml, mr, mw, mp = ok[keep], ml[keep], mr[keep], mw[keep], mp[keep]
        del drop
        mg = gamma[ok]
        del gamma
        # per-attribute weights (the evidence) only for the pairs kept
        mwt = np.empty(mg.shape, np.float32)
        for s in range(0, len(ok), _PAIR_CHUNK):
            sl = slice(s, s + _PAIR_CHUNK)
            mwt[sl] = model.weights(mg[sl], [t[1][t[0][ml[sl]]] if t is not None else None for t in tf_codes])
        return ml, mr, mw, mp, mg, mwt, tag[ok], near

    if model is not None and report["candidate_pairs"]:
        ml, mr, mw, mp, mg, mwt, mtag, near = stages.run(f"{kind}: compare + score", score)
    else:
        ml = mr = np.empty(0, np.int64)
        mw = mp = np.empty(0, np.float32)
        mg = mwt = np.empty((0, len(comps)), np.float32)
        mtag = np.empty(0, np.uint8)
        near = 0
        report["pairs_above_threshold"] = report["ambiguous_pairs_dropped"] = 0
    report["pairs_near_threshold"] = near

    def final():
        order = np.argsort(-mw, kind="stable")
        el = np.concatenate([s_left, ml[order]])
        er = np.concatenate([s_right, mr[order]])
        labels, refused = cluster(n, el, er, cannot)
        return labels, order, refused[len(s_left):]

    labels, order, refused_scored = stages.run(f"{kind}: cluster", final)
    report["refused_by_cannot_link"] = int(refused_scored.sum())

    prob = np.full(n, np.nan, np.float32)
    sizes = np.bincount(labels, minlength=n) if n else np.zeros(0, np.int64)
    if len(ml):
        okp = mp[order][~refused_scored]
        okl, okr = ml[order][~refused_scored], mr[order][~refused_scored]
        np.fmax.at(prob, okl, okp)
        np.fmax.at(prob, okr, okp)
    in_strong = np.zeros(n, bool)
    in_strong[s_left] = True
    in_strong[s_right] = True
    prob[in_strong & (sizes[labels] > 1)] = 1.0
    report["clusters"] = diagnostics(labels, _describe(feats))
    if out is not None and model is not None:
        model.save(out / f"model_{kind}.json")
        _write_evidence(out / f"evidence_{kind}.parquet", feats, comps, rstats, ml[order], mr[order], mw[order],
                        mp[order], mg[order], mwt[order], mtag[order], refused_scored)
    identities = int((sizes > 0).sum())
    return KindResult(kind, n, labels, prob, identities, model, report)


def _cannot(feats: Features, cfg: KindConfig) -> np.ndarray:
    """Per mention, its cannot-link value (uint64, 0 none)."""
    if not cfg.cannot_link or not feats.has(cfg.cannot_link):
        return np.zeros(feats.n, np.uint64)
    cannot = feats.codes(cfg.cannot_link).astype(np.uint64)
    if cfg.cannot_link_q and cfg.cannot_link_q in feats.table.column_names:
        q = feats.column(cfg.cannot_link_q).fill_null(255).to_numpy(zero_copy_only=False)
        cannot = np.where(q == 0, cannot, np.uint64(0))
    if cfg.cannot_link_min > 1:
        dense = feats.dense(cfg.cannot_link)
        cannot = np.where(feats.counts(cfg.cannot_link)[dense] >= cfg.cannot_link_min, cannot, np.uint64(0))
    return cannot


def _lacking(cfg: KindConfig, comps, gamma: np.ndarray) -> np.ndarray:
    """Pairs that agree on none of ``cfg.require_any`` (False everywhere when it is empty)."""
    index = {c.name: j for j, c in enumerate(comps)}
    need = [(index[a], comps[index[a]].levels.index(lv)) for a, lv in cfg.require_any if a in index]
    if not need:
        return np.zeros(len(gamma), bool)
    ok = np.zeros(len(gamma), bool)
    for j, lo in need:
        ok |= gamma[:, j] >= lo
    return ~ok


def _vetoes(cfg: KindConfig, comps, gamma: np.ndarray, rules=None) -> np.ndarray:
    """Pairs a configured veto rejects whatever their weight (a birth date that disagrees)."""
    out = np.zeros(len(gamma), bool)
    index = {c.name: j for j, c in enumerate(comps)}
    for attr, levels, unless, min_level in (cfg.vetoes if rules is None else rules):
        if attr not in index:
            continue
        j = index[attr]
        bad = np.isin(gamma[:, j], [comps[j].levels.index(x) for x in levels])
        if unless is not None and unless in index:
            k = index[unless]
            bad &= gamma[:, k] < comps[k].levels.index(min_level)
        out |= bad
    return out


def population_prior(feats: Features, cfg: KindConfig) -> float | None:
    """λ, the chance that two random mentions are one identity, from the strong key (Splink's
    "probability two random records match" by a deterministic rule): pairs sharing a key over all
    pairs of keyed mentions. None without a strong key. Candidate pairs are scored against this
    prior, not against the candidates' own match rate, which blocking has pushed near 1 and which
    would let a disagreeing birth date through."""
    if not cfg.cannot_link or not feats.has(cfg.cannot_link):
        return None
    counts = feats.counts(cfg.cannot_link)[1:].astype(np.float64)
    keyed = counts.sum()
    if keyed < 2:
        return None
    same = float((counts * (counts - 1) / 2).sum())
    return max(same / (keyed * (keyed - 1) / 2), 1e-12)


def _empty(table: pa.Table, cfg: KindConfig) -> np.ndarray:
    """Mentions with nothing any comparison or strong key could read."""
    cols = {c for comp in cfg.comparisons for c in comp.columns} | set(cfg.strong)
    cols = [c for c in cols if c in table.column_names]
    if not cols:
        return np.zeros(table.num_rows, bool)
    empty = np.ones(table.num_rows, bool)
    for c in cols:
        empty &= table.column(c).is_null().to_numpy(zero_copy_only=False)
    return empty


def _write_evidence(path, feats, comps, rstats, l, r, w, p, g, wt, tag, refused) -> None:
    t = feats.table

    def at(col, rows):
        return _str(t.column(col).take(pa.array(rows)))

    rule_names = np.array([s.name for s in rstats] or [""], dtype=object)
    cols = {
        "left_source": at("source", l), "left_record_id": at("record_id", l), "left_role": at("role", l),
        "right_source": at("source", r), "right_record_id": at("record_id", r), "right_role": at("role", r),
        "rule": pa.array(rule_names[tag] if len(tag) else [], pa.string()),
        "weight": pa.array(w), "match_probability": pa.array(p), "refused": pa.array(refused),
    }
    for j, c in enumerate(comps):
        names = np.array(c.levels, dtype=object)
        cols[f"{c.name}_level"] = pa.array(names[g[:, j]] if len(g) else [], pa.string())
        cols[f"{c.name}_weight"] = pa.array(wt[:, j])
    pq.write_table(pa.table(cols), path)


@dataclass
class LinkResult:
    out: Path
    kinds: dict
    seconds: float
    peak_rss_mb: float
    report: dict


def link(specs: list[SourceSpec], out: str | Path, *, standardized: str | Path | None = None,
         kinds: tuple[str, ...] = KINDS, models: dict[str, Model] | None = None,
         configs: dict[str, KindConfig] | None = None, survivorship: tuple[str, ...] = ("trust", "frequency", "recency"),
         progress: Callable[[str], None] | None = None, batch_size: int | None = None, seed: int = 1,
         concurrent: bool = True) -> LinkResult:
    """Link every kind of ``specs``' mentions; write the outputs the module docstring lists.

    With ``concurrent`` (and a thread-safe Numba threading layer), the kinds after the first are
    loaded and linked on a worker thread while the first (persons, the largest) is linked on this
    one, when their arrays fit in memory side by side; golden records and the assignments file are
    then built there while mentions are placed and relations built here. When they do not fit,
    the kinds are linked one after another, each part of their mentions read on two threads, the
    first kind's golden records built on the worker once the second is linked, the assignments
    and the smaller kinds' golden records there while relations are built here, and the largest
    kind's here after them. Most stages are single-threaded NumPy and Arrow glue, so the second
    core would otherwise idle.
    Kinds are independent until mentions are placed by relations, which runs in kind order here;
    the results do not depend on ``concurrent``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    stages = Stages(progress=progress)
    report: dict = {"sources": [s.name for s in specs], "kinds": {}}
    if standardized is None:
        from ..standardize.run import standardize_sources
        std_dir = out / "standardized"
        kw = {"batch_size": batch_size} if batch_size else {}
        res = stages.run("standardize", standardize_sources, specs, std_dir, **kw)
        report["standardize"] = {"rows": res.rows, "mentions": res.mentions, "rejected": res.rejected}
    else:
        std_dir = Path(standardized)
    names = [s.name for s in specs]
    trust = {s.name: s.trust for s in specs}
    cfgs = {kind: (configs or {}).get(kind) or default_config(kind, specs) for kind in kinds}

    def load_and_link(kind: str, helper: Executor | None = None, reader: Executor | None = None):
        """(the mentions' key columns, result, mentions with nothing to compare, their place-alone
        hashes): a kind's strings are read part by part into the arrays linking reads (every other
        part on ``reader``), and freed with them when it is linked."""
        cfg = cfgs[kind]
        prep = prepare(lambda columns: iter_parts(std_dir, kind, names, columns),
                       count_mentions(std_dir, kind, names), cfg, stages, helper=reader)
        if prep is None:
            return None, None, None, None
        res = link_prepared(prep, cfg, model=(models or {}).get(kind), seed=seed, stages=stages, out=out,
                            helper=helper)
        return prep.feats.table, res, prep.empty, prep.check

    sizes = {kind: count_mentions(std_dir, kind, names) for kind in kinds}
    fits = _side_by_side_fits(sum(sizes.values()))
    report["mentions_per_kind"] = sizes
    pool = ThreadPoolExecutor(1, initializer=one_kernel_thread) if concurrent and threadsafe_kernels() else None
    # linking kinds side by side needs their arrays at once; the outputs after linking are small
    # enough to share the cores at any size
    side_by_side = pool is not None and fits and len(kinds) > 1
    if not fits:
        # kept freed blocks would add gigabytes to a peak already near the machine's memory
        report["memory_handed_back"] = hand_back_freed_memory()
    if pool is not None and not fits:
        report["concurrent_skipped"] = "the kinds' arrays would not fit in memory side by side: linked one " \
                                       "after another (each part read on two threads, the first kind's golden " \
                                       "records built once the second is linked), the other outputs beside and " \
                                       "after relations"
    def write_golden(kind, codes, ids):
        """``golden_<kind>.parquet`` from the kind's identity codes (``ids`` names them)."""
        def build():  # the attributes are read again, one at a time, the linking arrays freed
            def read(columns, dates=False):  # (chunks as read: a column is never held twice)
                return load_mentions(std_dir, kind, names, columns, dates, combine=False)
            return golden_records_coded(read, codes, ids, kind, trust, survivorship)
        pq.write_table(stages.run(f"{kind}: golden records", build), out / f"golden_{kind}.parquet")

    early = None  # (the first kind's golden records, when started before the others are linked)
    try:
        if side_by_side:
            later = [pool.submit(load_and_link, kind) for kind in kinds[1:]]  # one after another
            # the first kind trains beside its blocking, by when the others are mostly linked
            with ThreadPoolExecutor(1, initializer=one_kernel_thread) as helper:
                first = load_and_link(kinds[0], helper)
            linked = [first] + [f.result() for f in later]
            del first
        elif pool is not None:
            # one kind after another, every other part read on a helper thread; the first kind's
            # identities are final once it is linked (relations place mentions only into later
            # kinds), so the worker builds its golden records while the others are linked: from
            # when the second is linked (beside its scoring they made the 10M city's peak, 19.4 GB)
            linked = []
            with ThreadPoolExecutor(1, initializer=one_kernel_thread) as reader:
                for i, kind in enumerate(kinds):
                    linked.append(load_and_link(kind, reader=reader))
                    if early is None and linked[0][1] is not None and (i >= 1 or len(kinds) == 1):
                        first = kinds[0]
                        alone = IdNames({first: linked[0][1].labels})  # (its ids as numbered with all)
                        early = pool.submit(write_golden, first, alone.dense[first], alone)
                        del alone
        else:
            linked = [load_and_link(kind) for kind in kinds]

        results: dict[str, KindResult] = {}
        done = [(kind, *x) for kind, x in zip(kinds, linked) if x[1] is not None]
        del linked
        # from here on mentions are integer codes: identities numbered in id order across kinds,
        # records numbered per source across kinds, source and role by name (strings are built
        # only for the files written)
        idn = IdNames({kind: res.labels for kind, _, res, _, _ in done})
        coded = stages.run("number records and identities", _code_kinds, idn, done, specs)

        golden: list = []
        for kind, table, res, empty, check in done:
            results[kind] = res
            report["kinds"][kind] = res.report
            lonely = None
            if check is not None:
                sizes = np.bincount(res.labels, minlength=len(res.labels))
                lonely = (sizes[res.labels] == 1) & (check != 0)
            if empty.any() or (lonely is not None and lonely.any()):
                prior = {k: coded[k] for k, *_ in done[:[d[0] for d in done].index(kind)]}
                codes, placed = stages.run(f"{kind}: place mentions by relations", place_by_relations,
                                           coded[kind], prior, empty, specs, kind, lonely, check)
                coded[kind].ident = codes
                res.report["blank_mentions"] = int(empty.sum())
                res.report["alone_mentions"] = int(lonely.sum()) if lonely is not None else 0
                res.report["placed_by_relations"] = placed
                res.identities = int((np.bincount(codes - idn.offset[kind]) > 0).sum()) if len(codes) else 0
            # golden records need only this kind's identity codes: the worker builds them while
            # this thread places the next kind's mentions
            if early is not None and kind == kinds[0]:
                golden.append((early,))  # (started: only waited for)
                continue
            golden.append((write_golden, (kind, coded[kind].ident, idn)))
            if side_by_side:
                golden[-1] = (pool.submit(write_golden, kind, coded[kind].ident, idn), *golden[-1])
        empty = check = lonely = prior = codes = None
        keys = [(kind, table, res.probability, coded[kind].ident) for kind, table, res, _, _ in done]
        del done
        jobs = [*golden, (stages.run, ("write assignments", _write_assignments, keys, idn, out / "assignments.parquet"))]
        del golden, keys
        if side_by_side:
            jobs[-1] = (pool.submit(stages.run, *jobs[-1][1]), *jobs[-1])
        elif pool is not None:
            # a city too big to link its kinds side by side: beside relations the worker writes
            # the assignments, then the golden records of every kind but the largest left, which
            # this thread builds after relations (the largest beside placement and relations took
            # the 10M city past 24 GB)
            *waits, (fn, args) = jobs
            rest = sorted((job for job in waits if len(job) == 2), key=lambda job: -len(job[1][1]))
            jobs = [*(job for job in waits if len(job) == 1),
                    *((pool.submit(f, *a), f, a) for f, a in [(fn, args), *rest[1:]]), *rest[:1]]
            del waits, rest, fn, args
        rel = stages.run("relations", relations_coded, coded, specs, idn)
        del coded
        report["relations"] = {d["values"]: d["counts"] for d in pc.value_counts(rel.column("relation")).to_pylist()}
        # the file is written by whichever thread is free first (at 10M, 17 s the worker had
        # spare while this one built the largest golden records): queued last, taken here last
        write_rel = (pq.write_table, (rel, out / "relations.parquet"))
        jobs.insert(0, (pool.submit(write_rel[0], *write_rel[1]), *write_rel) if pool is not None else write_rel)
        del rel, write_rel  # (the jobs hold what they still need)
        # the worker runs its queue in order: this thread takes what it has not started, last
        # first, dropping each job once run (its arguments: the mentions' keys, a kind's codes);
        # a job of the future alone was started early and is only waited for
        pending = []
        while jobs:
            job = jobs.pop()
            if len(job) == 2 or (len(job) == 3 and job[0].cancel()):
                job[-2](*job[-1])
            else:
                pending.append(job[0])
            del job
        for f in pending:
            f.result()  # (re-raises a worker's error)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    seconds = time.perf_counter() - t0
    report["stages"] = stages.rows
    report["concurrent"] = pool is not None
    report["kinds_side_by_side"] = side_by_side
    report["arrow_memory_pool"] = pa.default_memory_pool().backend_name
    report["seconds"] = round(seconds, 3)
    report["peak_rss_mb"] = round(_peak_mb(), 1)
    report["identities"] = {k: r.identities for k, r in results.items()}
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n",
                                     encoding="utf-8")
    return LinkResult(out, results, seconds, _peak_mb(), report)


# what linking holds per mention at its peak, all kinds side by side (the 1M-person city: 4.4 GB
# for 9.2M mentions), rounded up
_BYTES_PER_MENTION = 500


def _side_by_side_fits(mentions: int) -> bool:
    """Whether kinds may be linked side by side: their estimated peak within half the memory."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return True
    return mentions * _BYTES_PER_MENTION <= memory // 2


def _str(col):
    """A dictionary-encoded key column as plain strings (what the evidence holds)."""
    return col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col


def _few(col) -> pa.Array:
    """A key column of few values as a dictionary<int16, string> array."""
    col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if not pa.types.is_dictionary(col.type):
        col = pc.dictionary_encode(col.cast(pa.string()))
    return col.cast(pa.dictionary(pa.int16(), pa.string()))


class IdNames:
    """Identity codes and their ``P000001``-style ids. A kind's identities are numbered in order
    of their first mention; its ids share one width, so with the kinds laid out in prefix order,
    code order is id-string order and ids sort and compare as integers."""

    def __init__(self, labels: dict[str, np.ndarray]):
        self.dense: dict[str, np.ndarray] = {}
        self.offset: dict[str, int] = {}
        self.spec: dict[str, tuple[int, int, str, int]] = {}  # (offset, count, prefix, width), by prefix
        prefix = {kind: _PREFIX.get(kind, kind[:1].upper()) for kind in labels}
        if len(set(prefix.values())) < len(prefix):
            raise ValueError(f"kinds share an id prefix: {prefix}")
        at = 0
        for kind in sorted(labels, key=prefix.get):
            lab = labels[kind]
            mark = np.zeros(len(lab), np.int64)
            mark[lab] = 1
            count = int(mark.sum())
            self.dense[kind] = ((np.cumsum(mark) - 1)[lab] + at).astype(np.int64)
            self.offset[kind] = at
            self.spec[kind] = (at, count, prefix[kind], max(6, len(str(len(lab)))))
            at += count
        self.size = at

    def names(self, kind: str) -> pa.Array:
        """Every id of ``kind``, in code order."""
        at, count, _, _ = self.spec[kind]
        return self(np.arange(at, at + count, dtype=np.int64))

    def __call__(self, codes: np.ndarray) -> pa.Array:
        """The ids of ``codes`` (-1: null)."""
        codes = np.asarray(codes, np.int64)
        out = pa.nulls(len(codes), pa.string())
        starts = np.array([x[0] for x in self.spec.values()] + [self.size])
        which = np.searchsorted(starts, codes, "right") - 1
        pieces, rows = [], []
        for i, (at, _, prefix, width) in enumerate(self.spec.values()):
            r = np.flatnonzero((which == i) & (codes >= 0))
            if len(r):
                numbers = pc.cast(pa.array(codes[r] - at + 1), pa.string())
                pieces.append(pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width, "0"), ""))
                rows.append(r)
        if not pieces:
            return out
        r = np.concatenate(rows)
        if len(r) == len(codes) and len(pieces) == 1:
            return pieces[0]
        back = np.full(len(codes), -1, np.int64)  # row -> its place among the pieces
        back[r] = np.arange(len(r))
        return pa.concat_arrays(pieces).take(pa.array(back, mask=back < 0))


def _code_kinds(idn: IdNames, done: list, specs: list[SourceSpec]) -> dict[str, Coded]:
    """Each linked kind's mentions as :class:`Coded` (records numbered together across kinds)."""
    sources, roles = vocabulary(specs)
    src = [code_names(table.column("source"), sources) for _, table, *_ in done]
    recs = record_codes(src, [table.column("record_id") for _, table, *_ in done], len(sources))
    return {kind: Coded(s, code_names(table.column("role"), roles), r, idn.dense[kind], sources, roles)
            for (kind, table, *_), s, r in zip(done, src, recs)}


_ASSIGN_ROWS = 1 << 21  # rows of assignments built and written at a time


def _write_assignments(keys: list, idn: IdNames, path: Path) -> None:
    """``assignments.parquet``: per kind (in link order), its mentions' keys, identity ids and
    match probabilities, built and written a slice at a time. Each kind's ids are made once and
    taken by code."""
    # source, role and kind go in as the dictionaries they are held as: Parquet stores them so
    # anyway, and without the Arrow schema readers get plain strings (casting first cost seconds)
    few = pa.dictionary(pa.int16(), pa.string())
    schema = pa.schema([("source", few), ("record_id", pa.string()), ("role", few), ("kind", few),
                        ("identity_id", pa.string()), ("match_probability", pa.float32())])
    with pq.ParquetWriter(path, schema, store_schema=False, use_dictionary=["source", "role", "kind"]) as w:
        while keys:
            kind, table, prob, codes = keys.pop(0)
            names = idn.names(kind)
            local = codes - idn.offset[kind]
            for s in range(0, table.num_rows, _ASSIGN_ROWS):
                t = table.slice(s, _ASSIGN_ROWS)
                p = prob[s:s + _ASSIGN_ROWS]
                w.write_table(pa.table({
                    "source": _few(t.column("source")), "record_id": t.column("record_id"),
                    "role": _few(t.column("role")), "kind": _few(t.column("kind")),
                    "identity_id": names.take(pa.array(local[s:s + _ASSIGN_ROWS])),
                    "match_probability": pa.array(p, pa.float32(), mask=np.isnan(p)),
                }, schema=schema))
            del kind, table, prob, codes, names, local
