"""docs/buyers.md ("For buyers"): every command shown runs and prints what is shown.

Same conventions as the guides (tests/test_guides.py): ``...`` stands for any run of
lines and ``<sha256>`` for any hash; the commands run in order in one scratch folder
holding copies of ``profiles/`` and ``examples/``.
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ia_empreinte_cli.app import cli

from .conftest import ROOT
from .test_guides import Shown, _blocks, _matches

BUYERS = ROOT / "docs" / "buyers.md"
SHOWN = _blocks(BUYERS)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    space = tmp_path_factory.mktemp("buyers")
    for name in ("profiles", "examples"):
        shutil.copytree(ROOT / name, space / name)
    return space


def test_buyers_page_shows_the_whole_workflow() -> None:
    commands = [shlex.split(s.command)[1] for s in SHOWN]
    assert commands == ["score", "clause", "compare", "report", "report", "verify"]


@pytest.mark.parametrize("shown", SHOWN, ids=[f"line {s.line}" for s in SHOWN])
def test_buyers_command(shown: Shown, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)
    result = CliRunner().invoke(cli, shlex.split(shown.command)[1:], prog_name="ia-empreinte",
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    actual = [line.rstrip() for line in result.output.splitlines()]
    assert _matches(shown.output, actual), "\n".join(actual)
