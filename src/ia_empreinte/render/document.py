"""The content of a report as a neutral document: sections of paragraphs, tables, charts.

The markdown, HTML and PDF renderers all draw the same :class:`Document`, so the three
formats say the same thing in the same order and the section titles a test looks for
are the same everywhere. Building the document only formats numbers already computed
(in the :class:`~ia_empreinte.comparison.Comparison` and the
:class:`~ia_empreinte.sheet.Fiche`); it never computes a figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ia_empreinte import scoring
from ia_empreinte.comparison import Comparison, Driver
from ia_empreinte.equivalents import equivalents_of
from ia_empreinte.render.figures import (
    DistributionSpec,
    PhaseBarsSpec,
    chart_alt,
    distribution_spec,
    phase_bars_spec,
)
from ia_empreinte.render.i18n import (
    GLOSSARY,
    LABELS,
    Lang,
    caveat_line,
    driver_label,
    fmt,
    fmt_band,
    fmt_pct,
    fmt_q,
    parameter_label,
    parameter_value,
    t,
    unit_label,
    unit_scale,
)
from ia_empreinte.results import Summary
from ia_empreinte.scoring import formula_text
from ia_empreinte.sheet import BOUNDARY_STAGES, Fiche
from ia_empreinte.sheet.command import report_command, verify_command
from ia_empreinte.sheet.jury import Reason

__all__ = [
    "Bullets",
    "Chart",
    "Code",
    "Document",
    "Heading",
    "KeyValues",
    "Para",
    "Section",
    "Table",
    "comparison_document",
    "fiche_document",
    "parameter_source",
    "reason_text",
]


@dataclass(frozen=True)
class Para:
    """A paragraph; ``banner`` for the warning the jury must see first, ``lang`` when the
    text is in another language than the document (an English protocol, a source)."""

    text: str
    strong: bool = False
    banner: bool = False
    lang: str = ""


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a section (HTML ``h3``)."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A bulleted list."""

    items: list[str]


@dataclass(frozen=True)
class KeyValues:
    """Label: value lines."""

    items: list[tuple[str, str]]


@dataclass(frozen=True)
class Table:
    """A table of text cells; ``numeric`` columns are right-aligned.

    ``caption`` titles the table (HTML ``caption``); the first cell of each row heads
    the row when ``row_headers``; ``foreign`` marks the columns whose text is in
    another language (``en``: catalog sources, protocols written in English).
    """

    header: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    caption: str = ""
    row_headers: bool = False
    foreign: list[str] | None = None
    cell_langs: list[list[str]] | None = None
    """Per cell, its language where it differs from the document's (overrides
    ``foreign``): a column that mixes French profile texts and English catalog sources."""


@dataclass(frozen=True)
class Code:
    """A command or a hash, shown verbatim."""

    text: str


@dataclass(frozen=True)
class Chart:
    """A chart, its caption and its text alternative (what the chart shows, in words)."""

    spec: PhaseBarsSpec | DistributionSpec
    caption: str
    alt: str = ""
    small: bool = False


Block = Para | Heading | Bullets | KeyValues | Table | Code | Chart


@dataclass(frozen=True)
class Section:
    """A titled section."""

    title: str
    blocks: list[Block]
    page_break_after: bool = False


@dataclass(frozen=True)
class Document:
    """A whole report."""

    title: str
    subtitle: str
    lang: Lang
    sections: list[Section] = field(default_factory=list)


_PER_REQUEST_KEYS = ("energy_wh", "gwp_kgco2e", "water_l", "adpe_kgsbeq", "pe_mj")
_PERIOD_KEYS = ("energy_kwh", "gwp_kgco2e", "water_l", "adpe_kgsbeq", "pe_mj")
_UNITS = {
    "energy_wh": "Wh",
    "energy_kwh": "kWh",
    "gwp_kgco2e": "kgCO2e",
    "water_l": "L",
    "adpe_kgsbeq": "kgSbeq",
    "pe_mj": "MJ",
}
_IND = {
    "energy_wh": "energy",
    "energy_kwh": "energy",
    "gwp_kgco2e": "gwp",
    "water_l": "water",
    "adpe_kgsbeq": "adpe",
    "pe_mj": "pe",
}


