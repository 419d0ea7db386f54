"""Meters: the NVML counter logic with a fake NVML, CodeCarbon's silent failures refused."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from ia_empreinte.harness.meters import CodeCarbonMeter, MeterError, NvmlCounters


class FakeNvml:
    """The few pynvml functions the meter uses, with scripted counters (mJ)."""

    def __init__(self, readings: list[list[int]]) -> None:
        self.readings = readings
        self.calls = 0

    def nvmlInit(self) -> None:
        pass

    def nvmlDeviceGetCount(self) -> int:
        return len(self.readings[0])

    def nvmlDeviceGetHandleByIndex(self, i: int) -> int:
        return i

    def nvmlDeviceGetName(self, h: int) -> bytes:
        return b"NVIDIA H100 80GB HBM3"

    def nvmlSystemGetDriverVersion(self) -> str:
        return "550.54.15"

    def nvmlDeviceGetTotalEnergyConsumption(self, h: int) -> int:
        value = self.readings[min(self.calls // self.nvmlDeviceGetCount(),
                                  len(self.readings) - 1)][h]
        self.calls += 1
        return value


def test_nvml_counter_delta_in_joules() -> None:
    nvml = FakeNvml([[0, 0], [1_000_000, 2_000_000], [1_450_000, 2_600_000]])  # probe, start, stop
    counters = NvmlCounters(nvml)
    assert counters.count == 2
    assert counters.models() == ["NVIDIA H100 80GB HBM3"] * 2
    assert counters.driver() == "550.54.15"
    counters.start()
    assert counters.stop() == 1050.0  # (450,000 + 600,000) mJ


def test_nvml_counter_that_does_not_move_is_a_silent_zero() -> None:
    counters = NvmlCounters(FakeNvml([[0, 0], [5, 7], [5, 9]]))
    counters.start()
    with pytest.raises(MeterError, match="silent zero"):
        counters.stop()


def test_nvml_counter_reset_is_refused() -> None:
    counters = NvmlCounters(FakeNvml([[0], [500], [100]]))
    counters.start()
    with pytest.raises(MeterError, match="went backwards"):
        counters.stop()


def _meter_with(tracker: Any) -> CodeCarbonMeter:
    meter = CodeCarbonMeter(nvml=None)
    meter._nvml = None
    meter._tracker = tracker
    return meter


def test_codecarbon_none_result_is_an_error() -> None:
    tracker = SimpleNamespace(stop=lambda: None)
    with pytest.raises(MeterError, match="no measurement"):
        _meter_with(tracker).stop()


def test_codecarbon_zero_gpu_energy_is_an_error() -> None:
    data = SimpleNamespace(gpu_energy=0.0, gpu_count=1, cpu_energy=1e-5, ram_energy=1e-5,
                           duration=10.0)
    tracker = SimpleNamespace(stop=lambda: 1e-6, final_emissions_data=data, _hardware=[],
                              _conf={})
    with pytest.raises(MeterError, match="0 J for the GPUs"):
        _meter_with(tracker).stop()


def test_codecarbon_gpu_window_reading() -> None:
    data = SimpleNamespace(gpu_energy=2e-3, gpu_count=1, cpu_energy=1e-4, ram_energy=5e-5,
                           duration=60.0)
    gpu = type("GPU", (), {})()
    cpu = type("CPU", (), {"_mode": "intel_rapl", "_tdp": 205, "_is_generic_tdp": False})()
    tracker = SimpleNamespace(stop=lambda: 1e-6, final_emissions_data=data,
                              _hardware=[gpu, cpu], _conf={"cpu_model": "Xeon", "cpu_count": 64,
                                                           "ram_total_size": 512.0})
    meter = _meter_with(tracker)
    reading = meter.stop()
    assert reading.energy.accelerators_j == pytest.approx(7200.0)
    assert reading.energy.cpu_j == pytest.approx(360.0)
    assert reading.energy.ram_j == pytest.approx(180.0)
    info = meter.info()
    assert info.methods == {"accelerators": "measured", "cpu": "measured", "ram": "modelled"}
    assert info.cpu_model == "Xeon" and info.cpu_count == 64
    meter.close()


def test_every_codecarbon_setting_is_explicit() -> None:
    settings = CodeCarbonMeter(nvml=None).settings()
    assert settings["pue"] == 1.0
    assert settings["output_methods"] == "[]"
    assert settings["country_iso_code"] == "FRA"
    assert settings["log_level"] == "error"
    assert settings["tracking_mode"] == "machine"
    assert settings["measure_power_secs"] == 1.0
    assert settings["api_key"] is None and settings["electricitymaps_api_token"] is None


class NoCounterNvml(FakeNvml):
    def nvmlDeviceGetTotalEnergyConsumption(self, h: int) -> int:
        raise RuntimeError("NVML_ERROR_NOT_SUPPORTED")


def test_gpu_without_energy_counter_is_flagged_not_zeroed() -> None:
    counters = NvmlCounters(NoCounterNvml([[0]]))
    assert counters.has_counter is False
    counters.start()
    assert counters.stop() is None


def test_gpu_scope_is_explicit() -> None:
    nvml = FakeNvml([[0, 0, 0], [10, 20, 30], [1010, 2020, 3030]])
    meter = CodeCarbonMeter(nvml=NvmlCounters(nvml))
    assert meter.settings()["gpu_ids"] == "0,1,2"
    subset = NvmlCounters(FakeNvml([[0, 0], [10, 20], [1010, 2020]]), indices=[1])
    assert subset.count == 1 and subset.total == 2


def _live_tracker(start: float, last: float, total_kwh: float, gpu_kwh: float) -> Any:
    def energy(k: float) -> Any:
        return SimpleNamespace(kWh=k)

    return SimpleNamespace(_start_time=start, _last_measured_time=last,
                           _total_energy=energy(total_kwh), _total_gpu_energy=energy(gpu_kwh))


def test_live_power_divides_codecarbon_totals_by_the_span_they_cover(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """10 s into a window whose last integration was at 4 s: energy / 4 s, not / 10 s."""
    import ia_empreinte.harness.meters.codecarbon as meters

    meter = _meter_with(_live_tracker(100.0, 104.0, total_kwh=400 * 4 / 3.6e6, gpu_kwh=0.0))
    meter._t0 = 100.0
    monkeypatch.setattr(meters.time, "perf_counter", lambda: 110.0)
    assert meter.power_w() == pytest.approx(400.0)
    meter._tracker = _live_tracker(100.0, 100.0, total_kwh=0.0, gpu_kwh=0.0)
    assert meter.power_w() is None  # nothing integrated yet: unknown, not 0 W


def test_live_power_reads_the_gpus_from_the_direct_nvml_counters(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """Smoke windows: CodeCarbon has integrated nothing, NVML says 6,000 J in 10 s."""
    import ia_empreinte.harness.meters.codecarbon as meters

    counters = NvmlCounters(FakeNvml([[0], [1_000_000], [7_000_000]]))  # probe, start, live
    counters.start()
    meter = _meter_with(_live_tracker(100.0, 100.0, total_kwh=0.0, gpu_kwh=0.0))
    meter._nvml = counters
    meter._t0 = 100.0
    monkeypatch.setattr(meters.time, "perf_counter", lambda: 100.2)
    assert meter.power_w() is None  # 0.2 s in: the counter has hardly moved, say nothing
    monkeypatch.setattr(meters.time, "perf_counter", lambda: 110.0)
    assert meter.power_w() == pytest.approx(600.0)
    # once CodeCarbon has integrated 4 s (GPU 2,400 J + CPU/RAM 200 J), its GPU share is
    # not counted twice: 600 W from NVML + 50 W of CPU and RAM
    counters._start = [1_000_000]
    counters._nvml.readings = [[7_000_000]]
    meter._tracker = _live_tracker(100.0, 104.0, total_kwh=2600 / 3.6e6, gpu_kwh=2400 / 3.6e6)
    assert meter.power_w() == pytest.approx(650.0)
