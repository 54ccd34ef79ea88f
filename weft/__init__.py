"""weft: identity resolution for city government records.

Persons (实有人口), legal entities (法人) and houses (房屋), reconciled from the records that
departments exchange. Layers: ``weft.core`` (Numba kernels), ``weft.linkage`` (the pipeline over
Arrow), ``weft.server`` (gRPC), ``weft.bench`` (generator and benchmarks).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("weft")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
