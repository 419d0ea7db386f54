"""The Comparison document: each offer's figures, the pairs, the marks (JSON contract)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ia_empreinte.comparison.options import FigureScope, Indicator
from ia_empreinte.comparison.sensitivity import Driver
from ia_empreinte.results import Caveat, Summary
from ia_empreinte.scoring import Scores

__all__ = ["Comparison", "OfferFigures", "Pair"]

_OUT = ConfigDict(extra="forbid", frozen=True)


class OfferFigures(BaseModel):
    """One offer's figures in a comparison."""

    model_config = _OUT
    offer_id: str
    vendor: str
    service: str
    per_request: dict[str, Summary]
    """``energy_wh``, ``gwp_kgco2e``, ``water_l``, ``adpe_kgsbeq``, ``pe_mj``."""
    per_year: dict[str, Summary]
    """``energy_kwh``, ``gwp_kgco2e``, ``water_l``, ``adpe_kgsbeq``, ``pe_mj``, ``requests``."""
    contract: dict[str, Summary]
    energy_by_component: dict[str, Summary]
    """Energy per component at the scored scope (Wh per request, else kWh)."""
    gwp_by_phase: dict[str, Summary]
    """GHG per phase (use, embodied) at the scored scope, kgCO2e."""
    scored: Summary
    """The scored indicator at the scored scope."""
    scored_box: list[float]
    """Percentiles 5, 25, 50, 75 and 95 of the scored figure (for box plots)."""
    rank: int
    """Rank of the median of the scored figure: 1 is lowest; equal medians share a rank."""
    p_best: float
    """Share of draws in which this offer has the lowest scored figure (ties split)."""
    drivers: list[Driver]
    methods: dict[str, str] = {}
    caveats: list[Caveat] = []


class Pair(BaseModel):
    """Offer ``a`` against offer ``b`` on the scored figure."""

    model_config = _OUT
    a: str
    b: str
    p_a_lower: float
    """Share of draws in which ``a`` has the lower figure (ties count half)."""
    gap: Summary
    """The draws of ``a - b``."""
    drivers: list[Driver]
    """Drivers of the gap ``a - b``."""


class Comparison(BaseModel):
    """Several offers estimated on one usage profile, on shared draws."""

    model_config = _OUT
    profile_id: str
    indicator: Indicator
    scope: FigureScope
    unit: str
    """Unit of the scored figure, e.g. ``kgCO2e``."""
    seed: int
    draws: int
    offers: list[OfferFigures]
    """In the order given."""
    pairs: list[Pair]
    """Every ordered pair (a, b) with a before b in the input order."""
    scores: Scores
    caveats: list[Caveat] = []

    def ranked(self) -> list[OfferFigures]:
        """The offers from best (rank 1) to worst, ties in input order."""
        return sorted(self.offers, key=lambda o: o.rank)

    def pair(self, a: str, b: str) -> float:
        """``P(a < b)`` on the scored figure."""
        for p in self.pairs:
            if (p.a, p.b) == (a, b):
                return p.p_a_lower
            if (p.a, p.b) == (b, a):
                return 1.0 - p.p_a_lower
        raise KeyError((a, b))
