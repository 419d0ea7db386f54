"""The engine's own reference data: LLM calibration constants, task energies, defaults.

Read on first use from ``ia_empreinte/data/`` (``llm_calibration.toml``, written by
``benchmarks/calibration/fit.py``; ``tasks.toml``; ``engine_defaults.toml``) into
validated models, never at import time.
"""

from __future__ import annotations

import contextlib
import functools
import tomllib
from collections.abc import Iterator
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ia_empreinte.types import SourceText
from ia_empreinte.uncertainty import Quantity

__all__ = [
    "EngineDefaults",
    "LlmCalibration",
    "SourcedValue",
    "TaskClass",
    "TaskModelError",
    "TaskReference",
    "defaults",
    "llm_calibration",
    "overriding_llm_calibration",
    "overriding_tasks",
    "task_model_error",
    "task_reference",
]

_STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)
"""Validators are built on first use: most runs need only some of these tables."""


class SourcedValue(BaseModel):
    """A default value (possibly a distribution) with its source."""

    model_config = _STRICT
    value: Quantity
    source: SourceText
    year: int
    notes: str = ""


class LlmCalibration(BaseModel):
    """Constants of the text-generation accelerator model (see ``docs/methodology.md``)."""

    model_config = _STRICT
    bandwidth_efficiency: Annotated[float, Field(gt=0, le=1)]
    """Achieved share of the accelerator's peak memory bandwidth during decode."""
    compute_efficiency: Annotated[float, Field(gt=0, le=1)]
    """Achieved share of the accelerator's dense peak FLOP/s (decode and prefill)."""
    power_fraction_memory_bound: Annotated[float, Field(ge=0, le=1)]
    """Share of the idle-to-max power range drawn while memory-bound."""
    power_fraction_compute_bound: Annotated[float, Field(ge=0, le=1)]
    """Share of the idle-to-max power range drawn while compute-bound."""
    communication_overhead: Annotated[float, Field(ge=0, le=1)]
    """Lost parallel efficiency per extra accelerator: g_eff = g / (1 + c (g - 1))."""
    model_error_gsd: Annotated[float, Field(ge=1)]
    """Geometric standard deviation of the model error inside the calibrated domain
    (``exp(sigma_base)``; leave-one-source-out residuals)."""
    step_overhead_optimised_s_per_layer: Annotated[float, Field(ge=0)] = 0.0
    """Host-side overhead per layer and decode step of an optimised serving stack (s)."""
    step_overhead_generate_loop_s_per_layer: Annotated[float, Field(ge=0)] = 0.0
    """Host-side overhead per layer and decode step of a plain generate loop (s)."""
    layers_coef: Annotated[float, Field(gt=0)] = 16.0
    """Transformer layers = coef x total_params_b ** exp."""
    layers_exponent: Annotated[float, Field(gt=0)] = 0.38
    sigma_base: Annotated[float, Field(ge=0)] = 0.0
    """Log-space standard deviation of the model error inside the calibrated domain."""
    sigma_generate_loop: Annotated[float, Field(ge=0)] = 0.0
    """Added (in quadrature) for a plain generate loop (per-model loop overheads vary)."""
    sigma_layer_split: Annotated[float, Field(ge=0)] = 0.0
    """Added for a generate loop split by layers over several accelerators."""
    sigma_accelerator: Annotated[float, Field(ge=0)] = 0.0
    """Added for an accelerator absent from the calibration rows (extrapolated)."""
    sigma_precision: Annotated[float, Field(ge=0)] = 0.0
    """Added for a precision class not measured on that accelerator."""
    sigma_batch_per_decade: Annotated[float, Field(ge=0)] = 0.0
    """Added per decade of batch size outside the range measured for the stack."""
    calibrated_accelerators: tuple[str, ...] = ()
    """Accelerators with calibration rows (each one calibration domain)."""
    calibrated_precisions: dict[str, tuple[str, ...]] = {}
    """Precision classes (``32-bit``, ``16-bit``, ``8-bit``, ``4-bit``) measured per
    accelerator."""
    calibrated_batch_range: dict[str, tuple[float, float]] = {}
    """Batch range measured per serving stack (``optimised``, ``generate-loop``)."""
    unknown_stack_batch: tuple[float, float] = (1.0, 8.0)
    """An undeclared stack spans both stacks fully up to the first batch, and is read as
    an optimised server from the second (a plain loop does not batch concurrent
    requests), log-linearly in between."""
    kv_bytes_per_token_coef: Annotated[float, Field(gt=0)]
    """KV-cache bytes per token per sequence at 16 bits = coef x total_params_b ** exp."""
    kv_bytes_per_token_exponent: Annotated[float, Field(gt=0)]
    memory_usable_fraction: Annotated[float, Field(gt=0, le=1)]
    """Share of accelerator memory a serving engine gives to weights + KV cache."""
    width_depth_coef: Annotated[float, Field(ge=0)]
    """Layers x hidden width = coef x active_params_b ** exp (attention FLOPs)."""
    width_depth_exponent: Annotated[float, Field(gt=0)]
    calibration_input_tokens: Annotated[float, Field(gt=0)]
    """Input tokens per request assumed for the calibration rows (not published)."""
    params_range_b: tuple[float, float]
    """Active-parameter range (billions) of the calibration rows."""
    batch_range: tuple[float, float]
    """Batch-size range of the calibration rows."""
    fitted_on: str
    source: SourceText
    year: int


