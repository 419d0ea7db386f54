"""Markdown rendering of a comparison or a fiche (charts are left out of markdown)."""

from __future__ import annotations

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
from ia_empreinte.render.embedded import markdown_data_comment
from ia_empreinte.render.i18n import Lang
from ia_empreinte.render.tabular import plain_line
from ia_empreinte.sheet import Fiche

__all__ = ["render_comparison_markdown", "render_document_markdown", "render_fiche_markdown"]


_BACKSLASHED = str.maketrans({c: "\\" + c for c in "\\`[]!|"})
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_AUTOLINK = re.compile(r"(?i)(:)(?=//)|(?<=www)(\.)|(@)")


def _esc(text: str) -> str:
    """Text that markdown shows as written, on one line.

    Backslash-escapes what starts a link, an image, code or a table cell
    (``[ ] ! ` |``), writes raw HTML characters as entities, breaks the
    GitHub autolinks (``http://``, ``www.``, e-mail addresses) by escaping their
    ``:``, ``.`` or ``@``, and turns newlines and other control characters into spaces.
    Parentheses stay as written: an inline link or image needs ``](``, and ``]`` is
    escaped, so figures keep their readable "1,51 (0,874 – 2,87)" form.
    """
    text = plain_line(text).translate(_BACKSLASHED).translate(_ENTITIES)
    return _AUTOLINK.sub(lambda m: "\\" + m.group(0), text)


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text``."""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    return "`" * max(3, longest + 1)


def render_document_markdown(doc: Document) -> str:
    """A :class:`Document` as GitHub-flavoured markdown."""
    out = [f"# {_esc(doc.title)}", ""]
    if doc.subtitle:
        out += [f"*{_esc(doc.subtitle)}*", ""]
    for section in doc.sections:
        out += [f"## {_esc(section.title)}", ""]
        for block in section.blocks:
            if isinstance(block, Para):
                text = f"**{_esc(block.text)}**" if block.strong else _esc(block.text)
                out += [f"> {text}" if block.banner else text, ""]
            elif isinstance(block, Heading):
                out += [f"### {_esc(block.text)}", ""]
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
                fence = _fence(block.text)
                code = "\n".join(plain_line(line) for line in block.text.splitlines())
                out += [fence, code, fence, ""]
            elif isinstance(block, Chart):
                continue
    return "\n".join(out).rstrip("\n") + "\n"


def render_comparison_markdown(c: Comparison, lang: Lang = "fr") -> str:
    """The comparison as markdown."""
    return render_document_markdown(comparison_document(c, lang))


def render_fiche_markdown(f: Fiche, lang: Lang = "fr") -> str:
    """The procurement sheet as markdown, ending with the fiche in a comment."""
    return render_document_markdown(fiche_document(f, lang)) + markdown_data_comment(f)
