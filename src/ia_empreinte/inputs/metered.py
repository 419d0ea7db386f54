"""The operator's metered energy, read at the edge with pyarrow (CSV, JSONL or Parquet).

One row per month and deployment: ``month`` (``YYYY-MM``), ``deployment`` (a name;
optional), and either ``energy_kwh`` (with an optional ``scope``: ``facility``, the
default, ``it`` or ``accelerators``) or ``gpu_hours`` with ``accelerator`` (a catalog
id). A metered file is small (months x deployments): it is read whole, every cell as
text, and each row is checked in turn, naming the row and the column of a bad value.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import cast

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyarrow.json as pa_json  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from ia_empreinte._files import read_input_bytes
from ia_empreinte.engine.reconcile import METERED_SCOPES, MeteredRow
from ia_empreinte.errors import InputFileError

__all__ = ["read_metered"]

_COLUMNS = ("month", "deployment", "energy_kwh", "gpu_hours", "accelerator", "scope")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_MAX_ROWS = 100_000
_MAX_BYTES = 64 * 1024 * 1024


def _table(path: Path, data: bytes) -> pa.Table:
    buf = pa.BufferReader(data)
    suffix = path.suffix.lower()
    try:
        if data[:4] == b"PAR1" or suffix in (".parquet", ".pq"):
            table = pq.read_table(buf)
            return table.cast(pa.schema([(n, pa.string()) for n in table.column_names]))
        if suffix in (".jsonl", ".ndjson"):
            table = pa_json.read_json(buf)
            return pa.table({n: pa.array([None if v is None else
                                          (repr(v) if isinstance(v, bool) else str(v))
                                          for v in table.column(n).to_pylist()], pa.string())
                             for n in table.column_names})
        header = pa_csv.read_csv(pa.BufferReader(data),
                                 read_options=pa_csv.ReadOptions(block_size=1 << 20)
                                 ).column_names
        return pa_csv.read_csv(buf, convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()), null_values=[""],
            strings_can_be_null=True))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
        raise InputFileError(f"cannot read the metered energy ({str(exc).splitlines()[0]})",
                             file=str(path)) from None


def _number(value: str | None, row: int, column: str, file: str) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        x = float(value)
    except ValueError:
        x = math.nan
    if not math.isfinite(x) or x < 0:
        raise InputFileError(f"row {row}: column '{column}': expected a number >= 0, got "
                             f"{value[:60]!r}", file=file)
    return x


def read_metered(path: str | Path) -> list[MeteredRow]:
    """Read and check the operator's metered energy.

    Raises:
        InputFileError: one line naming the file, the row (1-based data row) and the
            column of the first bad value.
    """
    p = Path(path)
    file = str(p)
    data = read_input_bytes(p, limit=_MAX_BYTES)
    table = _table(p, data)
    unknown = [c for c in table.column_names if c not in _COLUMNS]
    if unknown:
        raise InputFileError(f"unknown column {unknown[0]!r}; expected "
                             + ", ".join(_COLUMNS), file=file)
    if "month" not in table.column_names:
        raise InputFileError("missing column 'month'", file=file)
    if table.num_rows == 0:
        raise InputFileError("no metered rows", file=file)
    if table.num_rows > _MAX_ROWS:
        raise InputFileError(f"more than {_MAX_ROWS:,} metered rows", file=file)
    cols = {n: table.column(n).to_pylist() for n in table.column_names}
    out: list[MeteredRow] = []
    for i in range(table.num_rows):
        row = i + 1

        def cell(name: str, row_i: int = i) -> str | None:
            values = cols.get(name)
            return None if values is None else cast(str | None, values[row_i])

        month = (cell("month") or "").strip()
        if not _MONTH.match(month):
            raise InputFileError(f"row {row}: column 'month': expected YYYY-MM, got "
                                 f"{month[:60]!r}", file=file)
        energy = _number(cell("energy_kwh"), row, "energy_kwh", file)
        hours = _number(cell("gpu_hours"), row, "gpu_hours", file)
        accelerator = (cell("accelerator") or "").strip() or None
        scope = (cell("scope") or "facility").strip()
        if (energy is None) == (hours is None):
            raise InputFileError(f"row {row}: expected energy_kwh or gpu_hours (one of them)",
                                 file=file)
        if hours is not None and accelerator is None:
            raise InputFileError(f"row {row}: column 'accelerator': gpu_hours needs the "
                                 "accelerator type (a catalog id)", file=file)
        if scope not in METERED_SCOPES:
            raise InputFileError(f"row {row}: column 'scope': expected one of "
                                 f"{', '.join(METERED_SCOPES)}, got {scope[:60]!r}", file=file)
        out.append(MeteredRow(month=month, deployment=(cell("deployment") or "").strip(),
                              energy_kwh=energy, gpu_hours=hours, accelerator=accelerator,
                              scope=scope, row=row))
    return out
