"""README "During the contract": every command shown runs and prints what is shown."""

from __future__ import annotations

import shlex
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import ROOT
from tests.support.doc_console import Shown, blocks, matches, run
from tests.support.doc_console import workspace as make_workspace

SHOWN = blocks(ROOT / "README.md", section="During the contract: the execution-phase audit")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("audit"))


def test_section_shows_a_partitioned_audit_and_a_reconciliation() -> None:
    commands = [shlex.split(s.command) for s in SHOWN]
    assert [c[1] for c in commands] == ["audit", "audit"]
    assert "--parquet" in commands[0] and "--metered" in commands[1]


@pytest.mark.parametrize("shown", SHOWN, ids=[f"line {s.line}" for s in SHOWN])
def test_audit_command(shown: Shown, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)
    code, actual = run(shown)
    assert code == 0, "\n".join(actual)
    assert matches(shown.output, actual), "\n".join(actual)
    if "--parquet" in shown.command:
        table = pq.read_table(workspace / "groupes.parquet")
        assert table.column("level").to_pylist() == [
            "national", "collectivite", "collectivite", "month", "month", *["partition"] * 4]
        assert table.column("rows").to_pylist()[:3] == [448, 100, 348]
