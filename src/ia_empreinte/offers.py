"""Offers: the candidate AI services a buyer compares.

An offer says which model runs, on what hardware, where, and how capacity is shared.
It may reference benchmark records measured by the vendor (``benchmarks``), declare
figures of its own (``declared``) and a training footprint (``training``). For a
multi-step usage profile, ``components`` give the model and deployment of each task
the main model does not serve.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ia_empreinte import catalog
from ia_empreinte.errors import CatalogError, OfferError
from ia_empreinte.parsing import parse_model
from ia_empreinte.profiles import Task
from ia_empreinte.types import Sha256Hex
from ia_empreinte.uncertainty import Quantity, bounded

__all__ = [
    "BenchmarkRef",
    "Component",
    "Declared",
    "Deployment",
    "ModelSpec",
    "Offer",
    "Precision",
    "Training",
    "parse_offer",
]

_STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, validate_default=True)
"""validate_default: defaults go through the same parsing as given values (24 -> 24.0),
so a document and its JSON round trip hash the same."""

Precision = Literal["fp32", "bf16", "fp16", "fp8", "int8", "int4"]
Params = Annotated[Quantity, bounded(0, 100_000, low_inclusive=False, unit="billion parameters")]


class ModelSpec(BaseModel):
    """The model that serves the requests.

    Give a catalog ``id`` (sizes are then taken from ``ia-empreinte catalog models``),
    explicit sizes, or both (explicit values win).
    """

    model_config = _STRICT
    id: str | None = None
    name: str = ""
    total_params_b: Params | None = None
    active_params_b: Params | None = None
    """Parameters used per token; lower than the total for mixture-of-experts models."""
    precision: Precision | None = None

    @model_validator(mode="after")
    def sizes_are_given_or_known(self) -> ModelSpec:
        if self.id is not None:
            try:
                catalog.model(self.id)
            except CatalogError as exc:
                raise ValueError(exc.message) from None
        elif self.total_params_b is None:
            raise ValueError("give 'total_params_b' or a catalog model 'id'")
        return self

    def resolved(self) -> tuple[Quantity, Quantity, Precision]:
        """Total parameters, active parameters (billions) and precision, defaults filled."""
        card = catalog.model(self.id) if self.id is not None else None
        total = self.total_params_b
        if total is None:
            assert card is not None  # by validation
            total = card.total_params_b
        active = self.active_params_b
        if active is None:
            active = card.active_params_b if card and self.total_params_b is None else total
        precision: Precision = self.precision or (card.precision if card else "bf16")
        return total, active, precision


class Deployment(BaseModel):
    """Where and how the model runs."""

    model_config = _STRICT
    accelerator: str
    """Catalog id, see ``ia-empreinte catalog accelerators``."""
    accelerator_count: Annotated[int, Field(ge=1, le=100_000)] = 1
    """Accelerators serving one model replica (tensor/pipeline parallel)."""
    batch_size: Annotated[Quantity, bounded(1, 100_000, unit="concurrent requests")] = 1
    """Requests served together (operating point: batch size or concurrency)."""
    capacity: Literal["shared", "dedicated"] = "shared"
    """``dedicated``: the hardware is reserved all year and draws idle power when unused."""
    replicas: Annotated[int, Field(ge=1, le=10_000)] = 1
    """Model replicas reserved for a dedicated deployment."""
    zone: str | None = None
    """Hosting zone: ISO 3166 alpha-2 or alpha-3, a region (``US-VA``) or ``WORLD``."""
    datacenter: str = "unknown"
    """Data-centre class, see ``ia-empreinte catalog datacenters``."""
    server: str | None = None
    """Host server class; chosen from the accelerator count when omitted."""
    pue: Annotated[Quantity, bounded(1, 4)] | None = None
    wue_l_per_kwh: Annotated[Quantity, bounded(0, 20, unit="L/kWh")] | None = None
    """On-site water per kWh of IT energy; data-centre class default when omitted."""
    hardware_lifetime_years: Annotated[Quantity, bounded(0.5, 20, unit="years")] | None = None

    @model_validator(mode="after")
    def catalog_ids_exist(self) -> Deployment:
        try:
            catalog.accelerator(self.accelerator)
            if self.zone is not None:
                catalog.zone(self.zone)
            catalog.datacenter(self.datacenter)
            if self.server is not None:
                catalog.server(self.server)
        except CatalogError as exc:
            raise ValueError(exc.message) from None
        return self


class BenchmarkRef(BaseModel):
    """A benchmark record the vendor attaches, pinned by its SHA-256."""

    model_config = _STRICT
    path: str
    """Relative to the offer file."""
    sha256: Sha256Hex
    task: Task | None = None
    """The task the record measures; the offer's main task when omitted."""


class Declared(BaseModel):
    """A figure the vendor declares without a benchmark record."""

    model_config = _STRICT
    energy_wh_per_request: Annotated[Quantity, bounded(0, 1e6, low_inclusive=False, unit="Wh")]
    scope: Literal["accelerators", "server", "facility"]
    """What the figure covers: accelerators only, the whole server, or with PUE."""
    source: str = ""
    task: Task | None = None


class Training(BaseModel):
    """Training footprint declared by the vendor, reported separately from use."""

    model_config = _STRICT
    energy_kwh: Annotated[Quantity, bounded(0, 1e12, unit="kWh")] | None = None
    gwp_kgco2e: Annotated[Quantity, bounded(0, 1e12, unit="kgCO2e")] | None = None
    water_l: Annotated[Quantity, bounded(0, 1e13, unit="L")] | None = None
    amortisation_requests: Annotated[
        Quantity, bounded(0, 1e16, low_inclusive=False, unit="requests")
    ]
    """Requests over which the model's training is shared (all its users)."""
    source: str = ""

    @model_validator(mode="after")
    def declares_something(self) -> Training:
        if self.energy_kwh is None and self.gwp_kgco2e is None:
            raise ValueError("give 'energy_kwh' or 'gwp_kgco2e' (or both)")
        return self


class Component(BaseModel):
    """The model and deployment serving one task of a multi-step use case."""

    model_config = _STRICT
    task: Task
    model: ModelSpec
    deployment: Deployment


class Offer(BaseModel):
    """A candidate AI service."""

    model_config = _STRICT
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")]
    vendor: str = ""
    service: str = ""
    illustrative: bool = False
    """True for the shipped examples: not a real vendor's offer."""
    model: ModelSpec
    deployment: Deployment
    components: list[Component] = []
    benchmarks: list[BenchmarkRef] = []
    declared: list[Declared] = []
    training: Training | None = None
    notes: str = ""

    @model_validator(mode="after")
    def components_cover_distinct_tasks(self) -> Offer:
        tasks = [c.task for c in self.components]
        duplicated = sorted({t for t in tasks if tasks.count(t) > 1})
        if duplicated:
            raise ValueError(f"several components serve task {', '.join(duplicated)}")
        return self

    def component_for(self, task: Task) -> Component:
        """The model and deployment that serve ``task`` (the main ones by default)."""
        for comp in self.components:
            if comp.task == task:
                return comp
        return Component.model_construct(task=task, model=self.model, deployment=self.deployment)


def parse_offer(data: object, *, file: str | None = None) -> Offer:
    """Validate a dict into an :class:`Offer`.

    Raises:
        OfferError: naming the field and what is expected.
    """
    return parse_model(Offer, data, file=file, error=OfferError, kind="offer")
