"""The canonical fiche carried inside every rendered sheet, and checking a sheet against it.

Every format of a fiche carries the canonical fiche JSON (what ``report -o fiche.json``
writes, with its inputs), so any of them can be verified, not only the JSON:

- PDF: an embedded file ``fiche.json`` (PDF "attachment", ISO 32000 section 7.11.4);
- HTML: a ``<script type="application/json" id="ia-empreinte-fiche">`` data block
  (never executed: the page has no executable script);
- XLSX: a hidden sheet ``fiche.json``, the JSON cut in cells of column A;
- Markdown: a closing HTML comment holding the JSON in base64.

:func:`extract_fiche_json` takes the fiche out of the bytes of any of them and
:func:`sheet_differences` renders it again, in the sheet's language, to compare what
the sheet shows (PDF text per page, every cell of the XLSX sheets, every line of the
HTML or markdown) with what the fiche says (``load_fiche`` of the input layer does
both). A figure edited
in the visible sheet is then a difference, and a figure edited in the embedded fiche is
one when :func:`~ia_empreinte.sheet.verify_fiche` recomputes it.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from collections.abc import Callable

from ia_empreinte.errors import InputFileError
from ia_empreinte.render.i18n import LANGS, Lang
from ia_empreinte.render.tabular import render_json
from ia_empreinte.sheet import Difference, Fiche

__all__ = [
    "EMBEDDED_NAME",
    "HTML_DATA_ID",
    "XLSX_SHEET",
    "embedded_json",
    "extract_fiche_json",
    "html_data_block",
    "markdown_data_comment",
    "sheet_differences",
]

EMBEDDED_NAME = "fiche.json"
"""Name of the embedded file (PDF) and of the hidden sheet (XLSX)."""
HTML_DATA_ID = "ia-empreinte-fiche"
XLSX_CHUNK = 32_000
"""Characters per XLSX cell (a cell holds at most 32,767)."""
XLSX_SHEET = EMBEDDED_NAME

_HTML_BLOCK = re.compile(
    rf'<script type="application/json" id="{HTML_DATA_ID}">(.*?)</script>\n?', re.S
)
_MD_COMMENT = re.compile(r"\n<!-- ia-empreinte-fiche base64:([A-Za-z0-9+/=]*) -->\n?\Z")
_DATA_URI = re.compile(r'src="data:image/png;base64,[A-Za-z0-9+/=]*"')
_SHOWN = 200
"""Characters of a differing line or cell kept in a difference."""


def embedded_json(f: Fiche) -> str:
    """The canonical fiche JSON that every format carries (``report -o fiche.json``)."""
    return render_json(f.model_dump(mode="json", by_alias=True))


def html_data_block(f: Fiche) -> str:
    """The fiche as an HTML data block; ``<``, ``>``, ``&`` and line separators are
    written as JSON escapes, so no text can close the block or open markup."""
    text = (
        embedded_json(f)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return f'<script type="application/json" id="{HTML_DATA_ID}">{text}</script>'


def markdown_data_comment(f: Fiche) -> str:
    """The fiche as a closing markdown (HTML) comment, base64 so nothing can end it."""
    data = base64.b64encode(embedded_json(f).encode("utf-8")).decode("ascii")
    return f"\n<!-- ia-empreinte-fiche base64:{data} -->\n"


def _missing(name: str, fmt: str) -> InputFileError:
    return InputFileError(
        f"no embedded fiche found in this {fmt.upper()} sheet; expected one written by "
        "ia-empreinte report (or give the .json fiche)",
        file=name,
    )


def _extract(data: bytes, fmt: str, name: str) -> str:
    """The embedded fiche JSON of a rendered sheet."""
    if fmt == "pdf":
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        try:
            found = PdfReader(io.BytesIO(data)).attachments.get(EMBEDDED_NAME)
        except (PyPdfError, ValueError, KeyError, TypeError) as exc:
            raise InputFileError(f"not a readable PDF ({exc})", file=name) from None
        if not found:
            raise _missing(name, fmt)
        return _text(found[0], name)
    if fmt == "xlsx":
        from zipfile import BadZipFile

        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True)
        except (BadZipFile, KeyError, ValueError, OSError) as exc:
            raise InputFileError(f"not a readable XLSX workbook ({exc})", file=name) from None
        if XLSX_SHEET not in wb.sheetnames:
            raise _missing(name, fmt)
        return "".join(
            str(row[0]) for row in wb[XLSX_SHEET].iter_rows(values_only=True) if row and row[0]
        )
    text = _text(data, name)
    if fmt == "html":
        match = _HTML_BLOCK.search(text)
        if match is None:
            raise _missing(name, fmt)
        return match.group(1)
    match = _MD_COMMENT.search(text)
    if match is None:
        raise _missing(name, fmt)
    try:
        return _text(base64.b64decode(match.group(1), validate=True), name)
    except binascii.Error:
        raise _missing(name, fmt) from None


def _text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputFileError("embedded fiche is not UTF-8 text", file=name) from None


def _shown(data: bytes, fmt: str) -> list[tuple[str, str]]:
    """What a sheet shows, as (place, text) pairs, without the embedded fiche."""
    if fmt == "pdf":
        from pypdf import PdfReader

        pages = PdfReader(io.BytesIO(data)).pages
        return [(f"page {i}", page.extract_text()) for i, page in enumerate(pages, start=1)]
    if fmt == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data))
        cells: list[tuple[str, str]] = []
        for ws in wb.worksheets:
            if ws.title == XLSX_SHEET:
                continue
            for row in ws.iter_rows():
                cells += [(f"{ws.title}!{c.coordinate}", repr(c.value)) for c in row]
        return cells
    text = data.decode("utf-8", errors="replace")
    if fmt == "html":
        text = _DATA_URI.sub('src="data:image/png"', _HTML_BLOCK.sub("", text))
    else:
        text = _MD_COMMENT.sub("", text)
    return [(f"line {i}", line) for i, line in enumerate(text.splitlines(), start=1)]


def _compare(shown: list[tuple[str, str]], expected: list[tuple[str, str]]) -> list[Difference]:
    diffs: list[Difference] = []
    stored, rendered = dict(shown), dict(expected)
    for place in [*dict.fromkeys([p for p, _ in expected] + [p for p, _ in shown])]:
        a, b = stored.get(place, "(absent)"), rendered.get(place, "(absent)")
        if a != b:
            a, b = _first_change(a, b)
            diffs.append(Difference(path=f"sheet: {place}", stored=a, recomputed=b))
    return diffs


def _first_change(a: str, b: str) -> tuple[str, str]:
    """The first differing lines of two texts, cut to :data:`_SHOWN` characters."""
    for x, y in zip(a.splitlines(), b.splitlines(), strict=False):
        if x != y:
            return x[:_SHOWN], y[:_SHOWN]
    return a[:_SHOWN], b[:_SHOWN]


def extract_fiche_json(data: bytes, fmt: str, name: str) -> str:
    """The fiche JSON embedded in a sheet's bytes (``pdf``, ``html``, ``xlsx``,
    ``markdown``).

    Raises:
        InputFileError: the bytes are not a readable sheet or hold no embedded fiche.
    """
    return _extract(data, fmt, name)


def sheet_differences(
    data: bytes, fmt: str, render_again: Callable[[Lang], bytes]
) -> list[Difference]:
    """Every place where a sheet shows something else than its fiche rendered again in
    the sheet's language (the PDF text of each page, each XLSX cell, each HTML or
    markdown line); empty for an untouched sheet.

    Args:
        data: the sheet's bytes.
        fmt: its format.
        render_again: the embedded fiche rendered in this format and a language
            (:func:`ia_empreinte.render.sheet.render_fiche`).
    """
    shown = _shown(data, fmt)
    best: list[Difference] | None = None
    for lang in _languages(data, fmt):
        diffs = _compare(shown, _shown(render_again(lang), fmt))
        if not diffs:
            return []
        if best is None or len(diffs) < len(best):
            best = diffs
    assert best is not None
    return best


def _languages(data: bytes, fmt: str) -> list[Lang]:
    """Languages to try, the likeliest first (HTML says its own)."""
    if fmt == "html":
        match = re.search(rb'<html lang="(\w+)">', data[:400])
        if match and match.group(1).decode() in LANGS:
            first: Lang = match.group(1).decode()  # type: ignore[assignment]
            return [first]
    return list(LANGS)

