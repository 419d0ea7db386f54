"""Renderers of a :class:`~ia_empreinte.execution.LogAudit`: table, JSON document, Parquet.

Pure functions from the audit to text or bytes (the CLI writes them). The JSON document
gives each group's figures in the estimate's JSON contract (``per_request``,
``per_year``, ``contract``, each indicator ``{p05, p50, p95, mean}``); the Parquet table
has one row per group (national, each partition field's values, each partition) with
the contract-period and per-request figures, and the metered columns on month rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from ia_empreinte.engine.log_groups import GroupEstimate
from ia_empreinte.execution import LogAudit
from ia_empreinte.render.estimate import render_estimate
from ia_empreinte.render.tabular import format_number, plain_line, render_json, render_text_table
from ia_empreinte.results import Summary

__all__ = ["audit_document", "render_audit", "render_audit_parquet"]

_STATS = ("p05", "p50", "p95", "mean")


def _iso(us: int) -> str:
    return dt.datetime.fromtimestamp(us / 10**6, dt.UTC).isoformat().replace("+00:00", "Z")


def _group_doc(g: GroupEstimate) -> dict[str, Any]:
    return {"level": g.level, "key": dict(g.key), "rows": g.rows, "first": _iso(g.first_us),
            "last": _iso(g.last_us), "estimate": g.estimate.model_dump(mode="json")}


def audit_document(a: LogAudit) -> dict[str, Any]:
    """The audit as one JSON-ready document (national first, then the groups)."""
    return {
        "kind": "usage-log-audit",
        "method": "re-estimate from the logged volumes (the engine's chain), not a "
                  "measurement",
        "files": a.files,
        "partition_fields": list(a.fields),
        "national": _group_doc(a.national),
        "groups": [_group_doc(g) for g in a.groups[1:]],
        "reconciliation": [
            {"month": r.month, "scope": r.scope, "deployments": list(r.deployments),
             "metered_kwh": r.metered_kwh,
             "estimated_kwh": {"p05": r.estimated_kwh_p05, "p50": r.estimated_kwh_p50,
                               "p95": r.estimated_kwh_p95},
             "ratio": {"p05": r.ratio_p05, "p50": r.ratio_p50, "p95": r.ratio_p95},
             "status": r.status, "basis": r.basis}
            for r in a.reconciliation],
    }


def _figures(g: GroupEstimate) -> dict[str, Summary]:
    e = g.estimate
    c, r = e.contract, e.per_request
    return {"energy_kwh": c.energy_kwh, "gwp_kgco2e": c.gwp_kgco2e, "water_l": c.water_l,
            "adpe_kgsbeq": c.adpe_kgsbeq, "pe_mj": c.pe_mj,
            "per_request_energy_wh": r.energy_wh, "per_request_gwp_kgco2e": r.gwp_kgco2e}


def render_audit_parquet(a: LogAudit) -> bytes:
    """One row per group: level, partition fields, rows, period, figures, metered."""
    by_month = {r.month: r for r in a.reconciliation}
    has_months = any(g.level == "month" for g in a.groups)
    cols: dict[str, list[Any]] = {"level": [], **{f: [] for f in a.fields}, "rows": [],
                                  "first": [], "last": []}
    for name in _figures(a.national):
        for s in _STATS:
            cols[f"{name}_{s}"] = []
    for extra in ("metered_kwh", "ratio_p05", "ratio_p50", "ratio_p95", "status"):
        cols[extra] = []
    for g in a.groups:
        key = dict(g.key)
        cols["level"].append(g.level)
        for f in a.fields:
            cols[f].append(key.get(f))
        cols["rows"].append(g.rows)
        cols["first"].append(g.first_us)
        cols["last"].append(g.last_us)
        for name, summary in _figures(g).items():
            for s in _STATS:
                cols[f"{name}_{s}"].append(getattr(summary, s))
        r = by_month.get(key["month"]) if g.level == "month" else None
        if g.level == "national" and len(by_month) == 1 and not has_months:
            r = next(iter(by_month.values()))  # a log within one month
        cols["metered_kwh"].append(None if r is None else r.metered_kwh)
        for s in ("p05", "p50", "p95"):
            cols[f"ratio_{s}"].append(None if r is None else getattr(r, f"ratio_{s}"))
        cols["status"].append(None if r is None else r.status)
    types = {"rows": pa.int64(), "first": pa.timestamp("us", tz="UTC"),
             "last": pa.timestamp("us", tz="UTC"), "metered_kwh": pa.float64(),
             "ratio_p05": pa.float64(), "ratio_p50": pa.float64(), "ratio_p95": pa.float64(),
             "status": pa.string(), "level": pa.string(), **dict.fromkeys(a.fields, pa.string())}
    table = pa.table({k: pa.array(v, types.get(k, pa.float64())) for k, v in cols.items()})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def _band(s: Summary) -> str:
    return f"{format_number(s.p50)} [{format_number(s.p05)}-{format_number(s.p95)}]"


_AUDIT_LABELS: dict[str, tuple[str, str]] = {
    "month": ("mois", "month"),
    "requests": ("requêtes", "requests"),
    "energy": ("énergie kWh p50 [p05-p95]", "energy kWh p50 [p05-p95]"),
    "gwp": ("GES kgCO2e p50 [p05-p95]", "gwp kgCO2e p50 [p05-p95]"),
    "by_month": ("par mois (ré-estimation à partir des volumes journalisés)",
                 "by month (re-estimated from the logged volumes)"),
    "scope": ("périmètre", "scope"),
    "metered": ("kWh mesurés", "metered kWh"),
    "estimated": ("kWh ré-estimés p50 [p05-p95]", "re-estimated kWh p50 [p05-p95]"),
    "ratio": ("mesuré / ré-estimé p50 [p05-p95]", "metered / re-estimated p50 [p05-p95]"),
    "flag": ("signal", "flag"),
    "above": ("au-dessus de l'intervalle", "above the band"),
    "below": ("en dessous de l'intervalle", "below the band"),
    "reconciliation": ("rapprochement avec l'énergie mesurée", "metered reconciliation"),
    "basis": ("énergie mesurée", "metered energy"),
    "facility": ("centre de données", "facility"),
    "it": ("informatique", "it"),
    "accelerators": ("accélérateurs", "accelerators"),
}
"""Labels of the audit's tables, French (default) and English."""


