"""Identity-level outputs: relations between identities and golden records.

**Relations.** A spec's ``[[relation]]`` joins two mentions of one record (the guardian and the
student of a school record); mapped through the assignments, it becomes an edge between two
identities. Edges are counted once per (relation, from, to), with the sources and the number of
records that support them.

**Golden records.** For every identity and attribute, the surviving value is chosen among its
mentions' non-null values by the ``survivorship`` criteria in order: ``trust`` (the highest source
trust among the mentions carrying the value), ``frequency`` (how many mentions carry it),
``recency`` (the latest date any carrying record holds, among its non-birth date columns). Ties
fall to the value seen first (lowest mention row), so the choice is deterministic.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from weft.core import blocking as B
from weft.core import hashing as H
from weft.core.select import best_per_group

from ..arrow import as_array, hash_strings
from ..specs import SourceSpec

__all__ = ["CRITERIA", "GOLDEN", "golden_columns", "golden_records", "golden_records_read", "infer_from_relations",
           "relations"]

CRITERIA = ("trust", "frequency", "recency")

# attribute -> the standardized column it survives from, per kind
GOLDEN = {
    "person": {"name": "name", "id_number": "id_number", "birth_date": ("birth_date", "id_birth_date"),
               "gender": ("gender", "id_gender"), "phone": "phone",
               "address": "address", "hukou_address": "hukou_address"},
    "entity": {"name": "name", "uscc": "uscc", "org_code": "uscc_org_code", "reg_no": "reg_no", "address": "address"},
    "house": {"house_code": "house_code", "address": "address", "district": "addr_district"},
}
_NOT_RECENCY = {"birth_date", "id_birth_date", "dob"}


def golden_columns(kind: str) -> set[str]:
    """The standardized columns :func:`golden_records` reads for ``kind`` (besides date columns)."""
    cols = {"source"}
    for g in GOLDEN.get(kind, {}).values():
        cols.update(g if isinstance(g, tuple) else (g,))
    return cols


_RELATION_SCHEMA = pa.schema([("relation", pa.string()), ("from_kind", pa.string()), ("from_id", pa.string()),
                              ("to_kind", pa.string()), ("to_id", pa.string()), ("sources", pa.list_(pa.string())),
                              ("records", pa.int64())])


def _ranked_codes(col) -> tuple[np.ndarray, pa.Array]:
    """(rank of each row's value in sorted order, null last; the sorted distinct values): integer
    codes whose order is the strings' order."""
    col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    enc = pc.dictionary_encode(col)
    order = pc.sort_indices(enc.dictionary).to_numpy()
    rank = np.empty(len(order) + 1, np.int64)
    rank[order] = np.arange(len(order))
    rank[-1] = len(order)  # null
    idx = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return rank[idx], enc.dictionary.take(pa.array(order))


def _join_on(rec_a: np.ndarray, rec_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with ``rec_a[i] == rec_b[j]`` (an inner join of two integer key columns)."""
    ob = np.argsort(rec_b, kind="stable")
    sb = rec_b[ob]
    lo = np.searchsorted(sb, rec_a, "left")
    hi = np.searchsorted(sb, rec_a, "right")
    cnt = hi - lo
    ia = np.repeat(np.arange(len(rec_a)), cnt)
    start = np.repeat(lo - np.cumsum(cnt) + cnt, cnt)
    return ia, ob[start + np.arange(len(ia))]


def relations(assign: pa.Table, specs: list[SourceSpec]) -> pa.Table:
    """Identity edges from the specs' relations, counted once per (relation, from, to), sorted by
    those keys, each with its sources (A-Z) and number of records. Integer codes throughout: the
    strings are looked up once per distinct value, not joined and grouped row by row."""
    wanted = [s for s in specs if s.relations]
    if not wanted or assign.num_rows == 0:
        return _RELATION_SCHEMA.empty_table()
    source = assign.column("source")
    src_code, src_names = _ranked_codes(source)
    role_code, role_names = _ranked_codes(assign.column("role"))
    ident, ident_names = _ranked_codes(assign.column("identity_id"))
    src_of = {v: k for k, v in enumerate(src_names.to_pylist())}
    role_of = {v: k for k, v in enumerate(role_names.to_pylist())}
    record_id = assign.column("record_id")

    triples: list[tuple[str, str, str]] = []  # (relation, from_kind, to_kind)
    parts: list[tuple[np.ndarray, ...]] = []
    for spec in wanted:
        if spec.name not in src_of:
            continue
        rows = np.flatnonzero(src_code == src_of[spec.name])
        rec = pc.dictionary_encode(record_id.take(pa.array(rows)).combine_chunks()).indices
        rec = rec.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        roles = role_code[rows]
        kind_of = {m.role: m.kind for m in spec.mentions}
        for rel in spec.relations:
            if rel.from_role not in role_of or rel.to_role not in role_of:
                continue
            a = np.flatnonzero((roles == role_of[rel.from_role]) & (rec >= 0))
            b = np.flatnonzero((roles == role_of[rel.to_role]) & (rec >= 0))
            ia, ib = _join_on(rec[a], rec[b])
            if not len(ia):
                continue
            t = (rel.type, kind_of[rel.from_role], kind_of[rel.to_role])
            if t not in triples:
                triples.append(t)
            k = np.full(len(ia), triples.index(t), np.int64)
            parts.append((k, ident[rows[a[ia]]], ident[rows[b[ib]]], np.full(len(ia), src_of[spec.name], np.int64)))
    if not parts:
        return _RELATION_SCHEMA.empty_table()
    trip, frm, to, src = (np.concatenate(x) for x in zip(*parts))
    head = np.unique([t[:2] for t in triples], axis=0, return_inverse=True)[1].ravel()  # (relation, from_kind)
    tail = np.unique([t[2] for t in triples], return_inverse=True)[1]
    m = len(ident_names) + 1
    # two int64 keys: (relation, from_kind, from_id) and (to_kind, to_id, source)
    o = np.lexsort((((tail[trip] * m) + to) * len(src_names) + src, head[trip] * m + frm))
    trip, frm, to, src = trip[o], frm[o], to[o], src[o]
    new_edge = np.ones(len(o), bool)
    new_edge[1:] = (trip[1:] != trip[:-1]) | (frm[1:] != frm[:-1]) | (to[1:] != to[:-1])
    new_src = new_edge.copy()
    new_src[1:] |= src[1:] != src[:-1]
    edge = np.flatnonzero(new_edge)
    records = np.diff(np.append(edge, len(o)))
    src_rows = np.flatnonzero(new_src)
    offsets = np.searchsorted(src_rows, np.append(edge, len(o))).astype(np.int32)
    sources = pa.ListArray.from_arrays(pa.array(offsets), src_names.take(pa.array(src[src_rows])))
    names = [pa.array([t[j] for t in triples], pa.string()) for j in range(3)]
    te = pa.array(trip[edge])

    def ids(codes):  # rank len(ident_names) is null
        return ident_names.take(pa.array(codes, mask=codes == len(ident_names)))

    return pa.table({
        "relation": names[0].take(te), "from_kind": names[1].take(te), "from_id": ids(frm[edge]),
        "to_kind": names[2].take(te), "to_id": ids(to[edge]), "sources": sources,
        "records": pa.array(records, pa.int64()),
    }, schema=_RELATION_SCHEMA)


def infer_from_relations(assign: pa.Table, empty: np.ndarray, linked: pa.Table | None,
                         specs: list[SourceSpec], kind: str, lonely: np.ndarray | None = None,
                         check: np.ndarray | None = None) -> tuple[pa.Array, int]:
    """Identities through relations for mentions the attributes could not place.

    ``empty``: mentions with nothing to compare (a residence whose address is blank). Such a
    mention still sits in a relation with the other mentions of its record (the resident). When
    that mention's identity (already linked, ``linked``) has the same relation to identities of
    ``kind`` in other records, the blank mention takes the one most of those records name.

    ``lonely`` (with ``check``, a uint64 value per mention such as a company-name hash): mentions
    left alone because their attributes fit several identities (an employer named like three other
    companies, its credit code missing). They take the identity the related identity's other
    records name *among those whose mentions share their check value*: the insured person's other
    social-insurance records say which of the same-named companies employs them.

    Returns the new identity column and how many mentions were placed. Integer codes throughout,
    as in :func:`relations`: record ids, identities and relations are numbered once, then joined
    and counted as int64 columns.
    """
    ids = assign.column("identity_id")
    ids = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    n = assign.num_rows
    lonely = np.zeros(n, bool) if lonely is None else lonely & ~empty
    if linked is None or not (empty.any() or lonely.any()):
        return ids, 0
    state = np.where(empty, 1, np.where(lonely, 2, 0)).astype(np.int8)
    check = np.zeros(n, np.uint64) if check is None else check
    linked_kinds = set(linked.column("kind").unique().to_pylist())
    # (source, role) as integer codes once: comparing strings per relation took minutes at 10M
    a_src, a_role = _Codes(assign.column("source")), _Codes(assign.column("role"))
    l_src, l_role = _Codes(linked.column("source")), _Codes(linked.column("role"))
    rel_types: list[str] = []
    parts = []  # per relation: (relation code, rows of linked, rows of assign) of each joined record
    for spec in specs:
        kind_of = {m.role: m.kind for m in spec.mentions}
        for rel in spec.relations:
            if kind_of.get(rel.to_role) != kind or kind_of.get(rel.from_role) not in linked_kinds:
                continue
            src = np.flatnonzero(l_src.eq(spec.name) & l_role.eq(rel.from_role))
            dst = np.flatnonzero(a_src.eq(spec.name) & a_role.eq(rel.to_role))
            if not len(src) or not len(dst):
                continue
            recs = pa.chunked_array([as_array(linked.column("record_id").take(pa.array(src))),
                                     as_array(assign.column("record_id").take(pa.array(dst)))])
            code = pc.dictionary_encode(recs).combine_chunks().indices
            code = code.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
            ca, cb = code[:len(src)], code[len(src):]
            va, vb = np.flatnonzero(ca >= 0), np.flatnonzero(cb >= 0)
            ia, ib = _join_on(ca[va], cb[vb])
            if not len(ia):
                continue
            if rel.type not in rel_types:
                rel_types.append(rel.type)
            parts.append((rel_types.index(rel.type), src[va[ia]], dst[vb[ib]]))
    if not parts:
        return ids, 0
    relc = np.concatenate([np.full(len(a), r, np.int64) for r, a, _ in parts])
    frm_rows = np.concatenate([a for _, a, _ in parts])
    row = np.concatenate([b for _, _, b in parts])
    frm = pc.dictionary_encode(as_array(linked.column("identity_id").take(pa.array(frm_rows)))).indices
    frm = frm.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    to, to_names = _ranked_codes(ids)  # rank = string order: ties go to the smallest id
    to = to[row]
    st = state[row]
    known = (st == 0) & (frm >= 0)
    if not known.any():
        return ids, 0
    nf = int(frm.max()) + 2
    head = relc * nf + frm + 1  # (relation, from identity) as one int64
    cands = []
    chk = np.unique(check[row], return_inverse=True)[1].reshape(-1)
    for want, key in ((1, head), (2, head * (int(chk.max()) + 1) + chk)):  # (exact: no hashing)
        ask = np.flatnonzero((st == want) & (frm >= 0))
        if not len(ask):
            continue
        # votes: known edges per (key, target)
        kk, kt = key[known], to[known]
        o = np.lexsort((kt, kk))
        kk, kt = kk[o], kt[o]
        new = np.ones(len(o), bool)
        new[1:] = (kk[1:] != kk[:-1]) | (kt[1:] != kt[:-1])
        starts = np.flatnonzero(new)
        vk, vt, vc = kk[starts], kt[starts], np.diff(np.append(starts, len(o)))
        ia, iv = _join_on(key[ask], vk)
        cands.append((row[ask[ia]], vt[iv], vc[iv]))
    if not cands:
        return ids, 0
    r, t, c = (np.concatenate(x) for x in zip(*cands))
    if not len(r):
        return ids, 0
    # per mention, the target most records name (ties: the smallest id, for determinism)
    o = np.lexsort((t, -c, r))
    r, t = r[o], t[o]
    first = np.ones(len(r), bool)
    first[1:] = r[1:] != r[:-1]
    mask = np.zeros(n, bool)
    mask[r[first]] = True
    # replace_with_mask takes the replacements in row order
    pick = np.empty(n, np.int64)
    pick[r[first]] = t[first]
    new_ids = pc.replace_with_mask(ids, pa.array(mask), to_names.take(pa.array(pick[mask])))
    return new_ids, int(first.sum())


class _Codes:
    """A column of few distinct strings as int codes, for equality masks."""

    def __init__(self, col):
        enc = pc.dictionary_encode(as_array(col))
        self.codes = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        self.index = {v: i for i, v in enumerate(enc.dictionary.to_pylist())}

    def eq(self, value) -> np.ndarray:
        return self.codes == self.index.get(value, -2)


def _recency(table: pa.Table) -> pa.Array:
    dates = [c for c, f in zip(table.column_names, table.schema) if pa.types.is_date32(f.type)
             and c not in _NOT_RECENCY and not c.endswith("birth_date")]
    if not dates:
        return pa.nulls(table.num_rows, pa.date32())
    return pc.max_element_wise(*[table.column(c) for c in dates], skip_nulls=True)


def _coalesce(table: pa.Table, cols) -> pa.Array | None:
    present = [table.column(c) for c in cols if c in table.column_names]
    if not present:
        return None
    typ = present[0].type
    out = pc.coalesce(*[p.cast(typ) for p in present]) if len(present) > 1 else present[0]
    if pa.types.is_integer(out.type):  # codes such as gender: 0 is "unknown"
        out = pc.if_else(pc.equal(out, 0), pa.scalar(None, out.type), out)
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def golden_records(table: pa.Table, ids: pa.Array, kind: str, trust: dict[str, int],
                   survivorship: tuple[str, ...] = CRITERIA) -> pa.Table:
    """One row per identity (in id order): ``identity_id``, ``mentions``, ``sources`` and each
    attribute's survivor. Ties after the criteria go to the value seen first."""
    def read(cols, dates=False):
        keep = [c for c, t in zip(table.column_names, table.schema.types)
                if c in cols or (dates and pa.types.is_date32(t))]
        return table.select(keep)

    return golden_records_read(read, ids, kind, trust, survivorship)


def golden_records_read(read, ids: pa.Array, kind: str, trust: dict[str, int],
                        survivorship: tuple[str, ...] = CRITERIA) -> pa.Table:
    """:func:`golden_records` over ``read(columns, dates=False)``, which returns the mentions'
    ``columns`` (and, with ``dates``, every date column) as a table: one attribute's columns are
    held at a time, not the whole table."""
    bad = [c for c in survivorship if c not in CRITERIA]
    if bad:
        raise ValueError(f"unknown survivorship criteria {bad} (known: {', '.join(CRITERIA)})")
    ids = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    enc = pc.dictionary_encode(ids)
    # identity number = rank of its id string, so rows come out in id order
    rank = np.empty(len(enc.dictionary), np.int64)
    rank[pc.sort_indices(enc.dictionary).to_numpy()] = np.arange(len(enc.dictionary))
    ident = rank[enc.indices.to_numpy(zero_copy_only=False)] if len(ids) else np.zeros(0, np.int64)
    k = len(enc.dictionary)
    id_sorted = enc.dictionary.take(pc.sort_indices(enc.dictionary))
    n = len(ids)
    base = read({"source"}, dates="recency" in survivorship)
    src = pc.dictionary_encode(base.column("source").combine_chunks())
    src_codes = src.indices.to_numpy(zero_copy_only=False).astype(np.int64) if n else np.zeros(0, np.int64)
    tr = np.array([trust.get(x, 1) for x in src.dictionary.to_pylist()], np.int64)[src_codes] if n \
        else np.zeros(0, np.int64)
    rec = _recency(base).cast(pa.int32()).fill_null(np.iinfo(np.int32).min).to_numpy(zero_copy_only=False) \
        if n else np.zeros(0, np.int32)
    del base
    # each identity's sources: the (identity, source) cells present, in that order
    m = len(src.dictionary)
    present = np.zeros(k * m, bool)
    present[ident * m + src_codes] = True
    cells = np.flatnonzero(present)
    src_names = src.dictionary.take(pa.array(cells % m)) if len(cells) else pa.array([], pa.string())
    src_off = np.zeros(k + 1, np.int64)
    np.cumsum(np.bincount(cells // m, minlength=k), out=src_off[1:])
    out = {"identity_id": id_sorted, "mentions": pa.array(np.bincount(ident, minlength=k)),
           "sources": pa.ListArray.from_arrays(pa.array(src_off.astype(np.int32)), src_names)}
    crit = {"trust": None, "frequency": None, "recency": None}
    for attr, col in GOLDEN.get(kind, {}).items():
        cols = col if isinstance(col, tuple) else (col,)
        values = _coalesce(read(set(cols)), cols)
        if values is None:
            continue
        text = pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
        h = hash_strings(values if text else values.cast(pa.string()))
        rows = np.flatnonzero(h != 0)
        if len(rows) == 0:
            out[attr] = pa.nulls(k, values.type)
            continue
        # a cell is one (identity, value): its rows are contiguous in the stable key order
        cell = H.combine((ident[rows] + 1).astype(np.uint64), h[rows])
        order, starts = B.group_by_key(cell)
        in_order = rows[order]
        heads = starts[:-1]
        crit["frequency"] = np.diff(starts)
        crit["trust"] = np.maximum.reduceat(tr[in_order], heads)
        crit["recency"] = np.maximum.reduceat(rec[in_order].astype(np.int64), heads)
        first_row = in_order[heads]  # a cell's lowest row: its value and its tie-break
        scores = np.column_stack([crit[c] for c in survivorship]) if survivorship \
            else np.zeros((len(heads), 0), np.int64)
        best = best_per_group(ident[first_row], scores, first_row, k)
        pick = np.where(best >= 0, first_row[np.maximum(best, 0)], -1)
        picked = values.take(pa.array(pick, mask=pick < 0))
        out[attr] = picked.cast(pa.string()) if pa.types.is_large_string(picked.type) else picked
    return pa.table(out)
