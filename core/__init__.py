"""Numba kernels over NumPy arrays: checksums, string codes, comparators, hashing.

No Arrow objects, no I/O, no configuration here (DESIGN §4); ``weft.linkage`` adapts Arrow columns
into the arrays these kernels take.
"""
