"""XLSX analysis grid (openpyxl): one row per offer, indicators with p05–p95 bands, marks.

A buyer pastes the first sheet into the offer evaluation. Cells hold numbers (not
formatted text), so the grid can be re-sorted and re-computed in a spreadsheet. Other
sheets: pairwise probabilities, parameters, and integrity (hash and commands).
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from ia_empreinte.render.i18n import LABELS, Lang, t
from ia_empreinte.scoring import formula_text
from ia_empreinte.sheet import Fiche

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
        ws.append(titles)
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
        grid.append(row)
    grid.freeze_panes = "C2"
    for col in grid.iter_cols(min_row=1, max_row=1):
        grid.column_dimensions[col[0].column_letter].width = 16
    grid.row_dimensions[1].height = 60
    grid.append([])
    grid.append([t("method", lang), t("m_" + c.scores.method, lang)])
    grid.append([t("formula", lang), formula_text(c.scores.method, c.scores.points, lang)])
    grid.append([t("floor", lang), c.scores.floor.value, c.unit])
    grid.append([t("inputs_hash", lang), f.inputs_sha256])

    pairs = wb.create_sheet("Paires" if lang == "fr" else "Pairs")
    header(pairs, ["A", "B", t("p_a_lower", lang), "p05", "p50", "p95", c.unit])
    for pair in c.pairs:
        pairs.append([pair.a, pair.b, pair.p_a_lower, pair.gap.p05, pair.gap.p50, pair.gap.p95])

    params = wb.create_sheet("Paramètres" if lang == "fr" else "Parameters")
    header(params, [t("offer", lang), t("parameter", lang), t("value", lang), t("unit", lang),
                    t("status", lang), t("source", lang)])
    for p in f.parameters:
        source = t("src_" + p.source, lang) if "src_" + p.source in LABELS else p.source
        params.append([p.offer_id, p.name, p.value, p.unit, t("status_" + p.status, lang),
                       source])

    integrity = wb.create_sheet("Intégrité" if lang == "fr" else "Integrity")
    integrity.append([t("inputs_hash", lang), f.inputs_sha256])
    integrity.append([t("tool", lang), f"{f.tool} {f.tool_version}"])
    integrity.append([t("profile", lang), f.profile.id, f.profile.sha256])
    integrity.append([t("reproduce", lang), f.command])
    integrity.append([t("verify", lang), "ia-empreinte verify fiche.json"])
    for d in f.datasets:
        integrity.append([t("datasets", lang), d.id, d.sha256])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
