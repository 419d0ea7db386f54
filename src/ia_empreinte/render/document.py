"""The content of a report as a neutral document: sections of paragraphs, tables, charts.

The markdown, HTML and PDF renderers all draw the same :class:`Document`, so the three
formats say the same thing in the same order and the section titles a test looks for
are the same everywhere. Building the document only formats numbers already computed
(in the :class:`~ia_empreinte.comparison.Comparison` and the
:class:`~ia_empreinte.sheet.Fiche`); it never computes a figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ia_empreinte.comparison import Comparison, Driver
from ia_empreinte.render.figures import (
    DistributionSpec,
    PhaseBarsSpec,
    distribution_spec,
    phase_bars_spec,
)
from ia_empreinte.render.i18n import LABELS, Lang, fmt, fmt_band, fmt_pct, t
from ia_empreinte.results import Summary
from ia_empreinte.scoring import formula_text
from ia_empreinte.sheet import Fiche
from ia_empreinte.sheet.command import report_command, verify_command

__all__ = [
    "Bullets",
    "Chart",
    "Code",
    "Document",
    "KeyValues",
    "Para",
    "Section",
    "Table",
    "comparison_document",
    "fiche_document",
]


@dataclass(frozen=True)
class Para:
    """A paragraph."""

    text: str
    strong: bool = False


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
    """A table of text cells; ``numeric`` columns are right-aligned."""

    header: list[str]
    rows: list[list[str]]
    numeric: list[bool]


@dataclass(frozen=True)
class Code:
    """A command or a hash, shown verbatim."""

    text: str


@dataclass(frozen=True)
class Chart:
    """A chart and its caption."""

    spec: PhaseBarsSpec | DistributionSpec
    caption: str


Block = Para | Bullets | KeyValues | Table | Code | Chart


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
    "adpe_kgsbeq": "kg Sb eq",
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


def _cell(s: object, lang: Lang) -> str:
    assert isinstance(s, Summary)
    return f"{fmt(s.p50, lang)} ({fmt_band(s.p05, s.p95, lang)})"


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


def _indicator_tables(c: Comparison, lang: Lang) -> list[Block]:
    blocks: list[Block] = [Para(f"{t('median', lang)} ({t('band', lang)}).")]
    header = [t("indicator", lang)] + [o.offer_id for o in c.offers]
    for scope, keys in (
        ("per_request", _PER_REQUEST_KEYS),
        ("per_year", _PERIOD_KEYS),
        ("contract", _PERIOD_KEYS),
    ):
        rows = [
            [f"{t('ind_' + _IND[k], lang)} ({_UNITS[k]})"]
            + [_cell(getattr(o, scope)[k], lang) for o in c.offers]
            for k in keys
        ]
        requests = [o.per_year["requests"] if scope == "per_year" else
                    o.contract["requests"] for o in c.offers] if scope != "per_request" else []
        if requests:
            rows.append([t("ind_requests", lang)] + [_cell(r, lang) for r in requests])
        blocks.append(Para(t(scope, lang).capitalize(), strong=True))
        blocks.append(Table(header, rows, [False] + [True] * len(c.offers)))
    blocks.append(Chart(phase_bars_spec(c, lang), t("fig_phases_caption", lang)))
    return blocks


def _floor_text(c: Comparison, lang: Lang) -> str:
    f = c.scores.floor
    if f.basis == "none":
        return t("floor_none", lang)
    if f.basis == "median_fraction":
        return t("floor_median", lang, value=fmt(f.value, lang), unit=c.unit,
                 pct=fmt_pct(f.fraction or 0.0, lang))
    return t("floor_abs", lang, value=fmt(f.value, lang), unit=c.unit)


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
            f"{m.mark:.2f}".replace(".", "," if lang == "fr" else ".")
            + f" / {c.scores.points:g}",
        ])
    blocks: list[Block] = [
        KeyValues([
            (t("method", lang), t("m_" + c.scores.method, lang)),
            (t("formula", lang), formula_text(c.scores.method, c.scores.points, lang)),
            (t("floor", lang), _floor_text(c, lang)),
        ]),
        Para(scored_label, strong=True),
        Table(
            [t("rank", lang), t("offer", lang), t("vendor", lang), t("median", lang),
             t("band", lang), t("p_best", lang), t("scored_value", lang), t("mark", lang)],
            rows,
            [True, False, False, True, True, True, True, True],
        ),
        Para(t("scores_note", lang)),
    ]
    if c.scores.floor.floored:
        blocks.append(Para(f"{t('floored', lang)} : " if lang == "fr" else
                           f"{t('floored', lang)}: ", strong=True))
        blocks.append(Bullets(list(c.scores.floor.floored)))
    if c.pairs:
        blocks.append(Para(t("pairs", lang), strong=True))
        blocks.append(
            Table(
                [t("pair", lang), t("p_a_lower", lang), t("gap", lang), t("band", lang)],
                [[f"{p.a} / {p.b}", fmt_pct(p.p_a_lower, lang), fmt(p.gap.p50, lang),
                  fmt_band(p.gap.p05, p.gap.p95, lang)] for p in c.pairs],
                [False, True, True, True],
            )
        )
    blocks.append(Chart(distribution_spec(c, lang), t("fig_dist_caption", lang)))
    return blocks


def _driver_table(drivers: list[Driver], lang: Lang) -> Block:
    if not drivers:
        return Para(t("no_drivers", lang))
    return Table(
        [t("input", lang), t("spearman", lang), t("swing_low", lang), t("swing_high", lang)],
        [[d.input, f"{d.spearman:+.2f}".replace(".", "," if lang == "fr" else "."),
          fmt(d.low, lang), fmt(d.high, lang)] for d in drivers],
        [False, True, True, True],
    )


def _uncertainty_blocks(c: Comparison, lang: Lang) -> list[Block]:
    blocks: list[Block] = [Para(t("uncertainty_text", lang, draws=c.draws, seed=c.seed))]
    for o in c.offers:
        blocks.append(Para(t("drivers_of", lang, offer=o.offer_id), strong=True))
        blocks.append(_driver_table(o.drivers, lang))
    for p in c.pairs:
        blocks.append(Para(t("drivers_gap", lang, a=p.a, b=p.b), strong=True))
        blocks.append(_driver_table(p.drivers, lang))
    return blocks


def comparison_document(c: Comparison, lang: Lang = "fr") -> Document:
    """The comparison alone (``compare --format markdown``): indicators, ranking, drivers."""
    return Document(
        title=t("comparison_title", lang),
        subtitle=f"{t('profile', lang)} : {c.profile_id}" if lang == "fr"
        else f"{t('profile', lang)}: {c.profile_id}",
        lang=lang,
        sections=[
            Section(t("s_results", lang), _indicator_tables(c, lang)),
            Section(t("s_ranking", lang), _ranking_blocks(c, lang)),
            Section(t("s_uncertainty", lang), _uncertainty_blocks(c, lang)),
        ],
    )


def _summary(f: Fiche, lang: Lang) -> Section:
    c = f.comparison
    h = f.headlines
    scope = t(c.scope, lang)
    ind = t("ind_" + c.indicator, lang)
    lines = [
        t("h_best", lang, offer=h.best_offer, value=fmt(h.best_p50, lang), unit=c.unit,
          scope=scope, low=fmt(h.best_p05, lang), high=fmt(h.best_p95, lang)),
        t("h_ratio", lang, offer=h.worst_offer, ratio=fmt(h.worst_to_best_ratio, lang, 2)),
    ]
    if h.runner_up is not None and h.p_best_beats_runner_up is not None:
        lines.append(t("h_prob", lang, best=h.best_offer, runner=h.runner_up,
                       p=fmt_pct(h.p_best_beats_runner_up, lang)))
    blocks: list[Block] = [Para(x, strong=True) for x in lines]
    if h.equivalents:
        items = ", ".join(
            f"{fmt(e.count, lang, 2)} {e.unit_fr if lang == 'fr' else e.unit_en}"
            for e in h.equivalents
        )
        blocks.append(Para(t("h_equiv", lang, items=items)))
    marks = {m.offer_id: m for m in c.scores.marks}
    blocks.append(
        Table(
            [t("rank", lang), t("offer", lang), t("vendor", lang),
             f"{ind} ({c.unit})", t("mark", lang)],
            [[str(o.rank), o.offer_id, o.vendor, fmt(o.scored.p50, lang),
              f"{marks[o.offer_id].mark:.2f}".replace(".", "," if lang == "fr" else ".")]
             for o in c.ranked()],
            [True, False, False, True, True],
        )
    )
    blocks.append(Para(t("h_assumptions", lang), strong=True))
    blocks.append(Bullets([
        t("a_profile", lang, profile=f.profile.id),
        t("a_scope", lang, indicator=ind, scope=scope, draws=c.draws),
        t("a_method", lang, formula=formula_text(c.scores.method, c.scores.points, lang),
          floor=fmt(c.scores.floor.value, lang), unit=c.unit),
        t("a_training", lang),
    ]))
    blocks.append(Para(t("warning", lang), strong=True))
    blocks.append(KeyValues([(t("inputs_hash", lang), f.inputs_sha256)]))
    return Section(t("s_summary", lang), blocks, page_break_after=True)


def _defaulted_blocks(f: Fiche, lang: Lang) -> list[Block]:
    """Per offer, the fields not declared, the value used and the default rule."""
    blocks: list[Block] = [Para(t("defaulted_title", lang), strong=True),
                           Para(t("defaulted_intro", lang))]
    if not f.defaulted_fields:
        return [*blocks, Para(t("defaulted_none", lang))]
    rows = [[d.offer_id, d.field, d.value, d.rule_fr if lang == "fr" else d.rule_en,
             d.source] for d in f.defaulted_fields]
    return [*blocks, Table([t("offer", lang), t("field", lang), t("value", lang),
                            t("rule", lang), t("source", lang)], rows,
                           [False, False, False, False, False])]


def fiche_document(f: Fiche, lang: Lang = "fr") -> Document:
    """The full procurement sheet: every section of :mod:`ia_empreinte.sheet`."""
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
    )
    datasets = Table(
        [t("datasets", lang), "SHA-256"],
        [[d.id, d.sha256] for d in f.datasets],
        [False, False],
    )
    unit = KeyValues([
        (t("profile", lang), f"{f.profile.id} (v{f.profile.version}) "
         + (f.profile.title_fr if lang == "fr" else f.profile.title)),
        (t("profile_hash", lang), f.profile.sha256),
        (t("functional_unit", lang), f.profile.functional_unit),
        (t("reference_flow", lang), f.profile.reference_flow or ng),
    ])
    boundary: list[Block] = [
        Para(t("included", lang), strong=True),
        Bullets([t("b_" + b, lang) for b in f.boundary_included]),
        Para(t("excluded", lang), strong=True),
        Bullets([t("b_" + b, lang) for b in f.boundary_excluded]),
    ]
    params = Table(
        [t("offer", lang), t("parameter", lang), t("value", lang), t("unit", lang),
         t("status", lang), t("source", lang)],
        [[p.offer_id, p.name, p.value, p.unit, t("status_" + p.status, lang),
          t("src_" + p.source, lang) if "src_" + p.source in LABELS else p.source]
         for p in f.parameters],
        [False, False, False, False, False, False],
    )
    evidence: list[Block] = [Para(t("no_evidence", lang))] if not f.evidence else []
    for e in f.evidence:
        evidence.append(Para(f"{e.offer_id} — {e.path}", strong=True))
        evidence.append(KeyValues([
            ("SHA-256", e.sha256),
            (t("task", lang), e.task or "–"),
            (t("valid_record", lang), {True: t("yes", lang), False: t("smoke", lang),
                                       None: t("unread", lang)}[e.valid_for_procurement]),
            (t("protocol", lang), e.protocol or "–"),
        ]))
    training: Block = (
        Table(
            [t("offer", lang), t("training_energy", lang), t("training_gwp", lang),
             t("training_amort", lang), t("training_share", lang), t("source", lang)],
            [[x.offer_id, fmt(x.energy_kwh, lang), fmt(x.gwp_kgco2e, lang),
              fmt(x.amortisation_requests, lang), fmt(x.contract_share_gwp_kgco2e, lang),
              x.source] for x in f.training],
            [False, True, True, True, True, False],
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
        Para(t("contract", lang).capitalize(), strong=True),
        Table([t("equivalent", lang)] + [o.offer_id for o in c.offers], equiv_rows,
              [False] + [True] * len(c.offers)),
        Para(t("sources", lang), strong=True),
        Bullets([f"{e.unit_fr if lang == 'fr' else e.unit_en} : {e.source} ({e.year})"
                 if lang == "fr" else f"{e.unit_en}: {e.source} ({e.year})" for e in first]),
    ]
    caveats: list[Block] = []
    if f.caveats:
        caveats = [Para(t("caveats", lang), strong=True), Bullets(list(f.caveats))]
    # rebuilt from the inputs, never the stored text (a sheet could say 'curl ... | sh')
    command = report_command(f.inputs, f.command)
    verify_cmd = verify_command(command)
    integrity: list[Block] = [KeyValues([(t("inputs_hash", lang), f.inputs_sha256)])]
    if command:
        integrity += [Para(t("reproduce", lang), strong=True), Code(command)]
    integrity += [Para(t("verify", lang), strong=True), Code(verify_cmd)]
    subtitle = " · ".join(
        x for x in (cons.reference, cons.lot, f.profile.id) if x
    )
    return Document(
        title=t("title", lang),
        subtitle=subtitle,
        lang=lang,
        sections=[
            _summary(f, lang),
            Section(t("s_identification", lang), [ident, bidders, datasets]),
            Section(t("s_unit", lang), [unit]),
            Section(t("s_boundary", lang), boundary),
            Section(t("s_results", lang), _indicator_tables(c, lang)),
            Section(t("s_ranking", lang), _ranking_blocks(c, lang)),
            Section(t("s_uncertainty", lang), _uncertainty_blocks(c, lang)),
            Section(t("s_parameters", lang), [params, *_defaulted_blocks(f, lang)]),
            Section(t("s_evidence", lang), evidence),
            Section(t("s_training", lang), [training]),
            Section(t("s_equivalents", lang), equivalents),
            Section(t("s_limitations", lang),
                    [Bullets([t("l_" + x, lang) for x in f.limitations]), *caveats]),
            Section(t("s_comparability", lang), [Para(t(
                "comparability", lang, profile=f.profile.id, profile_hash=f.profile.sha256,
                tool=f.tool, version=f.tool_version))]),
            Section(t("s_integrity", lang), integrity),
        ],
    )
