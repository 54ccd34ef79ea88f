"""Streaming readers: a department file -> record batches of the spec's columns, as strings.

Parquet, Arrow IPC (file or stream) and CSV (UTF-8 or GB18030). Memory is bounded by
``batch_size``. A row that cannot be read (wrong number of fields, undecodable bytes) becomes a
:class:`Reject` with its line and reason while the other rows go on; a file that cannot be read at
all raises :class:`ReadError` naming it. Column checks happen before the first batch is returned.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from .specs import SourceSpec, SpecError

__all__ = ["Reject", "ReadError", "read_batches", "DEFAULT_BATCH"]

DEFAULT_BATCH = 65_536


class ReadError(OSError):
    """A data file that cannot be opened or parsed at all."""


@dataclass(frozen=True)
class Reject:
    source: str
    row: int | None  # data row (0-based) or CSV line number (1-based) when known
    record_id: str | None
    field: str | None  # column or attribute
    reason: str


def _check_columns(spec: SourceSpec, schema: pa.Schema) -> None:
    have = set(schema.names)
    if spec.record_id and spec.record_id not in have:
        raise SpecError(spec.spec_path, "source.record_id", f"column {spec.record_id!r} not in {spec.file.name} "
                                                            f"(columns: {', '.join(schema.names)})")
    for i, m in enumerate(spec.mentions):
        for f in m.fields:
            if f.column not in have:
                raise SpecError(spec.spec_path, f"mention[{i}].fields.{f.attribute}",
                                f"column {f.column!r} not in {spec.file.name} (columns: {', '.join(schema.names)})")


def _as_strings(batch: pa.RecordBatch, columns: list[str]) -> pa.RecordBatch:
    arrays = []
    for c in columns:
        a = batch.column(c)
        if not (pa.types.is_string(a.type) or pa.types.is_large_string(a.type)):
            a = pc.cast(a, pa.string())
        arrays.append(a)
    return pa.RecordBatch.from_arrays(arrays, names=columns)


def _rebatch(batches: Iterator[pa.RecordBatch], size: int) -> Iterator[pa.RecordBatch]:
    for b in batches:
        for start in range(0, b.num_rows, size):
            yield b.slice(start, size)


def _parquet(spec: SourceSpec, cols: list[str], size: int):
    try:
        f = pq.ParquetFile(spec.file)
    except (OSError, pa.ArrowException) as e:
        raise ReadError(f"{spec.file}: cannot read as Parquet: {e}") from None
    _check_columns(spec, f.schema_arrow)
    return f.iter_batches(batch_size=size, columns=cols)


def _arrow(spec: SourceSpec, cols: list[str], size: int):
    try:
        src = pa.memory_map(str(spec.file))
        try:
            reader = ipc.open_file(src)
            schema, batches = reader.schema, (reader.get_batch(i) for i in range(reader.num_record_batches))
        except pa.ArrowInvalid:
            src.seek(0)
            reader = ipc.open_stream(src)
            schema, batches = reader.schema, iter(reader)
    except (OSError, pa.ArrowException) as e:
        raise ReadError(f"{spec.file}: cannot read as Arrow IPC: {e}") from None
    _check_columns(spec, schema)
    return _rebatch((b.select(cols) for b in batches), size)


class _Transcoder(io.RawIOBase):
    """GB18030 (or GBK) -> UTF-8, line by line; undecodable lines are rejected, not fatal."""

    def __init__(self, path: Path, encoding: str, on_bad_line):
        self._f = open(path, "rb")
        self._enc = encoding
        self._bad = on_bad_line
        self._buf = b""
        self._line = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while len(self._buf) < len(b):
            raw = self._f.readline()
            if not raw:
                break
            self._line += 1
            try:
                self._buf += raw.decode(self._enc).encode("utf-8")
            except UnicodeDecodeError as e:
                self._bad(self._line, f"bytes not valid {self._enc} at column {e.start + 1}")
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    def close(self) -> None:
        self._f.close()
        super().close()


def _csv(spec: SourceSpec, cols: list[str], size: int, rejects: list[Reject]):
    def bad_row(row) -> str:
        rejects.append(Reject(spec.name, row.number, None, None,
                              f"{row.actual_columns} fields where the header has {row.expected_columns}"))
        return "skip"

    def bad_line(line: int, reason: str) -> None:
        rejects.append(Reject(spec.name, line, None, None, reason))

    utf8 = spec.encoding.lower().replace("-", "") == "utf8"
    try:
        source = spec.file if utf8 else io.BufferedReader(_Transcoder(spec.file, spec.encoding, bad_line), 1 << 20)
        # binary first: a bad UTF-8 value then costs one row, not the file (see _valid_utf8)
        reader = pacsv.open_csv(
            source,
            read_options=pacsv.ReadOptions(block_size=1 << 22, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=spec.delimiter, invalid_row_handler=bad_row,
                                             newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.binary() for c in cols}, include_columns=cols,
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (OSError, pa.ArrowException) as e:
        raise ReadError(f"{spec.file}: cannot read as CSV ({spec.encoding}): {e}") from None
    _check_columns(spec, reader.schema)
    return _rebatch((_valid_utf8(spec, b, rejects) for b in reader), size)


def _valid_utf8(spec: SourceSpec, batch: pa.RecordBatch, rejects: list[Reject]) -> pa.RecordBatch:
    """Binary CSV columns -> strings; rows holding invalid UTF-8 are rejected (slow path, rare)."""
    try:
        return pa.RecordBatch.from_arrays([pc.cast(c, pa.string()) for c in batch.columns], names=batch.schema.names)
    except pa.ArrowInvalid:
        keep = []
        for i in range(batch.num_rows):
            bad = next((n for n, c in zip(batch.schema.names, batch.columns) if not _decodes(c[i].as_py())), None)
            if bad is None:
                keep.append(i)
            else:
                rejects.append(Reject(spec.name, None, None, bad, "bytes not valid UTF-8"))
        batch = batch.take(pa.array(keep, pa.int64()))
        return pa.RecordBatch.from_arrays([pc.cast(c, pa.string()) for c in batch.columns], names=batch.schema.names)


def _decodes(v: bytes | None) -> bool:
    try:
        v is None or v.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def read_batches(spec: SourceSpec, rejects: list[Reject], batch_size: int = DEFAULT_BATCH) -> Iterator[pa.RecordBatch]:
    """Record batches holding the spec's columns (strings), record id first when it has one.

    Raises SpecError for a missing column and ReadError for an unreadable file, both before the
    first batch; unreadable rows are appended to ``rejects``.
    """
    if not spec.file.exists():
        raise ReadError(f"{spec.file}: no such data file (named in {spec.spec_path})")
    cols = spec.columns()
    if spec.format == "parquet":
        batches = _parquet(spec, cols, batch_size)
    elif spec.format == "arrow":
        batches = _arrow(spec, cols, batch_size)
    else:
        batches = _csv(spec, cols, batch_size, rejects)
    return (_as_strings(b, cols) for b in batches)
