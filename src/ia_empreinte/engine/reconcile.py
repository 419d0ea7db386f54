"""Metered reconciliation: the operator's metered energy against the audit's re-estimate.

During the contract the operator meters its deployment: kWh per month (at the facility
meter, or of the IT equipment), or GPU-hours of an accelerator type. Each metered month
is joined to the re-estimate of the same month (the month's roll-up of a partitioned
log, or the whole log when it lies within that month); the ratio metered / re-estimated
is given on every draw of the re-estimate, as p05, p50 and p95, and the month is flagged
when the metered figure lies outside the re-estimate's 90 % band (p05-p95).

GPU-hours become energy at the accelerator's maximum power (catalog ``max_power_w``, its
central value): an upper bound of what the accelerators drew, compared with the
re-estimated accelerators and idle energy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ia_empreinte import catalog
from ia_empreinte.errors import InputFileError
from ia_empreinte.types import Array
from ia_empreinte.uncertainty import central
from ia_empreinte.units import WH_PER_KWH

__all__ = ["METERED_SCOPES", "MeteredRow", "Reconciled", "reconcile"]

Scope = Literal["facility", "it", "accelerators"]
METERED_SCOPES: tuple[Scope, ...] = ("facility", "it", "accelerators")
"""What a metered kWh covers: the facility meter (IT x PUE), the IT equipment (servers
and accelerators), or the accelerators (GPU-hours are always this scope)."""


@dataclass(frozen=True)
class MeteredRow:
    """One metered figure: a month (``YYYY-MM``) of one deployment."""

    month: str
    deployment: str
    energy_kwh: float | None = None
    gpu_hours: float | None = None
    accelerator: str | None = None
    scope: Scope = "facility"
    row: int = 0
    """Its row in the metered file (1-based, for messages)."""


@dataclass(frozen=True)
class Reconciled:
    """One month: metered and re-estimated energy (kWh), their ratio and the flag."""

    month: str
    scope: Scope
    deployments: tuple[str, ...]
    metered_kwh: float
    estimated_kwh_p05: float
    estimated_kwh_p50: float
    estimated_kwh_p95: float
    ratio_p05: float
    ratio_p50: float
    ratio_p95: float
    status: Literal["within", "above", "below"]
    """``above``: metered above the re-estimate's p95; ``below``: under its p05."""
    basis: str
    """How the metered energy was obtained (kWh read, or GPU-hours x max power)."""


def _metered_kwh(row: MeteredRow, file: str | None) -> tuple[float, str]:
    if row.energy_kwh is not None:
        return row.energy_kwh, "kWh as metered"
    assert row.gpu_hours is not None and row.accelerator is not None
    try:
        acc = catalog.accelerator(row.accelerator)
    except LookupError:
        raise InputFileError(
            f"row {row.row}: column 'accelerator': unknown accelerator {row.accelerator!r}; "
            "expected a catalog id (ia-empreinte catalog accelerators)", file=file) from None
    power_w = float(central(acc.max_power_w))
    return (row.gpu_hours * power_w / WH_PER_KWH,
            f"GPU-hours x {power_w:g} W ({acc.id} max power)")


def reconcile(
    metered: Sequence[MeteredRow],
    estimated: Mapping[str, Mapping[str, Array]],
    *, file: str | None = None,
) -> list[Reconciled]:
    """Join metered months to re-estimated ones and flag those outside the band.

    Args:
        metered: the metered rows (several deployments of one month are summed).
        estimated: per month (``YYYY-MM``), the draws of the re-estimated energy over
            that month (kWh) by scope (``facility``, ``it``, ``accelerators``).
        file: the metered file, for messages.

    Raises:
        InputFileError: a metered month the audited log does not cover, or one month
            metered with two scopes.
    """
    by_month: dict[str, list[MeteredRow]] = {}
    for row in metered:
        by_month.setdefault(row.month, []).append(row)
    out: list[Reconciled] = []
    for month in sorted(by_month):
        rows = by_month[month]
        if month not in estimated:
            raise InputFileError(
                f"row {rows[0].row}: column 'month': {month} is not a month of the audited "
                "log; expected one of " + (", ".join(sorted(estimated)) or "(none: partition "
                "the log by month)"), file=file)
        scopes = {"accelerators" if r.gpu_hours is not None else r.scope for r in rows}
        if len(scopes) > 1:
            raise InputFileError(f"row {rows[0].row}: month {month} is metered with scopes "
                                 f"{', '.join(sorted(scopes))}; expected one scope a month",
                                 file=file)
        scope: Scope = next(iter(scopes))
        kwh = 0.0
        bases: list[str] = []
        for r in rows:
            value, basis = _metered_kwh(r, file)
            kwh += value
            if basis not in bases:
                bases.append(basis)
        draws = np.asarray(estimated[month][scope], dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = kwh / draws
        e05, e50, e95 = (float(v) for v in np.percentile(draws, [5, 50, 95]))
        r05, r50, r95 = (float(v) for v in np.percentile(ratio, [5, 50, 95]))
        status: Literal["within", "above", "below"] = (
            "above" if kwh > e95 else "below" if kwh < e05 else "within")
        out.append(Reconciled(
            month=month, scope=scope, deployments=tuple(sorted({r.deployment for r in rows})),
            metered_kwh=kwh, estimated_kwh_p05=e05, estimated_kwh_p50=e50,
            estimated_kwh_p95=e95, ratio_p05=r05, ratio_p50=r50, ratio_p95=r95,
            status=status, basis="; ".join(bases)))
    return out
