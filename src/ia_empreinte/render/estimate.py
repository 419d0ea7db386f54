"""Renderers of an :class:`~ia_empreinte.results.Estimate`: JSON, CSV, Markdown, text table.

Pure functions from the result to text: they format, they never compute.
"""

from __future__ import annotations

from typing import Any

from ia_empreinte.render.i18n import Lang, caveat_text, cell, column
from ia_empreinte.render.tabular import format_number, render_csv, render_json, render_text_table
from ia_empreinte.results import Estimate, PeriodImpacts, RequestImpacts, Summary

__all__ = [
    "FORMATS",
    "estimate_rows",
    "render_estimate",
    "render_estimate_csv",
    "render_estimate_json",
    "render_estimate_markdown",
    "render_estimate_table",
]

FORMATS = ("table", "json", "csv", "markdown")
COLUMNS = ("section", "indicator", "detail", "unit", "p05", "p50", "p95", "mean")


def _row(section: str, indicator: str, detail: str, unit: str, s: Summary) -> dict[str, Any]:
    return {"section": section, "indicator": indicator, "detail": detail, "unit": unit,
            "p05": s.p05, "p50": s.p50, "p95": s.p95, "mean": s.mean}


def _impacts(section: str, imp: RequestImpacts | PeriodImpacts) -> list[dict[str, Any]]:
    if isinstance(imp, RequestImpacts):
        energy, by_comp, e_unit = imp.energy_wh, imp.energy_wh_by_component, "Wh"
    else:
        energy, by_comp, e_unit = imp.energy_kwh, imp.energy_kwh_by_component, "kWh"
    rows = [_row(section, "energy", "total", e_unit, energy)]
    rows += [_row(section, "energy", c, e_unit, s) for c, s in by_comp.items()]
    rows.append(_row(section, "gwp", "total", "kgCO2e", imp.gwp_kgco2e))
    rows += [_row(section, "gwp", p, "kgCO2e", s) for p, s in imp.gwp_kgco2e_by_phase.items()]
    rows.append(_row(section, "water", "total", "L", imp.water_l))
    # on-site (data-centre cooling, WUE) and off-site (electricity generation) water
    rows += [_row(section, "water", w, "L", s) for w, s in imp.water_l_by_scope.items()]
    rows.append(_row(section, "adpe", "total", "kgSbeq", imp.adpe_kgsbeq))
    rows.append(_row(section, "pe", "total", "MJ", imp.pe_mj))
    # use: facility electricity x the zone's primary-energy factor; embodied: manufacturing
    rows += [_row(section, "pe", p, "MJ", s) for p, s in imp.pe_mj_by_phase.items()]
    if isinstance(imp, PeriodImpacts):
        rows.append(_row(section, "requests", "total", "requests", imp.requests))
    return rows


def estimate_rows(est: Estimate) -> list[dict[str, Any]]:
    """Every figure of ``est`` as a flat row (section, indicator, detail, unit, p05...)."""
    rows = _impacts("per_request", est.per_request)
    rows += _impacts("per_year", est.per_year)
    rows += _impacts("contract", est.contract)
    t = est.training
    if t is not None:
        for name, unit, s in (
            ("energy per request", "Wh", t.per_request_energy_wh),
            ("gwp per request", "kgCO2e", t.per_request_gwp_kgco2e),
            ("energy contract", "kWh", t.contract_energy_kwh),
            ("gwp contract", "kgCO2e", t.contract_gwp_kgco2e),
        ):
            if s is not None:
                rows.append(_row("training", name.split()[0], " ".join(name.split()[1:]),
                                 unit, s))
    return rows


def render_estimate_json(est: Estimate) -> str:
    """The JSON output contract: one document, indented, sorted keys."""
    return render_json(est.model_dump(mode="json"))


def render_estimate_csv(est: Estimate) -> str:
    """One row per figure with its p05, p50, p95 and mean, full precision."""
    return render_csv(estimate_rows(est), COLUMNS)


def _provenance_lines(est: Estimate, lang: Lang = "en") -> list[str]:
    p = est.provenance
    if lang == "fr":
        methods = ", ".join(f"{cell(k, lang)} : {_METHOD_FR.get(v, v)}"
                            for k, v in p.methods.items())
        return [
            f"{p.tool} {p.tool_version} ; graine {p.seed} ; {p.draws} tirages",
            f"SHA-256 des entrées {p.inputs_sha256}",
            f"méthodes : {methods}",
            *(f"relevé de mesure SHA-256 {r}" for r in p.benchmark_records),
            *(f"données {name} SHA-256 {h}" for name, h in p.data_sha256.items()),
        ]
    methods = ", ".join(f"{k}: {v}" for k, v in p.methods.items())
    return [
        f"{p.tool} {p.tool_version}; seed {p.seed}; {p.draws} draws",
        f"inputs sha256 {p.inputs_sha256}",
        f"methods: {methods}",
        *(f"benchmark record sha256 {r}" for r in p.benchmark_records),
        *(f"data {name} sha256 {h}" for name, h in p.data_sha256.items()),
    ]


