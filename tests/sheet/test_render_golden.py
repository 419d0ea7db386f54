"""Golden files of a fixed comparison: markdown (fr, en), JSON, CSV, table and chart specs.

Regenerate with ``python tests/golden/compare/regenerate.py`` and review the diff.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.golden.compare.regenerate import HERE, golden_outputs

OUTPUTS = golden_outputs()


def _close(a: Any, b: Any, path: str = "") -> None:
    """Equal structures, floats within 1e-12 relative (numpy may differ in the last bit)."""
    if isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-300), path
    elif isinstance(a, dict):
        assert sorted(a) == sorted(b), path
        for k in a:
            _close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


@pytest.mark.parametrize("name", sorted(n for n in OUTPUTS if not n.endswith(".json")))
def test_text_outputs_match_their_golden_file(name: str) -> None:
    assert OUTPUTS[name] == (HERE / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(n for n in OUTPUTS if n.endswith(".json")))
def test_json_outputs_match_their_golden_file(name: str) -> None:
    _close(json.loads(OUTPUTS[name]), json.loads((HERE / name).read_text(encoding="utf-8")))


def test_golden_markdown_escapes_html_in_names() -> None:
    md = OUTPUTS["comparison.fr.md"]
    assert "Big &lt;Cloud&gt; GmbH" in md
    assert "<Cloud>" not in md
    assert "Nuage Éthique &amp; Fils" in md


def test_golden_markdown_states_the_formula_and_floor() -> None:
    md = OUTPUTS["comparison.fr.md"]
    assert "Note = 10 × V_min / V_offre" in md
    # French style: decimal comma, no-break space before %
    assert "46,6 kgCO2e (5\u00a0% de la médiane des offres)" in md
    assert (
        "| 1 | souverain-fr | Nuage Éthique &amp; Fils | 503 | 254 – 973 | 92\u00a0% | 503 "
        "| 10,00 / 10 |"
    ) in md
