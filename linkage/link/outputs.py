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
from weft.core.select import FREQUENCY, RECENCY, TRUST, group_dense, sorted_runs, survivors

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


class Coded:
    """A kind's mentions as integer codes: what relations and placement join and count.

    ``source`` and ``role`` index the vocabularies ``sources`` (sorted, so code order is name
    order) and ``roles``; ``record`` is equal for two mentions exactly when their source and record
    id are; ``ident`` numbers identities so that code order is id-string order. -1 is null in
    each."""

    def __init__(self, source, role, record, ident, sources, roles):
        self.source, self.role, self.record, self.ident = source, role, record, ident
        self.sources, self.roles = list(sources), list(roles)
        self._groups = None

    def __len__(self) -> int:
        return len(self.ident)

    def rows(self, source: str, role: str) -> np.ndarray:
        """The rows of ``source``'s ``role`` mentions whose record id is known, ascending."""
        if source not in self.sources or role not in self.roles:
            return np.zeros(0, np.int64)
        nr = len(self.roles) + 1
        if self._groups is None:  # one counting sort by (source, role), not a pass per relation
            key = (self.source.astype(np.int64) + 1) * nr + self.role + 1
            key[self.record < 0] = 0  # (group 0: no record id, never asked for)
            self._groups = group_dense(key, (len(self.sources) + 1) * nr)
        order, starts = self._groups
        k = (self.sources.index(source) + 1) * nr + self.roles.index(role) + 1
        return order[starts[k]:starts[k + 1]]


def vocabulary(specs: list[SourceSpec]) -> tuple[list[str], list[str]]:
    """(sources A-Z, roles): the names :class:`Coded` numbers."""
    return sorted({s.name for s in specs}), sorted({m.role for s in specs for m in s.mentions})


def code_names(col, names: list[str]) -> np.ndarray:
    """int16 index of each row's string in ``names`` (-1: null or not there); a dictionary
    column's codes are looked up through its dictionary, not its strings."""
    where = {v: i for i, v in enumerate(names)}
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    out = [np.zeros(0, np.int16)]
    for ch in chunks:
        enc = ch if pa.types.is_dictionary(ch.type) else pc.dictionary_encode(as_array(ch))
        look = np.array([where.get(v, -1) for v in enc.dictionary.to_pylist()] + [-1], np.int16)
        out.append(look[enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)])
    return np.concatenate(out)


def record_codes(sources: list[np.ndarray], records: list, n_sources: int) -> list[np.ndarray]:
    """Per table (its source codes and record-id column), int32 record codes shared by all:
    equal exactly when source and record id are (-1: null). A source's rows are dictionary-encoded
    together across the tables; they are usually one contiguous run, read in place."""
    out = [np.full(len(s), -1, np.int32) for s in sources]
    base = 0
    for code in range(n_sources):
        pieces, where = [], []
        for i, (src, rec) in enumerate(zip(sources, records)):
            rows = np.flatnonzero(src == code)
            if not len(rows):
                continue
            run = rows[-1] - rows[0] + 1 == len(rows)
            pieces.append(as_array(rec.slice(int(rows[0]), len(rows)) if run else rec.take(pa.array(rows))))
            where.append((i, rows))
        if not pieces:
            continue
        enc = pc.dictionary_encode(pa.chunked_array(pieces, pieces[0].type))
        size = len(enc.chunk(enc.num_chunks - 1).dictionary)  # (the chunks share one growing dictionary)
        for (i, rows), chunk in zip(where, enc.chunks):
            idx = chunk.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
            out[i][rows] = np.where(idx >= 0, idx + base, -1)
        base += size
    return out


def code_tables(tables: list[pa.Table], specs: list[SourceSpec]) -> tuple[list[Coded], pa.Array]:
    """The assignments ``tables`` (source, record_id, role, identity_id) as :class:`Coded`, their
    identities numbered together; and the id strings in code order."""
    sources, roles = vocabulary(specs)
    src = [code_names(t.column("source"), sources) for t in tables]
    recs = record_codes(src, [t.column("record_id") for t in tables], len(sources))
    ids = pa.chunked_array([as_array(t.column("identity_id")) for t in tables], pa.string())
    ident, names = _ranked_codes(ids)
    ident = np.where(ident == len(names), -1, ident)
    out, at = [], 0
    for t, s, r in zip(tables, src, recs):
        out.append(Coded(s, code_names(t.column("role"), roles), r, ident[at:at + t.num_rows], sources, roles))
        at += t.num_rows
    return out, names