def _cell(s: object, lang: Lang, size: float = 1.0) -> str:
    assert isinstance(s, Summary)
    return (f"{fmt(s.p50 / size, lang)} "
            f"({fmt_band(s.p05 / size, s.p95 / size, lang)})")


def _methods(methods: dict[str, str], lang: Lang) -> str:
    """``modelled: accelerators, host; measured: ...`` grouped by method."""
    by_method: dict[str, list[str]] = {}
    for component, method in sorted(methods.items()):
        by_method.setdefault(method, []).append(
            t("comp_" + component, lang) if "comp_" + component in LABELS else component
        )
    sep = " : " if lang == "fr" else ": "
    return "; ".join(
        f"{t('method_' + m, lang) if 'method_' + m in LABELS else m}{sep}{', '.join(parts)}"
        for m, parts in sorted(by_method.items())
    )


def _sep(lang: Lang) -> str:
    return " : " if lang == "fr" else ": "


def _indicator_tables(c: Comparison, lang: Lang) -> list[Block]:
    blocks: list[Block] = [Para(f"{t('median', lang)} ({t('band', lang)}).")]
    header = [t("indicator", lang)] + [o.offer_id for o in c.offers]
    for scope, keys in (
        ("per_request", _PER_REQUEST_KEYS),
        ("per_year", _PERIOD_KEYS),
        ("contract", _PERIOD_KEYS),
    ):
        rows = []
        for k in keys:
            figures = [getattr(o, scope)[k] for o in c.offers]
            size, symbol = unit_scale(_UNITS[k], [f.p50 for f in figures], lang)
            rows.append([f"{t('ind_' + _IND[k], lang)} ({symbol})"]
                        + [_cell(f, lang, size) for f in figures])
        requests = [o.per_year["requests"] if scope == "per_year" else
                    o.contract["requests"] for o in c.offers] if scope != "per_request" else []
        if requests:
            rows.append([f"{t('ind_requests', lang)} ({unit_label('requests', lang)})"]
                        + [_cell(r, lang) for r in requests])
        blocks.append(Heading(t(scope, lang).capitalize()))
        blocks.append(Table(header, rows, [False] + [True] * len(c.offers),
                            caption=t("cap_indicators", lang, scope=t(scope, lang)),
                            row_headers=True))
    spec = phase_bars_spec(c, lang)
    blocks.append(Chart(spec, t("fig_phases_caption", lang), chart_alt(spec, lang)))
    return blocks


def _floor_text(c: Comparison, lang: Lang) -> str:
    f = c.scores.floor
    if f.basis == "none":
        return t("floor_none", lang)
    if f.basis == "median_fraction":
        return t("floor_median", lang, value=fmt(f.value, lang), unit=c.unit,
                 pct=fmt_pct(f.fraction or 0.0, lang))
    return t("floor_abs", lang, value=fmt(f.value, lang), unit=c.unit)


def _mark(value: float, lang: Lang) -> str:
    return f"{value:.2f}".replace(".", "," if lang == "fr" else ".")


def _ranking_blocks(c: Comparison, lang: Lang) -> list[Block]:
    marks = {m.offer_id: m for m in c.scores.marks}
    scored_label = f"{t('ind_' + c.indicator, lang)} {t(c.scope, lang)} ({c.unit})"
    rows = []
    for o in c.ranked():
        m = marks[o.offer_id]
        rows.append([
            str(o.rank),
            o.offer_id,
            o.vendor,
            fmt(o.scored.p50, lang),
            fmt_band(o.scored.p05, o.scored.p95, lang),
            fmt_pct(o.p_best, lang),
            fmt(m.scored_value, lang),
            _mark(m.mark, lang) + f" / {c.scores.points:g}",
        ])
    blocks: list[Block] = [
        KeyValues([
            (t("method", lang), t("m_" + c.scores.method, lang)),
            (t("formula", lang), formula_text(c.scores.method, c.scores.points, lang)),
            (t("floor", lang), _floor_text(c, lang)),
        ]),
        Heading(scored_label),
        Table(
            [t("rank", lang), t("offer", lang), t("vendor", lang), t("median", lang),
             t("band", lang), t("p_best", lang), t("scored_value", lang), t("mark", lang)],
            rows,
            [True, False, False, True, True, True, True, True],
            caption=t("cap_ranking", lang),
        ),
        Para(t("scores_note", lang)),
    ]
    if c.scores.floor.floored:
        blocks.append(Heading(t("floored", lang)))
        blocks.append(Bullets(list(c.scores.floor.floored)))
    if c.pairs:
        blocks.append(Heading(t("pairs", lang)))
        blocks.append(
            Table(
                [t("pair", lang), t("p_a_lower", lang), t("gap", lang), t("band", lang)],
                [[f"{p.a} / {p.b}", fmt_pct(p.p_a_lower, lang), fmt(p.gap.p50, lang),
                  fmt_band(p.gap.p05, p.gap.p95, lang)] for p in c.pairs],
                [False, True, True, True],
                caption=t("pairs", lang),
                row_headers=True,
            )
        )
    spec = distribution_spec(c, lang)
    blocks.append(Chart(spec, t("fig_dist_caption", lang), chart_alt(spec, lang)))
    return blocks


