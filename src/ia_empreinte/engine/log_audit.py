"""Usage-log audit: the actual footprint of the requests of an already read log.

The log is read at the edge (:func:`ia_empreinte.inputs.usage_logs.read_usage_log`,
with :data:`USAGE_LOG_SCHEMA`, what this engine accepts in a log); every row then goes
through the same chain as an estimate, all rows at once, in chunks of draws x rows cells.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from pydantic import ValidationError

from ia_empreinte.engine.chain import DrawsResult, StepInput, run_chain, to_draws
from ia_empreinte.engine.summary import inputs_sha256, summarise
from ia_empreinte.engine.tasks import UNIT_FIELD
from ia_empreinte.offers import Offer
from ia_empreinte.profiles import REQUIRED_REQUEST_FIELDS, TASKS, Request, Task
from ia_empreinte.records.store import EMPTY, RecordStore
from ia_empreinte.results import Caveat, Estimate, Summary
from ia_empreinte.types import Array
from ia_empreinte.uncertainty import Sampler
from ia_empreinte.units import H_PER_YEAR, S_PER_H
from ia_empreinte.usage_log import LogSchema, UsageLog

__all__ = ["USAGE_LOG_SCHEMA", "audit", "audit_log_draws"]

_CELLS_PER_CHUNK = 2_000_000


def _bound_error(name: str, value: float) -> str | None:
    """Why ``value`` is outside the profile's range for request field ``name``, or None.

    The same bounds and words as a profile's ``request`` (e.g. tokens <= 1e7).
    """
    try:
        Request.model_validate({name: value})
    except ValidationError as exc:
        msg = str(exc.errors(include_url=False)[0]["msg"])
        return msg.removeprefix("Value error, ")
    return None


def _infer_task(columns: frozenset[str]) -> str | None:
    for column, task in (("output_tokens", "text-generation"),
                         ("audio_seconds", "speech-to-text"),
                         ("images", "image-classification"),
                         ("rows", "tabular-prediction"),
                         ("input_tokens", "embeddings")):
        if column in columns:
            return task
    return None


_SLOTS: dict[str, tuple[str, ...]] = {
    "text-generation": ("input_tokens", "output_tokens"),
    "image-generation": ("images", "image_width", "image_height", "denoising_steps"),
    **{t: (UNIT_FIELD[t],) for t in TASKS if t in UNIT_FIELD and t != "image-generation"},
}

USAGE_LOG_SCHEMA = LogSchema(
    sizes=tuple(Request.model_fields), tasks=TASKS, required=REQUIRED_REQUEST_FIELDS,
    bound_error=_bound_error, infer_task=_infer_task, slots=_SLOTS,
)
"""What a usage log may hold: the request fields of a profile, with the same bounds."""


def audit_log_draws(
    offer: Offer, log: UsageLog, sampler: Sampler, *, records: RecordStore = EMPTY
) -> DrawsResult:
    """Draws of the footprint of the requests of ``log``.

    ``contract`` covers the logged period (``span x n / (n - 1)``); ``per_year`` is that
    period annualised. Rows are evaluated in chunks of (draws x rows) cells.
    """
    caveats: list[Caveat] = []
    chunk = max(1, _CELLS_PER_CHUNK // sampler.draws)
    steps: list[StepInput] = []
    for t, idx in log.groups.items():
        n = log.rows if idx is None else len(idx)
        for start in range(0, n, chunk):
            part = slice(start, start + chunk) if idx is None else idx[start:start + chunk]
            sizes = {k: np.ascontiguousarray(v[part])[None, :] for k, v in log.columns.items()
                     if not np.isnan(v[part]).any()}
            steps.append(StepInput(task=cast(Task, t), sizes=sizes,
                                   count=sampler.constant(1.0)))
    if log.duplicate_rows:
        caveats.append(Caveat(code="audit-duplicate-rows", message=(
            f"{log.duplicate_rows} row(s) of the log repeat an earlier row exactly (same "
            "timestamp, task and sizes); they are counted as requests: check that the log "
            "was not exported twice")))
    period_s = log.span_s * log.rows / (log.rows - 1) if log.rows > 1 else 0.0
    if period_s <= 0:
        caveats.append(Caveat(code="audit-period-unknown", message=(
            "the log's timestamps span no time: per-year figures equal the logged totals and "
            "dedicated idle time is not counted")))
        period_years = 1.0
        idle_years = 0.0
    else:
        period_years = idle_years = period_s / (H_PER_YEAR * S_PER_H)

    def reduce(x: Array) -> Array:
        return np.asarray(x.sum(axis=-1) if x.ndim == 2 else x, dtype=np.float64)

    totals, trace = run_chain(offer, steps, sampler, reduce, records=records,
                              period_years=idle_years)
    requests = sampler.constant(float(log.rows))
    draws = to_draws(totals, requests, sampler.constant(period_years),
                     period_scale=period_years)
    return DrawsResult(draws, trace.noting(caveats))


def audit(
    offer: Offer, log: UsageLog, *, draws: int = 1000, seed: int = 42,
    records: RecordStore = EMPTY,
) -> Estimate:
    """The actual footprint of the requests of a usage ``log`` under ``offer``.

    Every row is evaluated at once (vectorised). ``contract`` is the logged period,
    ``per_year`` the same annualised over the span of the timestamps; the contract's
    request count is the log's row count, exactly.

    Args:
        offer: the candidate service.
        log: the log, read by :func:`~ia_empreinte.inputs.usage_logs.read_usage_log`.
        draws: Monte Carlo draws (1 gives the deterministic central case).
        seed: the recorded seed; the same seed gives bit-identical figures.
        records: the benchmark records the offer pins, by SHA-256 (read by the input
            layer: :func:`ia_empreinte.inputs.records.load_records`).
    """
    result = audit_log_draws(offer, log, Sampler(seed, draws), records=records)
    sha = inputs_sha256({"usage_log_sha256": log.sha256}, offer, list(result.trace.records))
    out = summarise(result, profile_id=f"usage-log-{log.sha256[:12]}", offer_id=offer.id,
                    seed=seed, draws=draws, inputs_sha256=sha)
    rows = float(log.rows)  # not rows / period x period, which may end in ...0000001
    exact = Summary(p05=rows, p50=rows, p95=rows, mean=rows)
    return out.model_copy(update={"contract": out.contract.model_copy(
        update={"requests": exact})})
