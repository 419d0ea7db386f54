"""What every meter shares: the :class:`Meter` protocol, its readings and description."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Protocol

from ia_empreinte.errors import IaEmpreinteError
from ia_empreinte.records import ComponentEnergy, MeasurementMethod, MeteredPart, Preflight

__all__ = ["Meter", "MeterError", "MeterInfo", "WindowReading", "python_version"]


class MeterError(IaEmpreinteError, RuntimeError):
    """A meter could not measure (no result, a silent zero, an unusable counter)."""


@dataclass(frozen=True)
class WindowReading:
    """What a meter read over one window."""

    duration_s: float
    energy: ComponentEnergy
    nvml_energy_j: float | None = None


@dataclass(frozen=True)
class MeterInfo:
    """How a meter measures, for the record."""

    meter: str
    methods: dict[MeteredPart, MeasurementMethod]
    method_details: dict[str, str]
    settings: dict[str, str | float | int | bool | None]
    preflight: Preflight
    cpu_model: str
    cpu_count: int
    ram_total_gb: float
    gpu_models: list[str] = field(default_factory=list)
    codecarbon_version: str | None = None
    nvidia_driver: str | None = None
    pynvml_version: str | None = None


class Meter(Protocol):
    """Measures the energy of one window at a time."""

    def start(self) -> None:
        """Open a window."""

    def stop(self) -> WindowReading:
        """Close the window and return its energy."""

    def power_w(self) -> float | None:
        """Average power since the window opened, for the live display (None: unknown)."""

    def info(self) -> MeterInfo:
        """How this meter measures."""

    def close(self) -> None:
        """Release what the meter holds."""


def python_version() -> str:
    """The running Python version."""
    return sys.version.split()[0]
