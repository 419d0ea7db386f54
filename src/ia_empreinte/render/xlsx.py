"""XLSX analysis grid (openpyxl): one row per offer, indicators with p05–p95 bands, marks.

A buyer pastes the first sheet into the offer evaluation. Cells hold numbers (not
formatted text), so the grid can be re-sorted and re-computed in a spreadsheet. Other
sheets: pairwise probabilities, parameters, integrity (hash and commands), and the
canonical fiche in a hidden sheet (:mod:`ia_empreinte.render.embedded`).
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from ia_empreinte.render.document import parameter_source
from ia_empreinte.render.embedded import XLSX_CHUNK, XLSX_SHEET, embedded_json
from ia_empreinte.render.i18n import Lang, t
from ia_empreinte.render.tabular import is_formula_like
from ia_empreinte.scoring import formula_text
from ia_empreinte.sheet import Fiche
from ia_empreinte.sheet.command import report_command, verify_command

__all__ = ["grid_header", "render_fiche_xlsx"]

_FIGURES = (
    ("per_request", "energy_wh", "Wh"),
    ("per_request", "gwp_kgco2e", "kgCO2e"),
    ("per_year", "energy_kwh", "kWh"),
    ("per_year", "gwp_kgco2e", "kgCO2e"),
    ("per_year", "water_l", "L"),
    ("per_year", "adpe_kgsbeq", "kg Sb eq"),
    ("per_year", "pe_mj", "MJ"),
    ("contract", "energy_kwh", "kWh"),
    ("contract", "gwp_kgco2e", "kgCO2e"),
    ("contract", "water_l", "L"),
    ("contract", "adpe_kgsbeq", "kg Sb eq"),
    ("contract", "pe_mj", "MJ"),
)
_IND = {"energy_wh": "energy", "energy_kwh": "energy", "gwp_kgco2e": "gwp",
        "water_l": "water", "adpe_kgsbeq": "adpe", "pe_mj": "pe"}


def grid_header(lang: Lang = "fr") -> list[str]:
    """Column titles of the grid sheet."""
    head = [t("rank", lang), t("offer", lang), t("vendor", lang), t("service", lang),
            t("mark", lang), t("p_best", lang)]
    for scope, key, unit in _FIGURES:
        label = f"{t('ind_' + _IND[key], lang)} {t(scope, lang)} ({unit})"
        head += [f"{label} p05", f"{label} p50", f"{label} p95"]
    return head


def _append(ws: Any, values: list[Any]) -> None:
    """Append a row where every text is a text cell, never a formula.

    openpyxl turns a string starting with ``=`` into a formula; a vendor name such as
    ``=HYPERLINK(...)`` must stay text. Formula-like text is also marked with Excel's
    quote prefix, so editing the cell does not turn it into a formula either.
    Characters XML cannot hold (control characters) are dropped.
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if is_formula_like(cell.value):
                cell.quotePrefix = True


def render_fiche_xlsx(f: Fiche, lang: Lang = "fr") -> bytes:
    """The analysis grid of a fiche as XLSX bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    c = f.comparison
    marks = {m.offer_id: m.mark for m in c.scores.marks}
    wb = Workbook()
    fixed = datetime.datetime(2000, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "ia-empreinte"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEF5F8")

    def header(ws: Any, titles: list[str]) -> None:
        _append(ws, titles)
        for cell in ws[ws.max_row]:
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    grid = wb.active
    grid.title = "Grille" if lang == "fr" else "Grid"
    header(grid, grid_header(lang))
    for o in c.ranked():
        row: list[Any] = [o.rank, o.offer_id, o.vendor, o.service, marks[o.offer_id], o.p_best]
        for scope, key, _ in _FIGURES:
            s = getattr(o, scope)[key]
            row += [s.p05, s.p50, s.p95]
        _append(grid, row)
    grid.freeze_panes = "C2"
    for col in grid.iter_cols(min_row=1, max_row=1):
        grid.column_dimensions[col[0].column_letter].width = 16
    grid.row_dimensions[1].height = 60
    _append(grid, [])
    _append(grid, [t("method", lang), t("m_" + c.scores.method, lang)])
    _append(grid, [t("formula", lang), formula_text(c.scores.method, c.scores.points, lang)])
    _append(grid, [t("floor", lang), c.scores.floor.value, c.unit])
    _append(grid, [t("inputs_hash", lang), f.inputs_sha256])

    pairs = wb.create_sheet("Paires" if lang == "fr" else "Pairs")
    header(pairs, ["A", "B", t("p_a_lower", lang), "p05", "p50", "p95", c.unit])
    for pair in c.pairs:
        _append(pairs, [pair.a, pair.b, pair.p_a_lower, pair.gap.p05, pair.gap.p50, pair.gap.p95])

    params = wb.create_sheet("Paramètres" if lang == "fr" else "Parameters")
    header(params, [t("offer", lang), t("parameter", lang), t("value", lang), t("unit", lang),
                    t("status", lang), t("source", lang)])
    for p in f.parameters:
        source, _ = parameter_source(p.offer_id, p.source, lang)
        _append(params, [p.offer_id, p.name, p.value, p.unit, t("status_" + p.status, lang),
                       source])

    defaults = wb.create_sheet(t("defaults_sheet", lang))
    header(defaults, [t("offer", lang), t("field", lang), t("value", lang), t("rule", lang),
                      t("source", lang)])
    for dflt in f.defaulted_fields:
        _append(defaults, [dflt.offer_id, dflt.field, dflt.value, dflt.rule_fr if lang == "fr"
                           else dflt.rule_en, dflt.source])

    integrity = wb.create_sheet("Intégrité" if lang == "fr" else "Integrity")
    _append(integrity, [t("inputs_hash", lang), f.inputs_sha256])
    _append(integrity, [t("tool", lang), f"{f.tool} {f.tool_version}"])
    _append(integrity, [t("profile", lang), f.profile.id, f.profile.sha256])
    command = report_command(f.inputs, f.command)  # rebuilt, never the stored text
    _append(integrity, [t("reproduce", lang), command])
    _append(integrity, [t("verify", lang), verify_command(command)])
    for d in f.datasets:
        _append(integrity, [t("datasets", lang), d.id, d.sha256])

    # the canonical fiche, for ia-empreinte verify; cut in cells (32,767 characters each)
    data = wb.create_sheet(XLSX_SHEET)
    data.sheet_state = "hidden"
    text = embedded_json(f)
    for start in range(0, len(text), XLSX_CHUNK):
        cell = data.cell(row=start // XLSX_CHUNK + 1, column=1)
        cell.value = text[start : start + XLSX_CHUNK]
        cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