def _driver_table(drivers: list[Driver], lang: Lang, caption: str) -> Block:
    if not drivers:
        return Para(t("no_drivers", lang))
    return Table(
        [t("input", lang), t("spearman", lang), t("swing_low", lang), t("swing_high", lang)],
        [[driver_label(d.input, lang),
          f"{d.spearman:+.2f}".replace(".", "," if lang == "fr" else "."),
          fmt(d.low, lang), fmt(d.high, lang)] for d in drivers],
        [False, True, True, True],
        caption=caption,
        row_headers=True,
    )


def _uncertainty_blocks(c: Comparison, lang: Lang) -> list[Block]:
    blocks: list[Block] = [Para(t("uncertainty_text", lang, draws=c.draws, seed=c.seed))]
    for o in c.offers:
        title = t("drivers_of", lang, offer=o.offer_id)
        blocks.append(Heading(title))
        blocks.append(_driver_table(o.drivers, lang, title))
    for p in c.pairs:
        title = t("drivers_gap", lang, a=p.a, b=p.b)
        blocks.append(Heading(title))
        blocks.append(_driver_table(p.drivers, lang, title))
    return blocks


def comparison_document(c: Comparison, lang: Lang = "fr") -> Document:
    """The comparison alone (``compare --format markdown``): indicators, ranking, drivers."""
    return Document(
        title=t("comparison_title", lang),
        subtitle=f"{t('profile', lang)}{_sep(lang)}{c.profile_id}",
        lang=lang,
        sections=[
            Section(t("s_results", lang), _indicator_tables(c, lang)),
            Section(t("s_ranking", lang), _ranking_blocks(c, lang)),
            Section(t("s_uncertainty", lang), _uncertainty_blocks(c, lang)),
        ],
    )


def _name(o: object) -> str:
    """An offer as the jury knows it: its vendor's name, else its id."""
    vendor = getattr(o, "vendor", "")
    return vendor or getattr(o, "offer_id", "")


def _measured(f: Fiche) -> str:
    """``none``, ``partly`` or ``all``: how much of the figures comes from measurement."""
    methods = [m for o in f.comparison.offers for m in o.methods.values()]
    if not any(m == "measured" for m in methods):
        return "none"
    return "all" if all(m == "measured" for m in methods) else "partly"


def method_advice(values: list[float], lang: Lang) -> str | None:
    """The scoring method the DAJ guidance points to for ``values`` and why.

    The single call site of :func:`ia_empreinte.scoring.recommend_method` (the
    consultation-kit work); None when this version of :mod:`ia_empreinte.scoring` has
    no such function.
    """
    recommend = getattr(scoring, "recommend_method", None)
    if recommend is None or not values:
        return None
    advice = recommend(values)
    return t("p1_method_advice", lang, method=t("m_" + advice.method, lang),
             reason=advice.reason(lang))


def reason_text(r: Reason, f: Fiche, lang: Lang) -> str:
    """One of page 1's reasons, worded in ``lang`` (also the web page's jury summary)."""
    names = {o.offer_id: _name(o) for o in f.comparison.offers}
    v = r.values
    offer, other = names.get(r.offer_id, r.offer_id), names.get(r.other_id, r.other_id)
    if r.code == "zone_grid":
        return t("r_zone_grid", lang, zone=v["zone"], offer=offer, other=other,
                 factor=fmt(float(v["factor"]), lang), other_zone=v["other_zone"],
                 other_factor=fmt(float(v["other_factor"]), lang),
                 ratio=fmt(float(v["ratio"]), lang, 2))
    if r.code == "dedicated_idle":
        return t("r_dedicated_idle", lang, offer=offer, share=fmt_pct(float(v["share"]), lang))
    if r.code == "model_size":
        return t("r_model_size", lang, offer=offer, other=other,
                 params=fmt(float(v["params"]), lang), hardware=v["hardware"],
                 other_params=fmt(float(v["other_params"]), lang),
                 other_hardware=v["other_hardware"])
    return t("r_gap_driver", lang, offer=offer, other=other,
             input=driver_label(str(v["input"]), lang).lower()
             if lang == "fr" else driver_label(str(v["input"]), lang))


