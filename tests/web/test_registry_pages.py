"""The registry's web pages: search the published projects, "reuse this profile", a
server without a registry, a project that does not exist, and hostile names escaped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("sqlalchemy")

import httpx
import yaml

from ia_empreinte import parse_profile
from ia_empreinte.server import running
from ia_empreinte.server.settings import ServerSettings
from tests.support.registry import make_registry


@pytest.fixture(scope="module")
def registry_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A registry with two published projects (one with a hostile name) and a draft."""
    return make_registry(tmp_path_factory.mktemp("registry-web"))


@pytest.fixture(scope="module")
def client(registry_url: str) -> Iterator[httpx.Client]:
    with running(ServerSettings(registry_url=registry_url), compute_slots=1) as base, \
            httpx.Client(base_url=base, timeout=60) as c:
        yield c


def _rows(html: str) -> int:
    return html.count('<th scope="row">')


def test_the_page_is_french_with_one_h1_labels_and_headers(client: httpx.Client) -> None:
    answer = client.get("/registre")
    assert answer.status_code == 200
    html = answer.text
    assert '<html lang="fr">' in html
    assert html.count("<h1>") == 1 and "<h1>Registre des projets d&#39;IA" in html
    for field in ("task", "population_band", "vendor", "zone"):
        assert f'<label for="{field}">' in html and f'id="{field}" name="{field}"' in html
    assert "<caption>Projets publiés (2)</caption>" in html
    assert html.count('<th scope="col">') == 9
    assert "Brouillon-sur-Loire" not in html  # drafts are not public
    assert "<script" not in html and "set-cookie" not in answer.headers
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert 'href="/registre?lang=fr"' in client.get("/").text  # in the navigation


def test_english(client: httpx.Client) -> None:
    html = client.get("/registre", params={"lang": "en"}).text
    assert '<html lang="en">' in html
    assert "<caption>Published projects (2)</caption>" in html


def test_search_by_task_finds_the_project(client: httpx.Client) -> None:
    html = client.get("/registre", params={"task": "text-generation", "zone": "fr",
                                           "vendor": ""}).text
    assert _rows(html) == 2
    assert "Nantes Métropole" in html and "open-mid-cloud-fr" in html
    assert 'href="/registre/1/profil?lang=fr"' in html
    assert '<option value="text-generation" selected>' in html


def test_a_filter_that_excludes_it_shows_none(client: httpx.Client) -> None:
    html = client.get("/registre", params={"task": "image-generation"}).text
    assert _rows(html) == 0
    assert "Aucun projet publié ne correspond à ces critères." in html
    html = client.get("/registre", params={"population_band": "gte-500000"}).text
    assert _rows(html) == 1 and "Nantes Métropole" in html
    assert _rows(client.get("/registre", params={"vendor": "nobody-sells-this"}).text) == 0


def test_a_bad_band_is_said_on_the_form(client: httpx.Client) -> None:
    answer = client.get("/registre", params={"population_band": "huge"})
    assert answer.status_code == 200
    assert "unknown population band" in answer.text and _rows(answer.text) == 0


def test_hostile_names_are_escaped(client: httpx.Client) -> None:
    html = client.get("/registre", params={"vendor": '"><b>'}).text
    assert "<script>x</script>" not in html
    html = client.get("/registre").text
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_reuse_this_profile_downloads_yaml(client: httpx.Client) -> None:
    answer = client.get("/registre/1/profil")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/yaml")
    assert answer.headers["content-disposition"] == \
        'attachment; filename="projet-1-profil.yaml"'
    profile = parse_profile(yaml.safe_load(answer.text))
    assert profile.id == "chatbot-web-metropole"


@pytest.mark.parametrize("ident", ["999", "3", "abc"])
def test_unknown_or_draft_project_is_a_404_page(client: httpx.Client, ident: str) -> None:
    answer = client.get(f"/registre/{ident}/profil")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in answer.text and "Traceback" not in answer.text
    assert f"Aucun projet publié n° {ident} dans le registre." in answer.text


def test_without_a_registry_the_page_says_so() -> None:
    with running(compute_slots=1) as base:
        fr = httpx.get(base + "/registre", timeout=60)
        en = httpx.get(base + "/registre?lang=en", timeout=60)
        missing = httpx.get(base + "/registre/1/profil", timeout=60)
    assert fr.status_code == 200 and "Aucun registre n&#39;est configuré" in fr.text
    assert en.status_code == 200 and "No registry is configured on this server." in en.text
    assert "<form" not in fr.text.split("<main")[1]
    assert missing.status_code == 404
