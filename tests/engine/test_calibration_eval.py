"""benchmarks/calibration/evaluate.py: published rows through the CLI file contract."""

from __future__ import annotations

import csv
import importlib.util
import json
import math
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).parents[2]
SCRIPT = ROOT / "benchmarks" / "calibration" / "evaluate.py"
CSV = ROOT / "src" / "ia_empreinte" / "data" / "calibration" / "published_measurements_v2.csv"


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("calibration_evaluate", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["calibration_evaluate"] = module
    spec.loader.exec_module(module)
    return module


def test_three_rows_through_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    proc = subprocess.run([sys.executable, str(SCRIPT), "--rows", "1,88,68", "--json", str(out)],
                          capture_output=True, text=True, check=False, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert (doc["draws"], doc["seed"]) == (1000, 42)
    assert [r["row_id"] for r in doc["rows"]] == ["1", "88"]
    assert doc["skipped"] == [{"row_id": "68", "source": "ML.ENERGY v3",
                               "model": "Wan-AI/Wan2.1-T2V-14B-Diffusers",
                               "reason": "text-to-video: no such task in the file contract"}]
    llm, asr = doc["rows"]
    assert llm["profile"] == {"id": "row-1", "task": "text-generation",
                              "request": {"input_tokens": 400.0, "output_tokens": 388.7},
                              "volume": {"requests_per_day": 100000, "days_per_year": 365},
                              "contract_years": 1}
    assert llm["offer"] == {"id": "row-1", "model": {"total_params_b": 8.0,
                                                     "active_params_b": 8.0, "precision": "bf16"},
                            "deployment": {"accelerator": "nvidia-h100-sxm-80gb",
                                           "accelerator_count": 1, "batch_size": 8.0,
                                           "zone": "US"}}
    assert llm["components"] == ["accelerators"] and llm["gpu_only_measured"] is True
    assert llm["published_wh"] == 0.0491
    assert asr["task"] == "speech-to-text" and asr["offer"]["model"]["precision"] == "fp32"
    assert asr["profile"]["request"] == {"audio_seconds": 7.4}
    for r in doc["rows"]:
        assert r["p05"] <= r["p50"] <= r["p95"]
        assert math.isclose(r["ratio"], r["p50"] / r["published_wh"])
        assert r["inside"] == (r["p05"] * (1 - 1e-9) <= r["published_wh"]
                               <= r["p95"] * (1 + 1e-9))
    assert list(doc["summary"]) == ["all described rows", "GPU-only measured rows (targets)"]
    overall = doc["summary"]["GPU-only measured rows (targets)"]["overall"]
    assert set(overall) == {"n", "median_abs_log10", "within_2x", "coverage_p05_p95",
                            "median_p95_p05"}
    assert overall["n"] == 2
    assert "source: ML.ENERGY v3" in doc["summary"]["all described rows"]
    assert "task: speech-to-text" in doc["summary"]["all described rows"]
    assert "68 ML.ENERGY v3" in " ".join(proc.stdout.split())
    assert doc["contract"] == "today" and "serving_stack" not in llm["offer"]["deployment"]
    # The CLI's band is the band fit.py --check scores (same chain, same seed and draws).
    sys.path.insert(0, str(SCRIPT.parent))
    import fit  # type: ignore[import-not-found]

    from ia_empreinte.engine.reference import llm_calibration

    with CSV.open(encoding="utf-8") as fh:
        row1 = next(r for r in csv.DictReader(fh) if r["row_id"] == "1")
    p05, p50, p95 = fit.band(_module().describe(row1), llm_calibration(), "today")
    assert (p05, p50, p95) == (llm["p05"], llm["p50"], llm["p95"])


def test_every_row_is_described_or_skipped_with_a_reason() -> None:
    ev = _module()
    with CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 97
    described: list[Any] = []
    reasons: Counter[str] = Counter()
    for r in rows:
        try:
            described.append(ev.describe(r))
        except ev.Undescribable as exc:
            reasons[str(exc)] += 1
    assert len(described) + sum(reasons.values()) == 97
    assert reasons["text-to-video: no such task in the file contract"] == 2
    assert reasons["no energy per request (training or aggregate figure)"] == 10
    assert reasons["aggregate over many models, no single model size"] == 3
    assert reasons["model size not published"] == 4
    assert len(described) == 73
    assert [c.precision for c in described if c.row_id == "55"] == ["fp4"]
    gpu_only = [c for c in described if c.gpu_only_measured]
    assert {c.components[0] for c in gpu_only} == {"accelerators"}
    assert all(c.components == ["total"] for c in described if not c.gpu_only_measured)
