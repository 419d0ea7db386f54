"""The HTML sheet passes axe-core in a real headless Chromium: no serious or critical
violation (RGAA 4.1 relies on WCAG 2.1 AA, which axe-core checks).

Runs Chromium through selenium and the axe-core script shipped with
axe-selenium-python. Skipped only when no Chromium is installed (CI installs it).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from ia_empreinte import CompareOptions, Consultation, build_fiche
from ia_empreinte.render.sheet import render_fiche
from ia_empreinte.sheet import Fiche
from tests.support.compare import example_inputs

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None, reason="Chromium and chromedriver not installed"
)


@pytest.fixture(scope="module")
def fiche() -> Fiche:
    profile, offers = example_inputs()
    return build_fiche(profile, offers, CompareOptions(draws=60, seed=5),
                       Consultation(reference="2026-IA-014", lot="2", weight_pct=15),
                       computed_on="2026-11-30")


@pytest.fixture(scope="module")
def browser() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1024"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.set_script_timeout(120)
    yield driver
    driver.quit()


_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa",
                                                   "best-practice"]}}


def _axe(browser: Any, path: Path) -> dict[str, Any]:
    from axe_selenium_python import Axe

    browser.get(path.as_uri())
    Axe(browser).inject()  # the axe-core script shipped with axe-selenium-python
    result: dict[str, Any] = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"axe.run(document, {json.dumps(_OPTIONS)})"
        ".then(r => done(r)).catch(e => done({error: String(e)}));"
    )
    assert "error" not in result, result
    return result


def test_html_sheet_does_not_overflow_a_narrow_window(
    fiche: Fiche, browser: Any, tmp_path: Path
) -> None:
    """No column breaks out of the page (the parameters table used to)."""
    path = tmp_path / "fiche.html"
    path.write_bytes(render_fiche(fiche, path, "fr"))
    browser.set_window_size(800, 1000)
    try:
        browser.get(path.as_uri())
        width, scroll = browser.execute_script(
            "return [document.documentElement.clientWidth, "
            "document.documentElement.scrollWidth]")
    finally:
        browser.set_window_size(1280, 1024)
    assert scroll <= width


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_html_sheet_has_no_serious_or_critical_axe_violation(
    fiche: Fiche, browser: Any, tmp_path: Path, lang: str
) -> None:
    path = tmp_path / f"fiche.{lang}.html"
    path.write_bytes(render_fiche(fiche, path, lang))  # type: ignore[arg-type]
    result = _axe(browser, path)
    assert result["passes"], "axe-core ran no check"
    bad = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
           if v["impact"] in ("serious", "critical")]
    assert bad == []


def test_axe_finds_what_the_sheet_fixed(browser: Any, tmp_path: Path) -> None:
    """The harness can fail: a page with the defects the sheet used to have (light
    orange text, an image without text alternative) gets serious violations."""
    path = tmp_path / "bad.html"
    path.write_text(
        '<!DOCTYPE html><html lang="fr"><head><title>x</title></head><body><main>'
        '<h1>x</h1><p style="color:#e0a030;background:#fff">texte orange</p>'
        '<img src="data:image/png;base64,iVBORw0KGgo="></main></body></html>',
        encoding="utf-8",
    )
    ids = {v["id"] for v in _axe(browser, path)["violations"]
           if v["impact"] in ("serious", "critical")}
    assert {"color-contrast", "image-alt"} <= ids


def test_html_sheet_structure(fiche: Fiche) -> None:
    """Sub-headings are headings, tables have a caption and header scopes, charts say
    what they show, English passages are marked."""
    page = render_fiche(fiche, "x.html", "fr").decode()
    assert "<h3>" in page
    assert page.count("<table>") == page.count("<caption>")
    assert 'scope="col"' in page and 'scope="row"' in page
    alts = re.findall(r'<img alt="([^"]*)"', page)
    assert len(alts) == 3
    for alt in alts:
        assert re.search(r"\d", alt), alt  # the figures, not only the title
    assert ' lang="en"' in page
    assert "volume.<wbr>requests_<wbr>per_<wbr>day" in page  # wraps at word parts
    assert "overflow-wrap:anywhere}" not in page.split("th,td")[1].split("}")[0] + "}"


def test_parameter_sources_carry_their_own_language(fiche: Fiche) -> None:
    """The profile's rationale (written in French) is read as French after a French status
    word; a catalog source, published in English, is marked English cell by cell."""
    page = render_fiche(fiche, "x.html", "fr").decode()
    cell = re.search(r"<td>(hypothèse : 1[^<]*conversations[^<]*)</td>", page)
    assert cell, "the profile's source cell, untagged, with its French status word"
    assert "<td>assumed:" not in page  # (the embedded fiche data keeps its stored form)
    assert re.search(r'<td lang="en">[^<]*datasheet', page, re.I)
    english = render_fiche(fiche, "x.html", "en").decode()
    assert "assumed: 1" in english and '<td lang=' not in english
    assert "modèle du catalogue gpt-4o" in page
