"""Execution-phase audit at any scale: a usage log (one file or a partitioned folder)
re-estimated under an offer, per partition and rolled up, optionally reconciled with
the operator's metered energy.

The re-estimate runs the engine's chain on the logged volumes: it is not a measurement
of the service. Reading stays in :mod:`ia_empreinte.inputs`; the engines that map the
reading over the files are in :mod:`.engines` (local, or Dask with the ``scale`` extra).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ia_empreinte.engine.log_audit import USAGE_LOG_SCHEMA
from ia_empreinte.engine.log_groups import GroupEstimate, audit_groups
from ia_empreinte.engine.reconcile import Reconciled, reconcile
from ia_empreinte.execution.engines import (
    ENGINES,
    AuditProgress,
    Engine,
    Progress,
    ScaleError,
    read_groups,
)
from ia_empreinte.inputs.log_dataset import log_files
from ia_empreinte.inputs.metered import read_metered
from ia_empreinte.offers import Offer
from ia_empreinte.records.store import EMPTY, RecordStore

__all__ = ["ENGINES", "AuditProgress", "LogAudit", "ScaleError", "audit_log_dataset"]


@dataclass(frozen=True)
class LogAudit:
    """The audit of a log: every group (national first) and the metered months."""

    groups: list[GroupEstimate]
    reconciliation: list[Reconciled]
    files: int
    fields: tuple[str, ...]
    """The log's partition fields (empty for one file)."""

    @property
    def national(self) -> GroupEstimate:
        return self.groups[0]


def _month_of(g: GroupEstimate) -> str | None:
    """The calendar month (YYYY-MM) a group's timestamps lie in, when only one."""
    import datetime as dt

    first = dt.datetime.fromtimestamp(g.first_us / 10**6, dt.UTC)
    last = dt.datetime.fromtimestamp(g.last_us / 10**6, dt.UTC)
    return f"{first:%Y-%m}" if (first.year, first.month) == (last.year, last.month) else None


def audit_log_dataset(
    offer: Offer, log: str | Path, *, draws: int = 1000, seed: int = 42,
    records: RecordStore = EMPTY, metered: str | Path | None = None,
    engine: Engine = "local", scheduler: str | None = None, workers: int = 2,
    progress: Progress | None = None,
) -> LogAudit:
    """Re-estimate the footprint of the requests of ``log`` under ``offer``.

    Args:
        offer: the candidate service.
        log: a usage log file (CSV, JSONL, Parquet) or a folder partitioned hive style
            (``collectivite=.../month=.../*.parquet``).
        draws: Monte Carlo draws; seed: the recorded seed (same bits for the same
            requests, whatever the format, the partitioning or the engine).
        records: the benchmark records the offer pins.
        metered: the operator's metered energy (kWh or GPU-hours per month).
        engine: ``local`` or ``dask``; scheduler: a running Dask scheduler's address;
            workers: processes of the LocalCluster started without one.
        progress: called as rows are read.

    Raises:
        InputFileError: a bad file, row or value (named in one line).
        ScaleError: the Dask engine cannot run.
    """
    files = log_files(log)
    metered_rows = read_metered(metered) if metered is not None else None
    groups = read_groups(files, USAGE_LOG_SCHEMA, engine=engine, scheduler=scheduler,
                         workers=workers, progress=progress)
    results = audit_groups(offer, groups, USAGE_LOG_SCHEMA, draws=draws, seed=seed,
                           records=records)
    reconciled: list[Reconciled] = []
    if metered_rows is not None:
        months = {dict(g.key)["month"]: g.energy_kwh_draws for g in results
                  if g.level == "month"}
        if not months:
            for g in results:
                month = _month_of(g) if g.level in ("national", "partition") else None
                if month is not None and dict(g.key).get("month", month) == month:
                    months.setdefault(month, g.energy_kwh_draws)
        reconciled = reconcile(metered_rows, months, file=str(metered))
    fields = tuple(k for k, _ in files[0].key)
    return LogAudit(groups=results, reconciliation=reconciled, files=len(files),
                    fields=fields)
