"""Usage profiles: what the buyer will do with the AI service.

A profile fixes the task, the volume, the request size and the contract length that
every offer is estimated on. A single-task profile gives ``task`` and ``request``; a
use case made of several steps (speech-to-text, then LLM turns, then text-to-speech)
gives ``steps``, each with its own task, request and count per functional unit.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ia_empreinte.errors import ProfileError
from ia_empreinte.parsing import parse_model
from ia_empreinte.uncertainty import Quantity, bounded

__all__ = [
    "TASKS",
    "Basis",
    "Request",
    "Step",
    "Task",
    "UsageProfile",
    "Volume",
    "parse_profile",
]

Task = Literal[
    "text-generation",
    "embeddings",
    "text-classification",
    "speech-to-text",
    "text-to-speech",
    "image-classification",
    "object-detection",
    "image-generation",
    "tabular-prediction",
]
"""Task ids (kebab-case). ``text-generation`` covers chat, summarisation, RAG, translation."""

TASKS: tuple[str, ...] = Task.__args__  # type: ignore[attr-defined]

REQUIRED_REQUEST_FIELDS: dict[str, tuple[str, ...]] = {
    "text-generation": ("input_tokens", "output_tokens"),
    "embeddings": ("input_tokens",),
    "text-classification": ("input_tokens",),
    "speech-to-text": ("audio_seconds",),
    "text-to-speech": ("audio_seconds",),
    "image-classification": ("images",),
    "object-detection": ("images",),
    "image-generation": ("images",),
    "tabular-prediction": ("rows",),
}
"""The request fields each task needs."""

_STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, validate_default=True)
"""validate_default: defaults go through the same parsing as given values (24 -> 24.0),
so a document and its JSON round trip hash the same."""

Tokens = Annotated[Quantity, bounded(0, 10_000_000, unit="tokens")]
Count = Annotated[Quantity, bounded(0, 1_000_000_000, low_inclusive=False)]


class Volume(BaseModel):
    """How much the service is used."""

    model_config = _STRICT
    requests_per_day: Annotated[
        Quantity, bounded(0, 1e10, low_inclusive=False, unit="requests/day")
    ]
    """Functional units (requests, calls, conversations) per service day."""
    days_per_year: Annotated[Quantity, bounded(0, 366, low_inclusive=False, unit="days")] = 365
    """Service days per year used to annualise."""
    peak_factor: Annotated[Quantity, bounded(1, 100)] = 1.0
    """Peak-hour load over the mean load, for sizing dedicated capacity."""
    hours_per_day: Annotated[Quantity, bounded(0, 24, low_inclusive=False, unit="h")] = 24
    """Hours per service day over which the requests arrive."""


class Request(BaseModel):
    """The size of one request (one step of the functional unit)."""

    model_config = _STRICT
    input_tokens: Tokens | None = None
    output_tokens: Tokens | None = None
    audio_seconds: Annotated[Quantity, bounded(0, 86_400, unit="s")] | None = None
    images: Annotated[Quantity, bounded(0, 100_000, unit="images")] | None = None
    image_width: Annotated[Quantity, bounded(1, 16_384, unit="px")] | None = None
    image_height: Annotated[Quantity, bounded(1, 16_384, unit="px")] | None = None
    denoising_steps: Annotated[Quantity, bounded(1, 1_000, unit="steps")] | None = None
    rows: Annotated[Quantity, bounded(0, 1e9, unit="rows")] | None = None


class Step(BaseModel):
    """One step of a multi-step use case."""

    model_config = _STRICT
    name: Annotated[str, Field(min_length=1, max_length=80)]
    task: Task
    request: Request
    count: Annotated[Quantity, bounded(0, 10_000)] = 1.0
    """How many times the step runs per functional unit (e.g. 4 LLM turns per call)."""

    @model_validator(mode="after")
    def request_has_the_fields_the_task_needs(self) -> Step:
        _check_request(self.task, self.request)
        return self


class Basis(BaseModel):
    """Whether a number of the profile is sourced or assumed, and from where."""

    model_config = _STRICT
    status: Literal["sourced", "assumed"]
    source: str = ""

    @model_validator(mode="after")
    def sourced_numbers_name_their_source(self) -> Basis:
        if self.status == "sourced" and not self.source.strip():
            raise ValueError("a sourced number needs a non-empty 'source'")
        return self


class UsageProfile(BaseModel):
    """What the buyer will do: the common ground every offer is estimated on."""

    model_config = _STRICT
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]
    version: Annotated[int, Field(ge=1)] = 1
    title: str = ""
    title_fr: str = ""
    description: str = ""
    functional_unit: str = "one request"
    reference_flow: str = ""
    task: Task | None = None
    request: Request | None = None
    steps: list[Step] | None = None
    volume: Volume
    contract_years: Annotated[Quantity, bounded(0, 30, low_inclusive=False, unit="years")]
    basis: dict[str, Basis] = {}
    """Per-number basis, keyed by dotted field path, e.g. ``volume.requests_per_day``."""
    reference_cases: list[str] = []
    sources: list[str] = []
    warnings: list[str] = []
    """Warnings shown with every result (e.g. a legally sensitive use case)."""

    @model_validator(mode="after")
    def either_one_task_or_steps(self) -> UsageProfile:
        single = self.task is not None or self.request is not None
        if single and self.steps:
            raise ValueError("give either 'task' and 'request', or 'steps', not both")
        if not single and not self.steps:
            raise ValueError("give 'task' and 'request' (one task) or 'steps' (several)")
        if single:
            if self.task is None:
                raise ValueError("'request' is given but 'task' is missing")
            if self.request is None:
                raise ValueError(f"task '{self.task}' needs a 'request' section")
            _check_request(self.task, self.request)
        return self

    def effective_steps(self) -> list[Step]:
        """The profile as a list of steps (a single-task profile is one step)."""
        if self.steps:
            return list(self.steps)
        assert self.task is not None and self.request is not None  # by validation
        return [Step(name=self.task, task=self.task, request=self.request)]


def _check_request(task: str, request: Request) -> None:
    missing = [f for f in REQUIRED_REQUEST_FIELDS[task] if getattr(request, f) is None]
    if missing:
        raise ValueError(
            f"task '{task}' needs request.{', request.'.join(missing)}"
        )


def parse_profile(data: object, *, file: str | None = None) -> UsageProfile:
    """Validate a dict (e.g. a decoded JSON body) into a :class:`UsageProfile`.

    Raises:
        ProfileError: naming the field and what is expected.
    """
    return parse_model(UsageProfile, data, file=file, error=ProfileError, kind="profile")
