"""Rendering a fiche or a comparison to the format a file name or an option asks for."""

from __future__ import annotations

from pathlib import Path

from ia_empreinte.comparison import Comparison
from ia_empreinte.errors import ValidationFailure
from ia_empreinte.render.html import render_fiche_html
from ia_empreinte.render.i18n import Lang, cell, column
from ia_empreinte.render.markdown import render_comparison_markdown, render_fiche_markdown
from ia_empreinte.render.pdf import render_fiche_pdf
from ia_empreinte.render.tabular import render_csv, render_json, render_text_table
from ia_empreinte.render.xlsx import render_fiche_xlsx
from ia_empreinte.sheet import Fiche

__all__ = [
    "COMPARISON_FORMATS",
    "FICHE_SUFFIXES",
    "comparison_rows",
    "fiche_format",
    "fiche_json",
    "render_comparison",
    "render_fiche",
]

FICHE_SUFFIXES = {".pdf": "pdf", ".html": "html", ".md": "markdown", ".xlsx": "xlsx",
                  ".json": "json"}
COMPARISON_FORMATS = ("table", "json", "csv", "markdown")

_ROW_COLUMNS = [
    "rank", "offer", "vendor", "p05", "p50", "p95", "mean", "unit", "p_best", "mark",
]


def fiche_json(f: Fiche) -> str:
    """The canonical fiche as indented JSON (sorted keys)."""
    return render_json(f.model_dump(mode="json", by_alias=True))


def fiche_format(path_or_format: str | Path) -> str:
    """The fiche format (``pdf``, ``html``, ``markdown``, ``xlsx``, ``json``) of a file
    name (by its suffix, any case) or a format name.

    Raises:
        ValidationFailure: naming the file and the suffixes accepted.
    """
    text = str(path_or_format)
    if text in FICHE_SUFFIXES.values():
        return text
    suffix = Path(text).suffix
    fmt = FICHE_SUFFIXES.get(suffix.lower())
    if fmt is not None:
        return fmt
    found = f"the extension '{suffix}'" if suffix else "a name without extension"
    raise ValidationFailure(
        f"cannot tell the report format from {found}; expected a file ending in "
        + ", ".join(FICHE_SUFFIXES),
        file=text,
    )


def render_fiche(f: Fiche, path_or_format: str | Path, lang: Lang = "fr") -> bytes:
    """The fiche in the format given by a file suffix (``.pdf``) or a name (``pdf``).

    Raises:
        ValidationFailure: an unknown format.
    """
    fmt = fiche_format(path_or_format)
    if fmt == "json":
        return fiche_json(f).encode("utf-8")
    if fmt == "markdown":
        return render_fiche_markdown(f, lang).encode("utf-8")
    if fmt == "html":
        return render_fiche_html(f, lang).encode("utf-8")
    if fmt == "pdf":
        return render_fiche_pdf(f, lang)
    if fmt == "xlsx":
        return render_fiche_xlsx(f, lang)
    raise AssertionError(fmt)  # fiche_format returns one of the formats above


def comparison_rows(c: Comparison) -> list[dict[str, object]]:
    """One row per offer, best first: the scored figure, its band and the mark."""
    marks = {m.offer_id: m.mark for m in c.scores.marks}
    return [
        {
            "rank": o.rank,
            "offer": o.offer_id,
            "vendor": o.vendor,
            "p05": o.scored.p05,
            "p50": o.scored.p50,
            "p95": o.scored.p95,
            "mean": o.scored.mean,
            "unit": c.unit,
            "p_best": o.p_best,
            "mark": marks[o.offer_id],
        }
        for o in c.ranked()
    ]


def render_comparison(c: Comparison, fmt: str, lang: Lang = "fr") -> str:
    """The comparison as ``table``, ``json``, ``csv`` or ``markdown`` text."""
    if fmt == "json":
        return render_json(c.model_dump(mode="json"))
    if fmt == "csv":
        return render_csv(comparison_rows(c), _ROW_COLUMNS)
    if fmt == "markdown":
        return render_comparison_markdown(c, lang)
    if fmt == "table":
        if lang == "fr":
            head = (
                f"{cell(c.indicator, lang)} {cell(c.scope, lang)} ({c.unit}), {c.draws} "
                f"tirages, graine {c.seed} ; notes : {cell(c.scores.method, lang)} sur "
                f"{c.scores.points:g}\n"
            )
        else:
            head = (
                f"{c.indicator} {c.scope} ({c.unit}), {c.draws} draws, seed {c.seed}; "
                f"marks: {c.scores.method} out of {c.scores.points:g}\n"
            )
        pairs = "".join(
            f"P({p.a} < {p.b}) = {p.p_a_lower:.3f}\n" for p in c.pairs
        )
        rows = [{column(k, lang): v for k, v in r.items()} for r in comparison_rows(c)]
        return head + render_text_table(rows, [column(k, lang) for k in _ROW_COLUMNS]) + pairs
    raise ValidationFailure(
        f"unknown format '{fmt}'; expected one of: {', '.join(COMPARISON_FORMATS)}"
    )