def _summary_chart(c: Comparison, lang: Lang) -> Chart:
    spec = phase_bars_spec(c, lang, names={o.offer_id: _name(o) for o in c.offers},
                           ranked=True, scaled=True,
                           title=t("fig_summary", lang, indicator=t("ind_" + c.indicator, lang),
                                   scope=t(c.scope, lang)))
    return Chart(spec, t("fig_summary_caption", lang), chart_alt(spec, lang), small=True)


def _summary(f: Fiche, lang: Lang) -> Section:
    c = f.comparison
    h = f.headlines
    scope = t(c.scope, lang)
    ind = t("ind_" + c.indicator, lang)
    weight = f.inputs.consultation.weight_pct
    marks = {m.offer_id: m for m in c.scores.marks}
    ranked = c.ranked()
    best = ranked[0]
    blocks: list[Block] = []
    measured = _measured(f)
    if measured == "none":
        blocks.append(Para(t("banner_modelled", lang), strong=True, banner=True))
    elif measured == "partly":
        blocks.append(Para(t("banner_partly", lang), strong=True, banner=True))

    def weighted(mark: float) -> float:
        assert weight is not None
        return mark / c.scores.points * weight if c.scores.points > 0 else 0.0

    w_text = (t("p1_weighted", lang, points=_mark(weighted(marks[best.offer_id].mark), lang),
                weight=f"{weight:g}") if weight is not None else "")
    blocks.append(Para(t("p1_winner", lang, vendor=_name(best),
                         mark=_mark(marks[best.offer_id].mark, lang),
                         points=f"{c.scores.points:g}", weighted=w_text), strong=True))
    blocks.append(Para(t("p1_value", lang, indicator=ind, scope=scope,
                         value=fmt_q(h.best_p50, c.unit, lang),
                         low=fmt_q(h.best_p05, c.unit, lang),
                         high=fmt_q(h.best_p95, c.unit, lang))))
    worst = ranked[-1]
    if len(ranked) > 1:
        gap = worst.contract["gwp_kgco2e"].p50 - best.contract["gwp_kgco2e"].p50
        eq = equivalents_of("gwp", abs(gap))
        if eq:
            e = eq[0]
            blocks.append(Para(t(
                "p1_gap", lang, best=_name(best), worst=_name(worst),
                gap=fmt_q(gap, "kgCO2e", lang),
                equivalent=f"{fmt(e.count, lang, 2)} {e.unit_fr if lang == 'fr' else e.unit_en}",
            )))
    if h.runner_up is not None and h.p_best_beats_runner_up is not None:
        runner = next(o for o in c.offers if o.offer_id == h.runner_up)
        blocks.append(Para(t("p1_prob", lang, best=_name(best), runner=_name(runner),
                             p=fmt_pct(h.p_best_beats_runner_up, lang))))
    size, symbol = unit_scale(c.unit, [o.scored.p50 for o in ranked], lang)
    header = [t("rank", lang), t("vendor", lang), t("offer", lang),
              t("value_col", lang, indicator=t("short_" + c.indicator, lang), scope=scope)
              + f" ({symbol})",
              t("mark_col", lang, points=f"{c.scores.points:g}")]
    if weight is not None:
        header.append(t("weighted_col", lang, weight=f"{weight:g}"))
    rows = []
    for o in ranked:
        row = [str(o.rank), _name(o), o.offer_id, fmt(o.scored.p50 / size, lang),
               f"{_mark(marks[o.offer_id].mark, lang)} / {c.scores.points:g}"]
        if weight is not None:
            row.append(_mark(weighted(marks[o.offer_id].mark), lang))
        rows.append(row)
    blocks.append(Table(header, rows, [True, False, False, True, True]
                        + ([True] if weight is not None else []),
                        caption=t("p1_table", lang)))
    blocks.append(_summary_chart(c, lang))
    if f.reasons:
        blocks.append(Heading(t("p1_reasons", lang)))
        blocks.append(Bullets([reason_text(r, f, lang) for r in f.reasons]))
    advice = method_advice([o.scored.p50 for o in c.offers], lang)
    if advice:
        blocks.append(Para(advice))
    blocks.append(Heading(t("h_assumptions", lang)))
    blocks.append(Bullets([
        t("a_profile", lang, profile=f.profile.id),
        t("a_scope", lang, indicator=ind, scope=scope, draws=c.draws),
        t("a_method", lang, formula=formula_text(c.scores.method, c.scores.points, lang),
          floor=fmt_q(c.scores.floor.value, c.unit, lang), unit="").rstrip(" ."),
        t("a_training", lang),
    ]))
    blocks.append(Para(t("warning", lang), strong=True))
    return Section(t("s_summary", lang), blocks, page_break_after=True)