def relations(assign: pa.Table, specs: list[SourceSpec]) -> pa.Table:
    """Identity edges from the specs' relations over assignment rows (see
    :func:`relations_coded`)."""
    if assign.num_rows == 0 or not any(s.relations for s in specs):
        return _RELATION_SCHEMA.empty_table()
    (coded,), names = code_tables([assign], specs)
    kinds = {m.kind for s in specs for m in s.mentions}
    return relations_coded({k: coded for k in kinds}, specs, lambda c: names.take(pa.array(c, mask=c < 0)))


_PACKED_MAX = 2**64 - 1  # (a test lowers it to take the two-key path)


def relations_coded(by_kind: dict[str, Coded], specs: list[SourceSpec], names) -> pa.Table:
    """Identity edges from the specs' relations, counted once per (relation, from, to), sorted by
    those keys (null ids last), each with its sources (A-Z) and number of records.

    ``by_kind``: each kind's mentions (their identity codes numbered together across kinds);
    ``names(codes)``: the id strings of identity codes. A relation's roles name their kinds, so
    the kinds are joined where they are, never concatenated."""
    any_coded = next(iter(by_kind.values()), None)
    if any_coded is None:
        return _RELATION_SCHEMA.empty_table()
    sources = any_coded.sources
    # every (relation, from_kind, to_kind) the specs can make here, numbered so that the order
    # of (relation, from_kind) then to_kind is the order of their names
    triples: list[tuple[str, str, str]] = []
    kinds_of = [(spec, {mention.role: mention.kind for mention in spec.mentions}) for spec in specs]
    for spec, kind_of in kinds_of:
        for rel in spec.relations:
            t = (rel.type, kind_of.get(rel.from_role), kind_of.get(rel.to_role))
            if t[1] in by_kind and t[2] in by_kind and t not in triples:
                triples.append(t)
    if not triples:
        return _RELATION_SCHEMA.empty_table()
    head = np.unique([t[:2] for t in triples], axis=0, return_inverse=True)[1].ravel()
    tail = np.unique([t[2] for t in triples], return_inverse=True)[1].ravel()
    which = np.full((int(head.max()) + 1, int(tail.max()) + 1), -1, np.int64)
    which[head, tail] = np.arange(len(triples))
    top = max([int(c.ident.max()) + 1 if len(c) else 0 for c in by_kind.values()] + [0])  # null ids: last
    m, n_src = top + 1, len(sources)
    # each joined record is a key (relation, from_kind, from_id | to_kind, to_id, source): the
    # high part k1 = head * m + from, the low k2 = (tail * m + to) * n_src + source. Packed in
    # one uint64 when the spans allow (any city of today: 1.7e17 at 10M persons), else two.
    span2 = (int(tail.max()) + 1) * m * n_src
    packed = (int(head.max()) + 1) * m * span2 <= _PACKED_MAX
    his, los = [], []
    for spec, kind_of in kinds_of:
        for rel in spec.relations:
            fa, tb = by_kind.get(kind_of.get(rel.from_role)), by_kind.get(kind_of.get(rel.to_role))
            if fa is None or tb is None:
                continue
            a, b = fa.rows(spec.name, rel.from_role), tb.rows(spec.name, rel.to_role)
            ia, ib = _join_on(fa.record[a], tb.record[b])
            if not len(ia):
                continue
            t = triples.index((rel.type, kind_of[rel.from_role], kind_of[rel.to_role]))
            frm, to = (np.where(x < 0, top, x).astype(np.uint64) for x in (fa.ident[a[ia]], tb.ident[b[ib]]))
            del ia, ib
            k1 = frm + np.uint64(int(head[t]) * m)
            k2 = (to + np.uint64(int(tail[t]) * m)) * np.uint64(n_src) + np.uint64(sources.index(spec.name))
            del frm, to
            if packed:
                k1 *= np.uint64(span2)
                k1 += k2
                los.append(k1)
            else:
                his.append(k1)
                los.append(k2)
            del k1, k2
    if not los:
        return _RELATION_SCHEMA.empty_table()
    lo = np.concatenate(los)
    del los
    if packed:
        lo.sort()  # (in place: 35M keys at 10M persons, a second)
        hi = np.zeros(0, np.uint64)
    else:
        hi = np.concatenate(his)
        o = np.lexsort((lo, hi))
        hi, lo = hi[o], lo[o]
        del o
    first, records, offsets, members = sorted_runs(hi, lo, n_src)
    rest = lo[first] // np.uint64(n_src)  # per edge: (k1 and) tail * m + to
    k1 = hi[first] if len(hi) else rest // np.uint64(span2 // n_src)
    rest = rest % np.uint64(span2 // n_src) if not len(hi) else rest
    del hi, lo, first
    mm = np.uint64(m)
    trip = which[(k1 // mm).astype(np.int64), (rest // mm).astype(np.int64)]
    frm, to = (k1 % mm).astype(np.int64), (rest % mm).astype(np.int64)
    del k1, rest
    src_names = pa.array(sources, pa.string())
    sources_col = pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), src_names.take(pa.array(members)))
    tnames = [pa.array([t[j] for t in triples], pa.string()) for j in range(3)]
    te = pa.array(trip)

    def ids(codes):
        return names(np.where(codes == top, -1, codes))

    return pa.table({
        "relation": tnames[0].take(te), "from_kind": tnames[1].take(te), "from_id": ids(frm),
        "to_kind": tnames[2].take(te), "to_id": ids(to), "sources": sources_col,
        "records": pa.array(records, pa.int64()),
    }, schema=_RELATION_SCHEMA)


def infer_from_relations(assign: pa.Table, empty: np.ndarray, linked: pa.Table | None,
                         specs: list[SourceSpec], kind: str, lonely: np.ndarray | None = None,
                         check: np.ndarray | None = None) -> tuple[pa.Array, int]:
    """:func:`place_by_relations` over assignment tables: ``assign`` (this kind's mentions) and
    ``linked`` (the kinds linked before). Returns the new identity column and how many mentions
    were placed."""
    ids = as_array(assign.column("identity_id"))
    if linked is None or not (empty.any() or (lonely is not None and (lonely & ~empty).any())):
        return ids, 0
    (target, prior), names = code_tables([assign, linked], specs)
    kinds = set(linked.column("kind").unique().to_pylist())
    new, placed = place_by_relations(target, {k: prior for k in kinds}, empty, specs, kind, lonely, check)
    if not placed:
        return ids, 0
    return names.take(pa.array(new, mask=new < 0)), placed


def place_by_relations(target: Coded, prior: dict[str, Coded], empty: np.ndarray, specs: list[SourceSpec],
                       kind: str, lonely: np.ndarray | None = None,
                       check: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """Identities through relations for mentions the attributes could not place.

    ``empty``: mentions with nothing to compare (a residence whose address is blank). Such a
    mention still sits in a relation with the other mentions of its record (the resident). When
    that mention's identity (already linked: ``prior``, per kind) has the same relation to
    identities of ``kind`` in other records, the blank mention takes the one most of those
    records name (ties: the smallest id).

    ``lonely`` (with ``check``, a uint64 value per mention such as a company-name hash): mentions
    left alone because their attributes fit several identities (an employer named like three other
    companies, its credit code missing). They take the identity the related identity's other
    records name *among those whose mentions share their check value*: the insured person's other
    social-insurance records say which of the same-named companies employs them.

    Returns ``target``'s new identity codes and how many mentions were placed. Integer joins and
    counts throughout; identity codes of ``target`` and ``prior`` are numbered together."""
    n = len(target)
    ident = target.ident
    lonely = np.zeros(n, bool) if lonely is None else lonely & ~empty
    if not prior or not (empty.any() or lonely.any()):
        return ident, 0
    state = np.where(empty, 1, np.where(lonely, 2, 0)).astype(np.int8)
    check = np.zeros(n, np.uint64) if check is None else check
    rel_types: list[str] = []
    parts = []  # per relation: (relation code, from identities, rows of target) of each joined record
    for spec in specs:
        kind_of = {m.role: m.kind for m in spec.mentions}
        for rel in spec.relations:
            p = prior.get(kind_of.get(rel.from_role))
            if kind_of.get(rel.to_role) != kind or p is None:
                continue
            src, dst = p.rows(spec.name, rel.from_role), target.rows(spec.name, rel.to_role)
            ia, ib = _join_on(p.record[src], target.record[dst])
            if not len(ia):
                continue
            if rel.type not in rel_types:
                rel_types.append(rel.type)
            parts.append((rel_types.index(rel.type), p.ident[src[ia]], dst[ib]))
    if not parts:
        return ident, 0
    relc = np.concatenate([np.full(len(a), r, np.int64) for r, a, _ in parts])
    frm = np.concatenate([a for _, a, _ in parts]).astype(np.int64)
    row = np.concatenate([b for _, _, b in parts])
    del parts
    to = ident[row].astype(np.int64)
    st = state[row]
    known = (st == 0) & (frm >= 0) & (to >= 0)  # (a mention without identity names none)
    if not known.any():
        return ident, 0
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
        return ident, 0
    r, t, c = (np.concatenate(x) for x in zip(*cands))
    if not len(r):
        return ident, 0
    # per mention, the target most records name (ties: the smallest id, for determinism)
    o = np.lexsort((t, -c, r))
    r, t = r[o], t[o]
    first = np.ones(len(r), bool)
    first[1:] = r[1:] != r[:-1]
    out = ident.copy()
    out[r[first]] = t[first]
    return out, int(first.sum())


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
    return out  # (chunks as read: :func:`_hashes` and :func:`_take` go chunk by chunk)


def _hashes(values) -> np.ndarray:
    """:func:`hash_strings` of an Array, or of a ChunkedArray chunk by chunk: never made one
    array, which for a 10M city's addresses took gigabytes, three times over."""
    if isinstance(values, pa.ChunkedArray):
        return np.concatenate([np.zeros(0, np.uint64), *[hash_strings(c) for c in values.chunks]])
    return hash_strings(values)


def _take(values, pick: np.ndarray) -> pa.Array:
    """``values[pick]`` (null where ``pick < 0``) as one array, each chunk of a ChunkedArray
    taken from by itself (Arrow's take joins a string column's chunks first)."""
    mask = pick < 0
    if not isinstance(values, pa.ChunkedArray):
        return values.take(pa.array(pick, mask=mask))
    bounds = np.cumsum([0, *[len(c) for c in values.chunks]])
    chunk = np.searchsorted(bounds, np.where(mask, 0, pick), side="right") - 1
    by_chunk = np.argsort(chunk, kind="stable")
    ordered = chunk[by_chunk]
    los = np.searchsorted(ordered, np.arange(values.num_chunks))
    his = np.searchsorted(ordered, np.arange(values.num_chunks) + 1)
    pieces = []
    for i, c in enumerate(values.chunks):  # (a null's stand-in row is any row of a non-empty chunk)
        rows = pick[by_chunk[los[i]:his[i]]]
        pieces.append(c.take(pa.array(np.where(rows < 0, 0, rows - bounds[i]))))
    joined = pa.concat_arrays(pieces) if pieces else pa.array([], values.type)
    at = np.empty(len(pick), np.int64)
    at[by_chunk] = np.arange(len(pick))
    return joined.take(pa.array(at, mask=mask))


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
    ids = as_array(ids)
    enc = pc.dictionary_encode(ids)
    # identity number = rank of its id string, so rows come out in id order
    order = pc.sort_indices(enc.dictionary)
    rank = np.empty(len(enc.dictionary), np.int64)
    rank[order.to_numpy()] = np.arange(len(enc.dictionary))
    ident = rank[enc.indices.to_numpy(zero_copy_only=False)] if len(ids) else np.zeros(0, np.int64)
    return _golden(read, ident, enc.dictionary.take(order), kind, trust, survivorship)


def golden_records_coded(read, codes: np.ndarray, names, kind: str, trust: dict[str, int],
                         survivorship: tuple[str, ...] = CRITERIA) -> pa.Table:
    """:func:`golden_records_read` for identity codes (code order = id order, none null) and
    ``names(codes)``, their id strings: no string is hashed or sorted."""
    if not len(codes):
        return _golden(read, np.zeros(0, np.int64), pa.array([], pa.string()), kind, trust, survivorship)
    lo = int(codes.min())
    present = np.bincount(codes - lo) > 0
    rank = np.cumsum(present) - 1
    return _golden(read, rank[codes - lo], names(np.flatnonzero(present) + lo), kind, trust, survivorship)


def _golden(read, ident: np.ndarray, id_sorted: pa.Array, kind: str, trust: dict[str, int],
            survivorship: tuple[str, ...]) -> pa.Table:
    """Golden records of identities ``0..len(id_sorted)-1`` (``ident`` per mention)."""
    bad = [c for c in survivorship if c not in CRITERIA]
    if bad:
        raise ValueError(f"unknown survivorship criteria {bad} (known: {', '.join(CRITERIA)})")
    k = len(id_sorted)
    n = len(ident)
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
    # mentions grouped by identity once; each attribute is then one pass over the groups
    order, starts = group_dense(ident, k)
    crit = [{"trust": TRUST, "frequency": FREQUENCY, "recency": RECENCY}[c] for c in survivorship]
    for attr, col in GOLDEN.get(kind, {}).items():
        cols = col if isinstance(col, tuple) else (col,)
        values = _coalesce(read(set(cols)), cols)
        if values is None:
            continue
        text = pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
        h = _hashes(values if text else values.cast(pa.string()))
        pick = survivors(order, starts, h, tr, rec, crit)
        del h
        picked = _take(values, pick)
        del values
        out[attr] = picked.cast(pa.string()) if pa.types.is_large_string(picked.type) else picked
    return pa.table(out)
