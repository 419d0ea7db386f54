"""Energy meters behind a tiny protocol: CodeCarbon for real runs, a fake for unit tests.

A :class:`Meter` measures one window at a time (``start`` ... ``stop``) and describes
how it measures (:class:`MeterInfo`: per-component method, settings, versions,
pre-flight). :class:`CodeCarbonMeter` drives CodeCarbon's offline tracker with every
setting explicit, one fresh tracker per window (CodeCarbon 3.3,
https://github.com/mlco2/codecarbon, ``OfflineEmissionsTracker``), and
cross-checks NVIDIA GPUs with a direct read of the NVML total-energy counter.
:class:`FakeMeter` returns scripted powers, so protocol tests need no hardware.

One module per backend: :mod:`.base` (the :class:`Meter` protocol, its readings and
description), :mod:`.codecarbon`, :mod:`.nvml`, :mod:`.host` (RAPL, load average),
:mod:`.fake`. Every public name is importable from here.
"""

from __future__ import annotations

from ia_empreinte.harness.meters.base import (
    Meter,
    MeterError,
    MeterInfo,
    WindowReading,
    python_version,
)
from ia_empreinte.harness.meters.codecarbon import MEASURED_CPU_MODES, CodeCarbonMeter
from ia_empreinte.harness.meters.fake import FakeMeter
from ia_empreinte.harness.meters.host import rapl_readable
from ia_empreinte.harness.meters.nvml import NvmlCounters

__all__ = [
    "MEASURED_CPU_MODES",
    "CodeCarbonMeter",
    "FakeMeter",
    "Meter",
    "MeterError",
    "MeterInfo",
    "NvmlCounters",
    "WindowReading",
    "python_version",
    "rapl_readable",
]
