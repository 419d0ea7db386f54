"""TOML values for the generated data files (``llm_calibration.toml``, ``tasks.toml``).

Written by hand because the runtime only reads TOML (``tomllib``) and these scripts write
a few flat tables of numbers and strings; a writer dependency would be kept for ten lines.
"""

from __future__ import annotations

from typing import Any


def value(v: Any, *, digits: int | None = None, quote_keys: bool = False) -> str:
    """``v`` as a TOML value: strings escaped, floats as ``repr`` (or rounded to ``digits``
    significant digits), lists and inline tables recursively."""
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v if digits is None else float(f"{v:.{digits}g}"))
    if isinstance(v, list):
        return "[" + ", ".join(value(x, digits=digits, quote_keys=quote_keys) for x in v) + "]"
    if isinstance(v, dict):
        items = (f"{_key(k, quote_keys)} = {value(x, digits=digits, quote_keys=quote_keys)}"
                 for k, x in v.items())
        return "{ " + ", ".join(items) + " }"
    return str(v)


def _key(k: Any, quoted: bool) -> str:
    return f'"{k}"' if quoted else str(k)
