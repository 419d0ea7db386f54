"""Comparing offers on one usage profile, on shared random draws.

Every offer is estimated with the same :class:`~ia_empreinte.uncertainty.Sampler`, so
the inputs they share (the profile's volumes and request sizes, the grid factor of a
shared zone, shared lifetimes) take the same value in draw ``i`` for every offer.
Differences between offers are then differences of the offers, not Monte Carlo noise
(STYLE 10; brightway2-calc ``MultiLCA``). From the draws:

- the ranking on the scored indicator (median of the draws, lower is better);
- ``P(A < B)``: the share of draws in which offer A has the lower figure (ties count
  half);
- the drivers of each figure and of each gap: Spearman rank correlation between the
  draws of each uncertain input and the draws of the output, and the median of the
  output when the input sits in its lowest / highest 5 % of draws (a tornado swing
  read from the same draws, without re-running the engine);
- the marks of the procurement formula (:mod:`ia_empreinte.scoring`) on the medians
  (research section 5.7: scores use the central value, bands are shown to the jury).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from ia_empreinte.comparison.sensitivity import Driver, drivers, gap_inputs, spearman
from ia_empreinte.errors import ValidationFailure
from ia_empreinte.offers import Offer
from ia_empreinte.profiles import UsageProfile
from ia_empreinte.records.store import EMPTY, RecordStore
from ia_empreinte.results import COMPONENTS, PHASES, Caveat, EstimateDraws, Summary
from ia_empreinte.scoring import DEFAULT_FLOOR_FRACTION, ScoreMethod, Scores, score
from ia_empreinte.types import Array
from ia_empreinte.uncertainty import MAX_DRAWS, Sampler, median

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "INDICATOR_KEYS",
    "CompareOptions",
    "Comparison",
    "Driver",
    "Indicator",
    "OfferFigures",
    "Pair",
    "Scope",
    "compare",
    "compare_draws",
    "drivers",
    "parse_compare_options",
    "spearman",
]

Indicator = Literal["energy", "gwp", "water", "adpe", "pe"]
Scope = Literal["per_request", "per_year", "contract"]

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

_OUT = ConfigDict(extra="forbid", frozen=True)


class CompareOptions(BaseModel):
    """How a comparison is computed and scored: part of the canonical inputs of a fiche."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    indicator: Indicator = "gwp"
    scope: Scope = "contract"
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
    from ia_empreinte.inputs.documents import parse_model

    return parse_model(CompareOptions, data, error=ValidationFailure)


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
    scope: Scope
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


def unit_of(indicator: Indicator, scope: Scope) -> str:
    """The unit of an indicator at a scope (energy is in Wh per request, kWh beyond)."""
    if indicator == "energy":
        return "Wh" if scope == "per_request" else "kWh"
    return {"gwp": "kgCO2e", "water": "L", "adpe": "kg Sb eq", "pe": "MJ"}[indicator]


def _total(parts: Mapping[str, Array], names: Sequence[str]) -> Array:
    if "total" in parts:
        return np.asarray(parts["total"], dtype=np.float64)
    present = [np.asarray(parts[n], dtype=np.float64) for n in names if n in parts]
    if not present:
        present = [np.asarray(v, dtype=np.float64) for v in parts.values()]
    return np.sum(present, axis=0) if present else np.zeros(0)


def _figures(d: EstimateDraws) -> dict[Scope, dict[str, Array]]:
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


def _parts(d: EstimateDraws, scope: Scope) -> tuple[dict[str, Array], dict[str, Array]]:
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


def _p_lower(a: Array, b: Array) -> float:
    return float(np.mean(a < b) + 0.5 * np.mean(a == b))


class _OfferLike(BaseModel):
    model_config = _OUT
    id: str
    vendor: str = ""
    service: str = ""


