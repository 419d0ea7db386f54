"""Renderers of an Estimate against golden files (regenerate with the script beside them)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parents[1] / "golden" / "estimate"


def _module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("golden_estimate", GOLDEN / "regenerate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RENDERED = _module().render_all()


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_rendering_matches_golden(name: str) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert RENDERED[name] == expected, (
        f"{name} changed: run python tests/golden/estimate/regenerate.py and review the diff")


def test_json_rendering_is_the_estimate_contract() -> None:
    doc = json.loads(RENDERED["tabular.json"])
    assert sorted(doc) == ["caveats", "contract", "defaulted_fields", "offer_id",
                           "per_request", "per_year", "profile_id", "provenance", "training"]
    acc = doc["per_request"]["energy_wh_by_component"]["accelerators"]
    assert sorted(acc) == ["mean", "p05", "p50", "p95"]
    assert acc["p05"] == acc["p50"] == acc["p95"] == acc["mean"] == pytest.approx(4e-4)
