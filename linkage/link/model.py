"""Fellegi–Sunter per kind: u from random pairs, m and the match prior by EM, term frequencies.

A pair's comparison vector γ (one level per attribute, ``comparisons.py``) scores

    weight = log2(λ / (1 - λ)) + Σ_a log2(m_a[γ_a] / u_a[γ_a]),   probability = 1 / (1 + 2^-weight)

with level 0 ("null") contributing 0. An exact agreement on an attribute with term-frequency
adjustment uses the value's own frequency instead of u (``log2(m / tf(value))``): two mentions named
王伟 agree far more often by chance than two named 欧阳靖雯.

u is estimated once from uniformly random mention pairs (nearly all non-matches) and held fixed;
m and λ come from EM over the candidate pairs, run on the distinct comparison vectors with their
counts (a few thousand patterns, not millions of pairs). Parameters are saved as a readable,
versioned JSON file per kind and can be loaded to score the next run without retraining.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from weft.core.score import fs_scores

from .comparisons import Comparison, compute_levels
from .features import Features

__all__ = ["FORMAT_VERSION", "Model", "estimate_u", "train"]

FORMAT_VERSION = 1
_FLOOR = 1e-6  # no level is ever impossible: an unseen level would otherwise score ±inf


@dataclass
class Model:
    kind: str
    comparisons: list[Comparison]
    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float  # λ: share of matches among candidate pairs
    threshold: float = 0.95  # match probability to link
    trained_on: dict = field(default_factory=dict)
    em_iterations: int = 0

    # ------------------------------------------------------------------ scoring
    def level_weights(self) -> list[np.ndarray]:
        out = []
        for m, u in zip(self.m, self.u):
            w = np.log2(np.maximum(m, _FLOOR) / np.maximum(u, _FLOOR))
            w[0] = 0.0
            out.append(w)
        return out

    def prior_weight(self, prior: float | None = None) -> float:
        p = self.prior if prior is None else prior
        p = min(max(p, _FLOOR), 1 - _FLOOR)
        return math.log2(p / (1 - p))

    def fit_prior(self, gamma: np.ndarray, max_iter: int = 100, tol: float = 1e-7) -> float:
        """λ of the pairs actually scored, by EM with m and u held: the training pool (every
        rule's pairs, strong matches included) is far richer in matches than what strong keys leave
        open, and its λ would wave weak pairs through."""
        if len(gamma) == 0:
            return self.prior
        pats, counts = patterns(gamma)
        llr = np.zeros(len(pats))
        for j in range(len(self.comparisons)):
            g = pats[:, j]
            known = g > 0
            llr[known] += np.log(np.maximum(self.m[j][g[known]], _FLOOR)) - np.log(np.maximum(self.u[j][g[known]], _FLOOR))
        lam = 0.5
        for _ in range(max_iter):
            post = 1.0 / (1.0 + np.exp(-np.clip(math.log(lam / (1 - lam)) + llr, -700, 700)))
            new = float((post * counts).sum() / counts.sum())
            new = min(max(new, 1e-9), 1 - 1e-9)
            if abs(new - lam) < tol:
                lam = new
                break
            lam = new
        return lam

    def weights(self, gamma: np.ndarray, tf: list[np.ndarray | None] | None = None) -> np.ndarray:
        """float32[pairs, attributes]: each attribute's weight for each pair (the evidence)."""
        lw = self.level_weights()
        out = np.empty(gamma.shape, np.float32)
        for j, w in enumerate(lw):
            out[:, j] = w[gamma[:, j]]
            if tf is not None and tf[j] is not None:
                hit = gamma[:, j] == len(w) - 1
                out[hit, j] = self.tf_weights(j, tf[j][hit])
        return out

    def tf_weights(self, j: int, freq: np.ndarray) -> np.ndarray:
        """float32 weight of attribute j's exact agreement on each value of frequency ``freq``."""
        top = len(self.m[j]) - 1  # the exact level is always the last
        return np.log2(max(self.m[j][top], _FLOOR) / np.maximum(freq, _FLOOR)).astype(np.float32)

    def score_levels(self, gamma: np.ndarray, prior: float | None = None,
                     tf: list[tuple[np.ndarray, np.ndarray] | None] | None = None,
                     left: np.ndarray | None = None, check: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """(float32 weight, float32 probability) per pair straight from its levels: :meth:`score`
        of :meth:`weights` in one pass. ``tf[j]``: (value code per mention, frequency per code),
        read at the pairs' ``left`` mentions; ``check=False``: see ``core.score.fs_scores``."""
        tables = None if tf is None else [None if t is None else (t[0], self.tf_weights(j, t[1]))
                                          for j, t in enumerate(tf)]
        return fs_scores(gamma, [w.astype(np.float32) for w in self.level_weights()], self.prior_weight(prior),
                         tables, left, check)

    def score(self, weights: np.ndarray, prior: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        total = weights.sum(axis=1, dtype=np.float64) + self.prior_weight(prior)
        prob = 1.0 / (1.0 + np.exp2(-np.clip(total, -60, 60)))
        return total.astype(np.float32), prob.astype(np.float32)

    # ------------------------------------------------------------------ file
    def to_dict(self) -> dict:
        comps = []
        for c, m, u, w in zip(self.comparisons, self.m, self.u, self.level_weights()):
            comps.append({
                "attribute": c.name, "method": c.method, "columns": list(c.columns), "tf": c.tf,
                "levels": [{"level": name, "m": round(float(mi), 8), "u": round(float(ui), 8),
                            "weight": round(float(wi), 4)} for name, mi, ui, wi in zip(c.levels, m, u, w)],
            })
        return {"format": "weft-fellegi-sunter", "version": FORMAT_VERSION, "kind": self.kind,
                "prior": self.prior, "threshold": self.threshold, "em_iterations": self.em_iterations,
                "trained_on": self.trained_on, "comparisons": comps}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Model:
        path = Path(path)
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise ValueError(f"{path}: cannot read model parameters: {e}") from None
        if d.get("format") != "weft-fellegi-sunter":
            raise ValueError(f"{path}: not a weft model file")
        if d.get("version") != FORMAT_VERSION:
            raise ValueError(f"{path}: model format version {d.get('version')}, this weft reads {FORMAT_VERSION}")
        comps, ms, us = [], [], []
        for c in d["comparisons"]:
            comp = Comparison(c["attribute"], c["method"], tuple(c["columns"]), c.get("tf"))
            names = [lv["level"] for lv in c["levels"]]
            if tuple(names) != comp.levels:
                raise ValueError(f"{path}: {c['attribute']}: levels {names} differ from this weft's {list(comp.levels)}")
            comps.append(comp)
            ms.append(np.array([lv["m"] for lv in c["levels"]]))
            us.append(np.array([lv["u"] for lv in c["levels"]]))
        return cls(d["kind"], comps, ms, us, float(d["prior"]), float(d.get("threshold", 0.95)),
                   d.get("trained_on", {}), int(d.get("em_iterations", 0)))


def patterns(gamma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a level matrix and their counts (mixed-radix codes, sort and mask: numpy's
    ``unique(axis=0)`` is orders of magnitude slower)."""
    if len(gamma) == 0:
        return gamma[:0], np.zeros(0, np.int64)
    radix = gamma.max(axis=0).astype(np.int64) + 1
    code = np.zeros(len(gamma), np.int64)
    for j in range(gamma.shape[1]):  # in place: 60M pairs at 10M persons, two temporaries a column
        code *= radix[j]
        code += gamma[:, j]
    code.sort()
    first = np.ones(len(code), bool)
    first[1:] = code[1:] != code[:-1]
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, len(code)))
    uniq = code[starts]
    out = np.empty((len(uniq), gamma.shape[1]), np.uint8)
    for j in range(gamma.shape[1] - 1, -1, -1):
        out[:, j] = uniq % radix[j]
        uniq = uniq // radix[j]
    return out, counts


def _normalise(counts: np.ndarray) -> np.ndarray:
    p = counts.astype(np.float64).copy()
    p[0] = 0.0
    s = p[1:].sum()
    if s > 0:
        p[1:] /= s
    else:
        p[1:] = 1.0 / (len(p) - 1)
    p[1:] = np.maximum(p[1:], _FLOOR)
    p[1:] /= p[1:].sum()
    return p


def estimate_u(feats: Features, comparisons: list[Comparison], rng: np.random.Generator,
               pairs: int = 1_000_000) -> list[np.ndarray]:
    """u per attribute and level from uniformly random pairs of distinct mentions."""
    n = feats.n
    if n < 2:
        return [_normalise(np.ones(len(c.levels))) for c in comparisons]
    pairs = min(pairs, n * (n - 1) // 2)
    left = rng.integers(0, n, pairs)
    right = rng.integers(0, n - 1, pairs)
    right += right >= left  # never a mention with itself
    gamma = compute_levels(feats, comparisons, left, right)
    return [_normalise(np.bincount(gamma[:, j], minlength=len(c.levels)))
            for j, c in enumerate(comparisons)]


def _initial_m(c: Comparison) -> np.ndarray:
    # agreement levels are listed weakest first: start m rising with the level
    k = len(c.levels)
    m = np.zeros(k)
    m[1:] = np.geomspace(0.02, 1.0, k - 1)
    m[-1] *= 4  # exact agreement dominates among matches
    return _normalise(m)


def train(kind: str, comparisons: list[Comparison], gamma: np.ndarray, u: list[np.ndarray],
          *, max_iter: int = 50, tol: float = 1e-5, prior: float = 0.3, threshold: float = 0.95) -> Model:
    """EM for m and λ over candidate-pair comparison vectors ``gamma`` with u held fixed."""
    a = len(comparisons)
    m = [_initial_m(c) for c in comparisons]
    if len(gamma) == 0:
        return Model(kind, comparisons, m, u, prior, threshold, {"pairs": 0})
    # EM runs on distinct vectors weighted by their counts
    pats, counts = patterns(gamma)
    counts = counts.astype(np.float64)
    it = 0
    lam = prior
    for it in range(1, max_iter + 1):
        log_m = np.zeros(len(pats))
        log_u = np.zeros(len(pats))
        for j in range(a):
            g = pats[:, j]
            known = g > 0
            log_m[known] += np.log(np.maximum(m[j][g[known]], _FLOOR))
            log_u[known] += np.log(np.maximum(u[j][g[known]], _FLOOR))
        logit = math.log(lam / (1 - lam)) + log_m - log_u
        post = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
        wpost = post * counts
        new_lam = float(wpost.sum() / counts.sum())
        new_m = [_normalise(np.bincount(pats[:, j], weights=wpost, minlength=len(comparisons[j].levels)))
                 for j in range(a)]
        delta = max([abs(new_lam - lam)] + [float(np.abs(x - y).max()) for x, y in zip(new_m, m)])
        m, lam = new_m, min(max(new_lam, 1e-9), 1 - 1e-9)
        if delta < tol:
            break
    return Model(kind, comparisons, m, u, lam, threshold,
                 {"pairs": len(gamma), "patterns": len(pats)}, it)
