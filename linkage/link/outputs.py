"""Identity-level outputs: relations between identities and golden records.

**Relations.** A spec's ``[[relation]]`` joins two mentions of one record (the guardian and the
student of a school record); mapped through the assignments, it becomes an edge between two
identities. Edges are counted once per (relation, from, to), with the sources and the number of
records that support them.

**Golden records.** For every identity and attribute, the surviving value is chosen among its
mentions' non-null values by the ``survivorship`` criteria in order: ``trust`` (the highest source
trust among the mentions carrying the value), ``frequency`` (how many mentions carry it),
``recency`` (the latest date any carrying record holds, among its non-birth date columns). Ties
fall to the smallest value, so the choice is deterministic.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..specs import SourceSpec

__all__ = ["CRITERIA", "GOLDEN", "golden_records", "relations"]

CRITERIA = ("trust", "frequency", "recency")

# attribute -> the standardized column it survives from, per kind
GOLDEN = {
    "person": {"name": "name", "id_number": "id_number", "birth_date": "dob", "gender": "sex", "phone": "phone",
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
                         specs: list[SourceSpec], kind: str) -> tuple[pa.Array, int]:
    """Identities for mentions that carry nothing to compare (a residence whose address is blank).

    Such a mention still sits in a relation: the resident of the same record. When that resident's
    identity (already linked, ``linked``) has the same relation to identities of ``kind`` in other
    records, the blank mention takes the one most of those records name. Returns the new identity
    column and how many mentions were placed.
    """
    ids = assign.column("identity_id")
    if linked is None or not empty.any():
        return ids, 0
    linked_kinds = set(linked.column("kind").unique().to_pylist())
    rows = pa.array(np.arange(assign.num_rows))
    edges = []
    for spec in specs:
        kind_of = {m.role: m.kind for m in spec.mentions}
        for rel in spec.relations:
            if kind_of.get(rel.to_role) != kind or kind_of.get(rel.from_role) not in linked_kinds:
                continue
            src = linked.filter(pc.and_(pc.equal(linked.column("source"), spec.name),
                                        pc.equal(linked.column("role"), rel.from_role)))
            dst_mask = pc.and_(pc.equal(assign.column("source"), spec.name), pc.equal(assign.column("role"), rel.to_role))
            dst = pa.table({"record_id": assign.column("record_id"), "to_id": ids, "row": rows,
                            "empty": pa.array(empty)}).filter(dst_mask)
            j = src.select(["record_id", "identity_id"]).rename_columns(["record_id", "from_id"]) \
                .join(dst, "record_id", join_type="inner")
            if j.num_rows:
                edges.append(j.append_column("relation", pa.array([rel.type] * j.num_rows)))
    if not edges:
        return ids, 0
    e = pa.concat_tables(edges)
    known = e.filter(pc.invert(e.column("empty")))
    blank = e.filter(e.column("empty"))
    if known.num_rows == 0 or blank.num_rows == 0:
        return ids, 0
    votes = known.group_by(["relation", "from_id", "to_id"]).aggregate([("row", "count")]) \
        .sort_by([("relation", "ascending"), ("from_id", "ascending"), ("row_count", "descending"),
                  ("to_id", "ascending")])
    key = pc.binary_join_element_wise(votes.column("relation"), votes.column("from_id"), "|")
    k = pc.dictionary_encode(key).combine_chunks().indices.to_numpy() if isinstance(key, pa.ChunkedArray) \
        else pc.dictionary_encode(key).indices.to_numpy()
    first = np.ones(len(k), bool)
    first[1:] = k[1:] != k[:-1]
    best = votes.filter(pa.array(first)).select(["relation", "from_id", "to_id"]).rename_columns(
        ["relation", "from_id", "best_id"])
    placed = blank.join(best, ["relation", "from_id"], join_type="inner")
    if placed.num_rows == 0:
        return ids, 0
    placed = placed.sort_by("row")
    r = placed.column("row").to_numpy()
    first = np.ones(len(r), bool)
    first[1:] = r[1:] != r[:-1]  # a mention in two relations takes the first
    mask = np.zeros(assign.num_rows, bool)
    mask[r[first]] = True
    ids = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    new = pc.replace_with_mask(ids, pa.array(mask), placed.column("best_id").filter(pa.array(first)).combine_chunks())
    return new, int(first.sum())


def _recency(table: pa.Table) -> pa.Array:
    dates = [c for c, f in zip(table.column_names, table.schema) if pa.types.is_date32(f.type)
             and c not in _NOT_RECENCY and not c.endswith("birth_date")]
    if not dates:
        return pa.nulls(table.num_rows, pa.date32())
    return pc.max_element_wise(*[table.column(c) for c in dates], skip_nulls=True)


def golden_records(table: pa.Table, ids: pa.Array, kind: str, trust: dict[str, int],
                   survivorship: tuple[str, ...] = CRITERIA) -> pa.Table:
    """One row per identity: ``identity_id``, ``mentions``, ``sources`` and each attribute's survivor."""
    bad = [c for c in survivorship if c not in CRITERIA]
    if bad:
        raise ValueError(f"unknown survivorship criteria {bad} (known: {', '.join(CRITERIA)})")
    src = table.column("source")
    tr = pa.array(np.array([trust.get(s, 1) for s in src.dictionary_encode().chunk(0).dictionary.to_pylist()]
                           if table.num_rows else [], np.int64))
    tr = tr.take(src.dictionary_encode().chunk(0).indices) if table.num_rows else pa.array([], pa.int64())
    rec = _recency(table).cast(pa.int32())
    base = pa.table({"identity_id": ids, "source": src})
    head = base.group_by("identity_id").aggregate([("source", "count"), ("source", "distinct")]) \
        .select(["identity_id", "source_count", "source_distinct"]) \
        .rename_columns(["identity_id", "mentions", "sources"]).sort_by("identity_id")
    out = {"identity_id": head.column("identity_id"), "mentions": head.column("mentions"),
           "sources": head.column("sources")}
    order_ids = head.column("identity_id")
    for attr, col in GOLDEN.get(kind, {}).items():
        if col not in table.column_names:
            continue
        values = table.column(col)
        t = pa.table({"identity_id": ids, "value": values, "trust": tr, "recency": rec}).filter(values.is_valid())
        if t.num_rows == 0:
            out[attr] = pa.nulls(len(order_ids), values.type)
            continue
        g = t.group_by(["identity_id", "value"]).aggregate(
            [("trust", "max"), ("value", "count"), ("recency", "max")])
        crit = {"trust": "trust_max", "frequency": "value_count", "recency": "recency_max"}
        sort = [("identity_id", "ascending")] + [(crit[c], "descending") for c in survivorship] + [("value", "ascending")]
        g = g.sort_by(sort)
        gid = g.column("identity_id")
        first = np.ones(g.num_rows, bool)
        gid_np = pc.dictionary_encode(gid).chunk(0).indices.to_numpy() if isinstance(gid, pa.ChunkedArray) else None
        if gid_np is None:
            gid_np = pc.dictionary_encode(gid).indices.to_numpy()
        first[1:] = gid_np[1:] != gid_np[:-1]
        win = g.filter(pa.array(first)).select(["identity_id", "value"])
        joined = pa.table({"identity_id": order_ids}).join(win, "identity_id", join_type="left outer") \
            .sort_by("identity_id")
        out[attr] = joined.column("value")
    return pa.table(out)
