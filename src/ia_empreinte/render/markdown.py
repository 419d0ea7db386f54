"""Markdown rendering of a comparison or a fiche (charts are left out of markdown)."""

from __future__ import annotations

from ia_empreinte.comparison import Comparison
from ia_empreinte.render.document import (
    Bullets,
    Chart,
    Code,
    Document,
    KeyValues,
    Para,
    Table,
    comparison_document,
    fiche_document,
)
from ia_empreinte.render.i18n import Lang
from ia_empreinte.sheet import Fiche

__all__ = ["render_comparison_markdown", "render_document_markdown", "render_fiche_markdown"]


def _esc(text: str) -> str:
    """Escape what markdown would interpret: raw HTML, table pipes, backslashes."""
    return (
        text.replace("\\", "\\\\")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\n", " ")
    )


def render_document_markdown(doc: Document) -> str:
    """A :class:`Document` as GitHub-flavoured markdown."""
    out = [f"# {_esc(doc.title)}", ""]
    if doc.subtitle:
        out += [f"*{_esc(doc.subtitle)}*", ""]
    for section in doc.sections:
        out += [f"## {_esc(section.title)}", ""]
        for block in section.blocks:
            if isinstance(block, Para):
                out += [f"**{_esc(block.text)}**" if block.strong else _esc(block.text), ""]
            elif isinstance(block, Bullets):
                out += [f"- {_esc(item)}" for item in block.items] + [""]
            elif isinstance(block, KeyValues):
                out += [f"- **{_esc(k)}** : {_esc(v)}" if doc.lang == "fr"
                        else f"- **{_esc(k)}**: {_esc(v)}" for k, v in block.items] + [""]
            elif isinstance(block, Table):
                out.append("| " + " | ".join(_esc(h) for h in block.header) + " |")
                out.append(
                    "|" + "|".join("---:" if n else "---" for n in block.numeric) + "|"
                )
                out += ["| " + " | ".join(_esc(c) for c in row) + " |" for row in block.rows]
                out.append("")
            elif isinstance(block, Code):
                out += ["```", block.text, "```", ""]
            elif isinstance(block, Chart):
                continue
    return "\n".join(out).rstrip("\n") + "\n"


def render_comparison_markdown(c: Comparison, lang: Lang = "fr") -> str:
    """The comparison as markdown."""
    return render_document_markdown(comparison_document(c, lang))


def render_fiche_markdown(f: Fiche, lang: Lang = "fr") -> str:
    """The procurement sheet as markdown."""
    return render_document_markdown(fiche_document(f, lang))