_METHOD_FR = {"modelled": "modélisé", "measured": "mesuré", "declared": "déclaré"}
_TEXT_COLUMNS = ("section", "indicator", "detail", "unit")


def _localised(rows: list[dict[str, Any]], lang: Lang) -> list[dict[str, Any]]:
    """The rows with their code cells and column names in ``lang``."""
    return [{column(k, lang): cell(v, lang) if k in _TEXT_COLUMNS else v
             for k, v in r.items()} for r in rows]


def render_estimate_markdown(est: Estimate, lang: Lang = "fr") -> str:
    """A Markdown report: one table per section, then caveats and provenance."""
    if lang == "fr":
        out = [f"# Empreinte de l'offre `{est.offer_id}` sur le profil `{est.profile_id}`", ""]
    else:
        out = [f"# Footprint of offer `{est.offer_id}` on profile `{est.profile_id}`", ""]
    rows = estimate_rows(est)
    cols = [column(c, lang) for c in ("indicator", "detail", "unit", "p05", "p50", "p95",
                                      "mean")]
    for section in dict.fromkeys(r["section"] for r in rows):
        title = cell(section, lang) if lang == "fr" else section
        out += [f"## {title.replace('_', ' ')}", "",
                "| " + " | ".join(cols) + " |",
                "|---|---|---|--:|--:|--:|--:|"]
        for r in rows:
            if r["section"] == section:
                nums = " | ".join(format_number(r[k]) for k in ("p05", "p50", "p95", "mean"))
                out.append(f"| {cell(r['indicator'], lang)} | {cell(r['detail'], lang)} "
                           f"| {cell(r['unit'], lang)} | {nums} |")
        out.append("")
    if est.caveats:
        out += ["## Avertissements" if lang == "fr" else "## Caveats", ""]
        if lang == "fr":
            out += [f"- {caveat_text(c.code, c.message, lang)}" for c in est.caveats]
        else:
            out += [f"- `{c.code}`: {c.message}" for c in est.caveats]
        out.append("")
    if est.defaulted_fields:
        out += ["## Defaulted fields", ""]
        out += [f"- `{d.field}` = {d.value}: {d.rule_en}" for d in est.defaulted_fields]
        out.append("")
    out += ["## Provenance", ""]
    out += [f"- {line}" for line in _provenance_lines(est, lang)]
    return "\n".join(out) + "\n"


def render_estimate_table(est: Estimate, lang: Lang = "fr") -> str:
    """A readable terminal table of the figures, then caveats and a provenance line."""
    if lang == "fr":
        head = f"offre {est.offer_id} sur le profil {est.profile_id}\n\n"
    else:
        head = f"offer {est.offer_id} on profile {est.profile_id}\n\n"
    table = render_text_table(_localised(estimate_rows(est), lang),
                              [column(c, lang) for c in COLUMNS[:-1]])
    lines = [head + table]
    if est.caveats:
        if lang == "fr":
            lines.append("avertissements :\n" + "".join(
                f"  {caveat_text(c.code, c.message, lang)}\n" for c in est.caveats))
        else:
            lines.append("caveats:\n" + "".join(f"  {c.code}: {c.message}\n"
                                                 for c in est.caveats))
    if est.defaulted_fields:
        if lang == "fr":
            lines.append("champs non déclarés, valeur par défaut publiée :\n" + "".join(
                f"  {d.field} = {d.value}\n" for d in est.defaulted_fields))
        else:
            lines.append("defaulted fields:\n" + "".join(
                f"  {d.field} = {d.value} ({d.rule})\n" for d in est.defaulted_fields))
    lines.append(_provenance_lines(est, lang)[0] + "\n")
    return "\n".join(lines)


def render_estimate(est: Estimate, fmt: str, lang: Lang = "fr") -> str:
    """Render ``est`` in ``fmt`` (one of :data:`FORMATS`); the table and markdown in
    ``lang`` (JSON and CSV keep their codes: they are the machine-readable contract)."""
    if fmt == "table":
        return render_estimate_table(est, lang)
    if fmt == "markdown":
        return render_estimate_markdown(est, lang)
    renderers = {"json": render_estimate_json, "csv": render_estimate_csv}
    return renderers[fmt](est)
