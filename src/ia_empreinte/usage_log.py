"""A usage log as a value: its columns, the task of each row, its span and hash.

Read from a file at the edge (:func:`ia_empreinte.inputs.usage_logs.read_usage_log`);
the engine's audit (:mod:`ia_empreinte.engine.log_audit`) takes this value. The engine
states what a log may hold (:class:`LogSchema`), so the reader knows no profile.
"""


from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ia_empreinte.types import Array

__all__ = ["MAX_BYTES", "MAX_CELL_BYTES", "MAX_ROWS", "LogSchema", "UsageLog"]

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
