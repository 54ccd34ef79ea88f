"""Randomness for the generator: chunk-local generators and counter-based hashes.

Entities that any chunk may refer to (houses, companies) are pure functions of their index, drawn
from a counter-based hash of (seed, stream, index). Nothing global has to be held in memory, and a
chunk can render house 5,123,456 without having generated the ones before it.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["chunk_rng", "hash_u64", "hash_uniform", "hash_below", "pick_weighted", "Weighted"]

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)


def _stream_key(stream: str) -> int:
    return zlib.crc32(stream.encode()) & 0xFFFFFFFF


def chunk_rng(seed: int, chunk: int, stream: str) -> np.random.Generator:
    """A generator for one chunk and one purpose; independent of every other (seed, chunk, stream)."""
    return np.random.default_rng([seed & 0xFFFFFFFF, seed >> 32, chunk, _stream_key(stream)])


def hash_u64(seed: int, stream: str, index: np.ndarray) -> np.ndarray:
    """splitmix64 of (seed, stream, index): uniform uint64 per index, deterministic."""
    x = np.asarray(index, dtype=np.uint64)
    key = np.uint64((seed * 0x100000001B3 + _stream_key(stream)) & 0xFFFFFFFFFFFFFFFF)
    with np.errstate(over="ignore"):
        z = x * _GOLD + key
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return z ^ (z >> np.uint64(31))


def hash_uniform(seed: int, stream: str, index: np.ndarray) -> np.ndarray:
    """Uniform floats in [0, 1) from :func:`hash_u64` (53 bits)."""
    return (hash_u64(seed, stream, index) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def hash_below(seed: int, stream: str, index: np.ndarray, n: int | np.ndarray) -> np.ndarray:
    """Uniform integers in [0, n) (n may be an array)."""
    return np.minimum((hash_uniform(seed, stream, index) * n).astype(np.int64), np.asarray(n) - 1)


class Weighted:
    """A categorical distribution over ``values`` sampled by inverse CDF."""

    def __init__(self, pairs):
        pairs = list(pairs)
        self.values = [p[0] for p in pairs]
        w = np.array([p[1] for p in pairs], dtype=np.float64)
        if len(w) == 0 or (w <= 0).any():
            raise ValueError("weights must be positive and non-empty")
        self.cdf = np.cumsum(w / w.sum())
        self.cdf[-1] = 1.0

    def index(self, u: np.ndarray) -> np.ndarray:
        """Category index for uniforms ``u``."""
        return np.searchsorted(self.cdf, u, side="right").clip(0, len(self.cdf) - 1)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.index(rng.random(n))


def pick_weighted(rng: np.random.Generator, pairs, n: int) -> np.ndarray:
    """Indices into ``pairs`` (value, weight) for n draws."""
    return Weighted(pairs).sample(rng, n)