def render_audit(a: LogAudit, fmt: str, lang: str = "fr") -> str:
    """The audit in ``fmt``: ``json`` is the national estimate (the estimate's JSON
    contract), ``document`` the whole audit, ``table`` the national estimate then a
    table per month and the metered reconciliation; ``csv``/``markdown`` the national
    estimate. Tables in French by default, English with ``lang="en"``."""
    i = 0 if lang == "fr" else 1

    def t(key: str) -> str:
        return _AUDIT_LABELS[key][i]

    if fmt == "document":
        return render_json(audit_document(a))
    if fmt != "table":
        return render_estimate(a.national.estimate, fmt, lang)  # type: ignore[arg-type]
    out = [render_estimate(a.national.estimate, "table", lang)]  # type: ignore[arg-type]
    months = [g for g in a.groups if g.level == "month"]
    if months:
        rows = [{t("month"): dict(g.key)["month"], t("requests"): g.rows,
                 t("energy"): _band(g.estimate.contract.energy_kwh),
                 t("gwp"): _band(g.estimate.contract.gwp_kgco2e)}
                for g in months]
        out.append(t("by_month") + "\n\n" + render_text_table(rows, list(rows[0])))
    if a.reconciliation:
        rows = [{t("month"): r.month,
                 t("scope"): t(r.scope) if r.scope in _AUDIT_LABELS else r.scope,
                 t("metered"): format_number(r.metered_kwh),
                 t("estimated"): f"{format_number(r.estimated_kwh_p50)} "
                 f"[{format_number(r.estimated_kwh_p05)}-{format_number(r.estimated_kwh_p95)}]",
                 t("ratio"): f"{format_number(r.ratio_p50)} "
                 f"[{format_number(r.ratio_p05)}-{format_number(r.ratio_p95)}]",
                 t("flag"): "" if r.status == "within" else t(r.status)}
                for r in a.reconciliation]
        bases = sorted({r.basis for r in a.reconciliation})
        out.append(t("reconciliation") + "\n\n" + render_text_table(rows, list(rows[0]))
                   + "".join(f"  {t('basis')}: {plain_line(b)}\n" for b in bases))
    partitions = sum(1 for g in a.groups if g.level == "partition")
    out.append(f"{a.national.rows:,} requêtes dans {a.files} fichier(s) ; {partitions} "
               "partition(s)\n".replace(",", "\u202f") if lang == "fr" else
               f"{a.national.rows:,} requests in {a.files} file(s); {partitions} "
               "partition(s)\n")
    return "\n".join(out)
