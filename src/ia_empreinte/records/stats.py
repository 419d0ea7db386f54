"""Statistics of a benchmark run: Student-t intervals, idle subtraction, per-token fit.

Pure functions over the windows of a record, used by the harness to write the
``results`` block and by ``bench verify`` to recompute it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ia_empreinte.records.schema import (
    IdleWindow,
    MeasurementWindow,
    PerTokenFit,
    Results,
    Stat,
)
from ia_empreinte.units import J_PER_WH

__all__ = ["derive_results", "fit_per_token", "idle_power_w", "stat", "t_quantile_975"]

FIT_METHOD = (
    "least squares of request latency on (1, input tokens, output tokens) over every "
    "completed request, scaled by net window energy / summed latency"
)


def t_quantile_975(df: int) -> float:
    """Two-sided 95 % Student-t quantile ``t(0.975, df)`` (``scipy.stats.t.ppf``)."""
    from scipy import stats

    if df < 1:
        raise ValueError("df must be >= 1")
    return float(stats.t.ppf(0.975, df))


def stat(values: Sequence[float]) -> Stat:
    """Mean with its Student-t 95 % interval: ``mean +- t(0.975, n-1) x sd / sqrt(n)``.

    With one value the interval collapses to the value (sd 0).
    """
    arr = np.asarray(values, dtype=np.float64)
    n = int(arr.size)
    mean = float(arr.mean())
    sd = float(arr.std(ddof=1)) if n > 1 else 0.0
    half = t_quantile_975(n - 1) * sd / math.sqrt(n) if n > 1 else 0.0
    return Stat(mean=mean, ci95_low=mean - half, ci95_high=mean + half, sd=sd, n=n)


def idle_power_w(idle: Sequence[IdleWindow]) -> float:
    """Idle power, W: mean of the pre and post phases' average power (energy / time)."""
    phases = []
    for phase in ("pre", "post"):
        wins = [w for w in idle if w.phase == phase]
        if wins:
            phases.append(sum(w.energy.total_j for w in wins) / sum(w.duration_s for w in wins))
    return sum(phases) / len(phases) if phases else 0.0


def fit_per_token(
    windows: Sequence[MeasurementWindow], net_energy_j: float
) -> PerTokenFit | None:
    """Fit ``E_net(in, out) = e0 + e_in x in + e_out x out`` (Wh) when lengths vary.

    Latency is fitted by least squares on (1, in, out) from the windows' sufficient
    statistics; net energy is then shared by service time: each request receives
    ``net window energy / summed latency`` joules per second of its latency
    (time-share allocation, as in ML.ENERGY's per-request split by tokens but with the
    prefill included). Columns without variation are dropped (their coefficient is 0),
    and so is the input column when input and output lengths are collinear.

    Returns:
        None when no length varies or the statistics are missing.
    """
    wins = [w for w in windows if w.latency_xtx and w.requests > 0]
    if not wins or len(wins) != len(windows):
        return None
    xtx = np.sum([np.asarray(w.latency_xtx, dtype=np.float64) for w in wins], axis=0)
    xty = np.sum([np.asarray(w.latency_xty, dtype=np.float64) for w in wins], axis=0)
    n = xtx[0, 0]
    busy = sum(w.busy_s for w in wins)
    if n < 3 or busy <= 0:
        return None
    keep = [0]
    for j in (1, 2):
        mean = xtx[0, j] / n
        var = xtx[j, j] / n - mean * mean
        if var > 1e-9 * max(1.0, mean * mean):
            keep.append(j)
    if len(keep) == 3 and np.linalg.matrix_rank(xtx, tol=1e-9 * np.abs(xtx).max()) < 3:
        keep = [0, 2]  # input and output lengths move together: keep the output term
    if len(keep) == 1:
        return None
    sub = xtx[np.ix_(keep, keep)]
    coef = np.linalg.solve(sub, xty[keep])
    full = np.zeros(3)
    full[keep] = coef
    scale_wh = net_energy_j / busy / J_PER_WH
    return PerTokenFit(
        e0_wh=float(full[0] * scale_wh),
        e_in_wh_per_token=float(full[1] * scale_wh),
        e_out_wh_per_token=float(full[2] * scale_wh),
        method=FIT_METHOD,
        n_points=round(float(n)),
    )


def derive_results(
    windows: Sequence[MeasurementWindow], idle: Sequence[IdleWindow]
) -> Results:
    """The ``results`` block of a record from its windows and idle baseline.

    Per window k: gross ``E_k / N_k``; net ``(E_k - P_idle x t_k) / N_k``, with
    ``P_idle`` from :func:`idle_power_w`; same per output token and per unit. Each is
    summarised by :func:`stat` over the windows (the protocol of
    :mod:`ia_empreinte.harness.protocol`, step 6).
    """
    p_idle = idle_power_w(idle)
    gross = [w.energy.total_j for w in windows]
    net = [g - p_idle * w.duration_s for g, w in zip(gross, windows, strict=True)]
    wh = [g / J_PER_WH for g in gross]
    net_wh = [x / J_PER_WH for x in net]
    n_req = [max(w.requests, 1) for w in windows]
    total_t = sum(w.duration_s for w in windows)
    total_req = sum(w.requests for w in windows)
    total_out = sum(w.output_tokens for w in windows)
    total_in = sum(w.input_tokens for w in windows)
    per_tok = per_tok_net = per_unit = per_unit_net = None
    if all(w.output_tokens > 0 for w in windows):
        per_tok = stat([e / w.output_tokens for e, w in zip(wh, windows, strict=True)])
        per_tok_net = stat([e / w.output_tokens for e, w in zip(net_wh, windows, strict=True)])
    if all(w.units > 0 for w in windows):
        per_unit = stat([e / w.units for e, w in zip(wh, windows, strict=True)])
        per_unit_net = stat([e / w.units for e, w in zip(net_wh, windows, strict=True)])
    return Results(
        idle_power_w=p_idle,
        avg_power_w=sum(gross) / total_t,
        per_request_wh=stat([e / n for e, n in zip(wh, n_req, strict=True)]),
        net_per_request_wh=stat([e / n for e, n in zip(net_wh, n_req, strict=True)]),
        per_output_token_wh=per_tok,
        net_per_output_token_wh=per_tok_net,
        per_unit_wh=per_unit,
        net_per_unit_wh=per_unit_net,
        throughput_requests_per_s=total_req / total_t,
        throughput_output_tokens_per_s=total_out / total_t,
        mean_input_tokens=total_in / max(total_req, 1),
        mean_output_tokens=total_out / max(total_req, 1),
        fit=fit_per_token(windows, sum(net)),
    )
