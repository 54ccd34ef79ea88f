"""Candidate pairs: strong keys as star edges, composite keys, MinHash LSH bands, capped blocks.

Strong identifiers (a validated ID number, USCC, house code) link by star edges (every mention to
its key's first mention), so a key shared by a thousand mentions costs a thousand edges, not half
a million pairs. What the model must score is only what strong keys leave open: before a rule's
blocks are expanded, the mentions of one strong component inside one block are collapsed to a
single representative, and pairs whose two sides both hold (different) strong identifiers are
dropped, since cannot-link forbids them anyway. Blocks over ``block_cap`` become a sorted
neighbourhood of ``block_window`` and are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from weft.core import blocking as B
from weft.core import hashing as H

from .config import KindConfig, LSHRule, Rule
from .features import Features

__all__ = ["RuleStats", "TrainingSample", "candidate_pairs", "rule_groups", "strong_edges", "training_pairs"]


@dataclass
class RuleStats:
    name: str
    keyed: int = 0  # mentions with a key
    pairs_raw: int = 0  # pairs the rule's blocks hold before collapsing strong components
    pairs: int = 0  # pairs it contributes to scoring
    oversized: list = field(default_factory=list)  # (size, example record) of capped blocks

    def as_dict(self) -> dict:
        return {"rule": self.name, "keyed_mentions": self.keyed, "pairs_in_blocks": self.pairs_raw,
                "pairs_scored": self.pairs, "oversized_blocks": len(self.oversized),
                "largest_blocks": self.oversized[:5]}


def rule_groups(feats: Features, rule: Rule | LSHRule) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(rows, keys, starts)``: a rule's mentions grouped by its key (one entry per mention and
    column tuple, keys 0 dropped), as :func:`weft.core.blocking.key_groups` groups them."""
    if isinstance(rule, LSHRule):
        keys = feats.band_keys(rule)  # n x bands, 0 for empty rows
        order, starts = B.group_by_key(keys.reshape(-1))
        return order // rule.bands, keys.reshape(-1)[order], starts
    return B.key_groups([tuple(feats.codes(c) for c in v) for v in (rule.columns, *rule.alternates)])


