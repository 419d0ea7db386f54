"""Energy meters behind a tiny protocol: CodeCarbon for real runs, a fake for unit tests.

A :class:`Meter` measures one window at a time (``start`` ... ``stop``) and describes
how it measures (:class:`MeterInfo`: per-component method, settings, versions,
pre-flight). :class:`CodeCarbonMeter` drives CodeCarbon's offline tracker with every
setting explicit, one fresh tracker per window (CodeCarbon 3.3,
https://github.com/mlco2/codecarbon, ``OfflineEmissionsTracker``), and
cross-checks NVIDIA GPUs with a direct read of the NVML total-energy counter.
:class:`FakeMeter` returns scripted powers, so protocol tests need no hardware.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from ia_empreinte.errors import IaEmpreinteError
from ia_empreinte.records import ComponentEnergy, Method, Preflight
from ia_empreinte.units import J_PER_KWH

__all__ = [
    "CodeCarbonMeter",
    "FakeMeter",
    "Meter",
    "MeterError",
    "MeterInfo",
    "NvmlCounters",
    "WindowReading",
    "rapl_readable",
]

logger = logging.getLogger(__name__)

MEASURED_CPU_MODES = ("intel_rapl", "windows_emi", "intel_power_gadget", "powermetrics")
"""CodeCarbon CPU modes that read a hardware energy counter (else: a TDP x load model)."""


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
    methods: dict[Literal["accelerators", "cpu", "ram"], Method]
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


def rapl_readable(root: str = "/sys/class/powercap") -> bool:
    """True when a RAPL package ``energy_uj`` counter can be read."""
    base = Path(root)
    if not base.is_dir():
        return False
    for counter in base.glob("intel-rapl:*/energy_uj"):
        try:
            counter.read_text()
            return True
        except OSError:
            continue
    return False


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


class CodeCarbonMeter:
    """CodeCarbon's offline tracker, every setting explicit, one tracker per window.

    No setting is left to ``~/.codecarbon.config``, ``./.codecarbon.config`` or
    ``CODECARBON_*`` variables: everything that can change a figure is passed to the
    constructor (``pue=1``, no output file, no API, no Electricity Maps, country fixed,
    ``log_level='error'``). Outputs go nowhere (``output_methods=[]``; the deprecated
    ``save_to_file`` flag is not passed because it raises a DeprecationWarning and is
    overridden by ``output_methods`` anyway); ``output_dir`` is a private temporary
    folder so that nothing lands in the working directory.

    Args:
        tracking_mode: ``machine`` (the serving host as a whole; the protocol's default)
            or ``process`` (this process and its children: CPU and RAM models only).
        measure_power_secs: CodeCarbon's integration interval, seconds.
        gpu_ids: NVML GPU indices to track. None: every GPU NVML sees, passed
            explicitly so that ``CUDA_VISIBLE_DEVICES`` (which CodeCarbon would read
            otherwise) cannot change the scope; the direct NVML cross-check reads the
            same GPUs.
        nvml: NVML counters to cross-check GPUs (opened when None and available).
    """

    def __init__(
        self,
        *,
        tracking_mode: Literal["machine", "process"] = "machine",
        measure_power_secs: float = 1.0,
        gpu_ids: Sequence[int] | None = None,
        nvml: NvmlCounters | None = None,
    ) -> None:
        self.tracking_mode = tracking_mode
        self.measure_power_secs = measure_power_secs
        self._nvml = nvml if nvml is not None else NvmlCounters.try_open(gpu_ids)
        if gpu_ids is None and self._nvml is not None:
            gpu_ids = list(range(self._nvml.total))
        self.gpu_ids = list(gpu_ids) if gpu_ids is not None else None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._tracker: Any = None
        self._t0 = 0.0
        self._info: MeterInfo | None = None
        self._config_keys: list[str] = []

    def settings(self) -> dict[str, Any]:
        """The constructor arguments passed to CodeCarbon (recorded in the record)."""
        return {
            "tracker": "OfflineEmissionsTracker",
            "country_iso_code": "FRA",
            "region": None,
            "cloud_provider": None,
            "cloud_region": None,
            "pue": 1.0,
            "wue": 0.0,
            "tracking_mode": self.tracking_mode,
            "measure_power_secs": self.measure_power_secs,
            "output_methods": "[]",
            "api_call_interval": -1,
            "api_endpoint": None,
            "api_key": None,
            "emissions_endpoint": None,
            "electricitymaps_api_token": None,
            "force_carbon_intensity_g_co2e_kwh": 0.0,
            "force_cpu_power": None,
            "force_ram_power": None,
            "force_mode_cpu_load": False,
            "rapl_include_dram": False,
            "rapl_prefer_psys": False,
            "allow_multiple_runs": True,
            "log_level": "error",
            "gpu_ids": ",".join(str(g) for g in self.gpu_ids) if self.gpu_ids else None,
        }

    def _new_tracker(self) -> Any:
        from codecarbon import OfflineEmissionsTracker

        # CodeCarbon sets its logger's level when imported and applies log_level only
        # after its first messages: silence it here, after the import (codecarbon.md 3.5)
        logging.getLogger("codecarbon").setLevel(logging.ERROR)

        s = self.settings()
        kwargs: dict[str, Any] = {
            k: v for k, v in s.items() if k not in {"tracker", "output_methods", "gpu_ids"}
        }
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="ia-empreinte-cc-")
        kwargs.update(
            output_methods=[],
            output_dir=self._tmp.name,
            project_name="ia-empreinte-bench",
            experiment_id="ia-empreinte",
            gpu_ids=self.gpu_ids,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tracker = OfflineEmissionsTracker(**kwargs)
        return tracker

    def start(self) -> None:
        """Construct and start a fresh tracker (and read the NVML counters)."""
        self._tracker = self._new_tracker()
        if self._info is None:
            self._config_keys = _external_config_keys()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._tracker.start()
        if self._nvml is not None:
            self._nvml.start()
        self._t0 = time.perf_counter()

    def power_w(self) -> float | None:
        """Average power since the window opened, for the live display (None: unknown).

        CodeCarbon's running totals cover the window only up to its last integration
        (one interval behind; with the 10 s interval of smoke runs, nothing before
        ``stop()``), so they are divided by that span, not by the time elapsed. The
        GPUs' share is read from the direct NVML counters when they are open, which are
        current. (Dividing by the elapsed time showed 0.1 W for an H200 drawing 600 W.)
        """
        tracker = self._tracker
        if tracker is None:
            return None

        def kwh(name: str) -> float:
            return float(getattr(getattr(tracker, name, None), "kWh", 0.0) or 0.0)

        total, gpus = kwh("_total_energy"), kwh("_total_gpu_energy")
        span = float(getattr(tracker, "_last_measured_time", 0.0)) - float(
            getattr(tracker, "_start_time", 0.0))
        power: float | None = None
        elapsed = time.perf_counter() - self._t0
        # NVML's counter moves in steps: in the first second a read says little
        gpu_j = self._nvml.so_far_j() if self._nvml is not None and elapsed >= 1.0 else None
        if gpu_j is not None:
            power = gpu_j / elapsed
            total -= gpus  # CodeCarbon's GPU share is replaced by the direct reading
        if total > 0 and span > 0:
            power = (power or 0.0) + total * J_PER_KWH / span
        return power

    def stop(self) -> WindowReading:
        """Stop the tracker and read its energy fields.

        Raises:
            MeterError: CodeCarbon returned no data (it swallows its errors), or a
                tracked GPU reported zero energy.
        """
        tracker = self._tracker
        if tracker is None:
            raise MeterError("stop() without start()")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = tracker.stop()
        nvml_j = self._nvml.stop() if self._nvml is not None else None
        data = getattr(tracker, "final_emissions_data", None)
        if result is None or data is None:
            raise MeterError(
                "CodeCarbon returned no measurement (it swallows its own errors; run "
                "with -vv to see its log)"
            )
        if self._info is None:
            self._info = self._describe(tracker)
        gpu_j = float(data.gpu_energy) * J_PER_KWH
        has_gpu = int(data.gpu_count or 0) > 0
        if has_gpu and gpu_j <= 0:
            raise MeterError(
                "CodeCarbon reported 0 J for the GPUs (no NVML energy counter?): a silent "
                "zero is refused"
            )
        self._tracker = None
        return WindowReading(
            duration_s=float(data.duration),
            energy=ComponentEnergy(
                accelerators_j=gpu_j if has_gpu else None,
                cpu_j=float(data.cpu_energy) * J_PER_KWH,
                ram_j=float(data.ram_energy) * J_PER_KWH,
            ),
            nvml_energy_j=nvml_j,
        )

    def info(self) -> MeterInfo:
        """How CodeCarbon measured (known after the first window)."""
        if self._info is None:
            self.start()
            self.stop()
        assert self._info is not None
        return self._info

    def _describe(self, tracker: Any) -> MeterInfo:
        from importlib.metadata import version as dist_version

        hardware = list(getattr(tracker, "_hardware", []))
        conf: dict[str, Any] = dict(getattr(tracker, "_conf", {}))
        methods: dict[Literal["accelerators", "cpu", "ram"], Method] = {"ram": "modelled"}
        details: dict[str, str] = {}
        for item in hardware:
            kind = type(item).__name__
            if kind == "CPU" or hasattr(item, "_mode"):
                mode = str(getattr(item, "_mode", "unknown"))
                methods["cpu"] = "measured" if mode in MEASURED_CPU_MODES else "modelled"
                tdp = getattr(item, "_tdp", None)
                generic = getattr(item, "_is_generic_tdp", False)
                details["cpu"] = f"codecarbon {mode}" + (
                    f" (full-load power {tdp} W{', generic' if generic else ''})"
                    if methods["cpu"] == "modelled" else ""
                )
            elif kind == "RAM":
                details["ram"] = (
                    "codecarbon RAM model (about 5 W per guessed DIMM, never measured)"
                )
            elif kind in {"GPU", "AMDGPU"} or "GPU" in kind:
                methods["accelerators"] = "measured"
                counter = self._nvml is not None and self._nvml.has_counter
                details["accelerators"] = (
                    "codecarbon NVML total-energy counter + direct NVML counter cross-check"
                    if counter else
                    "codecarbon NVML power sampling at 1 Hz (no energy counter: biased on "
                    "short windows)"
                )
        methods.setdefault("cpu", "modelled")
        gpu_models = self._nvml.models() if self._nvml is not None else []
        if self._config_keys:
            details["external_config_keys_ignored"] = ",".join(self._config_keys)
        notes = []
        if not rapl_readable():
            notes.append("no readable RAPL counter: CPU energy is modelled by CodeCarbon")
        if self._nvml is None:
            notes.append("no NVIDIA GPU seen through NVML")
        preflight = Preflight(
            rapl_readable=rapl_readable(),
            nvml_energy_counter=self._nvml is not None and self._nvml.has_counter,
            gpu_count=self._nvml.count if self._nvml is not None else 0,
            load_average_1m=_load_average(),
            notes=notes,
        )
        pynvml_version = None
        if self._nvml is not None:
            from importlib.metadata import PackageNotFoundError, version

            try:
                pynvml_version = version("nvidia-ml-py")
            except PackageNotFoundError:
                pynvml_version = None
        return MeterInfo(
            meter="codecarbon",
            methods=methods,
            method_details=details,
            settings=self.settings(),
            preflight=preflight,
            cpu_model=str(conf.get("cpu_model") or platform.processor() or "unknown"),
            cpu_count=int(conf.get("cpu_count") or os.cpu_count() or 1),
            ram_total_gb=float(conf.get("ram_total_size") or 0.0),
            gpu_models=gpu_models,
            codecarbon_version=dist_version("codecarbon"),
            nvidia_driver=self._nvml.driver() if self._nvml is not None else None,
            pynvml_version=pynvml_version,
        )

    def close(self) -> None:
        """Remove the temporary output folder."""
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> CodeCarbonMeter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _external_config_keys() -> list[str]:
    """Key names (never values: they may be secrets) of CodeCarbon config found outside."""
    try:
        from codecarbon.core.config import get_hierarchical_config_with_sources

        conf, _ = get_hierarchical_config_with_sources()
    except Exception:  # best effort inventory: private API of CodeCarbon
        return []
    return sorted(str(k) for k in conf)


def _load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except (OSError, AttributeError):
        return None


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
        methods: dict[Literal["accelerators", "cpu", "ram"], Method] = {
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


def python_version() -> str:
    """The running Python version."""
    return sys.version.split()[0]
