"""CodeCarbon's offline tracker as a :class:`~ia_empreinte.harness.meters.base.Meter`.

Every setting explicit, one fresh tracker per window (CodeCarbon 3.3,
https://github.com/mlco2/codecarbon, ``OfflineEmissionsTracker``), and NVIDIA GPUs
cross-checked with a direct read of the NVML total-energy counter.
"""

from __future__ import annotations

import logging
import os
import platform
import tempfile
import time
import warnings
from collections.abc import Sequence
from typing import Any, Literal

from ia_empreinte.harness.meters.base import MeterError, MeterInfo, WindowReading
from ia_empreinte.harness.meters.host import load_average, rapl_readable
from ia_empreinte.harness.meters.nvml import NvmlCounters
from ia_empreinte.records import ComponentEnergy, MeasurementMethod, MeteredPart, Preflight
from ia_empreinte.units import J_PER_KWH

__all__ = ["MEASURED_CPU_MODES", "CodeCarbonMeter"]

MEASURED_CPU_MODES = ("intel_rapl", "windows_emi", "intel_power_gadget", "powermetrics")
"""CodeCarbon CPU modes that read a hardware energy counter (else: a TDP x load model)."""


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
        # after its first messages: silence it here, after the import (CodeCarbon 3.3)
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
        methods: dict[MeteredPart, MeasurementMethod] = {"ram": "modelled"}
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
            load_average_1m=load_average(),
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
