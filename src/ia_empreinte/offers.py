"""Offers: the candidate AI services a buyer compares.

An offer says which model runs, on what hardware, where, and how capacity is shared.
It may reference benchmark records measured by the vendor (``benchmarks``), declare
figures of its own (``declared``) and a training footprint (``training``). For a
multi-step usage profile, ``components`` give the model and deployment of each task
the main model does not serve.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from ia_empreinte import catalog
from ia_empreinte.errors import CatalogError, OfferError, TaskNotServedError
from ia_empreinte.parsing import parse_model
from ia_empreinte.profiles import Task, UsageProfile
from ia_empreinte.types import Sha256Hex
from ia_empreinte.uncertainty import Quantity, bounded, central

__all__ = [
    "Architecture",
    "BenchmarkRef",
    "Component",
    "Declared",
    "Deployment",
    "ModelSpec",
    "Offer",
    "Precision",
    "ServingStack",
    "Training",
    "check_offer_serves_profile",
    "parse_offer",
    "unserved_tasks",
]

_STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, validate_default=True)
"""validate_default: defaults go through the same parsing as given values (24 -> 24.0),
so a document and its JSON round trip hash the same."""

Precision = Literal["fp32", "bf16", "fp16", "fp8", "int8", "int4", "fp4"]
PRECISION_ALIASES = {
    "mxfp4": "fp4", "nvfp4": "fp4",
    "bfloat16": "bf16", "float16": "fp16", "half": "fp16", "float32": "fp32",
    "float8": "fp8", "float8_e4m3fn": "fp8", "float8_e5m2": "fp8", "fp8_e4m3": "fp8",
    "fp8_e5m2": "fp8",
}
"""Other names read as a precision (any case): the 4-bit float block formats as ``fp4``,
and PyTorch's dtype names (``torch.bfloat16``... as model cards and serving configs
write them); the canonical names are read in any case too (``FP8``)."""
ServingStack = Literal["optimised", "generate-loop", "unknown"]
"""``optimised``: a continuous-batching inference server (vLLM, TGI, SGLang, TensorRT-LLM);
``generate-loop``: a plain framework generate loop (Hugging Face transformers
``generate``, PyTorch eager); ``unknown`` (or omitted): the band covers both."""
Architecture = Literal["encoder-decoder", "ctc", "unet", "dit", "encoder", "cnn", "vit"]
"""Architecture class of a non-LLM model: speech-to-text ``encoder-decoder`` (Whisper
class) or ``ctc`` (wav2vec 2.0 class); image generation ``unet`` or ``dit``; ``encoder``
(embeddings, text classification); image classification ``cnn`` or ``vit``."""
Params = Annotated[Quantity, bounded(0, 100_000, low_inclusive=False, unit="billion parameters")]


class ModelSpec(BaseModel):
    """The model that serves the requests.

    Give a catalog ``id`` (sizes are then taken from ``ia-empreinte catalog models``),
    explicit sizes, or both. With both, a size the catalog marks ``sourced`` (published
    by the developer) must be repeated unchanged: a different value is refused, since
    the offer would then describe another model under a known name. A size the catalog
    only ``estimated`` is replaced by the offer's (the vendor knows its own model).
    """

    model_config = _STRICT
    id: str | None = None
    name: str = ""
    total_params_b: Params | None = None
    active_params_b: Params | None = None
    """Parameters used per token; lower than the total for mixture-of-experts models."""
    precision: Precision | None = None
    """Weight precision, in any case; ``mxfp4`` and ``nvfp4`` are read as ``fp4``, and
    PyTorch's dtype names (``bfloat16``, ``float16``, ``float32``, ``float8_e4m3fn``) as
    the matching precision (:data:`PRECISION_ALIASES`)."""
    reasoning_tokens: Annotated[
        Quantity, bounded(0, 1_000_000, unit="tokens per request")] | None = None
    """Hidden reasoning tokens generated per request on top of the visible answer, as
    the vendor declares them; omitted: the catalog model's class default (0 for a model
    that does not reason), see ``docs/methodology.md``."""
    architecture: Architecture | None = None
    """Architecture class of a non-LLM model (:data:`Architecture`); omitted: the band
    spans every class of the task, its median at the costliest."""

    @model_serializer(mode="wrap")
    def _without_absent_fields(self, handler: SerializerFunctionWrapHandler) -> Any:
        """A model without ``reasoning_tokens`` or ``architecture`` dumps as before those
        fields existed (same canonical inputs and SHA-256)."""
        data = handler(self)
        if isinstance(data, dict):
            for name in ("reasoning_tokens", "architecture"):
                if getattr(self, name) is None:
                    data.pop(name, None)
        return data

    @model_validator(mode="before")
    @classmethod
    def precision_aliases(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("precision"), str):
            name = data["precision"].strip().lower().removeprefix("torch.")
            name = PRECISION_ALIASES.get(name, name)
            if name in get_args(Precision):
                data = {**data, "precision": name}
        return data

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

    @model_validator(mode="after")
    def sizes_agree_with_the_catalog(self) -> ModelSpec:
        """A published catalog size repeated with another value is a contradiction."""
        if self.id is None:
            return self
        card = catalog.model(self.id)
        if card.status != "sourced":
            return self
        for name in ("total_params_b", "active_params_b"):
            given = getattr(self, name)
            known = getattr(card, name)
            if given is not None and given != known:
                raise ValueError(
                    f"{name} {_shown(given)} conflicts with catalog model {card.id} "
                    f"({name} {_shown(known)}, published by the developer); expected the "
                    f"catalog's {name} or no 'id'"
                )
        return self

    @model_validator(mode="after")
    def active_is_at_most_total(self) -> ModelSpec:
        """Active parameters are a subset of the total (equal for a dense model)."""
        if self.total_params_b is None and self.id is None:
            return self  # reported by sizes_are_given_or_known
        total, active, _ = self.resolved()
        if central(active) > central(total):
            raise ValueError(
                f"active_params_b {_shown(active)} is greater than total_params_b "
                f"{_shown(total)}; expected active_params_b <= total_params_b"
            )
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

    def resolved_reasoning_tokens(self) -> tuple[Quantity, str]:
        """Hidden reasoning tokens per request and where the value comes from.

        Declared by the offer; else the catalog model's class default (a model published
        as always reasoning); else 0 (``declared``, ``catalog``, ``none``)."""
        if self.reasoning_tokens is not None:
            return self.reasoning_tokens, "declared"
        card = catalog.model(self.id) if self.id is not None else None
        if card is not None and card.reasoning_tokens is not None:
            return card.reasoning_tokens, "catalog"
        return 0.0, "none"


class Deployment(BaseModel):
    """Where and how the model runs."""

    model_config = _STRICT
    accelerator: str
    """Catalog id, see ``ia-empreinte catalog accelerators``."""
    accelerator_count: Annotated[int, Field(ge=1, le=100_000)] = 1
    """Accelerators serving one model replica (tensor/pipeline parallel)."""
    batch_size: Annotated[Quantity, bounded(1, 100_000, unit="concurrent requests")] = 1
    """Requests served together (operating point: batch size or concurrency)."""
    serving_stack: ServingStack | None = None
    """Inference software: ``optimised`` (continuous-batching server), ``generate-loop``
    (plain framework loop) or ``unknown``; omitted = ``unknown``."""
    capacity: Literal["shared", "dedicated"] = "shared"
    """``dedicated``: the hardware is reserved all year and draws idle power when unused."""
    replicas: Annotated[int, Field(ge=1, le=10_000)] = 1
    """Model replicas reserved for a dedicated deployment."""
    zone: str | None = None
    """Hosting zone: ISO 3166 alpha-2 or alpha-3, a region (``US-VA``) or ``WORLD``."""
    datacenter: str = "unknown"
    """Data-centre class, see ``ia-empreinte catalog datacenters``."""
    server: str | None = None
    """Host server class (``ia-empreinte catalog servers``); when omitted, the
    accelerator's reference server at the fewest accelerators per server of its cited
    range (the offer carries that share of the host, see ``data/accelerators.toml``)."""
    pue: Annotated[Quantity, bounded(1, 4)] | None = None
    wue_l_per_kwh: Annotated[Quantity, bounded(0, 20, unit="L/kWh")] | None = None
    """On-site water per kWh of IT energy; data-centre class default when omitted."""
    hardware_lifetime_years: Annotated[Quantity, bounded(0.5, 20, unit="years")] | None = None

    @model_serializer(mode="wrap")
    def _without_absent_stack(self, handler: SerializerFunctionWrapHandler) -> Any:
        """A deployment without ``serving_stack`` dumps as before the field existed (same
        canonical inputs and SHA-256)."""
        data = handler(self)
        if self.serving_stack is None and isinstance(data, dict):
            data.pop("serving_stack", None)
        return data

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
    task: Task | None = None
    """The task the main model serves. When omitted, the main model is taken to serve
    every task of the profile that no component serves (offers written before this
    field); when given, a profile with a task that neither it nor a component serves
    is refused (:func:`check_offer_serves_profile`)."""
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
        if self.task is not None and self.task in tasks:
            raise ValueError(
                f"task {self.task} is served both by the main model and by a component; "
                "expected the main model's 'task' to differ from every component's"
            )
        return self

    @model_serializer(mode="wrap")
    def _without_absent_task(self, handler: SerializerFunctionWrapHandler) -> Any:
        """An offer without ``task`` dumps as before the field existed, so the canonical
        inputs and their SHA-256 of such an offer are unchanged."""
        data = handler(self)
        if self.task is None and isinstance(data, dict):
            data.pop("task", None)
        return data

    def served_tasks(self) -> list[Task] | None:
        """The tasks the offer serves (main model first), ``None`` when the main model
        declares no task and so serves any task no component serves."""
        if self.task is None:
            return None
        return [self.task, *(c.task for c in self.components)]

    def component_for(self, task: Task) -> Component:
        """The model and deployment that serve ``task`` (the main ones by default)."""
        for comp in self.components:
            if comp.task == task:
                return comp
        return Component.model_construct(task=task, model=self.model, deployment=self.deployment)


def _shown(q: object) -> str:
    return f"{q:g}" if isinstance(q, float) else str(q)


def unserved_tasks(profile: UsageProfile, offer: Offer) -> list[Task]:
    """The tasks of ``profile``'s steps that ``offer`` does not serve, in step order.

    A task is served by the main model's ``task`` or by a component's ``task``; an
    offer whose main model declares no task serves every task (see :attr:`Offer.task`).
    """
    served = offer.served_tasks()
    if served is None:
        return []
    out: list[Task] = []
    for step in profile.effective_steps():
        if step.task not in served and step.task not in out:
            out.append(step.task)
    return out


def check_offer_serves_profile(
    profile: UsageProfile, offer: Offer, *, file: str | None = None,
    at: Sequence[str | int] = (),
) -> None:
    """Refuse an offer that does not serve every task of the profile's steps.

    The one place this rule is checked; ``estimate``, ``compare``, ``report`` and the
    HTTP API call it before any computation.

    Args:
        profile: the usage profile.
        offer: the candidate offer.
        file: the offer's file, named in the message when known.
        at: where the offer sits in a request body (``("offers", 1)``), for the location.

    Raises:
        TaskNotServedError: naming the offer, the task(s) not served and the tasks it
            serves (an :class:`~ia_empreinte.errors.OfferError`).
    """
    missing = unserved_tasks(profile, offer)
    if not missing:
        return
    served = offer.served_tasks() or []
    noun = "task" if len(missing) == 1 else "tasks"
    raise TaskNotServedError(
        f"offer {offer.id} does not serve {noun} {', '.join(missing)} of profile "
        f"{profile.id} (it serves: {', '.join(served)})",
        offer_id=offer.id, profile_id=profile.id, missing=missing, served=served,
        file=file, location=(*at, "task"),
    )


def parse_offer(data: object, *, file: str | None = None) -> Offer:
    """Validate a dict into an :class:`Offer`.

    Raises:
        OfferError: naming the field and what is expected.
    """
    return parse_model(Offer, data, file=file, error=OfferError, kind="offer")
