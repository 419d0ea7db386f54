"""Regenerate the golden renderings of an estimate: ``python tests/golden/estimate/regenerate.py``.

The estimate is the hand-computed tabular case of ``tests/engine/test_engine.py`` (draws=1),
with a fixed provenance so that the files change only when the figures or the
renderers change.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
FORMATS = {"table": "txt", "json": "json", "csv": "csv", "markdown": "md"}


def golden_estimate():  # type: ignore[no-untyped-def]
    from ia_empreinte import estimate, load_offer, load_profile
    from ia_empreinte.results import Provenance

    fixtures = ROOT / "tests" / "fixtures" / "engine"
    est = estimate(load_profile(fixtures / "profile-tabular.yaml"),
                   load_offer(fixtures / "offer-tabular-fr.yaml"), draws=1)
    fixed = Provenance(tool_version="0.0.0", seed=42, draws=1, inputs_sha256="0" * 64,
                       data_sha256={"zones.toml": "1" * 64},
                       methods=est.provenance.methods)
    return est.model_copy(update={"provenance": fixed})


def render_all() -> dict[str, str]:
    from ia_empreinte.render.estimate import render_estimate

    est = golden_estimate()
    return {f"tabular.{ext}": render_estimate(est, fmt) for fmt, ext in FORMATS.items()}


if __name__ == "__main__":
    for name, text in render_all().items():
        (HERE / name).write_text(text, encoding="utf-8")
        print(f"wrote {name}")
    sys.exit(0)
