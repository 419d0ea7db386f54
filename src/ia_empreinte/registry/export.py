"""Open data: the published projects and records as CSV, JSON and Parquet.

Published under the Licence Ouverte / Open Licence 2.0 (Etalab, 2017,
https://www.etalab.gouv.fr/licence-ouverte-open-licence/); the columns are documented
in ``docs/registry.md`` (:data:`COLUMNS` is the same list, checked by the tests).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ia_empreinte.registry.projects import published_projects
from ia_empreinte.registry.records import _from_stored
from ia_empreinte.registry.tables import benchmark_records, organisations, vendor_keys

__all__ = ["COLUMNS", "FORMATS", "LICENCE", "TABLES", "export_table"]

LICENCE = "Licence Ouverte / Open Licence 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
FORMATS = ("csv", "json", "parquet")
TABLES = ("projects", "records", "footprints")
Format = Literal["csv", "json", "parquet"]
Table = Literal["projects", "records", "footprints"]

COLUMNS: dict[str, dict[str, str]] = {
    "projects": {
        "id": "int64", "organisation": "string", "state": "string", "collectivite": "string",
        "insee_code": "string", "population": "int64", "population_band": "string",
        "tasks": "string", "description": "string", "profile_id": "string",
        "offers_considered": "string", "chosen_offer": "string", "vendor": "string",
        "zone": "string", "energy_kwh_per_year_p50": "float64",
        "gwp_kgco2e_per_year_p50": "float64", "sheet_sha256": "string",
        "inputs_sha256": "string", "revision": "int64", "updated_at": "string",
    },
    "records": {
        "sha256": "string", "organisation": "string", "model_name": "string",
        "task": "string", "accelerator": "string", "key_fingerprint": "string",
        "key_organisation": "string", "key_registered_on": "string",
        "per_request_wh_mean": "float64", "valid_for_procurement": "bool",
        "published_at": "string",
    },
    "footprints": {
        "project_id": "int64", "period": "string", "requests": "int64",
        "energy_kwh_p50": "float64", "gwp_kgco2e_p50": "float64",
        "metered_energy_kwh": "float64",
    },
}
"""Table -> column -> type (Arrow type names)."""


def _rows(conn: Connection, table: Table) -> list[dict[str, Any]]:
    if table == "projects":
        return [p.row() for p in published_projects(conn)]
    if table == "footprints":
        return [{"project_id": p.id, "period": f.period, "requests": f.requests,
                 "energy_kwh_p50": f.energy_kwh_p50, "gwp_kgco2e_p50": f.gwp_kgco2e_p50,
                 "metered_energy_kwh": f.metered_energy_kwh}
                for p in published_projects(conn) for f in p.footprints]
    out = []
    holder = organisations.alias("holder")
    stmt = (
        sa.select(benchmark_records, organisations.c.name.label("organisation"),
                  holder.c.name.label("key_organisation"), vendor_keys.c.registered_on)
        .join(organisations, organisations.c.id == benchmark_records.c.organisation_id)
        .outerjoin(vendor_keys, vendor_keys.c.fingerprint == benchmark_records.c.key_fingerprint)
        .outerjoin(holder, holder.c.id == vendor_keys.c.organisation_id)
        .order_by(benchmark_records.c.sha256))
    for r in conn.execute(stmt):
        record = _from_stored(r.sha256, r.body)  # re-verified: changed bytes are refused
        out.append({
            "sha256": r.sha256, "organisation": r.organisation, "model_name": r.model_name,
            "task": r.task, "accelerator": r.accelerator or "",
            "key_fingerprint": r.key_fingerprint or "",
            "key_organisation": r.key_organisation or "",
            "key_registered_on": "" if r.registered_on is None else r.registered_on.isoformat(),
            "per_request_wh_mean": record.results.per_request_wh.mean,
            "valid_for_procurement": record.valid_for_procurement,
            "published_at": r.published_at.isoformat(),
        })
    return out


def export_table(conn: Connection, table: Table, fmt: Format) -> bytes:
    """One table of published entries in one format.

    CSV: UTF-8, a header row, comma-separated (RFC 4180). JSON: an object with the
    licence, the column types and the rows. Parquet: the columns typed as in
    :data:`COLUMNS`, the licence in the file's key-value metadata.
    """
    rows = _rows(conn, table)
    columns = COLUMNS[table]
    if fmt == "json":
        document = {"licence": LICENCE, "licence_url": LICENCE_URL, "table": table,
                    "columns": columns, "rows": rows}
        return (json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False)
                + "\n").encode("utf-8")
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
        return buffer.getvalue().encode("utf-8")
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    schema = pa.schema([pa.field(name, pa.type_for_alias(kind)) for name, kind in columns.items()],
                       metadata={"licence": LICENCE, "licence_url": LICENCE_URL,
                                 "producer": "ia-empreinte registry"})
    arrow = pa.Table.from_pylist(rows, schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(arrow, sink)
    return bytes(sink.getvalue().to_pybytes())


def _cell(value: Any) -> Any:
    """A CSV cell: text that a spreadsheet would run as a formula is quoted with ``'``
    (OWASP, "CSV Injection")."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if value is None:
        return ""
    return value
