"""Commands about input files and reference data: validate, schema, catalog."""

from __future__ import annotations

import sys

import click

from ia_empreinte import catalog_table, json_schema, schema_names, validate_file
from ia_empreinte.render.tabular import render_csv, render_json, render_text_table

__all__ = ["catalog", "schema", "validate"]


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option(
    "--kind",
    type=click.Choice(["profile", "offer", "record"]),
    help="Document kind; detected from the fields when omitted.",
)
def validate(files: tuple[str, ...], kind: str | None) -> None:
    """Check that FILES are valid profiles, offers or benchmark records.

    Prints one line per valid file; stops at the first invalid one with a message
    naming the file, the field and what is expected (exit code 2).
    """
    for path in files:
        found, _ = validate_file(path, kind)
        click.echo(f"{path}: valid {found}")


@click.command()
@click.argument("name", type=click.Choice(schema_names()))
def schema(name: str) -> None:
    """Print the JSON Schema of a document kind (profile, offer, record, estimate...)."""
    click.echo(render_json(json_schema(name)), nl=False)


@click.command()
@click.argument(
    "table", type=click.Choice(["zones", "accelerators", "servers", "datacenters", "models"])
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default=None,
    help="Output format (default: table on a terminal, json otherwise).",
)
def catalog(table: str, fmt: str | None) -> None:
    """List a reference-data table, with the source and year of every entry."""
    columns, rows = catalog_table(table)
    if fmt is None:
        fmt = "table" if sys.stdout.isatty() else "json"
    if fmt == "json":
        click.echo(render_json(rows), nl=False)
    elif fmt == "csv":
        click.echo(render_csv(rows, columns), nl=False)
    else:
        short = [c for c in columns if not c.endswith(("_source", "notes", "basis"))]
        click.echo(render_text_table(rows, short, max_width=32), nl=False)
