"""The engines that read a partitioned usage log: local (in this process) or Dask.

Both map the same kernel over the files of the log (one file = one task:
:func:`read_file_bins`, pyarrow batches -> checked -> counted by size bin) and gather
the bins in a :class:`~ia_empreinte.engine.log_groups.GroupBuilder`, whose integer sums
do not depend on the order of arrival: the two engines give the same bits. The Dask
engine uses ``dask.distributed`` (extra ``scale``), imported only here and only when
asked for: a running cluster (``scheduler``) or a ``LocalCluster`` started for the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ia_empreinte.engine.log_groups import GroupBuilder, LogGroups
from ia_empreinte.errors import IaEmpreinteError, InputFileError
from ia_empreinte.inputs.log_dataset import LogFile
from ia_empreinte.inputs.usage_logs import read_log_bins
from ia_empreinte.usage_log import LogSchema, PartitionBins

__all__ = ["ENGINES", "AuditProgress", "ScaleError", "read_file_bins", "read_groups"]

Engine = Literal["local", "dask"]
ENGINES: tuple[Engine, ...] = ("local", "dask")


class ScaleError(IaEmpreinteError, RuntimeError):
    """The Dask engine cannot run: the extra is missing or the scheduler unreachable."""


@dataclass(frozen=True)
class AuditProgress:
    """Where a long audit stands (for a progress line)."""

    rows: int
    files_done: int
    files: int
    bytes_done: int
    bytes_total: int
    elapsed_s: float

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        """Seconds left, from the share of the bytes read; None before the first file."""
        if self.bytes_done <= 0 or self.bytes_total <= 0:
            return None
        return self.elapsed_s * (self.bytes_total - self.bytes_done) / self.bytes_done


Progress = Callable[[AuditProgress], None]


def read_file_bins(file: LogFile, schema: LogSchema) -> tuple[str, Any, str | None]:
    """The kernel: one file read and binned, or its error as plain values.

    Returns ``("ok", PartitionBins, None)`` or ``("error", message, file)`` (an error
    crosses process boundaries as values: its keyword fields do not pickle).
    """
    try:
        return "ok", read_log_bins(file.path, schema, key=file.key), None
    except IaEmpreinteError as exc:
        return "error", exc.message, exc.file


class _Tracker:
    def __init__(self, files: Sequence[LogFile], progress: Progress | None) -> None:
        self.progress = progress
        self.files = len(files)
        self.bytes_total = sum(f.size_bytes for f in files)
        self.rows = self.files_done = self.bytes_done = 0
        self.start = time.monotonic()

    def rows_read(self, n: int) -> None:
        self.rows += n
        self._tell()

    def file_done(self, file: LogFile, rows: int | None = None) -> None:
        self.files_done += 1
        self.bytes_done += file.size_bytes
        if rows is not None:
            self.rows += rows
        self._tell()

    def _tell(self) -> None:
        if self.progress is not None:
            self.progress(AuditProgress(self.rows, self.files_done, self.files,
                                        self.bytes_done, self.bytes_total,
                                        time.monotonic() - self.start))


def read_groups(
    files: Sequence[LogFile], schema: LogSchema, *, engine: Engine = "local",
    scheduler: str | None = None, workers: int = 2, progress: Progress | None = None,
) -> LogGroups:
    """Read every file of a log with ``engine`` and gather its groups.

    Args:
        files: the log's files (:func:`~ia_empreinte.inputs.log_dataset.log_files`).
        schema: what a log may hold (``USAGE_LOG_SCHEMA``).
        engine: ``local`` (this process, file after file) or ``dask``.
        scheduler: address of a running Dask scheduler (``tcp://host:8786``); without
            it, the Dask engine starts a ``LocalCluster`` of ``workers`` processes.
        progress: called as rows are read.

    Raises:
        InputFileError: the first bad file met, naming its row and column.
        ScaleError: the Dask engine is not installed or its scheduler unreachable.
    """
    tracker = _Tracker(files, progress)
    builder = GroupBuilder()
    if engine == "local":
        for f in files:
            part = read_log_bins(f.path, schema, key=f.key, on_rows=tracker.rows_read)
            builder.add(part)
            tracker.file_done(f)
    else:
        _dask_read(files, schema, builder, tracker, scheduler, workers)
    return builder.finish()


def _dask_read(files: Sequence[LogFile], schema: LogSchema, builder: GroupBuilder,
               tracker: _Tracker, scheduler: str | None, workers: int) -> None:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ScaleError("--engine dask needs the 'scale' extra: pip install "
                         "'ia-empreinte[scale]'") from None
    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers, threads_per_worker=1, processes=True,
                dashboard_address=None)
            client = Client(cluster)  # type: ignore[no-untyped-call]
        else:
            try:
                client = Client(scheduler, timeout=10)  # type: ignore[no-untyped-call]
            except (OSError, TimeoutError, ValueError) as exc:
                raise ScaleError(f"cannot reach the Dask scheduler at {scheduler} ({exc})"
                                 ) from None
        with client:
            _map(client, as_completed, files, schema, builder, tracker)
    finally:
        if cluster is not None:
            cluster.close()


def _map(client: Any, as_completed: Any, files: Sequence[LogFile], schema: LogSchema,
         builder: GroupBuilder, tracker: _Tracker) -> None:
    futures = client.map(read_file_bins, list(files), schema=schema, pure=False)
    by_key = {fut.key: f for fut, f in zip(futures, files, strict=True)}
    for future, (status, value, where) in as_completed(futures, with_results=True):
        if status != "ok":
            client.cancel(futures)
            raise InputFileError(str(value), file=where)
        part: PartitionBins = value
        file = by_key[future.key]
        future.release()
        builder.add(part)
        tracker.file_done(file, rows=part.rows)
