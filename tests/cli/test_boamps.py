"""BoAmps: an estimate exported as a report; a measurement report imported as evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ia_empreinte import estimate, load_offer, load_profile, parse_offer
from ia_empreinte.errors import ValidationFailure
from ia_empreinte.harness.boamps import boamps_evidence, estimate_to_boamps
from ia_empreinte_cli.app import cli
from tests.conftest import EXAMPLE_OFFERS, PROFILES, ROOT

RECORD = ROOT / "benchmarks" / "records" / "tinylm-fr-rag-cpu.json"


def test_estimate_as_boamps_says_modelled_and_keeps_the_figures() -> None:
    profile = load_profile(PROFILES / "chatbot-web-metropole.yaml")
    offer = load_offer(EXAMPLE_OFFERS / "open-mid-cloud-fr.yaml")
    est = estimate(profile, offer, draws=50, seed=1)
    report = estimate_to_boamps(est, offer, profile, report_datetime="2026-11-30 12:00:00")
    assert report["header"]["reportId"] == est.provenance.inputs_sha256
    assert report["header"]["reportStatus"] == "other" and report["quality"] == "low"
    assert report["measures"][0]["powerConsumption"] == est.contract.energy_kwh.p50
    assert report["task"]["nbRequest"] == est.contract.requests.p50
    assert "modelled, not measured" in report["task"]["taskDescription"]
    assert report["environment"] == {"country": "FR"}
    for key in ("task", "measures", "infrastructure"):  # required by report_schema.json
        assert key in report
    with pytest.raises(ValidationFailure, match="estimate, not a measurement"):
        boamps_evidence(report, file="e.json")


def test_measurement_report_becomes_a_declared_entry_the_offer_accepts(
        tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "r.boamps.json"
    runner.invoke(cli, ["bench", "export", str(RECORD), "-o", str(out)],
                  catch_exceptions=False)
    res = runner.invoke(cli, ["boamps", "evidence", str(out)], catch_exceptions=False)
    assert res.exit_code == 0
    head, _, body = res.output.partition("\n")
    assert head.startswith(f"{out} : rapport BoAmps valide (5 mesure(s), ")
    entry = yaml.safe_load(body)["declared"][0]
    data = json.loads(out.read_text())
    kwh = sum(m["powerConsumption"] for m in data["measures"])
    assert entry["energy_wh_per_request"] == pytest.approx(
        kwh * 1000 / data["task"]["nbRequest"], rel=1e-5)
    assert entry["scope"] == "server" and data["header"]["reportId"] in entry["source"]
    raw = load_offer(EXAMPLE_OFFERS / "open-mid-cloud-fr.yaml").model_dump(mode="json")
    raw["declared"] = [entry]
    assert parse_offer(raw).declared[0].scope == "server"


@pytest.mark.parametrize(("doc", "message"), [
    ({"task": {"taskStage": "training"}},
     "task.taskStage: expected an inference task, got 'training'"),
    ({"task": {"taskStage": "inference", "nbRequest": 0}},
     "task.nbRequest: expected a number > 0, got 0"),
    ({"task": {"taskStage": "inference", "nbRequest": 3}, "measures": []},
     "measures: expected a list of at least one measure"),
    ({"task": {"taskStage": "inference", "nbRequest": 3},
      "measures": [{"powerConsumption": -1}]},
     "measures[0].powerConsumption: expected a number >= 0, got -1"),
    ({"task": {"taskStage": "inference", "nbRequest": 3},
      "measures": [{"powerConsumption": 1}]},
     "infrastructure: missing; a BoAmps report needs 'infrastructure'"),
])
def test_bad_report_one_line_exit_2(tmp_path: Path, doc: dict[str, object],
                                    message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    res = CliRunner().invoke(cli, ["boamps", "evidence", str(path)])
    assert res.exit_code == 2
    assert res.output == f"Error: {path}: {message}\n"
