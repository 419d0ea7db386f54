"""Measured (benchmark records) and declared figures that replace modelled components.

A benchmark record gives a fitted per-request model at its operating point,
``E = e0 + e_in x input_tokens + e_out x output_tokens`` (or ``e0 + e_unit x units``
for non-token tasks); the engine scales it to the profile's request sizes. A declared
figure replaces the component its scope covers. Both are marked in the provenance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ia_empreinte.engine.tasks import UNIT_FIELD
from ia_empreinte.offers import Offer
from ia_empreinte.profiles import Task
from ia_empreinte.records.store import RecordStore
from ia_empreinte.results import Caveat
from ia_empreinte.types import Array
from ia_empreinte.uncertainty import Lognormal, Sampler

__all__ = [
    "DeclaredEnergy",
    "Measured",
    "declared_below_model",
    "declared_for",
    "measured_energy",
]

DeclaredScope = Literal["accelerators", "server", "facility"]
_TOKEN_TASKS = ("embeddings", "text-classification")


@dataclass(frozen=True)
class DeclaredEnergy:
    """The vendor's declared energy per request (Wh), the scope it covers, and its caveat."""

    energy_wh: Array
    scope: DeclaredScope
    caveat: Caveat


@dataclass(frozen=True)
class Measured:
    """Energy per request (Wh) from a benchmark record, and the record's trace."""

    energy_wh: Array
    covers_host: bool
    """A server-scope record: the host's energy is inside the figure."""
    record_sha256: str
    caveat: Caveat


def _main_task_covers(offer: Offer, task: str) -> bool:
    return all(c.task != task for c in offer.components)


def declared_for(offer: Offer, task: str, sampler: Sampler) -> DeclaredEnergy | None:
    """The vendor's declared energy per request for ``task`` and its scope, if any.

    A declaration without ``task`` covers the tasks the main model serves.
    """
    for i, d in enumerate(offer.declared):
        if d.task == task or (d.task is None and _main_task_covers(offer, task)):
            value = sampler.sample(
                f"offer.{offer.id}.declared[{i}].energy_wh_per_request",
                d.energy_wh_per_request, low=0.0,
            )
            return DeclaredEnergy(value, d.scope, Caveat(
                code="declared-figure-used",
                message=f"offer {offer.id}: {task} energy ({d.scope} scope) is the vendor's "
                f"declared figure, not verified by a benchmark record"
                + (f" (source: {d.source})" if d.source else ""),
            ))
    return None


def declared_below_model(
    offer_id: str, task: str, declared: DeclaredEnergy, modelled_wh: Array
) -> Caveat | None:
    """A caveat when the declared figure's median is below the model's 5th percentile.

    ``modelled_wh`` is the engine's own energy per request in the declared scope
    (accelerators; accelerators + host; or x PUE), drawn before the declaration replaced
    it. A declaration that low is not impossible (a better serving stack, a smaller
    operating point) but is flagged for verification: the buyer asks for the record or
    the documented measurement behind it. No draw is added: the figures do not move.
    """
    p05 = float(np.percentile(np.asarray(modelled_wh, dtype=np.float64), 5))
    value = float(np.median(np.asarray(declared.energy_wh, dtype=np.float64)))
    if not value < p05:
        return None
    return Caveat(
        code="declared-below-model-p05",
        message=f"offer {offer_id}: declared {task} energy {value:.4g} Wh per request "
        f"({declared.scope} scope) is below the model's 5th percentile {p05:.4g} Wh: "
        "to be verified (ask for the benchmark record or the measurement behind it)",
    )


def measured_energy(
    offer: Offer, task: Task, sizes: dict[str, Array], records: RecordStore,
    sampler: Sampler,
) -> Measured | None:
    """Accelerator (or server) energy per request from the offer's benchmark record.

    Args:
        offer: the offer; its ``benchmarks`` pin the records by SHA-256.
        task: the step's task.
        sizes: the step's request sizes (arrays over the draws, or draws x rows).
        records: the checked records, by hash (filled by the input layer).
        sampler: the shared sampler.

    Returns the energy and the caveat noting the record's use, or ``None`` when the offer
    has no record for this task. The record's 95 % CI becomes a lognormal factor
    (``gsd = (1 + rel_ci95) ** (1 / 1.96)``).

    Raises:
        RecordError: ``records`` does not hold a record the offer pins.
    """
    main = _main_task_covers(offer, task)
    for ref in offer.benchmarks:
        if not (ref.task == task or (ref.task is None and main)):
            continue
        model = records.pinned(offer.id, ref.path, ref.sha256).record.energy_model()
        per_unit = task in UNIT_FIELD and task not in _TOKEN_TASKS
        if model.e_unit_wh is not None and per_unit:
            energy = model.e0_wh + model.e_unit_wh * sizes[UNIT_FIELD[task]]
        else:
            zero = np.zeros_like(next(iter(sizes.values())))
            energy = (model.e0_wh
                      + model.e_in_wh_per_token * sizes.get("input_tokens", zero)
                      + model.e_out_wh_per_token * sizes.get("output_tokens", zero))
        gsd = (1.0 + float(model.rel_ci95)) ** (1.0 / 1.96)
        factor = sampler.sample(
            f"record.{model.record_sha256}.energy_factor",
            Lognormal(dist="lognormal", p50=1.0, gsd=min(gsd, 20.0))
            if gsd > 1 and math.isfinite(gsd) else 1.0,
        )
        if energy.ndim == 2:
            factor = factor[:, None]
        return Measured(
            energy_wh=np.asarray(energy * factor, dtype=np.float64),
            covers_host=model.scope == "server",
            record_sha256=str(model.record_sha256),
            caveat=Caveat(
                code="measured-record-used",
                message=f"offer {offer.id}: {task} energy from benchmark record "
                f"{model.record_sha256[:12]} ({model.scope} scope)",
            ),
        )
    return None
