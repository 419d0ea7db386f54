"""CLI: ia-empreinte estimate and audit, output formats and error handling."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ia_empreinte_cli.app import cli

ROOT = Path(__file__).parents[2]
PROFILE = str(ROOT / "profiles" / "chatbot-web-metropole.yaml")
OFFER = str(Path(__file__).parents[1] / "fixtures" / "engine" / "offer-llama8b-fr.yaml")
INDICATORS = ("gwp_kgco2e", "water_l", "adpe_kgsbeq", "pe_mj")


def test_estimate_json_contract() -> None:
    result = CliRunner().invoke(cli, ["estimate", PROFILE, OFFER, "--format", "json",
                                      "--draws", "200", "--seed", "5"], catch_exceptions=False)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert set(doc["per_request"]["energy_wh_by_component"]) == {
        "accelerators", "host", "idle", "facility_overhead"}
    assert set(doc["per_request"]["gwp_kgco2e_by_phase"]) == {"use", "embodied"}
    for section, energy in (("per_request", "energy_wh"), ("per_year", "energy_kwh"),
                            ("contract", "energy_kwh")):
        for name in (energy, *INDICATORS):
            assert set(doc[section][name]) == {"p05", "p50", "p95", "mean"}
    assert doc["provenance"]["seed"] == 5
    assert doc["provenance"]["draws"] == 200
    assert doc["provenance"]["methods"]["accelerators"] == "modelled"
    assert doc["caveats"] == []


def test_estimate_formats_and_output_file(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "est.md"
    result = runner.invoke(cli, ["estimate", PROFILE, OFFER, "--format", "markdown",
                                 "--draws", "50", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith(
        "# Empreinte de l'offre `llama8b-fr` sur le profil `chatbot-web-metropole`\n")
    csv_text = runner.invoke(cli, ["estimate", PROFILE, OFFER, "--format", "csv", "--draws",
                                   "50"], catch_exceptions=False).stdout
    assert csv_text.splitlines()[0] == "section,indicator,detail,unit,p05,p50,p95,mean"
    # 15 rows a section: energy 5, gwp 3, water 3 (on-site/off-site), adpe, pe 3, (requests)
    assert len(csv_text.splitlines()) == 1 + 3 * 15 + 2
    table = runner.invoke(cli, ["estimate", PROFILE, OFFER, "--draws", "50"],
                          catch_exceptions=False).stdout
    assert table.splitlines()[0] == "offre llama8b-fr sur le profil chatbot-web-metropole"
    english = runner.invoke(cli, ["estimate", PROFILE, OFFER, "--draws", "50", "--lang", "en"],
                            catch_exceptions=False).stdout
    assert english.splitlines()[0] == "offer llama8b-fr on profile chatbot-web-metropole"


def test_estimate_bad_offer_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "offer.yaml"
    bad.write_text("id: x\nmodel: {total_params_b: 8}\ndeployment: {accelerator: h100}\n",
                   encoding="utf-8")
    out = tmp_path / "out.json"
    result = CliRunner().invoke(cli, ["estimate", PROFILE, str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {bad}: deployment: unknown accelerator 'h100' "
                             "(see `ia-empreinte catalog accelerators`)\n")
    assert len(result.stderr.splitlines()) == 1
    assert not out.exists()


def test_audit_command(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("timestamp,input_tokens,output_tokens\n2026-01-01T00:00:00Z,500,100\n"
                   "2026-01-01T00:10:00Z,700,50\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["audit", OFFER, str(log), "--format", "json",
                                      "--draws", "1"], catch_exceptions=False)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["contract"]["requests"]["p50"] == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,input_tokens,output_tokens\n2026-01-01T00:00:00Z,x,1\n",
                   encoding="utf-8")
    result = CliRunner().invoke(cli, ["audit", OFFER, str(bad)])
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {bad}: line 2: column 'input_tokens': expected a number "
                             ">= 0, got 'x'\n")
