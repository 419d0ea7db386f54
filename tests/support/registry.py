"""A small registry of territorial projects for the web tests (pages and browser)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from ia_empreinte import load_fiche
from ia_empreinte.registry import ProjectInfo, open_registry
from ia_empreinte_cli.app import cli
from tests.conftest import EXAMPLE_OFFERS, PROFILES

HOSTILE = "<script>x</script>"


def make_registry(folder: Path) -> str:
    """An SQLite registry in ``folder`` with two published projects (one with a hostile
    name) and a draft; its URL."""
    sheet = folder / "fiche.json"
    result = CliRunner().invoke(cli, [
        "report", str(PROFILES / "chatbot-web-metropole.yaml"),
        str(EXAMPLE_OFFERS / "open-mid-cloud-fr.yaml"),
        str(EXAMPLE_OFFERS / "small-onprem-dedicated.yaml"),
        "--draws", "200", "-o", str(sheet)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    url = f"sqlite:///{folder / 'registry.sqlite'}"
    fiche = load_fiche(sheet)
    with open_registry(url) as registry:
        registry.init()
        _, token = registry.add_organisation("Nantes Métropole")
        registry.publish_project(token, fiche, ProjectInfo(
            collectivite="Nantes Métropole", insee_code="244400404", population=683000,
            chosen_offer="open-mid-cloud-fr"))
        registry.publish_project(token, fiche, ProjectInfo(
            collectivite=HOSTILE, insee_code="44109", population=2000,
            chosen_offer="open-mid-cloud-fr"))
        registry.publish_project(token, fiche, ProjectInfo(
            collectivite="Brouillon-sur-Loire", insee_code="44110", population=5000,
            chosen_offer="open-mid-cloud-fr", state="draft"))
    return url