def compare_draws(
    profile_id: str,
    offers: Sequence[Offer | _OfferLike | Mapping[str, Any]],
    draws: Sequence[EstimateDraws],
    options: CompareOptions | None = None,
    *,
    methods: Sequence[Mapping[str, str]] | None = None,
    caveats: Sequence[Sequence[Caveat]] | None = None,
) -> Comparison:
    """Build a :class:`Comparison` from each offer's draws (all on one shared sampler).

    Args:
        profile_id: the usage profile's id.
        offers: the offers (or mappings with ``id``, ``vendor``, ``service``), in order.
        draws: each offer's :class:`EstimateDraws`, same order, same number of draws.
        options: indicator, scope and scoring; defaults otherwise.
        methods: per offer, how each component was obtained (from the engine).
        caveats: per offer, the engine's caveats.
    """
    opts = options or CompareOptions()
    infos = [
        o if isinstance(o, Offer | _OfferLike) else _OfferLike.model_validate(o) for o in offers
    ]
    if not infos:
        raise ValidationFailure("give at least one offer to compare")
    if len(infos) != len(draws):
        raise ValueError("one EstimateDraws per offer is needed")
    ids = [o.id for o in infos]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ValidationFailure(f"offer ids must be distinct; repeated: {', '.join(dup)}")
    req_key, period_key = INDICATOR_KEYS[opts.indicator]
    key = req_key if opts.scope == "per_request" else period_key
    figures = [_figures(d) for d in draws]
    scored = [f[opts.scope][key] for f in figures]
    n = {len(s) for s in scored}
    if len(n) != 1:
        raise ValueError(f"offers were estimated with different numbers of draws: {sorted(n)}")

    medians = [float(median(s)) for s in scored]
    ranks = [1 + sum(1 for m in medians if m < mine) for mine in medians]
    stacked = np.vstack(scored)
    lowest = stacked == stacked.min(axis=0)
    p_best = (lowest / lowest.sum(axis=0)).mean(axis=1)

    result: list[OfferFigures] = []
    for i, (info, d, f) in enumerate(zip(infos, draws, figures, strict=True)):
        energy_parts, gwp_parts = _parts(d, opts.scope)
        result.append(
            OfferFigures(
                offer_id=info.id,
                vendor=info.vendor,
                service=info.service,
                per_request={k: Summary.of(v) for k, v in f["per_request"].items()},
                per_year={k: Summary.of(v) for k, v in f["per_year"].items()},
                contract={k: Summary.of(v) for k, v in f["contract"].items()},
                energy_by_component={k: Summary.of(v) for k, v in energy_parts.items()},
                gwp_by_phase={k: Summary.of(v) for k, v in gwp_parts.items()},
                scored=Summary.of(scored[i]),
                scored_box=[float(q) for q in np.percentile(scored[i], [5, 25, 50, 75, 95])],
                rank=ranks[i],
                p_best=float(p_best[i]),
                drivers=drivers(d.extras, scored[i]),
                methods=dict(methods[i]) if methods else {},
                caveats=list(caveats[i]) if caveats else [],
            )
        )
    pairs: list[Pair] = []
    for i in range(len(infos)):
        for j in range(i + 1, len(infos)):
            gap = scored[i] - scored[j]
            inputs = gap_inputs(ids[i], draws[i].extras, ids[j], draws[j].extras)
            pairs.append(
                Pair(
                    a=ids[i],
                    b=ids[j],
                    p_a_lower=_p_lower(scored[i], scored[j]),
                    gap=Summary.of(gap),
                    drivers=drivers(inputs, gap),
                )
            )
    marks = score(
        dict(zip(ids, medians, strict=True)),
        method=opts.method,
        n_max=opts.points,
        floor=opts.floor,
        floor_fraction=opts.floor_fraction,
    )
    notes: list[Caveat] = []
    if marks.floor.floored:
        notes.append(
            Caveat(
                code="score-floor",
                message=(
                    f"{', '.join(marks.floor.floored)}: below the floor of "
                    f"{marks.floor.value:.4g} {unit_of(opts.indicator, opts.scope)}; "
                    "scored at the floor, the declared figures must be checked"
                ),
            )
        )
    return Comparison(
        profile_id=profile_id,
        indicator=opts.indicator,
        scope=opts.scope,
        unit=unit_of(opts.indicator, opts.scope),
        seed=opts.seed,
        draws=len(scored[0]),
        offers=result,
        pairs=pairs,
        scores=marks,
        caveats=notes,
    )


class _RecordingSampler(Sampler):
    """A sampler that also keeps the draws of every uncertain input it hands out.

    The draws are the sampler's own (shared keys give the same array to every offer);
    recording them per offer gives the inputs of the sensitivity analysis without the
    engine having to return them.
    """

    def __init__(self, seed: int, draws: int) -> None:
        super().__init__(seed, draws)
        self.recorded: dict[str, Array] = {}

    def sample(
        self, key: str, q: Any, *, low: float = -math.inf, high: float = math.inf
    ) -> Array:
        out = super().sample(key, q, low=low, high=high)
        if len(out) > 1 and np.ptp(out) > 0:
            self.recorded[key] = out
        return out


def _run_engine(
    profile: UsageProfile, offer: Offer, sampler: _RecordingSampler, records: RecordStore
) -> tuple[EstimateDraws, list[Caveat], dict[str, str]]:
    from dataclasses import replace

    from ia_empreinte import engine

    sampler.recorded = {}
    draws, caveats, methods = engine.estimate_draws(profile, offer, sampler, records=records)
    assert isinstance(draws, EstimateDraws)
    extras = {**sampler.recorded, **draws.extras}
    return (
        replace(draws, extras=extras),
        list(caveats),  # type: ignore[call-overload]
        dict(methods),  # type: ignore[call-overload]
    )


def compare(
    profile: UsageProfile,
    offers: Sequence[Offer],
    options: CompareOptions | None = None,
    *,
    records: RecordStore = EMPTY,
) -> Comparison:
    """Estimate every offer on ``profile`` with one shared sampler and compare them.

    Args:
        profile: the buyer's usage profile.
        offers: two or more offers (one is accepted: a comparison of one).
        options: indicator, scope, scoring, seed and number of draws.
        records: the benchmark records the offers pin, by SHA-256 (read by the input
            layer).

    Returns:
        The comparison: figures, ranking, P(A < B), drivers and marks.
    """
    opts = options or CompareOptions()
    if not 1 <= opts.draws <= MAX_DRAWS:
        raise ValidationFailure(f"draws must be between 1 and {MAX_DRAWS:,}, got {opts.draws:,}")
    sampler = _RecordingSampler(opts.seed, opts.draws)
    runs = [_run_engine(profile, o, sampler, records) for o in offers]
    return compare_draws(
        profile.id,
        offers,
        [r[0] for r in runs],
        opts,
        methods=[r[2] for r in runs],
        caveats=[r[1] for r in runs],
    )
