"""What the jury's first page says beyond the figures: reasons, stakes and the SCI score.

* :func:`reasons`: two or three plain reasons for the gap between the best and the
  worst offer, read from the offers' declarations and the computed components (the
  hosting zone's electricity, a dedicated server on all year, the model size and its
  hardware), then from the drivers of the gap when none of those applies.
* :func:`materiality`: the contract's absolute stakes (GHG over the contract) and
  whether they are under :data:`MATERIALITY_THRESHOLD_KGCO2E`.
* :func:`sci_scores`: the Software Carbon Intensity per functional unit,
  ``SCI = ((E x I) + M) per R`` (ISO/IEC 21031:2024; Green Software Foundation, *SCI
  for AI*, 2025), with R one request of the buyer's profile.

Everything is stored as numbers and stable codes; renderers word it
(:mod:`ia_empreinte.render.i18n`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ia_empreinte import catalog
from ia_empreinte.comparison import Comparison
from ia_empreinte.errors import CatalogError
from ia_empreinte.offers import Offer
from ia_empreinte.uncertainty import central

__all__ = [
    "MATERIALITY_THRESHOLD_KGCO2E",
    "Materiality",
    "Reason",
    "SciScore",
    "materiality",
    "reasons",
    "sci_scores",
]

_OUT = ConfigDict(extra="forbid", frozen=True)

MATERIALITY_THRESHOLD_KGCO2E = 1000.0
"""Stakes under which a weighted environmental criterion on these figures is advised
against: one tonne of CO2e over the whole contract.

A convention of this tool, stated on the sheet: one tonne is about a ninth of the
yearly carbon footprint of one French resident (9.4 t CO2e per person in 2023: SDES,
« Émissions de gaz à effet de serre et empreinte carbone de la France : une baisse
significative en 2023 », ministère de la Transition écologique, 2024). Under it, a
weight of 10-20 % lets kilograms decide the award, within the model's uncertainty;
AFNOR SPEC 2314 (2024) good practices and the RGESN 2024 hosting criteria (8.3 PUE,
8.4 WUE, 8.5 electricity origin) make sounder qualitative sub-criteria."""

ZONE_RATIO = 1.5
"""Grid factors this many times apart make the hosting zone a reason."""
IDLE_SHARE = 0.2
"""Idle capacity above this share of a dedicated offer's energy makes it a reason."""
SIZE_RATIO = 3.0
"""Models this many times apart in total parameters make the size a reason."""
MAX_REASONS = 3

ReasonCode = Literal["zone_grid", "dedicated_idle", "model_size", "gap_driver"]


class Reason(BaseModel):
    """One reason for the ranking, as a code and its values (worded by the renderer)."""

    model_config = _OUT
    code: ReasonCode
    offer_id: str
    """The offer the reason is about."""
    other_id: str = ""
    """The offer it is compared with, if any."""
    values: dict[str, float | str] = {}


class Materiality(BaseModel):
    """The contract's absolute stakes on GHG (medians over the contract, kgCO2e)."""

    model_config = _OUT
    best_contract_kgco2e: float
    worst_contract_kgco2e: float
    gap_kgco2e: float
    """Worst minus best: what the environmental criterion can change."""
    threshold_kgco2e: float
    below_threshold: bool
    weight_pct: float | None
    """The criterion's weight in the award, when the buyer gave it."""


class SciScore(BaseModel):
    """SCI per functional unit (one request): ``((E x I) + M) / R``, medians."""

    model_config = _OUT
    offer_id: str
    energy_kwh: float
    """E: energy per request, every component with the facility overhead (kWh)."""
    intensity_gco2e_per_kwh: float
    """I: location-based intensity of that energy, use-phase GHG / E (gCO2e/kWh)."""
    embodied_gco2e: float
    """M: embodied (manufacturing) emissions allocated to one request (gCO2e)."""
    sci_gco2e: float
    """(E x I) + M per request (gCO2e)."""


def _grid(offer: Offer) -> tuple[str, str, float] | None:
    code = offer.deployment.zone or "WORLD"
    try:
        z = catalog.zone(code)
    except CatalogError:  # pragma: no cover - validated with the offer
        return None
    return code, z.name, 1000 * float(central(z.gwp_kgco2e_per_kwh.value))


def _size(offer: Offer) -> float:
    return float(central(offer.model.resolved()[0]))