def _defaulted_blocks(f: Fiche, lang: Lang) -> list[Block]:
    """Per offer, the fields not declared, the value used and the default rule."""
    blocks: list[Block] = [Heading(t("defaulted_title", lang)),
                           Para(t("defaulted_intro", lang))]
    if not f.defaulted_fields:
        return [*blocks, Para(t("defaulted_none", lang))]
    rows = [[d.offer_id, d.field, d.value, d.rule_fr if lang == "fr" else d.rule_en,
             d.source] for d in f.defaulted_fields]
    return [*blocks, Table([t("offer", lang), t("field", lang), t("value", lang),
                            t("rule", lang), t("source", lang)], rows,
                           [False, False, False, False, False],
                           caption=t("defaulted_title", lang))]


def _materiality(f: Fiche, lang: Lang) -> Section | None:
    m = f.materiality
    if m is None:
        return None
    threshold = f"{m.threshold_kgco2e / 1000:g}\u00a0t CO2e".replace(
        ".", "," if lang == "fr" else ".")
    blocks: list[Block] = [
        Para(t("mat_stakes", lang, best=fmt_q(m.best_contract_kgco2e, "kgCO2e", lang),
               worst=fmt_q(m.worst_contract_kgco2e, "kgCO2e", lang),
               gap=fmt_q(m.gap_kgco2e, "kgCO2e", lang))),
    ]
    if m.weight_pct is not None:
        blocks.append(Para(t("mat_weight", lang, weight=fmt_pct(m.weight_pct / 100, lang))))
    blocks.append(Para(t("mat_below" if m.below_threshold else "mat_above", lang,
                         threshold=threshold), strong=m.below_threshold))
    blocks.append(Para(t("mat_basis", lang)))
    return Section(t("s_materiality", lang), blocks)


def _boundary(lang: Lang) -> list[Block]:
    rows = [[t("st_" + stage, lang), t("el_" + element, lang), t("cov_" + covered, lang),
             t("el_" + how, lang)] for stage, element, covered, how in BOUNDARY_STAGES]
    return [Table([t("stage", lang), t("element", lang), t("covered", lang), t("how", lang)],
                  rows, [False, False, False, False], caption=t("boundary_caption", lang),
                  row_headers=True)]


def _sci(f: Fiche, lang: Lang) -> list[Block]:
    if not f.sci:
        return [Para(t("sci_text", lang))]
    e_size, e_sym = unit_scale("Wh", [1000 * s.energy_kwh for s in f.sci], lang)
    m_size, m_sym = unit_scale("kgCO2e", [s.embodied_gco2e / 1000 for s in f.sci], lang)
    s_size, s_sym = unit_scale("kgCO2e", [s.sci_gco2e / 1000 for s in f.sci], lang)
    names = {o.offer_id: _name(o) for o in f.comparison.offers}
    return [
        Para(t("sci_text", lang)),
        Table(
            [t("offer", lang), f"{t('sci_e', lang)} ({e_sym})", t("sci_i", lang),
             f"{t('sci_m', lang)} ({m_sym})", f"{t('sci_score', lang)} ({s_sym})"],
            [[f"{names.get(s.offer_id, s.offer_id)} ({s.offer_id})",
              fmt(1000 * s.energy_kwh / e_size, lang),
              fmt(s.intensity_gco2e_per_kwh, lang),
              fmt(s.embodied_gco2e / 1000 / m_size, lang),
              fmt(s.sci_gco2e / 1000 / s_size, lang)] for s in f.sci],
            [False, True, True, True, True],
            caption=t("sci_caption", lang),
            row_headers=True,
        ),
    ]