def strong_edges(feats: Features, cfg: KindConfig, rules: tuple[Rule, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Star edges of every strong column (and deterministic rule): mention -> key's first mention."""
    lefts, rights = [], []
    for col in cfg.strong:
        if feats.has(col):
            l, r = B.star_edges(feats.codes(col).astype(np.uint64))
            lefts.append(l)
            rights.append(r)
    for rule in rules:
        rows, _, starts = rule_groups(feats, rule)
        l, r = B.star_groups(rows, starts)
        lefts.append(l)
        rights.append(r)
    if not lefts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(lefts), np.concatenate(rights)


def verify_strong(feats: Features, cfg: KindConfig, col: str) -> np.ndarray:
    """Mentions whose strong identifier is someone else's (bool mask): a record may carry another
    person's valid ID number (a relative's, a borrowed one). Per key, the owner is the most frequent
    name among its mentions (ties: a mention whose own birth date matches the one the ID encodes);
    a mention whose name differs from the owner's in every way the name comparison knows, and whose
    own birth date does not back it, is not the owner."""
    from .comparisons import compute_levels

    keys = feats.dense(col)
    rows = np.flatnonzero(keys != 0)
    out = np.zeros(feats.n, bool)
    if not cfg.verify or len(rows) == 0:
        return out
    name_c, date_c = cfg.verify
    names = feats.codes(name_c.columns[0])[rows]
    k = keys[rows]
    # owner name per key: most frequent, ties to an ID-consistent birth date
    consistent = np.zeros(len(rows), np.int64)
    if feats.has("birth_date") and feats.has("id_birth_date"):
        bd, bv = feats.days("birth_date")
        idd, iv = feats.days("id_birth_date")
        consistent = (bv & iv & (bd == idd))[rows].astype(np.int64)
    owner_row = key_owners(k, names, consistent, rows, int(keys.max()) + 1)
    left = rows
    right = owner_row[keys[rows]]
    name_codes = feats.codes(name_c.columns[0])
    test = (left != right) & (name_codes[left] != name_codes[right])  # the owner's own name passes
    gamma = compute_levels(feats, [name_c, date_c], left[test], right[test])
    foreign = (gamma[:, 0] == 1) & np.isin(gamma[:, 1], (0, 1, 2))
    out[left[test][foreign]] = True
    return out


_NULL_NAME = np.uint64(0x9E3779B97F4A7C15)


def key_owners(k: np.ndarray, names: np.ndarray, consistent: np.ndarray, rows: np.ndarray, size: int) -> np.ndarray:
    """Per key 1..size-1, its owner's row (0 for a key no entry holds): among the entries
    (key ``k``, name code ``names``, ``consistent`` 0/1, ``rows`` ascending), the name most
    entries under the key carry, ties to one with a consistent entry, then to the lowest name code;
    the owner is that name's first row. Cells are grouped by a radix sort of a hash of (key, name),
    not a lexsort (40M identifiers at 10M persons: 55 s)."""
    owner = np.zeros(size, np.int64)
    if len(k) == 0:
        return owner
    # (combine gives 0, "no key", for a null part: a null name stands in as a constant)
    names = np.where(names == 0, _NULL_NAME, names.astype(np.uint64))
    cell_of = H.combine(k.astype(np.uint64), names)
    cell_of[cell_of == 0] = 1
    order, starts = B.group_by_key(cell_of)
    first = order[starts[:-1]]  # stable: each cell's lowest row
    score = np.diff(starts) * 2 + (np.add.reduceat(consistent[order], starts[:-1]) > 0)
    cell_key, cell_name = k[first], np.where(names[first] == _NULL_NAME, np.uint64(0), names[first])
    by_key, key_starts = B.group_by_key(cell_key.astype(np.uint64))
    group = np.repeat(np.arange(len(key_starts) - 1), np.diff(key_starts))
    s = score[by_key]
    top = s == np.maximum.reduceat(s, key_starts[:-1])[group]
    nm = np.where(top, cell_name[by_key], np.iinfo(np.uint64).max)
    pick = top & (nm == np.minimum.reduceat(nm, key_starts[:-1])[group])
    owner[cell_key[by_key[pick]]] = rows[first[by_key[pick]]]
    return owner


def _record_of(feats: Features, row: int) -> str:
    t = feats.table
    return f"{t.column('source')[row].as_py()}:{t.column('record_id')[row].as_py()}"


def candidate_pairs(feats: Features, cfg: KindConfig, label: np.ndarray, keyed: np.ndarray,
                    comp_key: np.ndarray, sample: TrainingSample | None = None):
    """(left, right, rule index, stats per rule) of the pairs the model must score.

    ``label``: each mention's component after the strong edges; ``keyed``: mentions holding a
    strong identifier (collapsed per block); ``comp_key``: per component, its cannot-link value
    (0 none). Pairs inside one component, or across two components with different cannot-link
    values, are dropped: the first are linked already, the second can never be. With ``sample``,
    each rule's groups also give it their share of the training sample.
    """
    found, stats = B.PairSet(), []
    value = np.ascontiguousarray(comp_key, np.uint64)[label]  # each mention's component's value
    # a group keeps one entry per strong component, and any other mention's once
    n = feats.n
    cells = np.where(keyed, label, np.arange(n, 2 * n)).astype(np.int32 if 2 * n < 2**31 else np.int64)
    for i, rule in enumerate((*cfg.rules, *cfg.lsh)):
        st = RuleStats(rule.name)
        # one sort per rule: its groups are collapsed (one entry per strong component: linking to
        # any member links the component) and expanded in that order
        rows, keys, starts = rule_groups(feats, rule)
        st.keyed = _distinct(rows, feats.n)
        if sample is not None:
            sample.take(i, rows, starts)
        rows, keys, starts = B.collapse_groups(rows, keys, starts, cells)
        # pairs inside one component, or across two with different cannot-link values, are
        # dropped as they are enumerated: most pairs of a large city's name blocks are one or the other
        codes, big, big_sizes, st.pairs_raw = B.group_pairs_kept(rows, starts, cfg.block_cap, cfg.block_window,
                                                                  label, value, packed=True)
        if len(big):
            order = np.argsort(-big_sizes, kind="stable")
            for k in order[:20]:
                st.oversized.append({"size": int(big_sizes[k]),
                                     "example": _record_of(feats, int(rows[starts[big[k]]]))})
            st.oversized += [{"size": int(s)} for s in big_sizes[order[20:]]]
        st.pairs = len(codes)
        del rows, keys, starts
        found.add_codes(B.sort_unique(codes), i)  # (each rule's pairs merged in and freed: 9 bytes a pair kept)
        del codes
        stats.append(st)
    left, right, tag = found.pairs()
    return left, right, tag, stats


def _distinct(rows: np.ndarray, n: int) -> int:
    seen = np.zeros(n, bool)
    seen[rows] = True
    return int(np.count_nonzero(seen))


class TrainingSample:
    """The training sample :func:`training_pairs` draws (the same seeds from ``rng``, drawn now),
    taken rule by rule from groups made for blocking (:func:`candidate_pairs`' ``sample``): one
    sort per rule serves both."""

    def __init__(self, cfg: KindConfig, rng: np.random.Generator):
        rules = (*cfg.rules, *cfg.lsh)
        self.per_rule = max(1, cfg.train_pairs // len(rules)) if rules else 0
        self.seeds = [int(rng.integers(0, 2**63)) for _ in rules]
        self.cap, self.window = cfg.block_cap, cfg.block_window
        self.lefts: list = []
        self.rights: list = []

    def take(self, i: int, rows: np.ndarray, starts: np.ndarray) -> None:
        """Rule ``i``'s share, from its groups (uncollapsed: EM learns m from matches agreeing on
        strong keys too). A Bernoulli sample drawn while the pairs are enumerated: a rule's full
        pair list (66M for names on the 1M city) is never built."""
        l, r, _ = B.sample_groups(rows, starts, self.cap, self.window, self.per_rule, seed=self.seeds[i])
        self.lefts.append(l)
        self.rights.append(r)

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.lefts:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return B.dedup_pairs(np.concatenate(self.lefts), np.concatenate(self.rights))


def training_pairs(feats: Features, cfg: KindConfig, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A uniform sample of every rule's block pairs, strong components not collapsed: the pool EM
    learns m from (matches agreeing on strong keys included)."""
    sample = TrainingSample(cfg, rng)
    for i, rule in enumerate((*cfg.rules, *cfg.lsh)):
        rows, _, starts = rule_groups(feats, rule)
        sample.take(i, rows, starts)
    return sample.pairs()
