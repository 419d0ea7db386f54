"""Direct reads of NVIDIA's NVML total-energy counters (``pynvml``, optional)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ia_empreinte.harness.meters.base import MeterError

__all__ = ["NvmlCounters"]


class NvmlCounters:
    """Direct reads of NVML's total-energy counters (mJ since driver load).

    Args:
        nvml: the ``pynvml`` module, or a stand-in with the same functions (tests).
        indices: NVML indices of the GPUs to read (all when None).
    """

    def __init__(self, nvml: Any, indices: Sequence[int] | None = None) -> None:
        self._nvml = nvml
        nvml.nvmlInit()
        self.total = int(nvml.nvmlDeviceGetCount())
        """GPUs on the host."""
        chosen = list(indices) if indices is not None else list(range(self.total))
        self._handles = [nvml.nvmlDeviceGetHandleByIndex(i) for i in chosen]
        self._start: list[int] = []
        self.has_counter = self.supported()
        """False on GPUs without a total-energy counter (pre-Volta, some vGPUs)."""

    @classmethod
    def try_open(cls, indices: Sequence[int] | None = None) -> NvmlCounters | None:
        """Open NVML when ``pynvml`` and a driver with at least one GPU are present."""
        try:
            import pynvml  # type: ignore[import-untyped]
        except ImportError:
            return None
        try:
            counters = cls(pynvml, indices)
        except Exception:  # no driver, no device: pynvml raises its own NVMLError types
            return None
        return counters if counters.count else None

    @property
    def count(self) -> int:
        """Number of GPUs."""
        return len(self._handles)

    def models(self) -> list[str]:
        """GPU model names."""
        out = []
        for h in self._handles:
            name = self._nvml.nvmlDeviceGetName(h)
            out.append(name.decode() if isinstance(name, bytes) else str(name))
        return out

    def driver(self) -> str | None:
        """NVIDIA driver version."""
        try:
            version = self._nvml.nvmlSystemGetDriverVersion()
        except Exception:
            return None
        return version.decode() if isinstance(version, bytes) else str(version)

    def supported(self) -> bool:
        """True when every GPU has a total-energy counter (Volta or newer)."""
        try:
            self._read()
        except Exception:
            return False
        return True

    def _read(self) -> list[int]:
        return [int(self._nvml.nvmlDeviceGetTotalEnergyConsumption(h)) for h in self._handles]

    def start(self) -> None:
        """Remember the counters at the start of a window."""
        self._start = self._read() if self.has_counter else []

    def so_far_j(self) -> float | None:
        """Energy of all GPUs since :meth:`start`, joules, for the live display.

        None without counters, before :meth:`start`, or when a read fails: the display
        then says nothing rather than something wrong (:meth:`stop` raises instead).
        """
        if not self.has_counter or not self._start:
            return None
        try:
            now = self._read()
        except Exception:  # pynvml's NVMLError types
            return None
        return max(0, sum(b - a for a, b in zip(self._start, now, strict=True))) / 1000.0

    def stop(self) -> float | None:
        """Energy of all GPUs since :meth:`start`, joules (None without counters).

        Raises:
            MeterError: a counter went backwards (driver reload) or never moved.
        """
        if not self.has_counter:
            return None
        end = self._read()
        deltas = [b - a for a, b in zip(self._start, end, strict=True)]
        if any(d < 0 for d in deltas):
            raise MeterError("an NVML energy counter went backwards (driver reset?)")
        if any(d == 0 for d in deltas):
            raise MeterError(
                "an NVML energy counter did not move over the window: the GPU energy "
                "would be a silent zero"
            )
        return sum(deltas) / 1000.0