def _glossary(lang: Lang) -> list[Block]:
    return [Table([t("g_term", lang), t("g_meaning", lang)],
                  [[t(f"g_{g}", lang), t(f"g_{g}_def", lang)] for g in GLOSSARY],
                  [False, False], caption=t("s_glossary", lang), row_headers=True)]


_BASIS_WORDS = {"assumed": {"fr": "hypothèse", "en": "assumed"},
                "sourced": {"fr": "source", "en": "sourced"}}
"""The status of a profile number, as the parameters table words it."""


def parameter_source(offer_id: str, source: str, lang: Lang) -> tuple[str, str]:
    """A parameter's source cell and its language where it is not the document's.

    Our own words (``offer``, ``profile``...) are translated; a profile number's
    ``status: text`` keeps the buyer's text (the shipped profiles are written in French)
    after the status word; a catalog source stays as published (English), tagged so in a
    French document.
    """
    if "src_" + source in LABELS:
        return t("src_" + source, lang), ""
    status, sep, text = source.partition(": ")
    if offer_id == "profile" and sep and status in _BASIS_WORDS:
        word = _BASIS_WORDS[status][lang]
        return (f"{word} : {text}" if lang == "fr" else f"{word}: {text}"), ""
    if source.startswith("catalog model ") and lang == "fr":
        return f"modèle du catalogue {source.removeprefix('catalog model ')}", ""
    return source, "en" if lang == "fr" else ""


