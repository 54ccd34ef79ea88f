"""Benchmarks, accuracy runs and the synthetic-city generator (``weft.bench.gen``)."""
