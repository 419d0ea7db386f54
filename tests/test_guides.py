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

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ia_empreinte_cli.app import cli

from .conftest import ROOT

GUIDES = [ROOT / "docs" / "guide-acheteur.md", ROOT / "docs" / "guide-vendor.md"]
COPIED = ["profiles", "examples", "benchmarks"]

@dataclass(frozen=True)
class Shown:
    guide: str
    line: int
    command: str
    output: list[str]


def _blocks(path: Path) -> list[Shown]:
    shown: list[Shown] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```console":
            i += 1
            continue
        i += 1
        current: tuple[int, str] | None = None
        output: list[str] = []
        while lines[i].strip() != "```":
            if lines[i].startswith("$ "):
                if current:
                    shown.append(Shown(path.name, current[0], current[1], output))
                current, output = (i + 1, lines[i][2:]), []
            else:
                output.append(lines[i].rstrip())
            i += 1
        if current:
            shown.append(Shown(path.name, current[0], current[1], output))
        i += 1
    return shown


SHOWN = [s for guide in GUIDES for s in _blocks(guide)]


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


def _line_matches(expected: str, actual: str) -> bool:
    """Equality, where ``<sha256>`` stands for any 64 hexadecimal characters."""
    if "<sha256>" not in expected:
        return expected == actual
    pattern = "[0-9a-f]{64}".join(re.escape(part) for part in expected.split("<sha256>"))
    return re.fullmatch(pattern, actual) is not None


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Line-by-line equality, where an expected ``...`` line matches any run of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(_matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return (bool(actual) and _line_matches(expected[0], actual[0])
            and _matches(expected[1:], actual[1:]))


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    spaces = {}
    for guide in GUIDES:
        space = tmp_path_factory.mktemp(guide.stem)
        for name in COPIED:
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, space / name)
        spaces[guide.name] = space
    return spaces


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
    args = shlex.split(shown.command)[1:]
    target = None
    if len(args) >= 2 and args[-2] == ">":
        target, args = args[-1], args[:-2]
    missing = _missing(args)
    assert missing is None, f"the guide shows `ia-empreinte {missing}`, which does not exist"
    monkeypatch.chdir(workspaces[shown.guide])
    result = CliRunner().invoke(cli, args, prog_name="ia-empreinte", catch_exceptions=False)
    actual = [line.rstrip() for line in result.output.splitlines()]
    fails = any(line.startswith("Error:") for line in shown.output)
    assert result.exit_code == (2 if fails else 0), result.output
    if target is not None:
        Path(target).write_text(result.stdout, encoding="utf-8")
        actual = [line.rstrip() for line in result.stderr.splitlines()]
    assert _matches(shown.output, actual), (
        f"{shown.guide} line {shown.line}: `{shown.command}` printed:\n" + "\n".join(actual)
    )


def test_matcher() -> None:
    assert _matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert _matches(["...", "c"], ["a", "b", "c"])
    assert _matches(["a", "..."], ["a"])
    assert not _matches(["a", "...", "d"], ["a", "b", "c"])
    assert not _matches(["a"], ["a", "b"])
    assert _matches(["h <sha256>."], ["h " + "0a" * 32 + "."])
    assert not _matches(["h <sha256>."], ["h 0a."])
