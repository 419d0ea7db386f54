"""Docs are tested like code: the CLI reference is generated from --help."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_cli_reference_is_up_to_date() -> None:
    proc = subprocess.run(
        [sys.executable, "docs/generate_cli_reference.py", "--check"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_reference_covers_every_command() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in ("estimate", "compare", "report", "bench run", "serve", "profile new"):
        assert f"## `ia-empreinte {name}`" in text
