"""Standardization: department values -> canonical columns, derived keys and quality codes.

Every standardizer takes an Arrow string column (any length, chunked or sliced, with nulls) and
returns a ``dict`` of Arrow arrays of the same length. It never raises on a bad value: the value is
nulled or kept and its ``*_q`` quality code says why (:mod:`.quality`).
"""
