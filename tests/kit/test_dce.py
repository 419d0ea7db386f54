"""The consultation kit: files, hashes, DOCX content, atomic writing, bad options."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from ia_empreinte import DceOptions, build_dce_kit, load_profile
from ia_empreinte.kit.dce import default_rules
from ia_empreinte.kit.floor import FLOOR_MARGIN, absolute_floor, frugal_reference_offer
from ia_empreinte_cli.app import cli
from tests.conftest import PROFILES

PROFILE = PROFILES / "chatbot-web-metropole.yaml"


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kit") / "dce"
    res = CliRunner().invoke(cli, [
        "dce", str(PROFILE), "-o", str(out), "--weight", "15", "--criterion-number", "4",
        "--consultation", "2027-AO-012", "--lot", "2", "--draws", "200",
    ], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert res.output == f"{out} : kit de consultation écrit ; index 00-index.md, SHA256SUMS\n"
    return out


def test_every_hash_of_the_index_matches(kit: Path) -> None:
    lines = (kit / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
        assert hashlib.sha256((kit / name).read_bytes()).hexdigest() == digest, name
    on_disk = {str(p.relative_to(kit)) for p in kit.rglob("*") if p.is_file()}
    assert on_disk - set(listed) == {"SHA256SUMS"}
    index = (kit / "00-index.md").read_text(encoding="utf-8")
    for name, digest in listed.items():
        if name != "00-index.md":
            assert f"| `{name}` | `{digest}` |" in index


def test_docx_opens_and_holds_weight_evidence_and_default_rule(kit: Path) -> None:
    from docx import Document

    doc = Document(io.BytesIO((kit / "01-rc-article-critere.docx").read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Critère n° 4 – Performance environnementale du service (15 %)" in text
    assert "Consultation 2027-AO-012 – lot 2" in text
    assert "règlement délégué (UE) 2024/1364" in text  # PUE/WUE evidence
    assert "annexe XII du règlement (UE) 2024/1689" in text  # parameter count
    assert "contrat d'hébergement" in text
    assert "clé publique de signature est déposée avec l'offre" in text
    assert "Donnée non déclarée." in text
    for field, rule in default_rules("fr"):  # read from the library's published rules
        assert f"{field} : {rule}." in text
    assert "L'acheteur calcule la valeur de chaque offre" in text
    assert "Demande de précisions." in text
    assert "méthode linéaire" in text and "location-based" not in text
    bullets = [p for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert len(bullets) >= 10


def test_clauses_and_protocol_are_written(kit: Path) -> None:
    clauses = (kit / "02-clauses-cctp-ccap.md").read_text(encoding="utf-8")
    for needle in ("valeur contractuelle", "Réémission de la fiche", "heures GPU",
                   "Tolérance (option)", "Pénalités (option)"):
        assert needle in clauses
    protocol = (kit / "annexe-C-protocole-mesure.md").read_text(encoding="utf-8")
    assert "au moins 3 fenêtres d'au moins 60 secondes" in protocol
    assert "pas qui a mesuré" in protocol
    assert (kit / "annexe-A-profil-usage.yaml").read_bytes() == PROFILE.read_bytes()
    assert (kit / "annexe-B-donnees-reference" / "zones.toml").is_file()
    assert "model:" in (kit / "annexe-D-modele-declaration-offre.yaml").read_text()


def test_absolute_floor_is_derived_from_the_profile_and_stated(kit: Path) -> None:
    profile = load_profile(str(PROFILE))
    floor = absolute_floor(profile)
    assert floor > 0
    text = (kit / "01-rc-article-critere.md").read_text(encoding="utf-8")
    assert f"Toute valeur inférieure à {f'{floor:g}'.replace('.', ',')} kgCO2e" in text
    assert frugal_reference_offer().deployment.pue == 1.1
    assert FLOOR_MARGIN == 2.0


def test_relative_floor_carries_its_caveat() -> None:
    profile = load_profile(str(PROFILE))
    files = build_dce_kit(profile, DceOptions(weight_pct=10, floor_kind="relative"))
    rc = next(f for f in files if f.name == "01-rc-article-critere.md").data.decode()
    assert "5 % de la valeur médiane des offres" in rc
    assert "un candidat peut le déplacer" in rc


@pytest.mark.parametrize(("args", "message"), [
    (["--weight", "150"], "Error: --weight: input should be less than or equal to 100, got 150"),
    (["--weight", "15", "--floor", "abc"],
     "Error: --floor: expected absolute, relative, none or a number >= 0, got 'abc'"),
    (["--weight", "15", "--criterion-number", "0"],
     "Error: --criterion-number: input should be greater than or equal to 1, got 0"),
])
def test_bad_option_one_line_exit_2_nothing_written(tmp_path: Path, args: list[str],
                                                    message: str) -> None:
    out = tmp_path / "kit"
    res = CliRunner().invoke(cli, ["dce", str(PROFILE), "-o", str(out), *args])
    assert res.exit_code == 2
    assert res.output == message + "\n"
    assert list(tmp_path.iterdir()) == []


def test_a_non_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("keep")
    res = CliRunner().invoke(cli, ["dce", str(PROFILE), "-o", str(tmp_path), "--weight", "5"])
    assert res.exit_code == 2
    assert "folder exists and is not empty" in res.output
    assert [p.name for p in tmp_path.iterdir()] == ["x"]


def test_user_text_is_escaped_in_markdown_and_literal_in_docx() -> None:
    from docx import Document

    hostile = "**gras** <b>x</b> | `code` _i_ # [lien](http://x)"
    files = build_dce_kit(load_profile(str(PROFILE)),
                          DceOptions(weight_pct=10, consultation=hostile, lot="2",
                                     floor_kind="none"))
    by_name = {f.name: f.data for f in files}
    md = by_name["01-rc-article-critere.md"].decode()
    assert ("Consultation \\*\\*gras\\*\\* \\<b\\>x\\</b\\> \\| \\`code\\` \\_i\\_ \\# "
            "\\[lien\\](http://x) – lot 2") in md
    doc = Document(io.BytesIO(by_name["01-rc-article-critere.docx"]))
    para = next(p for p in doc.paragraphs if p.text.startswith("Consultation "))
    assert para.text == f"Consultation {hostile} – lot 2"
    assert not any(r.bold for r in para.runs)


def test_a_line_break_in_the_lot_is_refused(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["dce", str(PROFILE), "-o", str(tmp_path / "k"),
                                   "--weight", "5", "--lot", "2\n3"])
    assert res.exit_code == 2
    assert res.output == (
        "Error: --lot: expected one line of text, without control characters\n")
    assert list(tmp_path.iterdir()) == []


def test_a_floor_set_by_the_buyer_is_said_so() -> None:
    files = build_dce_kit(load_profile(str(PROFILE)),
                          DceOptions(weight_pct=10, floor=0.5, method="mean"))
    rc = next(f for f in files if f.name == "01-rc-article-critere.md").data.decode()
    assert ("Toute valeur inférieure à 0,5 kgCO2e est ramenée à 0,5 kgCO2e pour le calcul "
            "de la note. Ce plancher est fixé par l'acheteur avant la publication.") in rc
    assert "n° 373362" in rc  # the mean method's warning