def fiche_document(f: Fiche, lang: Lang = "fr", *, accessible_note: bool = False) -> Document:
    """The full procurement sheet: every section of :mod:`ia_empreinte.sheet`.

    ``accessible_note`` adds, in the integrity section, the sentence that the HTML is
    the accessible version (the PDF renderer asks for it).
    """
    c = f.comparison
    cons = f.inputs.consultation
    ng = t("not_given", lang)
    offers = f.inputs.offers
    ident = KeyValues([
        (t("consultation", lang), cons.reference or ng),
        (t("lot", lang), cons.lot or ng),
        (t("buyer", lang), cons.buyer or ng),
        (t("date", lang), f.computed_on or ng),
        (t("tool", lang), f"{f.tool} {f.tool_version}"),
        (t("draws", lang), str(c.draws)),
        (t("seed", lang), str(c.seed)),
    ])
    bidders = Table(
        [t("offer", lang), t("vendor", lang), t("service", lang), t("methods", lang)],
        [[o.id, o.vendor, o.service, _methods(fo.methods, lang)]
         for o, fo in zip(offers, c.offers, strict=True)],
        [False, False, False, False],
        caption=t("cap_bidders", lang),
        row_headers=True,
    )
    datasets = Table(
        [t("datasets", lang), "SHA-256"],
        [[d.id, d.sha256] for d in f.datasets],
        [False, False],
        caption=t("cap_datasets", lang),
        row_headers=True,
    )
    unit = KeyValues([
        (t("profile", lang), f"{f.profile.id} (v{f.profile.version}) "
         + (f.profile.title_fr if lang == "fr" else f.profile.title)),
        (t("profile_hash", lang), f.profile.sha256),
        (t("functional_unit", lang), f.profile.functional_unit),
        (t("reference_flow", lang), f.profile.reference_flow or ng),
    ])
    foreign = "en" if lang == "fr" else None
    sources = [parameter_source(p.offer_id, p.source, lang) for p in f.parameters]
    params = Table(
        [t("offer", lang), t("parameter", lang), t("value", lang), t("unit", lang),
         t("status", lang), t("source", lang)],
        [[p.offer_id, parameter_label(p.name, lang), parameter_value(p.value, lang),
          unit_label(p.unit, lang), t("status_" + p.status, lang), text]
         for p, (text, _) in zip(f.parameters, sources, strict=True)],
        [False, False, False, False, False, False],
        caption=t("cap_parameters", lang),
        foreign=[""] * 5 + [foreign or ""],
        cell_langs=[[""] * 5 + [cell_lang] for _, cell_lang in sources],
    )
    evidence: list[Block] = [Para(t("no_evidence", lang))] if not f.evidence else []
    for e in f.evidence:
        evidence.append(Heading(f"{e.offer_id} — {e.path}"))
        evidence.append(KeyValues([
            ("SHA-256", e.sha256),
            (t("task", lang), e.task or "–"),
            (t("valid_record", lang), {True: t("yes", lang), False: t("smoke", lang),
                                       None: t("unread", lang)}[e.valid_for_procurement]),
        ]))
        evidence.append(Heading(t("protocol", lang)))
        evidence.append(Para(e.protocol or "–", lang=foreign or ""))
    training: Block = (
        Table(
            [t("offer", lang), t("training_energy", lang), t("training_gwp", lang),
             t("training_amort", lang), t("training_share", lang), t("source", lang)],
            [[x.offer_id, fmt(x.energy_kwh, lang), fmt(x.gwp_kgco2e, lang),
              fmt(x.amortisation_requests, lang), fmt(x.contract_share_gwp_kgco2e, lang),
              x.source] for x in f.training],
            [False, True, True, True, True, False],
            caption=t("cap_training", lang),
            row_headers=True,
        )
        if f.training
        else Para(t("no_training", lang))
    )
    first = next(iter(f.equivalents.values()), [])
    equiv_rows = [
        [e.unit_fr if lang == "fr" else e.unit_en]
        + [fmt(f.equivalents[o.offer_id][i].count, lang, 2) for o in c.offers]
        for i, e in enumerate(first)
    ]
    equivalents: list[Block] = [
        Heading(t("contract", lang).capitalize()),
        Table([t("equivalent", lang)] + [o.offer_id for o in c.offers], equiv_rows,
              [False] + [True] * len(c.offers), caption=t("cap_equivalents", lang),
              row_headers=True),
        Heading(t("sources", lang)),
        Bullets([f"{e.unit_fr if lang == 'fr' else e.unit_en}{_sep(lang)}{e.source} ({e.year})"
                 for e in first]),
    ]
    caveats: list[Block] = []
    if f.caveats:
        caveats = [Heading(t("caveats", lang)),
                   Bullets([caveat_line(x, lang) for x in f.caveats])]
    # rebuilt from the inputs, never the stored text (a sheet could say 'curl ... | sh')
    command = report_command(f.inputs, f.command)
    verify_cmd = verify_command(command)
    integrity: list[Block] = [KeyValues([(t("inputs_hash", lang), f.inputs_sha256)])]
    if command:
        integrity += [Heading(t("reproduce", lang)), Code(command)]
    integrity += [Heading(t("verify", lang)), Code(verify_cmd)]
    if accessible_note:
        integrity.append(Para(t("pdf_accessible", lang)))
    subtitle = " · ".join(
        x for x in (cons.reference, cons.lot, f.profile.id) if x
    )
    materiality = _materiality(f, lang)
    return Document(
        title=t("title", lang),
        subtitle=subtitle,
        lang=lang,
        sections=[
            _summary(f, lang),
            *([materiality] if materiality else []),
            Section(t("s_identification", lang), [ident, bidders, datasets]),
            Section(t("s_unit", lang), [unit]),
            Section(t("s_boundary", lang), _boundary(lang)),
            Section(t("s_results", lang), _indicator_tables(c, lang)),
            Section(t("s_ranking", lang), _ranking_blocks(c, lang)),
            Section(t("s_uncertainty", lang), _uncertainty_blocks(c, lang)),
            Section(t("s_parameters", lang), [params, *_defaulted_blocks(f, lang)]),
            Section(t("s_evidence", lang), evidence),
            Section(t("s_training", lang), [training]),
            Section(t("s_equivalents", lang), equivalents),
            Section(t("s_sci", lang), _sci(f, lang)),
            Section(t("s_limitations", lang),
                    [Bullets([t("l_" + x, lang) for x in f.limitations]), *caveats]),
            Section(t("s_comparability", lang), [Para(t(
                "comparability", lang, profile=f.profile.id, profile_hash=f.profile.sha256,
                tool=f.tool, version=f.tool_version))]),
            Section(t("s_integrity", lang), integrity),
            Section(t("s_glossary", lang), _glossary(lang)),
        ],
    )
