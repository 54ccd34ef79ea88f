"""Benchmarks, accuracy runs and the synthetic-city generator (``weft.bench.gen``)."""

from pathlib import Path


def specs_dir() -> Path:
    """The source specs shipped for the files ``weft generate`` writes."""
    return Path(__file__).resolve().parent / "specs"
