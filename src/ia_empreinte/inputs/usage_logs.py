"""Usage logs read at the edge with pyarrow: CSV, JSONL or Parquet into a ``UsageLog``.

A usage log has one request per row: a ``timestamp`` (ISO 8601; naive times are read as
UTC) and the request sizes (``input_tokens``, ``output_tokens``...), plus ``task`` for a
multi-task offer. pyarrow parses the file in record batches of about 1 MiB, with
declared column types (no type inference), so the resident memory is the columns kept
(8 bytes per number, 8 per timestamp, 1 per task) plus one batch, whatever the file.

The file is checked before it is read: a regular file (not a FIFO or a device), at most
2 GB. Every batch is checked as a whole (numpy); when pyarrow refuses the file or a
value is wrong, the file is re-read row by row only to name the line and the column of
the first bad value, in one line.

The caller says what a log may hold (:class:`LogSchema`: the request fields, the tasks
and their required fields, the bounds), so this layer knows no profile.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import re
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyarrow.json as pa_json  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from numpy.typing import NDArray

from ia_empreinte._files import not_regular, note_read
from ia_empreinte.errors import InputFileError
from ia_empreinte.types import Array
from ia_empreinte.usage_log import (
    MAX_BYTES,
    MAX_ROWS,
    SLOTS,
    LogBins,
    LogSchema,
    PartitionBins,
    UsageLog,
    bin_rows,
    merge_bins,
)

__all__ = ["read_log_bins", "read_usage_log"]

_BLOCK_BYTES = 1 << 20
_PARQUET_BATCH_ROWS = 65_536
_MAX_LINE_BYTES = 1 << 20
_SHOWN_CHARS = 60
_JSONL = (".jsonl", ".ndjson")
_PARQUET = (".parquet", ".pq")
_TS_UTC = pa.timestamp("us", tz="UTC")
_TS_NAIVE = pa.timestamp("us")
_ZONED = r"\d\d:\d\d(?::\d\d(?:\.\d*)?)?(?:Z|[+-]\d\d(?::?\d\d)?)$"
_YEAR_1_US = -62_135_596_800_000_000  # 0001-01-01T00:00:00Z, Python's first date


class _BadRow(Exception):
    """A bad value found in a batch: the row (0-based, in the file), column and problem."""

    def __init__(self, row: int, column: str | None, problem: str, *, show: bool = True):
        super().__init__(problem)
        self.row, self.column, self.problem, self.show = row, column, problem, show


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else f"{text[:_SHOWN_CHARS]}... ({len(text)} chars)"


# --- before reading ---------------------------------------------------------------


def _check_file(path: Path) -> int:
    """The size of ``path``, refused unless a regular file of at most MAX_BYTES.

    Opened without blocking, so that a FIFO is refused instead of waited on.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise InputFileError(f"cannot read the usage log ({exc.strerror})",
                             file=str(path)) from None
    try:
        info = os.fstat(fd)
    finally:
        os.close(fd)
    if stat.S_ISDIR(info.st_mode):
        raise InputFileError("cannot read the usage log (Is a directory)", file=str(path))
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(f"is {not_regular(info.st_mode)}; expected a regular file",
                             file=str(path))
    if info.st_size > MAX_BYTES:
        raise InputFileError("the usage log is larger than 2 GB", file=str(path))
    if info.st_size == 0:
        raise InputFileError("the usage log is empty", file=str(path))
    note_read(info)  # an output of this command may not overwrite it
    return info.st_size


