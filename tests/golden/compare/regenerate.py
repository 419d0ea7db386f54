"""Regenerate the golden files of the fixed comparison.

Run ``python tests/golden/compare/regenerate.py`` from the repository root.

The comparison is built from hand-made draws (tests/support/compare.py), not from the
engine, so these files change only when the comparison, the scoring or the renderers
change. Review the diff before committing it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.support.compare import fixed_comparison  # noqa: E402

from ia_empreinte.render.figures import (  # noqa: E402
    distribution_spec,
    phase_bars_spec,
    spec_dict,
)
from ia_empreinte.render.sheet import render_comparison  # noqa: E402


def golden_outputs() -> dict[str, str]:
    """File name -> expected content."""
    c = fixed_comparison()
    specs = {
        lang: [spec_dict(phase_bars_spec(c, lang)), spec_dict(distribution_spec(c, lang))]
        for lang in ("fr", "en")
    }
    return {
        "comparison.json": render_comparison(c, "json"),
        "comparison.fr.md": render_comparison(c, "markdown", "fr"),
        "comparison.en.md": render_comparison(c, "markdown", "en"),
        "comparison.csv": render_comparison(c, "csv"),
        "comparison.txt": render_comparison(c, "table"),
        "figures.json": json.dumps(specs, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
    }


def main() -> None:
    for name, text in golden_outputs().items():
        (HERE / name).write_text(text, encoding="utf-8")
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
