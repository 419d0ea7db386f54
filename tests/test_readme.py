"""The README's two set-up commands are the ones CI and newcomers run."""

from __future__ import annotations

import re

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    block = re.search(r"<!-- setup -->\s*```(?:console|bash|sh)\n(.*?)```", README, re.S)
    assert block, "README must have a ```console block right after <!-- setup -->"
    return [line.removeprefix("$ ").strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_has_exactly_two_setup_commands() -> None:
    assert len(_commands()) == 2


def test_ci_runs_the_readme_test_command() -> None:
    test_command = _commands()[1]
    assert "pytest" in test_command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci


def test_main_command_runs_on_a_shipped_example() -> None:
    main = _commands()[0]
    assert "ia-empreinte " in main
    for path in re.findall(r"(?:profiles|examples)/\S+\.(?:yaml|json|toml)", main):
        assert (ROOT / path).is_file(), path
