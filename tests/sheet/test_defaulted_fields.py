"""The sheet lists, per offer, the fields that were defaulted and the default rule.

Real renderings: the HTML text, the PDF text extracted with pypdf and the XLSX read
back with openpyxl, in French (default) and English.
"""

from __future__ import annotations

import html
import io
import re

import pytest

from ia_empreinte import CompareOptions, Fiche, build_fiche, load_profile, parse_offer
from ia_empreinte.render.sheet import render_fiche
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"

DECLARED = {
    "id": "tout-declare",
    "model": {"total_params_b": 0.001, "precision": "bf16"},
    "deployment": {"accelerator": "cpu-server", "zone": "FR", "pue": 1.3,
                   "wue_l_per_kwh": 0.5, "hardware_lifetime_years": 5,
                   "server": "cpu-server-2s", "datacenter": "colocation-fr",
                   "batch_size": 4},
}
UNDECLARED = {
    "id": "peu-declare",
    "model": {"total_params_b": 0.001},
    "deployment": {"accelerator": "cpu-server"},
}


@pytest.fixture(scope="module")
def fiche() -> Fiche:
    profile = load_profile(FIXTURES / "engine" / "profile-tabular.yaml")
    offers = [parse_offer(DECLARED), parse_offer(UNDECLARED)]
    return build_fiche(profile, offers, CompareOptions(draws=20, seed=3))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def _html_text(data: bytes) -> str:
    return _flat(html.unescape(re.sub(r"<[^>]+>", " ", data.decode("utf-8"))))


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return _flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def test_the_fiche_data_lists_only_undeclared_fields(fiche: Fiche) -> None:
    rows = fiche.defaulted_fields
    assert {r.offer_id for r in rows} == {"peu-declare"}
    fields = {r.field: r for r in rows}
    # the tabular reference runs on a CPU: weight precision does not apply, so an
    # undeclared precision is not listed (it changes nothing)
    assert set(fields) == {
        "deployment.datacenter", "deployment.pue",
        "deployment.wue_l_per_kwh", "deployment.zone", "deployment.server",
        "deployment.hardware_lifetime_years", "deployment.batch_size",
    }
    assert fields["deployment.pue"].rule == "pue-class-high"
    assert fields["deployment.pue"].value == "2"  # high end of the unknown-hosting class
    assert fields["deployment.hardware_lifetime_years"].value == "4"
    assert all(r.source and r.rule_fr and r.rule_en for r in rows)


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_rendered_sheet_lists_the_defaults_in_french(fiche: Fiche, fmt: str) -> None:
    data = render_fiche(fiche, f"x.{fmt}")
    text = _html_text(data) if fmt == "html" else _pdf_text(data)
    assert "Champs non déclarés et valeurs par défaut appliquées" in text
    section = text[text.index("Champs non déclarés"):]
    assert "peu-declare" in section
    for rule in ("haut de la plage de PUE", "facteur par kWh le plus élevé",
                 "bas de la plage de durée de vie"):
        assert rule in section, rule
    # the fully declared offer has no row in the table of defaults
    table = section[:section.index("8. Preuves de mesure")]
    assert "tout-declare" not in table


def test_rendered_sheet_in_english(fiche: Fiche) -> None:
    text = _pdf_text(render_fiche(fiche, "x.pdf", "en"))
    assert "Undeclared fields and the defaults applied" in text
    assert "high end of the PUE range" in text


def test_xlsx_has_a_defaults_sheet(fiche: Fiche) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render_fiche(fiche, "x.xlsx")))
    rows = [[c.value for c in r] for r in wb["Défauts"].iter_rows()]
    assert rows[0] == ["Offre", "Champ", "Valeur", "Règle par défaut", "Source"]
    body = {(r[0], r[1]) for r in rows[1:]}
    assert ("peu-declare", "deployment.zone") in body
    assert not any(r[0] == "tout-declare" for r in rows[1:])


def test_task_dependent_defaults_follow_the_task() -> None:
    """Text generation lists the serving stack and the reasoning tokens; a task with
    architecture classes lists the architecture and the 32-bit default the engine uses;
    a component the profile does not use is not listed."""
    from ia_empreinte import estimate, shipped_profile

    offer = parse_offer({
        "id": "mixte",
        "model": {"total_params_b": 8},
        "deployment": {"accelerator": "nvidia-l4"},
        "components": [
            {"task": "speech-to-text", "model": {"total_params_b": 0.8},
             "deployment": {"accelerator": "nvidia-l4"}},
            {"task": "image-generation", "model": {"total_params_b": 2},
             "deployment": {"accelerator": "nvidia-l4"}},
        ],
    })
    chat = estimate(shipped_profile("chatbot-web-metropole"), offer, draws=20, seed=1)
    fields = {d.field: d for d in chat.defaulted_fields}
    assert fields["deployment.serving_stack"].rule == "serving-stack-both"
    assert fields["model.reasoning_tokens"].rule == "reasoning-none"
    assert fields["model.precision"].value == "bf16"
    assert not any(f.startswith("components[") for f in fields)
    speech = estimate(shipped_profile("transcription-seances"), offer, draws=20, seed=1)
    fields = {d.field: d for d in speech.defaulted_fields}
    assert fields["components[0].model.architecture"].rule == "architecture-costliest"
    assert fields["components[0].model.precision"].value == "fp32"
    assert not any(f.startswith("components[1]") for f in fields)  # not used here
    assert "components[0].deployment.serving_stack" not in fields  # not text generation
