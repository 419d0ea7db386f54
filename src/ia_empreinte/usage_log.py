"""A usage log as a value: its columns, the task of each row, its span and hash.

Read from a file at the edge (:func:`ia_empreinte.inputs.usage_logs.read_usage_log`);
the engine's audit (:mod:`ia_empreinte.engine.log_audit`) takes this value. The engine
states what a log may hold (:class:`LogSchema`), so the reader knows no profile.
"""


from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ia_empreinte.types import Array

__all__ = [
    "MAX_BYTES",
    "MAX_CELL_BYTES",
    "MAX_ROWS",
    "SLOTS",
    "LogBins",
    "LogSchema",
    "PartitionBins",
    "UsageLog",
    "bin_rows",
    "empty_bins",
    "merge_bins",
]

MAX_BYTES = 2_000_000_000
"""Largest usage log read, checked before reading."""
MAX_ROWS = 20_000_000
"""Most rows read (about 500 MB of columns kept): a larger log is refused once that many
rows are read, or before reading for Parquet (its footer says how many)."""
MAX_CELL_BYTES = 128 * 1024
"""Longest CSV cell (Python's csv module's limit)."""


@dataclass(frozen=True)
class LogSchema:
    """What a usage log may hold; the engine states it (``USAGE_LOG_SCHEMA``)."""

    sizes: tuple[str, ...]
    """The request-size columns, read as numbers >= 0."""
    tasks: tuple[str, ...]
    required: Mapping[str, tuple[str, ...]]
    """The size columns each task needs on its rows."""
    bound_error: Callable[[str, float], str | None]
    """Why a value of a size column is out of bounds (the whole message), or None."""
    infer_task: Callable[[frozenset[str]], str | None]
    """The task of a log without a ``task`` column, from its size columns."""
    slots: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The size columns (at most :data:`SLOTS`) that size each task's footprint, in the
    order the binned audit keeps them (:class:`LogBins`)."""


@dataclass(frozen=True)
class UsageLog:
    """A validated usage log: one float64 array per size column, the task of each row.

    ``columns`` hold NaN where a multi-task log leaves a cell blank; ``task_codes``
    index ``task_names``.
    """

    columns: dict[str, Array]
    task_names: tuple[str, ...]
    task_codes: NDArray[np.uint8]
    span_s: float
    """Seconds between the first and the last timestamp."""
    rows: int
    sha256: str
    """SHA-256 of the file's bytes."""
    duplicate_rows: int = 0
    """Rows that repeat an earlier row exactly (timestamp, task and sizes)."""

    @property
    def tasks(self) -> NDArray[np.str_]:
        """The task of each row."""
        return np.array(self.task_names)[self.task_codes]

    @property
    def groups(self) -> dict[str, NDArray[np.intp] | None]:
        """The rows of each task: None when every row is of that task (no gather)."""
        present = np.flatnonzero(np.bincount(self.task_codes, minlength=len(self.task_names)))
        if len(present) == 1:
            return {self.task_names[int(present[0])]: None}
        return {self.task_names[int(k)]: np.flatnonzero(self.task_codes == k) for k in present}


# --- requests counted by size bin: the kernel of the partitioned audit ---------------

BIN_EXACT = 64
"""Sizes below this are binned by their integer part (one bin per token count)."""
BINS_PER_OCTAVE = 16
"""Above :data:`BIN_EXACT`, 16 bins per doubling (each about 4.4 % wide)."""
SLOTS = 4
"""Most size columns one task uses (image generation: images, width, height, steps)."""
_SLOT_BITS = 10
_BLANK_BIN = (1 << _SLOT_BITS) - 1
MILLI = 1000
"""Bin sums are kept in integer thousandths of a unit: exact, and the same in any order."""


