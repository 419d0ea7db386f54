"""PDF rendering with fpdf2 and the DejaVu fonts bundled with matplotlib.

DejaVu covers French accents, « guillemets », the narrow and no-break spaces and the
mathematical signs the sheet uses, and ships with matplotlib, so the PDF is made
offline with no system font. fpdf2 and matplotlib are imported inside the functions.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

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
from ia_empreinte.render.embedded import EMBEDDED_NAME, embedded_json
from ia_empreinte.render.figures import render_png
from ia_empreinte.render.i18n import Lang
from ia_empreinte.render.tabular import plain_line
from ia_empreinte.sheet import Fiche

__all__ = ["render_comparison_pdf", "render_document_pdf", "render_fiche_pdf"]

_BLUE = (27, 94, 122)
_TEXT = (29, 42, 51)
_HEAD_FILL = (238, 245, 248)
_CELL_CHARS = 120
"""Longest table cell printed; longer text ends with an ellipsis (the full text is in
the fiche embedded in the PDF)."""
_TEXT_CHARS = 1000
"""Longest paragraph, bullet or value printed."""


def _fit(text: str, limit: int = _TEXT_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis.

    A vendor name of thousands of characters or a hundred newlines would otherwise make
    a table row taller than a page, which fpdf2 refuses with a ``ValueError``.
    """
    text = plain_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def render_document_pdf(
    doc: Document, footer: str = "", attachment: tuple[str, str] | None = None
) -> bytes:
    """A :class:`Document` as PDF bytes (A4 portrait).

    Args:
        doc: the document.
        footer: text printed at the foot of every page (e.g. the inputs hash).
        attachment: (file name, text) of a file embedded in the PDF (the fiche JSON).
    """
    from fpdf import FPDF
    from fpdf.enums import WrapMode, XPos, YPos

    fonts = _font_dir()

    class _Pdf(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", "", 7)
            self.set_text_color(110, 110, 110)
            self.cell(0, 5, f"{footer}   {self.page_no()}/{{nb}}", align="C")

    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    # A fixed metadata date keeps the bytes reproducible; the sheet prints its own date.
    pdf.set_creation_date(datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    pdf.set_title(doc.title)
    pdf.set_creator("ia-empreinte")
    pdf.set_lang(doc.lang)
    if attachment is not None:
        pdf.embed_file(
            basename=attachment[0],
            bytes=attachment[1].encode("utf-8"),
            modification_date=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC),
            mime_type="application/json",
            desc="ia-empreinte fiche (ia-empreinte verify)",
        )
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVuMono", "", str(fonts / "DejaVuSansMono.ttf"))
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    nl: dict[str, Any] = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

    pdf.set_text_color(*_BLUE)
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(width, 7, _fit(doc.title), **nl)
    if doc.subtitle:
        pdf.set_font("DejaVu", "", 9)
        pdf.set_text_color(90, 90, 90)
        pdf.multi_cell(width, 5, _fit(doc.subtitle), **nl)
    pdf.ln(2)

    for section in doc.sections:
        if pdf.get_y() > pdf.h - 50:
            pdf.add_page()
        pdf.set_text_color(*_BLUE)
        pdf.set_font("DejaVu", "B", 12)
        pdf.ln(2)
        pdf.multi_cell(width, 7, _fit(section.title), **nl)
        pdf.set_draw_color(207, 227, 236)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(2)
        pdf.set_text_color(*_TEXT)
        for block in section.blocks:
            if isinstance(block, Para) and block.banner:
                pdf.set_font("DejaVu", "B", 9.5)
                pdf.set_fill_color(255, 244, 229)
                pdf.set_draw_color(138, 59, 0)
                pdf.set_text_color(92, 39, 0)
                pdf.multi_cell(width, 5.2, _fit(block.text), align="L", fill=True, border=1,
                               padding=2, **nl)
                pdf.set_text_color(*_TEXT)
                pdf.ln(2)
            elif isinstance(block, Para):
                pdf.set_font("DejaVu", "B" if block.strong else "", 9)
                pdf.multi_cell(width, 4.8, _fit(block.text), align="L", **nl)
                pdf.ln(1.2)
            elif isinstance(block, Heading):
                if pdf.get_y() > pdf.h - 45:
                    pdf.add_page()  # keep a table's title with the table
                pdf.set_font("DejaVu", "B", 9.5)
                pdf.multi_cell(width, 5, _fit(block.text), align="L", **nl)
                pdf.ln(0.8)
            elif isinstance(block, Bullets):
                pdf.set_font("DejaVu", "", 9)
                for item in block.items:
                    pdf.set_x(pdf.l_margin + 3)
                    pdf.multi_cell(width - 3, 4.8, f"• {_fit(item)}", align="L", **nl)
                pdf.ln(1.2)
            elif isinstance(block, KeyValues):
                sep = " : " if doc.lang == "fr" else ": "
                for key, value in block.items:
                    key, value = _fit(key, _CELL_CHARS), _fit(value)
                    mono = len(value) == 64 and all(c in "0123456789abcdef" for c in value)
                    pdf.set_font("DejaVu", "B", 9)
                    key_w = pdf.get_string_width(key + sep) + 1
                    if key_w < width * 0.4 and not mono:
                        pdf.cell(key_w, 4.8, key + sep)
                        pdf.set_font("DejaVu", "", 9)
                        pdf.multi_cell(width - key_w, 4.8, value or "–", align="L", **nl)
                        continue
                    pdf.multi_cell(width, 4.8, key, **nl)
                    pdf.set_font("DejaVuMono" if mono else "DejaVu", "", 8.5 if mono else 9)
                    pdf.set_x(pdf.l_margin + 4)
                    pdf.multi_cell(width - 4, 4.8, value or "–", align="L", **nl)
                pdf.ln(1.2)
            elif isinstance(block, Table):
                _table(pdf, block, width)
            elif isinstance(block, Code):
                pdf.set_font("DejaVuMono", "", 8)
                pdf.set_fill_color(244, 246, 247)
                pdf.multi_cell(width, 4.4, block.text, fill=True, wrapmode=WrapMode.CHAR, **nl)
                pdf.ln(1.5)
            elif isinstance(block, Chart):
                png = render_png(block.spec)
                share = 0.6 if block.small else 0.85
                if pdf.get_y() > pdf.h - (65 if block.small else 95):
                    pdf.add_page()
                pdf.image(io.BytesIO(png), w=width * share,
                          x=pdf.l_margin + width * (1 - share) / 2,
                          alt_text=_fit(block.alt or block.spec.title))
                pdf.set_font("DejaVu", "", 7.5)
                pdf.set_text_color(90, 90, 90)
                pdf.multi_cell(width, 4, _fit(block.caption), **nl)
                pdf.set_text_color(*_TEXT)
                pdf.ln(1.5)
        if section.page_break_after:
            pdf.add_page()
    return bytes(pdf.output())


def _table(pdf: Any, block: Table, width: float) -> None:
    from fpdf.fonts import FontFace

    block = Table(
        [_fit(h, _CELL_CHARS) for h in block.header],
        [[_fit(c, _CELL_CHARS) for c in row] for row in block.rows],
        block.numeric,
    )
    n = len(block.header)
    size = 8 if n <= 5 else 7
    pdf.set_font("DejaVu", "", size)
    # Column widths from the longest cell (capped), so short columns stay narrow.
    lengths = [
        max(
            [max(len(w) for w in block.header[i].split()) + 3]
            + [min(len(r[i]), 40) for r in block.rows]
        )
        + 2
        for i in range(n)
    ]
    align = ["RIGHT" if num else "LEFT" for num in block.numeric]
    with pdf.table(
        col_widths=lengths,
        width=width,
        line_height=size * 0.5,
        text_align=align,
        headings_style=FontFace(emphasis="BOLD", fill_color=_HEAD_FILL),
        borders_layout="SINGLE_TOP_LINE",
        padding=0.8,
    ) as table:
        head = table.row()
        for h in block.header:
            head.cell(h)
        for r in block.rows:
            row = table.row()
            for cell in r:
                row.cell(cell)
    pdf.ln(2)


def render_comparison_pdf(c: Comparison, lang: Lang = "fr") -> bytes:
    """The comparison as PDF bytes."""
    return render_document_pdf(comparison_document(c, lang), footer=c.profile_id)


def render_fiche_pdf(f: Fiche, lang: Lang = "fr") -> bytes:
    """The procurement sheet as PDF bytes; every page's foot carries the inputs hash, and
    the canonical fiche is embedded as ``fiche.json``."""
    return render_document_pdf(
        fiche_document(f, lang, accessible_note=True),
        footer=f"ia-empreinte {f.tool_version} · SHA-256 {f.inputs_sha256}",
        attachment=(EMBEDDED_NAME, embedded_json(f)),
    )
