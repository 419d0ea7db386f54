"""Plain tables: aligned text for a terminal, CSV, and JSON lines of records."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "FORMULA_STARTS",
    "format_number",
    "is_formula_like",
    "plain_line",
    "render_csv",
    "render_json",
    "render_text_table",
    "spreadsheet_text",
]

FORMULA_STARTS = (
    "=", "+", "-", "@", "\t", "\r", "\n",
    "\uff1d", "\uff0b", "\uff0d", "\uff20",  # full-width = + - @
    "\ufe66", "\ufe62", "\ufe63",  # small = + -
)
"""First characters a spreadsheet may read as the start of a formula.

OWASP "CSV Injection" lists ``=``, ``+``, ``-``, ``@``, tab and carriage return;
spreadsheets also fold the full-width and small forms of the signs to ASCII.
"""


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could evaluate ``text`` (leading spaces ignored)."""
    return text.lstrip(" ").startswith(FORMULA_STARTS)


def spreadsheet_text(value: Any) -> Any:
    """``value`` ready for a CSV cell: formula-like text gets a leading ``'`` (OWASP).

    Numbers, None and plain text pass unchanged, so figures stay numbers.
    """
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def plain_line(text: str) -> str:
    """``text`` on one line: every control character (newline, CR, escape, tab...)
    becomes a space, so a name cannot break or overprint a terminal table."""
    return "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)


def format_number(value: Any, digits: int = 3) -> str:
    """A number with ``digits`` significant digits, others as text; None as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value == 0:
            return "0"
        return f"{value:.{digits}g}"
    return str(value)


def render_text_table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, max_width: int = 0
) -> str:
    """An aligned text table with a header line; numbers right-aligned.

    Args:
        max_width: cut longer cells to this many characters, ending with '…' (0: no cut).
    """

    def cut(text: str) -> str:
        return text if not max_width or len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[cut(plain_line(format_number(r.get(c)))) for c in columns] for r in rows]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    numeric = [
        all(isinstance(r.get(c), int | float) or r.get(c) is None for r in rows) and rows
        for c in columns
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(list(columns)), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    return "\n".join(out) + "\n"


def render_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """CSV with a header; numbers written in full precision.

    Text that a spreadsheet would read as a formula starts with ``'`` (OWASP), and
    control characters become spaces (a lone CR would end the row unquoted).
    """
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for r in rows:
        writer.writerow(
            {c: "" if r.get(c) is None else _csv_cell(r.get(c)) for c in columns}
        )
    return buf.getvalue()


def _csv_cell(value: Any) -> Any:
    value = spreadsheet_text(value)
    return plain_line(value) if isinstance(value, str) else value


def render_json(data: Any) -> str:
    """Indented JSON with sorted keys and a final newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
