"""Results of an estimation: distribution summaries, provenance and caveats.

:class:`EstimateDraws` holds the raw Monte Carlo draws (numpy arrays), which the
comparison uses per draw, and :class:`Trace` what the engine noted on the way (caveats,
methods, records, sampled inputs); :class:`Estimate` is the summarised, serialisable
result whose JSON form is the ``estimate`` output contract.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from ia_empreinte.types import Array

__all__ = [
    "COMPONENTS",
    "INDICATORS",
    "PHASES",
    "Caveat",
    "DefaultedField",
    "Estimate",
    "EstimateDraws",
    "Method",
    "PeriodImpacts",
    "Provenance",
    "RequestImpacts",
    "Summary",
    "Trace",
    "TrainingImpacts",
]

Method = Literal["measured", "declared", "modelled"]

COMPONENTS = ("accelerators", "host", "idle", "facility_overhead")
"""Energy components of the use phase."""
PHASES = ("use", "embodied")
"""GHG phases (training is reported separately)."""
INDICATORS = ("energy", "gwp", "water", "adpe", "pe")

_OUT = ConfigDict(extra="forbid", frozen=True)


class Summary(BaseModel):
    """A distribution summarised by its 5th, 50th and 95th percentiles and its mean."""

    model_config = _OUT
    p05: float
    p50: float
    p95: float
    mean: float

    @classmethod
    def of(cls, draws: Array) -> Summary:
        """Summarise an array of draws (percentiles by linear interpolation)."""
        draws = np.asarray(draws, dtype=np.float64)
        return cls.of_many({"draws": draws}, max(draws.size, 1))["draws"]

    @classmethod
    def of_many(cls, arrays: dict[str, Array], draws: int) -> dict[str, Summary]:
        """:meth:`of` for many arrays of ``draws`` draws (or scalars), in one numpy call.

        The same figures as :meth:`of` on each, bit for bit (numpy reduces each row of
        the stacked array as it reduces a lone array), without a call per array.
        """
        if not arrays:
            return {}
        stacked = np.stack([np.broadcast_to(np.asarray(a, dtype=np.float64), (draws,))
                            for a in arrays.values()])
        pct = np.percentile(stacked, (5, 50, 95), axis=1).tolist()
        means = stacked.mean(axis=1).tolist()
        return {name: cls(p05=pct[0][i], p50=pct[1][i], p95=pct[2][i], mean=means[i])
                for i, name in enumerate(arrays)}


class RequestImpacts(BaseModel):
    """Impacts of one functional unit (one request)."""

    model_config = _OUT
    energy_wh: Summary
    energy_wh_by_component: dict[str, Summary]
    gwp_kgco2e: Summary
    gwp_kgco2e_by_phase: dict[str, Summary]
    water_l: Summary
    adpe_kgsbeq: Summary
    pe_mj: Summary
    water_l_by_scope: dict[str, Summary] = {}
    """Water split into ``onsite`` (data-centre cooling, WUE) and ``offsite`` (water
    consumed to generate the electricity); their sum is ``water_l``."""
    pe_mj_by_phase: dict[str, Summary] = {}
    """Primary energy split into ``use`` (facility electricity x the zone's primary-energy
    factor) and ``embodied`` (manufacturing of accelerators and host)."""


class PeriodImpacts(BaseModel):
    """Impacts of one year of service, or of the whole contract."""

    model_config = _OUT
    energy_kwh: Summary
    energy_kwh_by_component: dict[str, Summary]
    gwp_kgco2e: Summary
    gwp_kgco2e_by_phase: dict[str, Summary]
    water_l: Summary
    adpe_kgsbeq: Summary
    pe_mj: Summary
    requests: Summary
    """Functional units served in the period."""
    water_l_by_scope: dict[str, Summary] = {}
    """``onsite`` (WUE) and ``offsite`` (electricity generation) water, summing to
    ``water_l``."""
    pe_mj_by_phase: dict[str, Summary] = {}
    """``use`` (electricity, primary-energy factor) and ``embodied`` (manufacturing)."""


class TrainingImpacts(BaseModel):
    """Training footprint declared by the vendor, amortised per request."""

    model_config = _OUT
    per_request_energy_wh: Summary | None
    per_request_gwp_kgco2e: Summary | None
    contract_gwp_kgco2e: Summary | None
    contract_energy_kwh: Summary | None
    amortisation_requests: Summary
    source: str


class Caveat(BaseModel):
    """Something the user must know about a figure; ``code`` is stable and documented."""

    model_config = _OUT
    code: str
    message: str


class DefaultedField(BaseModel):
    """An offer field the vendor did not declare, and the published default that
    replaced it (``data/undeclared.toml``): declaring never costs a bidder."""

    model_config = _OUT
    field: str
    """Path in the offer, e.g. ``deployment.pue`` or ``components[0].deployment.zone``."""
    value: str
    """The value used, as shown to the buyer."""
    rule: str
    """Stable code of the default rule, e.g. ``pue-class-high``."""
    rule_en: str
    rule_fr: str
    source: str
    """The public source of the default (title, publisher, year)."""


class Provenance(BaseModel):
    """Where the figures come from, enough to reproduce them."""

    model_config = _OUT
    tool: str = "ia-empreinte"
    tool_version: str
    seed: int
    draws: int
    inputs_sha256: str
    """SHA-256 of the canonical JSON of the validated inputs."""
    data_sha256: dict[str, str]
    """SHA-256 of each packaged reference-data file used."""
    methods: dict[str, Method]
    """How each component was obtained, e.g. ``{"accelerators": "modelled"}``."""
    benchmark_records: list[str] = []
    """SHA-256 of every benchmark record used."""
    codecarbon_version: str | None = None


class Estimate(BaseModel):
    """The footprint of one offer under one usage profile."""

    model_config = _OUT
    profile_id: str
    offer_id: str
    per_request: RequestImpacts
    per_year: PeriodImpacts
    contract: PeriodImpacts
    training: TrainingImpacts | None = None
    provenance: Provenance
    caveats: list[Caveat] = []
    defaulted_fields: list[DefaultedField] = []
    """Offer fields not declared and the conservative default used for each."""


@dataclass(frozen=True)
class EstimateDraws:
    """Raw draws behind an :class:`Estimate`, one array of length ``draws`` per figure.

    Keys of the mappings are the component (energy) or phase (GWP) names, plus
    ``"total"`` (their sum) as the engine fills them. ``per_year``
    and ``contract`` figures are computed by the engine, not rescaled here, because a
    dedicated deployment draws idle power whatever the volume.
    """

    per_request_energy_wh: dict[str, Array]
    per_request_gwp_kgco2e: dict[str, Array]
    per_request_water_l: Array
    per_request_adpe_kgsbeq: Array
    per_request_pe_mj: Array
    per_year_energy_kwh: dict[str, Array]
    per_year_gwp_kgco2e: dict[str, Array]
    per_year_water_l: Array
    per_year_adpe_kgsbeq: Array
    per_year_pe_mj: Array
    requests_per_year: Array
    contract_years: Array
    per_request_water_l_by_scope: dict[str, Array] = field(default_factory=dict)
    """``onsite`` / ``offsite`` water per request (empty where not computed)."""
    per_year_water_l_by_scope: dict[str, Array] = field(default_factory=dict)
    per_request_pe_mj_by_phase: dict[str, Array] = field(default_factory=dict)
    """``use`` / ``embodied`` primary energy per request (empty where not computed)."""
    per_year_pe_mj_by_phase: dict[str, Array] = field(default_factory=dict)
    extras: dict[str, Array] = field(default_factory=dict)
    """Intermediate draws (e.g. ``"input.grid_gwp"``) kept for sensitivity analysis."""


@dataclass(frozen=True)
class Trace:
    """What the engine noted while computing draws: returned with them, never passed down.

    Each step of the chain returns its own caveats; the chain gathers them here.
    """

    caveats: tuple[Caveat, ...] = ()
    """Without repeats, in first-seen order."""
    methods: Mapping[str, Method] = field(default_factory=dict)
    """How each component was obtained, e.g. ``{"accelerators": "measured"}``."""
    records: tuple[str, ...] = ()
    """SHA-256 of every benchmark record used, without repeats, in first-use order."""
    sampled: Mapping[str, Array] = field(default_factory=dict)
    """Draws of every uncertain input, when the sampler was asked to record them."""
    defaulted: tuple[DefaultedField, ...] = ()
    """Offer fields not declared, with the published default used for each."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "caveats", _unique(self.caveats))
        object.__setattr__(self, "records", tuple(dict.fromkeys(self.records)))

    def noting(self, caveats: Sequence[Caveat]) -> Trace:
        """This trace with ``caveats`` before its own (repeats dropped)."""
        return Trace(caveats=(*caveats, *self.caveats), methods=self.methods,
                     records=self.records, sampled=self.sampled, defaulted=self.defaulted)


def _unique(caveats: Sequence[Caveat]) -> tuple[Caveat, ...]:
    return tuple(dict.fromkeys(caveats))
