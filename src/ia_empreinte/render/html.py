"""HTML rendering: one self-contained file, charts inline as base64 PNG.

Everything that comes from a user file (offer ids, vendor and service names, profile
texts, sources) is escaped with :func:`html.escape`; the page loads nothing from
elsewhere (no executable script, no external style sheet, no web font). A fiche page
carries the canonical fiche in a JSON data block (:mod:`ia_empreinte.render.embedded`).
"""

from __future__ import annotations

import base64
import html
import re

from ia_empreinte.comparison import Comparison
from ia_empreinte.render.document import (
    Bullets,
    Chart,
    Code,
    Document,
    Heading,
    KeyValues,
    Para,
    Table,
    comparison_document,
    fiche_document,
)
from ia_empreinte.render.embedded import html_data_block
from ia_empreinte.render.figures import render_png
from ia_empreinte.render.i18n import Lang
from ia_empreinte.sheet import Fiche

__all__ = ["render_comparison_html", "render_document_html", "render_fiche_html"]

_CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1d2a33;line-height:1.45;font-size:15px}
h1{font-size:1.6rem;color:#1b5e7a;margin-bottom:.2rem}
h2{font-size:1.2rem;color:#1b5e7a;border-bottom:2px solid #cfe3ec;margin-top:2rem}
h3{font-size:1rem;color:#1d2a33;margin:1rem 0 .3rem}
.subtitle{color:#4a5560;margin-top:0}
.banner{border:2px solid #8a3b00;background:#fff4e5;color:#5c2700;padding:.5rem .8rem;
font-weight:bold}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.85rem;width:100%}
caption{text-align:left;font-weight:bold;padding:.2rem 0;color:#1d2a33}
th,td{border:1px solid #cfd8dc;padding:.25rem .45rem;vertical-align:top;
overflow-wrap:break-word;word-break:normal;hyphens:auto}
th{background:#eef5f8;text-align:left}
th[scope=row]{font-weight:normal;background:#f7fafb}
td.num{text-align:right}
td.hash{word-break:break-all;font-family:"DejaVu Sans Mono",monospace;font-size:.8rem}
code,pre{font-family:"DejaVu Sans Mono",monospace;font-size:.85rem;background:#f4f6f7}
pre{padding:.6rem;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:minmax(0,max-content) minmax(0,1fr);gap:.2rem 1rem}
dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere}
figure{margin:1rem 0}figure img{max-width:100%}figure.small img{max-width:34rem}
figcaption{font-size:.8rem;color:#4a5560}
@media print{section.break{page-break-after:always}}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def render_document_html(doc: Document, data: str = "") -> str:
    """A :class:`Document` as one self-contained HTML page.

    Args:
        doc: the document.
        data: a ``<script type="application/json">`` data block for the head (the
            embedded fiche); never executable script.
    """
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{doc.lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(doc.title)}</title>",
        f"<style>{_CSS}</style>",
        *([data] if data else []),
        "</head>",
        "<body>",
        f"<h1>{_e(doc.title)}</h1>",
    ]
    if doc.subtitle:
        out.append(f'<p class="subtitle">{_e(doc.subtitle)}</p>')
    for section in doc.sections:
        cls = ' class="break"' if section.page_break_after else ""
        out.append(f"<section{cls}>")
        out.append(f"<h2>{_e(section.title)}</h2>")
        for block in section.blocks:
            out.append(_block_html(block))
        out.append("</section>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _lang(code: str) -> str:
    return f' lang="{_e(code)}"' if code else ""


_LONG = re.compile(r"\S{17,}")
_BREAK_AFTER = re.compile(r"([._,(/=])")


def _breakable(text: str) -> str:
    """Escaped ``text`` where long tokens (``volume.requests_per_day``,
    ``triangulaire(min=1500,...``) may wrap after their punctuation (``<wbr>``), so a
    narrow column wraps at word parts instead of overflowing or breaking letter by
    letter; the text itself is unchanged."""
    return _LONG.sub(lambda m: _BREAK_AFTER.sub(r"\1<wbr>", m.group(0)), _e(text))


def _cell_html(text: str, numeric: bool, lang: str, row_header: bool) -> str:
    if row_header:
        return f'<th scope="row"{_lang(lang)}>{_breakable(text)}</th>'
    cls = ' class="num"' if numeric else (
        ' class="hash"' if len(text) == 64 and all(c in "0123456789abcdef" for c in text)
        else "")
    return f"<td{cls}{_lang(lang)}>{_e(text) if numeric else _breakable(text)}</td>"


def _block_html(block: object) -> str:
    if isinstance(block, Para):
        text = _e(block.text)
        if block.banner:
            return f'<p class="banner" role="note"{_lang(block.lang)}>{text}</p>'
        return (f"<p{_lang(block.lang)}><strong>{text}</strong></p>" if block.strong
                else f"<p{_lang(block.lang)}>{text}</p>")
    if isinstance(block, Heading):
        return f"<h3>{_e(block.text)}</h3>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, KeyValues):
        return ("<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in block.items)
                + "</dl>")
    if isinstance(block, Table):
        langs = block.foreign or [""] * len(block.header)
        cell_langs = block.cell_langs or [langs] * len(block.rows)
        head = "".join(f'<th scope="col">{_e(h)}</th>' for h in block.header)
        rows = "".join(
            "<tr>"
            + "".join(
                _cell_html(c, n, lg, block.row_headers and i == 0)
                for i, (c, n, lg) in enumerate(zip(row, block.numeric, row_langs, strict=True))
            )
            + "</tr>"
            for row, row_langs in zip(block.rows, cell_langs, strict=True)
        )
        caption = f"<caption>{_e(block.caption)}</caption>" if block.caption else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if isinstance(block, Code):
        return f"<pre><code>{_e(block.text)}</code></pre>"
    if isinstance(block, Chart):
        png = base64.b64encode(render_png(block.spec)).decode("ascii")
        cls = ' class="small"' if block.small else ""
        return (f'<figure{cls}><img alt="{_e(block.alt or block.spec.title)}" '
                f'src="data:image/png;base64,{png}">'
                f"<figcaption>{_e(block.caption)}</figcaption></figure>")
    raise AssertionError(type(block))  # every block type is drawn above


def render_comparison_html(c: Comparison, lang: Lang = "fr") -> str:
    """The comparison as a self-contained HTML page."""
    return render_document_html(comparison_document(c, lang))


def render_fiche_html(f: Fiche, lang: Lang = "fr") -> str:
    """The procurement sheet as a self-contained HTML page."""
    return render_document_html(fiche_document(f, lang), html_data_block(f))
