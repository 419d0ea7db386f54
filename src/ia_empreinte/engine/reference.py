"""The engine's own reference data: LLM calibration constants, task energies, defaults.

Read on first use from ``ia_empreinte/data/`` (``llm_calibration.toml``, written by
``benchmarks/calibration/fit.py``; ``tasks.toml``; ``engine_defaults.toml``) into
validated models, never at import time.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from ia_empreinte.types import SourceText
from ia_empreinte.uncertainty import Quantity

__all__ = [
    "EngineDefaults",
    "LlmCalibration",
    "SourcedValue",
    "TaskReference",
    "defaults",
    "llm_calibration",
    "task_reference",
    "task_scaling",
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
    """Geometric standard deviation of the fit residuals (lognormal model error)."""
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


class TaskReference(BaseModel):
    """The reference energy of one non-LLM task on its reference accelerator."""

    model_config = _STRICT
    id: str
    unit: str
    reference_wh_per_unit: Quantity
    reference_model: str
    reference_params_b: Annotated[float, Field(gt=0)]
    reference_accelerator: str
    per: str = ""
    default_denoising_steps: float | None = None
    default_megapixels: float | None = None
    source: SourceText
    year: int


class _Tasks(BaseModel):
    model_config = _STRICT
    scaling: dict[str, Any]
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


@functools.cache
def llm_calibration() -> LlmCalibration:
    """The fitted constants of the text-generation model."""
    return LlmCalibration.model_validate(_read("llm_calibration.toml")["constants"])


@functools.cache
def _tasks() -> _Tasks:
    return _Tasks.model_validate(_read("tasks.toml"))


def task_reference(task: str) -> TaskReference:
    """The reference energy entry of a non-LLM ``task``."""
    for entry in _tasks().task:
        if entry.id == task:
            return entry
    raise KeyError(task)  # a packaging bug: every non-LLM task has an entry


def task_scaling() -> SourcedValue:
    """The model-size exponent shared by the non-LLM tasks."""
    return SourcedValue.model_validate(
        {"value": _tasks().scaling["params_exponent"], "source": _tasks().scaling["source"],
         "year": _tasks().scaling["year"]}
    )


@functools.cache
def defaults() -> EngineDefaults:
    """Defaults of the chain (shared utilisation, host load, default zone)."""
    return EngineDefaults.model_validate(_read("engine_defaults.toml"))
