"""The README's two set-up commands are the ones CI and newcomers run."""

from __future__ import annotations

import re

from tests.conftest import ROOT

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


def test_quick_look_commands_print_what_is_shown(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.support.doc_console import README, blocks, matches, run, workspace

    shown = blocks(README, section="Quick look")
    assert [s.command.split()[1] for s in shown] == ["estimate"]
    monkeypatch.chdir(workspace(tmp_path))
    for s in shown:
        code, actual = run(s)
        assert code == 0
        assert matches(s.output, actual), "\n".join(actual)


def test_library_example_prints_what_is_shown(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code = re.search(r"```python\n(.*?)```\n\n```text\n(.*?)```", README, re.S)
    assert code, "README needs a ```python block followed by its ```text output"
    monkeypatch.chdir(ROOT)
    exec(compile(code.group(1), "README.md", "exec"), {})
    assert capsys.readouterr().out == code.group(2)
