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

from ..arrow import hash_strings
from ..specs import SourceSpec

__all__ = ["CRITERIA", "GOLDEN", "golden_records", "relations"]

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


def relations(assign: pa.Table, specs: list[SourceSpec]) -> pa.Table:
    schema = pa.schema([("relation", pa.string()), ("from_kind", pa.string()), ("from_id", pa.string()),
                        ("to_kind", pa.string()), ("to_id", pa.string()), ("sources", pa.list_(pa.string())),
                        ("records", pa.int64())])
    parts = []
    for spec in specs:
        if not spec.relations:
            continue
        mine = assign.filter(pc.equal(assign.column("source"), spec.name))
        kind_of = {m.role: m.kind for m in spec.mentions}
        for rel in spec.relations:
            a = mine.filter(pc.equal(mine.column("role"), rel.from_role)).select(["record_id", "identity_id"])
            b = mine.filter(pc.equal(mine.column("role"), rel.to_role)).select(["record_id", "identity_id"])
            a = a.rename_columns(["record_id", "from_id"])
            b = b.rename_columns(["record_id", "to_id"])
            j = a.join(b, "record_id", join_type="inner")
            if j.num_rows == 0:
                continue
            n = j.num_rows
            parts.append(pa.table({
                "relation": pa.array([rel.type] * n), "from_kind": pa.array([kind_of[rel.from_role]] * n),
                "from_id": j.column("from_id"), "to_kind": pa.array([kind_of[rel.to_role]] * n),
                "to_id": j.column("to_id"), "source": pa.array([spec.name] * n)}))
    if not parts:
        return schema.empty_table()
    t = pa.concat_tables(parts)
    keys = ["relation", "from_kind", "from_id", "to_kind", "to_id"]
    g = t.group_by(keys).aggregate([("source", "distinct"), ("source", "count")])
    g = g.select(keys + ["source_distinct", "source_count"]).rename_columns(keys + ["sources", "records"])
    return g.sort_by([(k, "ascending") for k in keys]).cast(schema)


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

    Returns the new identity column and how many mentions were placed.
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
    base = pa.table({"record_id": assign.column("record_id"), "to_id": ids, "row": pa.array(np.arange(n)),
                     "state": pa.array(state), "check": pa.array(check)})
    edges = []
    for spec in specs:
        kind_of = {m.role: m.kind for m in spec.mentions}
        for rel in spec.relations:
            if kind_of.get(rel.to_role) != kind or kind_of.get(rel.from_role) not in linked_kinds:
                continue
            src = linked.filter(pc.and_(pc.equal(linked.column("source"), spec.name),
                                        pc.equal(linked.column("role"), rel.from_role)))
            dst_mask = pc.and_(pc.equal(assign.column("source"), spec.name), pc.equal(assign.column("role"), rel.to_role))
            j = src.select(["record_id", "identity_id"]).rename_columns(["record_id", "from_id"]) \
                .join(base.filter(dst_mask), "record_id", join_type="inner")
            if j.num_rows:
                edges.append(j.append_column("relation", pa.array([rel.type] * j.num_rows)))
    if not edges:
        return ids, 0
    e = pa.concat_tables(edges).select(["relation", "from_id", "to_id", "row", "state", "check"])
    known = e.filter(pc.equal(e.column("state"), 0))
    if known.num_rows == 0:
        return ids, 0
    placed = []
    blank = e.filter(pc.equal(e.column("state"), 1))
    if blank.num_rows:
        votes = known.group_by(["relation", "from_id", "to_id"]).aggregate([("row", "count")])
        cand = blank.select(["relation", "from_id", "row"]).join(votes, ["relation", "from_id"], join_type="inner")
        placed.append(cand)
    alone = e.filter(pc.equal(e.column("state"), 2))
    if alone.num_rows:
        votes = known.group_by(["relation", "from_id", "check", "to_id"]).aggregate([("row", "count")])
        cand = alone.select(["relation", "from_id", "check", "row"]).join(
            votes, ["relation", "from_id", "check"], join_type="inner").drop_columns(["check"])
        placed.append(cand)
    cand = pa.concat_tables([c.select(["row", "to_id", "row_count"]) for c in placed])
    if cand.num_rows == 0:
        return ids, 0
    # per mention, the target most records name (ties: the smallest id, for determinism)
    cand = cand.sort_by([("row", "ascending"), ("row_count", "descending"), ("to_id", "ascending")])
    r = cand.column("row").to_numpy()
    first = np.ones(len(r), bool)
    first[1:] = r[1:] != r[:-1]
    mask = np.zeros(n, bool)
    mask[r[first]] = True
    new = pc.replace_with_mask(ids, pa.array(mask), cand.column("to_id").filter(pa.array(first)).combine_chunks())
    return new, int(first.sum())


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
    src = pc.dictionary_encode(table.column("source").combine_chunks())
    src_codes = src.indices.to_numpy(zero_copy_only=False).astype(np.int64) if table.num_rows else np.zeros(0, np.int64)
    tr = np.array([trust.get(x, 1) for x in src.dictionary.to_pylist()], np.int64)[src_codes] if table.num_rows \
        else np.zeros(0, np.int64)
    rec = _recency(table).cast(pa.int32()).fill_null(np.iinfo(np.int32).min).to_numpy(zero_copy_only=False) \
        if table.num_rows else np.zeros(0, np.int32)
    sources = pa.table({"i": ident, "s": src_codes}).group_by(["i", "s"]).aggregate([]).sort_by([("i", "ascending"),
                                                                                            ("s", "ascending")])
    src_names = src.dictionary.take(sources.column("s").combine_chunks()) if sources.num_rows else pa.array([], pa.string())
    src_off = np.zeros(k + 1, np.int64)
    np.cumsum(np.bincount(sources.column("i").to_numpy(), minlength=k), out=src_off[1:])
    out = {"identity_id": id_sorted, "mentions": pa.array(np.bincount(ident, minlength=k)),
           "sources": pa.ListArray.from_arrays(pa.array(src_off.astype(np.int32)), src_names)}
    crit = {"trust": None, "frequency": None, "recency": None}
    for attr, col in GOLDEN.get(kind, {}).items():
        values = _coalesce(table, col if isinstance(col, tuple) else (col,))
        if values is None:
            continue
        h = hash_strings(values.cast(pa.string()))
        rows = np.flatnonzero(h != 0)
        if len(rows) == 0:
            out[attr] = pa.nulls(k, values.type)
            continue
        cell = H.combine((ident[rows] + 1).astype(np.uint64), h[rows])
        order, starts = B.group_by_key(cell)
        cell_of = np.empty(len(rows), np.int64)
        cell_of[order] = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
        n_cells = len(starts) - 1
        crit["frequency"] = np.bincount(cell_of, minlength=n_cells)
        crit["trust"] = np.full(n_cells, np.iinfo(np.int64).min)
        np.maximum.at(crit["trust"], cell_of, tr[rows])
        crit["recency"] = np.full(n_cells, np.iinfo(np.int64).min)
        np.maximum.at(crit["recency"], cell_of, rec[rows].astype(np.int64))
        first_row = rows[order[starts[:-1]]]  # a cell's lowest row: its value and its tie-break
        cell_ident = ident[first_row]
        keys = [first_row] + [-crit[c] for c in reversed(survivorship)] + [cell_ident]
        best = np.lexsort(keys)
        win = np.ones(len(best), bool)
        win[1:] = cell_ident[best][1:] != cell_ident[best][:-1]
        winners = best[win]
        pick = np.full(k, -1, np.int64)
        pick[cell_ident[winners]] = first_row[winners]
        out[attr] = values.take(pa.array(pick, mask=pick < 0))
    return pa.table(out)
