"""The web application in a real browser: headless Chromium driven by selenium.

A real server (uvicorn, in a thread) listens on a free port of 127.0.0.1. Every page
reached is checked with axe-core (``axe-selenium-python`` ships it): no serious or
critical violation; the browser's console must stay free of errors. A screenshot of
each step and the axe results per page are written to ``build/web-screenshots/``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.conftest import EXAMPLE_OFFERS, ROOT

selenium = pytest.importorskip("selenium")
pytest.importorskip("uvicorn")

from axe_selenium_python import Axe  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.expected_conditions import staleness_of  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

pytestmark = pytest.mark.slow

SCREENSHOTS = ROOT / "build" / "web-screenshots"
"""Where the screenshots and ``axe.json`` (violations by impact, per page) go."""

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
BLOCKING = ("serious", "critical")

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI"):
        raise RuntimeError("chromium and chromedriver are required in CI (.ci/run installs them)")
    pytest.skip("chromium or chromedriver not installed (apt-get install chromium "
                "chromium-driver)", allow_module_level=True)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    from ia_empreinte.server import running

    with running(compute_slots=2) as base:
        yield base


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--disable-gpu", "--window-size=1280,1600", "--lang=fr-FR"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads),
        "download.prompt_for_download": False,
    })
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(120)
    yield driver
    driver.quit()


AXE_RESULTS: dict[str, dict[str, int]] = {}


@pytest.fixture(scope="module", autouse=True)
def _axe_report() -> Iterator[None]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield
    (SCREENSHOTS / "axe.json").write_text(json.dumps(AXE_RESULTS, indent=2, sort_keys=True),
                                          encoding="utf-8")


def check_page(driver: Any, name: str) -> None:
    """Screenshot, axe-core (no serious or critical violation), no console error."""
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    counts: dict[str, int] = {}
    for violation in results["violations"]:
        counts[violation["impact"]] = counts.get(violation["impact"], 0) + len(
            violation["nodes"])
    AXE_RESULTS[name] = counts
    assert len(results["passes"]) > 10, "axe-core ran no rule"  # it did run
    blocking = [f"{v['id']} ({v['impact']}): {v['help']} at "
                f"{[n['target'] for n in v['nodes']][:3]}"
                for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{name}: {blocking}"
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, f"{name}: console errors {errors}"
    html = driver.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("lang") in ("fr", "en")
    assert len(driver.find_elements(By.TAG_NAME, "h1")) == 1


def _gone(element: Any) -> Any:
    """``staleness_of``, also when Chromium answers that the node no longer belongs to
    the document (a WebDriverException, not StaleElementReferenceException, in recent
    versions when the page is replaced during the call)."""
    from selenium.common.exceptions import WebDriverException

    stale = staleness_of(element)

    def check(driver: Any) -> bool:
        try:
            return bool(stale(driver))
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc) or "No node with given id" in str(
                    exc):
                return True
            raise

    return check


def submit(driver: Any, button_text: str) -> None:
    """Click the button and wait for the next page (a computation may take seconds)."""
    old = driver.find_element(By.TAG_NAME, "html")
    button = driver.find_element(By.XPATH, f'//button[normalize-space()="{button_text}"]')
    button.click()
    WebDriverWait(driver, 120).until(_gone(old))
    WebDriverWait(driver, 120).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def wait_for(path: Path, timeout: float = 90) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size > 0:
            return path
        time.sleep(0.2)
    raise AssertionError(f"{path} was not downloaded")


def test_whole_journey(server: str, browser: Any, downloads: Path) -> None:
    d = browser
    d.get(server + "/")
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    assert d.find_element(By.TAG_NAME, "h1").text == "Décrire l'usage du service d'IA"
    check_page(d, "01-accueil")

    # 1. pick a shipped profile, change the daily volume
    d.find_element(By.ID, "profil-chatbot-web-metropole").click()
    submit(d, "Utiliser ce profil")
    assert "Chatbot citoyen" in d.find_element(By.TAG_NAME, "h1").text
    assert "hypothèse" in d.find_element(By.TAG_NAME, "table").text
    check_page(d, "02-profil")
    d.find_element(By.ID, "volume").send_keys("5000")
    submit(d, "Mettre à jour le profil")
    row = d.find_element(By.XPATH, "//tr[th/code='volume.requests_per_day']")
    assert "5000" in row.text and "hypothèse" in row.text
    check_page(d, "03-profil-volume")

    # 2. upload three example offers
    submit(d, "Continuer : charger les offres")
    check_page(d, "04-offres-vide")
    names = ["frontier-api-us.yaml", "open-mid-cloud-fr.yaml", "small-onprem-dedicated.yaml"]
    d.find_element(By.ID, "offres").send_keys("\n".join(str(EXAMPLE_OFFERS / n) for n in names))
    submit(d, "Ajouter ces fichiers")
    table = d.find_element(By.TAG_NAME, "table")
    assert "(3)" in table.find_element(By.TAG_NAME, "caption").text
    check_page(d, "05-offres")

    # 3. compare, then switch the scoring method
    submit(d, "Continuer : comparer les offres")
    jury = d.find_element(By.ID, "jury").find_element(By.XPATH, "..").text
    assert "L'offre la plus sobre est" in jury
    assert "proportionnelle" in d.find_element(By.ID, "notation").find_element(
        By.XPATH, "..").text
    check_page(d, "06-comparaison")
    d.find_element(By.ID, "method-linear").click()
    d.find_element(By.ID, "weight").send_keys("15")
    submit(d, "Recalculer")
    scoring = d.find_element(By.ID, "notation").find_element(By.XPATH, "..").text
    assert "linéaire" in scoring and "Points pondérés (poids 15 %)" in scoring
    check_page(d, "07-comparaison-lineaire")

    # 4. download the PDF sheet, read it, upload it back to verify it
    d.find_element(By.ID, "fiche-pdf").click()
    pdf = wait_for(downloads / "fiche-chatbot-web-metropole.pdf")
    time.sleep(0.5)  # the download is renamed when complete; let the writer finish
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Fournisseur A" in text and "chatbot-web-metropole" in text
    d.get(server + "/verifier")
    check_page(d, "08-verifier")
    d.find_element(By.ID, "fiche").send_keys(str(pdf))
    submit(d, "Vérifier")
    assert "Fiche vérifiée" in d.find_element(By.CSS_SELECTOR, ".notice.ok").text
    check_page(d, "09-verifiee")


def test_questionnaire(server: str, browser: Any) -> None:
    d = browser
    d.get(server + "/questionnaire")
    check_page(d, "10-questionnaire")
    d.find_element(By.ID, "q-title_fr").send_keys("Comptes rendus des séances du conseil")
    field = d.find_element(By.ID, "q-step_count")
    field.clear()
    field.send_keys("2")
    submit(d, "Continuer")
    Select(d.find_element(By.ID, "q-steps-0-task")).select_by_value("speech-to-text")
    Select(d.find_element(By.ID, "q-steps-1-task")).select_by_value("text-generation")
    submit(d, "Continuer")
    for ident, value in (("q-steps-0-request-audio_seconds", "3h"),
                         ("q-steps-1-request-input_tokens", "40 pages"),
                         ("q-steps-1-request-output_tokens", "2 pages")):
        field = d.find_element(By.ID, ident)
        field.clear()
        field.send_keys(value)
    Select(d.find_element(By.ID, "q-volume-period")).select_by_value("evenement")
    d.find_element(By.ID, "q-volume_source").send_keys("120")  # not a source
    check_page(d, "11-questionnaire-etapes")
    submit(d, "Continuer")
    error = d.find_element(By.ID, "q-volume_source-erreur")
    assert "got '120'" in error.text
    source = d.find_element(By.ID, "q-volume_source")
    assert "q-volume_source-erreur" in (source.get_attribute("aria-describedby") or "")
    assert source.get_attribute("aria-invalid") == "true"
    check_page(d, "12-questionnaire-erreur")
    source.clear()
    source.send_keys("calendrier des séances 2025")
    field = d.find_element(By.ID, "q-volume-requests_per_day")  # now "per event"
    assert "événement" in d.find_element(
        By.CSS_SELECTOR, "label[for='q-volume-requests_per_day']").text
    field.clear()
    field.send_keys("1")
    events = d.find_element(By.ID, "q-volume-events_per_year")  # asked for a per-event volume
    events.clear()
    events.send_keys("10")
    submit(d, "Continuer")
    assert "Comptes rendus des séances du conseil" in d.find_element(By.TAG_NAME, "h1").text
    steps = d.find_element(By.CSS_SELECTOR, "dl.facts").text
    assert "transcription de la parole" in steps and "génération de texte" in steps
    row = d.find_element(By.XPATH, "//tr[th/code='volume.requests_per_day']")
    assert "sourcé" in row.text and "10 événements par an" in row.text
    check_page(d, "13-questionnaire-profil")


def test_bad_offer_shows_the_field_error(server: str, browser: Any, tmp_path: Path) -> None:
    d = browser
    d.get(server + "/")
    d.find_element(By.ID, "profil-transcription-seances").click()
    submit(d, "Utiliser ce profil")
    submit(d, "Continuer : charger les offres")
    bad = tmp_path / "offre-incomplete.yaml"
    bad.write_text("id: offre-b\nvendor: B\nmodel:\n  id: mistral-small-3\n", encoding="utf-8")
    d.find_element(By.ID, "offres").send_keys(str(bad))
    submit(d, "Ajouter ces fichiers")
    error = d.find_element(By.ID, "offres-erreur")
    # the CLI's line (after "Error: "), naming the file and the field, worded in French
    from click.testing import CliRunner

    from ia_empreinte import IaEmpreinteError, load_offer
    from ia_empreinte_cli.app import cli

    cli_line = CliRunner().invoke(cli, ["validate", "--kind", "offer", str(bad)]).output.strip()
    assert cli_line.startswith("Error: ")
    with pytest.raises(IaEmpreinteError) as caught:
        load_offer(bad)
    assert caught.value.one_line() == cli_line.removeprefix("Error: ")
    expected = caught.value.one_line("fr").replace(str(bad), bad.name)
    assert expected.startswith("offre-incomplete.yaml : deployment : champ obligatoire absent")
    assert expected in error.text
    field = d.find_element(By.ID, "offres")
    assert field.get_attribute("aria-describedby") == "offres-erreur"
    check_page(d, "14-offre-refusee")


def test_english_switch(server: str, browser: Any) -> None:
    d = browser
    d.get(server + "/")
    old = d.find_element(By.TAG_NAME, "html")
    d.find_element(By.LINK_TEXT, "English").click()
    WebDriverWait(d, 60).until(_gone(old))
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert d.find_element(By.TAG_NAME, "h1").text == "Describe the use of the AI service"
    check_page(d, "15-english")
    submit(d, "Use this profile")
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    # the switch on a page reached by a form posts the same state back
    old = d.find_element(By.TAG_NAME, "html")
    d.find_element(By.XPATH, "//button[@name='langue']").click()
    WebDriverWait(d, 60).until(_gone(old))
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    check_page(d, "16-profil-retour-fr")


def test_registry_page(tmp_path: Path, browser: Any) -> None:
    """The registry's search page and its results, checked like the journey's pages."""
    pytest.importorskip("sqlalchemy")
    from ia_empreinte.server import ServerSettings, running
    from tests.support.registry import make_registry

    url = make_registry(tmp_path)
    with running(ServerSettings(registry_url=url), compute_slots=1) as base:
        browser.get(base + "/registre")
        check_page(browser, "17-registre")
        task = browser.find_element(By.ID, "task")
        if task.tag_name == "select":
            Select(task).select_by_value("text-generation")
        else:
            task.send_keys("text-generation")
        submit(browser, "Rechercher")
        check_page(browser, "18-registre-resultats")
        assert "Nantes Métropole" in browser.page_source
        assert "Brouillon-sur-Loire" not in browser.page_source  # a draft stays hidden
