"""Everyday equivalents of a footprint (km by car, smartphone charges...), with sources.

The factors live in ``data/equivalents.toml``, each with its source, year and status.
They illustrate orders of magnitude for elected officials and citizens and are never
used for scoring.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Equivalent", "EquivalentFactor", "equivalent_factors", "equivalents_of"]

EquivalentIndicator = Literal["gwp", "energy", "water"]


class EquivalentFactor(BaseModel):
    """One equivalent: the impact of one unit of it, in the indicator's unit."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    indicator: EquivalentIndicator
    per_unit: Annotated[float, Field(gt=0)]
    """kgCO2e (gwp), kWh (energy) or L (water) per unit of the equivalent."""
    unit_fr: str
    unit_en: str
    source: Annotated[str, Field(min_length=1)]
    year: Annotated[int, Field(ge=1990, le=2100)]
    status: Literal["secondary", "derived", "definition"]


class Equivalent(BaseModel):
    """A figure expressed as a count of an everyday equivalent."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    count: float
    unit_fr: str
    unit_en: str
    source: str
    year: int


def equivalent_factors() -> list[EquivalentFactor]:
    """Every packaged equivalent factor, read on each call (no module-level cache)."""
    text = resources.files("ia_empreinte").joinpath("data/equivalents.toml").read_text("utf-8")
    return [EquivalentFactor.model_validate(e) for e in tomllib.loads(text)["equivalent"]]


def equivalents_of(
    indicator: str, value: float, factors: list[EquivalentFactor] | None = None
) -> list[Equivalent]:
    """``value`` (kgCO2e for gwp, kWh for energy, L for water) as everyday equivalents.

    ``count = value / per_unit``. Indicators without equivalents give an empty list.
    """
    out = []
    for f in factors if factors is not None else equivalent_factors():
        if f.indicator == indicator:
            out.append(
                Equivalent(
                    id=f.id,
                    count=value / f.per_unit,
                    unit_fr=f.unit_fr,
                    unit_en=f.unit_en,
                    source=f.source,
                    year=f.year,
                )
            )
    return out
