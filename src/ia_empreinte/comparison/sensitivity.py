"""Sensitivity read from shared Monte Carlo draws: which inputs drive a figure or a gap.

For each uncertain input: the Spearman rank correlation between its draws and the
output's draws (Spearman 1904, average ranks for ties), and the median of the output
when the input sits in its lowest or highest 5 % of draws, a tornado swing read from
the same draws without re-running the engine.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from pydantic import BaseModel, ConfigDict

from ia_empreinte.types import Array

__all__ = ["Driver", "drivers", "gap_inputs", "spearman"]


_TOP_DRIVERS = 5
_TAIL = 5.0
"""Percent of draws in each tail for the swing of an input."""


class Driver(BaseModel):
    """How much one uncertain input drives a figure, read from the draws."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    input: str
    """The input's key, e.g. ``input.grid_gwp``."""
    spearman: float
    """Rank correlation between the input's draws and the figure's draws (-1 to 1)."""
    low: float
    """Median of the figure when the input is in its lowest 5 % of draws."""
    high: float
    """Median of the figure when the input is in its highest 5 % of draws."""


def spearman(x: Array, y: Array) -> float:
    """Spearman rank correlation of two arrays (average ranks for ties); 0 when either is
    constant (``scipy.stats.spearmanr``, Spearman 1904)."""
    from scipy import stats

    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return 0.0
    return float(stats.spearmanr(x, y).statistic)


def drivers(inputs: Mapping[str, Array], output: Array, top: int = _TOP_DRIVERS) -> list[Driver]:
    """The inputs that drive ``output`` most, by absolute Spearman correlation.

    Inputs without spread (or an output without spread) are left out. Ties in the
    ordering are broken by the input's key, so the list is deterministic.
    """
    out: list[Driver] = []
    y = np.asarray(output, dtype=np.float64)
    if len(y) < 2 or np.ptp(y) == 0:
        return out
    for key in sorted(inputs):
        x = np.asarray(inputs[key], dtype=np.float64)
        if x.shape != y.shape or np.ptp(x) == 0:
            continue
        lo_cut, hi_cut = np.percentile(x, [_TAIL, 100 - _TAIL])
        out.append(
            Driver(
                input=key,
                spearman=round(spearman(x, y), 12),
                low=float(np.median(y[x <= lo_cut])),
                high=float(np.median(y[x >= hi_cut])),
            )
        )
    out.sort(key=lambda d: (-abs(d.spearman), d.input))
    return out[:top]


def gap_inputs(
    a_id: str, a: Mapping[str, Array], b_id: str, b: Mapping[str, Array]
) -> dict[str, Array]:
    """Inputs of both offers; a key drawn identically in both is one shared input."""
    out: dict[str, Array] = {}
    for key in sorted(set(a) | set(b)):
        if key in a and key in b and np.array_equal(a[key], b[key]):
            out[key] = a[key]
            continue
        if key in a:
            out[key if a_id in key else f"{a_id}: {key}"] = a[key]
        if key in b:
            out[key if b_id in key else f"{b_id}: {key}"] = b[key]
    return out
