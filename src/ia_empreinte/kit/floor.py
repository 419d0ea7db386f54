"""The absolute floor of the scored figure, fixed from the usage profile before publication.

A floor relative to the offers received (a fraction of their median) is unknown when
the tender is published and a bidder can move it with its own offer. The kit therefore
fixes an **absolute** floor from the profile alone: the 5th percentile of the scored
figure of a *frugal reference offer* on the profile, divided by
:data:`FLOOR_MARGIN`. The frugal reference is an offer no real service beats on every
count at once: a 1-billion-parameter model in int4, on shared capacity of the catalog's
default accelerator at a batch of 64 concurrent requests, in a hyperscale data centre
with a PUE of 1.1, on the catalog zone with the lowest-carbon electricity. A declared
value below the floor is not impossible, but it must be checked (demande de
précisions) before it can crush the marks of the other offers.
"""

from __future__ import annotations

from ia_empreinte import catalog
from ia_empreinte.comparison import CompareOptions, compare
from ia_empreinte.offers import Offer, parse_offer
from ia_empreinte.profiles import UsageProfile
from ia_empreinte.uncertainty import central

__all__ = ["FLOOR_DRAWS", "FLOOR_MARGIN", "absolute_floor", "frugal_reference_offer"]

FLOOR_MARGIN = 2.0
"""The floor is the frugal reference's 5th percentile divided by this margin (our choice:
an offer must be more than twice as frugal as the frugal reference to be raised)."""

FLOOR_DRAWS = 400
"""Monte Carlo draws of the frugal reference (its 5th percentile is stable to a few %)."""

_REFERENCE_ACCELERATOR = "nvidia-h100-sxm-80gb"
_REFERENCE_PUE = 1.1


def _lowest_carbon_zone() -> str:
    return min(catalog.zones(),
               key=lambda z: (float(central(z.gwp_kgco2e_per_kwh.value)), z.id)).id


def frugal_reference_offer() -> Offer:
    """The frugal reference offer the absolute floor is computed from."""
    return parse_offer({
        "id": "reference-sobre",
        "vendor": "référence de plancher (ia-empreinte)",
        "model": {"total_params_b": 1, "active_params_b": 1, "precision": "int4"},
        "deployment": {
            "accelerator": _REFERENCE_ACCELERATOR, "batch_size": 64, "capacity": "shared",
            "zone": _lowest_carbon_zone(), "datacenter": "hyperscaler", "pue": _REFERENCE_PUE,
        },
    })


def absolute_floor(profile: UsageProfile, options: CompareOptions | None = None) -> float:
    """The absolute floor of the scored figure on ``profile``, in its unit.

    Args:
        profile: the usage profile annexed to the tender.
        options: indicator, scope and seed (the floor follows the scored figure); the
            reference is drawn :data:`FLOOR_DRAWS` times.

    Returns:
        The frugal reference offer's 5th percentile divided by :data:`FLOOR_MARGIN`,
        rounded to three significant digits so that it can be published as is.
    """
    opts = (options or CompareOptions()).model_copy(update={
        "floor": None, "floor_fraction": None, "draws": FLOOR_DRAWS})
    result = compare(profile, [frugal_reference_offer()], opts)
    value = result.offers[0].scored.p05 / FLOOR_MARGIN
    return float(f"{value:.3g}")
