"""The fiche: contents per research section 5, integrity hash, verify, clause, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ia_empreinte import (
    CompareOptions,
    Consultation,
    Fiche,
    build_fiche,
    json_schema,
    rc_clause,
    render_fiche,
    verify_fiche,
)
from ia_empreinte.render.sheet import fiche_json
from ia_empreinte.sheet import inputs_sha256, parse_fiche
from ia_empreinte_cli.app import cli
from tests.conftest import EXAMPLE_OFFERS, PROFILES
from tests.support.compare import example_inputs

OPTS = CompareOptions(draws=200, seed=9)
CONS = Consultation(reference="2026-IA-014", lot="Lot 2", buyer="Métropole")


@pytest.fixture(scope="module")
def fiche() -> Fiche:
    profile, offers = example_inputs()
    return build_fiche(profile, offers, OPTS, CONS, computed_on="2026-11-25")  # type: ignore[arg-type]


def test_fiche_carries_every_section_of_research_5(fiche: Fiche) -> None:
    assert fiche.inputs.consultation.reference == "2026-IA-014"
    assert [o.id for o in fiche.inputs.offers] == [
        "frontier-api-us", "open-mid-cloud-fr", "small-onprem-dedicated"]
    assert fiche.tool_version == "0.1.0"
    assert {d.id for d in fiche.datasets} >= {"zones.toml", "equivalents.toml"}
    assert fiche.profile.id == "chatbot-web-metropole"
    assert len(fiche.profile.sha256) == 64
    assert "inference_compute" in fiche.boundary_included
    assert "training_in_scores" in fiche.boundary_excluded
    statuses = {p.status for p in fiche.parameters}
    assert statuses >= {"profile", "declared", "default"}
    assert any(p.name == "grid.gwp_kgco2e_per_kwh" and p.offer_id == "open-mid-cloud-fr"
               for p in fiche.parameters)
    assert fiche.limitations and fiche.caveats
    h = fiche.headlines
    assert h.best_offer == fiche.comparison.ranked()[0].offer_id
    assert h.best_p50 == fiche.comparison.ranked()[0].scored.p50
    assert h.worst_to_best_ratio == pytest.approx(
        fiche.comparison.ranked()[-1].scored.p50 / h.best_p50)
    car = next(e for e in h.equivalents if e.id == "car_km")
    assert car.count == pytest.approx(h.best_p50 / 0.142)


def test_inputs_hash_is_the_sha256_of_the_canonical_inputs(fiche: Fiche) -> None:
    import hashlib

    from ia_empreinte.schemas import canonical_json

    text = canonical_json(fiche.inputs.model_dump(mode="json"))
    assert fiche.inputs_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert inputs_sha256(fiche.inputs) == fiche.inputs_sha256


def test_fresh_fiche_verifies(fiche: Fiche) -> None:
    reread = parse_fiche(json.loads(fiche_json(fiche)))
    assert reread == fiche
    assert verify_fiche(reread) == []


def test_edited_input_number_is_named_in_the_differences(fiche: Fiche) -> None:
    data = json.loads(fiche_json(fiche))
    data["inputs"]["profile"]["contract_years"] = 4
    diffs = verify_fiche(parse_fiche(data))
    paths = [d.path for d in diffs]
    assert paths[0] == "inputs_sha256"
    assert "comparison.offers[0].contract.gwp_kgco2e.p50" in paths
    assert "comparison.offers[0].per_year.gwp_kgco2e.p50" not in paths  # per year unchanged


def test_edited_figure_is_named(fiche: Fiche) -> None:
    data = json.loads(fiche_json(fiche))
    data["comparison"]["scores"]["marks"][0]["mark"] = 9.99
    diffs = verify_fiche(parse_fiche(data))
    assert [d.path for d in diffs] == ["comparison.scores.marks[0].mark"]
    assert diffs[0].stored == "9.99"


def test_fiche_schema_is_registered() -> None:
    schema = json_schema("fiche")
    assert "inputs_sha256" in schema["properties"]
    assert "schema" in schema["properties"]
    assert "offers" in json_schema("comparison")["properties"]


def test_rc_clause_names_profile_hash_tool_data_and_formula(fiche: Fiche) -> None:
    text = rc_clause(fiche.inputs.profile, OPTS, weight_pct=15)
    assert "Performance environnementale (15 %)" in text
    assert "« chatbot-web-metropole » version 1" in text
    assert fiche.profile.sha256 in text
    assert "ia-empreinte version 0.1.0" in text
    assert "Note = 10 × V_min / V_offre" in text
    assert "5 % de la valeur médiane des offres" in text
    for d in fiche.datasets:
        assert f"`{d.id}` : SHA-256 `{d.sha256}`" in text


ARGS = [str(PROFILES / "chatbot-web-metropole.yaml")] + [
    str(EXAMPLE_OFFERS / f"{n}.yaml")
    for n in ("frontier-api-us", "open-mid-cloud-fr", "small-onprem-dedicated")
]


def test_cli_report_json_then_verify_passes_then_fails_after_edit(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "fiche.json"
    res = runner.invoke(cli, ["report", *ARGS, "-o", str(out), "--draws", "200",
                              "--consultation", "2026-IA-014"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text())
    assert data["schema"] == "ia-empreinte/fiche@1"
    assert data["command"].startswith("ia-empreinte report ")
    assert " -o fiche.json " in data["command"]
    assert str(tmp_path) not in json.dumps(data)  # file names only, never the buyer's folders
    ok = runner.invoke(cli, ["verify", str(out)], catch_exceptions=False)
    assert ok.exit_code == 0
    sha = data["inputs_sha256"]
    assert ok.output == f"{out}: OK, every figure matches (inputs SHA-256 {sha})\n"
    data["inputs"]["offers"][1]["deployment"]["batch_size"] = 4
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    bad = runner.invoke(cli, ["verify", str(edited)], catch_exceptions=False)
    assert bad.exit_code == 1
    assert "inputs_sha256: stored" in bad.output
    assert "comparison.offers[1].scored.p50: stored" in bad.output
    assert "comparison.scores.marks[" in bad.output


def test_cli_report_unknown_extension_is_one_line_exit_2(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["report", *ARGS, "-o", str(tmp_path / "x.docx")])
    assert res.exit_code == 2
    assert "cannot tell the report format" in res.output
    assert not (tmp_path / "x.docx").exists()


def test_cli_compare_formats_agree_with_the_library() -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["compare", *ARGS, "--format", "json", "--draws", "200",
                              "--seed", "9"], catch_exceptions=False)
    assert res.exit_code == 0
    data = json.loads(res.output)
    profile, offers = example_inputs()
    from ia_empreinte import compare

    lib = compare(profile, offers, OPTS)  # type: ignore[arg-type]
    assert data == json.loads(lib.model_dump_json())
    csv = runner.invoke(cli, ["compare", *ARGS, "--format", "csv", "--draws", "200",
                              "--seed", "9"], catch_exceptions=False).output
    assert csv.splitlines()[0] == "rank,offer,vendor,p05,p50,p95,mean,unit,p_best,mark"
    assert len(csv.splitlines()) == 4
    md = runner.invoke(cli, ["compare", *ARGS, "--format", "markdown", "--lang", "en",
                             "--indicator", "energy"], catch_exceptions=False).output
    assert "## 5. Ranking and scores" in md
    assert "Energy per contract (kWh)" in md


def test_cli_score_simulate_prints_every_method() -> None:
    res = CliRunner().invoke(cli, ["score", "simulate", "120", "150", "300", "--points", "20",
                                   "--floor-fraction", "0", "--lang", "en"],
                             catch_exceptions=False)
    assert res.exit_code == 0
    # by hand, N = 20: proportional 20 x 120/v; linear 20 x (300 - v)/180;
    # mean (190): 10 x (2 - v/190) -> 13.68, 12.11, 4.21
    assert res.output == (
        "method        offer  value  scored_value  mark  rank\n"
        "------------  -----  -----  ------------  ----  ----\n"
        "proportional  A        120           120    20     1\n"
        "proportional  B        150           150    16     2\n"
        "proportional  C        300           300     8     3\n"
        "linear        A        120           120    20     1\n"
        "linear        B        150           150  16.7     2\n"
        "linear        C        300           300     0     3\n"
        "mean          A        120           120  13.7     1\n"
        "mean          B        150           150  12.1     2\n"
        "mean          C        300           300  4.21     3\n"
        "floor: none\n"
        "Recommended method: linear. Dispersed offers (the highest is 2.5 times the lowest, "
        "more than 2): the proportional method would crowd every mark but the best near 0; "
        "the linear method spreads the offers between the best and the worst (DAJ "
        "guidance).\n"
        "Warning: the method relative to the mean compresses the gaps between offers (mark "
        "compression); a method that neutralises a criterion's weight is irregular (CE, 3 "
        "Nov 2014, Commune de Belleville-sur-Loire, n° 373362). Prefer the linear or "
        "proportional method.\n"
    )


def test_cli_clause_and_report_rc_clause(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["clause", ARGS[0], "--weight", "20", "--method", "linear"],
                        catch_exceptions=False)
    assert res.exit_code == 0
    assert "Performance environnementale (20 %)" in res.output
    assert "Note = 10 × (V_max − V_offre) / (V_max − V_min)" in res.output
    rep = runner.invoke(cli, ["report", *ARGS, "-o", str(tmp_path / "f.md"), "--rc-clause",
                              "--draws", "50"], catch_exceptions=False)
    assert "Critère n° 1" in rep.output
    res = runner.invoke(cli, ["clause", ARGS[0], "--criterion-number", "4"],
                        catch_exceptions=False)
    assert "**Critère n° 4 – " in res.output and "location-based" not in res.output


def test_evidence_reads_the_protocol_from_the_benchmark_record(tmp_path: Path) -> None:
    from ia_empreinte import parse_offer
    from ia_empreinte.inputs.documents import read_document
    from ia_empreinte.inputs.records import load_records
    from ia_empreinte.records import record_file_text, record_sha256
    from tests.support.bench import make_record

    record = make_record()
    (tmp_path / "record.json").write_text(record_file_text(record), encoding="utf-8")
    data = read_document(EXAMPLE_OFFERS / "open-mid-cloud-fr.yaml")
    data["benchmarks"] = [{"path": "record.json", "sha256": record_sha256(record)}]
    offer = parse_offer(data)
    profile, _ = example_inputs()
    records = load_records([(offer, tmp_path)])
    f = build_fiche(profile, [offer], CompareOptions(draws=50), records=records)  # type: ignore[arg-type]
    (e,) = f.evidence
    assert e.path == "record.json"
    assert e.sha256 == record_sha256(record)
    assert e.valid_for_procurement is record.valid_for_procurement
    assert "model test-model" in e.protocol
    assert "concurrency 4; 3 windows of 60 s after 60 s warm-up" in e.protocol
    assert "idle subtraction: mean of pre and post idle power x window duration" in e.protocol
    assert f.comparison.offers[0].methods["accelerators"] == "measured"
    assert verify_fiche(f, records=records) == []
    md = render_fiche(f, "x.md").decode()
    assert "## 8. Preuves de mesure" in md
    assert e.protocol.replace("&", "&amp;") in md


def test_cli_report_into_a_missing_folder_is_one_line_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "fiche.pdf"
    res = CliRunner().invoke(cli, ["report", *ARGS, "-o", str(target), "--draws", "20"])
    assert res.exit_code == 2
    assert res.output.startswith(f"Error: {target}: cannot write the output")
    assert len(res.output.splitlines()) == 1
    assert not target.parent.exists()


def test_cli_verify_refuses_a_file_that_is_not_a_fiche(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"schema": "ia-empreinte/fiche@1"}')
    res = CliRunner().invoke(cli, ["verify", str(bad)])
    assert res.exit_code == 2
    assert res.output.startswith(f"Error: {bad}: ")
    assert len(res.output.splitlines()) == 1


def test_training_is_reported_separately_with_its_contract_share() -> None:
    from ia_empreinte import parse_offer
    from ia_empreinte.inputs.documents import read_document

    data = read_document(EXAMPLE_OFFERS / "open-mid-cloud-fr.yaml")
    data["training"] = {"gwp_kgco2e": 1_000_000, "energy_kwh": 2_000_000,
                        "amortisation_requests": 1e10, "source": "model card"}
    profile, _ = example_inputs()
    f = build_fiche(profile, [parse_offer(data)], CompareOptions(draws=50))  # type: ignore[arg-type]
    (tr,) = f.training
    requests = f.comparison.offers[0].contract["requests"].p50
    assert tr.gwp_kgco2e == 1_000_000
    assert tr.energy_kwh == 2_000_000
    # declared GHG x contract requests / amortisation requests
    assert tr.contract_share_gwp_kgco2e == 1_000_000 * requests / 1e10
    # never added to the scored figure
    assert f.comparison.offers[0].scored == f.comparison.offers[0].contract["gwp_kgco2e"]
    md = render_fiche(f, "x.md", "en").decode()
    assert "## 9. Training (reported separately)" in md
    assert "| open-mid-cloud-fr | 2,000,000 | 1,000,000 | 10,000,000,000 |" in md
