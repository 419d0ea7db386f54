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


def test_readme_accuracy_figures_are_those_of_docs_accuracy() -> None:
    """The 'How accurate' paragraph quotes the leave-one-source-out table that
    ``benchmarks/calibration/fit.py`` writes into docs/accuracy.md: a refit that moves
    them makes this fail until the README says the new figures."""
    accuracy = (ROOT / "docs" / "accuracy.md").read_text(encoding="utf-8")
    first_table = accuracy.split("## Today's file contract")[0]

    def row(name: str) -> list[str]:
        match = re.search(rf"^\| (?:\*\*)?{re.escape(name)}(?:\*\*)? \|(.*)\|$", first_table,
                          re.M)
        assert match, name
        return [c.strip() for c in match.group(1).split("|")]

    text_gen, image_gen, overall = (row("task: text-generation"), row("task: image-generation"),
                                    row("overall"))
    para = README.split("**How accurate.**")[1].split("\n\n")[0]
    para = " ".join(para.split())
    assert f"text generation, {text_gen[0]} rows, median abs(log10) {text_gen[1]}" in para
    assert f"{text_gen[3].rstrip('%')} % of published values inside p05-p95" in para
    assert f"median band p95/p05 {text_gen[4]}" in para
    assert f"all tasks, median {overall[1]}, {overall[3].rstrip('%')} % inside" in para
    assert (f"Image generation ({image_gen[0]} rows) misses the 0.15 target at "
            f"{image_gen[1]}") in para
    assert f"median p95/p05 {image_gen[4]}" in para
    french = " ".join(README.split("**Précision, en clair**")[1].split("\n\n")[0].split())
    assert f"{text_gen[3].rstrip('%')} % des mesures" in french
