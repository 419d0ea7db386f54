"""The registry commands: bad input is one line, exit code 2, nothing written; bench
verify names who holds a registered key; the README's registry block runs as shown."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from ia_empreinte.registry.service import Registry
from ia_empreinte_cli.app import cli
from tests.conftest import ROOT
from tests.registry.conftest import PUBLIC_KEY, RECORD
from tests.support.doc_console import blocks, expected_exit, matches, run, workspace


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, sheets: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IA_EMPREINTE_REGISTRY_URL", raising=False)
    monkeypatch.delenv("IA_EMPREINTE_REGISTRY_TOKEN", raising=False)
    code, out = _invoke("registry", "search")
    assert code == 2
    assert out == ("Error: database_url: no registry database at ia-empreinte-registry.sqlite; "
                   "create it with 'ia-empreinte registry init'\n")
    assert list(tmp_path.iterdir()) == []  # no empty database left behind
    code, out = _invoke("registry", "init", "--organisation", "Ville", "--token-file", "v.token")
    assert code == 0, out
    sheet = str(sheets["chatbot"])
    tampered = tmp_path / "tampered.json"
    data = json.loads(sheets["chatbot"].read_text())
    data["comparison"]["offers"][0]["per_year"]["gwp_kgco2e"]["p50"] = 1.0
    tampered.write_text(json.dumps(data))
    common = ["--collectivite", "Ville", "--population", "1000", "--chosen",
              "open-mid-cloud-fr", "--token-file", "v.token"]
    for args, message in (
        (["registry", "publish", sheet, "--insee", "4410", *common],
         "Error: insee_code: expected an INSEE commune code"),
        (["registry", "publish", str(tampered), "--insee", "44109", *common],
         f"Error: {tampered}: the sheet does not verify: "),
        (["registry", "publish", sheet, "--insee", "44109", *common[:-2],
          "--token-file", "missing.token"], "Error: missing.token: "),
        (["registry", "publish", "nowhere.json", "--insee", "44109", *common],
         "Error: nowhere.json: "),
        (["registry", "export", "--format", "csv", "--database-url", "mysql://x/y"],
         "Error: database_url: database 'mysql' is not supported"),
        (["registry", "key", "add", "abc", "--token-file", "v.token"], "Error: abc: "),
    ):
        code, out = _invoke(*args)
        assert code == 2, (args, out)
        assert out.startswith(message) and out.count("\n") == 1, out
    code, out = _invoke("registry", "publish", sheet, "--insee", "44109", *common[:-2])
    assert (code, out.count("\n")) == (2, 1) and "organisation token" in out
    with Registry() as reg:
        assert reg.counts()["projects"] == 0
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) \
        == ["ia-empreinte-registry.sqlite", "tampered.json", "v.token"]


def test_bench_verify_names_the_registered_organisation(
    tmp_path: Path, sheets: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    monkeypatch.setenv("IA_EMPREINTE_REGISTRY_URL", url)
    assert _invoke("registry", "init", "--organisation", "Candidat B",
                   "--token-file", "b.token")[0] == 0
    code, out = _invoke("bench", "verify", str(RECORD), "--lang", "en")
    assert code == 0
    assert ("key   unknown key: fingerprint 640cb87c9f300de6... is not registered"
            in out.splitlines())
    assert "no key register says whose key it is" in out
    code, out = _invoke("registry", "key", "add", str(PUBLIC_KEY), "--token-file", "b.token")
    assert code == 0, out
    with Registry(url) as reg:
        day = reg.key_verdict("640cb87c9f300de6aa667ef03733501344d9da19841f53c742315886de73004b"
                              ).key.registered_on.isoformat()  # type: ignore[union-attr]
    code, out = _invoke("bench", "verify", str(RECORD), "--deadline", "2099-01-01")
    assert code == 0
    assert (f"clé   signée par une clé enregistrée au nom de Candidat B le {day} (avant la "
            "date limite de remise des offres 2099-01-01)") in out.splitlines()
    # the buyer's verdict names the holder the registry gives
    assert f"le registre des clés l'attribue à Candidat B ({day})" in out
    code, out = _invoke("registry", "key", "show",
                        "640cb87c9f300de6aa667ef03733501344d9da19841f53c742315886de73004b")
    assert out == f"signée par une clé enregistrée au nom de Candidat B le {day}\n"
    code, out = _invoke("verify", str(sheets["pinned"]), "--base-dir",
                        str(ROOT / "examples" / "offers"))
    assert code == 0, out
    assert out.splitlines()[-1] == (f"  record 7e11ddd5cc6979a7: signed by a key registered to "
                                    f"Candidat B on {day}")
    monkeypatch.delenv("IA_EMPREINTE_REGISTRY_URL")
    code, out = _invoke("bench", "verify", str(RECORD))  # no registry here: no key line
    assert code == 0 and not any(line.startswith(("key", "clé")) for line in out.splitlines())
    assert "aucun registre de clés ne dit à qui est la clé" in out


SHOWN = blocks(ROOT / "README.md", section="The registry of territorial AI projects")


def test_readme_registry_block_runs_as_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    assert len(SHOWN) >= 6
    monkeypatch.delenv("IA_EMPREINTE_REGISTRY_URL", raising=False)
    monkeypatch.chdir(workspace(tmp_path))
    for shown in SHOWN:
        code, actual = run(shown)
        assert code == expected_exit(shown), (shown.command, actual)
        assert matches(shown.output, actual), (
            f"README.md line {shown.line}: {shown.command}\n" + "\n".join(actual))
    assert pq.read_table("projets.parquet").column("collectivite").to_pylist() == [
        "Nantes Métropole"]
    assert json.loads(Path("projets.json").read_text())["rows"][0]["insee_code"] == "244400404"
    assert os.path.getsize("projets.csv") > 0


def test_cli_start_does_not_load_the_database_layer() -> None:
    import subprocess
    import sys

    code = ("import sys, ia_empreinte, ia_empreinte_cli.app; "
            "print(sorted(m for m in ('sqlalchemy', 'alembic', 'psycopg') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    assert out == "[]\n"


def test_unreachable_or_unreadable_databases_are_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("text.sqlite").write_text("not a database\n")
    for url, message in (
        ("postgresql+psycopg://nobody@127.0.0.1:1/x",
         "Error: database_url: registry database postgresql+psycopg://nobody@127.0.0.1:1/x: "),
        ("sqlite:///text.sqlite", "Error: database_url: cannot open the registry database "
         "sqlite:///text.sqlite: file is not a database"),
        ("sqlite:///no/such/folder/r.sqlite", "Error: database_url: "),
    ):
        for command in ("init", "search"):
            code, out = _invoke("registry", command, "--database-url", url)
            assert code == 2 and out.startswith(message) and out.count("\n") == 1, out
    assert _invoke("registry", "init", "--organisation", "A", "--token-file", "a.token")[0] == 0
    code, out = _invoke("registry", "organisation", "B", "--token-file", "a.token")
    assert (code, out) == (2, "Error: a.token: exists; a token file is never overwritten: "
                              "give a new name\n")
    code, out = _invoke("registry", "organisation", "A", "--token-file", "b.token")
    assert (code, out) == (2, "Error: organisation: organisation 'A' already exists\n")
    assert not Path("b.token").exists()


def test_every_registry_command_on_one_project(
    tmp_path: Path, sheets: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IA_EMPREINTE_REGISTRY_URL", raising=False)
    assert _invoke("registry", "init", "--organisation", "Ville", "--token-file", "v.token")[0] == 0
    assert _invoke("registry", "organisation", "Candidat B", "--token-file", "b.token") == (
        0, "organisation Candidat B: token written to b.token\n")
    code, out = _invoke("registry", "record", "publish", str(RECORD), "--token-file", "b.token")
    assert (code, out) == (0, "record 7e11ddd5cc6979a7b4190a9014429d53f5e9bcf36a3595762256"
                              "80f156925a26 published\n")
    code, out = _invoke("registry", "record", "show", out.split()[1], "-o", "back.json")
    assert code == 0 and Path("back.json").read_text() == RECORD.read_text()
    code, out = _invoke("registry", "publish", str(sheets["pinned"]), "--token-file", "v.token",
                        "--collectivite", "Vertou", "--insee", "44215", "--population", "25000",
                        "--chosen", "essai-releve-tinylm", "--draft")
    assert code == 0 and out.startswith("project 1: draft; sheet verified"), out
    assert _invoke("registry", "search") == (0, "no published project matches\n")
    assert _invoke("registry", "state", "1", "published", "--token-file", "b.token")[0] == 2
    assert _invoke("registry", "state", "1", "published", "--token-file", "v.token") == (
        0, "project 1: published\n")
    log = ROOT / "examples" / "usage-logs" / "chatbot-extrait-janvier.csv"
    code, out = _invoke("registry", "footprint", "1", "--period", "2027-01", "--log", str(log),
                        "--metered-kwh", "2.5", "--draws", "50", "--token-file", "v.token")
    assert code == 0 and out.startswith("project 1 period 2027-01: ") and \
        out.endswith(", metered 2.5 kWh\n"), out
    shown = json.loads(_invoke("registry", "show", "1")[1])
    assert shown["collectivite"] == "Vertou" and shown["population_band"] == "20000-100000"
    assert shown["footprints"][0]["period"] == "2027-01"
    assert shown["footprints"][0]["metered_energy_kwh"] == 2.5
    assert _invoke("registry", "reuse", "1", "-o", "profil.yaml")[0] == 0
    assert yaml.safe_load(Path("profil.yaml").read_text())["id"] == "chatbot-web-metropole"
    found = json.loads(_invoke("registry", "search", "--vendor", "candidat b", "--format",
                               "json")[1])
    assert [p["id"] for p in found] == [1]
    assert _invoke("registry", "search", "--vendor", "fournisseur") == (
        0, "no published project matches\n")
    code, out = _invoke("registry", "key", "add", str(PUBLIC_KEY), "--token-file", "b.token")
    fingerprint = out.split()[1]
    code, out = _invoke("registry", "key", "revoke", fingerprint, "--token-file", "b.token")
    assert code == 0 and out.startswith(f"key {fingerprint} revoked on ")
    code, out = _invoke("registry", "export", "--table", "footprints", "--format", "csv")
    assert out.splitlines()[0] == ("project_id,period,requests,energy_kwh_p50,gwp_kgco2e_p50,"
                                   "metered_energy_kwh")