def _kind(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(4)
    if head == b"PAR1" or path.suffix.lower() in _PARQUET:
        return "parquet"
    return "jsonl" if path.suffix.lower() in _JSONL else "csv"


class _Digest:
    """SHA-256 of a file, hashed on another thread while pyarrow parses it.

    The file is opened here, so that the hash is of the file being read even if it is
    removed meanwhile; the thread keeps any error for :meth:`result`.
    """

    def __init__(self, path: Path) -> None:
        self._found: list[str] = []
        self._failed: list[OSError] = []
        self._path = path
        handle = path.open("rb")
        self._thread = threading.Thread(target=self._run, args=(handle,), daemon=True,
                                        name="ia-empreinte-log-sha256")
        self._thread.start()

    def _run(self, handle: io.BufferedReader) -> None:
        try:
            with handle:
                self._found.append(hashlib.file_digest(handle, "sha256").hexdigest())
        except OSError as exc:
            self._failed.append(exc)

    def result(self) -> str:
        self._thread.join()
        if self._failed:
            raise InputFileError(f"cannot read the usage log ({self._failed[0].strerror})",
                                 file=str(self._path))
        return self._found[0]


# --- the batches ---------------------------------------------------------------------


@dataclass
class _Acc:
    """Checks each batch (numpy, vectorised) and keeps its columns."""

    schema: LogSchema
    names: tuple[str, ...]
    """The size columns of the file."""
    has_task: bool
    task: str | None
    """The task of every row, for a log without a task column."""
    rows: int = 0
    parts: dict[str, _Slabs] = field(default_factory=dict)
    codes: _Slabs = field(default_factory=lambda: _Slabs(np.uint8))
    hashes: _Slabs = field(default_factory=lambda: _Slabs(np.uint64))
    """A 64-bit hash of each row, to count repeated rows."""
    first: int | None = None
    last: int | None = None
    earliest: int | None = None
    latest: int | None = None
    in_order: bool = True
    """Every timestamp >= the one before."""
    ties: bool = False
    """Two consecutive rows have the same timestamp."""
    tied: _Slabs = field(default_factory=lambda: _Slabs(np.bool_))
    """Rows whose timestamp is the one before or after theirs."""
    seen: set[str] = field(default_factory=set)
    binned: bool = False
    """Count rows by size bin (:class:`LogBins`) instead of keeping the columns."""
    bins: list[LogBins] = field(default_factory=list)
    on_rows: Callable[[int], None] | None = None

    def add(self, batch: pa.RecordBatch) -> None:
        n = batch.num_rows
        if n == 0:
            return
        if self.rows + n > MAX_ROWS:
            raise _TooManyRows
        blanks: dict[str, NDArray[np.bool_]] = {}
        values: dict[str, Array] = {}
        for name in self.names:
            col = batch.column(name)
            arr = _numbers(col, np.float64, fill=float("nan"))
            blank = _flags(col.is_null()) if col.null_count else np.zeros(n, dtype=bool)
            with np.errstate(invalid="ignore"):
                bad = ~blank & ~(np.isfinite(arr) & (arr >= 0))
            if not self.has_task:
                bad |= blank
            if bad.any():
                raise _BadRow(self.rows + int(np.argmax(bad)), name, "expected a number >= 0")
            self._check_bounds(name, arr, blank)
            if not blank.all():
                self.seen.add(name)
            blanks[name], values[name] = blank, arr
        stamps = self._stamps(batch.column("timestamp"))
        codes = self._codes(batch, n)
        for k in np.flatnonzero(np.bincount(codes, minlength=len(self.schema.tasks))):
            task = self.schema.tasks[int(k)]
            mask = codes == k
            for f in self.schema.required[task]:
                missing = mask if f not in blanks else mask & blanks[f]
                if missing.any():
                    raise _BadRow(self.rows + int(np.argmax(missing)), f,
                                  f"task {task} needs a number here", show=False)
        if self.binned:
            self._bin(codes, values)
        else:
            for name, arr in values.items():
                self.parts.setdefault(name, _Slabs(np.float64)).extend(arr)
            self.codes.extend(codes)
        self.hashes.extend(_row_hashes(stamps, codes, list(values.values())))
        self._follow(stamps)
        self.rows += n
        if self.on_rows is not None:
            self.on_rows(n)

    def _bin(self, codes: NDArray[np.uint8], values: dict[str, Array]) -> None:
        """Count the batch's rows by bin; merged every 32 batches (bounded memory)."""
        slots = np.full((len(codes), SLOTS), np.nan)
        for k in np.flatnonzero(np.bincount(codes, minlength=len(self.schema.tasks))):
            mask = codes == k
            for j, name in enumerate(self.schema.slots[self.schema.tasks[int(k)]]):
                if name in values:
                    slots[mask, j] = values[name][mask]
        self.bins.append(bin_rows(codes, slots))
        if len(self.bins) >= 32:
            self.bins = [merge_bins(self.bins)]

    def _follow(self, stamps: NDArray[np.int64]) -> None:
        """Track the span and whether the rows are in time order, with ties."""
        low, high = int(stamps.min()), int(stamps.max())
        self.earliest = low if self.earliest is None else min(self.earliest, low)
        self.latest = high if self.latest is None else max(self.latest, high)
        step = np.diff(stamps)
        joint = None if self.last is None else int(stamps[0]) - self.last
        self.in_order &= bool((step >= 0).all()) and (joint is None or joint >= 0)
        same = step == 0
        tied = np.zeros(len(stamps), dtype=bool)
        tied[:-1] |= same
        tied[1:] |= same
        if joint == 0:
            tied[0] = True
            self.tied.slabs[-1][self.tied.fill - 1] = True
        self.ties |= bool(tied.any())
        self.tied.extend(tied)
        self.last = int(stamps[-1])

    def _check_bounds(self, name: str, arr: Array, blank: NDArray[np.bool_]) -> None:
        known = arr[~blank] if blank.any() else arr
        if known.size == 0:
            return
        if all(self.schema.bound_error(name, float(v)) is None
               for v in (known.min(), known.max())):
            return
        for i, v in enumerate(arr.tolist()):
            problem = None if blank[i] else self.schema.bound_error(name, v)
            if problem is not None:
                raise _BadRow(self.rows + i, name, problem, show=False)

    def _stamps(self, col: pa.Array | pa.ChunkedArray) -> NDArray[np.int64]:
        if pa.types.is_timestamp(col.type):  # Parquet: already times (naive read as UTC)
            us = col.cast(pa.timestamp("us", tz=col.type.tz))
            out = _numbers(us.cast(pa.int64()), np.int64, fill=0)
            bad = _flags(col.is_null())
        else:
            text = col.cast(pa.string())
            bad = _flags(text.is_null())
            parsed = None if bad.any() else _parse_stamps(text)
            if parsed is None:
                first = int(np.argmax(bad)) if bad.any() else _first_bad_stamp(text)
                raise _BadRow(self.rows + first, "timestamp",
                              "expected an ISO 8601 date-time")
            out = parsed
        early = bad | (out < _YEAR_1_US)
        if early.any():
            raise _BadRow(self.rows + int(np.argmax(early)), "timestamp",
                          "expected an ISO 8601 date-time")
        return out.astype(np.int64, copy=False)

    def _codes(self, batch: pa.RecordBatch, n: int) -> NDArray[np.uint8]:
        if not self.has_task:
            assert self.task is not None
            return np.full(n, self.schema.tasks.index(self.task), dtype=np.uint8)
        col = batch.column("task").cast(pa.string())
        idx = pc.index_in(col, value_set=pa.array(self.schema.tasks, pa.string()))
        unknown = _flags(idx.is_null())
        if unknown.any():
            raise _BadRow(self.rows + int(np.argmax(unknown)), "task",
                          "unknown task {value}; expected one of "
                          + ", ".join(self.schema.tasks), show=False)
        return _numbers(idx, np.int32, fill=0).astype(np.uint8)

    def repeats(self) -> int:
        """Rows that repeat an earlier row exactly."""
        # repeats share their timestamp: in a log in time order, only ties are compared
        hashes = self.hashes.joined()
        tied = self.tied.joined()
        if self.in_order:
            hashes = hashes[tied] if self.ties else hashes[:0]
        del tied
        hashes.sort()
        return int((hashes[1:] == hashes[:-1]).sum())

    def finish(self, sha256: str) -> UsageLog:
        assert self.earliest is not None and self.latest is not None
        # int / int is correctly rounded, as datetime.timestamp() is (past 2**53 us too)
        span_s = self.latest / 10**6 - self.earliest / 10**6
        repeats = self.repeats()
        columns = {k: v.joined() for k, v in self.parts.items()}
        return UsageLog(columns=columns, task_names=self.schema.tasks,
                        task_codes=self.codes.joined(), span_s=span_s, rows=self.rows,
                        sha256=sha256, duplicate_rows=repeats)


class _TooManyRows(Exception):
    """More rows than MAX_ROWS."""


_SLAB_ROWS = 1 << 23  # 64 MiB of float64: numpy maps it from the system, and gives it back


class _Slabs:
    """A growing column kept in slabs of 8 Mi rows (no copy of everything to grow, and
    memory returned to the system once joined, slab by slab)."""

    def __init__(self, dtype: type[np.generic]) -> None:
        self.dtype = dtype
        self.slabs: list[NDArray[Any]] = []
        self.fill = _SLAB_ROWS

    def extend(self, values: NDArray[Any]) -> None:
        at = 0
        while at < len(values):
            if self.fill == _SLAB_ROWS:
                self.slabs.append(np.empty(_SLAB_ROWS, dtype=self.dtype))  # pages on write
                self.fill = 0
            k = min(_SLAB_ROWS - self.fill, len(values) - at)
            self.slabs[-1][self.fill:self.fill + k] = values[at:at + k]
            self.fill += k
            at += k

    def joined(self) -> NDArray[Any]:
        if not self.slabs:
            return np.empty(0, dtype=self.dtype)
        if len(self.slabs) == 1:
            return self.slabs.pop()[:self.fill].copy()
        out = np.empty((len(self.slabs) - 1) * _SLAB_ROWS + self.fill, dtype=self.dtype)
        self.slabs.reverse()
        at = 0
        while self.slabs:
            slab = self.slabs.pop()
            k = _SLAB_ROWS if self.slabs else self.fill
            out[at:at + k] = slab[:k]
            at += k
        return out


def _numbers(col: Any, dtype: type[np.generic], *, fill: float) -> NDArray[Any]:
    """A numeric pyarrow array as numpy, nulls as ``fill`` (zero copy when possible).

    Read from the array's data buffer: ``to_numpy`` imports pandas when it is installed
    (about 0.3 s). Integers (signed or unsigned) and float64 only.
    """
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if col.null_count:
        col = pc.fill_null(col, pa.scalar(fill, col.type))
    width = col.type.bit_width // 8
    data = np.frombuffer(col.buffers()[1], dtype=np.dtype(f"<i{width}") if
                         pa.types.is_integer(col.type) else np.float64,
                         count=len(col), offset=col.offset * width)
    return np.asarray(data, dtype=dtype)


def _flags(col: Any) -> NDArray[np.bool_]:
    """A boolean pyarrow array (no nulls) as numpy."""
    return _numbers(pc.cast(col, pa.uint8()), np.uint8, fill=0).astype(bool)

def _parse_stamps(text: pa.Array | pa.ChunkedArray) -> NDArray[np.int64] | None:
    """Microseconds since the epoch (UTC), or None when pyarrow refuses one."""
    try:
        return _numbers(pc.cast(text, _TS_UTC).cast(pa.int64()), np.int64, fill=0)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    zoned = _flags(pc.match_substring_regex(text, _ZONED))
    out = np.empty(len(text), dtype=np.int64)
    for mask, kind in ((zoned, _TS_UTC), (~zoned, _TS_NAIVE)):
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            continue
        try:
            part = pc.cast(text.take(pa.array(idx)), kind).cast(pa.int64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        out[idx] = _numbers(part, np.int64, fill=0)
    return out


def _first_bad_stamp(text: pa.Array | pa.ChunkedArray) -> int:
    """The first stamp of a batch that pyarrow refuses (bisection, each half parsed)."""
    lo, hi = 0, len(text)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _parse_stamps(text.slice(lo, mid - lo)) is None:
            hi = mid
        else:
            lo = mid
    return lo


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _row_hashes(stamps: NDArray[np.int64], codes: NDArray[np.uint8],
                columns: list[Array]) -> NDArray[np.uint64]:
    """A 64-bit hash of each row's values (timestamp, task, sizes), to count repeats.

    Two different rows share one with odds of about n^2 / 2^65: below one in 30 million
    for a million rows.
    """
    h = stamps.view(np.uint64) * _MIX ^ codes.astype(np.uint64)
    for values in columns:
        bits = np.where(np.isnan(values), np.nan, values + 0.0).view(np.uint64)  # +0.0, 1 NaN
        h = (h ^ (h >> np.uint64(29))) * _MIX ^ bits
    return h


# --- CSV -----------------------------------------------------------------------------


def _lines(f: BinaryIO, path: Path) -> Iterator[str]:
    """The text lines of ``f``, each read with a bound (a file without newlines is not
    loaded whole); a line over 1 MiB or not UTF-8 is refused, naming it."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    for number, raw in enumerate(iter(lambda: f.readline(_MAX_LINE_BYTES + 1), b""), 1):
        if len(raw) > _MAX_LINE_BYTES:
            raise InputFileError(f"line {number}: longer than 1 MiB; expected one request "
                                 "per line", file=str(path))
        try:
            yield decoder.decode(raw)
        except UnicodeDecodeError:
            raise InputFileError(f"line {number}: not UTF-8 text; expected a UTF-8 usage log",
                                 file=str(path)) from None


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every non-blank data row, read one by one (error paths only)."""
    with path.open("rb") as f:
        reader = csv.reader(_lines(f, path))
        try:
            next(reader, None)
            for row in reader:
                if row:
                    yield reader.line_num, row
        except csv.Error as exc:
            too_long = "field larger than field limit" in str(exc)
            what = ("a cell is longer than 128 KiB; expected a short value" if too_long
                    else f"invalid CSV ({exc})")
            raise InputFileError(f"line {reader.line_num}: {what}",
                                 file=str(path)) from None


def _csv_header(path: Path) -> list[str]:
    with path.open("rb") as f:
        first = next(_lines(f, path), "")
    try:
        header = next(csv.reader([first]), [])
    except csv.Error as exc:
        raise InputFileError(f"line 1: invalid CSV header ({exc})", file=str(path)) from None
    return [h.strip() for h in header]


def _csv_batches(path: Path, header: list[str], sizes: tuple[str, ...], stamps: pa.DataType
                 ) -> Iterator[pa.RecordBatch]:
    """pyarrow's CSV batches, every column's type declared: ``stamps`` is the zoned
    timestamp type (parsed as the file is read), or text when the log has times
    without a zone (parsed batch by batch)."""
    types: dict[str, pa.DataType] = dict.fromkeys(header, pa.string())
    types |= {name: pa.float64() for name in header if name in sizes}
    types["timestamp"] = stamps
    reader = pa_csv.open_csv(
        path,
        read_options=pa_csv.ReadOptions(block_size=_BLOCK_BYTES, skip_rows=1,
                                        column_names=header, use_threads=True),
        parse_options=pa_csv.ParseOptions(newlines_in_values=False),
        convert_options=pa_csv.ConvertOptions(
            column_types=types, null_values=[""], true_values=[], false_values=[],
            strings_can_be_null=True, quoted_strings_can_be_null=True),
    )
    yield from reader


_CONVERSION = re.compile(r"In CSV column #(\d+): CSV conversion error to \w+: "
                         r"invalid value '(.*)'$", re.DOTALL)


def _csv_refused(path: Path, header: list[str], message: str) -> InputFileError:
    """Name the line and the column of what pyarrow refused, re-reading row by row."""
    conversion = _CONVERSION.search(message)
    for line, row in _csv_rows(path):
        if len(row) != len(header):
            return InputFileError(f"line {line}: expected {len(header)} columns, got {len(row)}",
                                  file=str(path))
        if conversion is not None:
            j, value = int(conversion.group(1)), conversion.group(2)
            if row[j] == value or row[j].strip() == value:
                return InputFileError(
                    f"line {line}: column '{header[j]}': expected a number >= 0, "
                    f"got {_shown(row[j])}", file=str(path))
    return InputFileError(f"cannot read the usage log ({message.splitlines()[0]})",
                          file=str(path))


# --- JSONL ---------------------------------------------------------------------------


def _jsonl_objects(path: Path) -> Iterator[tuple[int, Any]]:
    """(line, decoded value) of every non-blank line, one by one (error paths only)."""
    with path.open("rb") as f:
        for number, line in enumerate(_lines(f, path), 1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFileError(f"line {number}: invalid JSON ({exc.msg})",
                                     file=str(path)) from None
            except RecursionError:
                raise InputFileError(f"line {number}: invalid JSON (nested too deeply)",
                                     file=str(path)) from None


def _jsonl_batches(path: Path, schema: LogSchema) -> Iterator[pa.RecordBatch]:
    fields = [pa.field("timestamp", pa.string()), pa.field("task", pa.string())]
    fields += [pa.field(name, pa.float64()) for name in schema.sizes]
    reader = pa_json.open_json(
        path,
        read_options=pa_json.ReadOptions(block_size=_BLOCK_BYTES, use_threads=True),
        parse_options=pa_json.ParseOptions(explicit_schema=pa.schema(fields),
                                           unexpected_field_behavior="error"),
    )
    yield from reader


def _jsonl_refused(path: Path, schema: LogSchema, message: str) -> InputFileError:
    known = ("timestamp", "task", *schema.sizes)
    for line, obj in _jsonl_objects(path):
        if not isinstance(obj, dict):
            return InputFileError(f"line {line}: expected a JSON object per line",
                                  file=str(path))
        for key, value in obj.items():
            if key not in known:
                return InputFileError(
                    f"line {line}: unknown column {_shown(key)}; expected timestamp, task and "
                    f"request fields ({', '.join(schema.sizes)})", file=str(path))
            if key in schema.sizes and value is not None and (
                    isinstance(value, bool) or not isinstance(value, int | float)):
                return InputFileError(
                    f"line {line}: column '{key}': expected a number >= 0, got {_shown(value)}",
                    file=str(path))
            if key in ("timestamp", "task") and value is not None and not isinstance(value, str):
                return InputFileError(
                    f"line {line}: column '{key}': expected a string, got {_shown(value)}",
                    file=str(path))
    return InputFileError(f"cannot read the usage log ({message.splitlines()[0]})",
                          file=str(path))


# --- Parquet -------------------------------------------------------------------------


def _parquet_file(path: Path) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputFileError(f"not a readable Parquet file ({str(exc).splitlines()[0]})",
                             file=str(path)) from None


def _parquet_batches(path: Path, pf: pq.ParquetFile, header: list[str], sizes: tuple[str, ...]
                     ) -> Iterator[pa.RecordBatch]:
    for batch in pf.iter_batches(batch_size=_PARQUET_BATCH_ROWS, columns=header):
        arrays = []
        for name in header:
            col = batch.column(name)
            if name in sizes:
                if not (pa.types.is_integer(col.type) or pa.types.is_floating(col.type)
                        or pa.types.is_decimal(col.type) or pa.types.is_null(col.type)):
                    raise InputFileError(f"column '{name}': expected numbers, found {col.type}",
                                         file=str(path))
                col = col.cast(pa.float64())
            arrays.append(col)
        yield pa.RecordBatch.from_arrays(arrays, names=header)


# --- the whole -----------------------------------------------------------------------


def _check_header(path: Path, header: list[str], schema: LogSchema) -> str | None:
    """Refuse a repeated, unknown or missing column; the task of a log without a task
    column (None when it has one)."""
    repeated = [h for i, h in enumerate(header) if h in header[:i]]
    if repeated:
        raise InputFileError(f"column {_shown(repeated[0])} appears twice; expected each "
                             "column once", file=str(path))
    unknown = [h for h in header if h not in (*schema.sizes, "timestamp", "task")]
    if unknown:
        raise InputFileError(
            f"unknown column {_shown(unknown[0])}; expected timestamp, task and request fields "
            f"({', '.join(schema.sizes)})", file=str(path))
    if "timestamp" not in header:
        raise InputFileError("missing column 'timestamp'", file=str(path))
    if "task" in header:
        return None
    task = schema.infer_task(frozenset(h for h in header if h in schema.sizes))
    if task is None:
        raise InputFileError("cannot tell the task from the columns; add a 'task' column",
                             file=str(path))
    return task


def read_usage_log(path: str | Path, schema: LogSchema) -> UsageLog:
    """Read and validate a usage log: CSV (header row), JSONL or Parquet.

    Raises:
        InputFileError: one line naming the file, and for a bad value its line (its row
            in a Parquet file) and column.
    """
    acc, sha256 = _read(Path(path), schema, binned=False)
    return acc.finish(sha256)


def read_log_bins(path: str | Path, schema: LogSchema, *,
                  key: tuple[tuple[str, str], ...] = (),
                  on_rows: Callable[[int], None] | None = None) -> PartitionBins:
    """Read and validate a usage log as :func:`read_usage_log` does, counting its rows by
    size bin as the batches go (:class:`~ia_empreinte.usage_log.LogBins`): the memory
    kept is the bins and 9 bytes a row (to count repeated rows), not the columns.

    Args:
        path: the file (CSV, JSONL or Parquet).
        schema: what a log may hold, with each task's ``slots``.
        key: the partition fields and values the file belongs to.
        on_rows: called with the number of rows of each batch read (progress).

    Raises:
        InputFileError: as :func:`read_usage_log`.
    """
    acc, sha256 = _read(Path(path), schema, binned=True, on_rows=on_rows)
    assert acc.earliest is not None and acc.latest is not None
    return PartitionBins(key=key, bins=merge_bins(acc.bins), first_us=acc.earliest,
                         last_us=acc.latest, sha256=sha256, duplicate_rows=acc.repeats())


def _read(p: Path, schema: LogSchema, *, binned: bool,
          on_rows: Callable[[int], None] | None = None) -> tuple[_Acc, str]:
    """The checked batches of ``p`` gathered by an :class:`_Acc`, and the file's SHA-256."""
    _check_file(p)
    kind = _kind(p)
    digest = _Digest(p)
    header: list[str] = []
    batches: Iterator[pa.RecordBatch] = iter(())

    def new_acc(names: tuple[str, ...], has_task: bool, task: str | None) -> _Acc:
        return _Acc(schema, names, has_task, task, binned=binned, on_rows=on_rows)

    acc = new_acc((), False, None)
    try:
        if kind == "csv":
            header = _csv_header(p)
            task = _check_header(p, header, schema)
            try:  # most logs have zoned times, parsed as they are read
                acc = new_acc(tuple(h for h in header if h in schema.sizes),
                              "task" in header, task)
                for batch in _csv_batches(p, header, schema.sizes, _TS_UTC):
                    acc.add(batch)
            except pa.ArrowInvalid as exc:
                if f"In CSV column #{header.index('timestamp')}: " not in str(exc):
                    raise
                # a time without a zone (read as UTC) or no time at all: read them as text
                acc = new_acc(tuple(h for h in header if h in schema.sizes),
                              "task" in header, task)
                batches = _csv_batches(p, header, schema.sizes, pa.string())
        elif kind != "jsonl":
            pf = _parquet_file(p)
            if pf.metadata.num_rows > MAX_ROWS:  # compressed: its size says little
                raise InputFileError(
                    f"the usage log has more than {MAX_ROWS:,} rows; expected at most that "
                    "many (split it by period)", file=str(p))
            header = list(pf.schema_arrow.names)
            task = _check_header(p, header, schema)
            acc = new_acc(tuple(h for h in header if h in schema.sizes),
                          "task" in header, task)
            batches = _parquet_batches(p, pf, header, schema.sizes)
        if kind == "jsonl":
            return _read_jsonl(p, schema, new_acc), digest.result()
        for batch in batches:
            acc.add(batch)
        if acc.rows == 0:
            raise InputFileError("the usage log has no request rows", file=str(p))
        return acc, digest.result()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        if kind == "csv":
            raise _csv_refused(p, header, str(exc)) from None
        if kind == "jsonl":
            raise _jsonl_refused(p, schema, str(exc)) from None
        raise InputFileError(f"not a readable Parquet file ({str(exc).splitlines()[0]})",
                             file=str(p)) from None
    except _BadRow as bad:
        raise _named(p, kind, bad) from None
    except _TooManyRows:
        raise InputFileError(f"the usage log has more than {MAX_ROWS:,} rows; expected at "
                             "most that many (split it by period)", file=str(p)) from None


def _read_jsonl(p: Path, schema: LogSchema,
                new_acc: Callable[[tuple[str, ...], bool, str | None], _Acc]) -> _Acc:
    """JSONL: any key may be absent from a line, so a first pass finds the columns the
    log uses (batch by batch, nothing kept), the second reads them."""
    has_task = stamped = False
    seen: set[str] = set()
    rows = 0
    for batch in _jsonl_batches(p, schema):
        rows += batch.num_rows
        if batch.num_rows:
            has_task |= batch.column("task").null_count < batch.num_rows
            stamped |= batch.column("timestamp").null_count < batch.num_rows
            seen |= {n for n in schema.sizes if batch.column(n).null_count < batch.num_rows}
    if rows == 0:
        raise InputFileError("the usage log has no request rows", file=str(p))
    if not stamped:
        raise InputFileError("missing column 'timestamp'", file=str(p))
    task = None
    if not has_task:
        task = schema.infer_task(frozenset(seen))
        if task is None:
            raise InputFileError("cannot tell the task from the columns; add a 'task' column",
                                 file=str(p))
    names = tuple(n for n in schema.sizes if n in seen)
    acc = new_acc(names, has_task, task)
    for batch in _jsonl_batches(p, schema):
        acc.add(batch.select(["timestamp", "task", *names]))
    return acc


def _named(path: Path, kind: str, bad: _BadRow) -> InputFileError:
    """The one-line error of a bad value: its line (re-read row by row) and column."""
    where = f"row {bad.row + 1}"
    raw: object = None
    if kind == "csv":
        header = _csv_header(path)
        for i, (line, row) in enumerate(_csv_rows(path)):
            if i == bad.row:
                where = f"line {line}"
                if bad.column in header and len(row) == len(header):
                    raw = row[header.index(bad.column)]
                break
    elif kind == "jsonl":
        for i, (line, obj) in enumerate(_jsonl_objects(path)):
            if i == bad.row:
                where = f"line {line}"
                raw = obj.get(bad.column) if isinstance(obj, dict) and bad.column else None
                break
    problem = bad.problem.replace("{value}", _shown(raw))
    got = f", got {_shown(raw)}" if bad.show and kind != "parquet" else ""
    column = f"column '{bad.column}': " if bad.column else ""
    return InputFileError(f"{where}: {column}{problem}{got}", file=str(path))
