"""Every command shown in the buyer's and the vendor's guides runs, with the output shown.

The guides' ```console blocks hold ``$ ia-empreinte ...`` lines, each followed by the
output it prints. A line ``...`` in the shown output stands for any number of lines.
``<sha256>`` in a shown line stands for any SHA-256 (hashes change with the reference
data). An output with an ``Error:`` line means the command must fail with exit code 2;
otherwise it must succeed. ``> FILE`` at the end of a command sends its output to FILE.

The commands of each guide run in order in one scratch folder holding copies of
``profiles/``, ``examples/`` and ``benchmarks/``, so a later command can use a file an
earlier one wrote. A command the CLI does not have fails the test.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import click
import pytest

from ia_empreinte_cli.app import cli
from tests.conftest import ROOT
from tests.support.doc_console import Shown, blocks, expected_exit, matches, run, workspace

GUIDES = [ROOT / "docs" / "guide-acheteur.md", ROOT / "docs" / "guide-vendor.md"]

SHOWN = [s for guide in GUIDES for s in blocks(guide)]


def test_guides_show_commands() -> None:
    counts = {g.name: sum(s.guide == g.name for s in SHOWN) for g in GUIDES}
    assert all(n >= 5 for n in counts.values()), counts
    assert all(s.command.startswith("ia-empreinte ") for s in SHOWN)


def _missing(args: list[str]) -> str | None:
    """The first word of ``args`` that names no command on this branch, if any."""
    group: click.Command = cli
    for depth, word in enumerate(args):
        if not isinstance(group, click.Group) or word.startswith("-"):
            return None
        sub = group.get_command(click.Context(group), word)
        if sub is None:
            return " ".join(args[: depth + 1])
        group = sub
    return None


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {g.name: workspace(tmp_path_factory.mktemp(g.stem)) for g in GUIDES}


SLOW = ("ia-empreinte bench run",)
"""Commands that really measure (CodeCarbon, several seconds)."""


@pytest.mark.parametrize(
    "shown",
    [pytest.param(s, marks=[pytest.mark.slow] if s.command.startswith(SLOW) else [])
     for s in SHOWN],
    ids=[f"{s.guide}:{s.line}" for s in SHOWN],
)
def test_guide_command(
    shown: Shown, workspaces: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = _missing(shlex.split(shown.command)[1:])
    assert missing is None, f"the guide shows `ia-empreinte {missing}`, which does not exist"
    monkeypatch.chdir(workspaces[shown.guide])
    code, actual = run(shown)
    assert code == expected_exit(shown), "\n".join(actual)
    assert matches(shown.output, actual), (
        f"{shown.guide} line {shown.line}: `{shown.command}` printed:\n" + "\n".join(actual)
        + "\n(refresh with: python -m tests.support.doc_console docs/" + shown.guide + ")"
    )


def test_matcher() -> None:
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["...", "c"], ["a", "b", "c"])
    assert matches(["a", "..."], ["a"])
    assert not matches(["a", "...", "d"], ["a", "b", "c"])
    assert not matches(["a"], ["a", "b"])
    assert matches(["h <sha256>."], ["h " + "0a" * 32 + "."])
    assert not matches(["h <sha256>."], ["h 0a."])
