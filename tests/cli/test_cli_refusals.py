"""Refusals of an offer that cannot be estimated on a profile: one line, exit 2, nothing
written (issue "Defensible figures", point 4)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ia_empreinte_cli.app import cli
from tests.conftest import EXAMPLE_OFFERS, PROFILES

AERIAL = "analyse-images-aeriennes"
NOT_SERVED = (
    "offer cpu-tabular-fr does not serve task object-detection of profile "
    "analyse-images-aeriennes (it serves: tabular-prediction)"
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The aerial profile and two example offers, copied so paths in messages are short."""
    (tmp_path / "offers").mkdir()
    shutil.copy(PROFILES / f"{AERIAL}.yaml", tmp_path / "p.yaml")
    for name in ("cpu-tabular-fr", "vision-cloud-fr"):
        shutil.copy(EXAMPLE_OFFERS / f"{name}.yaml", tmp_path / "offers")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _refused(runner: CliRunner, args: list[str], line: str) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert result.output == f"Error: {line}\n"


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_estimate_refuses_an_offer_that_does_not_serve_the_task(
    runner: CliRunner, folder: Path, fmt: str
) -> None:
    _refused(runner, ["estimate", "p.yaml", "offers/cpu-tabular-fr.yaml", "--format", fmt,
                      "--draws", "10", "-o", "out.json"],
             f"offers/cpu-tabular-fr.yaml: task: {NOT_SERVED}")
    assert sorted(p.name for p in folder.iterdir()) == ["offers", "p.yaml"]


def test_compare_names_the_offer_file_and_id(runner: CliRunner, folder: Path) -> None:
    _refused(runner, ["compare", "p.yaml", "offers/vision-cloud-fr.yaml",
                      "offers/cpu-tabular-fr.yaml", "--draws", "10"],
             f"offers/cpu-tabular-fr.yaml: task: {NOT_SERVED}")


def test_report_writes_nothing(runner: CliRunner, folder: Path) -> None:
    _refused(runner, ["report", "p.yaml", "offers/vision-cloud-fr.yaml",
                      "offers/cpu-tabular-fr.yaml", "--draws", "10", "-o", "fiche.json"],
             f"offers/cpu-tabular-fr.yaml: task: {NOT_SERVED}")
    assert sorted(p.name for p in folder.iterdir()) == ["offers", "p.yaml"]


def test_an_offer_that_serves_the_task_still_estimates(runner: CliRunner, folder: Path) -> None:
    result = runner.invoke(cli, ["estimate", "p.yaml", "offers/vision-cloud-fr.yaml",
                                 "--draws", "10", "-o", "out.json", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert (folder / "out.json").is_file()


def test_a_step_no_component_serves_is_refused(runner: CliRunner, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The callbot profile's three steps against an offer with a text-generation main model
    and a speech-to-text component only: text-to-speech is not served."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "o.yaml").write_text(
        "id: two-of-three\ntask: text-generation\n"
        "model: {id: qwen3-8b}\ndeployment: {accelerator: nvidia-l4}\n"
        "components:\n"
        "  - task: speech-to-text\n"
        "    model: {id: whisper-small}\n"
        "    deployment: {accelerator: nvidia-l4}\n"
    )
    shutil.copy(PROFILES / "callbot-mairie-30k.yaml", tmp_path / "p.yaml")
    _refused(runner, ["estimate", "p.yaml", "o.yaml", "--draws", "10", "-o", "out.txt"],
             "o.yaml: task: offer two-of-three does not serve task text-to-speech of profile "
             "callbot-mairie-30k (it serves: text-generation, speech-to-text)")
    assert not (tmp_path / "out.txt").exists()


SIZE_CASES = [
    ("model: {id: llama-3.1-8b, total_params_b: 7}",
     "o.yaml: model: total_params_b 7 conflicts with catalog model llama-3.1-8b "
     "(total_params_b 8.03, published by the developer); expected the catalog's "
     "total_params_b or no 'id'"),
    ("model: {id: mixtral-8x7b, active_params_b: 46.7}",
     "o.yaml: model: active_params_b 46.7 conflicts with catalog model mixtral-8x7b "
     "(active_params_b 12.9, published by the developer); expected the catalog's "
     "active_params_b or no 'id'"),
    ("model: {total_params_b: 8, active_params_b: 70}",
     "o.yaml: model: active_params_b 70 is greater than total_params_b 8; expected "
     "active_params_b <= total_params_b"),
]


@pytest.mark.parametrize(("model", "line"), SIZE_CASES, ids=["total", "active", "moe"])
def test_conflicting_model_sizes_are_refused(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model: str, line: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "o.yaml").write_text(
        f"id: sizes\n{model}\ndeployment: {{accelerator: nvidia-h100-sxm-80gb}}\n")
    shutil.copy(PROFILES / "chatbot-web-metropole.yaml", tmp_path / "p.yaml")
    _refused(runner, ["estimate", "p.yaml", "o.yaml", "--draws", "10", "-o", "out.txt"], line)
    _refused(runner, ["validate", "o.yaml"], line)
    assert not (tmp_path / "out.txt").exists()