def reasons(comparison: Comparison, offers: Sequence[Offer]) -> list[Reason]:
    """Up to three reasons for the gap between the best and the worst offer."""
    ranked = comparison.ranked()
    if len(ranked) < 2:
        return []
    by_id = {o.id: o for o in offers}
    best, worst = by_id[ranked[0].offer_id], by_id[ranked[-1].offer_id]
    out: list[Reason] = []
    gb, gw = _grid(best), _grid(worst)
    if gb and gw and gb[2] > 0 and gw[2] / gb[2] >= ZONE_RATIO:
        out.append(Reason(code="zone_grid", offer_id=worst.id, other_id=best.id, values={
            "zone": gw[1], "factor": gw[2], "other_zone": gb[1], "other_factor": gb[2],
            "ratio": gw[2] / gb[2]}))
    for fig in ranked:
        offer = by_id[fig.offer_id]
        if offer.deployment.capacity != "dedicated":
            continue
        parts = fig.energy_by_component
        total = sum(s.p50 for s in parts.values())
        idle = parts["idle"].p50 if "idle" in parts else 0.0
        if total > 0 and idle / total >= IDLE_SHARE:
            out.append(Reason(code="dedicated_idle", offer_id=offer.id,
                              values={"share": idle / total}))
    sb, sw = _size(best), _size(worst)
    if sb > 0 and sw / sb >= SIZE_RATIO:
        out.append(Reason(code="model_size", offer_id=worst.id, other_id=best.id, values={
            "params": sw, "other_params": sb,
            "hardware": f"{worst.deployment.accelerator_count} × "
                        f"{_accelerator_name(worst.deployment.accelerator)}",
            "other_hardware": f"{best.deployment.accelerator_count} × "
                              f"{_accelerator_name(best.deployment.accelerator)}"}))
    if len(out) < 2:
        for pair in comparison.pairs:
            if {pair.a, pair.b} == {best.id, worst.id} and pair.drivers:
                d = pair.drivers[0]
                out.append(Reason(code="gap_driver", offer_id=worst.id, other_id=best.id,
                                  values={"input": d.input, "spearman": d.spearman}))
                break
    return out[:MAX_REASONS]


def _accelerator_name(ident: str) -> str:
    try:
        return catalog.accelerator(ident).name
    except CatalogError:  # pragma: no cover - validated with the offer
        return ident


def materiality(comparison: Comparison, weight_pct: float | None) -> Materiality:
    """The GHG stakes of the contract, whatever indicator is scored."""
    medians = [o.contract["gwp_kgco2e"].p50 for o in comparison.offers]
    best, worst = min(medians), max(medians)
    gap = worst - best
    return Materiality(
        best_contract_kgco2e=best,
        worst_contract_kgco2e=worst,
        gap_kgco2e=gap,
        threshold_kgco2e=MATERIALITY_THRESHOLD_KGCO2E,
        below_threshold=gap < MATERIALITY_THRESHOLD_KGCO2E,
        weight_pct=weight_pct,
    )


def sci_scores(comparison: Comparison) -> list[SciScore]:
    """SCI per request for each offer, from the medians of its per-request figures.

    E is the per-request energy (every component, with the facility overhead, as SCI
    counts all the energy the software causes), M the embodied GHG allocated by time
    share, and I the intensity that turns E into the use-phase GHG (the hosting zone's
    location-based factor, weighted by component when several sites serve the offer).
    The per-request GHG median is split into use and manufacture in the proportions of
    the medians at the scored scope, so ``(E x I) + M`` is the per-request GHG median.
    """
    out = []
    for o in comparison.offers:
        energy_kwh = o.per_request["energy_wh"].p50 / 1000
        total_g = 1000 * o.per_request["gwp_kgco2e"].p50
        phases = {k: s.p50 for k, s in o.gwp_by_phase.items()}
        whole = sum(phases.values())
        emb_share = phases.get("embodied", 0.0) / whole if whole > 0 else 0.0
        emb_g = total_g * emb_share
        use_g = total_g - emb_g
        intensity = use_g / energy_kwh if energy_kwh > 0 else 0.0
        out.append(SciScore(offer_id=o.offer_id, energy_kwh=energy_kwh,
                            intensity_gco2e_per_kwh=intensity, embodied_gco2e=emb_g,
                            sci_gco2e=total_g))
    return out
