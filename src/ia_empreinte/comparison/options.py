"""How a comparison is computed and scored: indicator, scope, formula, seed, draws."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from ia_empreinte.errors import ValidationFailure
from ia_empreinte.parsing import parse_model
from ia_empreinte.scoring import DEFAULT_FLOOR_FRACTION, ScoreMethod

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "INDICATOR_KEYS",
    "CompareOptions",
    "FigureScope",
    "Indicator",
    "parse_compare_options",
    "unit_of",
]

Indicator = Literal["energy", "gwp", "water", "adpe", "pe"]
FigureScope = Literal["per_request", "per_year", "contract"]

DEFAULT_DRAWS = 1000
DEFAULT_SEED = 42

INDICATOR_KEYS: dict[Indicator, tuple[str, str]] = {
    "energy": ("energy_wh", "energy_kwh"),
    "gwp": ("gwp_kgco2e", "gwp_kgco2e"),
    "water": ("water_l", "water_l"),
    "adpe": ("adpe_kgsbeq", "adpe_kgsbeq"),
    "pe": ("pe_mj", "pe_mj"),
}
"""Indicator -> (field name per request, field name per year and per contract)."""


class CompareOptions(BaseModel):
    """How a comparison is computed and scored: part of the canonical inputs of a fiche."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    indicator: Indicator = "gwp"
    scope: FigureScope = "contract"
    method: ScoreMethod = "proportional"
    points: float = 10
    floor: float | None = None
    """Absolute floor in the unit of the scored figure (wins over ``floor_fraction``)."""
    floor_fraction: float | None = DEFAULT_FLOOR_FRACTION
    seed: int = DEFAULT_SEED
    draws: int = DEFAULT_DRAWS


def parse_compare_options(data: object) -> CompareOptions:
    """Validate options given as plain values (command-line options, a JSON body).

    Raises:
        ValidationFailure: naming the option, e.g. ``points: expected a finite number,
            got inf`` (instead of pydantic's own error).
    """
    return parse_model(CompareOptions, data, error=ValidationFailure)


def unit_of(indicator: Indicator, scope: FigureScope) -> str:
    """The unit of an indicator at a scope (energy is in Wh per request, kWh beyond)."""
    if indicator == "energy":
        return "Wh" if scope == "per_request" else "kWh"
    return {"gwp": "kgCO2e", "water": "L", "adpe": "kg Sb eq", "pe": "MJ"}[indicator]
