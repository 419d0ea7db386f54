"""Console blocks of the docs: parse them, run them, compare, and refresh the outputs.

A ```console block holds ``$ ia-empreinte ...`` lines, each followed by the output it
prints. In a shown output, a line ``...`` stands for any run of lines and ``<sha256>``
for any 64 hexadecimal characters. An output with an ``Error:`` line means the command
must fail with exit code 2. ``> FILE`` at the end of a command sends stdout to FILE.

``python -m tests.support.doc_console FILE...`` reruns every block of FILE and rewrites the
shown outputs in place, keeping the ``...`` elisions and ``<sha256>`` placeholders
(run it after a change to the engine or the reference data, then read the diff).
"""

from __future__ import annotations

import re
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from ia_empreinte_cli.app import cli

ROOT = Path(__file__).resolve().parents[2]
COPIED = ("profiles", "examples", "benchmarks")


@dataclass(frozen=True)
class Shown:
    guide: str
    line: int
    command: str
    output: list[str]


def blocks(path: Path, *, section: str | None = None) -> list[Shown]:
    """Every shown command of ``path`` (or of its ``## section``), in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    inside = section is None
    shown: list[Shown] = []
    i = 0
    while i < len(lines):
        if lines[i].startswith("## "):
            inside = section is None or lines[i][3:].strip() == section
        if lines[i].strip() != "```console" or not inside:
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


README = ROOT / "README.md"


def section_text(path: Path, title: str) -> tuple[str, int]:
    """The text of the ``## title`` section of ``path`` and its offset in the file."""
    text = path.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", text, re.M | re.S)
    assert match, f"{path.name} has no section '## {title}'"
    return match.group(0), match.start()


def line_matches(expected: str, actual: str) -> bool:
    """Equality, where ``<sha256>`` stands for any 64 hexadecimal characters."""
    if "<sha256>" not in expected:
        return expected == actual
    pattern = "[0-9a-f]{64}".join(re.escape(part) for part in expected.split("<sha256>"))
    return re.fullmatch(pattern, actual) is not None


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line-by-line equality, where an expected ``...`` line matches any run of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return (bool(actual) and line_matches(expected[0], actual[0])
            and matches(expected[1:], actual[1:]))


def workspace(folder: Path) -> Path:
    """Copy the shipped examples into ``folder`` (commands run there, in order)."""
    for name in COPIED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, folder / name)
    return folder


def run(shown: Shown) -> tuple[int, list[str]]:
    """Run a shown command in the current folder: (exit code, printed lines)."""
    args = shlex.split(shown.command)[1:]
    target = None
    if len(args) >= 2 and args[-2] == ">":
        target, args = args[-1], args[:-2]
    result = CliRunner().invoke(cli, args, prog_name="ia-empreinte", catch_exceptions=False)
    actual = [line.rstrip() for line in result.output.splitlines()]
    if target is not None:
        Path(target).write_text(result.stdout, encoding="utf-8")
        actual = [line.rstrip() for line in result.stderr.splitlines()]
    return result.exit_code, actual


def expected_exit(shown: Shown) -> int:
    return 2 if any(line.startswith("Error:") for line in shown.output) else 0


def _refreshed(shown: list[str], actual: list[str]) -> list[str]:
    """The shown output brought up to date, keeping its elisions and placeholders.

    Without ``...`` the actual output replaces the shown one. With elisions, each kept
    line is replaced by the actual line that shares its longest leading text (table rows
    are keyed by their first columns), in order.
    """
    if "..." not in shown:
        out = actual
    else:
        out, start = [], 0
        for line in shown:
            if line == "...":
                out.append(line)
                continue
            best, best_len = None, -1
            for k in range(start, len(actual)):
                common = len(_common_prefix(line, actual[k]))
                if common > best_len:
                    best, best_len = k, common
            if best is None:
                out.append(line)
                continue
            out.append(actual[best])
            start = best + 1
    placeholders = [i for i, line in enumerate(shown) if "<sha256>" in line]
    if placeholders and len(out) == len(shown):
        out = [shown[i] if i in placeholders else line for i, line in enumerate(out)]
    return out


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def refresh(path: Path) -> int:
    """Rewrite the shown outputs of ``path``; returns how many blocks changed."""
    import os

    lines = path.read_text(encoding="utf-8").splitlines()
    edits: list[tuple[Shown, list[str]]] = []
    old_cwd = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(workspace(Path(tmp)))
        try:
            for shown in blocks(path):  # in order: a command may use an earlier one's file
                _, actual = run(shown)
                if not matches(shown.output, actual):
                    edits.append((shown, _refreshed(shown.output, actual)))
        finally:
            os.chdir(old_cwd)
    for shown, new in reversed(edits):  # bottom-up, so line numbers stay valid
        lines[shown.line:shown.line + len(shown.output)] = new
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(edits)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: {refresh(Path(name).resolve())} block(s) refreshed")
