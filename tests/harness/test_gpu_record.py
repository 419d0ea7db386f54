"""The harness's NVML path on real hardware: the record it wrote on an NVIDIA H200.

``benchmarks/gpu/nvml_check.py`` ran on a lent GPU machine (25 Nov 2026): the real
CodeCarbon 3.3.2 in machine mode, the harness's own NVML counter reads, a stand-in
decode loop on the GPU (``benchmarks/gpu/torch_decode.py``). CI has no GPU, so what is
checked here is the record it wrote: that it verifies, and that the two GPU energy
readings of every window agree.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ia_empreinte import load_record, verify_record
from tests.conftest import ROOT

GPU = ROOT / "benchmarks" / "gpu" / "records"
RECORD = GPU / "h200-torch-decode-smoke.json"


def test_the_h200_record_verifies() -> None:
    record, checks = verify_record(RECORD)
    status = {c.rule: c.status for c in checks}
    assert status["nvml-cross-check"] == "pass"
    assert status["power-range"] == "pass"
    assert status["energy-identity"] == "pass"
    assert "fail" not in status.values()
    assert record.protocol.smoke and not record.valid_for_procurement


def test_gpu_energy_is_measured_and_both_nvml_reads_agree() -> None:
    record = load_record(RECORD)
    assert record.measurement.methods["accelerators"] == "measured"
    assert record.hardware.gpu_models == ["NVIDIA H200"]
    assert record.software.nvidia_driver and record.software.codecarbon == "3.3.2"
    for w in record.windows:
        assert w.energy.accelerators_j is not None and w.nvml_energy_j is not None
        assert w.energy.accelerators_j == pytest.approx(w.nvml_energy_j, rel=0.05)
        # a busy H200 between its idle and its 700 W limit
        assert 150 < w.energy.accelerators_j / w.duration_s < 700


def test_summary_idle_power_is_inside_the_catalog_range() -> None:
    summary = json.loads((GPU / "h200-nvml-check-summary.json").read_text(encoding="utf-8"))
    low, high = summary["catalog_idle_power_w"]
    assert summary["catalog_id"] == "nvidia-h200" and not summary["failures"]
    assert low <= summary["idle_power_w_median"] <= high


def test_check_script_skips_without_a_gpu(tmp_path: Path) -> None:
    """On a machine without NVML (CI), the check says so and exits 0."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "gpu" / "nvml_check.py"),
                          "--out", str(tmp_path)], capture_output=True, text=True, check=False)
    if "no NVIDIA GPU" not in out.stdout:
        pytest.skip("this machine has an NVIDIA GPU: run the check itself")
    assert out.returncode == 0