class TaskClass(BaseModel):
    """The reference energy of one architecture class of a non-LLM task (``tasks.toml``,
    written by ``benchmarks/calibration/fit_tasks.py``)."""

    model_config = _STRICT
    architectures: tuple[str, ...]
    """The ``model.architecture`` values this reference applies to."""
    reference_wh_per_unit: Quantity
    reference_params_b: Annotated[float, Field(gt=0)]
    params_exponent: Annotated[float, Field(ge=0)]
    reference_precision: Literal["32-bit", "16-bit"]
    """Precision group of the rows the reference was measured at."""
    sigma: Annotated[float, Field(ge=0)]
    """Log-space sd of the model error (out-of-sample residuals, see ``fit_tasks.py``)."""
    derived: bool = False
    """True when no published row measures the class (derived from another class)."""
    fixed_units: Annotated[float, Field(ge=0)] = 0.0
    """Fixed cost of a batch-1 request, in units (text encoders: token-equivalents)."""
    precision_sensitive: bool = True
    """False where weight precision does not apply (a CPU reference such as tabular)."""
    fp32_factor: Annotated[float, Field(ge=1)] = 2.0
    """Energy of 32-bit weights over 16-bit ones for this class: fitted for image
    generation (rows at both precisions); elsewhere 2, the ratio of weight bytes moved
    (no row measures another precision)."""
    fitted_rows: str = ""
    source: SourceText
    year: int


class TaskReference(BaseModel):
    """The reference energies of one non-LLM task on its reference accelerator."""

    model_config = _STRICT
    id: str
    unit: str
    reference_accelerator: str
    per: str = ""
    default_denoising_steps: float | None = None
    default_megapixels: float | None = None
    classes: list[TaskClass]
    source: SourceText
    year: int

    def for_architecture(self, architecture: str | None) -> list[TaskClass]:
        """The class serving ``architecture``; every class when it is undeclared."""
        if architecture is None:
            return list(self.classes)
        return [c for c in self.classes if architecture in c.architectures]


class TaskModelError(BaseModel):
    """Shared terms of the non-LLM model error and the precision factor."""

    model_config = _STRICT
    fp32_factor: Annotated[float, Field(ge=1)]
    """Energy of 32-bit weights over 16-bit ones fitted on image generation (the only
    task measured at both precisions; each class carries the factor it uses)."""
    sigma_precision: Annotated[float, Field(ge=0)]
    """Log sd added when the offer's precision group was not measured for the class."""
    sigma_derived: Annotated[float, Field(ge=0)]
    """Log sd added for a class without published rows."""
    source: SourceText
    year: int


class _Tasks(BaseModel):
    model_config = _STRICT
    model_error: TaskModelError
    task: list[TaskReference]


class EngineDefaults(BaseModel):
    """Defaults of the chain outside the accelerator model."""

    model_config = _STRICT
    shared_utilisation: SourcedValue
    host_load_fraction: SourcedValue
    task_power_fraction: SourcedValue
    default_zone: dict[str, Any]


def _read(name: str) -> dict[str, Any]:
    data = resources.files("ia_empreinte").joinpath("data", name).read_bytes()
    return tomllib.loads(data.decode("utf-8"))


_OVERRIDE: list[LlmCalibration] = []


@functools.cache
def _shipped_llm_calibration() -> LlmCalibration:
    return LlmCalibration.model_validate(_read("llm_calibration.toml")["constants"])


def llm_calibration() -> LlmCalibration:
    """The fitted constants of the text-generation model."""
    return _OVERRIDE[-1] if _OVERRIDE else _shipped_llm_calibration()


@contextlib.contextmanager
def overriding_llm_calibration(cal: LlmCalibration) -> Iterator[LlmCalibration]:
    """Estimate with other constants inside the block (the calibration harness refits
    them leaving one source out, then runs the same chain as the CLI)."""
    _OVERRIDE.append(cal)
    try:
        yield cal
    finally:
        _OVERRIDE.pop()


_TASKS_OVERRIDE: list[_Tasks] = []


@functools.cache
def _shipped_tasks() -> _Tasks:
    return _Tasks.model_validate(_read("tasks.toml"))


def _tasks() -> _Tasks:
    return _TASKS_OVERRIDE[-1] if _TASKS_OVERRIDE else _shipped_tasks()


@contextlib.contextmanager
def overriding_tasks(data: dict[str, Any]) -> Iterator[None]:
    """Use ``data`` (the layout of ``tasks.toml``) instead of the shipped task references
    inside the block: the leave-one-source-out check of ``fit_tasks.py`` runs the real
    chain with references refitted without a source."""
    _TASKS_OVERRIDE.append(_Tasks.model_validate(data))
    try:
        yield
    finally:
        _TASKS_OVERRIDE.pop()


def task_reference(task: str) -> TaskReference:
    """The reference energy entry of a non-LLM ``task``."""
    for entry in _tasks().task:
        if entry.id == task:
            return entry
    raise KeyError(task)  # a packaging bug: every non-LLM task has an entry


def task_model_error() -> TaskModelError:
    """The precision factor and the shared model-error terms of the non-LLM tasks."""
    return _tasks().model_error


@functools.cache
def defaults() -> EngineDefaults:
    """Defaults of the chain (shared utilisation, host load, default zone)."""
    return EngineDefaults.model_validate(_read("engine_defaults.toml"))
