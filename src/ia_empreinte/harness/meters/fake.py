"""A scripted meter for unit tests: no hardware, no CodeCarbon."""

from __future__ import annotations

import time
from collections.abc import Callable

from ia_empreinte.harness.meters.base import MeterInfo, WindowReading
from ia_empreinte.records import ComponentEnergy, MeasurementMethod, MeteredPart, Preflight

__all__ = ["FakeMeter"]


class FakeMeter:
    """A scripted meter for unit tests: constant power per component while a window runs.

    Args:
        power_w: returns the (accelerators, cpu, ram) powers in W for the window index;
            accelerators None means no accelerator.
        clock: a time source (defaults to ``time.perf_counter``).
    """

    def __init__(
        self,
        power_w: Callable[[int], tuple[float | None, float, float]],
        *,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._power = power_w
        self._clock = clock
        self._index = 0
        self._t0 = 0.0
        self.windows = 0

    def start(self) -> None:
        self._t0 = self._clock()

    def power_w(self) -> float | None:
        acc, cpu, ram = self._power(self._index)
        return (acc or 0.0) + cpu + ram

    def stop(self) -> WindowReading:
        duration = self._clock() - self._t0
        acc, cpu, ram = self._power(self._index)
        self._index += 1
        self.windows += 1
        return WindowReading(
            duration_s=duration,
            energy=ComponentEnergy(
                accelerators_j=acc * duration if acc is not None else None,
                cpu_j=cpu * duration,
                ram_j=ram * duration,
            ),
        )

    def info(self) -> MeterInfo:
        acc, _, _ = self._power(0)
        methods: dict[MeteredPart, MeasurementMethod] = {
            "cpu": "modelled",
            "ram": "modelled",
        }
        if acc is not None:
            methods["accelerators"] = "measured"
        return MeterInfo(
            meter="fake",
            methods=methods,
            method_details={"cpu": "scripted", "ram": "scripted"},
            settings={"scripted": True},
            preflight=Preflight(
                rapl_readable=False, nvml_energy_counter=acc is not None,
                gpu_count=1 if acc is not None else 0,
            ),
            cpu_model="fake cpu",
            cpu_count=2,
            ram_total_gb=16.0,
            gpu_models=["fake gpu"] if acc is not None else [],
        )

    def close(self) -> None:
        """Nothing to release."""
