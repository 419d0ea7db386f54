"""Walk the label tables of :mod:`ia_empreinte.render.i18n` and the French outputs.

Every label has a French and an English text with the same placeholders; no French
label carries an English word; every caveat code the engine can emit and every
sensitivity driver of the shipped examples has French words; and no English label
shows in the French sheet or the French CLI tables.
"""

from __future__ import annotations

import re
import string

import pytest
from click.testing import CliRunner

from ia_empreinte import CompareOptions, Consultation, build_fiche, compare
from ia_empreinte.render import i18n
from ia_empreinte.render.sheet import render_fiche
from ia_empreinte_cli.app import cli
from tests.conftest import ROOT
from tests.support.compare import example_inputs

TABLES = {
    "LABELS": i18n.LABELS, "COLUMNS": i18n.COLUMNS, "CELLS": i18n.CELLS,
    "CAVEATS": i18n.CAVEATS, "DRIVER_FIELDS": i18n.DRIVER_FIELDS,
    "UNIT_LABELS": i18n.UNIT_LABELS,
}
ENGLISH = {
    "the", "of", "and", "per", "request", "requests", "offer", "offers", "energy", "draws",
    "scored", "mark", "marks", "vendor", "with", "not", "embodied", "idle", "host",
    "contract", "year", "detail", "unit", "seed", "lowest", "highest", "band",
    "water", "default", "declared", "measured", "modelled", "profile", "server", "weight",
    "caveats", "driver", "drivers", "shared", "location", "based",
}
"""English words that never belong in a French label (short French homographs such as
« total », « source », « service », « mode », « note » are not listed)."""


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]+", text)}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_label_has_both_languages_and_the_same_placeholders(name: str) -> None:
    for key, texts in TABLES[name].items():
        assert set(texts) == {"fr", "en"}, (name, key)
        assert texts["fr"].strip() and texts["en"].strip(), (name, key)
        assert _fields(texts["fr"]) == _fields(texts["en"]), (name, key)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_no_french_label_has_an_english_word(name: str) -> None:
    for key, texts in TABLES[name].items():
        text = re.sub(r"\{[^}]*\}", "", texts["fr"])  # placeholders are code
        found = _words(text.replace("_", " ")) & ENGLISH
        assert not found, (name, key, found)


def test_every_caveat_code_of_the_engine_is_worded() -> None:
    codes: set[str] = set()
    for path in (ROOT / "src" / "ia_empreinte").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'code="([a-z0-9-]+)"', text))
        codes |= set(re.findall(r'"([a-z]+-factor-missing)"', text))
    assert codes and codes <= set(i18n.CAVEATS), codes - set(i18n.CAVEATS)


def test_every_driver_of_the_examples_is_worded() -> None:
    profile, offers = example_inputs()
    c = compare(profile, offers, CompareOptions(draws=80, seed=1))
    keys = {d.input for o in c.offers for d in o.drivers}
    keys |= {d.input for p in c.pairs for d in p.drivers}
    assert keys
    unknown = i18n.t("unknown_input", "fr")
    for key in keys:
        label = i18n.driver_label(key, "fr")
        assert unknown.lower() not in label.lower(), key
        assert "_" not in label.split(" (")[0], (key, label)


def _english_labels() -> list[str]:
    """English texts of the labels that differ from the French one, without their
    placeholders, long enough to be telling."""
    out = []
    for table in (i18n.LABELS, i18n.CAVEATS, i18n.DRIVER_FIELDS):
        for texts in table.values():
            if texts["en"] == texts["fr"]:
                continue
            for part in re.split(r"\{[^}]*\}", texts["en"]):
                part = part.strip(" .,:;()'")
                if len(part) >= 12 and _words(part) & ENGLISH:
                    out.append(part)
    return out


def test_no_english_label_in_the_french_sheet() -> None:
    profile, offers = example_inputs()
    fiche = build_fiche(profile, offers, CompareOptions(draws=60, seed=2),
                        Consultation(weight_pct=10), computed_on="2026-11-30")
    english = _english_labels()
    assert english
    for fmt in ("markdown", "html"):
        shown = render_fiche(fiche, fmt, "fr").decode()
        shown = re.sub(r"<script.*?</script>|<!--.*?-->|data:image/png;base64,[^\"]+", "",
                       shown, flags=re.S)
        shown = re.sub(r'<(td|p|th)[^>]* lang="en"[^>]*>.*?</\1>', "", shown, flags=re.S)
        for text in english:
            assert text not in shown, (fmt, text)
        assert "engine." not in shown and "location-based" not in shown


@pytest.mark.parametrize("args", [
    ["estimate", "profiles/chatbot-web-metropole.yaml", "examples/offers/frontier-api-us.yaml"],
    ["compare", "profiles/chatbot-web-metropole.yaml", "examples/offers/frontier-api-us.yaml",
     "examples/offers/open-mid-cloud-fr.yaml"],
])
def test_french_cli_tables_have_no_english_label(args: list[str]) -> None:
    args = [str(ROOT / a) if a.endswith(".yaml") else a for a in args]
    out = CliRunner().invoke(cli, [*args, "--draws", "40"], catch_exceptions=False).stdout
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith(("portée", "rang")))
    assert not _words(header.replace("_", " ")) & ENGLISH, header
    codes = {v["en"] for v in i18n.CELLS.values() if v["en"] != v["fr"]}
    table = [line.split() for line in lines if re.match(r"^(par_|contrat|\s+\d)", line)]
    assert table
    for cells in table:
        assert not set(cells) & codes, cells
    english = CliRunner().invoke(cli, [*args, "--draws", "40", "--lang", "en"],
                                 catch_exceptions=False).stdout
    assert english != out
