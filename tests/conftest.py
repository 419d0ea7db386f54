"""Shared fixtures: paths of the shipped examples and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "profiles"
EXAMPLE_OFFERS = ROOT / "examples" / "offers"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
