"""PDF (text extracted with pypdf), HTML (escaping, self-contained) and XLSX (read back)."""

from __future__ import annotations

import io
import re

import pytest

from ia_empreinte import CompareOptions, Consultation, Fiche, build_fiche, render_fiche
from ia_empreinte.render.document import fiche_document
from ia_empreinte.render.i18n import LABELS, LANGS, fmt, fmt_pct
from tests.support.compare import HOSTILE, example_inputs

OPTS = CompareOptions(draws=200, seed=9)


@pytest.fixture(scope="module")
def fiche() -> Fiche:
    profile, offers = example_inputs()
    return build_fiche(profile, offers, OPTS,  # type: ignore[arg-type]
                       Consultation(reference="2026-IA-014", lot="Lot 2 – Assistant"),
                       computed_on="2026-11-25",
                       command="ia-empreinte report p.yaml a.yaml b.yaml c.yaml -o fiche.json")


@pytest.fixture(scope="module")
def hostile() -> Fiche:
    profile, offers = example_inputs(HOSTILE)
    return build_fiche(profile, offers, CompareOptions(draws=20, seed=1),  # type: ignore[arg-type]
                       Consultation(reference="<b>ref</b> & \"lot\""))


@pytest.fixture(scope="module")
def pdfs(fiche: Fiche) -> dict[str, bytes]:
    return {lang: render_fiche(fiche, "x.pdf", lang) for lang in LANGS}  # type: ignore[arg-type]


def test_every_label_exists_in_both_languages() -> None:
    for key, texts in LABELS.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang].strip() for lang in LANGS), key


def test_french_number_formatting() -> None:
    assert fmt(1548.715) == "1\u00a0550"
    assert fmt(0.0441) == "0,0441"
    assert fmt(2.5) == "2,50"
    assert fmt(1.2e-9) == "1,20e-09"
    assert fmt(1548.715, "en") == "1,550"
    assert fmt_pct(0.915) == "92\u00a0%"
    assert fmt_pct(0.915, "en") == "92%"


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_has_every_section_title_and_headline_figure(
    fiche: Fiche, pdfs: dict[str, bytes], lang: str
) -> None:
    data = pdfs[lang]
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    doc = fiche_document(fiche, lang)  # type: ignore[arg-type]
    for section in doc.sections:
        assert section.title in text, section.title
    h = fiche.headlines
    for value in (h.best_p50, h.best_p05, h.best_p95):
        assert fmt(value, lang).replace("\u00a0", " ") in text  # type: ignore[arg-type]
    assert fmt(h.worst_to_best_ratio, lang, 2) in text  # type: ignore[arg-type]
    assert fmt_pct(h.p_best_beats_runner_up or 0, lang).replace("\u00a0", " ") in text  # type: ignore[arg-type]
    assert h.best_offer in text
    # The hash and the reproducibility command are printed.
    assert fiche.inputs_sha256 in text.replace(" ", "")
    assert "ia-empreinte report p.yaml a.yaml b.yaml c.yaml -o fiche.json --indicator" in text
    assert "ia-empreinte verify fiche.json" in text


def test_pdf_french_accents_survive(pdfs: dict[str, bytes]) -> None:
    text = _pdf_text(pdfs["fr"])
    for word in ("Synthèse", "Périmètre", "Équivalences", "Intégrité", "déterminants",
                 "Lot 2 – Assistant", "« mesuré »"):
        assert word in text, word


def test_pdf_is_reproducible(fiche: Fiche, pdfs: dict[str, bytes]) -> None:
    assert render_fiche(fiche, "x.pdf") == pdfs["fr"]


def test_html_is_self_contained_with_inline_charts(fiche: Fiche) -> None:
    page = render_fiche(fiche, "x.html").decode()
    assert page.startswith("<!DOCTYPE html>")
    assert page.count('src="data:image/png;base64,') == 3  # page 1, phases, distribution
    shown = page.split("</script>")[1]  # after the fiche's JSON data block
    assert "http://" not in shown and "https://" not in shown
    assert re.findall("<script[^>]*>", page) == [
        '<script type="application/json" id="ia-empreinte-fiche">'
    ]
    assert fiche.inputs_sha256 in page
    assert "ia-empreinte verify fiche.json" in page


def test_html_escapes_every_user_supplied_text(hostile: Fiche) -> None:
    page = render_fiche(hostile, "x.html").decode()
    assert page.count("<script") == 1  # the JSON data block, not executable
    assert "<script>" not in page
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;Co&#x27; "
        "&quot;quoted&quot;"
    ) in page
    assert "<b>ref</b>" not in page
    assert "&lt;b&gt;ref&lt;/b&gt; &amp; &quot;lot&quot;" in page


def test_markdown_escapes_user_supplied_markup(hostile: Fiche) -> None:
    md = render_fiche(hostile, "x.md").decode()
    assert "<script>" not in md
    assert "&lt;script&gt;" in md


def test_hostile_names_render_in_pdf(hostile: Fiche) -> None:
    text = _pdf_text(render_fiche(hostile, "x.pdf"))
    assert '<script>alert("x")</script>' in text


def test_xlsx_reads_back_with_one_row_per_offer(fiche: Fiche) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render_fiche(fiche, "x.xlsx")))
    assert wb.sheetnames == ["Grille", "Paires", "Paramètres", "Défauts", "Intégrité",
                             "fiche.json"]
    assert wb["fiche.json"].sheet_state == "hidden"
    grid = wb["Grille"]
    header = [c.value for c in grid[1]]
    assert header[:6] == ["Rang", "Offre", "Fournisseur", "Service", "Note",
                          "Probabilité d'être la plus sobre"]
    scored = "Émissions de GES (mix moyen du lieu d'hébergement) sur le contrat (kgCO2e) p50"
    assert scored in header
    col = header.index(scored)
    marks = {m.offer_id: m.mark for m in fiche.comparison.scores.marks}
    ranked = fiche.comparison.ranked()
    for i, o in enumerate(ranked, start=2):
        row = [c.value for c in grid[i]]
        assert row[0] == o.rank
        assert row[1] == o.offer_id
        # openpyxl writes 15 significant digits
        assert row[4] == pytest.approx(marks[o.offer_id], rel=1e-14)
        s = o.contract["gwp_kgco2e"]
        assert row[col - 1 : col + 2] == pytest.approx([s.p05, s.p50, s.p95], rel=1e-14)
    assert grid.cell(len(ranked) + 2, 1).value is None  # one row per offer, then a gap
    integrity = {r[0].value: r[1].value for r in wb["Intégrité"].iter_rows()}
    assert integrity["SHA-256 des entrées canoniques"] == fiche.inputs_sha256


def test_xlsx_in_english(fiche: Fiche) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render_fiche(fiche, "x.xlsx", "en")))
    assert wb.sheetnames == ["Grid", "Pairs", "Parameters", "Defaults", "Integrity",
                             "fiche.json"]
    assert wb["Grid"]["B1"].value == "Offer"
