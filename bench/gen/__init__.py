"""Synthetic Shenzhen: truth persons, companies and houses, and the department files describing them.

``generate(persons, seed, out)`` writes ``departments/*.parquet`` (one file per department, Chinese
column names and each department's own formats and habits), ``exam/`` (中考 registration forms),
``truth/`` (persons, companies, houses, relations, the entity behind every mention, and the log of
every corruption applied) and ``manifest.json``.
"""

from .corrupt import ConfigError, CorruptionConfig
from .generate import GenerateResult, generate

__all__ = ["generate", "GenerateResult", "CorruptionConfig", "ConfigError"]