@dataclass(frozen=True)
class LogBins:
    """Requests counted by task and size bin, with the exact sums of their sizes.

    A bin is a task and, for each column that task uses (``LogSchema.slots``), the bin
    of the size: its integer part below 64, then 16 bins per doubling. The engine runs
    each bin once at the mean size of its requests (the sums divided by the count), so
    every term linear in a size is exact and a curved one is off by the square of the
    bin width at most (below 0.1 %). Counts and sums are integers: merging bins in any
    order gives the same bits, so a partitioned or distributed audit equals the audit
    of one file.

    ``keys`` are sorted and unique: task code in bits 40-47, slot ``j``'s bin in bits
    ``10 j`` to ``10 j + 9`` (1023 where the row leaves that column blank).
    """

    keys: NDArray[np.uint64]
    counts: NDArray[np.int64]
    sums_milli: NDArray[np.int64]
    """Shape (bins, SLOTS): the sum of each slot's sizes in thousandths."""

    @property
    def rows(self) -> int:
        return int(self.counts.sum())

    @property
    def task_codes(self) -> NDArray[np.uint8]:
        return (self.keys >> np.uint64(4 * _SLOT_BITS)).astype(np.uint8)

    def blank(self) -> NDArray[np.bool_]:
        """Shape (bins, SLOTS): the slots the bin's requests leave blank."""
        shifts = np.arange(SLOTS, dtype=np.uint64) * np.uint64(_SLOT_BITS)
        slot_bins = (self.keys[:, None] >> shifts[None, :]) & np.uint64(_BLANK_BIN)
        return np.asarray(slot_bins == np.uint64(_BLANK_BIN))

    def means(self) -> NDArray[np.float64]:
        """Shape (bins, SLOTS): the mean size of each slot (NaN where blank)."""
        out = self.sums_milli / (self.counts[:, None] * float(MILLI))
        out[self.blank()] = np.nan
        return np.asarray(out, dtype=np.float64)


def empty_bins() -> LogBins:
    return LogBins(np.empty(0, np.uint64), np.empty(0, np.int64),
                   np.empty((0, SLOTS), np.int64))


def size_bins(values: NDArray[np.float64]) -> NDArray[np.uint64]:
    """The bin of each size (>= 0; NaN gives the blank bin)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        above = BIN_EXACT + np.floor(BINS_PER_OCTAVE * np.log2(values / BIN_EXACT))
    out = np.where(values < BIN_EXACT, np.floor(values), above)
    out = np.where(np.isnan(values), _BLANK_BIN, out)
    return out.astype(np.uint64)


def bin_rows(task_codes: NDArray[np.uint8], slots: NDArray[np.float64]) -> LogBins:
    """Count rows by bin. ``slots``: shape (rows, SLOTS), each task's columns in its
    slot order, NaN where blank or unused."""
    if len(task_codes) == 0:
        return empty_bins()
    keys = task_codes.astype(np.uint64) << np.uint64(SLOTS * _SLOT_BITS)
    for j in range(SLOTS):
        keys |= size_bins(slots[:, j]) << np.uint64(j * _SLOT_BITS)
    milli = np.where(np.isnan(slots), 0.0, np.rint(slots * MILLI)).astype(np.int64)
    return _collapse(keys, np.ones(len(keys), np.int64), milli)


def _collapse(keys: NDArray[np.uint64], counts: NDArray[np.int64],
              sums: NDArray[np.int64]) -> LogBins:
    order = np.argsort(keys)  # any order within a key: the sums are integers
    keys = keys[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return LogBins(keys[starts], np.add.reduceat(counts[order], starts),
                   np.add.reduceat(sums[order], starts, axis=0))


def merge_bins(parts: list[LogBins]) -> LogBins:
    """The bins of several parts together (integers: the same bits in any order)."""
    parts = [p for p in parts if len(p.keys)]
    if not parts:
        return empty_bins()
    if len(parts) == 1:
        return parts[0]
    return _collapse(np.concatenate([p.keys for p in parts]),
                     np.concatenate([p.counts for p in parts]),
                     np.concatenate([p.sums_milli for p in parts]))


@dataclass(frozen=True)
class PartitionBins:
    """One partition of a log (a file, or a collectivité and month), read and binned."""

    key: tuple[tuple[str, str], ...]
    """Its partition fields and values (``(("collectivite", "75056"), ("month",
    "2026-01"))``); empty for a single file."""
    bins: LogBins
    first_us: int
    last_us: int
    """First and last timestamps (microseconds since the epoch, UTC)."""
    sha256: str
    """SHA-256 of its files' SHA-256s, in path order."""
    duplicate_rows: int = 0

    @property
    def rows(self) -> int:
        return self.bins.rows
