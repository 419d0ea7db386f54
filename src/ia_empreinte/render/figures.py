"""Charts of a comparison: small spec objects, then drawing with matplotlib.

The spec holds every number and label a chart shows, so golden tests check the data
without comparing pixels; :func:`render_png` and :func:`render_svg` only
draw. matplotlib is imported inside them, with the Agg backend, never at import time.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from typing import Any

from ia_empreinte.comparison import Comparison
from ia_empreinte.render.i18n import LABELS, Lang, fmt, t, unit_scale

__all__ = [
    "DistributionSpec",
    "PhaseBarsSpec",
    "chart_alt",
    "distribution_spec",
    "phase_bars_spec",
    "render_png",
    "render_svg",
    "spec_dict",
]

_COLOURS = ("#1b5e7a", "#a8560b", "#4f6b1f", "#9c2f44", "#5b4a94")
"""Every colour has a contrast of at least 4.5:1 with white (WCAG 2.1, 1.4.3 and
1.4.11), so bars and legend keys stay visible; phases also differ by hatching
(:data:`_HATCHES`), never by colour alone."""
_HATCHES = ("", "///", "...", "xx", "\\\\")


@dataclass(frozen=True)
class PhaseBarsSpec:
    """Stacked bars by phase per offer, with p05–p95 whiskers on the total."""

    title: str
    unit: str
    offers: list[str]
    phases: list[str]
    values: list[list[float]]
    """values[i][j]: median of phase j for offer i."""
    total_p05: list[float]
    total_p50: list[float]
    total_p95: list[float]


@dataclass(frozen=True)
class DistributionSpec:
    """Box plots of the scored indicator per offer (5th, 25th, 50th, 75th, 95th)."""

    title: str
    unit: str
    offers: list[str]
    boxes: list[list[float]]


Spec = PhaseBarsSpec | DistributionSpec


def _indicator_label(c: Comparison, lang: Lang) -> str:
    return t(f"ind_{c.indicator}", lang)


def phase_bars_spec(
    c: Comparison,
    lang: Lang = "fr",
    *,
    names: dict[str, str] | None = None,
    ranked: bool = False,
    scaled: bool = False,
    title: str = "",
) -> PhaseBarsSpec:
    """The stacked-bar chart of the scored indicator by phase (GHG) or component (energy).

    Args:
        names: how to label each offer (the vendor's name on page 1), else its id.
        ranked: best offer first, instead of the input order.
        scaled: the unit scaled for reading (``g CO2e`` rather than ``kgCO2e``).
        title: the chart title, else "indicator scope, by phase".
    """
    offers = c.ranked() if ranked else c.offers
    if c.indicator == "gwp":
        parts = [o.gwp_by_phase for o in offers]
        prefix = "phase_"
    elif c.indicator == "energy":
        parts = [o.energy_by_component for o in offers]
        prefix = "comp_"
    else:
        parts = [{"total": o.scored} for o in offers]
        prefix = ""
    names_ = names or {}
    found = {k for p in parts for k in p}
    # a fixed order: a fiche read back from its (sorted) JSON draws the same chart
    keys = [k for k in _ORDER if k in found] + sorted(found - set(_ORDER))
    labels = [t(prefix + n, lang) if prefix + n in _known() else n for n in keys]
    size, unit = (unit_scale(c.unit, [o.scored.p50 for o in offers], lang) if scaled
                  else (1.0, c.unit))
    return PhaseBarsSpec(
        title=title or t("fig_phases", lang, indicator=_indicator_label(c, lang),
                         scope=t(c.scope, lang)),
        unit=unit,
        offers=[_short(names_.get(o.offer_id, o.offer_id)) for o in offers],
        phases=labels,
        values=[[p[n].p50 / size if n in p else 0.0 for n in keys] for p in parts],
        total_p05=[o.scored.p05 / size for o in offers],
        total_p50=[o.scored.p50 / size for o in offers],
        total_p95=[o.scored.p95 / size for o in offers],
    )


_ORDER = ("use", "embodied", "accelerators", "host", "idle", "facility_overhead")
_LABEL_CHARS = 32
"""Longest offer label on a chart axis (a vendor's name of thousands of characters would
leave no room for the bars); the full name is in the tables."""


def _short(name: str) -> str:
    name = " ".join(name.split())
    return name if len(name) <= _LABEL_CHARS else name[: _LABEL_CHARS - 1] + "…"


def _known() -> set[str]:
    return set(LABELS)


def distribution_spec(c: Comparison, lang: Lang = "fr") -> DistributionSpec:
    """Box plots of the scored figure per offer."""
    return DistributionSpec(
        title=t("fig_dist", lang),
        unit=f"{_indicator_label(c, lang)} {t(c.scope, lang)} ({c.unit})",
        offers=[o.offer_id for o in c.offers],
        boxes=[list(o.scored_box) for o in c.offers],
    )


def chart_alt(spec: Spec, lang: Lang = "fr") -> str:
    """What a chart shows, in words: every offer's median and band (the text
    alternative of the image, WCAG 2.1 criterion 1.1.1, RGAA criterion 1.3)."""
    if isinstance(spec, PhaseBarsSpec):
        items = []
        for i, name in enumerate(spec.offers):
            parts = ", ".join(f"{phase} {fmt(spec.values[i][j], lang)}"
                              for j, phase in enumerate(spec.phases) if len(spec.phases) > 1)
            item = t("alt_bar_item", lang, offer=name,
                     value=f"{fmt(spec.total_p50[i], lang)} {spec.unit}",
                     low=fmt(spec.total_p05[i], lang), high=fmt(spec.total_p95[i], lang))
            items.append(f"{item}{' ; ' if lang == 'fr' else '; '}{parts}" if parts else item)
        return t("alt_bars", lang, title=spec.title, items=". ".join(items) + ".")
    items = [t("alt_box_item", lang, offer=name, value=f"{fmt(b[2], lang)}",
               low=fmt(b[0], lang), high=fmt(b[4], lang))
             for name, b in zip(spec.offers, spec.boxes, strict=True)]
    return t("alt_box", lang, title=f"{spec.title} ({spec.unit})", items=". ".join(items) + ".")


def spec_dict(spec: Spec) -> dict[str, Any]:
    """The spec as a plain dict (for golden files)."""
    return {"kind": type(spec).__name__, **asdict(spec)}


def _figure(spec: Spec) -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    n = len(spec.offers)
    fig = Figure(figsize=(7.0, max(2.2, 0.75 * n + 1.2)), dpi=100)
    ax = fig.add_subplot()
    ys = list(range(n))[::-1]
    if isinstance(spec, PhaseBarsSpec):
        left = [0.0] * n
        for j, phase in enumerate(spec.phases):
            widths = [row[j] for row in spec.values]
            ax.barh(ys, widths, left=left, height=0.55, label=phase,
                    color=_COLOURS[j % len(_COLOURS)], hatch=_HATCHES[j % len(_HATCHES)],
                    edgecolor="white", linewidth=0.5)
            left = [a + b for a, b in zip(left, widths, strict=True)]
        err = [
            [max(m - lo, 0.0) for m, lo in zip(spec.total_p50, spec.total_p05, strict=True)],
            [max(hi - m, 0.0) for m, hi in zip(spec.total_p50, spec.total_p95, strict=True)],
        ]
        ax.errorbar(spec.total_p50, ys, xerr=err, fmt="none", ecolor="black", capsize=4, lw=1)
        ax.legend(loc="lower right", fontsize=8, frameon=False)
        ax.set_xlabel(spec.unit)
    else:
        stats = [
            {"med": b[2], "q1": b[1], "q3": b[3], "whislo": b[0], "whishi": b[4],
             "fliers": [], "label": name}
            for name, b in zip(spec.offers, spec.boxes, strict=True)
        ]
        style: dict[str, Any] = {
            "positions": ys[::-1], "widths": 0.5, "showfliers": False, "patch_artist": True,
            "boxprops": {"facecolor": "#cfe3ec"}, "medianprops": {"color": "#b04a5a"},
        }
        try:  # matplotlib >= 3.10
            ax.bxp(stats[::-1], orientation="horizontal", **style)
        except TypeError:  # pragma: no cover - older matplotlib
            ax.bxp(stats[::-1], vert=False, **style)
        ax.set_xlabel(spec.unit)
    ax.set_yticks(ys, spec.offers, fontsize=9)
    ax.set_xlim(left=0)
    ax.set_title(spec.title, fontsize=9, wrap=True)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def render_png(spec: Spec, dpi: int = 150) -> bytes:
    """The chart as PNG bytes."""
    buf = io.BytesIO()
    _figure(spec).savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def render_svg(spec: Spec) -> str:
    """The chart as SVG text (no date, so the output is reproducible)."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "ia-empreinte"}):
        _figure(spec).savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()
