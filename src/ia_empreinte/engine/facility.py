"""Facility overhead (PUE) and the per-kWh impacts of electricity in the hosting zone."""

from __future__ import annotations

import numpy as np

from ia_empreinte.types import Array

__all__ = ["facility_overhead_wh", "per_kwh_impact", "water_l", "water_offsite_l",
           "water_onsite_l"]

ArrayLike = Array | float


def facility_overhead_wh(it_energy_wh: ArrayLike, pue: ArrayLike) -> Array:
    """``E_overhead = E_IT x (PUE - 1)`` (The Green Grid, PUE definition, 2007)."""
    return np.asarray(np.asarray(it_energy_wh) * (np.asarray(pue) - 1.0), dtype=np.float64)


def per_kwh_impact(facility_energy_kwh: ArrayLike, factor_per_kwh: ArrayLike) -> Array:
    """``I = E_facility x F_zone`` (location-based, GHG Protocol Scope 2 Guidance 2015)."""
    return np.asarray(np.asarray(facility_energy_kwh) * np.asarray(factor_per_kwh),
                      dtype=np.float64)


def water_l(
    it_energy_kwh: ArrayLike, pue: ArrayLike, wue_onsite_l_per_kwh: ArrayLike,
    offsite_l_per_kwh: ArrayLike,
) -> Array:
    """``W = E_IT x (WUE_onsite + PUE x WUE_offsite)`` (P. Li, J. Yang, M. A. Islam,
    S. Ren, "Making AI Less 'Thirsty'", Communications of the ACM, 2025;
    https://arxiv.org/abs/2304.03271)."""
    e = np.asarray(it_energy_kwh)
    return np.asarray(
        e * (np.asarray(wue_onsite_l_per_kwh) + np.asarray(pue) * np.asarray(offsite_l_per_kwh)),
        dtype=np.float64,
    )


def water_onsite_l(it_energy_kwh: ArrayLike, wue_onsite_l_per_kwh: ArrayLike) -> Array:
    """On-site water: ``W_onsite = E_IT x WUE`` (data-centre cooling and humidification;
    The Green Grid, WUE white paper #35, 2011)."""
    return np.asarray(np.asarray(it_energy_kwh) * np.asarray(wue_onsite_l_per_kwh),
                      dtype=np.float64)


def water_offsite_l(
    it_energy_kwh: ArrayLike, pue: ArrayLike, offsite_l_per_kwh: ArrayLike
) -> Array:
    """Off-site water: ``W_offsite = E_IT x PUE x WUE_offsite`` (water consumed to
    generate the facility's electricity, the zone's factor; Li et al. 2025)."""
    return np.asarray(
        np.asarray(it_energy_kwh) * np.asarray(pue) * np.asarray(offsite_l_per_kwh),
        dtype=np.float64,
    )
