"""README "For buyers": every command shown runs and prints what is shown.

Same conventions as the guides (tests/kit/test_guides.py): ``...`` stands for any run of
lines and ``<sha256>`` for any hash; the commands run in order in one scratch folder
holding copies of ``profiles/`` and ``examples/``.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.support.doc_console import Shown, blocks, matches, run
from tests.support.doc_console import workspace as make_workspace

SHOWN = blocks(ROOT / "README.md", section="For buyers")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("buyers"))


def test_buyers_page_shows_the_whole_workflow() -> None:
    commands = [shlex.split(s.command)[1] for s in SHOWN]
    assert commands == ["score", "clause", "compare", "report", "report", "verify"]


@pytest.mark.parametrize("shown", SHOWN, ids=[f"line {s.line}" for s in SHOWN])
def test_buyers_command(shown: Shown, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)
    code, actual = run(shown)
    assert code == 0, "\n".join(actual)
    assert matches(shown.output, actual), "\n".join(actual)
