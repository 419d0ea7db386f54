"""fit.py: the shipped constants are its output, and its leave-one-source-out check passes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parents[2]


def _fit_module() -> ModuleType:
    sys.path.insert(0, str(ROOT / "benchmarks" / "calibration"))
    spec = importlib.util.spec_from_file_location("fit", ROOT / "benchmarks/calibration/fit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fit"] = module
    spec.loader.exec_module(module)
    return module


def test_fit_check_leaving_one_source_out(capsys: pytest.CaptureFixture[str]) -> None:
    """One run (about 20 s on 2 busy cores): the shipped toml is what the fit writes, and
    ``fit.py --check`` meets the acceptance in both contract modes."""
    fit = _fit_module()
    res = fit.run()
    assert fit.toml_text(res.cal) == fit.TOML.read_text(encoding="utf-8")
    assert len(res.raw) == 97 and len(res.rows) >= 45
    assert all(why for _, _, why in res.skipped)
    fit.run = lambda: res  # main() reuses this run
    # Known gap, reported in docs/accuracy.md: image generation leaving one source out
    # (every FP32 row from one source, every BF16 row from the other). The check must
    # fail on that task alone; when it passes, this test fails: update it.
    assert fit.main(["--check"]) == 1
    out = capsys.readouterr().out
    assert "today's file contract (no serving stack)" in out
    verdicts = [line for line in out.splitlines() if line.startswith("acceptance (")]
    assert len(verdicts) == 2
    for line in verdicts:
        assert line.endswith("FAILED: task image-generation: median |log10| 0.354 > 0.15")
    for contract in ("full", "today"):
        scored = res.scored[contract]
        s = fit.stats(scored)
        assert s["median_abs_log10"] <= 0.15 and s["coverage_p05_p95"] >= 0.8
        text = fit.stats([r for r in scored if r.task == "text-generation"])
        assert text["median_abs_log10"] <= 0.15 and text["coverage_p05_p95"] >= 0.8


def test_acceptance_fails_loudly() -> None:
    fit = _fit_module()
    bad = [fit.Scored(str(i), "s", "text-generation", "m", 1.0, 2.0, 3.0, 4.0)
           for i in range(6)]
    ok, why = fit.acceptance(bad)
    assert not ok and any("coverage" in w for w in why) and any("median" in w for w in why)


def test_non_llm_rows_come_from_fit_tasks() -> None:
    """The agreed interface: ``loso_predictions(rows) -> [{row_id, source, task,
    published_wh, median_wh, p05_wh, p95_wh}]``, scored with the LLM rows."""
    fit = _fit_module()
    fit.loso_predictions = lambda raw: [
        {"row_id": "88", "source": "AI Energy Score v1", "task": "speech-to-text",
         "published_wh": 0.0134, "median_wh": 0.02, "p05_wh": 0.01, "p95_wh": 0.04}]
    (s,) = fit.task_scored([])
    assert (s.task, s.inside) == ("speech-to-text", True)
    assert round(s.ratio, 3) == round(0.02 / 0.0134, 3)
    fit.loso_predictions = None
    assert fit.task_scored([]) is None
