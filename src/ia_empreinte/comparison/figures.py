"""Every figure of an offer's draws, per scope (per request, per year, per contract)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ia_empreinte.comparison.options import FigureScope
from ia_empreinte.results import COMPONENTS, PHASES, EstimateDraws
from ia_empreinte.types import Array

__all__ = ["figures", "parts"]


def _total(parts: Mapping[str, Array], names: Sequence[str]) -> Array:
    if "total" in parts:
        return np.asarray(parts["total"], dtype=np.float64)
    present = [np.asarray(parts[n], dtype=np.float64) for n in names if n in parts]
    if not present:
        present = [np.asarray(v, dtype=np.float64) for v in parts.values()]
    return np.sum(present, axis=0) if present else np.zeros(0)


def figures(d: EstimateDraws) -> dict[FigureScope, dict[str, Array]]:
    """Every figure of an offer as draws, per scope; contract = per year x years."""
    years = np.asarray(d.contract_years, dtype=np.float64)
    per_request = {
        "energy_wh": _total(d.per_request_energy_wh, COMPONENTS),
        "gwp_kgco2e": _total(d.per_request_gwp_kgco2e, PHASES),
        "water_l": np.asarray(d.per_request_water_l, dtype=np.float64),
        "adpe_kgsbeq": np.asarray(d.per_request_adpe_kgsbeq, dtype=np.float64),
        "pe_mj": np.asarray(d.per_request_pe_mj, dtype=np.float64),
    }
    per_year = {
        "energy_kwh": _total(d.per_year_energy_kwh, COMPONENTS),
        "gwp_kgco2e": _total(d.per_year_gwp_kgco2e, PHASES),
        "water_l": np.asarray(d.per_year_water_l, dtype=np.float64),
        "adpe_kgsbeq": np.asarray(d.per_year_adpe_kgsbeq, dtype=np.float64),
        "pe_mj": np.asarray(d.per_year_pe_mj, dtype=np.float64),
        "requests": np.asarray(d.requests_per_year, dtype=np.float64),
    }
    contract = {k: v * years for k, v in per_year.items()}
    return {"per_request": per_request, "per_year": per_year, "contract": contract}


def parts(d: EstimateDraws, scope: FigureScope) -> tuple[dict[str, Array], dict[str, Array]]:
    """Energy per component and GHG per phase at ``scope`` (without the total)."""
    if scope == "per_request":
        energy, gwp = d.per_request_energy_wh, d.per_request_gwp_kgco2e
        factor: Array | float = 1.0
    else:
        energy, gwp = d.per_year_energy_kwh, d.per_year_gwp_kgco2e
        factor = np.asarray(d.contract_years) if scope == "contract" else 1.0
    return (
        {k: np.asarray(v) * factor for k, v in energy.items() if k != "total"},
        {k: np.asarray(v) * factor for k, v in gwp.items() if k != "total"},
    )
